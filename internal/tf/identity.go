package tf

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The resource identity every resource of this provider has: one string attribute, id, holding the Graph id
// of the object the resource manages. It lets an import block name the object with `identity = { id = "…" }`
// (Terraform and OpenTofu 1.12 and later) instead of an import id.

// identityAttribute is the one identity attribute.
const identityAttribute = "id"

// identityModel is the identity as the framework reads and writes it.
type identityModel struct {
	ID types.String `tfsdk:"id"`
}

// IdentitySchema is the identity schema; description says what the id is, as in "The connector's Graph
// object id".
func IdentitySchema(description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			identityAttribute: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       description,
			},
		},
	}
}

// SetIdentity records id as the identity. A CLI that does not know resource identities (Terraform before
// 1.12) sends none and gets none back: target is then nil and nothing is written.
//
// An identity never changes once the CLI holds it: OpenTofu and Terraform refuse a read or an apply whose
// identity differs from the one before ("Unexpected Identity Change"), and every later plan fails. The
// framework fills target with the identity before the operation; Graph matches ids without regard to case,
// so that identity is kept when it names the same object in another spelling.
func SetIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if target == nil || id == "" {
		return nil
	}
	if before := identityID(ctx, target); strings.EqualFold(before, id) {
		id = before
	}
	return target.Set(ctx, identityModel{ID: types.StringValue(id)})
}

// identityID is the id an identity holds, or "" for none.
func identityID(ctx context.Context, identity *tfsdk.ResourceIdentity) string {
	if identity == nil || identity.Raw.IsNull() || !identity.Raw.IsKnown() {
		return ""
	}
	var id types.String
	if diags := identity.GetAttribute(ctx, path.Root(identityAttribute), &id); diags.HasError() {
		return ""
	}
	return id.ValueString()
}

// Imported records the object an import found, under Graph's spelling of its id: as the state's `id` and as
// the identity, which the import settles before any read or apply can hold another spelling, even when the
// import block named it in another case.
func Imported(ctx context.Context, resp *resource.ImportStateResponse, id string) diag.Diagnostics {
	diags := resp.State.SetAttribute(ctx, path.Root(identityAttribute), id)
	if resp.Identity != nil {
		diags.Append(resp.Identity.Set(ctx, identityModel{ID: types.StringValue(id)})...)
	}
	return diags
}

// ImportID is the id an import names: the import id (`terraform import`, or an import block's id), or
// the id of an import block's identity.
func ImportID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var id types.String
	diags := req.Identity.GetAttribute(ctx, path.Root(identityAttribute), &id)
	return id.ValueString(), diags
}
