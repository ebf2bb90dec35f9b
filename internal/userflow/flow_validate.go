package userflow

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// The checks of entra_user_flow's configuration, all at plan time and without a request to Graph. Each
// decides only on values that are known, so that a module whose values come at apply is never refused for
// what it may turn out to be.

// flowKindRule is what Graph accepts for one kind of flow (identitycontainer-post-b2xuserflows and
// identitycontainer-post-b2cuserflows).
type flowKindRule struct {
	// flowTypes are the userFlowType values a create takes.
	flowTypes []string
	// version is the one userFlowTypeVersion a create takes; 0 takes any positive number, which must be set.
	version float64
	// languages says whether the flow has the two language settings.
	languages bool
}

// b2cFlowTypes are the userFlowType values of a B2C flow, which hold the b2x one.
var b2cFlowTypes = []string{"signUp", "signIn", "signUpOrSignIn", "passwordReset", "profileUpdate", "resourceOwner"}

var flowKindRules = map[graph.UserFlowKind]flowKindRule{
	graph.B2XUserFlow: {flowTypes: []string{"signUpOrSignIn"}, version: 1},
	graph.B2CUserFlow: {flowTypes: b2cFlowTypes, languages: true},
}

// choiceInputTypes are the input types whose fields offer choices, and how many of those may be the
// default: one for a single select, any number (-1) for checkboxes.
var (
	choiceInputTypes = []string{"radioSingleSelect", "dropdownSingleSelect", "checkboxMultiSelect"}
	choiceDefaults   = map[string]int{"radioSingleSelect": 1, "dropdownSingleSelect": 1, "checkboxMultiSelect": -1}
)

// languageTagPattern is an RFC 5646 tag as far as a plan can tell: a language of two to eight letters, then
// subtags of one to eight letters or digits.
var languageTagPattern = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// safeID reports whether s holds only the characters every Graph page agrees a flow name or an id may hold.
var safeID = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// unsafeCharacter describes the first character of s outside letters, digits, '_' and '-'.
func unsafeCharacter(s string) string {
	for i, r := range s {
		if !safeID.MatchString(string(r)) {
			return fmt.Sprintf("%q (at byte %d)", r, i)
		}
	}
	return ""
}

// checkFlowName returns why s cannot be a flow's name, or "".
func checkFlowName(s string) string {
	for _, kind := range graph.UserFlowKinds() {
		prefix := kind.IDPrefix()
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			bare := s[len(prefix):]
			return fmt.Sprintf("starts with %s: Graph adds the prefix; write %s for %s%s.", s[:len(prefix)], bare, prefix, bare)
		}
	}
	if s == "" {
		return "is empty: name the flow, such as Partner for B2X_1_Partner."
	}
	if bad := unsafeCharacter(s); bad != "" {
		return fmt.Sprintf("contains %s: a flow's name holds letters, digits, '_' and '-' only.", bad)
	}
	return ""
}

// checkProviderID returns why s cannot be an identity provider's id, or "".
func checkProviderID(s string) string {
	if !safeID.MatchString(s) {
		return fmt.Sprintf("%q is not an identity provider id: ids are such as AADSignup-OAUTH or Google-OAUTH (letters, digits, "+
			"'_' and '-'); the tenant's are listed by GET /identity/identityProviders.", s)
	}
	return ""
}

// checkAttributeID returns why s cannot be a user-flow attribute's id, or "".
func checkAttributeID(s string) string {
	if !safeID.MatchString(s) {
		return fmt.Sprintf("%q is not a user-flow attribute id: ids are such as City or extension_<appId>_<name> (letters, digits, "+
			"'_' and '-'); take a custom attribute's from entra_user_flow_attribute.", s)
	}
	return ""
}

// validateFlow adds a diagnostic for each rule config breaks that depends on more than one value: the
// kind's type, version and language settings, and the sign-up page's fields.
func validateFlow(ctx context.Context, config flowResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !config.Kind.IsNull() && !config.Kind.IsUnknown() {
		kind := graph.UserFlowKind(config.Kind.ValueString())
		if rule, ok := flowKindRules[kind]; ok {
			diags.Append(validateKind(kind, rule, config)...)
		}
	}
	if config.UserAttributeAssignments.IsNull() || config.UserAttributeAssignments.IsUnknown() {
		return diags
	}
	fields := config.UserAttributeAssignments.Elements()
	seen := map[string]int{}
	for i, element := range fields {
		var field assignmentModel
		if diags.Append(objectAs(ctx, element, &field)...); diags.HasError() {
			return diags
		}
		at := path.Root("user_attribute_assignments").AtListIndex(i)
		if id := field.UserAttributeID; !id.IsNull() && !id.IsUnknown() {
			key := strings.ToLower(id.ValueString())
			if first, ok := seen[key]; ok {
				addError(&diags, at.AtName("user_attribute_id"), "Attribute twice on one sign-up page",
					fmt.Sprintf("user_attribute_assignments[%d] collects %s, which user_attribute_assignments[%d] collects already: a "+
						"sign-up page has one field per attribute. Remove one of them.", i, id.ValueString(), first))
			} else {
				seen[key] = i
			}
		}
		diags.Append(validateChoices(ctx, at, field)...)
	}
	return diags
}

// validateKind checks the arguments whose rules depend on the flow's kind.
func validateKind(kind graph.UserFlowKind, rule flowKindRule, config flowResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	name := kindNames[kind]
	if t := config.UserFlowType; !t.IsNull() && !t.IsUnknown() &&
		!slices.ContainsFunc(rule.flowTypes, func(v string) bool { return strings.EqualFold(v, t.ValueString()) }) {
		addError(&diags, path.Root("user_flow_type"), "User flow type not of this kind",
			fmt.Sprintf("%q is not a type of an %s, which is one of %s.", t.ValueString(), name, strings.Join(rule.flowTypes, ", ")))
	}
	version := config.UserFlowTypeVersion
	switch {
	case version.IsUnknown():
	case version.IsNull() && rule.version == 0:
		addError(&diags, path.Root("user_flow_type_version"), "Missing user flow type version",
			fmt.Sprintf("An %s needs user_flow_type_version: the version of its type Graph should make, such as 3.", name))
	case version.IsNull():
	case rule.version != 0 && version.ValueFloat64() != rule.version:
		addError(&diags, path.Root("user_flow_type_version"), "User flow type version not of this kind",
			fmt.Sprintf("An %s is always version %g; remove user_flow_type_version or set it to %g.", name, rule.version, rule.version))
	case version.ValueFloat64() <= 0:
		addError(&diags, path.Root("user_flow_type_version"), "Invalid user flow type version",
			fmt.Sprintf("must be a positive number such as 3, not %g.", version.ValueFloat64()))
	}
	if rule.languages {
		return diags
	}
	for _, setting := range []struct {
		attribute string
		value     attr.Value
	}{
		{"is_language_customization_enabled", config.IsLanguageCustomizationEnabled},
		{"default_language_tag", config.DefaultLanguageTag},
	} {
		if !setting.value.IsNull() && !setting.value.IsUnknown() {
			addError(&diags, path.Root(setting.attribute), "Language setting on a flow without languages",
				fmt.Sprintf("a setting of Azure AD B2C flows only, and an %s has none. Remove it, or set kind = \"b2c\".", name))
		}
	}
	return diags
}

// validateChoices checks that a field has choices when, and only when, its input type takes them.
func validateChoices(ctx context.Context, at path.Path, field assignmentModel) diag.Diagnostics {
	inputType := "textBox" // the default
	if t := field.UserInputType; !t.IsNull() {
		if t.IsUnknown() {
			return nil
		}
		inputType = graphSpelling(t.ValueString(), graph.UserInputTypes())
	}
	values := field.UserAttributeValues
	if values.IsUnknown() {
		return nil
	}
	var diags diag.Diagnostics
	defaults, takesChoices := choiceDefaults[inputType]
	switch {
	case takesChoices && values.IsNull():
		addError(&diags, at.AtName("user_attribute_values"), "Choices missing",
			fmt.Sprintf("%s field needs user_attribute_values: at least one { name, value } for the user to choose.", aField(inputType)))
	case !takesChoices && !values.IsNull():
		addError(&diags, at.AtName("user_attribute_values"), "Choices on a field that takes none",
			fmt.Sprintf("%s field has no choices: remove user_attribute_values, or set user_input_type to one of %s.",
				aField(inputType), strings.Join(choiceInputTypes, ", ")))
	case defaults == 1 && countDefaults(ctx, values) > 1:
		addError(&diags, at.AtName("user_attribute_values"), "More than one default choice",
			fmt.Sprintf("%s field selects one choice: at most one of its user_attribute_values may have is_default = true.", aField(inputType)))
	}
	return diags
}

// countDefaults counts the choices known to be the default.
func countDefaults(ctx context.Context, values types.List) int {
	n := 0
	for _, element := range values.Elements() {
		var choice choiceModel
		if objectAs(ctx, element, &choice).HasError() {
			continue
		}
		if choice.IsDefault.ValueBool() {
			n++
		}
	}
	return n
}

// graphSpelling is the member of members that v names in any case, or v itself.
func graphSpelling(v string, members []string) string {
	for _, m := range members {
		if strings.EqualFold(m, v) {
			return m
		}
	}
	return v
}

// aField is "A" or "An" and an input type, to start a sentence about a field of that type.
func aField(inputType string) string {
	if strings.ContainsRune("aeiou", rune(inputType[0])) {
		return "An " + inputType
	}
	return "A " + inputType
}

// addError adds an error on the argument at, whose detail starts with the argument's path: the CLI shows
// the line of a nested argument's resource, not the argument.
func addError(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	diags.AddAttributeError(at, summary, at.String()+": "+detail)
}
