package apiconnector

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// connectorModel is the resource's configuration, plan and state. The write-only members are only ever
// non-null when read from the configuration. Read it with getModel and write it with setModel, which
// turn the auth block lists into BasicAuth and PKCS12.
type connectorModel struct {
	ID           types.String   `tfsdk:"id"`
	DisplayName  types.String   `tfsdk:"display_name"`
	TargetURL    types.String   `tfsdk:"target_url"`
	BasicAuths   types.List     `tfsdk:"basic_auth"`
	PKCS12s      types.List     `tfsdk:"pkcs12"`
	Certificates types.List     `tfsdk:"certificates"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`

	// BasicAuth and PKCS12 are the auth block: nil when absent, or while a dynamic block's for_each is
	// unknown.
	BasicAuth *basicAuthModel `tfsdk:"-"`
	PKCS12    *pkcs12Model    `tfsdk:"-"`
}

type basicAuthModel struct {
	Username          types.String `tfsdk:"username"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
}

type pkcs12Model struct {
	ValueWO        types.String `tfsdk:"value_wo"`
	PasswordWO     types.String `tfsdk:"password_wo"`
	ValueWOVersion types.Int64  `tfsdk:"value_wo_version"`
	Rotation       types.String `tfsdk:"rotation"`
}

// Rotation modes of the pkcs12 block.
const (
	rotationReplace = "replace"
	rotationAppend  = "append"
)

// certificateType is the object type of one element of certificates, which certificateRow holds.
var certificateType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"thumbprint": types.StringType,
	"not_before": types.StringType,
	"not_after":  types.StringType,
	"is_active":  types.BoolType,
}}

// certificateMembers describes the members of one certificates element, for the resource and both data
// sources alike.
const certificateMembers = "Each certificate has `thumbprint` (the SHA-1 thumbprint, uppercase hex), `not_before` and " +
	"`not_after` (its validity, RFC 3339) and `is_active` (whether Graph uses it: the most recently uploaded one that is valid now)."

// getModel reads a configuration, plan or state into m.
func getModel(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}, m *connectorModel) diag.Diagnostics {
	diags := from.Get(ctx, m)
	if diags.HasError() {
		return diags
	}
	diags.Append(decodeBlock(ctx, m.BasicAuths, &m.BasicAuth)...)
	diags.Append(decodeBlock(ctx, m.PKCS12s, &m.PKCS12)...)
	return diags
}

// setModel writes m as a plan or state. An auth block list that is unknown (a dynamic block whose
// for_each is not known yet) stays unknown.
func setModel(ctx context.Context, to interface {
	Set(context.Context, any) diag.Diagnostics
}, m connectorModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.BasicAuths = encodeBlock(ctx, m.BasicAuths, m.BasicAuth, basicAuthBlock(), &diags)
	m.PKCS12s = encodeBlock(ctx, m.PKCS12s, m.PKCS12, pkcs12Block(), &diags)
	diags.Append(to.Set(ctx, &m)...)
	return diags
}

// decodeBlock reads an auth block list of at most one block; a null or unknown list is no block.
func decodeBlock[T any](ctx context.Context, list types.List, block **T) diag.Diagnostics {
	var blocks []T
	diags := list.ElementsAs(ctx, &blocks, true)
	if len(blocks) > 0 {
		*block = &blocks[0]
	}
	return diags
}

// encodeBlock is the list of schema's auth block that holds block, or list when that is unknown.
func encodeBlock[T any](ctx context.Context, list types.List, block *T, schema schema.ListNestedBlock, diags *diag.Diagnostics) types.List {
	if list.IsUnknown() {
		return list
	}
	blocks := []T{}
	if block != nil {
		blocks = append(blocks, *block)
	}
	value, d := types.ListValueFrom(ctx, schema.NestedObject.Type(), blocks)
	diags.Append(d...)
	return value
}

// authKind names the auth block a connector uses; "" when it has none.
func (m *connectorModel) authKind() string {
	switch {
	case m.BasicAuth != nil:
		return "basic_auth"
	case m.PKCS12 != nil:
		return "pkcs12"
	}
	return ""
}

// fromAPI maps a connector as Graph returns it onto the model, for the resource and the data sources
// alike. A client certificate is a pkcs12 block, whether Graph describes it as clientCertificateAuthentication
// with its list or echoes the pkcs12Certificate of a write; any other authentication type is an error that
// names it. Graph never returns secrets, so the write-only members stay null and the *_wo_version values and
// the rotation come from prior, the state before the read.
func fromAPI(c *graph.APIConnector, prior connectorModel) (connectorModel, error) {
	m := connectorModel{
		ID:           types.StringValue(c.ID),
		DisplayName:  types.StringValue(c.DisplayName),
		TargetURL:    types.StringValue(c.TargetURL),
		Certificates: certificatesValue(nil),
		Timeouts:     prior.Timeouts,
	}
	switch auth := c.AuthenticationConfiguration.(type) {
	case nil:
	case *graph.BasicAuthentication:
		m.BasicAuth = &basicAuthModel{Username: types.StringValue(auth.Username)}
	case *graph.ClientCertificateAuthentication:
		m.Certificates = certificatesValue(certificatesFromAPI(auth.CertificateList))
		m.PKCS12 = &pkcs12Model{Rotation: types.StringValue(rotationReplace)}
	case *graph.PKCS12Certificate:
		m.PKCS12 = &pkcs12Model{Rotation: types.StringValue(rotationReplace)}
	default:
		return m, fmt.Errorf("Graph describes connector %s with the authentication type %q, which this provider does not manage; "+
			"only basic authentication and client certificates are supported", c.ID, auth.ODataType())
	}
	if m.BasicAuth != nil && prior.BasicAuth != nil {
		m.BasicAuth.PasswordWOVersion = prior.BasicAuth.PasswordWOVersion
	}
	if m.PKCS12 != nil && prior.PKCS12 != nil {
		m.PKCS12.ValueWOVersion = prior.PKCS12.ValueWOVersion
		if !prior.PKCS12.Rotation.IsNull() && !prior.PKCS12.Rotation.IsUnknown() {
			m.PKCS12.Rotation = prior.PKCS12.Rotation
		}
	}
	return m, nil
}

// authenticationToAPI builds the authentication to send from the configuration, which alone holds the
// write-only values. thumbprint identifies a certificate for the client's lost-answer recovery.
func authenticationToAPI(config connectorModel, thumbprint string) graph.Authentication {
	switch {
	case config.BasicAuth != nil:
		return &graph.BasicAuthentication{
			Username: config.BasicAuth.Username.ValueString(),
			Password: config.BasicAuth.PasswordWO.ValueString(),
		}
	case config.PKCS12 != nil:
		return &graph.PKCS12Certificate{
			Value:      strings.TrimSpace(config.PKCS12.ValueWO.ValueString()),
			Password:   config.PKCS12.PasswordWO.ValueString(),
			Thumbprint: thumbprint,
		}
	}
	return nil
}

// certificate is one element of certificates.
type certificate struct {
	Thumbprint string
	NotBefore  time.Time
	NotAfter   time.Time
	// IsActive is nil while unknown, in a plan.
	IsActive *bool
}

// certificatesFromAPI converts Graph's list, in the order certificates are shown: by start of validity,
// then thumbprint. Graph's own order is not documented, and a fixed one keeps plans stable.
func certificatesFromAPI(list []graph.CertificateInformation) []certificate {
	out := make([]certificate, len(list))
	for i, c := range list {
		out[i] = certificate{
			Thumbprint: strings.ToUpper(c.Thumbprint),
			NotBefore:  time.Unix(c.NotBefore, 0).UTC(),
			NotAfter:   time.Unix(c.NotAfter, 0).UTC(),
			IsActive:   &c.IsActive,
		}
	}
	sortCertificates(out)
	return out
}

func sortCertificates(certs []certificate) {
	slices.SortStableFunc(certs, func(a, b certificate) int {
		return cmp.Or(a.NotBefore.Compare(b.NotBefore), strings.Compare(a.Thumbprint, b.Thumbprint))
	})
}

// certificateRow is one element of certificates as Terraform holds it: the dates in RFC 3339, and
// is_active unknown in a plan. It has certificateType's shape, so converting between them cannot fail.
type certificateRow struct {
	Thumbprint string     `tfsdk:"thumbprint"`
	NotBefore  string     `tfsdk:"not_before"`
	NotAfter   string     `tfsdk:"not_after"`
	IsActive   types.Bool `tfsdk:"is_active"`
}

// certificatesValue converts certificates to their Terraform list.
func certificatesValue(certs []certificate) types.List {
	rows := make([]certificateRow, len(certs))
	for i, c := range certs {
		rows[i] = certificateRow{c.Thumbprint, c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339), types.BoolUnknown()}
		if c.IsActive != nil {
			rows[i].IsActive = types.BoolValue(*c.IsActive)
		}
	}
	list, _ := types.ListValueFrom(context.Background(), certificateType, rows)
	return list
}

// certificatesFromValue reads a certificates list back; an unknown list holds none.
func certificatesFromValue(list types.List) []certificate {
	var rows []certificateRow
	_ = list.ElementsAs(context.Background(), &rows, true)
	out := make([]certificate, len(rows))
	for i, row := range rows {
		out[i].Thumbprint = row.Thumbprint
		out[i].NotBefore, _ = time.Parse(time.RFC3339, row.NotBefore)
		out[i].NotAfter, _ = time.Parse(time.RFC3339, row.NotAfter)
		if !row.IsActive.IsUnknown() {
			out[i].IsActive = row.IsActive.ValueBoolPointer()
		}
	}
	return out
}

// holdsThumbprint reports whether certs lists the certificate.
func holdsThumbprint(certs []certificate, thumbprint string) bool {
	return slices.ContainsFunc(certs, func(c certificate) bool { return strings.EqualFold(c.Thumbprint, thumbprint) })
}

// privateKey is the private-state key under which the resource keeps what it knows about the secrets it
// sent. Private state is stored with the resource but never shown; it holds no secret either.
const privateKey = "auth"

// authPrivate is what the resource remembers about the secrets it sent.
type authPrivate struct {
	// SecretPending says that the configured secret must be sent at the next apply although no
	// *_wo_version changed: the connector was imported, or its certificates were changed outside
	// Terraform.
	SecretPending bool `json:"secret_pending,omitempty"`
	// Thumbprint is the certificate this configuration last sent, to notice when it is gone.
	Thumbprint string `json:"thumbprint,omitempty"`
}

// readPrivate reads what the resource remembers. Unreadable private state only loses the drift hints; the
// next apply writes it again.
func readPrivate(ctx context.Context, from interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, diags *diag.Diagnostics) authPrivate {
	raw, d := from.GetKey(ctx, privateKey)
	diags.Append(d...)
	var p authPrivate
	if len(raw) > 0 && json.Unmarshal(raw, &p) != nil {
		return authPrivate{}
	}
	return p
}

func writePrivate(ctx context.Context, to interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, p authPrivate) diag.Diagnostics {
	// A bool and a string always encode.
	raw, _ := json.Marshal(p)
	return to.SetKey(ctx, privateKey, raw)
}
