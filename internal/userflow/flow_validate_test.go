package userflow_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlow_badInputStopsAtPlan plans each bad configuration and checks that it is refused with an
// error naming the argument and what is wrong, and that nothing reached Graph.
func TestAccUserFlow_badInputStopsAtPlan(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	b2x := func(arguments ...string) string { return flowHCL(server, "b2x", "Partner", arguments...) }
	b2c := func(arguments ...string) string {
		return flowHCL(server, "b2c", "Shop", append([]string{arg("user_flow_type_version", 3)}, arguments...)...)
	}
	page := func(fields ...string) string { return b2x(pageArg(fields...)) }
	const choices = `user_attribute_values = [{ name = "S", value = "s", is_default = true }, { name = "M", value = "m", is_default = true }]`

	for name, tc := range map[string]struct {
		config, want string
	}{
		"a b2x type other than signUpOrSignIn": {b2x(arg("user_flow_type", "signUp")),
			`user_flow_type: "signUp" is not a type of an External ID self-service sign-up flow (b2xIdentityUserFlow, id B2X_1_…), which is one of signUpOrSignIn`},
		"a b2x version other than 1": {b2x(arg("user_flow_type_version", 2)),
			`user_flow_type_version: An External ID self-service sign-up flow (b2xIdentityUserFlow, id B2X_1_…) is always version 1; remove user_flow_type_version or set it to 1`},
		"a b2c flow without a version": {flowHCL(server, "b2c", "Shop"), `An Azure AD B2C user flow (b2cIdentityUserFlow, id B2C_1_…) needs user_flow_type_version`},
		"a b2c version below 0":        {flowHCL(server, "b2c", "Shop", arg("user_flow_type_version", -1)), `user_flow_type_version: must be a positive number such as 3, not -1`},
		"a b2c type that is none":      {b2c(arg("user_flow_type", "signOut")), `Attribute user_flow_type value must be one of`},
		"a language tag on a b2x flow": {b2x(arg("default_language_tag", "en")),
			`default_language_tag: a setting of Azure AD B2C flows only, and an External ID self-service sign-up flow (b2xIdentityUserFlow, id B2X_1_…) has none`},
		"language customization on a b2x flow": {b2x(arg("is_language_customization_enabled", true)),
			`is_language_customization_enabled: a setting of Azure AD B2C flows only`},
		"a language tag that is none": {b2c(arg("default_language_tag", "english!")), `default_language_tag must be an RFC 5646 language tag such as en or pt-BR`},
		"another kind":                {flowHCL(server, "b2b", "Partner"), `Attribute kind value must be one of: ["b2x" "b2c"]`},
		"a name with the prefix":      {flowHCL(server, "b2x", "B2X_1_Partner"), `name starts with B2X_1_: Graph adds the prefix itself; write Partner for B2X_1_Partner`},
		"a b2x name with the b2c prefix in lower case": {flowHCL(server, "b2x", "b2c_1_Shop"),
			`name starts with b2c_1_, the prefix of an Azure AD B2C user flow (b2cIdentityUserFlow, id B2C_1_…), the other kind: Graph puts this flow's own prefix, B2X_1_, in front of its name; write Shop for B2X_1_Shop`},
		"a b2c name with the b2x prefix": {flowHCL(server, "b2c", "B2X_1_Shop", arg("user_flow_type_version", 3)),
			`name starts with B2X_1_, the prefix of an External ID self-service sign-up flow…the other kind…write Shop for B2C_1_Shop`},
		"a name with a space": {flowHCL(server, "b2x", "Partner sign-up"),
			`name contains ' ' at byte 7 (code point 7): a flow's name holds ASCII letters, digits, '_' and '-' only`},
		"a name with a slash": {flowHCL(server, "b2x", "Partner/x"), `name contains '/' at byte 7 (code point 7)`},
		"a name with a letter outside ASCII": {flowHCL(server, "b2x", "Café"),
			`name contains 'é' at byte 3 (code point 3): a flow's name holds ASCII letters, digits, '_' and '-' only`},
		"an empty name": {flowHCL(server, "b2x", ""), `name is empty: name the flow, such as Partner for B2X_1_Partner`},
		"a provider id to no provider": {b2x(providersArg("Google OAUTH")),
			`"Google OAUTH" is not an identity provider id: ids are such as AADSignup-OAUTH or Google-OAUTH (ASCII letters, digits, '_' and '-')`},
		"choices on a text box": {page(field("City", `user_attribute_values = [{ name = "S", value = "s" }]`)),
			`user_attribute_assignments[0].user_attribute_values: A textBox field has no choices: remove user_attribute_values`},
		"choices on an email box": {page(field("Email", `user_input_type = "EmailBox"`, `user_attribute_values = [{ name = "S", value = "s" }]`)),
			`user_attribute_assignments[0].user_attribute_values: An emailBox field has no choices`},
		"a select without choices": {page(field("City"), field("Country", `user_input_type = "radioSingleSelect"`)),
			`user_attribute_assignments[1].user_attribute_values: A radioSingleSelect field needs user_attribute_values`},
		"a select with no choice": {page(field("Country", `user_input_type = "dropdownSingleSelect"`, `user_attribute_values = []`)),
			`user_attribute_assignments[0].user_attribute_values: A dropdownSingleSelect field needs user_attribute_values: at least one { name, value }`},
		"no choices on a text box": {page(field("City", `user_attribute_values = []`)),
			`user_attribute_assignments[0].user_attribute_values: A textBox field has no choices: remove user_attribute_values`},
		"two defaults in a single select": {page(field("Country", `user_input_type = "dropdownSingleSelect"`, choices)),
			`user_attribute_assignments[0].user_attribute_values: A dropdownSingleSelect field selects one choice: at most one of its user_attribute_values may have is_default = true`},
		"the same attribute twice": {page(field("City"), field("Email"), field("city")),
			`user_attribute_assignments[2].user_attribute_id: user_attribute_assignments[2] collects city, which user_attribute_assignments[0] collects already`},
		"an input type that is none": {page(field("City", `user_input_type = "slider"`)),
			`user_attribute_assignments[0].user_input_type: "slider" is not an input type: use one of textBox`},
		"an attribute id to no attribute": {page(field("City/..")),
			`user_attribute_assignments[0].user_attribute_id: "City/.." is not a user-flow attribute id: ids are such as City or extension_<appId>_<name> (ASCII letters`},
		"a label that hides text": {page(field("City", `display_name = "Ci\u200bty"`)),
			`user_attribute_assignments[0].display_name: contains the invisible character U+200B ZERO WIDTH SPACE`},
		"an empty label": {page(field("City", `display_name = ""`)),
			`user_attribute_assignments[0].display_name: is empty: leave display_name unset for Graph's label (the attribute's own display name)`},
		"a choice without a name": {page(field("Country", `user_input_type = "radioSingleSelect"`, `user_attribute_values = [{ name = "", value = "s" }]`)),
			`user_attribute_assignments[0].user_attribute_values[0].name: is empty: a choice needs the name the user sees`},
		"a choice name that hides text": {page(field("Country", `user_input_type = "radioSingleSelect"`, `user_attribute_values = [{ name = "S\u202e", value = "s" }]`)),
			`user_attribute_assignments[0].user_attribute_values[0].name: contains the bidirectional control U+202E`},
		"a choice without a value": {page(field("Country", `user_input_type = "radioSingleSelect"`, `user_attribute_values = [{ name = "S", value = "" }]`)),
			`user_attribute_assignments[0].user_attribute_values[0].value: is empty: a choice needs the value it stores`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: acctest.Wrapped(tc.want),
				}},
			})
		})
	}
	t.Cleanup(func() {
		if requests := graphRequests(server); len(requests) != 0 {
			t.Errorf("bad input reached Graph: %v", requests)
		}
	})
}

// TestAccUserFlow_checksWaitForUnknownValues: values known only at apply (here terraform_data outputs)
// pass the plan, and get the checks a literal gets when the CLI validates again at apply, still before
// any call to Graph.
func TestAccUserFlow_checksWaitForUnknownValues(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := acctest.ProviderBlock(server) + `
resource "terraform_data" "later" {
  input = { type = "signUp", input = "radioSingleSelect", tag = "en" }
}

resource "entra_user_flow" "test" {
  kind                 = "b2x"
  name                 = "Partner"
  user_flow_type       = terraform_data.later.output.type
  default_language_tag = terraform_data.later.output.tag
  user_attribute_assignments = [
    { user_attribute_id = "City", user_input_type = terraform_data.later.output.input },
  ]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: config, ExpectError: acctest.Wrapped(`user_flow_type: "signUp" is not a type of an External ID self-service sign-up flow`)},
		},
	})
	if requests := graphRequests(server); len(requests) != 0 {
		t.Errorf("a value known at apply reached Graph: %v", requests)
	}
}

// TestAccUserFlow_everyFieldProblemOnItsField plans a sign-up page with a problem in each of six fields:
// one plan reports all six, and the CLI shows each at its own field's line, with the detail naming the
// argument inside it. A choice's name is shown at its field, not at the flow's name.
func TestAccUserFlow_everyFieldProblemOnItsField(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	fields := []struct{ hcl, path string }{
		{field("Country", `user_input_type = "radioSingleSelect"`), "user_attribute_assignments[0].user_attribute_values: A radioSingleSelect field needs"},
		{field("State", `user_input_type = "dropdownSingleSelect"`,
			`user_attribute_values = [{ name = "A", value = "a", is_default = true }, { name = "B", value = "b", is_default = true }]`),
			"user_attribute_assignments[1].user_attribute_values: A dropdownSingleSelect field selects one choice"},
		{field("City", `user_attribute_values = [{ name = "S", value = "s" }]`), "user_attribute_assignments[2].user_attribute_values: A textBox field has no choices"},
		{field("city"), "user_attribute_assignments[3].user_attribute_id: user_attribute_assignments[3] collects city"},
		{field("Surname", `display_name = ""`), "user_attribute_assignments[4].display_name: is empty"},
		{field("JobTitle", `user_input_type = "radioSingleSelect"`, `user_attribute_values = [{ name = "", value = "x" }]`),
			"user_attribute_assignments[5].user_attribute_values[0].name: is empty"},
	}
	var page []string
	for _, f := range fields {
		page = append(page, f.hcl)
	}
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", flowHCL(server, "b2x", "Partner", pageArg(page...)))
	cli.MustRun("init", "-input=false", "-no-color")
	out, err := cli.Run(nil, "plan", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("the plan passed:\n%s", out)
	}

	problems := cliErrors(out)
	if len(problems) != len(fields) {
		t.Fatalf("the plan reported %d errors, want %d:\n%s", len(problems), len(fields), out)
	}
	for i, f := range fields {
		found := false
		for _, p := range problems {
			found = found || strings.HasPrefix(p.detail, f.path) && strings.TrimSuffix(p.source, ",") == strings.TrimSpace(f.hcl)
		}
		if !found {
			t.Errorf("no error shown at %s saying %q:\n%s", strings.TrimSpace(f.hcl), fields[i].path, out)
		}
	}
}

// cliError is one error as the CLI shows it: the source line it points at and the detail, its lines joined.
type cliError struct{ source, detail string }

// cliErrors splits the CLI's output (run with -no-color) into its errors.
func cliErrors(out string) []cliError {
	var errs []cliError
	for _, block := range strings.Split(out, "Error: ")[1:] {
		var e cliError
		var detail []string
		sourceDone := false
		for _, line := range strings.Split(block, "\n")[1:] {
			line = strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
			switch {
			case !sourceDone && sourceLine.MatchString(line):
				e.source, sourceDone = strings.TrimSpace(sourceLine.FindStringSubmatch(line)[1]), true
			case sourceDone && line != "":
				detail = append(detail, line)
			}
		}
		e.detail = strings.Join(detail, " ")
		errs = append(errs, e)
	}
	return errs
}

// sourceLine is the line of configuration the CLI quotes under an error, such as `14:   name = "x"`.
var sourceLine = regexp.MustCompile(`^\d+: (.*)$`)
