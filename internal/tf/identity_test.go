package tf

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestSetIdentity_keepsTheSpellingTheCLIHolds: an identity the CLI holds in another spelling of the same
// id (a state written before imports took Graph's spelling) is kept, since any change fails every later
// plan; another id replaces it.
func TestSetIdentity_keepsTheSpellingTheCLIHolds(t *testing.T) {
	ctx := context.Background()
	schema := IdentitySchema("an id")
	objectType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}
	for _, tc := range []struct{ held, set, want string }{
		{"", "be1f769b-9b13-437e-b540-79a905c4932c", "be1f769b-9b13-437e-b540-79a905c4932c"},
		{"BE1F769B-9B13-437E-B540-79A905C4932C", "be1f769b-9b13-437e-b540-79a905c4932c", "BE1F769B-9B13-437E-B540-79A905C4932C"},
		{"b2x_1_partnersignup", "B2X_1_PartnerSignUp", "b2x_1_partnersignup"},
		{"be1f769b-9b13-437e-b540-79a905c4932c", "00000000-0000-0000-0000-00000000beef", "00000000-0000-0000-0000-00000000beef"},
	} {
		raw := tftypes.NewValue(objectType, nil)
		if tc.held != "" {
			raw = tftypes.NewValue(objectType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, tc.held)})
		}
		identity := &tfsdk.ResourceIdentity{Schema: schema, Raw: raw}
		if diags := SetIdentity(ctx, identity, tc.set); diags.HasError() {
			t.Fatal(diags)
		}
		if got := identityID(ctx, identity); got != tc.want {
			t.Errorf("held %q, set %q: the identity is %q, want %q", tc.held, tc.set, got, tc.want)
		}
	}
}
