package fakegraph

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

func TestNewServer_defaultsAndPublicConstructor(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	o := s.Options()
	if o.TenantID != DefaultTenantID || o.ClientID != DefaultClientID || o.ClientSecret != DefaultClientSecret {
		t.Errorf("defaults not applied: %+v", o)
	}
	if o.TokenLifetime != time.Hour || o.PageSize != 100 {
		t.Errorf("defaults not applied: lifetime %v page size %d", o.TokenLifetime, o.PageSize)
	}
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || strings.HasSuffix(s.URL(), "/") {
		t.Errorf("URL() = %q", s.URL())
	}
	g := newGraph(t, s)
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
}

func TestNewHandler_usesOwnListenerAndSetURL(t *testing.T) {
	s := NewHandler(Options{})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	s.SetURL(ts.URL + "/")
	if s.URL() != ts.URL {
		t.Fatalf("SetURL should drop the trailing slash: %q", s.URL())
	}
	signIn(t, s)
}

func TestToken_clientSecret(t *testing.T) {
	s, _ := newTestServer(t, Options{TokenLifetime: 30 * time.Minute})
	r := postForm(t, tokenURL(s), secretForm(s))
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	body := r.json(t)
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(1800) || body["ext_expires_in"] != float64(1800) {
		t.Errorf("token response: %s", r.body)
	}
	tok, _ := body["access_token"].(string)
	if tok == "" || strings.Contains(tok, DefaultClientSecret) {
		t.Errorf("access token %q must be opaque and free of secrets", tok)
	}
	if got := s.TokenRequests(); got != 1 {
		t.Errorf("TokenRequests() = %d, want 1", got)
	}
	g := &graph{t: t, s: s, token: tok}
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Errorf("the issued token is not accepted: %d %s", r.status, r.body)
	}
}

func TestToken_clientSecretInBasicHeader(t *testing.T) {
	s, _ := newTestServer(t, Options{ClientSecret: "a secret/with+symbols"})
	form := secretForm(s)
	form.Del("client_id")
	form.Del("client_secret")
	req, _ := http.NewRequest(http.MethodPost, tokenURL(s), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(DefaultClientID), url.QueryEscape("a secret/with+symbols"))
	if r := send(t, req); r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
}

func TestToken_rejectsBadRequests(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	tests := []struct {
		name     string
		url      string
		edit     func(url.Values)
		status   int
		kind     string
		aadsts   string
		wantText string
	}{
		{"wrong tenant", s.URL() + "/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token", nil, 400, "invalid_request", "AADSTS90002", "not found"},
		{"wrong client id", "", func(f url.Values) { f.Set("client_id", "99999999-9999-9999-9999-999999999999") }, 400, "unauthorized_client", "AADSTS700016", "was not found"},
		{"wrong secret", "", func(f url.Values) { f.Set("client_secret", "nope") }, 401, "invalid_client", "AADSTS7000215", "Invalid client secret"},
		{"graph.microsoft.com scope", "", func(f url.Values) { f.Set("scope", "https://graph.microsoft.com/.default") }, 400, "invalid_resource", "AADSTS500011", s.URL() + "/.default"},
		{"scope without .default", "", func(f url.Values) { f.Set("scope", s.URL()+"/APIConnectors.ReadWrite.All") }, 400, "invalid_scope", "AADSTS1002012", "/.default"},
		{"missing scope", "", func(f url.Values) { f.Del("scope") }, 400, "invalid_request", "AADSTS900144", "'scope'"},
		{"unsupported grant", "", func(f url.Values) { f.Set("grant_type", "password") }, 400, "unsupported_grant_type", "AADSTS70003", "password"},
		{"no credential", "", func(f url.Values) { f.Del("client_secret") }, 401, "invalid_client", "AADSTS7000218", "client_assertion"},
		{"assertion and secret", "", func(f url.Values) { f.Set("client_assertion", "a.b.c") }, 400, "invalid_request", "AADSTS7000219", "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = tokenURL(s)
			}
			form := secretForm(s)
			if tt.edit != nil {
				tt.edit(form)
			}
			r := postForm(t, u, form)
			checkOAuthError(t, r, tt.status, tt.kind, tt.aadsts, tt.wantText)
		})
	}
	if n := s.TokenRequests(); n != 0 {
		t.Errorf("TokenRequests() = %d after only failures", n)
	}
}

func TestToken_rejectsGet(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	req, _ := http.NewRequest(http.MethodGet, tokenURL(s), nil)
	checkOAuthError(t, send(t, req), 400, "invalid_request", "AADSTS900561", "POST")
}

func TestToken_secretSignInDisabled(t *testing.T) {
	s, _ := newTestServer(t, Options{DisableClientSecret: true})
	if s.Options().ClientSecret != "" {
		t.Fatalf("ClientSecret = %q with DisableClientSecret", s.Options().ClientSecret)
	}
	form := secretForm(s)
	form.Set("client_secret", DefaultClientSecret)
	checkOAuthError(t, postForm(t, tokenURL(s), form), 401, "invalid_client", "AADSTS7000215", "")
}

func checkOAuthError(t *testing.T, r response, status int, kind, aadsts, text string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	body := r.json(t)
	if body["error"] != kind {
		t.Errorf("error = %v, want %s", body["error"], kind)
	}
	desc, _ := body["error_description"].(string)
	if !strings.HasPrefix(desc, aadsts+": ") || !strings.Contains(desc, text) {
		t.Errorf("error_description = %q, want %s and %q", desc, aadsts, text)
	}
	codes, _ := body["error_codes"].([]any)
	if len(codes) != 1 || "AADSTS"+formatCode(codes[0]) != aadsts {
		t.Errorf("error_codes = %v, want [%s]", codes, aadsts)
	}
	if body["trace_id"] == "" || body["correlation_id"] == "" || body["timestamp"] == "" {
		t.Errorf("missing trace fields: %s", r.body)
	}
}

func formatCode(v any) string {
	f, _ := v.(float64)
	return itoa(int64(f))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// certificateSetup registers a certificate for key 0 on a fresh emulator.
func certificateSetup(t *testing.T) (*Server, *fakeClock, *x509.Certificate) {
	t.Helper()
	_, cert := newPFX(t, gopkcs12.Modern, "", testEpoch.Add(-time.Hour), testEpoch.Add(24*time.Hour))
	s, clock := newTestServer(t, Options{ClientCertificates: []*x509.Certificate{cert}})
	return s, clock, cert
}

func goodClaims(s *Server) map[string]any {
	now := testEpoch.Unix()
	return map[string]any{
		"aud": tokenURL(s),
		"iss": s.Options().ClientID,
		"sub": s.Options().ClientID,
		"exp": now + 600,
		"nbf": now,
		"iat": now,
		"jti": "4f1c9e5a-0d8e-4d55-8c4c-1b2e3f4a5b6c",
	}
}

func TestToken_certificateAssertion(t *testing.T) {
	s, _, cert := certificateSetup(t)
	key := testcert.SharedKey(0)

	t.Run("RS256 with x5t", func(t *testing.T) {
		a := makeAssertion(t, key, "RS256", map[string]any{"x5t": x5t(cert)}, goodClaims(s))
		if r := postForm(t, tokenURL(s), assertionForm(s, a)); r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("PS256 with x5t#S256", func(t *testing.T) {
		a := makeAssertion(t, key, "PS256", map[string]any{"x5t#S256": x5tS256(cert)}, goodClaims(s))
		if r := postForm(t, tokenURL(s), assertionForm(s, a)); r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("audience as array", func(t *testing.T) {
		claims := goodClaims(s)
		claims["aud"] = []string{tokenURL(s)}
		a := makeAssertion(t, key, "RS256", map[string]any{"x5t": x5t(cert)}, claims)
		if r := postForm(t, tokenURL(s), assertionForm(s, a)); r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("nbf within the allowed skew", func(t *testing.T) {
		claims := goodClaims(s)
		claims["nbf"] = testEpoch.Add(30 * time.Second).Unix()
		a := makeAssertion(t, key, "RS256", map[string]any{"x5t": x5t(cert)}, claims)
		if r := postForm(t, tokenURL(s), assertionForm(s, a)); r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	})
	if n := s.TokenRequests(); n != 4 {
		t.Errorf("TokenRequests() = %d, want 4", n)
	}
}

func TestToken_certificateAssertionRejected(t *testing.T) {
	s, _, cert := certificateSetup(t)
	otherCert := testcert.New(t, testcert.Options{Key: testcert.SharedKey(1), NotBefore: testEpoch.Add(-time.Hour), NotAfter: testEpoch.Add(time.Hour)}).Cert
	key, otherKey := testcert.SharedKey(0), testcert.SharedKey(1)
	thumb := map[string]any{"x5t": x5t(cert)}

	with := func(edit func(map[string]any)) map[string]any {
		c := goodClaims(s)
		edit(c)
		return c
	}
	tests := []struct {
		name      string
		assertion string
		aadsts    string
		text      string
	}{
		{"expired", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { c["exp"] = testEpoch.Add(-time.Second).Unix() })), "AADSTS700024", "valid time range"},
		{"no exp", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { delete(c, "exp") })), "AADSTS700024", "valid time range"},
		{"nbf beyond skew", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { c["nbf"] = testEpoch.Add(2 * time.Minute).Unix() })), "AADSTS700024", "valid time range"},
		{"wrong audience", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { c["aud"] = "https://login.microsoftonline.com/x/oauth2/v2.0/token" })), "AADSTS700023", "audience"},
		{"wrong issuer", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { c["iss"] = "someone-else" })), "AADSTS700021", "client_id"},
		{"subject differs", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { c["sub"] = "someone-else" })), "AADSTS700021", "client_id"},
		{"no jti", makeAssertion(t, key, "RS256", thumb, with(func(c map[string]any) { delete(c, "jti") })), "AADSTS50027", "jti"},
		{"unregistered certificate", makeAssertion(t, otherKey, "RS256", map[string]any{"x5t": x5t(otherCert)}, goodClaims(s)), "AADSTS700027", "not registered"},
		{"wrong key for the named certificate", makeAssertion(t, otherKey, "RS256", thumb, goodClaims(s)), "AADSTS700027", "signature"},
		{"no thumbprint", makeAssertion(t, key, "RS256", nil, goodClaims(s)), "AADSTS5002723", "thumbprint"},
		{"not a JWT", "not-a-jwt", "AADSTS50027", "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postForm(t, tokenURL(s), assertionForm(s, tt.assertion))
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			desc, _ := r.json(t)["error_description"].(string)
			if !strings.HasPrefix(desc, tt.aadsts+": ") || !strings.Contains(desc, tt.text) {
				t.Errorf("error_description = %q, want %s and %q", desc, tt.aadsts, tt.text)
			}
		})
	}

	t.Run("wrong assertion type", func(t *testing.T) {
		form := assertionForm(s, makeAssertion(t, key, "RS256", thumb, goodClaims(s)))
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
		checkOAuthError(t, postForm(t, tokenURL(s), form), 400, "invalid_request", "AADSTS90014", "jwt-bearer")
	})
	if n := s.TokenRequests(); n != 0 {
		t.Errorf("TokenRequests() = %d after only failures", n)
	}
}

func TestToken_federatedAssertion(t *testing.T) {
	s, clock := newTestServer(t, Options{})

	good := s.IssueFederatedToken("repo:x/y:ref:refs/heads/main", FederatedTokenAudience, time.Minute)
	if claims := jwtClaimsOf(t, good); claims["iss"] != s.URL()+"/oidc" || claims["aud"] != FederatedTokenAudience {
		t.Errorf("federated token claims: %v", claims)
	}
	if r := postForm(t, tokenURL(s), assertionForm(s, good)); r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}

	wrongAudience := s.IssueFederatedToken("repo:x/y:ref:refs/heads/main", "https://github.com/x", time.Minute)
	r := postForm(t, tokenURL(s), assertionForm(s, wrongAudience))
	if r.status == http.StatusOK || !strings.Contains(string(r.body), "AADSTS700212") {
		t.Errorf("wrong audience: %d %s", r.status, r.body)
	}

	// A token claiming this issuer but signed by another emulator's key must fail its signature check.
	other := newServer(Options{}, clock.Now)
	forged := other.issueFederatedToken(s.OIDCIssuer(), "repo:x/y:ref:refs/heads/main", FederatedTokenAudience, time.Minute)
	r = postForm(t, tokenURL(s), assertionForm(s, forged))
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "AADSTS700027") {
		t.Errorf("forged token: %d %s", r.status, r.body)
	}

	clock.Advance(2 * time.Minute)
	r = postForm(t, tokenURL(s), assertionForm(s, good))
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "AADSTS700024") {
		t.Errorf("expired federated token: %d %s", r.status, r.body)
	}
	if n := s.TokenRequests(); n != 1 {
		t.Errorf("TokenRequests() = %d, want 1", n)
	}
}

func TestOIDCRequest_issuesFederatedTokens(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	s.SetOIDCRequestToken("request-token")
	if s.OIDCRequestToken() != "request-token" {
		t.Fatal("SetOIDCRequestToken did not take")
	}

	get := func(u, bearer string) response {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return send(t, req)
	}
	// The URL handed out already has a query, as GitHub's does.
	u := s.OIDCRequestURL() + "&audience=" + url.QueryEscape(FederatedTokenAudience)
	r := get(u, "request-token")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	jwt, _ := r.json(t)["value"].(string)
	claims := jwtClaimsOf(t, jwt)
	if claims["sub"] != GitHubSubject || claims["aud"] != FederatedTokenAudience || claims["iss"] != s.OIDCIssuer() {
		t.Errorf("claims = %v", claims)
	}
	if r := postForm(t, tokenURL(s), assertionForm(s, jwt)); r.status != http.StatusOK {
		t.Errorf("exchanging the federated token: %d %s", r.status, r.body)
	}

	if r := get(s.URL()+"/oidc/request?audience=x", ""); r.status != http.StatusUnauthorized {
		t.Errorf("missing bearer: %d", r.status)
	}
	if r := get(s.URL()+"/oidc/request?audience=x", "wrong"); r.status != http.StatusUnauthorized {
		t.Errorf("wrong bearer: %d", r.status)
	}
}

func TestOIDCDiscovery_publishesIssuerAndKeys(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	r := send(t, mustRequest(t, http.MethodGet, s.URL()+"/oidc/.well-known/openid-configuration"))
	if r.status != http.StatusOK || r.json(t)["issuer"] != s.OIDCIssuer() {
		t.Errorf("discovery: %d %s", r.status, r.body)
	}
	r = send(t, mustRequest(t, http.MethodGet, s.URL()+"/oidc/keys"))
	keys, _ := r.json(t)["keys"].([]any)
	if len(keys) != 1 {
		t.Errorf("keys: %s", r.body)
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestManagedIdentity(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	imds := func(query string, metadata bool) response {
		req := mustRequest(t, http.MethodGet, s.URL()+"/metadata/identity/oauth2/token?"+query)
		if metadata {
			req.Header.Set("Metadata", "true")
		}
		return send(t, req)
	}
	resource := url.QueryEscape(s.URL())

	r := imds("api-version=2018-02-01&resource="+resource, true)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	body := r.json(t)
	wantExpiresOn := itoa(testEpoch.Add(time.Hour).Unix())
	if body["expires_in"] != "3600" || body["expires_on"] != wantExpiresOn || body["resource"] != s.URL() ||
		body["token_type"] != "Bearer" || body["client_id"] != DefaultClientID {
		t.Errorf("IMDS answer: %s", r.body)
	}
	g := &graph{t: t, s: s, token: body["access_token"].(string)}
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Errorf("the managed identity token is not accepted: %d %s", r.status, r.body)
	}

	r = imds("api-version=2018-02-01&resource="+url.QueryEscape(s.URL()+"/")+"&client_id="+UserAssignedClientID, true)
	if r.status != http.StatusOK || r.json(t)["client_id"] != UserAssignedClientID {
		t.Errorf("user-assigned identity: %d %s", r.status, r.body)
	}

	failures := []struct {
		name     string
		query    string
		metadata bool
		text     string
	}{
		{"no Metadata header", "api-version=2018-02-01&resource=" + resource, false, "metadata header"},
		{"no api-version", "resource=" + resource, true, "api-version"},
		{"wrong resource", "api-version=2018-02-01&resource=" + url.QueryEscape("https://graph.microsoft.com"), true, "AADSTS500011"},
		{"unknown identity", "api-version=2018-02-01&resource=" + resource + "&client_id=12345678-1234-1234-1234-123456789012", true, "Identity not found"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			r := imds(f.query, f.metadata)
			if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), f.text) {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	if n := s.TokenRequests(); n != 2 {
		t.Errorf("TokenRequests() = %d, want 2", n)
	}
}

func TestGraph_requiresValidBearerToken(t *testing.T) {
	s, clock := newTestServer(t, Options{TokenLifetime: 10 * time.Minute})
	g := newGraph(t, s)

	cases := []struct {
		name, header, text string
	}{
		{"no header", "", "empty"},
		{"not bearer", "Basic Zm9vOmJhcg==", "Bearer"},
		{"unknown token", "Bearer made-up", "validation failure"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := mustRequest(t, http.MethodGet, s.URL()+connectorsPath)
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			r := send(t, req)
			if r.status != http.StatusUnauthorized || r.odataCode(t) != "InvalidAuthenticationToken" || !strings.Contains(string(r.body), c.text) {
				t.Errorf("%d %s", r.status, r.body)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	clock.Advance(10 * time.Minute)
	r := g.do(http.MethodGet, connectorsPath, nil)
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "expired") {
		t.Errorf("expired token: %d %s", r.status, r.body)
	}
}
