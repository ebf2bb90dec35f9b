package credentials

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestChoose_followsDocumentedPrecedence(t *testing.T) {
	everything := Config{
		TenantID:          testTenantID,
		ClientID:          testClientID,
		ClientCertificate: []byte("pfx"),
		ClientSecret:      "secret",
		UseOIDC:           true,
		OIDCToken:         "federated",
		UseMSI:            true,
		UseCLI:            true,
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   Method
	}{
		{"everything set", func(*Config) {}, ClientCertificate},
		{"no certificate", func(c *Config) { c.ClientCertificate = nil }, ClientSecret},
		{"no certificate or secret", func(c *Config) { c.ClientCertificate, c.ClientSecret = nil, "" }, OIDC},
		{"OIDC from a token file", func(c *Config) {
			c.ClientCertificate, c.ClientSecret, c.OIDCToken, c.OIDCTokenFilePath = nil, "", "", "/var/run/token"
		}, OIDC},
		{"OIDC from GitHub Actions", func(c *Config) {
			c.ClientCertificate, c.ClientSecret, c.OIDCToken = nil, "", ""
			c.OIDCRequestURL, c.OIDCRequestToken = "https://github.example/token?api-version=2.0", "request-token"
		}, OIDC},
		{"an incomplete OIDC loses to a secret", func(c *Config) {
			c.ClientCertificate, c.OIDCToken, c.OIDCRequestURL = nil, "", "https://github.example/token"
		}, ClientSecret},
		{"OIDC token without use_oidc", func(c *Config) { c.ClientCertificate, c.ClientSecret, c.UseOIDC = nil, "", false }, ManagedIdentity},
		{"only managed identity and CLI", func(c *Config) {
			*c = Config{UseMSI: true, UseCLI: true}
		}, ManagedIdentity},
		{"only the CLI", func(c *Config) { *c = Config{UseCLI: true} }, AzureCLI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := everything
			tt.change(&cfg)
			got, err := Choose(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Choose = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestChoose_noMethodListsEveryOption(t *testing.T) {
	_, err := Choose(Config{TenantID: testTenantID, ClientID: testClientID})
	assertContains(t, err,
		"ARM_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PASSWORD",
		"ARM_CLIENT_SECRET",
		"ARM_USE_OIDC", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
		"ARM_USE_MSI",
		"ARM_USE_CLI", "az login",
	)
}

func TestChoose_useOIDCWithoutTokenIsAnErrorNotAFallThrough(t *testing.T) {
	ids := Config{TenantID: testTenantID, ClientID: testClientID, UseOIDC: true, UseMSI: true, UseCLI: true}
	tests := []struct {
		name     string
		change   func(*Config)
		argument string
		want     string
	}{
		{"no token at all", func(*Config) {}, "use_oidc", "permissions: id-token: write"},
		{"request URL without its token", func(c *Config) { c.OIDCRequestURL = "https://github.example/token" }, "oidc_request_token", "oidc_request_url is set"},
		{"request token without its URL", func(c *Config) { c.OIDCRequestToken = "request-token-1234" }, "oidc_request_url", "oidc_request_token is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ids
			tt.change(&cfg)
			_, err := Choose(cfg)
			assertContains(t, err, tt.want)
			assertNoSecret(t, err, "request-token-1234")
			assertBlames(t, err, tt.argument)
		})
	}
}

func TestChoose_eachMissingIDIsItsOwnArgumentError(t *testing.T) {
	_, err := Choose(Config{ClientSecret: "s"})
	var named []string
	for _, e := range ArgumentErrors(err) {
		named = append(named, e.Argument)
	}
	if strings.Join(named, ",") != "tenant_id,client_id" {
		t.Errorf("ArgumentErrors name %v, want tenant_id and client_id", named)
	}
	assertContains(t, err, "Overview page")
}

func TestChoose_noMethodBlamesTheCLIBeingOff(t *testing.T) {
	_, err := Choose(Config{TenantID: testTenantID, ClientID: testClientID})
	assertContains(t, err, "use_cli is false")
	assertBlames(t, err, "use_cli")
}

func TestChoose_applicationMethodsNeedTenantAndClientID(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		want    []string
		notWant string
	}{
		{"secret without tenant", Config{ClientID: testClientID, ClientSecret: "s"}, []string{"client secret", "tenant ID", "ARM_TENANT_ID"}, "ARM_CLIENT_ID"},
		{"certificate without client", Config{TenantID: testTenantID, ClientCertificate: []byte("x")}, []string{"client certificate", "client ID", "ARM_CLIENT_ID"}, "ARM_TENANT_ID"},
		{"OIDC without either", Config{UseOIDC: true, OIDCToken: "t"}, []string{"OpenID Connect", "ARM_TENANT_ID", "ARM_CLIENT_ID"}, "ARM_USE_MSI"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Choose(tt.cfg)
			assertContains(t, err, tt.want...)
			if strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("the error names %s, which is set: %v", tt.notWant, err)
			}
		})
	}
}

func TestChoose_managedIdentityAndCLINeedNoIDs(t *testing.T) {
	for _, cfg := range []Config{{UseMSI: true}, {UseCLI: true}} {
		if _, err := Choose(cfg); err != nil {
			t.Errorf("Choose(%+v): %v", cfg, err)
		}
	}
}

func TestNewTokenSource_makesNoRequest(t *testing.T) {
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) { return "", "" })
	cfg := endpoint.config()
	cfg.ClientSecret = "lazy-secret"
	if _, _, err := NewTokenSource(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if n := len(endpoint.requests()); n != 0 {
		t.Errorf("NewTokenSource made %d token requests, want none", n)
	}
}

func TestNewTokenSource_outlivesItsContext(t *testing.T) {
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) { return "", "" })
	cfg := endpoint.config()
	cfg.ClientSecret = "outlives-secret"
	ctx, cancel := context.WithCancel(context.Background())
	src, _, err := NewTokenSource(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := src.Token(); err != nil {
		t.Fatalf("Token after the configure context ended: %v", err)
	}
}

func TestNewTokenSource_needsResourceAndAuthority(t *testing.T) {
	_, _, err := NewTokenSource(context.Background(), Config{TenantID: testTenantID, ClientID: testClientID, ClientSecret: "s", AuthorityHost: "https://login.example"})
	assertContains(t, err, "Resource")
	_, _, err = NewTokenSource(context.Background(), Config{TenantID: testTenantID, ClientID: testClientID, ClientSecret: "s", Resource: testResource})
	assertContains(t, err, "AuthorityHost")
}

func TestNewTokenSource_reusesTokenUntilNearExpiry(t *testing.T) {
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) { return "", "" })
	cfg := endpoint.config()
	cfg.ClientSecret = "reuse-secret"
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := src.Token(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(endpoint.requests()); n != 1 {
		t.Errorf("10 Token calls made %d token requests, want 1", n)
	}
}

func TestNewTokenSource_refreshesWithinFiveMinutesOfExpiry(t *testing.T) {
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) { return "", "" })
	// A token that expires in four minutes is already inside the five-minute margin when it arrives.
	endpoint.setExpiresIn(240)
	cfg := endpoint.config()
	cfg.ClientSecret = "refresh-secret"
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for range 3 {
		tok, err := src.Token()
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, tok.AccessToken)
	}
	if n := len(endpoint.requests()); n != 3 {
		t.Errorf("3 Token calls near expiry made %d token requests, want 3", n)
	}
	if seen[0] == seen[2] {
		t.Errorf("the token was not replaced: %v", seen)
	}
}

func TestNewTokenSource_sharesOneTokenBetweenIdenticalConfigurations(t *testing.T) {
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) { return "", "" })
	cfg := endpoint.config()
	cfg.ClientSecret = "shared-secret"
	first, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := first.Token()
	if err != nil {
		t.Fatal(err)
	}
	b, err := second.Token()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(endpoint.requests()); n != 1 || a.AccessToken != b.AccessToken {
		t.Errorf("two identical configurations made %d token requests (tokens %q, %q), want one shared", n, a.AccessToken, b.AccessToken)
	}

	cfg.ClientSecret = "another-secret"
	other, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Token(); err != nil {
		t.Fatal(err)
	}
	if n := len(endpoint.requests()); n != 2 {
		t.Errorf("a different secret made %d token requests in all, want its own (2)", n)
	}
}

func TestShared_returnsTheFirstSourceForAKey(t *testing.T) {
	a := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "a"})
	b := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "b"})
	key := t.Name()
	if got := Shared(key, a); got != a {
		t.Error("the first source for a key was not returned")
	}
	if got := Shared(key, b); got != a {
		t.Error("a second source for the same key replaced the first")
	}
	if got := Shared("", b); got != b {
		t.Error("an empty key shared a source")
	}
}
