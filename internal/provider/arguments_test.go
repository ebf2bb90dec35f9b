package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
)

// environment is a fake process environment for lookupEnv.
func environment(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		value, ok := vars[name]
		return value, ok
	}
}

// settingError finds the problem reported for attribute.
func problemFor(problems []settingError, attribute string) *settingError {
	for i := range problems {
		if problems[i].attribute == attribute {
			return &problems[i]
		}
	}
	return nil
}

func TestSettings_blockBeatsEnvironment(t *testing.T) {
	b := block{"tenant_id": types.StringValue("from-block"), "use_cli": types.BoolValue(false)}
	s, problems := resolveSettings(b, environment(map[string]string{
		"ARM_TENANT_ID": "from-env", "AZURE_TENANT_ID": "from-azure-env", "ARM_USE_CLI": "true",
	}))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if s.TenantID != "from-block" || s.UseCLI {
		t.Errorf("tenant_id = %q, use_cli = %t; want the block's from-block and false", s.TenantID, s.UseCLI)
	}
	if got := s.sources["tenant_id"]; got != "the provider block" {
		t.Errorf("tenant_id's source = %q", got)
	}
}

func TestSettings_environmentVariablesInTableOrder(t *testing.T) {
	for _, entry := range arguments {
		for i, name := range entry.env {
			t.Run(name, func(t *testing.T) {
				// Every variable of the argument is set except those before this one, so this one must win.
				vars := map[string]string{}
				for j, other := range entry.env {
					switch {
					case j < i:
						vars[other] = "" // an empty variable counts as unset
					default:
						vars[other], _ = valueFor(entry, other)
					}
				}
				s, problems := resolveSettings(block{}, environment(vars))
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				if _, want := valueFor(entry, name); valueOf(s, entry) != want {
					t.Errorf("%s = %v, want %v from %s", entry.name, valueOf(s, entry), want, name)
				}
				if got := s.sources[entry.name]; got != "the environment variable "+name {
					t.Errorf("source = %q, want %s", got, name)
				}
			})
		}
	}
}

// valueFor is a value of the argument's type that tells apart its environment variables: the raw text and
// what settings should hold.
func valueFor(entry argument, envName string) (string, any) {
	if entry.flag {
		// The opposite of the default, so that the variable visibly wins.
		if entry.fallback == "true" {
			return "false", false
		}
		return "true", true
	}
	return "value-of-" + envName, "value-of-" + envName
}

func TestSettings_defaults(t *testing.T) {
	s, problems := resolveSettings(block{}, environment(nil))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if !s.UseCLI || s.UseOIDC || s.UseMSI || s.Environment != "global" || s.TenantID != "" || s.APIVersion != "" {
		t.Errorf("defaults: use_cli=%t use_oidc=%t use_msi=%t environment=%q tenant_id=%q api_version=%q",
			s.UseCLI, s.UseOIDC, s.UseMSI, s.Environment, s.TenantID, s.APIVersion)
	}
	if got := s.sources["use_cli"]; got != "the default" {
		t.Errorf("use_cli's source = %q", got)
	}
}

func TestSettings_booleansFromTheEnvironment(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{{"true", true}, {"TRUE", true}, {"1", true}, {"false", false}, {"0", false}, {"False", false}}
	for _, tt := range tests {
		s, problems := resolveSettings(block{}, environment(map[string]string{"ARM_USE_MSI": tt.value}))
		if len(problems) > 0 || s.UseMSI != tt.want {
			t.Errorf("ARM_USE_MSI=%q: use_msi = %t (problems %v), want %t", tt.value, s.UseMSI, problems, tt.want)
		}
	}
}

func TestSettings_unreadableBooleanNamesItsVariable(t *testing.T) {
	_, problems := resolveSettings(block{}, environment(map[string]string{"ARM_USE_OIDC": "yes please"}))
	problem := problemFor(problems, "use_oidc")
	if problem == nil {
		t.Fatalf("no problem reported for use_oidc: %v", problems)
	}
	for _, want := range []string{"true or false", "ARM_USE_OIDC", `"yes please"`} {
		if !strings.Contains(problem.detail, want) {
			t.Errorf("detail %q does not contain %q", problem.detail, want)
		}
	}
}

func TestSettings_unknownValuesAreErrors(t *testing.T) {
	b := block{"tenant_id": types.StringUnknown(), "use_oidc": types.BoolUnknown(), "client_id": types.StringValue("known")}
	s, problems := resolveSettings(b, environment(map[string]string{"ARM_TENANT_ID": "env"}))
	for _, attribute := range []string{"tenant_id", "use_oidc"} {
		problem := problemFor(problems, attribute)
		if problem == nil || !strings.Contains(problem.detail, "only known after apply") {
			t.Errorf("%s: problem %+v, want one saying it is only known after apply", attribute, problem)
		}
	}
	if len(problems) != 2 {
		t.Errorf("got %d problems, want 2: %v", len(problems), problems)
	}
	// An unknown value must not quietly fall back to the environment.
	if s.TenantID != "" {
		t.Errorf("tenant_id = %q from the environment though the block's value is unknown", s.TenantID)
	}
}

// TestArguments_makeTheSchema proves the table is the one place an argument lives: each row is an attribute of
// the schema with its sensitivity and type, whose description names every environment variable, and a value set
// in the block lands where the row says.
func TestArguments_makeTheSchema(t *testing.T) {
	attributes := providerSchema().Attributes
	if len(attributes) != len(arguments) {
		t.Errorf("the schema has %d attributes and the table %d rows", len(attributes), len(arguments))
	}
	seen := map[string]bool{}
	for _, entry := range arguments {
		if seen[entry.name] {
			t.Errorf("%s has two rows", entry.name)
		}
		seen[entry.name] = true
		attribute := attributes[entry.name]
		if len(entry.env) == 0 || entry.description == "" {
			t.Errorf("%s has no environment variable or no description", entry.name)
		}
		for _, name := range entry.env {
			if !strings.Contains(attribute.GetMarkdownDescription(), "`"+name+"`") {
				t.Errorf("the description of %s does not name %s", entry.name, name)
			}
		}
		if attribute.IsSensitive() != entry.sensitive {
			t.Errorf("%s: the schema says sensitive=%t, the table %t", entry.name, attribute.IsSensitive(), entry.sensitive)
		}
		var value = types.StringValue("v")
		var want any = "v"
		var b block
		switch {
		case entry.flag:
			flag := entry.fallback != "true"
			b, want = block{entry.name: types.BoolValue(flag)}, flag
		case entry.name == "environment":
			b, want = block{entry.name: types.StringValue("china")}, "china"
		default:
			b = block{entry.name: value}
		}
		s, _ := resolveSettings(b, environment(nil))
		if got := valueOf(s, entry); got != want || s.sources[entry.name] != "the provider block" {
			t.Errorf("%s set in the block to %v reached settings as %v from %s", entry.name, want, got, s.sources[entry.name])
		}
	}
}

// valueOf is the value settings hold for an argument.
func valueOf(s settings, entry argument) any {
	switch v := entry.value(&s).(type) {
	case *string:
		return *v
	case *bool:
		return *v
	}
	return nil
}

// TestSignInDocumentation_followsThePrecedence checks the generated sign-in table against the code that
// chooses: a row per method in the order credentials.Choose tries them, each naming the arguments and
// environment variables of its method.
func TestSignInDocumentation_followsThePrecedence(t *testing.T) {
	description := signInDocumentation()
	var rows []string
	for _, line := range strings.Split(description, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| #") {
			rows = append(rows, line)
		}
	}
	methods := credentials.Methods()
	if len(rows) != len(methods) {
		t.Fatalf("the table has %d rows for %d methods:\n%s", len(rows), len(methods), description)
	}
	for i, m := range methods {
		cells := strings.Split(rows[i], " | ")
		if !strings.HasPrefix(cells[1], m.Label) {
			t.Errorf("row %d is %q, want the %s method", i+1, cells[1], m.Label)
		}
		for _, entry := range arguments {
			if !slices.ContainsFunc(methodArguments(m.Name), func(a argument) bool { return a.name == entry.name }) {
				continue
			}
			for _, name := range append([]string{entry.name}, entry.env...) {
				if !strings.Contains(rows[i], "`"+name+"`") {
					t.Errorf("the %s row does not name %s", m.Label, name)
				}
			}
		}
	}
	// A method nobody can configure would be an empty row.
	for _, m := range methods {
		if len(methodArguments(m.Name)) == 0 {
			t.Errorf("no argument configures the %s method", m.Label)
		}
	}
}
