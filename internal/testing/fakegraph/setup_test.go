package fakegraph

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// testClient trusts the emulators' certificate authority.
var testClient = trustingClient()

// testEpoch is the fake clock's start. Tests that depend on time use the fake clock, never sleeps.
var testEpoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestServer starts an emulator on a fake clock.
func newTestServer(t *testing.T, opts Options) (*Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: testEpoch}
	s := newServer(opts, clock.Now)
	s.start()
	t.Cleanup(s.Close)
	return s, clock
}

// newPFX makes a base64 PKCS#12 value valid in [notBefore, notAfter), with the given encoder, signed by the
// process's shared key 0.
func newPFX(t *testing.T, enc *gopkcs12.Encoder, password string, notBefore, notAfter time.Time) (string, *x509.Certificate) {
	t.Helper()
	pfx := testcert.New(t, testcert.Options{Key: testcert.SharedKey(0), Encoder: enc, Password: &password, NotBefore: notBefore, NotAfter: notAfter})
	return pfx.Base64, pfx.Cert
}

func validPFX(t *testing.T) (string, *x509.Certificate) {
	t.Helper()
	return newPFX(t, gopkcs12.Modern, "pfx-password", testEpoch.Add(-time.Hour), testEpoch.Add(365*24*time.Hour))
}

// response is an answer as a test looks at it.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("status %d, body is not a JSON object: %v\n%s", r.status, err, r.body)
	}
	return v
}

// odataCode is the Graph error code of an error response.
func (r response) odataCode(t *testing.T) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	if !ok {
		t.Fatalf("no OData error in %s", r.body)
	}
	code, _ := e["code"].(string)
	return code
}

func send(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// postForm sends a token request.
func postForm(t *testing.T, u string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, req)
}

func tokenURL(s *Server) string {
	return s.URL() + "/" + s.Options().TenantID + "/oauth2/v2.0/token"
}

func secretForm(s *Server) url.Values {
	o := s.Options()
	return url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {o.ClientID},
		"client_secret": {o.ClientSecret},
		"scope":         {s.URL() + "/.default"},
	}
}

func assertionForm(s *Server, assertion string) url.Values {
	return url.Values{
		"grant_type":            {"client_credentials"},
		"client_id":             {s.Options().ClientID},
		"client_assertion_type": {jwtBearerAssertionType},
		"client_assertion":      {assertion},
		"scope":                 {s.URL() + "/.default"},
	}
}

// signIn gets an access token with the client secret.
func signIn(t *testing.T, s *Server) string {
	t.Helper()
	r := postForm(t, tokenURL(s), secretForm(s))
	if r.status != http.StatusOK {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	tok, _ := r.json(t)["access_token"].(string)
	if tok == "" {
		t.Fatalf("no access_token in %s", r.body)
	}
	return tok
}

// graph is a signed-in Graph client for tests.
type graph struct {
	t     *testing.T
	s     *Server
	token string
}

func newGraph(t *testing.T, s *Server) *graph {
	t.Helper()
	return &graph{t: t, s: s, token: signIn(t, s)}
}

// do sends a Graph call; path is relative to the base URL ("/v1.0/...") or absolute. A body that is a
// string or []byte goes as is, anything else as JSON.
func (g *graph) do(method, path string, body any) response {
	g.t.Helper()
	req := g.request(method, path, body)
	return send(g.t, req)
}

func (g *graph) request(method, path string, body any) *http.Request {
	g.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			g.t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	u := path
	if strings.HasPrefix(path, "/") {
		u = g.s.URL() + path
	}
	req, err := http.NewRequest(method, u, reader)
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

const connectorsPath = "/v1.0/identity/apiConnectors"

func basicBody(name string) map[string]any {
	return map[string]any{
		"displayName": name,
		"targetUrl":   "https://api.contoso.com/validate",
		"authenticationConfiguration": map[string]any{
			"@odata.type": "#microsoft.graph.basicAuthentication",
			"username":    "b2c",
			"password":    "s3cret",
		},
	}
}

func pkcs12Body(name, value, password string) map[string]any {
	return map[string]any{
		"displayName": name,
		"targetUrl":   "https://api.contoso.com/validate",
		"authenticationConfiguration": map[string]any{
			"@odata.type": "#microsoft.graph.pkcs12Certificate",
			"pkcs12Value": value,
			"password":    password,
		},
	}
}

// create makes a connector through the API and returns its id.
func (g *graph) create(body map[string]any) string {
	g.t.Helper()
	r := g.do(http.MethodPost, connectorsPath, body)
	if r.status != http.StatusCreated {
		g.t.Fatalf("create: %d %s", r.status, r.body)
	}
	id, _ := r.json(g.t)["id"].(string)
	return id
}

// makeAssertion builds and signs a client assertion. It is written apart from the emulator's own JWT
// code so that a mistake there cannot cancel out here.
func makeAssertion(t *testing.T, key *rsa.PrivateKey, alg string, header, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": alg, "typ": "JWT"}
	for k, v := range header {
		h[k] = v
	}
	hb, _ := json.Marshal(h)
	cb, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	var err error
	switch alg {
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest[:], nil)
	default:
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func x5t(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func x5tS256(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// jwtClaimsOf reads the claims of a JWT without verifying it.
func jwtClaimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}
