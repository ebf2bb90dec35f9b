package apiconnector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

func (r *connectorResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		// Matching the blocks rather than the lists: an empty list is no block, and an unknown one (a
		// dynamic block whose for_each is not known yet) leaves the check to when it is known.
		resourcevalidator.ExactlyOneOf(path.MatchRoot("basic_auth").AtAnyListIndex(), path.MatchRoot("pkcs12").AtAnyListIndex()),
	}
}

// ValidateConfig checks a PKCS#12 value as soon as it is known, so that a bad file stops the plan before
// any call to Graph. The messages never repeat the value or its password. What the clock says about the
// certificate is ModifyPlan's to judge, as it depends on whether the apply sends the file.
func (r *connectorResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var config connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var problem *clientcert.Problem
	if _, err := configuredCertificate(config); errors.As(err, &problem) {
		resp.Diagnostics.AddAttributeError(certificateValuePath, problem.Summary, "pkcs12.value_wo: "+problem.Detail)
	}
}

// certificateValuePath is the attribute the diagnostics about a PKCS#12 file name.
var certificateValuePath = path.Root("pkcs12").AtListIndex(0).AtName("value_wo")

// configuredCertificate is the certificate in the configuration's PKCS#12 file: nil when there is none or
// when it is not known yet, and nil with clientcert's error when it cannot be read (which ValidateConfig
// reports).
func configuredCertificate(config connectorModel) (*clientcert.Info, error) {
	if config.PKCS12 == nil {
		return nil, nil
	}
	value, password := config.PKCS12.ValueWO, config.PKCS12.PasswordWO
	if value.IsNull() || value.IsUnknown() || password.IsUnknown() {
		return nil, nil
	}
	info, err := clientcert.Inspect(value.ValueString(), password.ValueString())
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// reportValidity says what the clock makes of the configured certificate. Graph refuses to upload
// an expired certificate, so expiry is an error when this apply would send the file; otherwise it is a
// warning, and a rename, a refresh or a destroy goes ahead with the file the connector was set up with.
// A certificate that is not valid yet is only worth a word when it is about to be sent.
func (r *connectorResource) reportValidity(certificate *clientcert.Info, send bool, diags *diag.Diagnostics) {
	if certificate == nil {
		return
	}
	now := r.now()
	expired := fmt.Sprintf("pkcs12.value_wo: the certificate %s (thumbprint %s) expired on %s",
		certificate.Subject, certificate.Thumbprint, certificate.NotAfter.Format(time.RFC3339))
	switch {
	case certificate.Expired(now) && send:
		diags.AddAttributeError(certificateValuePath, "PKCS#12 certificate has expired",
			expired+". This apply would send it, and Graph refuses an expired certificate: renew it, supply the new file and change value_wo_version.")
	case certificate.Expired(now):
		diags.AddAttributeWarning(certificateValuePath, "PKCS#12 certificate has expired",
			expired+". This plan does not send it, so it goes ahead; but Graph no longer marks an expired certificate active, so the "+
				"connector calls the API without a valid one. Supply a renewed file and change value_wo_version to send it.")
	case certificate.NotYetValid(now) && send:
		diags.AddAttributeWarning(certificateValuePath, "PKCS#12 certificate is not valid yet",
			"pkcs12.value_wo: the certificate "+certificate.Thumbprint+" becomes valid on "+certificate.NotBefore.Format(time.RFC3339)+
				". Graph stores it now but the connector cannot use it before then; with rotation = \"replace\" the connector has no working certificate until that date.")
	}
}

// ModifyPlan decides what an apply will send, and shows it: the *_wo_version values, and the
// certificates a PKCS#12 upload will produce, computed locally (the thumbprint and dates are public; the
// file is not).
func (r *connectorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config connectorModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.Config, &config)...)
	var state *connectorModel
	if !req.State.Raw.IsNull() {
		state = &connectorModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, state)...)
	}
	private := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.BasicAuths.IsUnknown() || config.PKCS12s.IsUnknown() {
		// A dynamic auth block whose for_each is unknown: which block, and so what is sent, is decided
		// when the plan is made again at apply.
		plan.Certificates = types.ListUnknown(certificateType)
		resp.Diagnostics.Append(setModel(ctx, &resp.Plan, plan)...)
		return
	}

	// Switching rotation to "replace" applies to the certificates already held: the configured one is
	// sent again, so that it is the only one, in this same apply.
	if state != nil && state.PKCS12 != nil && plan.PKCS12 != nil && !private.SecretPending &&
		certificatesDrifted(state.Certificates, plan.PKCS12.Rotation.ValueString(), private) {
		private.SecretPending = true
		resp.Diagnostics.Append(writePrivate(ctx, resp.Private, private)...)
	}
	if plan.BasicAuth != nil && config.BasicAuth != nil {
		plan.BasicAuth.PasswordWOVersion = plannedVersion(config.BasicAuth.PasswordWOVersion, private.SecretPending)
	}
	if plan.PKCS12 != nil && config.PKCS12 != nil {
		plan.PKCS12.ValueWOVersion = plannedVersion(config.PKCS12.ValueWOVersion, private.SecretPending)
	}
	send := secretMustBeSent(&plan, state, private)
	certificate, _ := configuredCertificate(config)
	r.reportValidity(certificate, send, &resp.Diagnostics)
	plan.Certificates = plannedCertificates(plan, state, send, certificate)
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, plan)...)
}

// plannedVersion is a *_wo_version's plan. The configuration's value wins; without one the value stays
// null, unless a secret must be sent regardless (after an import or drift), when it is left unknown so
// that the plan holds a change that carries the send.
func plannedVersion(config types.Int64, pending bool) types.Int64 {
	if config.IsNull() && pending {
		return types.Int64Unknown()
	}
	return config
}

// secretMustBeSent decides whether an apply sends the auth block's secret: on create, when the kind of
// block or the username changes, when a *_wo_version changes to a new value, and when the private state
// says so. Removing a *_wo_version sends nothing.
func secretMustBeSent(plan, state *connectorModel, private authPrivate) bool {
	if state == nil || private.SecretPending || plan.authKind() != state.authKind() {
		return true
	}
	switch {
	case plan.BasicAuth != nil:
		return !plan.BasicAuth.Username.Equal(state.BasicAuth.Username) ||
			versionChanged(plan.BasicAuth.PasswordWOVersion, state.BasicAuth.PasswordWOVersion)
	case plan.PKCS12 != nil:
		return versionChanged(plan.PKCS12.ValueWOVersion, state.PKCS12.ValueWOVersion)
	}
	return false
}

// connectorWrite is what an update sends, decided before any call.
type connectorWrite struct {
	// patch holds the properties that changed, and the authentication when it is replaced; an empty one
	// sends nothing.
	patch graph.APIConnectorUpdate
	// upload is a certificate added through uploadClientCertificate (rotation "append"), or nil.
	upload *graph.PKCS12Certificate
	// readBack asks for a read of the connector when no write returns it: the plan does not know the
	// certificates the apply leaves.
	readBack bool
	// thumbprint is the certificate this configuration has sent, for the private state; "" for none.
	thumbprint string
}

// decideUpdate is what an update of state to plan sends. Only changed properties are patched; the
// secret goes when secretMustBeSent says so, as a replacement in the PATCH, or as an upload when the
// configuration appends a certificate to a connector that already holds certificates.
func decideUpdate(plan, config, state connectorModel, private authPrivate) connectorWrite {
	var w connectorWrite
	if !plan.DisplayName.Equal(state.DisplayName) {
		w.patch.DisplayName = plan.DisplayName.ValueStringPointer()
	}
	if !plan.TargetURL.Equal(state.TargetURL) {
		w.patch.TargetURL = plan.TargetURL.ValueStringPointer()
	}
	if plan.PKCS12 != nil {
		w.thumbprint = private.Thumbprint
	}
	if secretMustBeSent(&plan, &state, private) {
		w.thumbprint = sentThumbprint(config)
		auth := authenticationToAPI(config, w.thumbprint)
		certificate, isCertificate := auth.(*graph.PKCS12Certificate)
		switch {
		case !isCertificate || !appends(plan, &state):
			w.patch.AuthenticationConfiguration = auth
		// A certificate the connector holds already (after an import, or a version bumped without a new
		// file) is there to keep: uploading it again would list it twice, which Graph refuses.
		case !holdsThumbprint(certificatesFromValue(state.Certificates), certificate.Thumbprint):
			w.upload = certificate
		}
	}
	w.readBack = w.upload == nil && plan.Certificates.IsUnknown()
	return w
}

// appends reports whether a certificate the plan sends goes beside the ones the connector holds: under
// rotation "append", when the connector holds certificates already.
func appends(plan connectorModel, state *connectorModel) bool {
	return plan.PKCS12 != nil && plan.PKCS12.Rotation.ValueString() == rotationAppend && state != nil && state.PKCS12 != nil
}

func versionChanged(planned, prior types.Int64) bool {
	return planned.IsUnknown() || (!planned.IsNull() && !planned.Equal(prior))
}

// plannedCertificates is the certificates list the apply will leave: none for basic authentication, the
// configured certificate (alone, or after the current ones when appending) when one is sent, and the
// current list otherwise.
func plannedCertificates(plan connectorModel, state *connectorModel, send bool, info *clientcert.Info) types.List {
	switch {
	case plan.PKCS12 == nil:
		return certificatesValue(nil)
	case state != nil && state.PKCS12 != nil && !send:
		return state.Certificates
	case info == nil || plan.PKCS12.Rotation.IsUnknown():
		return types.ListUnknown(certificateType)
	}
	next := []certificate{{Thumbprint: info.Thumbprint, NotBefore: info.NotBefore, NotAfter: info.NotAfter}}
	if appends(plan, state) {
		current := certificatesFromValue(state.Certificates)
		if holdsThumbprint(current, info.Thumbprint) {
			// Nothing is uploaded (decideUpdate): the list stays as it is.
			return state.Certificates
		}
		for _, c := range current {
			// Which certificate is active depends on Graph's clock at upload time.
			c.IsActive = nil
			next = append(next, c)
		}
	}
	sortCertificates(next)
	return certificatesValue(next)
}

// certificatesDrifted reports whether the certificates a connector holds are no longer what this
// configuration last sent: under rotation "replace" the list must be exactly that certificate; under
// "append" it must still hold it.
func certificatesDrifted(certs types.List, rotation string, private authPrivate) bool {
	if private.Thumbprint == "" {
		return false
	}
	held := certificatesFromValue(certs)
	if rotation == rotationAppend {
		return !holdsThumbprint(held, private.Thumbprint)
	}
	return len(held) != 1 || !holdsThumbprint(held, private.Thumbprint)
}
