package provider

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
)

// argument is one provider argument. Everything about it lives in its row of the arguments table: the schema,
// the environment fallbacks, the sign-in table of the documentation and the hints of error messages are all made
// from it.
type argument struct {
	name string
	// flag marks a boolean argument; every other one is a string.
	flag bool
	// env are the environment variables that stand in for the argument, the first one set winning. The names
	// are those of the azuread and azurerm providers, so that a pipeline can switch provider unchanged.
	env []string
	// fallback is the value when neither the block nor the environment sets one.
	fallback  string
	sensitive bool
	// methods are the sign-in methods that read the argument.
	methods     []credentials.Method
	description string
	// value is where the argument's value goes: a *string or a *bool in settings.
	value func(*settings) any
}

// settings is the provider block once every value has been taken from the configuration, the environment or a
// default. The arguments the sign-in reads as they are land in the credentials' Config itself (authority_host as
// an override, until the cloud's host fills it in); the others are what the provider turns into Config's values:
// files to read, a base64 certificate, the cloud and the Graph endpoint.
type settings struct {
	credentials.Config
	ClientIDFilePath, ClientSecretFilePath         string
	ClientCertificateBase64, ClientCertificatePath string
	Environment, APIVersion, GraphEndpoint         string

	// sources says where each argument's value came from, by name, for messages: "the provider block",
	// "the environment variable ARM_TENANT_ID" or "the default".
	sources map[string]string
}

// The groups of sign-in methods that read the same arguments.
var (
	// applicationMethods sign in as an app registration.
	applicationMethods = []credentials.Method{credentials.ClientCertificate, credentials.ClientSecret, credentials.OIDCToken,
		credentials.OIDCTokenFile, credentials.AzureDevOps, credentials.GitHubActions}
	tokenRequest = []credentials.Method{credentials.AzureDevOps, credentials.GitHubActions}
)

// arguments is every provider argument, in the order the documentation lists them.
var arguments = []argument{
	{name: "tenant_id", env: []string{"ARM_TENANT_ID", "AZURE_TENANT_ID"}, methods: append(slices.Clone(applicationMethods), credentials.AzureCLI),
		description: "The Microsoft Entra tenant (directory) ID to sign in to. Needed by every method that signs in as an app registration; for the Azure CLI it picks the tenant.",
		value:       func(s *settings) any { return &s.TenantID }},
	{name: "client_id", env: []string{"ARM_CLIENT_ID", "AZURE_CLIENT_ID"}, methods: append(slices.Clone(applicationMethods), credentials.ManagedIdentity),
		description: "The application (client) ID of the app registration, or of the user-assigned managed identity to use.",
		value:       func(s *settings) any { return &s.ClientID }},
	{name: "client_id_file_path", env: []string{"ARM_CLIENT_ID_FILE_PATH"}, methods: append(slices.Clone(applicationMethods), credentials.ManagedIdentity),
		description: "A file holding the client ID. When `client_id` is set too, both must agree.",
		value:       func(s *settings) any { return &s.ClientIDFilePath }},
	{name: "client_certificate", env: []string{"ARM_CLIENT_CERTIFICATE"}, sensitive: true, methods: []credentials.Method{credentials.ClientCertificate},
		description: "A client certificate of the app registration: the base64 encoding of a PKCS#12 (PFX) file with its private key, as `filebase64()` gives. Conflicts with `client_certificate_path`.",
		value:       func(s *settings) any { return &s.ClientCertificateBase64 }},
	{name: "client_certificate_path", env: []string{"ARM_CLIENT_CERTIFICATE_PATH"}, methods: []credentials.Method{credentials.ClientCertificate},
		description: "Path to a client certificate of the app registration: a PKCS#12 (PFX) file, or a PEM file holding the certificate and its unencrypted private key.",
		value:       func(s *settings) any { return &s.ClientCertificatePath }},
	{name: "client_certificate_password", env: []string{"ARM_CLIENT_CERTIFICATE_PASSWORD"}, sensitive: true, methods: []credentials.Method{credentials.ClientCertificate},
		description: "The password of the PKCS#12 file, if it has one.",
		value:       func(s *settings) any { return &s.ClientCertificatePassword }},
	{name: "client_secret", env: []string{"ARM_CLIENT_SECRET"}, sensitive: true, methods: []credentials.Method{credentials.ClientSecret},
		description: "A client secret of the app registration. Prefer the environment variable to the provider block, which is copied into saved plans.",
		value:       func(s *settings) any { return &s.ClientSecret }},
	{name: "client_secret_file_path", env: []string{"ARM_CLIENT_SECRET_FILE_PATH"}, methods: []credentials.Method{credentials.ClientSecret},
		description: "A file holding the client secret, such as a mounted Kubernetes or Docker secret. When `client_secret` is set too, both must agree.",
		value:       func(s *settings) any { return &s.ClientSecretFilePath }},
	{name: "use_oidc", flag: true, env: []string{"ARM_USE_OIDC"}, fallback: "false", methods: credentials.Federated(),
		description: "Sign in through workload identity federation: Entra exchanges a federated token from Kubernetes, GitHub Actions or Azure DevOps for an access token. Setting it with nowhere to get a token from is an error.",
		value:       func(s *settings) any { return &s.UseOIDC }},
	{name: "oidc_token", env: []string{"ARM_OIDC_TOKEN"}, sensitive: true, methods: []credentials.Method{credentials.OIDCToken},
		description: "A federated token to exchange for an access token.",
		value:       func(s *settings) any { return &s.OIDCToken }},
	{name: "oidc_token_file_path", env: []string{"ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"}, methods: []credentials.Method{credentials.OIDCTokenFile},
		description: "A file holding the federated token, read again for every token request so that a rotated token (as Kubernetes projects it) is picked up.",
		value:       func(s *settings) any { return &s.OIDCTokenFilePath }},
	{name: "ado_pipeline_service_connection_id", env: []string{"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"},
		methods:     []credentials.Method{credentials.AzureDevOps},
		description: "The ID of the Azure DevOps service connection (Azure Resource Manager, workload identity federation) to sign in with. Azure Pipelines hands out its token at `SYSTEM_OIDCREQUESTURI` for the job's `SYSTEM_ACCESSTOKEN`.",
		value:       func(s *settings) any { return &s.ADOServiceConnectionID }},
	{name: "oidc_request_url", env: []string{"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"}, methods: tokenRequest,
		description: "The URL from which the CI system hands out federated tokens: GitHub sets it when the job has `permissions: id-token: write`, Azure Pipelines in every job. Must be https unless the host is loopback.",
		value:       func(s *settings) any { return &s.OIDCRequestURL }},
	{name: "oidc_request_token", env: []string{"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"}, sensitive: true, methods: tokenRequest,
		description: "The bearer token for `oidc_request_url`. Azure Pipelines gives a step its `SYSTEM_ACCESSTOKEN` only when mapped in: `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`.",
		value:       func(s *settings) any { return &s.OIDCRequestToken }},
	{name: "oidc_audience", env: []string{"ARM_OIDC_AUDIENCE"}, methods: []credentials.Method{credentials.GitHubActions},
		description: fmt.Sprintf("The audience of the token asked of GitHub Actions, which must be the audience of the app registration's federated credential. Defaults to the cloud's own: %s.", cloudAudiences()),
		value:       func(s *settings) any { return &s.OIDCAudience }},
	{name: "use_msi", flag: true, env: []string{"ARM_USE_MSI"}, fallback: "false", methods: []credentials.Method{credentials.ManagedIdentity},
		description: "Sign in with the managed identity of the Azure host: a VM or scale set (instance metadata service), App Service, Functions, Container Apps, Azure Arc or Cloud Shell, found from what the host sets in the environment. Set `client_id` to pick a user-assigned identity.",
		value:       func(s *settings) any { return &s.UseMSI }},
	{name: "msi_endpoint", env: []string{"ARM_MSI_ENDPOINT"}, methods: []credentials.Method{credentials.ManagedIdentity},
		description: "Moves the instance metadata service's token endpoint (`" + credentials.IMDSTokenEndpoint + "`), as a proxy in front of it would. " +
			"It applies only on hosts that use that service: where the host names its own managed-identity endpoint (App Service, Functions, Container Apps, Arc, Cloud Shell), setting it is an error. " +
			"Must be https unless the host is loopback or link-local.",
		value: func(s *settings) any { return &s.MSIEndpoint }},
	{name: "use_cli", flag: true, env: []string{"ARM_USE_CLI"}, fallback: "true", methods: []credentials.Method{credentials.AzureCLI},
		description: "Sign in with the Azure CLI's account (`az login`) when no other method is configured.",
		value:       func(s *settings) any { return &s.UseCLI }},
	{name: "environment", env: []string{"ARM_ENVIRONMENT"}, fallback: "global",
		description: fmt.Sprintf("The Microsoft cloud: one of %s (other Azure tools' names are accepted too: %s). It chooses the Graph and sign-in hosts, the default `api_version` and the default `oidc_audience`.",
			quotedNames(cloudNames(), "or"), strings.Join(aliasNames(), ", ")),
		value: func(s *settings) any { return &s.Environment }},
	{name: "api_version", env: []string{"ENTRA_API_VERSION"},
		description: fmt.Sprintf("The Graph version: %s. Defaults to `v1.0`, except in %s, where Graph serves API connectors only in `beta`: there the default is `beta` and `v1.0` is an error.",
			quotedNames(apiVersions, "or"), quotedNames(betaOnlyClouds(), "and")),
		value: func(s *settings) any { return &s.APIVersion }},
	{name: "graph_endpoint", env: []string{"ENTRA_GRAPH_ENDPOINT"},
		description: "Overrides the cloud's Graph endpoint, such as `https://graph.microsoft.com`. Must be https unless the host is loopback.",
		value:       func(s *settings) any { return &s.GraphEndpoint }},
	{name: "authority_host", env: []string{"ENTRA_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"}, methods: applicationMethods,
		description: "Overrides the cloud's sign-in host, such as `https://login.microsoftonline.com`. Must be https: the sign-in library reads the tenant's OpenID metadata from it.",
		value:       func(s *settings) any { return &s.AuthorityHost }},
}

// argumentNamed returns the row of an argument, or nil when there is none.
func argumentNamed(name string) *argument {
	if i := slices.IndexFunc(arguments, func(a argument) bool { return a.name == name }); i >= 0 {
		return &arguments[i]
	}
	return nil
}

// block is the provider block as the configuration gives it: each argument's value, null when unset, unknown
// when it depends on something only known after apply. A missing name reads as null.
type block map[string]attr.Value

// providerSchema is the provider block, made from the arguments table.
func providerSchema() schema.Schema {
	attributes := map[string]schema.Attribute{}
	for _, a := range arguments {
		description := a.description + " " + envSentence(a)
		if a.flag {
			attributes[a.name] = schema.BoolAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: description}
			continue
		}
		attributes[a.name] = schema.StringAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: description}
	}
	return schema.Schema{MarkdownDescription: signInDocumentation() + "\n\n" + cloudsHeading + "\n\n" + cloudsDocumentation(), Attributes: attributes}
}

// envSentence names an argument's environment variables and its default, for its description.
func envSentence(a argument) string {
	sentence := "Environment variable: " + quotedNames(a.env, "or") + "."
	if len(a.env) > 1 {
		sentence = "Environment variables, the first one set winning: " + quotedNames(a.env, "then") + "."
	}
	if a.fallback != "" {
		sentence += " Defaults to `" + a.fallback + "`."
	}
	return sentence
}

// settingError is a problem with one argument, reported against it.
type settingError struct {
	attribute string
	summary   string
	detail    string
}

// resolveSettings fills settings from the block, then the environment, then the defaults. lookupEnv is
// os.LookupEnv outside tests.
func resolveSettings(b block, lookupEnv func(string) (string, bool)) (settings, []settingError) {
	s := settings{sources: map[string]string{}}
	var problems []settingError
	for _, a := range arguments {
		raw, source, unknown := a.lookup(b, lookupEnv)
		if unknown {
			problems = append(problems, settingError{a.name, "Provider argument not known until apply",
				fmt.Sprintf("%s depends on a value that is only known after apply, but the provider needs it to sign in before it can plan. "+
					"Set it from a variable, a literal or its environment variable instead of from a resource attribute.", a.name)})
			continue
		}
		s.sources[a.name] = source
		switch target := a.value(&s).(type) {
		case *string:
			*target = raw
		case *bool:
			value, err := strconv.ParseBool(raw)
			if err != nil {
				problems = append(problems, settingError{a.name, "Invalid " + a.name,
					fmt.Sprintf("%s must be true or false, but %s is %q.", a.name, source, raw)})
				continue
			}
			*target = value
		}
	}
	return s, problems
}

// lookup returns the argument's value and where it came from. The value of a sensitive argument is never
// repeated in a message, so only its source is.
func (a argument) lookup(b block, lookupEnv func(string) (string, bool)) (value, source string, unknown bool) {
	if v := b[a.name]; v != nil && !v.IsNull() {
		if v.IsUnknown() {
			return "", "", true
		}
		switch v := v.(type) {
		case types.String:
			value = v.ValueString()
		case types.Bool:
			value = strconv.FormatBool(v.ValueBool())
		}
		return value, "the provider block", false
	}
	for _, name := range a.env {
		if value, ok := lookupEnv(name); ok && value != "" {
			return value, "the environment variable " + name, false
		}
	}
	return a.fallback, "the default", false
}

// readFileSetting reads a *_file_path argument. The file's content must agree with the inline argument when both
// are set, so that a stale variable cannot silently win. Neither value is ever quoted, since either may be a
// secret.
func readFileSetting(inline, path, inlineAttr, pathAttr string) (string, *settingError) {
	if path == "" {
		return inline, nil
	}
	content, err := os.ReadFile(path)
	if err != nil {
		return "", &settingError{pathAttr, "Cannot read " + pathAttr,
			fmt.Sprintf("%v. Check the path, or unset %s and set %s instead.", err, pathAttr, inlineAttr)}
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

// quotedNames lists names in backquotes, the last one joined by conjunction: "`a`, `b` or `c`".
func quotedNames(names []string, conjunction string) string {
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = "`" + name + "`"
	}
	if len(quoted) < 2 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " " + conjunction + " " + quoted[len(quoted)-1]
}
