package userflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var (
	_ resource.ResourceWithConfigure      = (*flowResource)(nil)
	_ resource.ResourceWithImportState    = (*flowResource)(nil)
	_ resource.ResourceWithValidateConfig = (*flowResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*flowResource)(nil)
	_ resource.ResourceWithIdentity       = (*flowResource)(nil)
)

// flowTimeouts are how long each operation may take when the timeouts block does not say: a create or an
// update writes one request per provider and field, each read back.
var flowTimeouts = tf.Defaults{Create: 10 * time.Minute, Read: 5 * time.Minute, Update: 10 * time.Minute, Delete: 5 * time.Minute}

// NewFlowResource returns the entra_user_flow resource.
func NewFlowResource() resource.Resource {
	return &flowResource{}
}

type flowResource struct {
	client *graph.Client
}

func (r *flowResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flow"
}

func (r *flowResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = flowSchema(ctx)
}

func (r *flowResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tf.IdentitySchema("The user flow's id, such as `B2X_1_Partner`.")
}

func (r *flowResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses, at plan time, what Graph would refuse of the flow's kind and sign-up page.
func (r *flowResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config flowResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateFlow(ctx, config)...)
}

// ModifyPlan plans what Graph will show where the configuration leaves it open: a b2x flow has no language
// settings, and a field whose label is left to Graph keeps the label it has (matched by attribute id, not
// by place, so that reordering the page moves no label).
func (r *flowResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state flowResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Kind.ValueString() == string(graph.B2XUserFlow) {
		var config flowResourceModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
		if config.IsLanguageCustomizationEnabled.IsNull() {
			plan.IsLanguageCustomizationEnabled = types.BoolNull()
		}
		if config.DefaultLanguageTag.IsNull() {
			plan.DefaultLanguageTag = types.StringNull()
		}
	}
	fields, diags := plannedFields(ctx, plan.UserAttributeAssignments)
	prior, priorDiags := assignmentsOf(ctx, state.UserAttributeAssignments)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(priorDiags...)
	if fields != nil && !resp.Diagnostics.HasError() {
		for i, field := range fields {
			if j := findAssignment(prior, field.UserAttributeID.ValueString()); j >= 0 && field.DisplayName.IsUnknown() && !field.UserAttributeID.IsUnknown() {
				fields[i].DisplayName = prior[j].DisplayName
			}
		}
		plan.UserAttributeAssignments, diags = assignmentList(ctx, fields)
		resp.Diagnostics.Append(diags...)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// plannedFields are the fields of a planned page, or nil when the page or any field is not known yet.
func plannedFields(ctx context.Context, list types.List) ([]assignmentModel, diag.Diagnostics) {
	if list.IsNull() || list.IsUnknown() {
		return nil, nil
	}
	fields := make([]assignmentModel, 0, len(list.Elements()))
	for _, element := range list.Elements() {
		if element.IsUnknown() {
			return nil, nil
		}
		var field assignmentModel
		if diags := objectAs(ctx, element, &field); diags.HasError() {
			return nil, diags
		}
		fields = append(fields, field)
	}
	return fields, nil
}

func (r *flowResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan flowResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Create, flowTimeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	want, diags := wantedParts(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	created, err := r.client.CreateUserFlow(ctx, newUserFlow(plan))
	if created == nil {
		reportCreateFailure(&resp.Diagnostics, plan, err)
		return
	}
	// The flow exists from here on: whatever fails next, the state keeps it, holding what Graph shows.
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, created.ID)...)
	if err != nil {
		resp.Diagnostics.Append(tf.MarkUnserved(ctx, resp.Private)...)
	}
	applied := plan
	applied.ID = types.StringValue(created.ID)
	applyFlow(&applied, *created)
	applied.IdentityProviders = types.SetNull(types.StringType)
	applied.UserAttributeAssignments = types.ListNull(assignmentObjectType)
	if err == nil {
		err = r.writeParts(ctx, created.ID, want, &applied)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
	if err != nil {
		var failure diag.Diagnostics
		reportWriteFailure(&failure, "Cannot create user flow "+created.ID, err, created.ID, want.fields, tf.ResourceCreate)
		resp.Diagnostics.Append(tf.TaintedAfterCreate(failure, tf.UserFlows, created.ID)...)
	}
}

func (r *flowResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state flowResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity even when the flow is gone.
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Read, flowTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := state.ID.ValueString()
	// One replica that lags behind can answer 404 for a flow that exists: the client reads again before the
	// flow is taken for deleted and the resource forgotten.
	flow, err := r.client.GetUserFlowConfirmed(ctx, flowID)
	if graph.IsNotFound(err) {
		if tf.NotFound(ctx, req.Private, &resp.Diagnostics, flowCall(flowID, tf.ResourceRead)) {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	var providers []string
	var fields []graph.AttributeAssignment
	if err == nil {
		providers, err = r.client.ListUserFlowIdentityProviders(ctx, flowID)
	}
	if err == nil {
		fields, err = r.client.ListAttributeAssignments(ctx, flowID)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read user flow "+flowID, tf.Detail(err, flowCall(flowID, tf.ResourceRead)))
		return
	}
	resp.Diagnostics.Append(tf.Served(ctx, resp.Private)...)
	refreshed := state
	applyFlow(&refreshed, *flow)
	resp.Diagnostics.Append(applyProviders(ctx, &refreshed, state.IdentityProviders, providers)...)
	resp.Diagnostics.Append(applyPage(ctx, &refreshed, state.UserAttributeAssignments, fields)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &refreshed)...)
}

func (r *flowResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state flowResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Update, flowTimeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	want, diags := wantedParts(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	flowID := state.ID.ValueString()
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, flowID)...)
	// applied starts as the state, with the plan's spellings of what Graph compares without case, and takes
	// each part as soon as Graph shows it.
	applied := state
	applied.Timeouts, applied.Name, applied.UserFlowType = plan.Timeouts, plan.Name, plan.UserFlowType
	err := r.updateLanguages(ctx, flowID, plan, &applied)
	if err == nil {
		err = r.writeParts(ctx, flowID, want, &applied)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
	if err != nil {
		reportWriteFailure(&resp.Diagnostics, "Cannot update user flow "+flowID, err, flowID, want.fields, tf.ResourceUpdate)
	}
}

func (r *flowResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state flowResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Delete, flowTimeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	flowID := state.ID.ValueString()
	if err := r.client.DeleteUserFlow(ctx, flowID); err != nil {
		reportWriteFailure(&resp.Diagnostics, "Cannot delete user flow "+flowID, err, flowID, nil, tf.ResourceDelete)
	}
}

func (r *flowResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if flowID, ok := importFlow(ctx, r.client, req, resp, flowTimeouts.Read); ok {
		resp.Diagnostics.Append(tf.Imported(ctx, resp, flowID)...)
	}
}

// importFlow is the flow an import names, in Graph's spelling, or false when diagnostics say why there is none.
// Graph matches flow ids without regard to case: the state and the identity take Graph's spelling at the
// import, before a read or an apply could hold another one. A flow that is not there keeps the id as given,
// and the read after the import reports it gone. timeout bounds the read.
func importFlow(ctx context.Context, client *graph.Client, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	timeout time.Duration) (string, bool) {
	flowID, diags := tf.ImportID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return "", false
	}
	if !userFlowIDPattern.MatchString(flowID) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q is not a user flow id. The id %s.", flowID, userFlowIDForm))
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	flow, err := client.GetUserFlowConfirmed(ctx, flowID)
	switch {
	case err == nil:
		return flow.ID, true
	case !graph.IsNotFound(err):
		resp.Diagnostics.AddError("Cannot read user flow "+flowID, tf.Detail(err, flowCall(flowID, tf.ResourceRead)))
		return "", false
	}
	return flowID, true
}

// newUserFlow is the create a plan asks for: the name without its prefix, the type in Graph's spelling, and
// a B2C flow's language settings where the configuration sets them.
func newUserFlow(plan flowResourceModel) graph.NewUserFlow {
	kind := graph.UserFlowKind(plan.Kind.ValueString())
	flow := graph.NewUserFlow{
		Kind:                kind,
		Name:                plan.Name.ValueString(),
		UserFlowType:        graphSpelling(plan.UserFlowType.ValueString(), b2cFlowTypes),
		UserFlowTypeVersion: plan.UserFlowTypeVersion.ValueFloat64(),
	}
	if flowKindRules[kind].languages {
		flow.IsLanguageCustomizationEnabled = plan.IsLanguageCustomizationEnabled.ValueBoolPointer()
		flow.DefaultLanguageTag = plan.DefaultLanguageTag.ValueStringPointer()
	}
	return flow
}

// updateLanguages sends a B2C flow's language settings that the plan changes, in one PATCH, and puts what
// Graph then shows on applied. Nothing is sent when neither changes (a tag in another case is no change).
func (r *flowResource) updateLanguages(ctx context.Context, flowID string, plan flowResourceModel, applied *flowResourceModel) error {
	var update graph.UserFlowUpdate
	if p := plan.IsLanguageCustomizationEnabled; !p.IsUnknown() && !p.IsNull() && !p.Equal(applied.IsLanguageCustomizationEnabled) {
		update.IsLanguageCustomizationEnabled = p.ValueBoolPointer()
	}
	if p := plan.DefaultLanguageTag; !p.IsUnknown() && !p.IsNull() && !strings.EqualFold(p.ValueString(), applied.DefaultLanguageTag.ValueString()) {
		update.DefaultLanguageTag = p.ValueStringPointer()
	}
	if update.IsLanguageCustomizationEnabled == nil && update.DefaultLanguageTag == nil {
		if !plan.DefaultLanguageTag.IsUnknown() && !plan.DefaultLanguageTag.IsNull() {
			applied.DefaultLanguageTag = plan.DefaultLanguageTag
		}
		return nil
	}
	flow, err := r.client.UpdateUserFlow(ctx, flowID, update)
	if flow != nil {
		applied.IsLanguageCustomizationEnabled, applied.DefaultLanguageTag = languagesFromAPI(*flow, plan.DefaultLanguageTag)
	}
	return err
}

// applyFlow puts what Graph shows of a flow itself on m, keeping m's spellings of what Graph compares
// without case. The name is the id without its prefix unless m names the same flow already.
func applyFlow(m *flowResourceModel, flow graph.UserFlow) {
	prefix := flow.Kind.IDPrefix()
	m.ID = keepSpelling(m.ID, flow.ID)
	m.Kind = types.StringValue(string(flow.Kind))
	if m.Name.IsNull() || m.Name.IsUnknown() || !strings.EqualFold(prefix+m.Name.ValueString(), flow.ID) {
		m.Name = types.StringValue(flow.ID[len(prefix):])
	}
	m.UserFlowType = keepSpelling(m.UserFlowType, flow.UserFlowType)
	m.UserFlowTypeVersion = types.Float64Value(flow.UserFlowTypeVersion)
	m.IsLanguageCustomizationEnabled, m.DefaultLanguageTag = languagesFromAPI(flow, m.DefaultLanguageTag)
}

// createRefusals are the arguments a create Graph refuses is reported on, by Graph's status: kind when
// Graph refuses the kind of flow (403: the tenant holds the other kind, or a permission is missing), name
// when it refuses the name (400, or 409 for a flow of that name that exists already).
var createRefusals = map[int]string{400: "name", 403: "kind", 409: "name"}

// reportCreateFailure explains a create Graph refused, on the argument createRefusals names for its answer.
// After the 403 of a tenant of the other kind, the next step is to set kind to the tenant's.
func reportCreateFailure(diags *diag.Diagnostics, plan flowResourceModel, err error) {
	summary := fmt.Sprintf("Cannot create the %s user flow %s", plan.Kind.ValueString(), plan.Name.ValueString())
	detail := tf.Detail(err, tf.Call{Object: tf.UserFlows, Timeout: tf.ResourceCreate, KindArgument: "kind"})
	var answer *graph.Error
	if !errors.As(err, &answer) || createRefusals[answer.StatusCode] == "" {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(path.Root(createRefusals[answer.StatusCode]), summary, detail)
}

// reportWriteFailure explains a write that failed: by argument for each part Graph does not show, or for the
// write Graph refused, else with Graph's answer and the next step. sent is the planned page.
func reportWriteFailure(diags *diag.Diagnostics, summary string, err error, flowID string, sent []graph.AttributeAssignment, timeout tf.Timeout) {
	call := flowCall(flowID, timeout)
	if tf.ReportNotShown(diags, err, notShownPaths(err, sent), call) {
		return
	}
	var refused *writeError
	if errors.As(err, &refused) && refused.next != "" {
		diags.AddAttributeError(refused.at, refused.summary, refused.err.Error()+"\n\n"+refused.next)
		return
	}
	if errors.As(err, &refused) {
		diags.AddAttributeError(refused.at, refused.summary, tf.Detail(refused.err, call))
		return
	}
	diags.AddError(summary, tf.Detail(err, call))
}
