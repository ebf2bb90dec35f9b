// Package identity is the resource identity every resource of this provider has: one string attribute,
// id, holding the Graph id of the object the resource manages. It lets an import block name the object
// with `identity = { id = "…" }` (Terraform and OpenTofu 1.12 and later) instead of an import id.
package identity

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// attribute is the one identity attribute.
const attribute = "id"

// model is the identity as the framework reads and writes it.
type model struct {
	ID types.String `tfsdk:"id"`
}

// Schema is the identity schema; description says what the id is, as in "The connector's Graph object id".
func Schema(description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			attribute: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       description,
			},
		},
	}
}

// Set records id as the identity. A CLI that does not know resource identities (Terraform before 1.12)
// sends none and gets none back: target is then nil and nothing is written.
func Set(ctx context.Context, target *tfsdk.ResourceIdentity, id string) diag.Diagnostics {
	if target == nil || id == "" {
		return nil
	}
	return target.Set(ctx, model{ID: types.StringValue(id)})
}

// ImportID is the id an import names: the import id (`terraform import`, or an import block's id), or
// the id of an import block's identity.
func ImportID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var id types.String
	diags := req.Identity.GetAttribute(ctx, path.Root(attribute), &id)
	return id.ValueString(), diags
}
