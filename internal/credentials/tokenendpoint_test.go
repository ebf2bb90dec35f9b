package credentials

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fake Entra token endpoint and the certificates the tests sign with. Everything here listens on loopback
// only and is generated per run: no key is committed.

const (
	testTenantID = "8d3a3c8e-0000-4000-8000-00000000aaaa"
	testClientID = "5b1f2d7c-0000-4000-8000-00000000cccc"
	testResource = "https://graph.microsoft.com"
	testScope    = testResource + "/.default"
	testTraceID  = "trace-7f0c"
	testCorrID   = "correlation-91ab"
)

// tokenEndpoint is an Entra token endpoint for one tenant. accept decides each request: it returns an OAuth
// error code and AADSTS text to refuse it, or two empty strings to issue a token.
type tokenEndpoint struct {
	server    *httptest.Server
	accept    func(r *http.Request) (code, description string)
	expiresIn int

	mu    sync.Mutex
	forms []url.Values
}

func newTokenEndpoint(t *testing.T, accept func(r *http.Request) (code, description string)) *tokenEndpoint {
	t.Helper()
	e := &tokenEndpoint{accept: accept, expiresIn: 3600}
	e.server = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.server.Close)
	return e
}

func (e *tokenEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || r.URL.Path != "/"+testTenantID+"/oauth2/v2.0/token" {
		writeEntraError(w, http.StatusNotFound, "invalid_request", "AADSTS90002: Tenant not found.")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeEntraError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	}
	e.mu.Lock()
	e.forms = append(e.forms, r.PostForm)
	issued := len(e.forms)
	expiresIn := e.expiresIn
	e.mu.Unlock()
	if code, description := e.accept(r); code != "" {
		writeEntraError(w, http.StatusUnauthorized, code, description)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token_type":     "Bearer",
		"expires_in":     expiresIn,
		"ext_expires_in": expiresIn,
		"access_token":   fmt.Sprintf("access-token-%d", issued),
	})
}

// writeEntraError answers the way Entra does, IDs both in the JSON and appended to the description.
func writeEntraError(w http.ResponseWriter, status int, code, description string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error":             code,
		"error_description": description + "\r\nTrace ID: " + testTraceID + "\r\nCorrelation ID: " + testCorrID + "\r\nTimestamp: 2026-05-01 10:00:00Z",
		"error_codes":       []int{7000215},
		"timestamp":         "2026-05-01 10:00:00Z",
		"trace_id":          testTraceID,
		"correlation_id":    testCorrID,
	})
}

func (e *tokenEndpoint) config() Config {
	return Config{TenantID: testTenantID, ClientID: testClientID, AuthorityHost: e.server.URL, Resource: testResource}
}

func (e *tokenEndpoint) tokenURL() string {
	return e.server.URL + "/" + testTenantID + "/oauth2/v2.0/token"
}

func (e *tokenEndpoint) requests() []url.Values {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]url.Values(nil), e.forms...)
}

func (e *tokenEndpoint) setExpiresIn(seconds int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.expiresIn = seconds
}

// checkAssertionForm refuses a request that is not a client-assertion grant for the test client.
func checkAssertionForm(r *http.Request) error {
	want := map[string]string{
		"grant_type":            "client_credentials",
		"client_id":             testClientID,
		"scope":                 testScope,
		"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
	}
	for field, value := range want {
		if got := r.PostForm.Get(field); got != value {
			return fmt.Errorf("%s = %q, want %q", field, got, value)
		}
	}
	return nil
}

// assertionVerifier checks certificate assertions the way Entra does, and remembers every jti to catch a reuse.
type assertionVerifier struct {
	cert     *x509.Certificate
	tokenURL func() string
	now      func() time.Time

	mu   sync.Mutex
	jtis map[string]bool
}

func (v *assertionVerifier) accept(r *http.Request) (string, string) {
	if err := checkAssertionForm(r); err != nil {
		return "invalid_request", "AADSTS900144: " + err.Error()
	}
	if err := v.verify(r.PostForm.Get("client_assertion")); err != nil {
		return "invalid_client", "AADSTS700027: Client assertion failed signature validation: " + err.Error()
	}
	return "", ""
}

func (v *assertionVerifier) verify(assertion string) error {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%d parts, want 3", len(parts))
	}
	var header map[string]string
	if err := decodeSegment(parts[0], &header); err != nil {
		return err
	}
	sha1Sum, sha256Sum := sha1.Sum(v.cert.Raw), sha256.Sum256(v.cert.Raw)
	wantHeader := map[string]string{
		"alg":      "RS256",
		"typ":      "JWT",
		"x5t":      base64.RawURLEncoding.EncodeToString(sha1Sum[:]),
		"x5t#S256": base64.RawURLEncoding.EncodeToString(sha256Sum[:]),
	}
	for name, value := range wantHeader {
		if header[name] != value {
			return fmt.Errorf("header %s = %q, want %q", name, header[name], value)
		}
	}
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	hashed := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	publicKey, ok := v.cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the registered certificate holds a %T, not an RSA key", v.cert.PublicKey)
	}
	if err := rsa.VerifyPKCS1v15(publicKey, crypto.SHA256, hashed[:], signature); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	var claims struct {
		Aud, Iss, Sub, Jti string
		Nbf, Iat, Exp      int64
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return err
	}
	now := v.now().Unix()
	checks := []struct {
		ok   bool
		what string
	}{
		{claims.Aud == v.tokenURL(), "aud " + claims.Aud},
		{claims.Iss == testClientID && claims.Sub == testClientID, "iss/sub " + claims.Iss + "/" + claims.Sub},
		{claims.Iat == now && claims.Nbf == now, fmt.Sprintf("iat %d nbf %d, now %d", claims.Iat, claims.Nbf, now)},
		{claims.Exp == now+600, fmt.Sprintf("exp %d, want %d", claims.Exp, now+600)},
		{claims.Jti != "", "empty jti"},
	}
	for _, c := range checks {
		if !c.ok {
			return errors.New("claim: " + c.what)
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.jtis[claims.Jti] {
		return fmt.Errorf("jti %s replayed", claims.Jti)
	}
	v.jtis[claims.Jti] = true
	return nil
}

func decodeSegment(segment string, into any) error {
	data, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, into)
}

// testKeys are generated once per run, since RSA key generation is the slowest thing these tests do.
var testKeys = sync.OnceValue(func() []*rsa.PrivateKey {
	var keys []*rsa.PrivateKey
	for range 2 {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys = append(keys, key)
	}
	return keys
})

// newCertificate makes a self-signed certificate for key, valid between the two times.
func newCertificate(t *testing.T, key crypto.Signer, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	template := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "terraform-provider-entra test"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// validCertificate is valid from an hour ago for a year.
func validCertificate(t *testing.T, key crypto.Signer) *x509.Certificate {
	return newCertificate(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
}

func pemBlock(blockType string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der})
}

// assertNoSecret fails when an error message contains any of the secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error contains the secret %q: %v", secret, err)
		}
	}
}

// assertContains fails unless the error message contains every wanted text.
func assertContains(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", wants)
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q does not contain %q", err, want)
		}
	}
}

// echoServer plays a misbehaving proxy that answers every request with the request's own body, as a test that a
// secret sent in a request cannot come back through an error.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(strings.Builder)
		_ = r.ParseForm()
		fmt.Fprintf(body, "<html>bad gateway for %s %s</html>", r.Header.Get("Authorization"), r.PostForm.Encode())
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(body.String()))
	}))
	t.Cleanup(server.Close)
	return server
}

// assertBlames fails unless err is one ArgumentError naming argument.
func assertBlames(t *testing.T, err error, argument string) {
	t.Helper()
	if got := ArgumentErrors(err); len(got) != 1 || got[0].Argument != argument {
		t.Errorf("ArgumentErrors(%v) = %v, want one naming %s", err, got, argument)
	}
}
