package credentials

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestClientSecret_signsInWithSecretInTheForm(t *testing.T) {
	const secret = "Ab1~c.D_e-F8Q~secret"
	endpoint := newTokenEndpoint(t, func(r *http.Request) (string, string) {
		want := map[string]string{
			"grant_type":    "client_credentials",
			"client_id":     testClientID,
			"client_secret": secret,
			"scope":         testScope,
		}
		for field, value := range want {
			if r.PostForm.Get(field) != value {
				return "invalid_request", "AADSTS900144: wrong " + field
			}
		}
		if r.Header.Get("Authorization") != "" {
			return "invalid_request", "AADSTS50012: the secret was sent in a header"
		}
		return "", ""
	})
	cfg := endpoint.config()
	cfg.ClientSecret = secret
	src, method, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if method != ClientSecret {
		t.Errorf("method = %s, want %s", method, ClientSecret)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "access-token-1" || tok.Type() != "Bearer" {
		t.Errorf("token = %q (%s)", tok.AccessToken, tok.Type())
	}
}

func TestClientSecret_refusalCarriesAADSTSAndIDsButNoSecret(t *testing.T) {
	const secret = "wrong~Secret.Value_123"
	endpoint := newTokenEndpoint(t, func(*http.Request) (string, string) {
		return "invalid_client", "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
	})
	cfg := endpoint.config()
	cfg.ClientSecret = secret
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "client_secret", "HTTP 401", "invalid_client", "AADSTS7000215: Invalid client secret provided.", testTraceID, testCorrID)
	assertNoSecret(t, err, secret)
	var refused *TokenError
	if !errors.As(err, &refused) {
		t.Fatalf("the error is a %T, want a *TokenError", err)
	}
	if refused.Code != "invalid_client" || refused.TraceID != testTraceID || refused.CorrelationID != testCorrID {
		t.Errorf("TokenError = %+v", refused)
	}
}

func TestClientSecret_echoedSecretIsMasked(t *testing.T) {
	// The + / = characters are form-encoded in the echoed body, which must be masked as well.
	const secret = "echo+Secret/with=chars"
	proxy := echoServer(t)
	cfg := Config{TenantID: testTenantID, ClientID: testClientID, ClientSecret: secret, AuthorityHost: proxy.URL, Resource: testResource}
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "HTTP 502", "bad gateway")
	assertNoSecret(t, err, secret, "echo%2BSecret%2Fwith%3Dchars")
}
