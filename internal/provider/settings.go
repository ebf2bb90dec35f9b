package provider

import (
	"fmt"
	"net"
	"net/url"
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
	var s settings
	var problems []settingError
	for _, entry := range settingsTable {
		raw, source, unknown := entry.lookup(model, lookupEnv)
		if unknown {
			problems = append(problems, settingError{entry.attribute, "Provider argument not known until apply",
				fmt.Sprintf("%s depends on a value that is only known after apply. The provider needs it to sign in before planning: set it from a variable or its environment variable %s.",
					entry.attribute, entry.env[0])})
			continue
		}
		switch target := entry.destination(&s).(type) {
		case *string:
			*target = raw
		case *bool:
			if raw == "" {
				continue
			}
			value, err := strconv.ParseBool(raw)
			if err != nil {
				problems = append(problems, settingError{entry.attribute, "Invalid provider argument",
					fmt.Sprintf("%s must be true or false; %s is %q.", entry.attribute, source, raw)})
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

// envList names an argument's environment variables for its description.
func envList(attribute string) string {
	for _, entry := range settingsTable {
		if entry.attribute == attribute {
			quoted := make([]string, len(entry.env))
			for i, name := range entry.env {
				quoted[i] = "`" + name + "`"
			}
			return strings.Join(quoted, " or ")
		}
	}
	return ""
}

// readFileSetting reads a *_file_path argument. The file's content must agree with the inline argument
// when both are set, so that a stale variable cannot silently win.
func readFileSetting(inline, path, inlineAttr, pathAttr string) (string, *settingError) {
	if path == "" {
		return inline, nil
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return "", &settingError{pathAttr, "Cannot read " + pathAttr,
			fmt.Sprintf("Reading %s: %v. Check the path, or unset %s.", path, err, pathAttr)}
	}
	fromFile := strings.TrimSpace(string(content))
	if fromFile == "" {
		return "", &settingError{pathAttr, pathAttr + " is empty",
			fmt.Sprintf("The file %s is empty.", path)}
	}
	if inline != "" && inline != fromFile {
		return "", &settingError{pathAttr, "Contradictory provider arguments",
			fmt.Sprintf("%s and the file named by %s hold different values. Set only one of them.", inlineAttr, pathAttr)}
	}
	return fromFile, nil
}

// checkEndpoint requires https, except on a loopback host where a local emulator serves plain http.
func checkEndpoint(attribute, raw string) *settingError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &settingError{attribute, "Invalid " + attribute,
			fmt.Sprintf("%s must be an absolute URL such as https://graph.microsoft.com; got %q.", attribute, raw)}
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return &settingError{attribute, "Invalid " + attribute,
			fmt.Sprintf("%s must be a scheme and host only, without a path or query; got %q.", attribute, raw)}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return &settingError{attribute, "Insecure " + attribute,
			fmt.Sprintf("%s must use https; plain http is only allowed for a loopback host (127.0.0.1, ::1, localhost). Got %q.", attribute, raw)}
	}
	return nil
}

// checkEndpointURL checks msi_endpoint, which has a path. The instance metadata service answers plain
// http on a link-local address, so that is allowed besides loopback.
func checkEndpointURL(attribute, raw string) *settingError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &settingError{attribute, "Invalid " + attribute,
			fmt.Sprintf("%s must be an absolute URL such as http://169.254.169.254/metadata/identity/oauth2/token; got %q.", attribute, raw)}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) && !isLinkLocal(u.Hostname()) {
		return &settingError{attribute, "Insecure " + attribute,
			fmt.Sprintf("%s must use https unless its host is loopback or the link-local metadata address; got %q.", attribute, raw)}
	}
	return nil
}

func isLinkLocal(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLinkLocalUnicast()
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
