package userflow

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

// flowDescription is the resource's description, the head of its documentation page.
var flowDescription = "A user flow as code: an External ID self-service sign-up flow (Graph `b2xIdentityUserFlow`, `kind = \"b2x\"`, " +
	"on the provider's `api_version`) or an Azure AD B2C user flow (`b2cIdentityUserFlow`, `kind = \"b2c\"`, on `beta`, the only " +
	"version Graph serves it on), with the identity providers it offers and the fields of its sign-up page. Requires the Graph " +
	"permission `" + tf.UserFlows.Permission + "`.\n\n" +
	"Graph fixes a flow's name, kind, type and version when it is made: changing any of them replaces the flow. Only a B2C flow's " +
	"two language settings change in place. The identity providers and the sign-up page change in place, one request per " +
	"provider or field that differs.\n\n" +
	tf.TaintedAfterCreateRule(tf.UserFlows, "an identity provider the tenant lacks, say") + " The next apply then writes only " +
	"the providers and fields the failed create did not.\n\n" +
	"The API connectors a flow calls at its steps (`apiConnectorConfiguration`) are not this resource's: it never reads, plans or " +
	"writes them. Wire them with `entra_user_flow_api_connectors`, naming this resource's `id`; the two never change each " +
	"other's part of the flow."

// flowKinds are the words `kind` takes.
func flowKinds() []string {
	kinds := make([]string, 0, 2)
	for _, kind := range graph.UserFlowKinds() {
		kinds = append(kinds, string(kind))
	}
	return kinds
}

// flowSchema describes entra_user_flow.
func flowSchema(ctx context.Context) schema.Schema {
	attributes := flowFixedAttributes()
	maps.Copy(attributes, flowChangeableAttributes())
	return schema.Schema{
		MarkdownDescription: flowDescription,
		Attributes:          attributes,
		Blocks:              map[string]schema.Block{"timeouts": tf.ResourceTimeouts(ctx, flowTimeouts)},
	}
}

// flowFixedAttributes are the attributes Graph fixes when it makes the flow.
func flowFixedAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed: true,
			MarkdownDescription: "The flow's id, as Graph answered the create: the name with the kind's prefix, such as `B2X_1_Partner`. " +
				"Name it in `entra_user_flow_api_connectors.user_flow_id`.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"kind": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "`b2x` for an External ID self-service sign-up flow (Graph `b2xUserFlows`, id `B2X_1_…`, in a workforce " +
				"tenant), `b2c` for an Azure AD B2C user flow (`b2cUserFlows`, id `B2C_1_…`, in a B2C directory). Graph refuses the " +
				"other kind's flows with `403`. Changing it replaces the flow.",
			Validators:    []validator.String{stringvalidator.OneOf(flowKinds()...)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The flow's name, without the prefix: Graph puts `B2X_1_` (b2x) or `B2C_1_` (b2c) in front of the " +
				"name it is sent, so `Partner` makes the flow `B2X_1_Partner`. " + flowNameRule + " Changing it replaces the flow; " +
				"another case of the same name does not, as Graph compares flow ids without regard to case. After an import it is " +
				"the id without its prefix.",
			PlanModifiers: []planmodifier.String{replacedUnlessCase("Another name makes another flow; another case of the same name does not.")},
		},
		"user_flow_type": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Graph's `userFlowType`; unset, `signUpOrSignIn` for either kind. A b2x flow is always " +
				"`signUpOrSignIn`; a b2c flow is one of `" + strings.Join(b2cFlowTypes, "`, `") + "`. Any case is accepted and kept; " +
				"Graph is sent the enum's spelling. Changing it replaces the flow.",
			Default:       stringdefault.StaticString("signUpOrSignIn"),
			Validators:    []validator.String{stringvalidator.OneOfCaseInsensitive(b2cFlowTypes...)},
			PlanModifiers: []planmodifier.String{replacedUnlessCase("Another type makes another flow; another case of the same type does not.")},
		},
		"user_flow_type_version": schema.Float64Attribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Graph's `userFlowTypeVersion`. A b2x flow is always version `1` (the default); a b2c flow needs " +
				"one set, a positive number such as `3` (Graph lists no valid versions: it refuses those it does not offer). " +
				"Changing it replaces the flow.",
			Default:       float64default.StaticFloat64(1),
			PlanModifiers: []planmodifier.Float64{float64planmodifier.RequiresReplace()},
		},
	}
}

// flowChangeableAttributes are the attributes that change in place.
func flowChangeableAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"is_language_customization_enabled": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "b2c only: Graph's `isLanguageCustomizationEnabled`, whether the flow can be shown in other languages. " +
				"Unset keeps Graph's value (off for a new flow). Changed in place with one `PATCH` on `beta`. Null for a b2x flow, " +
				"which has no such setting (setting it there is an error).",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		},
		"default_language_tag": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "b2c only: Graph's `defaultLanguageTag`, the RFC 5646 language tag (such as `en` or `pt-BR`) shown " +
				"when a request names no `ui_locale`; compared without regard to case. Unset keeps Graph's value (`en` for a new " +
				"flow; null when Graph has none, so that an import's generated configuration leaves it unset). Changed in place " +
				"with one `PATCH` on `beta`. Null for a b2x flow (setting it there is an error).",
			Validators:    []validator.String{stringvalidator.RegexMatches(languageTagPattern, "must be an RFC 5646 language tag such as en or pt-BR")},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"identity_providers": schema.SetAttribute{
			ElementType: types.StringType,
			Optional:    true,
			Computed:    true,
			MarkdownDescription: "The ids of the tenant's identity providers the flow offers, such as `AADSignup-OAUTH` (Microsoft " +
				"Entra ID accounts), `EmailOtpSignup-OAUTH`, `MSASignup-OAUTH`, `Google-OAUTH` or `Facebook-OAUTH`. Set, the flow " +
				"offers exactly these: an apply adds each missing one and removes each other one, one `$ref` request each. Unset, " +
				"the providers are left as Graph has them (a new b2x flow offers `AADSignup-OAUTH`, which Graph adds itself: list " +
				"it to keep it). Ids are compared without regard to case.",
			Validators: []validator.Set{setvalidator.ValueStringsAre(tf.StringCheck{
				Rule: "an identity provider id", Checks: []func(string) string{checkProviderID},
			})},
			PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
		},
		"user_attribute_assignments": schema.ListNestedAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "The fields of the flow's sign-up page, in the order the page shows them (Graph's " +
				"`userAttributeAssignments` and their `assignmentOrder`). Set, the page holds exactly these: an apply deletes each " +
				"field whose attribute is gone from the list, updates each that changed, creates each new one (Graph puts it last), " +
				"and sends the order (`setOrder`) only when the page's order then differs from the list's. Unset, the page is left " +
				"as Graph has it. Each attribute may appear once. " +
				"The plan compares the list by place, so moving a field shows as changes at each place it moved through (such " +
				"as `user_attribute_id = \"GivenName\" -> \"City\"`), though the apply matches fields by attribute: reordering " +
				"sends `setOrder` and a `PATCH` for each field whose own arguments changed, and deletes or makes no field.",
			NestedObject:  schema.NestedAttributeObject{Attributes: assignmentResourceAttributes()},
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
	}
}

// assignmentDescriptions describe the attributes of a sign-up page's field, in the resource and the data
// sources alike.
var assignmentDescriptions = map[string]string{
	"user_attribute_id": "The id of the attribute the field collects: a built-in one such as `City`, `Country`, `DisplayName`, " +
		"`Email`, `GivenName`, `JobTitle`, `PostalCode`, `State`, `StreetAddress` or `Surname`, or a custom one's " +
		"`extension_<appId>_<name>` id (`entra_user_flow_attribute.<name>.id`). Compared without regard to case.",
	"display_name": "The field's label on the sign-up page.",
	"is_optional":  "Whether the user may leave the field empty.",
	"requires_verification": "Whether the value must be verified before sign-up goes on; meaningful for an email address or " +
		"a phone number only.",
	"user_input_type":       "How the field is entered: one of `" + strings.Join(graph.UserInputTypes(), "`, `") + "`.",
	"user_attribute_values": "The choices of a `" + strings.Join(choiceInputTypes, "`, `") + "` field, in order.",
	"name":                  "The choice as the user sees it.",
	"value":                 "The value the choice stores.",
	"is_default":            "Whether the choice is selected to begin with.",
}

// assignmentResourceAttributes are a field's arguments in the resource.
func assignmentResourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"user_attribute_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: assignmentDescriptions["user_attribute_id"] + " It identifies the field: another id is another field.",
		},
		"display_name": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: assignmentDescriptions["display_name"] + " Unset, Graph labels a new field with the attribute's own " +
				"display name, and an existing field keeps its label; an empty label is refused, as Graph would show its own. " + tf.NameRule,
		},
		"is_optional": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: assignmentDescriptions["is_optional"] + " Default `false`: sign-up needs a value.",
		},
		"requires_verification": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: assignmentDescriptions["requires_verification"] + " Default `false`.",
		},
		"user_input_type": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString("textBox"),
			MarkdownDescription: assignmentDescriptions["user_input_type"] + " Default `textBox`. Any case is accepted and kept " +
				"(Graph's examples write `TextBox`); Graph is sent the enum's spelling.",
		},
		"user_attribute_values": schema.ListNestedAttribute{
			Optional: true,
			MarkdownDescription: assignmentDescriptions["user_attribute_values"] + " Required, with at least one choice, for those " +
				"types (at most one default for the two single selects), and refused, even empty, for the others.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{
					Required: true, MarkdownDescription: assignmentDescriptions["name"] + " Not empty. " + tf.NameRule,
				},
				"value": schema.StringAttribute{
					Required: true, MarkdownDescription: assignmentDescriptions["value"] + " Not empty.",
				},
				"is_default": schema.BoolAttribute{
					Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: assignmentDescriptions["is_default"] + " Default `false`.",
				},
			}},
		},
	}
}

// replacedUnlessCase replaces the resource when a string changes other than in case: Graph compares flow
// ids and enum members without regard to case.
func replacedUnlessCase(description string) planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
		}, description, description)
}

// flowNameRule is what a flow's name may hold.
var flowNameRule = fmt.Sprintf("ASCII letters, digits, `_` and `-` only (no Graph page lists the characters a name may hold; these are the "+
	"ones every example uses), and not starting with `%s` or `%s` in any case: Graph adds the prefix itself, and no page says "+
	"whether it would keep one already there.", graph.B2XUserFlow.IDPrefix(), graph.B2CUserFlow.IDPrefix())
