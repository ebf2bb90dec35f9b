package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// unreachable is where the tests point Graph and sign-in when nothing should be asked: a loopback port
// that nothing listens on, so that a request by mistake fails rather than reaching a network.
const unreachable = "http://127.0.0.1:9"

// unreachableSignIn is the same for the sign-in host, which must be https.
const unreachableSignIn = "https://127.0.0.1:9"

// testCertificate is a client certificate made for one test, as base64 PKCS#12 and as a PEM file.
type testCertificate struct {
	testcert.PFX
	pemPath string
}

func newTestCertificate(t *testing.T, notBefore, notAfter time.Time) testCertificate {
	t.Helper()
	pfx := testcert.New(t, testcert.Options{CommonName: "provider-test", NotBefore: notBefore, NotAfter: notAfter})
	return testCertificate{PFX: pfx, pemPath: writeFile(t, "client.pem", string(pfx.PEM()))}
}

func validTestCertificate(t *testing.T) testCertificate {
	return newTestCertificate(t, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeAzOnPath puts an `az` that prints a token first on PATH.
func fakeAzOnPath(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho '{\"accessToken\": \"cli-token\", \"expires_on\": 4102444800, \"tokenType\": \"Bearer\"}'\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// configureFromEnv configures a provider whose block is empty and whose environment is vars.
func configureFromEnv(t *testing.T, vars map[string]string) (*graph.Client, credentials.Method, diag.Diagnostics) {
	t.Helper()
	p := &entraProvider{version: "test", lookupEnv: environment(vars)}
	return p.configure(context.Background(), block{}, "1.12.0")
}

// with returns base with changes applied; an empty value removes a variable.
func with(base map[string]string, changes map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// application is the environment of an app registration pointed at nowhere.
var application = map[string]string{
	"ARM_TENANT_ID":        fakegraph.DefaultTenantID,
	"ARM_CLIENT_ID":        fakegraph.DefaultClientID,
	"ENTRA_GRAPH_ENDPOINT": unreachable,
	"ENTRA_AUTHORITY_HOST": unreachableSignIn,
	"ARM_USE_CLI":          "false",
}

func TestConfigure_followsDocumentedPrecedence(t *testing.T) {
	fakeAzOnPath(t)
	t.Setenv("SYSTEM_OIDCREQUESTURI", unreachable+"/oidctoken")
	cert := validTestCertificate(t)
	tokenFile := writeFile(t, "token", "federated-token")
	secretFile := writeFile(t, "secret", "client-secret-from-file\n")
	everything := with(application, map[string]string{
		"ARM_CLIENT_CERTIFICATE_PATH": cert.pemPath,
		"ARM_CLIENT_SECRET":           "client-secret",
		"ARM_USE_OIDC":                "true",
		"ARM_OIDC_TOKEN":              "federated-token",
		"ARM_USE_MSI":                 "true",
		"ARM_MSI_ENDPOINT":            unreachable + "/metadata/identity/oauth2/token",
		"ARM_USE_CLI":                 "true",
	})
	tests := []struct {
		name    string
		changes map[string]string
		want    credentials.Method
	}{
		{"a certificate beats everything", nil, credentials.ClientCertificate},
		{"a base64 certificate too", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_CERTIFICATE": cert.Base64,
			"ARM_CLIENT_CERTIFICATE_PASSWORD": cert.Password}, credentials.ClientCertificate},
		{"then a secret", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": ""}, credentials.ClientSecret},
		{"a secret from a file", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "",
			"ARM_CLIENT_SECRET_FILE_PATH": secretFile}, credentials.ClientSecret},
		{"then an OIDC token", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": ""}, credentials.OIDCToken},
		{"then a Kubernetes token file", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "",
			"ARM_OIDC_TOKEN": "", "AZURE_FEDERATED_TOKEN_FILE": tokenFile}, credentials.OIDCTokenFile},
		{"then Azure DevOps", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "", "ARM_OIDC_TOKEN": "",
			"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "00000000-0000-0000-0000-0000000000c0", "SYSTEM_ACCESSTOKEN": "system-token"}, credentials.AzureDevOps},
		{"then GitHub Actions", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "", "ARM_OIDC_TOKEN": "",
			"ACTIONS_ID_TOKEN_REQUEST_URL": unreachable + "/idtoken?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request"}, credentials.GitHubActions},
		{"then managed identity", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": ""},
			credentials.ManagedIdentity},
		{"then the Azure CLI", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "", "ARM_USE_MSI": ""},
			credentials.AzureCLI},
		{"the Azure CLI by default", map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": "", "ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "", "ARM_USE_MSI": "",
			"ARM_USE_CLI": "", "ARM_TENANT_ID": "", "ARM_CLIENT_ID": ""}, credentials.AzureCLI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, method, diags := configureFromEnv(t, with(everything, tt.changes))
			if diags.HasError() {
				t.Fatal(diags)
			}
			if method != tt.want || client == nil {
				t.Errorf("method = %s, want %s", method, tt.want)
			}
		})
	}
}

func TestConfigure_fileAndInlineValuesMustAgree(t *testing.T) {
	sameSecret := writeFile(t, "same", "the-client-secret\n")
	otherSecret := writeFile(t, "other", "another-client-secret")
	otherClient := writeFile(t, "client", "11111111-0000-0000-0000-000000000000")
	empty := writeFile(t, "empty", "\n")
	tests := []struct {
		name      string
		changes   map[string]string
		attribute string // empty when the configuration is fine
		want      string
	}{
		{"secret and file agree", map[string]string{"ARM_CLIENT_SECRET": "the-client-secret", "ARM_CLIENT_SECRET_FILE_PATH": sameSecret}, "", ""},
		{"secret and file disagree", map[string]string{"ARM_CLIENT_SECRET": "the-client-secret", "ARM_CLIENT_SECRET_FILE_PATH": otherSecret},
			"client_secret_file_path", "hold different values"},
		{"client id and file disagree", map[string]string{"ARM_CLIENT_SECRET": "the-client-secret", "ARM_CLIENT_ID_FILE_PATH": otherClient},
			"client_id_file_path", "hold different values"},
		{"client id from a file alone", map[string]string{"ARM_CLIENT_SECRET": "the-client-secret", "ARM_CLIENT_ID": "", "ARM_CLIENT_ID_FILE_PATH": otherClient}, "", ""},
		{"a missing file", map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": filepath.Join(t.TempDir(), "missing")},
			"client_secret_file_path", "no such file"},
		{"an empty file", map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": empty}, "client_secret_file_path", "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, diags := configureFromEnv(t, with(application, tt.changes))
			if tt.attribute == "" {
				if diags.HasError() {
					t.Fatal(diags)
				}
				return
			}
			assertOneAttributeError(t, diags, tt.attribute, tt.want)
			assertNoSecretIn(t, diags, "the-client-secret", "another-client-secret")
		})
	}
}

// The secrets of TestConfigure_problemsNameArgumentAndVariableButNoSecret: every failing configuration carries
// them all, and some put one where a careless message would repeat it.
const (
	secretValue      = "client-secret-value-8f3a"
	secretPassword   = "pfx-password-value-51c2"
	secretOIDCToken  = "oidc-token-value-77d0"
	secretRequest    = "request-token-value-0b9e"
	secretFromFile   = "secret-from-file-value-2d4c"
	secretBadBase64  = "certificate-value-6e1f!!"
	secretMSIVariant = "msi-" + secretValue
)

func TestConfigure_problemsNameArgumentAndVariableButNoSecret(t *testing.T) {
	expired := newTestCertificate(t, time.Now().AddDate(-2, 0, 0), time.Now().AddDate(-1, 0, 0))
	valid := validTestCertificate(t)
	secretFile := writeFile(t, "secret", secretFromFile)
	emptyPath := t.TempDir()
	secrets := map[string]string{
		"ARM_CLIENT_SECRET":               secretValue,
		"ARM_CLIENT_CERTIFICATE_PASSWORD": secretPassword,
		"ARM_OIDC_TOKEN":                  secretOIDCToken,
		"ARM_OIDC_REQUEST_TOKEN":          secretRequest,
	}
	tests := []struct {
		name      string
		changes   map[string]string
		path      string // PATH, when the test needs one without az
		attribute string
		envVar    string
		want      string
	}{
		{name: "missing tenant", changes: map[string]string{"ARM_TENANT_ID": ""},
			attribute: "tenant_id", envVar: "ARM_TENANT_ID", want: "Directory (tenant) ID"},
		{name: "missing client id", changes: map[string]string{"ARM_CLIENT_ID": ""},
			attribute: "client_id", envVar: "ARM_CLIENT_ID", want: "Application (client) ID"},
		{name: "certificate that is not base64", changes: map[string]string{"ARM_CLIENT_CERTIFICATE": secretBadBase64},
			attribute: "client_certificate", envVar: "ARM_CLIENT_CERTIFICATE", want: "not base64"},
		{name: "certificate given twice", changes: map[string]string{"ARM_CLIENT_CERTIFICATE": valid.Base64, "ARM_CLIENT_CERTIFICATE_PATH": valid.pemPath},
			attribute: "client_certificate_path", envVar: "ARM_CLIENT_CERTIFICATE_PATH", want: "Set only one"},
		{name: "expired certificate file", changes: map[string]string{"ARM_CLIENT_CERTIFICATE_PATH": expired.pemPath},
			attribute: "client_certificate_path", envVar: "ARM_CLIENT_CERTIFICATE_PATH", want: "expired on"},
		{name: "expired certificate", changes: map[string]string{"ARM_CLIENT_CERTIFICATE": expired.Base64, "ARM_CLIENT_CERTIFICATE_PASSWORD": expired.Password},
			attribute: "client_certificate", envVar: "ARM_CLIENT_CERTIFICATE", want: "expired on"},
		{name: "wrong certificate password", changes: map[string]string{"ARM_CLIENT_CERTIFICATE": valid.Base64},
			attribute: "client_certificate_password", envVar: "ARM_CLIENT_CERTIFICATE_PASSWORD", want: "does not open"},
		{name: "secret file that disagrees", changes: map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": secretFile},
			attribute: "client_secret_file_path", envVar: "ARM_CLIENT_SECRET_FILE_PATH", want: "different values"},
		{name: "use_oidc without a token", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": "", "ARM_OIDC_REQUEST_TOKEN": ""},
			attribute: "use_oidc", envVar: "ARM_USE_OIDC", want: "id-token: write"},
		{name: "GitHub token without its URL", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": ""},
			attribute: "oidc_request_url", envVar: "ACTIONS_ID_TOKEN_REQUEST_URL", want: "oidc_request_token is set"},
		{name: "missing token file", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": "",
			"ARM_OIDC_TOKEN_FILE_PATH": filepath.Join(emptyPath, "token")}, attribute: "oidc_token_file_path", envVar: "AZURE_FEDERATED_TOKEN_FILE", want: "no such file"},
		{name: "GitHub request URL over http", changes: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "http://github.example/idtoken?sig=" + secretRequest},
			attribute: "oidc_request_url", envVar: "ARM_OIDC_REQUEST_URL", want: "must use https"},
		{name: "metadata endpoint over http", changes: map[string]string{"ARM_MSI_ENDPOINT": "http://" + secretMSIVariant + ".example/token"},
			attribute: "msi_endpoint", envVar: "ARM_MSI_ENDPOINT", want: "must use https"},
		{name: "Graph over http", changes: map[string]string{"ENTRA_GRAPH_ENDPOINT": "http://graph.example.com"},
			attribute: "graph_endpoint", envVar: "ENTRA_GRAPH_ENDPOINT", want: "The value in use comes from the environment variable ENTRA_GRAPH_ENDPOINT"},
		{name: "v1.0 in US Government", changes: map[string]string{"ARM_ENVIRONMENT": "usgovernment", "ENTRA_API_VERSION": "v1.0"},
			attribute: "api_version", envVar: "ENTRA_API_VERSION", want: `api_version = "beta"`},
		{name: "an unknown cloud named like a secret", changes: map[string]string{"ARM_ENVIRONMENT": secretValue},
			attribute: "environment", envVar: "ARM_ENVIRONMENT", want: "must be one of"},
		{name: "a boolean that is not one", changes: map[string]string{"ARM_USE_MSI": "maybe"},
			attribute: "use_msi", envVar: "ARM_USE_MSI", want: `"maybe"`},
		{name: "Azure DevOps outside a pipeline", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": "",
			"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "00000000-0000-0000-0000-0000000000c0"},
			attribute: "oidc_request_url", envVar: "SYSTEM_OIDCREQUESTURI", want: "SYSTEM_OIDCREQUESTURI, which is not set"},
		{name: "plain http sign-in host", changes: map[string]string{"ENTRA_AUTHORITY_HOST": "http://127.0.0.1:9"},
			attribute: "authority_host", envVar: "ENTRA_AUTHORITY_HOST", want: "even on a loopback host"},
		{name: "nothing configured", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_OIDC_REQUEST_TOKEN": ""},
			attribute: "use_cli", envVar: "ARM_USE_CLI", want: "ARM_CLIENT_CERTIFICATE_PATH"},
		{name: "no Azure CLI installed", changes: map[string]string{"ARM_CLIENT_SECRET": "", "ARM_OIDC_REQUEST_TOKEN": "", "ARM_USE_CLI": "true"}, path: emptyPath,
			attribute: "use_cli", envVar: "ARM_USE_CLI", want: "ARM_USE_MSI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path != "" {
				t.Setenv("PATH", tt.path)
			}
			vars := with(with(application, secrets), tt.changes)
			_, _, diags := configureFromEnv(t, vars)
			assertOneAttributeError(t, diags, tt.attribute, tt.want)
			if detail := diags[0].Detail(); !strings.Contains(detail, tt.envVar) {
				t.Errorf("the detail does not name %s: %s", tt.envVar, detail)
			}
			assertNoSecretIn(t, diags, secretValue, secretPassword, secretOIDCToken, secretRequest, secretFromFile, secretBadBase64,
				valid.Password, expired.Password)
		})
	}
}

// assertOneAttributeError fails unless diags is one error, against attribute, whose detail holds want.
func assertOneAttributeError(t *testing.T, diags diag.Diagnostics, attribute, want string) {
	t.Helper()
	if len(diags) != 1 || diags.ErrorsCount() != 1 {
		t.Fatalf("got %d diagnostics, want one error for %s: %v", len(diags), attribute, diags)
	}
	withPath, ok := diags[0].(diag.DiagnosticWithPath)
	if !ok || !withPath.Path().Equal(path.Root(attribute)) {
		t.Fatalf("the error %q is not against %s: %v", diags[0].Summary(), attribute, diags[0])
	}
	if !strings.Contains(diags[0].Detail(), want) {
		t.Errorf("the detail does not contain %q: %s", want, diags[0].Detail())
	}
}

func assertNoSecretIn(t *testing.T, diags diag.Diagnostics, secrets ...string) {
	t.Helper()
	for _, d := range diags {
		for _, secret := range secrets {
			if strings.Contains(d.Summary(), secret) || strings.Contains(d.Detail(), secret) {
				t.Errorf("a diagnostic holds the secret %.6s…: %s: %s", secret, d.Summary(), d.Detail())
			}
		}
	}
}

func TestConfigure_reusesOneTokenAcrossConfigurations(t *testing.T) {
	server := fakegraph.NewServer(fakegraph.Options{})
	t.Cleanup(server.Close)
	vars := with(application, map[string]string{
		"ENTRA_GRAPH_ENDPOINT": server.URL(), "ENTRA_AUTHORITY_HOST": server.URL(), "ARM_CLIENT_SECRET": fakegraph.DefaultClientSecret,
	})
	// OpenTofu configures the provider once for each command, and the testing framework runs several in one
	// process; every configuration after the first must reuse the first one's token.
	for range 3 {
		client, method, diags := configureFromEnv(t, vars)
		if diags.HasError() {
			t.Fatal(diags)
		}
		if method != credentials.ClientSecret {
			t.Fatalf("method = %s", method)
		}
		for range 5 {
			if _, err := client.ListAPIConnectors(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	metadata := 0
	for _, r := range server.Requests() {
		if strings.HasSuffix(r.Path, "/.well-known/openid-configuration") {
			metadata++
		}
	}
	if n := server.TokenRequests(); n != 1 || metadata != 1 {
		t.Errorf("3 configurations and 15 Graph calls made %d token requests and read the metadata %d times, want 1 and 1", n, metadata)
	}
}

func TestConfigure_usGovernmentCallsGraphBeta(t *testing.T) {
	server := fakegraph.NewServer(fakegraph.Options{})
	t.Cleanup(server.Close)
	client, _, diags := configureFromEnv(t, with(application, map[string]string{
		"ARM_ENVIRONMENT": "usgovernment", "ENTRA_GRAPH_ENDPOINT": server.URL(), "ENTRA_AUTHORITY_HOST": server.URL(),
		"ARM_CLIENT_SECRET": fakegraph.DefaultClientSecret,
	}))
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, err := client.ListAPIConnectors(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, "/identity/") && !strings.HasPrefix(r.Path, "/beta/") {
			t.Errorf("Graph was called at %s, want /beta/", r.Path)
		}
	}
}
