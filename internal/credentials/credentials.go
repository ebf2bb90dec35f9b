// Package credentials chooses how the provider signs in to Microsoft Entra ID and hands the result to the Graph
// client as a token source. The sign-in itself is Microsoft's azidentity library: this package only picks one of
// its credentials in the documented ARM_* precedence (never DefaultAzureCredential, whose order differs), checks the
// settings that can be checked before any request, and turns azidentity's failures into errors that say what to
// do next.
//
// The package is plain Go with no Terraform types. It reads none of the provider's arguments from the
// environment: the provider's argument table does that and fills Config. (azidentity itself reads the variables
// its hosts set: IDENTITY_ENDPOINT and friends for managed identity, SYSTEM_OIDCREQUESTURI in Azure Pipelines.)
//
// No secret, client assertion, federated token or access token ever appears in an error from this package.
package credentials

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

// Method names one way of signing in. The values are the words users see in logs and errors.
type Method string

// The sign-in methods, in the order Choose prefers them.
const (
	ClientCertificate Method = "client_certificate"
	ClientSecret      Method = "client_secret"
	OIDCToken         Method = "oidc_token"
	OIDCTokenFile     Method = "oidc_token_file" //nolint:gosec // A method's name, not a credential.
	AzureDevOps       Method = "azure_devops"
	GitHubActions     Method = "github_actions"
	ManagedIdentity   Method = "managed_identity"
	AzureCLI          Method = "azure_cli"
)

// Config holds everything any sign-in method may need. Only the fields of the chosen method are used.
type Config struct {
	TenantID     string
	ClientID     string
	ClientSecret string

	// ClientCertificate holds PKCS#12 (PFX) bytes, or PEM text holding a certificate and its private key.
	ClientCertificate         []byte
	ClientCertificatePassword string

	// UseOIDC turns on workload identity federation: a federated token from OIDCToken, OIDCTokenFilePath,
	// Azure DevOps (ADOServiceConnectionID with OIDCRequestToken) or GitHub Actions (OIDCRequestURL with
	// OIDCRequestToken), in that order.
	UseOIDC bool
	// OIDCToken is a federated token given inline.
	OIDCToken string
	// OIDCTokenFilePath is read again for every token request, because Kubernetes rotates the projected token.
	OIDCTokenFilePath string
	// OIDCRequestURL and OIDCRequestToken ask the CI system for a fresh federated token: GitHub Actions'
	// ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, or in Azure Pipelines SYSTEM_OIDCREQUESTURI and SYSTEM_ACCESSTOKEN.
	OIDCRequestURL   string
	OIDCRequestToken string
	// OIDCAudience is the audience asked of GitHub Actions, which must match the federated credential in Entra.
	// The provider fills in its cloud's default (api://AzureADTokenExchange, …USGov, …China).
	OIDCAudience string
	// ADOServiceConnectionID names the Azure DevOps service connection whose federated credential signs in.
	ADOServiceConnectionID string

	UseMSI bool
	// MSIEndpoint, when set, is where the requests meant for IMDSTokenEndpoint go instead.
	MSIEndpoint string

	UseCLI bool

	// AuthorityHost is the Entra sign-in host, such as https://login.microsoftonline.com.
	AuthorityHost string
	// Resource is the Graph endpoint, such as https://graph.microsoft.com. The OAuth scope is Resource + "/.default".
	Resource string

	// HTTPClient sends every request of the sign-in; nil means azidentity's own pooled client, which trusts the
	// system's roots (and SSL_CERT_FILE).
	HTTPClient *http.Client
}

// secrets are the configured values no error may hold.
func (c Config) secrets() []string {
	return []string{c.ClientSecret, c.ClientCertificatePassword, c.OIDCToken, c.OIDCRequestToken}
}

// MethodInfo describes a method for documentation and messages.
type MethodInfo struct {
	Name Method
	// Label names the method in errors.
	Label string
	// Application is true for the methods that sign in as an app registration and need a tenant and client ID.
	Application bool
}

// method is one row of the precedence table: whether a Config asks for it, and how to make its credential.
type method struct {
	MethodInfo
	// configured reports whether the Config asks for this method.
	configured func(Config) bool
	// argument is what a failure that names no argument of its own is reported against.
	argument string
	// credential checks the method's settings without contacting the network and returns its credential and a
	// fingerprint that tells credentials apart without revealing them.
	credential func(Config, azcore.ClientOptions) (azcore.TokenCredential, string, error)
}

// methods is the documented precedence: the first configured row wins. The OIDC rows are the places a
// federated token can come from, the first one set winning.
var methods = []method{
	{MethodInfo: MethodInfo{Name: ClientCertificate, Label: "client certificate", Application: true}, argument: "client_certificate",
		configured: func(c Config) bool { return len(c.ClientCertificate) > 0 },
		credential: newClientCertificateCredential},
	{MethodInfo: MethodInfo{Name: ClientSecret, Label: "client secret", Application: true}, argument: "client_secret",
		configured: func(c Config) bool { return c.ClientSecret != "" },
		credential: newClientSecretCredential},
	{MethodInfo: MethodInfo{Name: OIDCToken, Label: "OIDC token", Application: true}, argument: "oidc_token",
		configured: func(c Config) bool { return c.UseOIDC && c.OIDCToken != "" },
		credential: newInlineTokenCredential},
	{MethodInfo: MethodInfo{Name: OIDCTokenFile, Label: "OIDC token file", Application: true}, argument: "oidc_token_file_path",
		configured: func(c Config) bool { return c.UseOIDC && c.OIDCTokenFilePath != "" },
		credential: newTokenFileCredential},
	{MethodInfo: MethodInfo{Name: AzureDevOps, Label: "Azure DevOps", Application: true}, argument: "ado_pipeline_service_connection_id",
		configured: func(c Config) bool { return c.UseOIDC && c.ADOServiceConnectionID != "" },
		credential: newAzureDevOpsCredential},
	{MethodInfo: MethodInfo{Name: GitHubActions, Label: "GitHub Actions", Application: true}, argument: "oidc_request_url",
		configured: func(c Config) bool { return c.UseOIDC && (c.OIDCRequestURL != "" || c.OIDCRequestToken != "") },
		credential: newGitHubActionsCredential},
	{MethodInfo: MethodInfo{Name: ManagedIdentity, Label: "managed identity"}, argument: "use_msi",
		configured: func(c Config) bool { return c.UseMSI },
		credential: newManagedIdentityCredential},
	{MethodInfo: MethodInfo{Name: AzureCLI, Label: "Azure CLI"}, argument: "use_cli",
		configured: func(c Config) bool { return c.UseCLI },
		credential: newAzureCLICredential},
}

// Methods lists every method in the order the first configured one wins.
func Methods() []MethodInfo {
	out := make([]MethodInfo, len(methods))
	for i, m := range methods {
		out[i] = m.MethodInfo
	}
	return out
}

// Federated lists the methods of workload identity federation, which use_oidc turns on.
func Federated() []Method { return []Method{OIDCToken, OIDCTokenFile, AzureDevOps, GitHubActions} }

// ErrNoMethod is Choose's error when nothing is configured and the Azure CLI is off. The caller lists the
// options, since it knows the arguments and environment variables that configure each one.
var ErrNoMethod = errors.New("no sign-in method is configured, and use_cli is false, so the Azure CLI is not tried either")

// ErrNoFederatedToken is Choose's error when use_oidc is on and nothing says where the federated token comes
// from. The caller lists the options.
var ErrNoFederatedToken = errors.New("use_oidc is true, but no federated token is configured " +
	"(in GitHub Actions, give the job `permissions: id-token: write` and its token is picked up)")

// Choose picks one method by the documented precedence. A method that signs in as an app registration needs a
// tenant and a client ID: each one missing is an *ArgumentError. use_oidc with nowhere to get a token from is
// an error too, rather than a silent fall-through to managed identity or the CLI.
func Choose(cfg Config) (Method, error) {
	m, err := choose(cfg)
	return m.Name, err
}

func choose(cfg Config) (method, error) {
	i := slices.IndexFunc(methods, func(m method) bool { return m.configured(cfg) })
	// use_oidc that names no token is a mistake to report, not a reason to sign in as the host instead.
	if cfg.UseOIDC && (i < 0 || !methods[i].Application) {
		return method{}, &ArgumentError{Argument: "use_oidc", Summary: "No OIDC token configured", Err: ErrNoFederatedToken}
	}
	if i < 0 {
		return method{}, ErrNoMethod
	}
	m := methods[i]
	if !m.Application {
		return m, nil
	}
	var missing []error
	for _, id := range []struct{ argument, what, where, value string }{
		{"tenant_id", "tenant ID", "the Directory (tenant) ID on the app registration's Overview page", cfg.TenantID},
		{"client_id", "client ID", "the Application (client) ID on the app registration's Overview page", cfg.ClientID},
	} {
		if id.value == "" {
			missing = append(missing, &ArgumentError{Argument: id.argument, Summary: "Missing " + id.argument,
				Err: fmt.Errorf("%s sign-in needs the %s: set %s to %s", m.Label, id.what, id.argument, id.where)})
		}
	}
	return m, errors.Join(missing...)
}

// NewTokenSource chooses a method, checks its settings now (a certificate is parsed, a token file read, the
// Azure CLI looked up) so that a mistake fails when the provider is configured, and returns a token source that
// makes no request until the first token is asked for.
//
// Every configuration of the process with the same method, sign-in host, tenant, client and credential shares
// one token source, and so one credential: the tenant's metadata and a token are fetched once per process.
func NewTokenSource(cfg Config) (*TokenSource, Method, error) {
	m, err := choose(cfg)
	if err != nil {
		return nil, "", err
	}
	credential, fingerprint, err := m.credential(cfg, clientOptions(cfg, m))
	if err != nil {
		return nil, "", blame(m.argument, "Cannot sign in with the "+m.Label, withoutSecrets(err, cfg.secrets()...))
	}
	resource := strings.TrimRight(cfg.Resource, "/")
	key := [...]string{string(m.Name), cfg.AuthorityHost, cfg.TenantID, cfg.ClientID, resource, fingerprint}
	src, _ := sharedSources.LoadOrStore(key, newTokenSource(m, credential, resource+"/.default", cfg))
	tokens, _ := src.(*TokenSource)
	return tokens, m.Name, nil
}

// publicAuthorities are the sign-in hosts of Microsoft's public clouds, whose instance metadata Entra serves.
var publicAuthorities = []string{
	cloud.AzurePublic.ActiveDirectoryAuthorityHost,
	cloud.AzureGovernment.ActiveDirectoryAuthorityHost,
	cloud.AzureChina.ActiveDirectoryAuthorityHost,
}

// clientOptions points azidentity at the configured sign-in host. For any other host than a public cloud's,
// instance discovery is turned off: it would ask login.microsoftonline.com about a host it does not know.
func clientOptions(cfg Config, m method) azcore.ClientOptions {
	var options azcore.ClientOptions
	if cfg.HTTPClient != nil {
		options.Transport = cfg.HTTPClient
	}
	if m.Application {
		options.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: strings.TrimRight(cfg.AuthorityHost, "/") + "/"}
	}
	return options
}

// disableInstanceDiscovery reports whether azidentity must skip instance discovery for the host.
func disableInstanceDiscovery(options azcore.ClientOptions) bool {
	return !slices.Contains(publicAuthorities, options.Cloud.ActiveDirectoryAuthorityHost)
}
