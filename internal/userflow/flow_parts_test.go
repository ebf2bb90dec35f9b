package userflow

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// fields is a sign-up page of text boxes labelled with their attribute ids, for the tables below; an id
// may carry a label after '=' ("City=Town"), and "" as label leaves it to Graph.
func fields(ids ...string) []graph.AttributeAssignment {
	out := make([]graph.AttributeAssignment, len(ids))
	for i, id := range ids {
		id, label, labelled := strings.Cut(id, "=")
		if !labelled {
			label = id
		}
		out[i] = graph.AttributeAssignment{ID: id, UserAttributeID: id, DisplayName: label, UserInputType: "textBox"}
	}
	return out
}

func TestPlanPage_writesOnlyWhatDiffers(t *testing.T) {
	for name, tc := range map[string]struct {
		current, want       []graph.AttributeAssignment
		remove              []string
		update, create      []int
		order               bool
		label0, attributeID string // what expected[0] holds
	}{
		"nothing to do": {current: fields("City", "Email"), want: fields("City", "Email"), label0: "City", attributeID: "City"},
		"a new field last, no order": {current: fields("City"), want: fields("City", "Email"),
			create: []int{1}, label0: "City", attributeID: "City"},
		"a new field first, then the order": {current: fields("City"), want: fields("Email", "City"),
			create: []int{0}, order: true, label0: "Email", attributeID: "Email"},
		"a field removed keeps the order": {current: fields("City", "Email", "Surname"), want: fields("City", "Surname"),
			remove: []string{"Email"}, label0: "City", attributeID: "City"},
		"reordered only":  {current: fields("City", "Email"), want: fields("Email", "City"), order: true, label0: "Email", attributeID: "Email"},
		"a label changed": {current: fields("City"), want: fields("City=Town"), update: []int{0}, label0: "Town", attributeID: "City"},
		// A label left to Graph is the one Graph has: no change.
		"a label left to Graph": {current: fields("City=Town"), want: fields("City="), label0: "Town", attributeID: "City"},
		// Graph's spelling of an attribute id is kept for the writes; another case is no change.
		"another case of the id": {current: fields("City"), want: []graph.AttributeAssignment{{UserAttributeID: "city", DisplayName: "City", UserInputType: "TextBox"}},
			label0: "City", attributeID: "City"},
	} {
		t.Run(name, func(t *testing.T) {
			changes := planPage(tc.current, tc.want)
			var removed []string
			for _, r := range changes.remove {
				removed = append(removed, r.ID)
			}
			if !slices.Equal(removed, tc.remove) || !slices.Equal(changes.update, tc.update) || !slices.Equal(changes.create, tc.create) {
				t.Errorf("remove %v, update %v, create %v; want %v, %v, %v", removed, changes.update, changes.create, tc.remove, tc.update, tc.create)
			}
			if got := changes.needsOrder(tc.current); got != tc.order {
				t.Errorf("needsOrder = %v, want %v", got, tc.order)
			}
			if first := changes.expected[0]; first.DisplayName != tc.label0 || first.UserAttributeID != tc.attributeID {
				t.Errorf("expected[0] = %+v, want the label %q and the attribute %q", first, tc.label0, tc.attributeID)
			}
		})
	}
}

func TestProviderChanges_withoutRegardToCase(t *testing.T) {
	add, remove := providerChanges([]string{"AADSignup-OAUTH", "Facebook-OAUTH"}, []string{"google-oauth", "Google-OAUTH", "facebook-oauth"})
	if !slices.Equal(add, []string{"google-oauth"}) || !slices.Equal(remove, []string{"AADSignup-OAUTH"}) {
		t.Errorf("add %v, remove %v", add, remove)
	}
}

// TestCheckFlowName: a prefix is refused with the name to write for the flow's own kind, whichever kind's
// prefix it is; a character outside ASCII letters, digits, '_' and '-' is named with its place.
func TestCheckFlowName(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind graph.UserFlowKind
		want string // "" for none
	}{
		{"Partner", graph.B2XUserFlow, ""},
		{"Partner_SignUp", graph.B2CUserFlow, ""},
		{"sign-up-2", "", ""},
		{"B2X_1_Partner", graph.B2XUserFlow, "starts with B2X_1_: Graph adds the prefix itself; write Partner for B2X_1_Partner."},
		{"b2c_1_Foo", graph.B2XUserFlow, "starts with b2c_1_, the prefix of an Azure AD B2C user flow (b2cIdentityUserFlow, id B2C_1_…), " +
			"the other kind: Graph puts this flow's own prefix, B2X_1_, in front of its name; write Foo for B2X_1_Foo."},
		{"B2X_1_Shop", graph.B2CUserFlow, "the other kind: Graph puts this flow's own prefix, B2C_1_, in front of its name; write Shop for B2C_1_Shop."},
		{"b2c_1_Shop", graph.B2CUserFlow, "starts with b2c_1_: Graph adds the prefix itself; write Shop for B2C_1_Shop."},
		{"B2C_1_Shop", "", "starts with B2C_1_: Graph adds the kind's prefix itself; write Shop."},
		{"Partner.SignUp", graph.B2XUserFlow, "contains '.' at byte 7 (code point 7): a flow's name holds ASCII letters, digits, '_' and '-' only."},
		{"Inscripción", graph.B2XUserFlow, "contains 'ó' at byte 9 (code point 9)"},
		{"Café-Señor", graph.B2XUserFlow, "contains 'é' at byte 3 (code point 3)"},
		{"", graph.B2CUserFlow, "is empty: name the flow, such as Partner for B2C_1_Partner."},
	} {
		if got := checkFlowName(tc.name, tc.kind); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("checkFlowName(%q, %q) = %q, want %q", tc.name, tc.kind, got, tc.want)
		}
	}
}

func TestNotShownPaths_nameTheArgumentOfEachProperty(t *testing.T) {
	err := &graph.NotShownError{Pending: []graph.Pending{
		{Property: "userAttributeAssignments/Email"}, {Property: "userAttributeAssignments/Surname"},
		{Property: "userAttributeAssignments/order"}, {Property: "userFlowIdentityProviders"},
	}}
	paths := notShownPaths(err, fields("City", "email"))
	list := path.Root("user_attribute_assignments")
	for property, want := range map[string]path.Path{
		"userAttributeAssignments/Email":   list.AtListIndex(1),
		"userAttributeAssignments/Surname": list, // a field not wanted
		"userAttributeAssignments/order":   list,
		"userFlowIdentityProviders":        path.Root("identity_providers"),
		"defaultLanguageTag":               path.Root("default_language_tag"),
	} {
		if got := paths[property]; !got.Equal(want) {
			t.Errorf("%s is on %s, want %s", property, got, want)
		}
	}
}

func TestAssignmentsFromAPI_keepsThePriorSpellings(t *testing.T) {
	prior := []assignmentModel{{UserAttributeID: types.StringValue("city"), UserInputType: types.StringValue("TextBox")}}
	shown := []graph.AttributeAssignment{
		{UserAttributeID: "City", DisplayName: "Town", UserInputType: "textBox"},
		{UserAttributeID: "Country", DisplayName: "Country", UserInputType: "radioSingleSelect",
			UserAttributeValues: []graph.UserAttributeValue{{Name: "France", Value: "fr", IsDefault: true}}},
	}
	got := assignmentsFromAPI(shown, prior)
	if got[0].UserAttributeID.ValueString() != "city" || got[0].UserInputType.ValueString() != "TextBox" || !got[0].UserAttributeValues.IsNull() {
		t.Errorf("the first field is %+v, want the prior spellings and no choices", got[0])
	}
	var choices []choiceModel
	if diags := got[1].UserAttributeValues.ElementsAs(context.Background(), &choices, false); diags.HasError() || len(choices) != 1 ||
		choices[0].Value.ValueString() != "fr" || !choices[0].IsDefault.ValueBool() {
		t.Errorf("the second field's choices are %+v (%v)", choices, diags)
	}
	if ids := providersFromAPI([]string{"Google-OAUTH", "AADSignup-OAUTH"}, []string{"google-oauth"}); !slices.Equal(ids, []string{"google-oauth", "AADSignup-OAUTH"}) {
		t.Errorf("providers %v", ids)
	}
}
