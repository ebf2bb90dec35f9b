// Package apiconnector holds the Terraform resource and data sources for Microsoft Entra API connectors
// (Graph's identityApiConnector), which Azure AD B2C and External ID user flows call during sign-up.
package apiconnector

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/identity"
)

var (
	_ resource.ResourceWithConfigure        = (*connectorResource)(nil)
	_ resource.ResourceWithImportState      = (*connectorResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*connectorResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*connectorResource)(nil)
	_ resource.ResourceWithConfigValidators = (*connectorResource)(nil)
	_ resource.ResourceWithIdentity         = (*connectorResource)(nil)
)

// Default operation timeouts; the timeouts block overrides them.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

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
	resp.IdentitySchema = identity.Schema("The connector's Graph object id (a GUID).")
}

func (r *connectorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	thumbprint := sentThumbprint(config)
	created, err := r.client.CreateAPIConnector(ctx, graph.APIConnector{
		DisplayName:                 plan.DisplayName.ValueString(),
		TargetURL:                   plan.TargetURL.ValueString(),
		AuthenticationConfiguration: authenticationToAPI(config, thumbprint),
	})
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the API connector", errorDetail(err, resourceCreateTimeout))
		return
	}

	state, err := appliedState(plan, config, created)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, state)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, state.ID.ValueString())...)
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{Thumbprint: thumbprint})...)
}

func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Set before anything can return: the framework wants an identity even when the connector is gone,
	// and a state written before identities existed has none to carry over.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, state.ID.ValueString())...)
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// One replica that lags behind can answer 404 for a connector that exists: the client reads again
	// before the connector is taken for deleted and forgotten.
	remote, err := r.client.GetAPIConnectorConfirmed(ctx, state.ID.ValueString())
	if graph.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the API connector", errorDetail(err, resourceReadTimeout))
		return
	}
	refreshed, err := fromAPI(remote, state)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
		return
	}

	private, diags := readPrivate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
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
	private, diags := readPrivate(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := state.ID.ValueString()
	var update graph.APIConnectorUpdate
	if !plan.DisplayName.Equal(state.DisplayName) {
		update.DisplayName = plan.DisplayName.ValueStringPointer()
	}
	if !plan.TargetURL.Equal(state.TargetURL) {
		update.TargetURL = plan.TargetURL.ValueStringPointer()
	}
	send := secretMustBeSent(&plan, &state, private)
	thumbprint := private.Thumbprint
	var appended *graph.PKCS12Certificate
	if send {
		thumbprint = sentThumbprint(config)
		auth := authenticationToAPI(config, thumbprint)
		// Appending only makes sense when the connector already holds certificates to keep.
		if certificate, ok := auth.(*graph.PKCS12Certificate); ok && state.PKCS12 != nil && plan.PKCS12.Rotation.ValueString() == rotationAppend {
			appended = certificate
		} else {
			update.AuthenticationConfiguration = auth
		}
	}

	// The client reads the connector back until Graph's replicas show the change, so that the refresh
	// after the apply does not see a lagging replica's old values as drift.
	remote, err := r.client.UpdateAPIConnector(ctx, id, update)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update the API connector", errorDetail(err, resourceUpdateTimeout))
		return
	}
	switch {
	case appended != nil:
		remote, err = r.client.UploadClientCertificate(ctx, id, *appended)
	case remote == nil && plan.Certificates.IsUnknown():
		remote, err = r.client.GetAPIConnector(ctx, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot update the API connector's authentication", errorDetail(err, resourceUpdateTimeout))
		return
	}

	newState, err := appliedState(plan, config, remote)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
	}
	if plan.PKCS12 == nil {
		thumbprint = ""
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, newState)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, id)...)
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{Thumbprint: thumbprint})...)
}

func (r *connectorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if err := r.client.DeleteAPIConnector(ctx, state.ID.ValueString()); err != nil {
		resp.Diagnostics.AddError("Cannot delete the API connector", errorDetail(err, resourceDeleteTimeout))
	}
}

func (r *connectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := identity.ImportID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if problem := checkID(id); problem != "" {
		resp.Diagnostics.AddError("Invalid import id", problem)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, id)...)
	// Graph never returns secrets, so nothing proves that the connector holds the configured one: the
	// first apply after an import sends it.
	resp.Diagnostics.Append(writePrivate(ctx, resp.Private, authPrivate{SecretPending: true})...)
}

// sentThumbprint is the thumbprint of the certificate the configuration sends, or "" for none or one
// that cannot be read (which ValidateConfig has already reported).
func sentThumbprint(config connectorModel) string {
	if certificate := configuredCertificate(config); certificate != nil {
		return certificate.Thumbprint
	}
	return ""
}

// appliedState is the state after a create or update: the plan, with the *_wo_version values taken
// from the configuration (the plan leaves them unknown when an import or drift forces a send) and the
// certificates as Graph reports them when it was asked.
func appliedState(plan, config connectorModel, remote *graph.APIConnector) (connectorModel, error) {
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
		return state, nil
	}
	state.ID = types.StringValue(remote.ID)
	fromGraph, err := fromAPI(remote, state)
	if err != nil {
		return state, err
	}
	state.Certificates = fromGraph.Certificates
	return state, nil
}
