// Package credentials signs the provider in to Microsoft Entra ID. Each supported sign-in method (client
// certificate, client secret, OpenID Connect federation, managed identity and the Azure CLI) becomes an
// oauth2.TokenSource for Microsoft Graph, so the Graph client only ever asks for a token and never learns how it
// was obtained.
//
// The package is plain Go with no Terraform types, so it can be reused and tested on its own. It reads no
// environment variables at all: mapping provider arguments and ARM_* variables onto Config is the caller's job,
// which keeps the one table deciding where each value comes from in the provider.
//
// No secret, client assertion, federated token or access token ever appears in an error from this package.
package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Method names one way of signing in. The values match the words users see in documentation and errors.
type Method string

// The sign-in methods, in the order Choose prefers them.
const (
	ClientCertificate Method = "client_certificate"
	ClientSecret      Method = "client_secret"
	OIDC              Method = "oidc"
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

	UseOIDC bool
	// OIDCToken is a federated ID token given inline.
	OIDCToken string
	// OIDCTokenFilePath is re-read on every token request, because Kubernetes rotates the projected token file.
	OIDCTokenFilePath string
	// OIDCRequestURL and OIDCRequestToken are GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL and
	// ACTIONS_ID_TOKEN_REQUEST_TOKEN, used to ask GitHub for a fresh ID token on every token request.
	OIDCRequestURL   string
	OIDCRequestToken string
	// OIDCAudience is the audience asked of GitHub Actions. It must match the federated credential in Entra;
	// empty means api://AzureADTokenExchange, the value Entra suggests in the global cloud.
	OIDCAudience string

	UseMSI bool
	// MSIEndpoint is the instance metadata (IMDS) token endpoint; empty means DefaultMSIEndpoint.
	MSIEndpoint string

	UseCLI bool
	// AzCommand is the name or path of the Azure CLI; empty means "az", looked up on PATH.
	AzCommand string

	// AuthorityHost is the Entra sign-in host, such as https://login.microsoftonline.com.
	AuthorityHost string
	// Resource is the Graph endpoint, such as https://graph.microsoft.com. The OAuth scope is Resource + "/.default".
	Resource string

	// HTTPClient sends every token request; nil means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Now stamps client assertions and checks certificate validity; nil means time.Now. It exists for tests, and
	// does not move token expiry, which oauth2 always compares with the real clock.
	Now func() time.Time
}

// DefaultMSIEndpoint is the Azure instance metadata service's token endpoint.
const DefaultMSIEndpoint = "http://169.254.169.254/metadata/identity/oauth2/token"

const (
	// expiryDelta makes a token count as expired five minutes early, so that a Graph call started with it does
	// not reach Graph after it has expired, and a clock skew of a few minutes does no harm.
	expiryDelta = 5 * time.Minute
	// requestTimeout bounds every token request even when the caller's HTTP client has no timeout, because
	// oauth2.TokenSource offers no context through which a caller could cancel one.
	requestTimeout = 30 * time.Second
)

// method is one row of the precedence table: how to tell whether a Config asks for it, and how to build it.
type method struct {
	name Method
	// label and howTo describe the method in the error given when no method is configured.
	label, howTo string
	// configured reports whether the Config asks for this method and holds what it needs.
	configured func(Config) bool
	// incomplete, when set, finds a Config that asks for this method explicitly but lacks what it needs. That is
	// an error rather than a reason to fall through to a later method, which would sign in some other way than
	// the user asked, or fail with a message about a method they never chose.
	incomplete func(Config) error
	// needsApplication marks methods that sign in as an app registration, which needs a tenant and a client ID.
	needsApplication bool
	// build checks the method's settings and returns its token source, which must not contact the network until
	// asked for a token, together with a fingerprint that tells apart credentials without revealing them.
	build func(signIn) (src oauth2.TokenSource, fingerprint string, err error)
	// argument and problem are what a build error that names no argument of its own is blamed on.
	argument, problem string
	// secrets lists the values that must never appear in an error from this method.
	secrets func(Config) []string
}

// methods is the documented precedence: the first configured row wins.
var methods = []method{
	{
		name:             ClientCertificate,
		label:            "client certificate",
		howTo:            "client_certificate (ARM_CLIENT_CERTIFICATE, base64 PKCS#12) or client_certificate_path (ARM_CLIENT_CERTIFICATE_PATH), with client_certificate_password (ARM_CLIENT_CERTIFICATE_PASSWORD) when the file has one",
		configured:       func(c Config) bool { return len(c.ClientCertificate) > 0 },
		needsApplication: true,
		build:            newClientCertificateSource,
		argument:         "client_certificate",
		problem:          "Unusable client certificate",
		secrets:          func(c Config) []string { return []string{c.ClientCertificatePassword} },
	},
	{
		name:             ClientSecret,
		label:            "client secret",
		howTo:            "client_secret (ARM_CLIENT_SECRET) or client_secret_file_path (ARM_CLIENT_SECRET_FILE_PATH)",
		configured:       func(c Config) bool { return c.ClientSecret != "" },
		needsApplication: true,
		build:            newClientSecretSource,
		argument:         "client_secret",
		problem:          "Unusable client secret",
		secrets:          func(c Config) []string { return []string{c.ClientSecret} },
	},
	{
		name:             OIDC,
		label:            "OpenID Connect federation",
		howTo:            "use_oidc = true (ARM_USE_OIDC) with oidc_token (ARM_OIDC_TOKEN), oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH or AZURE_FEDERATED_TOKEN_FILE), or in GitHub Actions oidc_request_url and oidc_request_token (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, present when the job has `permissions: id-token: write`)",
		configured:       func(c Config) bool { return c.UseOIDC && federatedTokenFor(c) != nil },
		incomplete:       missingFederatedToken,
		needsApplication: true,
		build:            newOIDCSource,
		argument:         "use_oidc",
		problem:          "Cannot get an OIDC token",
		secrets:          func(c Config) []string { return []string{c.OIDCToken, c.OIDCRequestToken} },
	},
	{
		name:       ManagedIdentity,
		label:      "managed identity",
		howTo:      "use_msi = true (ARM_USE_MSI) on an Azure host with a managed identity; client_id (ARM_CLIENT_ID) picks a user-assigned identity",
		configured: func(c Config) bool { return c.UseMSI },
		build:      newManagedIdentitySource,
		argument:   "msi_endpoint",
		problem:    "Invalid msi_endpoint",
		secrets:    func(Config) []string { return nil },
	},
	{
		name:       AzureCLI,
		label:      "Azure CLI",
		howTo:      "use_cli = true (ARM_USE_CLI, the default) after `az login`; tenant_id (ARM_TENANT_ID) picks the tenant",
		configured: func(c Config) bool { return c.UseCLI },
		build:      newAzureCLISource,
		argument:   "use_cli",
		problem:    "Azure CLI not found",
		secrets:    func(Config) []string { return nil },
	},
}

// applicationIDs are the values every app-registration method needs, with where a user sets them and finds them.
var applicationIDs = []struct {
	what, argument, env, where string
	value                      func(Config) string
}{
	{"tenant ID", "tenant_id", "ARM_TENANT_ID", "the Directory (tenant) ID on the app registration's Overview page",
		func(c Config) string { return c.TenantID }},
	{"client ID", "client_id", "ARM_CLIENT_ID", "the Application (client) ID on the app registration's Overview page",
		func(c Config) string { return c.ClientID }},
}

// Choose picks one method by the documented precedence: client certificate, client secret, OIDC, managed
// identity, Azure CLI. The certificate, secret and OIDC methods also need a tenant and a client ID; each one missing
// is an *ArgumentError. use_oidc without a federated token is an error too, rather than a silent fall-through to
// managed identity or the CLI. When nothing is configured the error lists every option with its provider argument
// and environment variable.
func Choose(cfg Config) (Method, error) {
	m, err := choose(cfg)
	return m.name, err
}

func choose(cfg Config) (method, error) {
	for _, m := range methods {
		if !m.configured(cfg) {
			if m.incomplete != nil {
				if err := m.incomplete(cfg); err != nil {
					return method{}, err
				}
			}
			continue
		}
		if !m.needsApplication {
			return m, nil
		}
		var missing []error
		for _, id := range applicationIDs {
			if id.value(cfg) == "" {
				missing = append(missing, &ArgumentError{
					Argument: id.argument,
					Summary:  "Missing " + id.argument,
					Err: fmt.Errorf("%s sign-in needs the %s: set %s (or the environment variable %s) to %s",
						m.label, id.what, id.argument, id.env, id.where),
				})
			}
		}
		if len(missing) > 0 {
			return method{}, errors.Join(missing...)
		}
		return m, nil
	}
	return method{}, noMethodError()
}

// missingFederatedToken explains a use_oidc that has nowhere to get a token from. Half of a GitHub Actions pair is
// named on its own, since that is the likely slip.
func missingFederatedToken(c Config) error {
	switch {
	case !c.UseOIDC:
		return nil
	case c.OIDCRequestURL != "" && c.OIDCRequestToken == "":
		return &ArgumentError{Argument: "oidc_request_token", Summary: "Missing oidc_request_token",
			Err: errors.New("oidc_request_url is set but oidc_request_token is not: set both (in GitHub Actions, ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN come together when the job has `permissions: id-token: write`)")}
	case c.OIDCRequestToken != "" && c.OIDCRequestURL == "":
		return &ArgumentError{Argument: "oidc_request_url", Summary: "Missing oidc_request_url",
			Err: errors.New("oidc_request_token is set but oidc_request_url is not: set both (in GitHub Actions, ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN)")}
	}
	return &ArgumentError{Argument: "use_oidc", Summary: "No OIDC token configured",
		Err: errors.New("use_oidc is true, but no federated token is configured: set oidc_token (ARM_OIDC_TOKEN), " +
			"oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH or AZURE_FEDERATED_TOKEN_FILE), or oidc_request_url with oidc_request_token " +
			"(in GitHub Actions, give the job `permissions: id-token: write` and ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are set for you)")}
}

// noMethodError explains every way to sign in, because the user who sees it has configured none of them. It is
// only reached with use_cli off, since the CLI is otherwise the last resort, so that is the argument it names.
func noMethodError() error {
	return &ArgumentError{Argument: "use_cli", Summary: "No sign-in method configured",
		Err: errors.New("No sign-in method is configured, and use_cli is false, so the Azure CLI is not tried either. " +
			"Set one of these (the first one set wins):" + signInOptions(""))}
}

// signInOptions lists every method but skip, one a line, with its arguments and environment variables.
func signInOptions(skip Method) string {
	var b strings.Builder
	for _, m := range methods {
		if m.name == skip {
			continue
		}
		fmt.Fprintf(&b, "\n  - %s: %s", m.label, m.howTo)
		if m.needsApplication {
			b.WriteString("; also needs tenant_id (ARM_TENANT_ID) and client_id (ARM_CLIENT_ID)")
		}
	}
	return b.String()
}

// NewTokenSource chooses a method, checks its settings now (a certificate is parsed, a file path or the Azure
// CLI looked up) so that a mistake fails when the provider is configured, and returns a token source that reuses a
// token until five minutes before it expires. It makes no network request itself.
//
// The returned source is already shared through Shared: configurations with identical credentials, endpoint,
// client ID and scope get the same source and so fetch one token between them.
//
// Only the values of ctx are kept, not its cancellation or deadline: the source outlives the configure call that
// creates it, and each token request has its own timeout.
func NewTokenSource(ctx context.Context, cfg Config) (oauth2.TokenSource, Method, error) {
	m, err := choose(cfg)
	if err != nil {
		return nil, "", err
	}
	s, err := newSignIn(ctx, cfg, m)
	if err != nil {
		return nil, "", err
	}
	src, fingerprint, err := m.build(s)
	if errors.Is(err, errAzureCLINotFound) {
		// The CLI is the last method tried, so a user who meant to configure another one lands here too.
		err = fmt.Errorf("%w. Other ways to sign in:%s", err, signInOptions(AzureCLI))
	}
	if err != nil {
		return nil, "", blame(m.argument, m.problem, err)
	}
	src = secretFreeTokenSource{src: src, secrets: m.secrets(cfg)}
	key := cacheKey(m.name, s.tokenURL, cfg.ClientID, s.scope, fingerprint)
	return Shared(key, oauth2.ReuseTokenSourceWithExpiry(nil, src, expiryDelta)), m.name, nil
}

// signIn is a Config with its defaults applied and the values every method derives from it.
type signIn struct {
	cfg      Config
	ctx      context.Context
	client   *http.Client
	now      func() time.Time
	resource string
	scope    string
	tokenURL string
}

func newSignIn(ctx context.Context, cfg Config, m method) (signIn, error) {
	s := signIn{
		cfg:      cfg,
		ctx:      context.WithoutCancel(ctx),
		client:   cfg.HTTPClient,
		now:      cfg.Now,
		resource: strings.TrimRight(cfg.Resource, "/"),
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: requestTimeout}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.resource == "" {
		return signIn{}, errors.New("credentials: Config.Resource (the Graph endpoint) is empty")
	}
	s.scope = s.resource + "/.default"
	if m.needsApplication {
		host := strings.TrimRight(cfg.AuthorityHost, "/")
		if _, err := url.ParseRequestURI(host); err != nil || host == "" {
			return signIn{}, fmt.Errorf("credentials: Config.AuthorityHost %q is not an absolute URL", cfg.AuthorityHost)
		}
		s.tokenURL = host + "/" + url.PathEscape(cfg.TenantID) + "/oauth2/v2.0/token"
	}
	return s, nil
}

// tokenSourceFunc lets a plain function serve as an oauth2.TokenSource.
type tokenSourceFunc func() (*oauth2.Token, error)

func (f tokenSourceFunc) Token() (*oauth2.Token, error) { return f() }
