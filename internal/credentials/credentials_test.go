package credentials

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// emulator starts a Graph emulator and returns it with a Config that points at it and trusts it.
func emulator(t *testing.T, opts fakegraph.Options) (*fakegraph.Server, Config) {
	t.Helper()
	server := fakegraph.NewServer(opts)
	t.Cleanup(server.Close)
	o := server.Options()
	return server, Config{
		TenantID: o.TenantID, ClientID: o.ClientID,
		AuthorityHost: server.URL(), Resource: server.URL(),
		OIDCAudience: fakegraph.FederatedTokenAudience,
		HTTPClient:   server.Client(),
	}
}

func TestChoose_documentedPrecedence(t *testing.T) {
	everything := Config{TenantID: "t", ClientID: "c", ClientCertificate: []byte("pfx"), ClientSecret: "s", UseOIDC: true,
		OIDCToken: "jwt", OIDCTokenFilePath: "/token", ADOServiceConnectionID: "sc", OIDCRequestURL: "https://idtoken",
		OIDCRequestToken: "bearer", UseMSI: true, UseCLI: true}
	steps := []struct {
		remove func(*Config)
		want   Method
	}{
		{func(*Config) {}, ClientCertificate},
		{func(c *Config) { c.ClientCertificate = nil }, ClientSecret},
		{func(c *Config) { c.ClientSecret = "" }, OIDCToken},
		{func(c *Config) { c.OIDCToken = "" }, OIDCTokenFile},
		{func(c *Config) { c.OIDCTokenFilePath = "" }, AzureDevOps},
		{func(c *Config) { c.ADOServiceConnectionID = "" }, GitHubActions},
		{func(c *Config) { c.UseOIDC = false }, ManagedIdentity},
		{func(c *Config) { c.UseMSI = false }, AzureCLI},
	}
	cfg := everything
	for _, step := range steps {
		step.remove(&cfg)
		if got, err := Choose(cfg); got != step.want || err != nil {
			t.Errorf("Choose = %s, %v; want %s", got, err, step.want)
		}
	}
	if _, err := Choose(Config{}); !errors.Is(err, ErrNoMethod) {
		t.Errorf("nothing configured: %v", err)
	}
	if _, err := Choose(Config{UseOIDC: true, UseCLI: true}); !errors.Is(err, ErrNoFederatedToken) {
		t.Errorf("use_oidc without a token fell through to another method: %v", err)
	}
	named := ArgumentErrors(func() error { _, err := Choose(Config{ClientSecret: "s"}); return err }())
	if len(named) != 2 || named[0].Argument != "tenant_id" || named[1].Argument != "client_id" {
		t.Errorf("a secret without tenant and client: %v", named)
	}
}

func TestNewTokenSource_signsInOncePerProcess(t *testing.T) {
	server, cfg := emulator(t, fakegraph.Options{})
	cfg.ClientSecret = fakegraph.DefaultClientSecret
	for range 3 {
		src, method, err := NewTokenSource(cfg)
		if err != nil || method != ClientSecret {
			t.Fatalf("%s: %v", method, err)
		}
		for range 3 {
			if _, err := src.TokenContext(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
	}
	var metadata, tokens int
	for _, r := range server.Requests() {
		switch {
		case strings.HasSuffix(r.Path, "/v2.0/.well-known/openid-configuration"):
			metadata++
		case strings.HasSuffix(r.Path, "/oauth2/v2.0/token"):
			tokens++
		}
	}
	if metadata != 1 || tokens != 1 || len(server.Requests()) != 2 {
		t.Errorf("3 configurations and 9 tokens: %d metadata and %d token requests of %d, want 1 and 1 of 2", metadata, tokens, len(server.Requests()))
	}
}

func TestNewTokenSource_failuresSayWhatToDo(t *testing.T) {
	tests := []struct {
		name   string
		opts   fakegraph.Options
		config func(*Config, *fakegraph.Server)
		want   []string
	}{
		{
			name:   "a wrong secret",
			config: func(c *Config, _ *fakegraph.Server) { c.ClientSecret = "wrong-secret-value" },
			want:   []string{"HTTP 401 (invalid_client)", "AADSTS7000215", "trace ID", "Next step: the client secret is wrong"},
		},
		{
			name: "an unknown tenant",
			config: func(c *Config, _ *fakegraph.Server) {
				c.ClientSecret = "wrong-secret-value"
				c.TenantID = "11111111-0000-0000-0000-000000000000"
			},
			want: []string{"openid-configuration failed with HTTP 400", "AADSTS90002", "Next step: the tenant was not found"},
		},
		{
			name: "a GitHub token for the wrong audience",
			opts: fakegraph.Options{FederatedAudience: "api://AzureADTokenExchangeUSGov"},
			config: func(c *Config, s *fakegraph.Server) {
				c.UseOIDC, c.OIDCRequestURL, c.OIDCRequestToken = true, s.OIDCRequestURL(), s.OIDCRequestToken()
			},
			want: []string{"AADSTS700212", "set oidc_audience", "asked for api://AzureADTokenExchange)"},
		},
		{
			name: "GitHub refusing the request token",
			config: func(c *Config, s *fakegraph.Server) {
				c.UseOIDC, c.OIDCRequestURL, c.OIDCRequestToken = true, s.OIDCRequestURL(), "wrong-request-token"
			},
			want: []string{"GitHub Actions refused the ID token request", "HTTP 401", "id-token: write"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, cfg := emulator(t, tt.opts)
			tt.config(&cfg, server)
			src, _, err := NewTokenSource(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.TokenContext(t.Context())
			if err == nil {
				t.Fatal("signed in")
			}
			t.Log(err)
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
			for _, secret := range []string{"wrong-secret-value", "wrong-request-token", server.OIDCRequestToken()} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error holds the secret %s: %v", secret, err)
				}
			}
		})
	}
}

func TestManagedIdentity_msiEndpointMovesTheMetadataService(t *testing.T) {
	server, cfg := emulator(t, fakegraph.Options{})
	cfg.UseMSI, cfg.ClientID = true, fakegraph.UserAssignedClientID
	cfg.MSIEndpoint = server.URL() + "/metadata/identity/oauth2/token"
	src, method, err := NewTokenSource(cfg)
	if err != nil || method != ManagedIdentity {
		t.Fatalf("%s: %v", method, err)
	}
	if _, err := src.TokenContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	requests := server.Requests()
	if len(requests) != 1 {
		t.Fatalf("%d requests, want 1 to the metadata service", len(requests))
	}
	query, _ := url.ParseQuery(requests[0].RawQuery)
	if requests[0].Path != "/metadata/identity/oauth2/token" || query.Get("client_id") != fakegraph.UserAssignedClientID ||
		query.Get("api-version") == "" || requests[0].Header.Get("Metadata") != "true" {
		t.Errorf("the metadata service was asked %s?%s", requests[0].Path, requests[0].RawQuery)
	}
}

func TestManagedIdentity_msiEndpointIsRefusedWhereTheHostNamesItsOwn(t *testing.T) {
	t.Setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi/token")
	t.Setenv("IDENTITY_HEADER", "header")
	_, err := func() (*TokenSource, error) {
		src, _, err := NewTokenSource(Config{UseMSI: true, MSIEndpoint: "http://127.0.0.1:9/token", Resource: "https://graph.microsoft.com"})
		return src, err
	}()
	named := ArgumentErrors(err)
	if len(named) != 1 || named[0].Argument != "msi_endpoint" || !strings.Contains(err.Error(), "IDENTITY_ENDPOINT and IDENTITY_HEADER are set") {
		t.Errorf("err = %v", err)
	}
}

// installAz puts a shell script named az first on PATH.
func installAz(t *testing.T, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestAzureCLI_signedInAsAManagedIdentityIsAskedWithoutATenant(t *testing.T) {
	// As the CLI before it allowed --tenant for a managed-identity account.
	installAz(t, `case "$*" in
*--tenant*) echo "ERROR: Tenant shouldn't be specified for managed identity account" >&2; exit 1;;
esac
echo '{"accessToken": "cli-token", "expires_on": 4102444800, "tokenType": "Bearer"}'
`)
	src, method, err := NewTokenSource(Config{UseCLI: true, TenantID: "00000000-0000-0000-0000-0000000000aa", Resource: "https://graph.microsoft.com"})
	if err != nil || method != AzureCLI {
		t.Fatalf("%s: %v", method, err)
	}
	for range 2 {
		token, err := src.TokenContext(t.Context())
		if err != nil || token.AccessToken != "cli-token" {
			t.Fatalf("token %v, err %v", token, err)
		}
	}
}

func TestAzureCLI_signedOutSaysHowToSignIn(t *testing.T) {
	installAz(t, `echo "ERROR: Please run 'az login' to setup account." >&2; exit 1`)
	src, _, err := NewTokenSource(Config{UseCLI: true, TenantID: "00000000-0000-0000-0000-0000000000bb", Resource: "https://graph.microsoft.com"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.TokenContext(t.Context())
	if err == nil || !strings.Contains(err.Error(), "az login --tenant 00000000-0000-0000-0000-0000000000bb") {
		t.Errorf("err = %v", err)
	}
}

func TestAzureCLI_missingIsAConfigureTimeError(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, _, err := NewTokenSource(Config{UseCLI: true, Resource: "https://graph.microsoft.com"})
	if !IsAzureCLINotFound(err) {
		t.Errorf("err = %v", err)
	}
}
