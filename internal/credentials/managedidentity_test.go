package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

const imdsPath = "/metadata/identity/oauth2/token"

// instanceMetadata plays IMDS: it insists on the Metadata header and knows one user-assigned identity besides the
// system-assigned one.
type instanceMetadata struct {
	server *httptest.Server
	// answer writes the token answer, so tests can vary how expiry is given.
	answer func(w http.ResponseWriter, expiresOn time.Time)

	mu      sync.Mutex
	queries []url.Values
}

const userAssignedClientID = "0f0e0d0c-0000-4000-8000-0000000000ee"

func newInstanceMetadata(t *testing.T) *instanceMetadata {
	t.Helper()
	m := &instanceMetadata{answer: func(w http.ResponseWriter, expiresOn time.Time) {
		_ = json.NewEncoder(w).Encode(map[string]string{
			"access_token": "msi-access-token",
			"expires_in":   "3599",
			"expires_on":   strconv.FormatInt(expiresOn.Unix(), 10),
			"resource":     testResource,
			"token_type":   "Bearer",
		})
	}}
	m.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		m.mu.Lock()
		m.queries = append(m.queries, r.URL.Query())
		m.mu.Unlock()
		query := r.URL.Query()
		refusals := []struct {
			refused     bool
			description string
		}{
			{r.URL.Path != imdsPath, "Not found"},
			{r.Header.Get("Metadata") != "true", "Required metadata header not specified"},
			{query.Get("api-version") != "2018-02-01", "Missing or invalid api-version"},
			{query.Get("resource") != testResource, "Invalid resource"},
			{query.Has("client_id") && query.Get("client_id") != userAssignedClientID, "Identity not found"},
		}
		for _, refusal := range refusals {
			if refusal.refused {
				w.WriteHeader(http.StatusBadRequest)
				_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": refusal.description})
				return
			}
		}
		m.answer(w, time.Now().Add(time.Hour).Truncate(time.Second))
	}))
	t.Cleanup(m.server.Close)
	return m
}

func (m *instanceMetadata) config() Config {
	return Config{UseMSI: true, MSIEndpoint: m.server.URL + imdsPath, Resource: testResource}
}

func (m *instanceMetadata) asked() []url.Values {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]url.Values(nil), m.queries...)
}

func TestManagedIdentity_systemAssigned(t *testing.T) {
	imds := newInstanceMetadata(t)
	src, method, err := NewTokenSource(context.Background(), imds.config())
	if err != nil {
		t.Fatal(err)
	}
	if method != ManagedIdentity {
		t.Errorf("method = %s, want %s", method, ManagedIdentity)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "msi-access-token" || time.Until(tok.Expiry) < 59*time.Minute {
		t.Errorf("token %q expires %s, want msi-access-token in an hour", tok.AccessToken, tok.Expiry)
	}
	if asked := imds.asked(); len(asked) != 1 || asked[0].Has("client_id") {
		t.Errorf("IMDS was asked %v, want one request without client_id", asked)
	}
}

func TestManagedIdentity_userAssignedByClientID(t *testing.T) {
	imds := newInstanceMetadata(t)
	cfg := imds.config()
	cfg.ClientID = userAssignedClientID
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	if asked := imds.asked(); len(asked) != 1 || asked[0].Get("client_id") != userAssignedClientID {
		t.Errorf("IMDS was asked %v, want client_id=%s", asked, userAssignedClientID)
	}
}

func TestManagedIdentity_numericExpiresInWithoutExpiresOn(t *testing.T) {
	imds := newInstanceMetadata(t)
	imds.answer = func(w http.ResponseWriter, _ time.Time) {
		_, _ = w.Write([]byte(`{"access_token":"msi-access-token","expires_in":1800,"token_type":"Bearer"}`))
	}
	src, _, err := NewTokenSource(context.Background(), imds.config())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(tok.Expiry); left < 29*time.Minute || left > 30*time.Minute {
		t.Errorf("the token expires in %s, want 30m", left)
	}
}

func TestManagedIdentity_unknownIdentityIsATokenError(t *testing.T) {
	imds := newInstanceMetadata(t)
	cfg := imds.config()
	cfg.ClientID = "not-an-identity-of-this-host"
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "managed_identity", "HTTP 400", "invalid_request", "Identity not found")
	var refused *TokenError
	if !errors.As(err, &refused) || refused.Method != ManagedIdentity {
		t.Errorf("the error is %#v, want a *TokenError from managed_identity", err)
	}
}

func TestManagedIdentity_sendsMetadataHeader(t *testing.T) {
	imds := newInstanceMetadata(t)
	// The fake refuses a request without the header, so a token proves it was sent; a direct request proves the
	// fake does refuse.
	resp, err := http.Get(imds.server.URL + imdsPath + "?api-version=2018-02-01&resource=" + url.QueryEscape(testResource))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("the fake IMDS answered %d without the Metadata header, want 400", resp.StatusCode)
	}
	src, _, err := NewTokenSource(context.Background(), imds.config())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
}

func TestManagedIdentity_badEndpointFailsAtConfigureTime(t *testing.T) {
	_, _, err := NewTokenSource(context.Background(), Config{UseMSI: true, MSIEndpoint: "not a url", Resource: testResource})
	assertContains(t, err, "managed_identity", "not an absolute URL")
	assertBlames(t, err, "msi_endpoint")
}
