package userflow

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// flowResourceModel is entra_user_flow's configuration, plan and state.
type flowResourceModel struct {
	ID                             types.String   `tfsdk:"id"`
	Kind                           types.String   `tfsdk:"kind"`
	Name                           types.String   `tfsdk:"name"`
	UserFlowType                   types.String   `tfsdk:"user_flow_type"`
	UserFlowTypeVersion            types.Float64  `tfsdk:"user_flow_type_version"`
	IsLanguageCustomizationEnabled types.Bool     `tfsdk:"is_language_customization_enabled"`
	DefaultLanguageTag             types.String   `tfsdk:"default_language_tag"`
	IdentityProviders              types.Set      `tfsdk:"identity_providers"`
	UserAttributeAssignments       types.List     `tfsdk:"user_attribute_assignments"`
	Timeouts                       timeouts.Value `tfsdk:"timeouts"`
}

// assignmentModel is one field of a flow's sign-up page (Graph's identityUserFlowAttributeAssignment), in
// the resource and in the data sources alike.
type assignmentModel struct {
	UserAttributeID      types.String `tfsdk:"user_attribute_id"`
	DisplayName          types.String `tfsdk:"display_name"`
	IsOptional           types.Bool   `tfsdk:"is_optional"`
	RequiresVerification types.Bool   `tfsdk:"requires_verification"`
	UserInputType        types.String `tfsdk:"user_input_type"`
	// UserAttributeValues is a list of choiceModel; null when the field has no choices.
	UserAttributeValues types.List `tfsdk:"user_attribute_values"`
}

// choiceModel is one choice of a select field (Graph's userAttributeValuesItem).
type choiceModel struct {
	Name      types.String `tfsdk:"name"`
	Value     types.String `tfsdk:"value"`
	IsDefault types.Bool   `tfsdk:"is_default"`
}

// The object types of a field and of a choice, for the lists that hold them, as the resource's schema declares them.
var (
	assignmentObjectType = schema.NestedAttributeObject{Attributes: assignmentResourceAttributes()}.Type().(types.ObjectType)   //nolint:forcetypeassert,errcheck // a NestedAttributeObject without a CustomType is a types.ObjectType.
	choiceObjectType     = assignmentObjectType.AttrTypes["user_attribute_values"].(types.ListType).ElemType.(types.ObjectType) //nolint:forcetypeassert // declared as a list of objects.
)

// The mapping between Graph and the models. Graph compares ids, input types and language tags without
// regard to case; where Graph spells one otherwise than the configuration (or the state) did, the prior
// spelling is kept, so that no plan shows a change of case as drift.

// keepSpelling is prior when it names got in another case, else got.
func keepSpelling(prior types.String, got string) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && strings.EqualFold(prior.ValueString(), got) {
		return prior
	}
	return types.StringValue(got)
}

// providersFromAPI are the ids of the identity providers Graph shows, each in prior's spelling when prior
// has it in another case.
func providersFromAPI(shown, prior []string) []string {
	out := make([]string, len(shown))
	for i, id := range shown {
		out[i] = id
		for _, p := range prior {
			if strings.EqualFold(p, id) {
				out[i] = p
			}
		}
	}
	return out
}

// assignmentsFromAPI are the fields Graph shows, in its order, each keeping the spelling of the field of
// prior (matched by attribute id) where Graph spells its attribute id or input type in another case.
func assignmentsFromAPI(shown []graph.AttributeAssignment, prior []assignmentModel) []assignmentModel {
	out := make([]assignmentModel, len(shown))
	for i, a := range shown {
		var before assignmentModel
		if j := findAssignment(prior, a.UserAttributeID); j >= 0 {
			before = prior[j]
		}
		out[i] = assignmentModel{
			UserAttributeID:      keepSpelling(before.UserAttributeID, a.UserAttributeID),
			DisplayName:          types.StringValue(a.DisplayName),
			IsOptional:           types.BoolValue(a.IsOptional),
			RequiresVerification: types.BoolValue(a.RequiresVerification),
			UserInputType:        keepSpelling(before.UserInputType, a.UserInputType),
			UserAttributeValues:  types.ListNull(choiceObjectType),
		}
		if len(a.UserAttributeValues) == 0 {
			continue
		}
		choices := make([]attr.Value, len(a.UserAttributeValues))
		for k, v := range a.UserAttributeValues {
			choices[k] = types.ObjectValueMust(choiceObjectType.AttrTypes, map[string]attr.Value{
				"name": types.StringValue(v.Name), "value": types.StringValue(v.Value), "is_default": types.BoolValue(v.IsDefault),
			})
		}
		out[i].UserAttributeValues = types.ListValueMust(choiceObjectType, choices)
	}
	return out
}

// findAssignment is the index of the field of in that collects attributeID (without regard to case), or -1.
func findAssignment(in []assignmentModel, attributeID string) int {
	for i, a := range in {
		if strings.EqualFold(a.UserAttributeID.ValueString(), attributeID) {
			return i
		}
	}
	return -1
}

// assignmentToAPI is a planned field as the client writes it. A label left to Graph (unknown) is "", which
// the client leaves out of a create and the resource takes from Graph otherwise.
func assignmentToAPI(ctx context.Context, m assignmentModel) (graph.AttributeAssignment, diag.Diagnostics) {
	a := graph.AttributeAssignment{
		UserAttributeID:      m.UserAttributeID.ValueString(),
		DisplayName:          m.DisplayName.ValueString(),
		IsOptional:           m.IsOptional.ValueBool(),
		RequiresVerification: m.RequiresVerification.ValueBool(),
		UserInputType:        m.UserInputType.ValueString(),
	}
	var choices []choiceModel
	diags := m.UserAttributeValues.ElementsAs(ctx, &choices, false)
	for _, c := range choices {
		a.UserAttributeValues = append(a.UserAttributeValues, graph.UserAttributeValue{
			Name: c.Name.ValueString(), Value: c.Value.ValueString(), IsDefault: c.IsDefault.ValueBool(),
		})
	}
	return a, diags
}

// assignmentsOf reads a list of fields; a null or unknown list has none.
func assignmentsOf(ctx context.Context, list types.List) ([]assignmentModel, diag.Diagnostics) {
	var out []assignmentModel
	if list.IsNull() || list.IsUnknown() {
		return out, nil
	}
	diags := list.ElementsAs(ctx, &out, false)
	return out, diags
}

// assignmentList is fields as a list value.
func assignmentList(ctx context.Context, fields []assignmentModel) (types.List, diag.Diagnostics) {
	if fields == nil {
		fields = []assignmentModel{}
	}
	return types.ListValueFrom(ctx, assignmentObjectType, fields)
}

// stringsOf reads a set of strings; a null or unknown set has none.
func stringsOf(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	var out []string
	if set.IsNull() || set.IsUnknown() {
		return out, nil
	}
	diags := set.ElementsAs(ctx, &out, false)
	return out, diags
}

// stringSet is ids as a set value.
func stringSet(ids []string) types.Set {
	values := make([]attr.Value, len(ids))
	for i, id := range ids {
		values[i] = types.StringValue(id)
	}
	return types.SetValueMust(types.StringType, values)
}

// languagesFromAPI are a flow's language settings as the models hold them: null for a b2x flow, which has
// none, and Graph's for a B2C flow, the tag in prior's spelling when Graph spells it in another case, and
// null when Graph has none (the client reads null as "", which is no tag): a generated configuration then
// leaves the tag unset rather than write one the tag's check refuses.
func languagesFromAPI(flow graph.UserFlow, priorTag types.String) (types.Bool, types.String) {
	if flow.Kind != graph.B2CUserFlow {
		return types.BoolNull(), types.StringNull()
	}
	tag := types.StringNull()
	if flow.DefaultLanguageTag != "" {
		tag = keepSpelling(priorTag, flow.DefaultLanguageTag)
	}
	return types.BoolValue(flow.IsLanguageCustomizationEnabled), tag
}

// objectAs reads one object of a list into target, whose fields may be unknown.
func objectAs(ctx context.Context, value attr.Value, target any) diag.Diagnostics {
	object, ok := value.(basetypes.ObjectValue)
	if !ok || object.IsNull() || object.IsUnknown() {
		return nil
	}
	return object.As(ctx, target, basetypes.ObjectAsOptions{})
}
