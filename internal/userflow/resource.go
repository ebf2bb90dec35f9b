package userflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var (
	_ resource.ResourceWithConfigure      = (*linkResource)(nil)
	_ resource.ResourceWithImportState    = (*linkResource)(nil)
	_ resource.ResourceWithValidateConfig = (*linkResource)(nil)
	_ resource.ResourceWithIdentity       = (*linkResource)(nil)
)

// linkTimeouts are how long each operation may take when the timeouts block does not say.
var linkTimeouts = tf.Defaults{Create: 5 * time.Minute, Read: 5 * time.Minute, Update: 5 * time.Minute, Delete: 5 * time.Minute}

// adoptKey is the private-state key that marks a resource just imported: its first read takes every
// step the flow has, not only those the state names.
const adoptKey = "adopt_all_steps"

// NewResource returns the entra_user_flow_api_connectors resource.
func NewResource() resource.Resource {
	return &linkResource{}
}

type linkResource struct {
	client *graph.Client
}

// linkModel is the resource's state: the steps it manages hold a connector id; the others are null.
type linkModel struct {
	ID                      types.String   `tfsdk:"id"`
	UserFlowID              types.String   `tfsdk:"user_flow_id"`
	PostFederationSignup    types.String   `tfsdk:"post_federation_signup"`
	PostAttributeCollection types.String   `tfsdk:"post_attribute_collection"`
	PreTokenIssuance        types.String   `tfsdk:"pre_token_issuance"`
	Timeouts                timeouts.Value `tfsdk:"timeouts"`
}

func (r *linkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flow_api_connectors"
}

func (r *linkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The user flow's id, the same as `user_flow_id`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"user_flow_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The id of the user flow, such as `B2X_1_PartnerSignUp` or `B2C_1_SignUpSignIn`: " +
				"`entra_user_flow.<name>.id` for a flow made by this provider, or the id of one made in the portal. The prefix says the kind: " +
				"`B2X_1_` is an External ID self-service sign-up flow (Graph `b2xUserFlows`, on the provider's `api_version`), " +
				"`B2C_1_` an Azure AD B2C user flow (Graph `b2cUserFlows`, which Graph serves on `beta` only: those calls use `beta` " +
				"whatever `api_version` says). Changing it replaces the resource.",
			// Graph matches flow ids without regard to case: another spelling of the same flow is no new flow.
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
				func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
				}, "Another user flow replaces the resource; another spelling of the same id does not.", "")},
			Validators: []validator.String{stringvalidator.RegexMatches(userFlowIDPattern, userFlowIDForm)},
		},
	}
	for _, s := range steps {
		attributes[s.attribute] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: s.stepDescription() + " Leave it unset to leave the step as it is; removing it from the " +
				"configuration clears the step.",
			Validators: []validator.String{tf.ConnectorIDValidator()},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Wires API connectors into the steps of one user flow: Graph's `apiConnectorConfiguration` of a " +
			"`b2xIdentityUserFlow` (External ID self-service sign-up) or `b2cIdentityUserFlow` (Azure AD B2C). Requires the Graph " +
			"permission `" + tf.UserFlows.Permission + "`.\n\n" +
			"The resource manages the steps its configuration names and leaves the others as they are. Each step that changes is " +
			"one `PUT …/apiConnectorConfiguration/{step}/$ref`; a step removed from the configuration is cleared, and destroying " +
			"the resource clears the steps it manages. A step changed or cleared outside Terraform shows in the next plan as the " +
			"change that puts it back. The flow itself, its identity providers and its sign-up page are `entra_user_flow`'s, which " +
			"never touches the steps: the two resources can manage one flow together. Find the ids of flows made in the portal " +
			"with the `entra_user_flows` data source.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": tf.ResourceTimeouts(ctx, linkTimeouts),
		},
	}
}

func (r *linkResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tf.IdentitySchema("The user flow's id, such as `B2X_1_PartnerSignUp`.")
}

func (r *linkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses, at plan time, a step the kind of flow does not have.
func (r *linkResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config linkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || config.UserFlowID.IsNull() || config.UserFlowID.IsUnknown() {
		return
	}
	flowID := config.UserFlowID.ValueString()
	kind, ok := graph.UserFlowKindOf(flowID)
	if !ok {
		return
	}
	for _, s := range steps {
		value := s.link(&config)
		if value.IsNull() || kind.HasStep(s.graph) {
			continue
		}
		resp.Diagnostics.AddAttributeError(path.Root(s.attribute), "Step not in this kind of user flow",
			fmt.Sprintf("%s is a step of %s only, and %s is an %s, whose steps are %s. Remove %s, or name a flow of the other kind.",
				s.attribute, joinKindNames(s.kindsWith()), flowID, kindNames[kind], strings.Join(stepsOf(kind), " and "), s.attribute))
	}
}

func (r *linkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan linkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Create, linkTimeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := plan.UserFlowID.ValueString()
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, flowID)...)
	// applied is what Graph holds so far: the steps set, each as soon as Graph has answered.
	applied := plan
	applied.ID = plan.UserFlowID
	var managed []step
	for _, s := range steps {
		if !s.link(&plan).IsNull() {
			managed = append(managed, s)
		}
		*s.link(&applied) = types.StringNull()
	}
	if len(managed) == 0 {
		// Nothing to send: make sure the flow exists, so that a mistyped id is an error now rather than a
		// resource that disappears at the next refresh.
		if _, err := r.client.GetAPIConnectorConfigurationConfirmed(ctx, flowID); err != nil {
			reportFlowFailure(&resp.Diagnostics, flowID, err, tf.ResourceCreate)
			return
		}
	} else if set := r.setSteps(ctx, &resp.Diagnostics, flowID, managed, plan, &applied, tf.ResourceCreate); set == 0 {
		return
	}
	// After a failure the steps already set stay in the state, so that the next apply (or a destroy) knows them.
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

func (r *linkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state linkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Read, linkTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := state.UserFlowID.ValueString()
	// Set before anything can return: the framework wants an identity even when the flow is gone.
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, flowID)...)
	// One replica that lags behind can answer 404 for a flow that exists: the client reads again before
	// the flow is taken for deleted and the resource forgotten.
	remote, err := r.client.GetAPIConnectorConfigurationConfirmed(ctx, flowID)
	if graph.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		reportFlowFailure(&resp.Diagnostics, flowID, err, tf.ResourceRead)
		return
	}
	adopt, diags := req.Private.GetKey(ctx, adoptKey)
	resp.Diagnostics.Append(diags...)
	refreshed := refresh(state, remote, len(adopt) > 0)
	if len(adopt) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, adoptKey, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &refreshed)...)
}

// refresh maps what Graph holds onto the state. A managed step (one the state names) takes the
// connector Graph reports, or null when Graph reports none, so that the plan puts it back; other steps
// stay null unless adopt asks for every step (the first read after an import). A connector id that
// differs only in case keeps the state's spelling, as Graph compares ids without regard to case.
func refresh(state linkModel, remote graph.APIConnectorConfiguration, adopt bool) linkModel {
	refreshed := state
	if refreshed.ID.IsNull() {
		refreshed.ID = state.UserFlowID
	}
	for _, s := range steps {
		value := s.link(&refreshed)
		if value.IsNull() && !adopt {
			continue
		}
		got := remote[s.graph]
		if strings.EqualFold(got, value.ValueString()) && got != "" {
			continue
		}
		*value = stringOrNull(got)
	}
	return refreshed
}

func (r *linkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state linkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Update, linkTimeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := plan.UserFlowID.ValueString()
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, flowID)...)
	// applied starts as the state and takes each step of the plan as soon as Graph has it.
	applied := state
	applied.Timeouts = plan.Timeouts
	// The same flow in another spelling (see user_flow_id's plan modifier).
	applied.UserFlowID = plan.UserFlowID
	var changed []step
	for _, s := range steps {
		if !s.link(&plan).Equal(*s.link(&state)) {
			changed = append(changed, s)
		}
	}
	r.setSteps(ctx, &resp.Diagnostics, flowID, changed, plan, &applied, tf.ResourceUpdate)
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

func (r *linkResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state linkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Delete, linkTimeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := state.UserFlowID.ValueString()
	// Only the steps this resource manages are cleared; the flow's other steps are someone else's.
	for _, s := range steps {
		if s.link(&state).IsNull() {
			continue
		}
		err := r.client.SetUserFlowStep(ctx, flowID, s.graph, "")
		if graph.IsNotFound(err) {
			// Clearing names no connector, so a 404 means the flow itself is gone, and its steps with it.
			return
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(s.attribute), "Cannot clear the "+string(s.graph)+" step of user flow "+flowID,
				tf.Detail(err, flowCall(flowID, tf.ResourceDelete)))
			return
		}
	}
}

func (r *linkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	flowID, ok := importFlow(ctx, r.client, req, resp, linkTimeouts.Read)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_flow_id"), flowID)...)
	resp.Diagnostics.Append(tf.Imported(ctx, resp, flowID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, adoptKey, []byte("true"))...)
}

// written is what the steps hold in m, as Graph should now report them ("" for a cleared step).
func written(of []step, m *linkModel) graph.APIConnectorConfiguration {
	out := graph.APIConnectorConfiguration{}
	for _, s := range of {
		out[s.graph] = s.link(m).ValueString()
	}
	return out
}

// setSteps sets the steps of plan listed in which, one PUT each (a null step is cleared: {} in place of a
// reference), copying each onto applied as soon as Graph has answered. The first failure is reported and
// ends the writes; otherwise it reads the steps back until Graph shows them, so that the refresh after the
// apply does not mistake replication lag for drift, and a step Graph never shows is an error with applied
// holding what Graph shows. It returns how many PUTs Graph answered.
func (r *linkResource) setSteps(ctx context.Context, diags *diag.Diagnostics, flowID string, which []step, plan linkModel,
	applied *linkModel, timeout tf.Timeout) int {
	for i, s := range which {
		want := *s.link(&plan)
		if err := r.client.SetUserFlowStep(ctx, flowID, s.graph, want.ValueString()); err != nil {
			r.reportStepFailure(ctx, diags, flowID, s, want.ValueString(), err, timeout)
			return i
		}
		*s.link(applied) = want
	}
	if len(which) == 0 {
		return 0
	}
	// A PUT Graph answered is done only once Graph shows it: until then, and when it never does, the state
	// holds what Graph shows.
	shown, err := r.client.WaitForUserFlowSteps(ctx, flowID, written(which, applied))
	if err == nil {
		return len(which)
	}
	paths := map[string]path.Path{}
	for _, s := range which {
		paths[string(s.graph)] = path.Root(s.attribute)
		if shown != nil && !strings.EqualFold(shown[s.graph], s.link(applied).ValueString()) {
			*s.link(applied) = stringOrNull(shown[s.graph])
		}
	}
	if !tf.ReportNotShown(diags, err, paths, flowCall(flowID, timeout)) {
		diags.AddError("Cannot read back the API connectors of user flow "+flowID,
			"The steps were written, but reading them back failed, so it is not known whether Graph applied them.\n\n"+
				tf.Detail(err, flowCall(flowID, timeout)))
	}
	return len(which)
}

// reportStepFailure explains a PUT that Graph refused. Graph's answer alone does not say whether the flow
// or the connector is missing, so on a client error the client asks: is the connector there, is the flow
// there? The diagnostic then names the argument at fault.
func (r *linkResource) reportStepFailure(ctx context.Context, diags *diag.Diagnostics, flowID string, s step, connectorID string,
	err error, timeout tf.Timeout) {
	// The PUT names the flow: Graph refusing the caller is refusing the flow (a missing permission, or a kind
	// of flow the tenant does not have), which user_flow_id names.
	if graph.IsForbidden(err) {
		diags.AddAttributeError(path.Root("user_flow_id"), "Graph refused user flow "+flowID, tf.Detail(err, flowCall(flowID, timeout)))
		return
	}
	if graph.IsClientError(err) {
		if connectorID != "" {
			if _, getErr := r.client.GetAPIConnector(ctx, connectorID); graph.IsNotFound(getErr) {
				diags.AddAttributeError(path.Root(s.attribute), "API connector not found",
					tf.Detail(getErr, tf.Call{Object: tf.APIConnectors, ID: connectorID, Timeout: timeout}))
				return
			}
		}
		if _, getErr := r.client.GetUserFlow(ctx, flowID); graph.IsNotFound(getErr) {
			reportFlowFailure(diags, flowID, getErr, timeout)
			return
		}
	}
	verb := "set"
	if connectorID == "" {
		verb = "clear"
	}
	diags.AddAttributeError(path.Root(s.attribute), fmt.Sprintf("Cannot %s the %s step of user flow %s", verb, s.graph, flowID),
		tf.Detail(err, flowCall(flowID, timeout)))
}

// reportFlowFailure explains a failed read of the flow against user_flow_id, which names it.
func reportFlowFailure(diags *diag.Diagnostics, flowID string, err error, timeout tf.Timeout) {
	summary := "Cannot read user flow " + flowID
	switch {
	case graph.IsNotFound(err):
		summary = "User flow not found"
	case graph.IsForbidden(err):
		summary = "Graph refused user flow " + flowID
	}
	diags.AddAttributeError(path.Root("user_flow_id"), summary, tf.Detail(err, flowCall(flowID, timeout)))
}

// flowCall is a call on one user flow, for the next steps after it fails.
func flowCall(flowID string, timeout tf.Timeout) tf.Call {
	return tf.Call{Object: tf.UserFlows, ID: flowID, Timeout: timeout}
}

func joinKindNames(kinds []graph.UserFlowKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		// Both kinds' names start with a vowel.
		names[i] = "an " + kindNames[k]
	}
	return strings.Join(names, " or ")
}
