package userflowattribute

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

// builtInDisplayNames are the display names of the built-in attributes the product page "Collect user
// attributes during sign-up" offers to self-service sign-up flows. Graph refuses a custom attribute with one
// of them; naming them at plan time saves an apply that fails. A tenant may have more (Azure AD B2C has a
// few others): Graph refuses those when the attribute is created.
var builtInDisplayNames = []string{
	"City", "Country/Region", "Display Name", "Email Address", "Given Name", "Job Title", "Postal Code", "State/Province",
	"Street Address", "Surname",
}

// notBuiltIn returns why s cannot be a custom attribute's display name because a built-in attribute has it,
// or "". Names compare without regard to case, as Graph compares them.
func notBuiltIn(s string) string {
	for _, name := range builtInDisplayNames {
		if strings.EqualFold(s, name) {
			return fmt.Sprintf("is the name of the built-in attribute %q, which every tenant has: use that one in a flow's sign-up page "+
				"as it is (its id is in the entra_user_flow_attributes data source), or give the custom attribute another name.", name)
		}
	}
	return ""
}

// kindDescription describes user_flow_attribute_type, in the resource and the data source.
const kindDescription = "`builtIn` for the attributes every tenant has, `custom` for the tenant's own (the reference also lists " +
	"`required`)."

func resourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A custom user-flow attribute: Graph's `identityUserFlowAttribute` under `/identity/userFlowAttributes`, " +
			"a field that a user flow's sign-up page can collect and that an API connector can read and return in its claims. " +
			"Requires the Graph permission `" + tf.UserFlowAttributes.Permission + "`.\n\n" +
			"`display_name` and `data_type` are fixed once the attribute exists (a change replaces it); `description` changes in " +
			"place. Graph gives the attribute its id, `extension_<appId>_<name>`, from the tenant's `aad-extensions-app` and the " +
			"name. Built-in attributes (City, Surname, …) cannot be created or destroyed: read them with the " +
			"`entra_user_flow_attributes` data source.\n\n" +
			"Graph does not delete an attribute a user flow still collects. Give an attribute that a flow collects " +
			"`lifecycle { create_before_destroy = true }`: a new `display_name` then makes the new attribute first, the flow's " +
			"update moves its field to it, and the old one is deleted last; in the default order the old one is deleted first, " +
			"which Graph refuses. A `data_type` change keeps the name, which two attributes cannot hold at once: change the name " +
			"with it, or remove the attribute from the flows' sign-up pages first and replace it without " +
			"`create_before_destroy`. Before destroying an attribute, remove it from the flows' sign-up pages.\n\n" +
			tf.TaintedAfterCreateRule(tf.UserFlowAttributes, "Graph not serving it before the create timeout, say"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The attribute's id as Graph gives it, `extension_<appId>_<name>` (such as " +
					"`extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby`): what a flow's sign-up page names, and the claim's name " +
					"in what an API connector receives and returns.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The attribute's name, shown at sign-up; Graph makes the name part of the id from it. A built-in " +
					"attribute's name (" + strings.Join(builtInDisplayNames, ", ") + ") is refused. " + tf.NameRule +
					" Changing it replaces the attribute.",
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					tf.StringCheck{Rule: "a name that hides or reorders no text and is not a built-in attribute's", Checks: []func(string) string{tf.CheckName, notBuiltIn}},
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"data_type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The type of the values: `" + strings.Join(graph.UserFlowAttributeDataTypes(), "`, `") +
					"`, the types Graph creates a custom attribute with. Changing it replaces the attribute.",
				Validators:    []validator.String{stringvalidator.OneOf(graph.UserFlowAttributeDataTypes()...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
				MarkdownDescription: "What the attribute is, shown to the user at sign-up. Default none (`\"\"`). Changes in place " +
					"(one `PATCH`).",
			},
			"user_flow_attribute_type": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The kind of attribute, as Graph reports it: `custom` for every attribute this resource manages.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": tf.ResourceTimeouts(ctx, attributeTimeouts),
		},
	}
}

// toAPI is what a create sends.
func toAPI(m attributeModel) graph.UserFlowAttribute {
	return graph.UserFlowAttribute{DisplayName: m.DisplayName.ValueString(), Description: m.Description.ValueString(), DataType: m.DataType.ValueString()}
}

// fromAPI is the state for the attribute Graph shows, with the timeouts of m.
func fromAPI(a *graph.UserFlowAttribute, m attributeModel) attributeModel {
	return attributeModel{
		ID:                    types.StringValue(a.ID),
		DisplayName:           types.StringValue(a.DisplayName),
		DataType:              types.StringValue(a.DataType),
		Description:           types.StringValue(a.Description),
		UserFlowAttributeType: types.StringValue(a.UserFlowAttributeType),
		Timeouts:              m.Timeouts,
	}
}
