package provider

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
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
	model := providerModel{TenantID: types.StringValue("from-block"), UseCLI: types.BoolValue(false)}
	s, problems := resolveSettings(&model, environment(map[string]string{
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
	for _, entry := range settingsTable {
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
				s, problems := resolveSettings(&providerModel{}, environment(vars))
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				if _, want := valueFor(entry, name); fieldByAttribute(t, s, entry.attribute) != want {
					got := fieldByAttribute(t, s, entry.attribute)
					t.Errorf("%s = %v, want %v from %s", entry.attribute, got, want, name)
				}
				if got := s.sources[entry.attribute]; got != "the environment variable "+name {
					t.Errorf("source = %q, want %s", got, name)
				}
			})
		}
	}
}

// valueFor is a value of the argument's type that tells apart its environment variables: the raw text and
// what settings should hold.
func valueFor(entry setting, envName string) (string, any) {
	if _, isBool := entry.destination(&settings{}).(*bool); isBool {
		// The opposite of the default, so that the variable visibly wins.
		if entry.fallback == "true" {
			return "false", false
		}
		return "true", true
	}
	return "value-of-" + envName, "value-of-" + envName
}

func TestSettings_defaults(t *testing.T) {
	s, problems := resolveSettings(&providerModel{}, environment(nil))
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
		s, problems := resolveSettings(&providerModel{}, environment(map[string]string{"ARM_USE_MSI": tt.value}))
		if len(problems) > 0 || s.UseMSI != tt.want {
			t.Errorf("ARM_USE_MSI=%q: use_msi = %t (problems %v), want %t", tt.value, s.UseMSI, problems, tt.want)
		}
	}
}

func TestSettings_unreadableBooleanNamesItsVariable(t *testing.T) {
	_, problems := resolveSettings(&providerModel{}, environment(map[string]string{"ARM_USE_OIDC": "yes please"}))
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
	model := providerModel{TenantID: types.StringUnknown(), UseOIDC: types.BoolUnknown(), ClientID: types.StringValue("known")}
	s, problems := resolveSettings(&model, environment(map[string]string{"ARM_TENANT_ID": "env"}))
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

// TestSettingsTable_matchesSchemaAndModel proves the table is the one place an argument lives: each schema
// attribute has a row, each row reads the model field with its name and fills the settings field of the
// same name, and the attribute's description names every environment variable.
func TestSettingsTable_matchesSchemaAndModel(t *testing.T) {
	attributes := providerSchema().Attributes
	if len(attributes) != len(settingsTable) {
		t.Errorf("the schema has %d attributes and the table %d rows", len(attributes), len(settingsTable))
	}
	seen := map[string]bool{}
	for _, entry := range settingsTable {
		if seen[entry.attribute] {
			t.Errorf("%s has two rows", entry.attribute)
		}
		seen[entry.attribute] = true
		attribute, ok := attributes[entry.attribute]
		if !ok {
			t.Errorf("%s is in the table but not in the schema", entry.attribute)
			continue
		}
		if len(entry.env) == 0 {
			t.Errorf("%s has no environment variable", entry.attribute)
		}
		for _, name := range entry.env {
			if !strings.Contains(attribute.GetMarkdownDescription(), "`"+name+"`") {
				t.Errorf("the description of %s does not name %s", entry.attribute, name)
			}
		}
		if attribute.IsSensitive() != entry.sensitive {
			t.Errorf("%s: the schema says sensitive=%t, the table %t", entry.attribute, attribute.IsSensitive(), entry.sensitive)
		}

		// Set only this argument in the block and see where it lands.
		var model providerModel
		field := modelField(t, &model, entry.attribute)
		var want any
		switch field.Interface().(type) {
		case types.String:
			field.Set(reflect.ValueOf(types.StringValue("v")))
			want = "v"
		case types.Bool:
			value := entry.fallback != "true"
			field.Set(reflect.ValueOf(types.BoolValue(value)))
			want = value
		}
		if entry.attribute == "environment" {
			field.Set(reflect.ValueOf(types.StringValue("china")))
			want = "china"
		}
		s, _ := resolveSettings(&model, environment(nil))
		if got := fieldByAttribute(t, s, entry.attribute); got != want {
			t.Errorf("%s set in the block to %v reached settings as %v", entry.attribute, want, got)
		}
	}
}

// modelField is the providerModel field whose tfsdk tag is attribute.
func modelField(t *testing.T, model *providerModel, attribute string) reflect.Value {
	t.Helper()
	v := reflect.ValueOf(model).Elem()
	for i := range v.NumField() {
		if v.Type().Field(i).Tag.Get("tfsdk") == attribute {
			return v.Field(i)
		}
	}
	t.Fatalf("providerModel has no field for %s", attribute)
	return reflect.Value{}
}

// fieldByAttribute reads the settings field named like the providerModel field of attribute.
func fieldByAttribute(t *testing.T, s settings, attribute string) any {
	t.Helper()
	var model providerModel
	name := ""
	mt := reflect.TypeOf(model)
	for i := range mt.NumField() {
		if mt.Field(i).Tag.Get("tfsdk") == attribute {
			name = mt.Field(i).Name
		}
	}
	field := reflect.ValueOf(s).FieldByName(name)
	if !field.IsValid() {
		t.Fatalf("settings has no field %s for %s", name, attribute)
	}
	return field.Interface()
}

func TestProviderSchema_documentsThePrecedence(t *testing.T) {
	description := providerSchema().MarkdownDescription
	last := -1
	for _, method := range []string{"1. **Client certificate**", "2. **Client secret**", "3. **OIDC**", "4. **Managed identity**", "5. **Azure CLI**"} {
		at := strings.Index(description, method)
		if at <= last {
			t.Fatalf("the provider description does not list %q in its place: %s", method, description)
		}
		last = at
	}
}
