package fakegraph

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestOpenIDConfiguration_describesTheTenant(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	get := func(tenant string) response {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/"+tenant+"/v2.0/.well-known/openid-configuration", nil)
		return send(t, req)
	}
	r := get(DefaultTenantID)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	doc := r.json(t)
	root := s.URL() + "/" + DefaultTenantID
	for key, want := range map[string]string{
		"issuer": root + "/v2.0", "token_endpoint": root + "/oauth2/v2.0/token", "authorization_endpoint": root + "/oauth2/v2.0/authorize",
	} {
		if doc[key] != want {
			t.Errorf("%s = %v, want %s", key, doc[key], want)
		}
	}
	checkOAuthError(t, get("11111111-0000-0000-0000-000000000000"), http.StatusBadRequest, "invalid_tenant", "AADSTS90002", "not found")
}

func TestToken_acceptsTheOpenIDScopesBesideTheResource(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	form := secretForm(s)
	form.Set("scope", s.URL()+"/.default openid offline_access profile")
	if r := postForm(t, tokenURL(s), form); r.status != http.StatusOK {
		t.Errorf("status %d: %s", r.status, r.body)
	}
	form.Set("scope", "openid profile")
	checkOAuthError(t, postForm(t, tokenURL(s), form), http.StatusBadRequest, "invalid_request", "AADSTS900144", "'scope'")
}

func TestServer_servesTLSFromItsCA(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(CACertificatePEM()) || !strings.HasPrefix(s.URL(), "https://") {
		t.Fatalf("URL %s, CA %q", s.URL(), CACertificatePEM())
	}
	// A client that trusts only the system's roots refuses it.
	if resp, err := (&http.Client{}).Get(s.URL() + "/v1.0/identity/apiConnectors"); err == nil {
		resp.Body.Close()
		t.Error("a client without the emulator's CA trusted it")
	}
	plain := NewServer(Options{PlainHTTP: true})
	defer plain.Close()
	if !strings.HasPrefix(plain.URL(), "http://127.0.0.1:") {
		t.Errorf("PlainHTTP URL = %s", plain.URL())
	}
}

func TestAppServiceIdentity(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	ask := func(header string, query url.Values) response {
		req, _ := http.NewRequest(http.MethodGet, s.AppServiceIdentityEndpoint()+"?"+query.Encode(), nil)
		if header != "" {
			req.Header.Set("X-IDENTITY-HEADER", header)
		}
		return send(t, req)
	}
	good := url.Values{"api-version": {"2019-08-01"}, "resource": {s.URL()}}

	r := ask(s.IdentityHeader(), good)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	answer := r.json(t)
	if answer["expires_on"] != itoa(clock.Now().Add(time.Hour).Unix()) || answer["client_id"] != DefaultClientID || answer["token_type"] != "Bearer" {
		t.Errorf("answer %v", answer)
	}
	// The token is good for Graph.
	token, _ := answer["access_token"].(string)
	g := &graph{t: t, s: s, token: token}
	if got := g.do(http.MethodGet, connectorsPath, nil); got.status != http.StatusOK {
		t.Errorf("Graph answered the App Service token with %d", got.status)
	}

	userAssigned := url.Values{"api-version": {"2019-08-01"}, "resource": {s.URL()}, "client_id": {UserAssignedClientID}}
	if r := ask(s.IdentityHeader(), userAssigned); r.status != http.StatusOK || r.json(t)["client_id"] != UserAssignedClientID {
		t.Errorf("user-assigned: %d %s", r.status, r.body)
	}
	for name, tt := range map[string]struct {
		header string
		query  url.Values
		status int
	}{
		"no header":             {"", good, http.StatusUnauthorized},
		"wrong header":          {"wrong", good, http.StatusUnauthorized},
		"IMDS's api-version":    {s.IdentityHeader(), url.Values{"api-version": {"2018-02-01"}, "resource": {s.URL()}}, http.StatusBadRequest},
		"another resource":      {s.IdentityHeader(), url.Values{"api-version": {"2019-08-01"}, "resource": {"https://vault.azure.net"}}, http.StatusBadRequest},
		"an identity not there": {s.IdentityHeader(), url.Values{"api-version": {"2019-08-01"}, "resource": {s.URL()}, "client_id": {"99999999-0000-0000-0000-000000000000"}}, http.StatusBadRequest},
	} {
		if r := ask(tt.header, tt.query); r.status != tt.status {
			t.Errorf("%s: status %d, want %d: %s", name, r.status, tt.status, r.body)
		}
	}
}

func TestAzureDevOpsOIDCToken(t *testing.T) {
	s, _ := newTestServer(t, Options{DisableClientSecret: true})
	ask := func(method, bearer, connection string, suppress bool) response {
		req, _ := http.NewRequest(method, s.AzureDevOpsOIDCRequestURI()+"?api-version=7.1&serviceConnectionId="+connection, nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		if suppress {
			req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")
		}
		client := *testClient
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return response{status: resp.StatusCode}
	}
	req, _ := http.NewRequest(http.MethodPost, s.AzureDevOpsOIDCRequestURI()+"?api-version=7.1&serviceConnectionId="+ServiceConnectionID, nil)
	req.Header.Set("Authorization", "Bearer "+s.SystemAccessToken())
	req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")
	r := send(t, req)
	token, _ := r.json(t)["oidcToken"].(string)
	if r.status != http.StatusOK || token == "" {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if claims := jwtClaimsOf(t, token); claims["sub"] != ServiceConnectionSubject || claims["aud"] != FederatedTokenAudience {
		t.Errorf("claims %v", claims)
	}
	// Entra exchanges it for an access token.
	if r := postForm(t, tokenURL(s), assertionForm(s, token)); r.status != http.StatusOK {
		t.Errorf("the token endpoint refused Azure DevOps' token: %d %s", r.status, r.body)
	}
	for name, tt := range map[string]struct {
		method, bearer, connection string
		suppress                   bool
		status                     int
	}{
		"GET":                         {http.MethodGet, s.SystemAccessToken(), ServiceConnectionID, true, http.StatusMethodNotAllowed},
		"a wrong access token":        {http.MethodPost, "wrong", ServiceConnectionID, true, http.StatusUnauthorized},
		"a wrong one, not suppressed": {http.MethodPost, "wrong", ServiceConnectionID, false, http.StatusFound},
		"an unknown connection":       {http.MethodPost, s.SystemAccessToken(), "11111111-0000-0000-0000-000000000000", true, http.StatusNotFound},
	} {
		if got := ask(tt.method, tt.bearer, tt.connection, tt.suppress); got.status != tt.status {
			t.Errorf("%s: status %d, want %d", name, got.status, tt.status)
		}
	}
}

func TestFaults_tokenLatencyEndsWhenTheClientGoesAway(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	s.SetFaults(Faults{TokenLatency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL(s), strings.NewReader(secretForm(s).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := testClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a token request answered through an hour of latency")
	}
	if n := s.TokenRequests(); n != 0 {
		t.Errorf("%d tokens issued to a client that went away", n)
	}
}
