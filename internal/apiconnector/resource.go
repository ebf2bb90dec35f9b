// Package apiconnector holds the Terraform resource and data sources for Microsoft Entra API connectors
// (Graph's identityApiConnector), which Azure AD B2C and External ID user flows call during sign-up.
package apiconnector

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var (
	_ resource.ResourceWithConfigure        = (*connectorResource)(nil)
	_ resource.ResourceWithImportState      = (*connectorResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*connectorResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*connectorResource)(nil)
	_ resource.ResourceWithConfigValidators = (*connectorResource)(nil)
	_ resource.ResourceWithIdentity         = (*connectorResource)(nil)
)

// connectorTimeouts are how long each operation may take when the timeouts block does not say.
var connectorTimeouts = tf.Defaults{Create: 10 * time.Minute, Read: 5 * time.Minute, Update: 10 * time.Minute, Delete: 10 * time.Minute}

// NewResource returns the entra_identity_api_connector resource.
func NewResource() resource.Resource {
	return &connectorResource{now: time.Now}
}

type connectorResource struct {
	client *graph.Client
	now    func() time.Time
}

func (r *connectorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_api_connector"
}

func (r *connectorResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema(ctx)
}

func (r *connectorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tf.IdentitySchema("The connector's Graph object id (a GUID).")
}

func (r *connectorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Create, connectorTimeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	thumbprint := sentThumbprint(config)
	created, err := r.client.CreateAPIConnector(ctx, graph.APIConnector{
		DisplayName:                 plan.DisplayName.ValueString(),
		TargetURL:                   plan.TargetURL.ValueString(),
		AuthenticationConfiguration: authenticationToAPI(config, thumbprint),
	})
	if created == nil {
		resp.Diagnostics.AddError("Cannot create the API connector", tf.Detail(err, tf.Call{Object: tf.APIConnectors, Timeout: tf.ResourceCreate}))
		return
	}

	// Graph made the connector even when it could not be read back: the state keeps it, so that the next
	// apply does not make a second one.
	state := appliedState(plan, config, created, &resp.Diagnostics)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, state)...)
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{Thumbprint: thumbprint})...)
	if err != nil {
		resp.Diagnostics.Append(tf.MarkUnserved(ctx, resp.Private)...)
		var failure diag.Diagnostics
		r.reportWriteFailure(&failure, "Cannot create the API connector", err, state, tf.ResourceCreate)
		resp.Diagnostics.Append(tf.TaintedAfterCreate(failure, tf.APIConnectors, created.ID)...)
	}
}

func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity even when the connector is gone,
	// and a state written before identities existed has none to carry over.
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Read, connectorTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// One replica that lags behind can answer 404 for a connector that exists: the client reads again
	// before the connector is taken for deleted and forgotten.
	remote, err := r.client.GetAPIConnectorConfirmed(ctx, state.ID.ValueString())
	call := tf.Call{Object: tf.APIConnectors, ID: state.ID.ValueString(), Timeout: tf.ResourceRead}
	if graph.IsNotFound(err) {
		if tf.NotFound(ctx, req.Private, &resp.Diagnostics, call) {
			resp.State.RemoveResource(ctx)
		}
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the API connector", tf.Detail(err, call))
		return
	}
	resp.Diagnostics.Append(tf.Served(ctx, resp.Private)...)
	refreshed, err := fromAPI(remote, state)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
		return
	}

	private := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if refreshed.PKCS12 != nil && certificatesDrifted(refreshed.Certificates, refreshed.PKCS12.Rotation.ValueString(), private) {
		private.SecretPending = true
		resp.Diagnostics.Append(writePrivate(ctx, resp.Private, private)...)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, refreshed)...)
}

func (r *connectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config, &config)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	private := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, plan.Timeouts.Update, connectorTimeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	write := decideUpdate(plan, config, state, private)
	remote, err := r.applyUpdate(ctx, state.ID.ValueString(), write)
	if err != nil {
		// The state holds what Graph holds: what it last showed, or what it held before when no write is known
		// to have taken. The *_wo_version values stay as they were, so that the next apply sends again.
		held := state
		if remote != nil {
			if shown, mapErr := fromAPI(remote, state); mapErr == nil {
				held = shown
			}
		}
		resp.Diagnostics.Append(setModel(ctx, &resp.State, held)...)
		r.reportWriteFailure(&resp.Diagnostics, "Cannot update the API connector", err, plan, tf.ResourceUpdate)
		return
	}

	applied := appliedState(plan, config, remote, &resp.Diagnostics)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, applied)...)
	resp.Diagnostics.Append(tf.SetIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{Thumbprint: write.thumbprint})...)
}

// applyUpdate makes the calls decideUpdate chose and returns the connector as Graph last described it,
// or nil when no call returned it, also when one failed. Each write is read back until Graph's replicas
// show it, so that the refresh after the apply does not take a lagging replica's old values for drift.
func (r *connectorResource) applyUpdate(ctx context.Context, id string, write connectorWrite) (*graph.APIConnector, error) {
	remote, err := r.client.UpdateAPIConnector(ctx, id, write.patch)
	switch {
	case err != nil:
		return remote, err
	case write.upload != nil:
		uploaded, err := r.client.UploadClientCertificate(ctx, id, *write.upload)
		return cmp.Or(uploaded, remote), err
	case remote == nil && write.readBack:
		return r.client.GetAPIConnector(ctx, id)
	}
	return remote, nil
}

// reportWriteFailure explains a write that failed: by the argument Graph does not show it for, when Graph
// acknowledged it, or with Graph's answer and the next step.
func (r *connectorResource) reportWriteFailure(diags *diag.Diagnostics, summary string, err error, sent connectorModel, timeout tf.Timeout) {
	paths := map[string]path.Path{
		"displayName":                 path.Root("display_name"),
		"targetUrl":                   path.Root("target_url"),
		"authenticationConfiguration": path.Root(sent.authKind()),
		"certificateList":             certificateValuePath,
	}
	call := tf.Call{Object: tf.APIConnectors, ID: sent.ID.ValueString(), Timeout: timeout}
	if !tf.ReportNotShown(diags, err, paths, call) {
		diags.AddError(summary, tf.Detail(err, call))
	}
}

func (r *connectorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := tf.Bound(ctx, state.Timeouts.Delete, connectorTimeouts.Delete, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	if err := r.client.DeleteAPIConnector(ctx, state.ID.ValueString()); err != nil {
		r.reportWriteFailure(&resp.Diagnostics, "Cannot delete the API connector", err, state, tf.ResourceDelete)
	}
}

func (r *connectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := tf.ImportID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if problem := tf.CheckConnectorID(id); problem != "" {
		resp.Diagnostics.AddError("Invalid import id", problem)
		return
	}
	// Graph matches GUIDs without regard to case and spells them in lowercase: the state and the identity take
	// its spelling now, before a read could answer with another one.
	resp.Diagnostics.Append(tf.Imported(ctx, resp, strings.ToLower(id))...)
	// Graph never returns secrets, so nothing proves that the connector holds the configured one: the
	// first apply after an import sends it.
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{SecretPending: true})...)
}

// sentThumbprint is the thumbprint of the certificate the configuration sends, or "" for none or one
// that cannot be read (which ValidateConfig has already reported).
func sentThumbprint(config connectorModel) string {
	if certificate, _ := configuredCertificate(config); certificate != nil {
		return certificate.Thumbprint
	}
	return ""
}

// appliedState is the state after a create or update: the plan, with the *_wo_version values taken
// from the configuration (the plan leaves them unknown when an import or drift forces a send) and the
// certificates as Graph reports them when it was asked. An answer the mapping refuses is an error in diags.
func appliedState(plan, config connectorModel, remote *graph.APIConnector, diags *diag.Diagnostics) connectorModel {
	state := plan
	if plan.BasicAuth != nil {
		basic := *plan.BasicAuth
		basic.PasswordWOVersion = config.BasicAuth.PasswordWOVersion
		state.BasicAuth = &basic
	}
	if plan.PKCS12 != nil {
		certificate := *plan.PKCS12
		certificate.ValueWOVersion = config.PKCS12.ValueWOVersion
		state.PKCS12 = &certificate
	}
	if remote == nil {
		return state
	}
	shown, err := fromAPI(remote, state)
	state.ID = shown.ID
	if err != nil {
		diags.AddError("Unexpected API connector from Graph", err.Error())
		return state
	}
	state.Certificates = shown.Certificates
	return state
}
