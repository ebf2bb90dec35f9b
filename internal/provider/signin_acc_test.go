package provider_test

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// providerBlock points the provider at server, unless lines set graph_endpoint or authority_host themselves,
// and adds lines. Nothing else is set, so each test shows the whole of how it signs in.
func providerBlock(server *fakegraph.Server, lines ...string) string {
	var all []string
	for _, endpoint := range []string{"graph_endpoint", "authority_host"} {
		overridden := false
		for _, line := range lines {
			overridden = overridden || strings.HasPrefix(line, endpoint+" ")
		}
		if !overridden {
			all = append(all, fmt.Sprintf("%s = %q", endpoint, server.URL()))
		}
	}
	return "\nprovider \"entra\" {\n  " + strings.Join(append(all, lines...), "\n  ") + "\n}\n"
}

// startEmulator starts an emulator (with a tenant of its own, as acctest.StartEmulator gives each) and logs
// the sign-in requests it received.
func startEmulator(t *testing.T, opts fakegraph.Options) *fakegraph.Server {
	t.Helper()
	server := acctest.StartEmulator(t, opts)
	// The test's provider runs in this one process: these are the sign-in requests of one process.
	t.Cleanup(func() {
		counts := map[string]int{}
		for endpoint, requests := range signInRequests(server) {
			counts[endpoint] = len(requests)
		}
		t.Logf("sign-in requests of the process: %v", counts)
	})
	return server
}

// applicationIDs are the provider arguments of the emulator's app registration.
func applicationIDs(server *fakegraph.Server) []string {
	opts := server.Options()
	return []string{fmt.Sprintf("tenant_id = %q", opts.TenantID), fmt.Sprintf("client_id = %q", opts.ClientID)}
}

// signInConnector is a connector the sign-in tests create: a write that needs a token.
var signInConnector = acctest.Connector{DisplayName: "Sign-in test", TargetURL: "https://api.contoso.com/validate",
	Basic: &acctest.Basic{Username: "b2c", Password: "connector-password"}}

// connectorAndList creates one connector and lists them all: a write and a read, each of which needs a token.
var connectorAndList = signInConnector.HCL() + `
data "entra_identity_api_connectors" "all" {
  depends_on = [entra_identity_api_connector.test]
}
`

// signedIn proves the apply worked through Graph: the connector exists there and the list read it back.
var signedIn = resource.ComposeAggregateTestCheckFunc(
	resource.TestCheckResourceAttrSet("entra_identity_api_connector.test", "id"),
	resource.TestCheckResourceAttr("data.entra_identity_api_connectors.all", "connectors.#", "1"),
	resource.TestCheckResourceAttr("data.entra_identity_api_connectors.all", "connectors.0.display_name", "Sign-in test"),
)

// signInRequests are the requests the emulator answered as a sign-in service, by endpoint: Entra's token
// endpoint and OpenID metadata, the managed-identity endpoints (IMDS, App Service), and the federated-token
// request endpoints of Azure DevOps and GitHub Actions.
func signInRequests(server *fakegraph.Server) map[string][]fakegraph.Request {
	out := map[string][]fakegraph.Request{}
	for _, r := range server.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/oauth2/v2.0/token"):
			out["token"] = append(out["token"], r)
		case strings.HasSuffix(r.Path, "/v2.0/.well-known/openid-configuration"):
			out["metadata"] = append(out["metadata"], r)
		case r.Path == "/metadata/identity/oauth2/token":
			out["imds"] = append(out["imds"], r)
		case r.Path == "/msi/token":
			out["appservice"] = append(out["appservice"], r)
		case strings.HasSuffix(r.Path, "/oidctoken"):
			out["azuredevops"] = append(out["azuredevops"], r)
		case r.Path == "/oidc/request":
			out["github"] = append(out["github"], r)
		}
	}
	return out
}

// form decodes a logged token request.
func form(r fakegraph.Request) url.Values {
	values, _ := url.ParseQuery(string(r.Body))
	return values
}

// withoutClientSecret takes away the client secret acctest.Setup provides, so that another method is used.
func withoutClientSecret(t *testing.T) {
	t.Setenv("ARM_CLIENT_SECRET", "")
}

func TestAccProvider_clientSecret(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{})
	t.Setenv("ARM_CLIENT_SECRET", "")
	// The secret comes from a file, as a mounted Kubernetes or Docker secret would give it.
	secretFile := filepath.Join(t.TempDir(), "client-secret")
	if err := os.WriteFile(secretFile, []byte(server.Options().ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	applySignedIn(t, server, append(applicationIDs(server), "use_cli = false",
		fmt.Sprintf("client_secret_file_path = %q", secretFile)), askedEach(server, "token", "the token endpoint", func(r fakegraph.Request) error {
		if form(r).Get("client_secret") != server.Options().ClientSecret {
			return fmt.Errorf("a token request did not carry the client secret")
		}
		return nil
	}))
}

// applySignedIn applies connectorAndList with the provider arguments given, and checks that it worked
// through Graph (signedIn) and the further checks.
func applySignedIn(t *testing.T, server *fakegraph.Server, arguments []string, checks ...resource.TestCheckFunc) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock(server, arguments...) + connectorAndList,
			Check:  resource.ComposeAggregateTestCheckFunc(append([]resource.TestCheckFunc{signedIn}, checks...)...),
		}},
	})
}

// assertionSignIn checks that every token request carried a client assertion and no secret.
func assertionSignIn(server *fakegraph.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		requests := signInRequests(server)["token"]
		if len(requests) == 0 {
			return fmt.Errorf("no token request reached the emulator")
		}
		for _, r := range requests {
			f := form(r)
			if f.Get("client_assertion") == "" || f.Get("client_secret") != "" || r.Status != http.StatusOK {
				return fmt.Errorf("token request answered %d with form keys %v, want a client assertion only", r.Status, keys(f))
			}
		}
		return nil
	}
}

func keys(values url.Values) []string {
	var out []string
	for k := range values {
		out = append(out, k)
	}
	return out
}

func TestAccProvider_clientCertificatePKCS12(t *testing.T) {
	pfx := testcert.New(t, testcert.Options{})
	// The emulator refuses client secrets, and one is in the environment: the certificate must win.
	server := startEmulator(t, fakegraph.Options{ClientCertificates: []*x509.Certificate{pfx.Cert}, DisableClientSecret: true})
	t.Setenv("ARM_CLIENT_CERTIFICATE", pfx.Base64)
	t.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", pfx.Password)
	applySignedIn(t, server, append(applicationIDs(server), "use_cli = false"), assertionSignIn(server))
}

func TestAccProvider_clientCertificatePEMFile(t *testing.T) {
	pfx := testcert.New(t, testcert.Options{})
	server := startEmulator(t, fakegraph.Options{ClientCertificates: []*x509.Certificate{pfx.Cert}, DisableClientSecret: true})
	pemPath := filepath.Join(t.TempDir(), "client.pem")
	if err := os.WriteFile(pemPath, pfx.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	applySignedIn(t, server, append(applicationIDs(server), "use_cli = false",
		fmt.Sprintf("client_certificate_path = %q", pemPath)), assertionSignIn(server))
}

func TestAccProvider_oidcInlineToken(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	token := server.IssueFederatedToken("system:serviceaccount:ci:deployer", fakegraph.FederatedTokenAudience, time.Hour)
	t.Setenv("ARM_OIDC_TOKEN", token)
	applySignedIn(t, server, append(applicationIDs(server), "use_cli = false", "use_oidc = true"), assertionSignIn(server), askedEach(server, "token", "the token endpoint", func(r fakegraph.Request) error {
		if form(r).Get("client_assertion") != token {
			return fmt.Errorf("a token request did not carry the federated token")
		}
		return nil
	}))
}

// TestAccProvider_oidcTokenFileIsReread rotates the token file between two applies, as Kubernetes rotates a
// projected token, and expects the new token to be sent. Tokens live for less than the provider's
// five-minute margin, so every Graph call asks for a new one.
func TestAccProvider_oidcTokenFileIsReread(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true, TokenLifetime: 2 * time.Minute})
	withoutClientSecret(t)
	tokenFile := filepath.Join(t.TempDir(), "azure-identity-token")
	first := server.IssueFederatedToken("system:serviceaccount:ci:deployer", fakegraph.FederatedTokenAudience, time.Hour)
	second := server.IssueFederatedToken("system:serviceaccount:ci:deployer", fakegraph.FederatedTokenAudience, time.Hour)
	write := func(token string) {
		if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(first)
	// Kubernetes workload identity sets these three variables; the user adds ARM_USE_OIDC.
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", tokenFile)
	t.Setenv("AZURE_TENANT_ID", server.Options().TenantID)
	t.Setenv("AZURE_CLIENT_ID", server.Options().ClientID)
	t.Setenv("ARM_USE_OIDC", "true")
	sent := func(token string) bool {
		for _, r := range signInRequests(server)["token"] {
			if form(r).Get("client_assertion") == token {
				return true
			}
		}
		return false
	}
	config := providerBlock(server, "use_cli = false") + connectorAndList
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(signedIn, assertionSignIn(server), func(*terraform.State) error {
					if !sent(first) || sent(second) {
						return fmt.Errorf("the first token was not the one sent")
					}
					return nil
				}),
			},
			{
				PreConfig: func() { write(second) },
				Config:    strings.Replace(config, `"Sign-in test"`, `"Sign-in test, renamed"`, 1),
				Check: func(*terraform.State) error {
					if !sent(second) {
						return fmt.Errorf("after the token file changed, its new token was never sent")
					}
					return nil
				},
			},
		},
	})
}

func TestAccProvider_oidcGitHubActions(t *testing.T) {
	applyFromGitHubActions(t, fakegraph.FederatedTokenAudience)
}

// TestAccProvider_managedIdentityIMDS signs in through the instance metadata service, which msi_endpoint
// moves from 169.254.169.254 to the emulator.
func TestAccProvider_managedIdentityIMDS(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	endpoint := fmt.Sprintf("msi_endpoint = %q", server.URL()+"/metadata/identity/oauth2/token")
	identities := func() []string {
		var ids []string
		for _, r := range signInRequests(server)["imds"] {
			query, _ := url.ParseQuery(r.RawQuery)
			ids = append(ids, query.Get("client_id"))
		}
		return ids
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The system-assigned identity: no tenant, no client id.
				Config: providerBlock(server, "use_cli = false", "use_msi = true", endpoint) + connectorAndList,
				Check: resource.ComposeAggregateTestCheckFunc(signedIn, func(*terraform.State) error {
					if ids := identities(); len(ids) == 0 || ids[0] != "" {
						return fmt.Errorf("the metadata endpoint was asked for identities %q, want the system-assigned one", ids)
					}
					if n := len(signInRequests(server)["token"]); n != 0 {
						return fmt.Errorf("%d requests went to the Entra token endpoint; managed identity should not use it", n)
					}
					return nil
				}),
			},
			{
				// A user-assigned identity, picked by its client id.
				Config: providerBlock(server, "use_cli = false", "use_msi = true", endpoint,
					fmt.Sprintf("client_id = %q", fakegraph.UserAssignedClientID)) + connectorAndList,
				Check: func(*terraform.State) error {
					ids := identities()
					if ids[len(ids)-1] != fakegraph.UserAssignedClientID {
						return fmt.Errorf("the metadata endpoint was last asked for %q, want %s", ids[len(ids)-1], fakegraph.UserAssignedClientID)
					}
					return nil
				},
			},
		},
	})
}

func TestAccProvider_azureCLI(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	az := acctest.InstallFakeAzureCLI(t, acctest.MintAccessToken(t, server))
	minted := server.TokenRequests()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			// use_cli is left to its default, as on a laptop after `az login`.
			Config: providerBlock(server, fmt.Sprintf("tenant_id = %q", server.Options().TenantID)) + connectorAndList,
			Check: resource.ComposeAggregateTestCheckFunc(signedIn, func(*terraform.State) error {
				args, err := az.Args()
				if err != nil {
					return err
				}
				want := "account get-access-token -o json --resource " + server.URL() + " --tenant " + server.Options().TenantID
				if args != want {
					return fmt.Errorf("az ran with %q, want %q", args, want)
				}
				if n := server.TokenRequests(); n != minted {
					return fmt.Errorf("the provider asked the token endpoint itself (%d tokens issued, %d minted for az)", n, minted)
				}
				return nil
			}),
		}},
	})
}

// federatedIDs turns on federated sign-in (ARM_USE_OIDC) for the emulator's tenant and application.
func federatedIDs(t *testing.T, server *fakegraph.Server) {
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ARM_TENANT_ID", server.Options().TenantID)
	t.Setenv("ARM_CLIENT_ID", server.Options().ClientID)
}

// githubActions sets what GitHub sets in a job with `permissions: id-token: write`, and the ids.
func githubActions(t *testing.T, server *fakegraph.Server) {
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", server.OIDCRequestURL())
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", server.OIDCRequestToken())
	federatedIDs(t, server)
}

// askedEach fails unless the sign-in endpoint of kind (a key of signInRequests) was asked, and each
// request to it passes check.
func askedEach(server *fakegraph.Server, kind, endpoint string, check func(fakegraph.Request) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		asked := signInRequests(server)[kind]
		if len(asked) == 0 {
			return fmt.Errorf("%s was never asked", endpoint)
		}
		for _, r := range asked {
			if err := check(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// gitHubAskedFor checks that every ID token asked of GitHub was for audience, with GitHub's api-version.
func gitHubAskedFor(server *fakegraph.Server, audience string) resource.TestCheckFunc {
	return askedEach(server, "github", "GitHub's ID token endpoint", func(r fakegraph.Request) error {
		if query, _ := url.ParseQuery(r.RawQuery); query.Get("audience") != audience || query.Get("api-version") != "2.0" {
			return fmt.Errorf("GitHub was asked with the query %q, want its own api-version and audience %s", r.RawQuery, audience)
		}
		return nil
	})
}

// TestAccProvider_oidcGitHubActionsUSGovernment signs in from GitHub Actions to a tenant in the US Government
// cloud, whose federated credentials expect that cloud's audience.
func TestAccProvider_oidcGitHubActionsUSGovernment(t *testing.T) {
	const usGovernment = "api://AzureADTokenExchangeUSGov"
	server := applyFromGitHubActions(t, usGovernment, `environment = "usgovernment"`)
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, "/identity/") && !strings.HasPrefix(r.Path, "/beta/") {
			t.Errorf("Graph was called at %s; the US Government cloud serves API connectors in beta", r.Path)
		}
	}
}

// TestAccProvider_oidcAudience asks GitHub for the audience oidc_audience names, as a federated credential
// with an audience of its own needs.
func TestAccProvider_oidcAudience(t *testing.T) {
	const audience = "api://entra-provider-tests"
	applyFromGitHubActions(t, audience, fmt.Sprintf("oidc_audience = %q", audience))
}

// applyFromGitHubActions applies connectorAndList with the provider arguments given, from a GitHub Actions job,
// to an emulator that takes no client secret and whose federated credential expects audience. It checks that
// the provider signed in with an assertion and asked GitHub for that audience, and returns the emulator.
func applyFromGitHubActions(t *testing.T, audience string, arguments ...string) *fakegraph.Server {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true, FederatedAudience: audience})
	withoutClientSecret(t)
	githubActions(t, server)
	applySignedIn(t, server, append([]string{"use_cli = false"}, arguments...), assertionSignIn(server), gitHubAskedFor(server, audience))
	return server
}

// TestAccProvider_azureDevOps signs in through an Azure DevOps service connection, with the variables an
// Azure Pipelines job has when its step maps in SYSTEM_ACCESSTOKEN.
func TestAccProvider_azureDevOps(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	t.Setenv("SYSTEM_OIDCREQUESTURI", server.AzureDevOpsOIDCRequestURI())
	t.Setenv("SYSTEM_ACCESSTOKEN", server.SystemAccessToken())
	t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", fakegraph.ServiceConnectionID)
	federatedIDs(t, server)
	applySignedIn(t, server, []string{"use_cli = false"}, assertionSignIn(server),
		askedEach(server, "azuredevops", "Azure DevOps' OIDC request endpoint", func(r fakegraph.Request) error {
			query, _ := url.ParseQuery(r.RawQuery)
			if r.Method != http.MethodPost || query.Get("serviceConnectionId") != fakegraph.ServiceConnectionID ||
				r.Header.Get("Authorization") != "Bearer "+server.SystemAccessToken() || r.Status != http.StatusOK {
				return fmt.Errorf("Azure DevOps was asked %s ?%s and answered %d", r.Method, r.RawQuery, r.Status)
			}
			return nil
		}))
}

// TestAccProvider_managedIdentityAppService signs in with the managed identity of an App Service, Functions or
// Container Apps host, which announces its endpoint in IDENTITY_ENDPOINT and IDENTITY_HEADER.
func TestAccProvider_managedIdentityAppService(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	t.Setenv("IDENTITY_ENDPOINT", server.AppServiceIdentityEndpoint())
	t.Setenv("IDENTITY_HEADER", server.IdentityHeader())
	asked := func(i int) (url.Values, error) {
		requests := signInRequests(server)["appservice"]
		if len(requests) <= i {
			return nil, fmt.Errorf("the App Service identity endpoint was asked %d times", len(requests))
		}
		r := requests[len(requests)-1-i]
		query, _ := url.ParseQuery(r.RawQuery)
		if r.Header.Get("X-IDENTITY-HEADER") != server.IdentityHeader() || query.Get("api-version") != "2019-08-01" || r.Status != http.StatusOK {
			return nil, fmt.Errorf("the App Service identity endpoint was asked ?%s and answered %d", r.RawQuery, r.Status)
		}
		return query, nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The system-assigned identity: no tenant, no client id.
				Config: providerBlock(server, "use_cli = false", "use_msi = true") + connectorAndList,
				Check: resource.ComposeAggregateTestCheckFunc(signedIn, func(*terraform.State) error {
					query, err := asked(0)
					if err == nil && query.Get("client_id") != "" {
						err = fmt.Errorf("the system-assigned identity was asked with client_id %s", query.Get("client_id"))
					}
					if n := len(signInRequests(server)["token"]) + len(signInRequests(server)["imds"]); err == nil && n != 0 {
						err = fmt.Errorf("%d requests went to Entra's token endpoint or IMDS on an App Service host", n)
					}
					return err
				}),
			},
			{
				// A user-assigned identity, picked by its client id.
				Config: providerBlock(server, "use_cli = false", "use_msi = true",
					fmt.Sprintf("client_id = %q", fakegraph.UserAssignedClientID)) + connectorAndList,
				Check: func(*terraform.State) error {
					query, err := asked(0)
					if err == nil && query.Get("client_id") != fakegraph.UserAssignedClientID {
						err = fmt.Errorf("the identity endpoint was last asked for %q, want %s", query.Get("client_id"), fakegraph.UserAssignedClientID)
					}
					return err
				},
			},
		},
	})
}

// TestAccProvider_azureCLISignedInAsManagedIdentity uses a CLI that `az login --identity` signed in, of a
// version that refuses --tenant for such an account: the token is asked for without one.
func TestAccProvider_azureCLISignedInAsManagedIdentity(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{DisableClientSecret: true})
	withoutClientSecret(t)
	az := acctest.InstallManagedIdentityAzureCLI(t, acctest.MintAccessToken(t, server))
	applySignedIn(t, server, []string{fmt.Sprintf("tenant_id = %q", server.Options().TenantID)}, func(*terraform.State) error {
		args, err := az.Args()
		if err == nil && strings.Contains(args, "--tenant") {
			err = fmt.Errorf("the last az run was %q, still with --tenant", args)
		}
		return err
	})
}

// TestAccProvider_signInEndsAtTheOperationsTimeout points the provider at a token endpoint that never answers:
// the create must fail when its timeout ends, saying so, rather than wait for the sign-in host.
func TestAccProvider_signInEndsAtTheOperationsTimeout(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{TokenLatency: time.Hour})
	withCreateTimeout := signInConnector
	withCreateTimeout.Timeouts = map[string]string{"create": "3s"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerBlock(server, append(applicationIDs(server), "use_cli = false")...) + withCreateTimeout.HCL(),
			ExpectError: words("signing in did not finish before the operation's deadline"),
		}},
	})
	if n := server.TokenRequests(); n != 0 {
		t.Errorf("%d tokens were issued by a token endpoint that hangs", n)
	}
}

// TestAccProvider_oneTokenForTwentyConnectors applies 20 connectors at once, which OpenTofu does ten at a
// time: every Graph call of the run must share one token.
func TestAccProvider_oneTokenForTwentyConnectors(t *testing.T) {
	server := startEmulator(t, fakegraph.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + acctest.Connector{Name: "many", Count: 20, DisplayName: "Connector ${count.index}",
				TargetURL: "https://api.contoso.com/validate/${count.index}", Basic: signInConnector.Basic}.HCL(),
			Check: func(*terraform.State) error {
				if n := len(server.Connectors()); n != 20 {
					return fmt.Errorf("the emulator holds %d connectors, want 20", n)
				}
				tokenRequests := len(signInRequests(server)["token"])
				bearers := map[string]int{}
				graphCalls := 0
				for _, r := range server.Requests() {
					if strings.Contains(r.Path, "/identity/apiConnectors") {
						graphCalls++
						bearers[r.Header.Get("Authorization")]++
					}
				}
				t.Logf("20 connectors: %d Graph calls, %d token requests, %d tokens issued, %d distinct bearer tokens",
					graphCalls, tokenRequests, server.TokenRequests(), len(bearers))
				metadata := len(signInRequests(server)["metadata"])
				if tokenRequests != 1 || server.TokenRequests() != 1 || len(bearers) != 1 || metadata != 1 {
					return fmt.Errorf("%d token requests (%d issued), %d metadata reads and %d distinct bearer tokens for %d Graph calls, want one of each",
						tokenRequests, server.TokenRequests(), metadata, len(bearers), graphCalls)
				}
				return nil
			},
		}},
	})
}

// words matches a phrase however the CLI wraps it.
func words(phrase string) *regexp.Regexp {
	parts := strings.Fields(phrase)
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

// TestAccProvider_wrongConfigurations runs each mistake through the CLI and expects an error that says what
// to do, quoting none of the secrets the configuration holds.
func TestAccProvider_wrongConfigurations(t *testing.T) {
	expired := testcert.New(t, testcert.Options{NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(-1, 0, 0)})
	tests := []struct {
		name string
		opts fakegraph.Options
		// setup prepares the environment and returns the provider block's lines and the secrets in play.
		setup func(t *testing.T, server *fakegraph.Server) (lines []string, secrets []string)
		want  []*regexp.Regexp
	}{
		{
			name: "nothing configured",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				return append(applicationIDs(server), "use_cli = false"), nil
			},
			want: []*regexp.Regexp{words("No sign-in method configured"), words("ARM_CLIENT_SECRET"), words("ARM_USE_OIDC"), words("ARM_USE_MSI")},
		},
		{
			name: "missing tenant_id",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				return []string{fmt.Sprintf("client_id = %q", server.Options().ClientID), "use_cli = false"}, []string{server.Options().ClientSecret}
			},
			want: []*regexp.Regexp{words("Missing tenant_id"), words("Directory (tenant) ID"), words("ARM_TENANT_ID")},
		},
		{
			name: "wrong client secret",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				wrong := acctest.RandomSecret(t, "wrong-secret")
				t.Setenv("ARM_CLIENT_SECRET", wrong)
				return append(applicationIDs(server), "use_cli = false"), []string{wrong}
			},
			want: []*regexp.Regexp{words("AADSTS7000215: Invalid client secret provided"), words("invalid_client"), regexp.MustCompile(`trace\s+ID`),
				words("client_secret from the environment variable ARM_CLIENT_SECRET")},
		},
		{
			name: "expired certificate",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				t.Setenv("ARM_CLIENT_CERTIFICATE", expired.Base64)
				t.Setenv("ARM_CLIENT_CERTIFICATE_PASSWORD", expired.Password)
				return append(applicationIDs(server), "use_cli = false"), []string{expired.Password, expired.Base64}
			},
			want: []*regexp.Regexp{words("Unusable client certificate"), words("expired on"), words("upload a new one"), words("ARM_CLIENT_CERTIFICATE")},
		},
		{
			name: "certificate that is not base64",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				// From the environment: a value written in the block would be quoted back by the CLI's own
				// source snippet, which is the user's file and not the provider's message.
				t.Setenv("ARM_CLIENT_CERTIFICATE", "MIIK-this-is-not-base64!")
				return append(applicationIDs(server), "use_cli = false"), []string{"MIIK-this-is-not-base64!"}
			},
			want: []*regexp.Regexp{words("client_certificate is not base64"), words("filebase64"), words("ARM_CLIENT_CERTIFICATE")},
		},
		{
			name: "http Graph endpoint on another host",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				return append(applicationIDs(server), "use_cli = false", `graph_endpoint = "http://graph.example.com"`), nil
			},
			want: []*regexp.Regexp{words("Insecure graph_endpoint"), words("must use https"), words("ENTRA_GRAPH_ENDPOINT")},
		},
		{
			name: "v1.0 in the US Government cloud",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				return append(applicationIDs(server), "use_cli = false", `environment = "usgovernment"`, `api_version = "v1.0"`), nil
			},
			want: []*regexp.Regexp{words("does not serve API connectors in the usgovernment cloud"), words(`api_version = "beta"`), words("ENTRA_API_VERSION")},
		},
		{
			name: "use_oidc without a token",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				return append(applicationIDs(server), "use_oidc = true"), nil
			},
			want: []*regexp.Regexp{words("No OIDC token configured"), words("id-token: write")},
		},
		{
			name: "Azure CLI not installed",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				t.Setenv("PATH", t.TempDir())
				return applicationIDs(server), nil
			},
			want: []*regexp.Regexp{words("Azure CLI not found"), words("az login"), words("ARM_CLIENT_SECRET")},
		},
		{
			name: "Azure CLI signed out",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				acctest.InstallSignedOutAzureCLI(t)
				return applicationIDs(server), nil
			},
			want: []*regexp.Regexp{regexp.MustCompile("run\\s+`az\\s+login\\s+--tenant\\s+[0-9a-f-]{36}`"), words("Please run 'az login'")},
		},
		{
			name: "Azure DevOps without the job's access token",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				t.Setenv("SYSTEM_OIDCREQUESTURI", server.AzureDevOpsOIDCRequestURI())
				t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", fakegraph.ServiceConnectionID)
				return append(applicationIDs(server), "use_cli = false", "use_oidc = true"), nil
			},
			want: []*regexp.Regexp{words("Missing oidc_request_token"), words("SYSTEM_ACCESSTOKEN: $(System.AccessToken)"), words("ARM_OIDC_REQUEST_TOKEN")},
		},
		{
			name: "Azure DevOps with an unknown service connection",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				t.Setenv("SYSTEM_OIDCREQUESTURI", server.AzureDevOpsOIDCRequestURI())
				t.Setenv("SYSTEM_ACCESSTOKEN", server.SystemAccessToken())
				t.Setenv("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "11111111-0000-0000-0000-0000000000c1")
				return append(applicationIDs(server), "use_cli = false", "use_oidc = true"), []string{server.SystemAccessToken()}
			},
			want: []*regexp.Regexp{words("azure_devops:"), words("HTTP 404"), words("check ado_pipeline_service_connection_id")},
		},
		{
			name: "a GitHub token for another audience than the federated credential's",
			opts: fakegraph.Options{FederatedAudience: "api://AzureADTokenExchangeUSGov"},
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				githubActions(t, server)
				return []string{"use_cli = false"}, []string{server.OIDCRequestToken()}
			},
			want: []*regexp.Regexp{words("AADSTS700212"), words("set oidc_audience to the audience of that credential"), words("api://AzureADTokenExchange")},
		},
		{
			name: "msi_endpoint on an App Service host",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				t.Setenv("IDENTITY_ENDPOINT", server.AppServiceIdentityEndpoint())
				t.Setenv("IDENTITY_HEADER", server.IdentityHeader())
				t.Setenv("ARM_MSI_ENDPOINT", server.URL()+"/metadata/identity/oauth2/token")
				return []string{"use_cli = false", "use_msi = true"}, []string{server.IdentityHeader()}
			},
			want: []*regexp.Regexp{words("msi_endpoint does not apply on this host"), words("unset msi_endpoint"), words("ARM_MSI_ENDPOINT")},
		},
		{
			name: "a wrong App Service identity header",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				withoutClientSecret(t)
				wrong := acctest.RandomSecret(t, "identity-header")
				t.Setenv("IDENTITY_ENDPOINT", server.AppServiceIdentityEndpoint())
				t.Setenv("IDENTITY_HEADER", wrong)
				return []string{"use_cli = false", "use_msi = true"}, []string{wrong, server.IdentityHeader()}
			},
			want: []*regexp.Regexp{words("managed_identity:"), words("HTTP 401"), words("X-IDENTITY-HEADER"), words("IDENTITY_HEADER must hold")},
		},
		{
			name: "a plain-http sign-in host on loopback",
			setup: func(t *testing.T, server *fakegraph.Server) ([]string, []string) {
				return append(applicationIDs(server), "use_cli = false",
					fmt.Sprintf("authority_host = %q", strings.Replace(server.URL(), "https://", "http://", 1))), nil
			},
			want: []*regexp.Regexp{words("Insecure authority_host"), words("even on a loopback host"), words("ENTRA_AUTHORITY_HOST")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startEmulator(t, tt.opts)
			lines, secrets := tt.setup(t, server)
			config := providerBlock(server, lines...)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				ErrorCheck:               expectErrorWithout(tt.want, secrets),
				Steps: []resource.TestStep{{
					Config: config + `data "entra_identity_api_connectors" "all" {}`,
					Check: func(*terraform.State) error {
						return fmt.Errorf("the configuration was accepted; want an error matching %v", tt.want)
					},
				}},
			})
			for _, r := range server.Requests() {
				if strings.Contains(r.Path, "/identity/") {
					t.Errorf("a configuration that cannot sign in reached Graph: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// expectErrorWithout accepts the step's error when it matches every pattern and holds none of the secrets.
// It stands in for ExpectError, which cannot say that something is absent.
func expectErrorWithout(patterns []*regexp.Regexp, secrets []string) resource.ErrorCheckFunc {
	return func(err error) error {
		for _, pattern := range patterns {
			if !pattern.MatchString(err.Error()) {
				return fmt.Errorf("the error does not match %q: %w", pattern, err)
			}
		}
		for _, secret := range secrets {
			if secret != "" && strings.Contains(err.Error(), secret) {
				return fmt.Errorf("the error holds the secret %.6s…: %w", secret, err)
			}
		}
		return nil
	}
}
