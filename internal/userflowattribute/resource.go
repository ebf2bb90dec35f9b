// Package userflowattribute holds the Terraform resource for custom user-flow attributes (Graph's
// identityUserFlowAttribute), the fields a user flow's sign-up page can collect beyond the built-in ones, and
// the data source that lists every attribute, built-in and custom.
package userflowattribute

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var (
	_ resource.ResourceWithConfigure   = (*attributeResource)(nil)
	_ resource.ResourceWithImportState = (*attributeResource)(nil)
	_ resource.ResourceWithIdentity    = (*attributeResource)(nil)
)

// attributeTimeouts are how long each operation may take when the timeouts block does not say.
var attributeTimeouts = tf.Defaults{Create: 5 * time.Minute, Read: 5 * time.Minute, Update: 5 * time.Minute, Delete: 5 * time.Minute}

// NewResource returns the entra_user_flow_attribute resource.
func NewResource() resource.Resource {
	return &attributeResource{}
}

type attributeResource struct {
	client *graph.Client
}

// attributeModel is the resource's state.
type attributeModel struct {
	ID                    types.String   `tfsdk:"id"`
	DisplayName           types.String   `tfsdk:"display_name"`
	DataType              types.String   `tfsdk:"data_type"`
	Description           types.String   `tfsdk:"description"`
	UserFlowAttributeType types.String   `tfsdk:"user_flow_attribute_type"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

func (r *attributeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flow_attribute"
}

func (r *attributeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema(ctx)
}

func (r *attributeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tf.IdentitySchema("The attribute's id as Graph spells it, such as `extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby`.")
}

func (r *attributeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (r *attributeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan attributeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Create, attributeTimeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.client.CreateUserFlowAttribute(ctx, toAPI(plan))
	if created == nil {
		resp.Diagnostics.AddError("Cannot create the user flow attribute", tf.Detail(err, tf.Call{Object: tf.UserFlowAttributes, Timeout: tf.ResourceCreate}))
		return
	}
	// Graph made the attribute even when it could not be read back: the state keeps it, so that the next
	// apply does not try to make it again.
	state := fromAPI(created, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	if err != nil {
		resp.Diagnostics.Append(tf.MarkUnserved(ctx, resp.Private)...)
		var failure diag.Diagnostics
		reportWriteFailure(&failure, "Cannot create the user flow attribute", err, state, tf.ResourceCreate)
		resp.Diagnostics.Append(tf.TaintedAfterCreate(failure, tf.UserFlowAttributes, created.ID)...)
	}
}

func (r *attributeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state attributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity even when the attribute is gone.
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Read, attributeTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// One replica that lags behind can answer 404 for an attribute that exists: the client reads again
	// before the attribute is taken for deleted and forgotten.
	remote, err := r.client.GetUserFlowAttributeConfirmed(ctx, state.ID.ValueString())
	if graph.IsNotFound(err) {
		if tf.NotFound(ctx, req.Private, &resp.Diagnostics, attributeCall(state, tf.ResourceRead)) {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the user flow attribute", tf.Detail(err, attributeCall(state, tf.ResourceRead)))
		return
	}
	resp.Diagnostics.Append(tf.Served(ctx, resp.Private)...)
	refreshed := fromAPI(remote, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &refreshed)...)
}

// Update changes the description, the only property Graph can change in place (display_name and data_type
// replace the resource): one PATCH when it changed, nothing when only the timeouts did.
func (r *attributeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state attributeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Update, attributeTimeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	applied := plan
	if !plan.Description.Equal(state.Description) {
		remote, err := r.client.UpdateUserFlowAttribute(ctx, state.ID.ValueString(), plan.Description.ValueString())
		if err != nil {
			// The state holds what Graph shows: what it last showed, or what it held before.
			held := state
			held.Timeouts = plan.Timeouts
			if remote != nil {
				held = fromAPI(remote, held)
			}
			resp.Diagnostics.Append(resp.State.Set(ctx, &held)...)
			reportWriteFailure(&resp.Diagnostics, "Cannot update the user flow attribute", err, plan, tf.ResourceUpdate)
			return
		}
		applied = fromAPI(remote, plan)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
}

func (r *attributeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state attributeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Delete, attributeTimeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	err := r.client.DeleteUserFlowAttribute(ctx, state.ID.ValueString())
	if graph.IsConflict(err) {
		// The reference does not say what deleting an attribute a flow still collects answers; Graph refuses it.
		// The next step says how to replace an attribute a flow collects, the usual way to meet this.
		resp.Diagnostics.AddError("User flow attribute still in use",
			fmt.Sprintf("Graph refused to delete %s (%s) because a user flow still collects it.\n\n%s",
				state.DisplayName.ValueString(), state.ID.ValueString(), tf.Detail(err, attributeCall(state, tf.ResourceDelete))))
		return
	}
	if err != nil {
		reportWriteFailure(&resp.Diagnostics, "Cannot delete the user flow attribute", err, state, tf.ResourceDelete)
	}
}

// ImportState takes a custom attribute by its id. Built-in attributes cannot be created or destroyed, so
// they are not imported: the data source reads them.
func (r *attributeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := tf.ImportID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Graph matches attribute ids without regard to case: the state and the identity take Graph's spelling
	// now, before a read or an apply could hold another one. An attribute that is not there keeps the id as
	// given, and the read after the import reports it gone.
	ctx, cancel := context.WithTimeout(ctx, attributeTimeouts.Read)
	defer cancel()
	remote, err := r.client.GetUserFlowAttributeConfirmed(ctx, id)
	switch {
	case err == nil && remote.UserFlowAttributeType != graph.CustomAttribute:
		resp.Diagnostics.AddError("Not a custom user flow attribute",
			fmt.Sprintf("%s (%q) is a %s user flow attribute: every tenant has it, and Terraform cannot create or destroy it. "+
				"Read it with the entra_user_flow_attributes data source (user_flow_attribute_type = %q) and use its id in a flow's "+
				"sign-up page as it is; only custom attributes are imported into entra_user_flow_attribute.",
				remote.ID, remote.DisplayName, remote.UserFlowAttributeType, remote.UserFlowAttributeType))
		return
	case err == nil:
		id = remote.ID
	case !graph.IsNotFound(err):
		resp.Diagnostics.AddError("Cannot read user flow attribute "+id,
			tf.Detail(err, tf.Call{Object: tf.UserFlowAttributes, ID: id, Timeout: tf.ResourceRead}))
		return
	}
	resp.Diagnostics.Append(tf.Imported(ctx, resp, id)...)
}

// reportWriteFailure explains a write that failed: by the argument Graph does not show it for, when Graph
// acknowledged it, or with Graph's answer and the next step.
func reportWriteFailure(diags *diag.Diagnostics, summary string, err error, sent attributeModel, timeout tf.Timeout) {
	paths := map[string]path.Path{"description": path.Root("description")}
	if !tf.ReportNotShown(diags, err, paths, attributeCall(sent, timeout)) {
		diags.AddError(summary, tf.Detail(err, attributeCall(sent, timeout)))
	}
}

// attributeCall is a call on the attribute in m, for the next steps after it fails.
func attributeCall(m attributeModel, timeout tf.Timeout) tf.Call {
	return tf.Call{Object: tf.UserFlowAttributes, ID: m.ID.ValueString(), Timeout: timeout}
}
