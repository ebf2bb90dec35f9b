package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// providerModel is the provider block.
type providerModel struct {
	TenantID                  types.String `tfsdk:"tenant_id"`
	ClientID                  types.String `tfsdk:"client_id"`
	ClientIDFilePath          types.String `tfsdk:"client_id_file_path"`
	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientSecretFilePath      types.String `tfsdk:"client_secret_file_path"`
	ClientCertificate         types.String `tfsdk:"client_certificate"`
	ClientCertificatePath     types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String `tfsdk:"client_certificate_password"`
	UseOIDC                   types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                 types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL            types.String `tfsdk:"oidc_request_url"`
	OIDCRequestToken          types.String `tfsdk:"oidc_request_token"`
	UseCLI                    types.Bool   `tfsdk:"use_cli"`
	UseMSI                    types.Bool   `tfsdk:"use_msi"`
	MSIEndpoint               types.String `tfsdk:"msi_endpoint"`
	Environment               types.String `tfsdk:"environment"`
	APIVersion                types.String `tfsdk:"api_version"`
	GraphEndpoint             types.String `tfsdk:"graph_endpoint"`
	AuthorityHost             types.String `tfsdk:"authority_host"`
}

// settings is the provider block once every value has been taken from the configuration, the environment
// or a default.
type settings struct {
	TenantID                  string
	ClientID                  string
	ClientIDFilePath          string
	ClientSecret              string
	ClientSecretFilePath      string
	ClientCertificate         string
	ClientCertificatePath     string
	ClientCertificatePassword string
	UseOIDC                   bool
	OIDCToken                 string
	OIDCTokenFilePath         string
	OIDCRequestURL            string
	OIDCRequestToken          string
	UseCLI                    bool
	UseMSI                    bool
	MSIEndpoint               string
	Environment               string
	APIVersion                string
	GraphEndpoint             string
	AuthorityHost             string

	// sources says where each argument's value came from, by attribute, for messages: "the provider block",
	// "the environment variable ARM_TENANT_ID" or "the default".
	sources map[string]string
}

// setting is one provider argument: where it lives in the block, which environment variables stand in
// for it (the first one set wins), its default, and where its value goes.
type setting struct {
	attribute   string
	env         []string
	fallback    string
	sensitive   bool
	config      func(*providerModel) attr.Value
	destination func(*settings) any
}

// settingsTable is every provider argument. The environment variables are those of the azuread and
// msgraph providers, so that a pipeline can switch provider without changing its variables.
var settingsTable = []setting{
	{attribute: "tenant_id", env: []string{"ARM_TENANT_ID", "AZURE_TENANT_ID"},
		config: func(m *providerModel) attr.Value { return m.TenantID }, destination: func(s *settings) any { return &s.TenantID }},
	{attribute: "client_id", env: []string{"ARM_CLIENT_ID", "AZURE_CLIENT_ID"},
		config: func(m *providerModel) attr.Value { return m.ClientID }, destination: func(s *settings) any { return &s.ClientID }},
	{attribute: "client_id_file_path", env: []string{"ARM_CLIENT_ID_FILE_PATH"},
		config: func(m *providerModel) attr.Value { return m.ClientIDFilePath }, destination: func(s *settings) any { return &s.ClientIDFilePath }},
	{attribute: "client_secret", env: []string{"ARM_CLIENT_SECRET"}, sensitive: true,
		config: func(m *providerModel) attr.Value { return m.ClientSecret }, destination: func(s *settings) any { return &s.ClientSecret }},
	{attribute: "client_secret_file_path", env: []string{"ARM_CLIENT_SECRET_FILE_PATH"},
		config: func(m *providerModel) attr.Value { return m.ClientSecretFilePath }, destination: func(s *settings) any { return &s.ClientSecretFilePath }},
	{attribute: "client_certificate", env: []string{"ARM_CLIENT_CERTIFICATE"}, sensitive: true,
		config: func(m *providerModel) attr.Value { return m.ClientCertificate }, destination: func(s *settings) any { return &s.ClientCertificate }},
	{attribute: "client_certificate_path", env: []string{"ARM_CLIENT_CERTIFICATE_PATH"},
		config: func(m *providerModel) attr.Value { return m.ClientCertificatePath }, destination: func(s *settings) any { return &s.ClientCertificatePath }},
	{attribute: "client_certificate_password", env: []string{"ARM_CLIENT_CERTIFICATE_PASSWORD"}, sensitive: true,
		config: func(m *providerModel) attr.Value { return m.ClientCertificatePassword }, destination: func(s *settings) any { return &s.ClientCertificatePassword }},
	{attribute: "use_oidc", env: []string{"ARM_USE_OIDC"}, fallback: "false",
		config: func(m *providerModel) attr.Value { return m.UseOIDC }, destination: func(s *settings) any { return &s.UseOIDC }},
	{attribute: "oidc_token", env: []string{"ARM_OIDC_TOKEN"}, sensitive: true,
		config: func(m *providerModel) attr.Value { return m.OIDCToken }, destination: func(s *settings) any { return &s.OIDCToken }},
	{attribute: "oidc_token_file_path", env: []string{"ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
		config: func(m *providerModel) attr.Value { return m.OIDCTokenFilePath }, destination: func(s *settings) any { return &s.OIDCTokenFilePath }},
	{attribute: "oidc_request_url", env: []string{"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"},
		config: func(m *providerModel) attr.Value { return m.OIDCRequestURL }, destination: func(s *settings) any { return &s.OIDCRequestURL }},
	{attribute: "oidc_request_token", env: []string{"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}, sensitive: true,
		config: func(m *providerModel) attr.Value { return m.OIDCRequestToken }, destination: func(s *settings) any { return &s.OIDCRequestToken }},
	{attribute: "use_cli", env: []string{"ARM_USE_CLI"}, fallback: "true",
		config: func(m *providerModel) attr.Value { return m.UseCLI }, destination: func(s *settings) any { return &s.UseCLI }},
	{attribute: "use_msi", env: []string{"ARM_USE_MSI"}, fallback: "false",
		config: func(m *providerModel) attr.Value { return m.UseMSI }, destination: func(s *settings) any { return &s.UseMSI }},
	{attribute: "msi_endpoint", env: []string{"ARM_MSI_ENDPOINT"},
		config: func(m *providerModel) attr.Value { return m.MSIEndpoint }, destination: func(s *settings) any { return &s.MSIEndpoint }},
	{attribute: "environment", env: []string{"ARM_ENVIRONMENT"}, fallback: "global",
		config: func(m *providerModel) attr.Value { return m.Environment }, destination: func(s *settings) any { return &s.Environment }},
	{attribute: "api_version", env: []string{"ENTRA_API_VERSION"},
		config: func(m *providerModel) attr.Value { return m.APIVersion }, destination: func(s *settings) any { return &s.APIVersion }},
	{attribute: "graph_endpoint", env: []string{"ENTRA_GRAPH_ENDPOINT"},
		config: func(m *providerModel) attr.Value { return m.GraphEndpoint }, destination: func(s *settings) any { return &s.GraphEndpoint }},
	{attribute: "authority_host", env: []string{"ENTRA_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"},
		config: func(m *providerModel) attr.Value { return m.AuthorityHost }, destination: func(s *settings) any { return &s.AuthorityHost }},
}

// settingError is a problem with one argument, reported against its attribute.
type settingError struct {
	attribute string
	summary   string
	detail    string
}

// resolveSettings fills settings from the block, then the environment, then the defaults. lookupEnv is
// os.LookupEnv outside tests.
func resolveSettings(model *providerModel, lookupEnv func(string) (string, bool)) (settings, []settingError) {
	s := settings{sources: map[string]string{}}
	var problems []settingError
	for _, entry := range settingsTable {
		raw, source, unknown := entry.lookup(model, lookupEnv)
		if unknown {
			problems = append(problems, settingError{entry.attribute, "Provider argument not known until apply",
				fmt.Sprintf("%s depends on a value that is only known after apply, but the provider needs it to sign in before it can plan. "+
					"Set it from a variable, a literal or its environment variable instead of from a resource attribute.", entry.attribute)})
			continue
		}
		s.sources[entry.attribute] = source
		switch target := entry.destination(&s).(type) {
		case *string:
			*target = raw
		case *bool:
			if raw == "" {
				continue
			}
			value, err := strconv.ParseBool(raw)
			if err != nil {
				problems = append(problems, settingError{entry.attribute, "Invalid " + entry.attribute,
					fmt.Sprintf("%s must be true or false, but %s is %q.", entry.attribute, source, raw)})
				continue
			}
			*target = value
		}
	}
	return s, problems
}

// lookup returns the argument's value and where it came from. The value of a sensitive argument is
// never repeated in a message, so only its source is.
func (entry setting) lookup(model *providerModel, lookupEnv func(string) (string, bool)) (value, source string, unknown bool) {
	switch v := entry.config(model).(type) {
	case types.String:
		if v.IsUnknown() {
			return "", "", true
		}
		if !v.IsNull() {
			return v.ValueString(), "the provider block", false
		}
	case types.Bool:
		if v.IsUnknown() {
			return "", "", true
		}
		if !v.IsNull() {
			return strconv.FormatBool(v.ValueBool()), "the provider block", false
		}
	}
	for _, name := range entry.env {
		if value, ok := lookupEnv(name); ok && value != "" {
			return value, "the environment variable " + name, false
		}
	}
	return entry.fallback, "the default", false
}

// settingFor returns the table row of an attribute, or nil when there is none.
func settingFor(attribute string) *setting {
	for i := range settingsTable {
		if settingsTable[i].attribute == attribute {
			return &settingsTable[i]
		}
	}
	return nil
}

// envList names an argument's environment variables for its description: "`ARM_TENANT_ID` or `AZURE_TENANT_ID`".
func envList(attribute string) string {
	entry := settingFor(attribute)
	if entry == nil {
		return ""
	}
	quoted := make([]string, len(entry.env))
	for i, name := range entry.env {
		quoted[i] = "`" + name + "`"
	}
	return strings.Join(quoted, " or ")
}

// readFileSetting reads a *_file_path argument. The file's content must agree with the inline argument
// when both are set, so that a stale variable cannot silently win. Neither value is ever quoted, since either
// may be a secret.
func readFileSetting(inline, path, inlineAttr, pathAttr string) (string, *settingError) {
	if path == "" {
		return inline, nil
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return "", &settingError{pathAttr, "Cannot read " + pathAttr,
			fmt.Sprintf("Reading %s: %v. Check the path, or unset %s and set %s instead.", path, readFailure(err), pathAttr, inlineAttr)}
	}
	fromFile := strings.TrimSpace(string(content))
	if fromFile == "" {
		return "", &settingError{pathAttr, pathAttr + " names an empty file",
			fmt.Sprintf("The file %s is empty. Write the value into it, or unset %s and set %s instead.", path, pathAttr, inlineAttr)}
	}
	if inline != "" && inline != fromFile {
		return "", &settingError{pathAttr, "Contradictory provider arguments",
			fmt.Sprintf("%s and the file named by %s hold different values, so it is unclear which one to use. Set only one of them, or make them agree.",
				inlineAttr, pathAttr)}
	}
	return fromFile, nil
}

// readFailure is why a file could not be read, without repeating its path, which the message already gives.
func readFailure(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}
