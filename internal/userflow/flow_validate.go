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
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
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

// safeIDCharacters names safeID's characters, for errors and descriptions.
const safeIDCharacters = "ASCII letters, digits, '_' and '-'"

// unsafeCharacter describes the first character of s outside safeID's, and where it is as tf.CheckName says
// it: the byte and the code point, each counted from 0.
func unsafeCharacter(s string) string {
	n := 0
	for at, r := range s {
		if !safeID.MatchString(string(r)) {
			return fmt.Sprintf("%q at byte %d (code point %d)", r, at, n)
		}
		n++
	}
	return ""
}

// checkFlowName returns why s cannot be the name of a flow of kind, or "". kind is "" while the
// configuration does not say it yet: the advice then names no prefix.
func checkFlowName(s string, kind graph.UserFlowKind) string {
	for _, owner := range graph.UserFlowKinds() {
		prefix := owner.IDPrefix()
		if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
			continue
		}
		written, bare := s[:len(prefix)], s[len(prefix):]
		switch kind {
		case owner:
			return fmt.Sprintf("starts with %s: Graph adds the prefix itself; write %s for %s%s.", written, bare, prefix, bare)
		case "":
			return fmt.Sprintf("starts with %s: Graph adds the kind's prefix itself; write %s.", written, bare)
		default:
			return fmt.Sprintf("starts with %s, the prefix of an %s, the other kind: Graph puts this flow's own prefix, %s, in "+
				"front of its name; write %s for %s%s.", written, kindNames[owner], kind.IDPrefix(), bare, kind.IDPrefix(), bare)
		}
	}
	if s == "" {
		if kind == "" {
			return "is empty: name the flow, such as Partner."
		}
		return fmt.Sprintf("is empty: name the flow, such as Partner for %sPartner.", kind.IDPrefix())
	}
	if bad := unsafeCharacter(s); bad != "" {
		return fmt.Sprintf("contains %s: a flow's name holds %s only.", bad, safeIDCharacters)
	}
	return ""
}

// checkProviderID returns why s cannot be an identity provider's id, or "".
func checkProviderID(s string) string {
	if !safeID.MatchString(s) {
		return fmt.Sprintf("%q is not an identity provider id: ids are such as AADSignup-OAUTH or Google-OAUTH (%s); the "+
			"tenant's are listed by GET /identity/identityProviders.", s, safeIDCharacters)
	}
	return ""
}

// checkAttributeID returns why s cannot be a user-flow attribute's id, or "".
func checkAttributeID(s string) string {
	if !safeID.MatchString(s) {
		return fmt.Sprintf("%q is not a user-flow attribute id: ids are such as City or extension_<appId>_<name> (%s); take a "+
			"custom attribute's from entra_user_flow_attribute.", s, safeIDCharacters)
	}
	return ""
}

// checkInputType returns why s cannot be a field's input type, or "".
func checkInputType(s string) string {
	if !slices.Contains(graph.UserInputTypes(), graphSpelling(s, graph.UserInputTypes())) {
		return fmt.Sprintf("%q is not an input type: use one of %s (in any case).", s, strings.Join(graph.UserInputTypes(), ", "))
	}
	return ""
}

// notEmpty is a check that refuses "", saying what to do instead.
func notEmpty(instead string) func(string) string {
	return func(s string) string {
		if s == "" {
			return "is empty: " + instead + "."
		}
		return ""
	}
}

// The checks of a field's strings: Graph takes an empty label for none and shows its own, and a choice
// without a name or a value is none the user can pick.
var (
	labelChecks       = []func(string) string{notEmpty("leave display_name unset for Graph's label (the attribute's own display name)"), tf.CheckName}
	choiceNameChecks  = []func(string) string{notEmpty("a choice needs the name the user sees"), tf.CheckName}
	choiceValueChecks = []func(string) string{notEmpty("a choice needs the value it stores")}
)

// validateFlow adds a diagnostic for each rule config breaks that the arguments' own validators do not
// check: those that depend on the kind (the name, type, version and language settings), and every rule of
// the sign-up page.
func validateFlow(ctx context.Context, config flowResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	var kind graph.UserFlowKind // "" while not known
	if !config.Kind.IsNull() && !config.Kind.IsUnknown() {
		if rule, ok := flowKindRules[graph.UserFlowKind(config.Kind.ValueString())]; ok {
			kind = graph.UserFlowKind(config.Kind.ValueString())
			diags.Append(validateKind(kind, rule, config)...)
		}
	}
	if name := config.Name; !name.IsNull() && !name.IsUnknown() {
		if problem := checkFlowName(name.ValueString(), kind); problem != "" {
			diags.AddAttributeError(path.Root("name"), "Invalid name", "name "+problem)
		}
	}
	diags.Append(validatePage(ctx, config.UserAttributeAssignments)...)
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

// The sign-up page's fields are checked here rather than by validators on their arguments: the CLI shows
// an error on an argument inside a list's element at the resource's argument of the same name (a choice's
// name at the flow's name) or else at the resource's first line, and an error on the element itself at
// the element. So each problem is reported on its field, with the detail starting with the argument's
// full path, and every problem of every field in one plan.

// fieldProblems reports the problems of one field of the sign-up page, on the field (at).
type fieldProblems struct {
	diags *diag.Diagnostics
	at    path.Path
}

// add reports problem with the argument member of the field (such as ".display_name"; "" for the field).
func (p fieldProblems) add(member, summary, problem string) {
	p.diags.AddAttributeError(p.at, summary, p.at.String()+member+": "+problem)
}

// check reports the first of checks that refuses value, a string argument of the field; a value not
// known yet is left to the apply.
func (p fieldProblems) check(member, summary string, value types.String, checks []func(string) string) {
	if value.IsNull() || value.IsUnknown() {
		return
	}
	for _, check := range checks {
		if problem := check(value.ValueString()); problem != "" {
			p.add(member, summary, problem)
			return
		}
	}
}

// validatePage reports every problem of every field of the sign-up page, each on its field.
func validatePage(ctx context.Context, page types.List) diag.Diagnostics {
	var diags diag.Diagnostics
	if page.IsNull() || page.IsUnknown() {
		return diags
	}
	seen := map[string]int{}
	for i, element := range page.Elements() {
		var field assignmentModel
		if d := objectAs(ctx, element, &field); d.HasError() {
			diags.Append(d...)
			continue
		}
		problems := fieldProblems{diags: &diags, at: path.Root("user_attribute_assignments").AtListIndex(i)}
		problems.check(".user_attribute_id", "Invalid attribute id", field.UserAttributeID, []func(string) string{checkAttributeID})
		if id := field.UserAttributeID; !id.IsNull() && !id.IsUnknown() {
			key := strings.ToLower(id.ValueString())
			if first, ok := seen[key]; ok {
				problems.add(".user_attribute_id", "Attribute twice on one sign-up page",
					fmt.Sprintf("user_attribute_assignments[%d] collects %s, which user_attribute_assignments[%d] collects already: a "+
						"sign-up page has one field per attribute. Remove one of them.", i, id.ValueString(), first))
			} else {
				seen[key] = i
			}
		}
		problems.check(".display_name", "Invalid field label", field.DisplayName, labelChecks)
		problems.check(".user_input_type", "Invalid input type", field.UserInputType, []func(string) string{checkInputType})
		validateChoices(ctx, problems, field)
	}
	return diags
}

// validateChoices checks a field's choices, and that it has some when, and only when, its input type
// takes them.
func validateChoices(ctx context.Context, problems fieldProblems, field assignmentModel) {
	values := field.UserAttributeValues
	if values.IsUnknown() {
		return
	}
	defaults := 0
	for k, element := range values.Elements() {
		var choice choiceModel
		if d := objectAs(ctx, element, &choice); d.HasError() {
			problems.diags.Append(d...)
			continue
		}
		member := fmt.Sprintf(".user_attribute_values[%d]", k)
		problems.check(member+".name", "Invalid choice", choice.Name, choiceNameChecks)
		problems.check(member+".value", "Invalid choice", choice.Value, choiceValueChecks)
		if choice.IsDefault.ValueBool() {
			defaults++
		}
	}
	inputType := "textBox" // the default
	if t := field.UserInputType; !t.IsNull() {
		if t.IsUnknown() {
			return
		}
		inputType = graphSpelling(t.ValueString(), graph.UserInputTypes())
	}
	if checkInputType(inputType) != "" {
		return // reported on user_input_type
	}
	maxDefaults, takesChoices := choiceDefaults[inputType]
	switch {
	case takesChoices && len(values.Elements()) == 0:
		problems.add(".user_attribute_values", "Choices missing",
			fmt.Sprintf("%s field needs user_attribute_values: at least one { name, value } for the user to choose.", aField(inputType)))
	case !takesChoices && !values.IsNull():
		problems.add(".user_attribute_values", "Choices on a field that takes none",
			fmt.Sprintf("%s field has no choices: remove user_attribute_values, or set user_input_type to one of %s.",
				aField(inputType), strings.Join(choiceInputTypes, ", ")))
	case maxDefaults == 1 && defaults > 1:
		problems.add(".user_attribute_values", "More than one default choice",
			fmt.Sprintf("%s field selects one choice: at most one of its user_attribute_values may have is_default = true.", aField(inputType)))
	}
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

// addError adds an error on the argument at, whose detail starts with the argument's path.
func addError(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	diags.AddAttributeError(at, summary, at.String()+": "+detail)
}
