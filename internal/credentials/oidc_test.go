package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// federatedEndpoint is a token endpoint that accepts a client-assertion grant whose assertion is one it expects.
func federatedEndpoint(t *testing.T, expected func(assertion string) bool) *tokenEndpoint {
	t.Helper()
	return newTokenEndpoint(t, func(r *http.Request) (string, string) {
		if err := checkAssertionForm(r); err != nil {
			return "invalid_request", "AADSTS900144: " + err.Error()
		}
		if !expected(r.PostForm.Get("client_assertion")) {
			return "invalid_client", "AADSTS70021: No matching federated identity record found for presented assertion."
		}
		return "", ""
	})
}

func TestOIDC_sendsInlineToken(t *testing.T) {
	const federated = "eyJinline.federated.token"
	endpoint := federatedEndpoint(t, func(a string) bool { return a == federated })
	cfg := endpoint.config()
	cfg.UseOIDC, cfg.OIDCToken = true, federated
	src, method, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if method != OIDC {
		t.Errorf("method = %s, want %s", method, OIDC)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
}

func TestOIDC_rereadsTokenFileOnEveryRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "azure-identity-token")
	writeFile := func(content string) {
		if err := os.WriteFile(path, []byte(content+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeFile("eyJfirst.projected.token")
	endpoint := federatedEndpoint(t, func(string) bool { return true })
	// Tokens inside the refresh margin make each Token call a new request.
	endpoint.setExpiresIn(60)
	cfg := endpoint.config()
	cfg.UseOIDC, cfg.OIDCTokenFilePath = true, path
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	writeFile("eyJsecond.projected.token")
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	forms := endpoint.requests()
	got := []string{forms[0].Get("client_assertion"), forms[1].Get("client_assertion")}
	want := []string{"eyJfirst.projected.token", "eyJsecond.projected.token"}
	if got[0] != want[0] || got[1] != want[1] {
		t.Errorf("assertions = %q, want %q", got, want)
	}
}

func TestOIDC_missingTokenFileFailsAtConfigureTime(t *testing.T) {
	cfg := Config{
		TenantID: testTenantID, ClientID: testClientID, AuthorityHost: "https://login.example", Resource: testResource,
		UseOIDC: true, OIDCTokenFilePath: filepath.Join(t.TempDir(), "missing"),
	}
	_, _, err := NewTokenSource(context.Background(), cfg)
	assertContains(t, err, "oidc: reading the federated token file", "missing")
	assertBlames(t, err, "oidc_token_file_path")
}

// gitHubActions plays the GitHub Actions ID token service, issuing a new ID token for each request.
type gitHubActions struct {
	server       *httptest.Server
	requestToken string

	mu      sync.Mutex
	issued  []string
	queries []string
}

func newGitHubActions(t *testing.T, requestToken string) *gitHubActions {
	t.Helper()
	g := &gitHubActions{requestToken: requestToken}
	g.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+g.requestToken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message":"Bad credentials for %s"}`, r.Header.Get("Authorization"))
			return
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		g.queries = append(g.queries, r.URL.RawQuery)
		token := fmt.Sprintf("eyJgithub.id-token.%d", len(g.issued)+1)
		g.issued = append(g.issued, token)
		_ = json.NewEncoder(w).Encode(map[string]any{"count": 1, "value": token})
	}))
	t.Cleanup(g.server.Close)
	return g
}

func (g *gitHubActions) wasIssued(token string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, issued := range g.issued {
		if issued == token {
			return true
		}
	}
	return false
}

func (g *gitHubActions) askedQueries() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.queries...)
}

func TestOIDC_asksGitHubActionsForEachRequest(t *testing.T) {
	const requestToken = "gh-request-token-value"
	github := newGitHubActions(t, requestToken)
	endpoint := federatedEndpoint(t, github.wasIssued)
	endpoint.setExpiresIn(60)
	cfg := endpoint.config()
	cfg.UseOIDC = true
	cfg.OIDCRequestURL = github.server.URL + "/_apis/pipelines/idtoken?api-version=2.0"
	cfg.OIDCRequestToken = requestToken
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := src.Token(); err != nil {
			t.Fatal(err)
		}
	}
	forms := endpoint.requests()
	if forms[0].Get("client_assertion") == forms[1].Get("client_assertion") {
		t.Error("the GitHub ID token was reused instead of asked for again")
	}
	wantQuery := "api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange"
	for _, q := range github.askedQueries() {
		if q != wantQuery {
			t.Errorf("GitHub was asked with query %q, want %q", q, wantQuery)
		}
	}
}

func TestOIDC_gitHubURLWithoutQueryGetsOne(t *testing.T) {
	github := newGitHubActions(t, "request-token")
	endpoint := federatedEndpoint(t, github.wasIssued)
	cfg := endpoint.config()
	cfg.UseOIDC, cfg.OIDCRequestURL, cfg.OIDCRequestToken = true, github.server.URL+"/idtoken", "request-token"
	cfg.OIDCAudience = "api://AzureADTokenExchangeUSGov"
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	if got, want := github.askedQueries(), "audience=api%3A%2F%2FAzureADTokenExchangeUSGov"; len(got) != 1 || got[0] != want {
		t.Errorf("queries = %q, want [%q]", got, want)
	}
}

func TestOIDC_gitHubRefusalExplainsAndHidesRequestToken(t *testing.T) {
	const wrongToken = "expired-request-token"
	github := newGitHubActions(t, "the-real-one")
	endpoint := federatedEndpoint(t, github.wasIssued)
	cfg := endpoint.config()
	cfg.UseOIDC, cfg.OIDCRequestURL, cfg.OIDCRequestToken = true, github.server.URL+"/idtoken?api-version=2.0", wrongToken
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "HTTP 401", "Bad credentials", "id-token: write")
	assertNoSecret(t, err, wrongToken)
	if len(endpoint.requests()) != 0 {
		t.Error("Entra was asked without a federated token")
	}
}

func TestOIDC_refusalCarriesAADSTSButNoToken(t *testing.T) {
	const federated = "eyJnot.trusted.token"
	endpoint := federatedEndpoint(t, func(string) bool { return false })
	cfg := endpoint.config()
	cfg.UseOIDC, cfg.OIDCToken = true, federated
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "oidc", "AADSTS70021", testTraceID, testCorrID)
	assertNoSecret(t, err, federated)
}

func TestOIDC_echoedFederatedTokenIsMasked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	const federated = "eyJfrom.a.file"
	if err := os.WriteFile(path, []byte(federated), 0o600); err != nil {
		t.Fatal(err)
	}
	proxy := echoServer(t)
	cfg := Config{
		TenantID: testTenantID, ClientID: testClientID, AuthorityHost: proxy.URL, Resource: testResource,
		UseOIDC: true, OIDCTokenFilePath: path,
	}
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "HTTP 502")
	assertNoSecret(t, err, federated)
}
