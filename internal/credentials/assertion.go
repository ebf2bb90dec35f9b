package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// jwtBearerAssertion is the client_assertion_type for a signed JWT, which covers both a self-signed certificate
// assertion and a federated token from an OIDC issuer.
const jwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// maxResponseBody bounds what is read from a token endpoint; real answers are a few kilobytes.
const maxResponseBody = 1 << 20

// assertionTokenSource asks Entra for a token with a client assertion. The assertion is made anew for every
// request: a certificate assertion is short-lived and single-use (its jti), and a federated token may have been
// rotated since the last request.
type assertionTokenSource struct {
	method    Method
	ctx       context.Context
	client    *http.Client
	tokenURL  string
	clientID  string
	scope     string
	assertion func() (string, error)
}

func (s *assertionTokenSource) Token() (*oauth2.Token, error) {
	assertion, err := s.assertion()
	if err != nil {
		return nil, err
	}
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_id":             {s.clientID},
		"scope":                 {s.scope},
		"client_assertion_type": {jwtBearerAssertion},
		"client_assertion":      {assertion},
	}
	tok, err := s.post(form, assertion)
	return tok, withoutSecrets(err, assertion)
}

func (s *assertionTokenSource) post(form url.Values, assertion string) (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(s.ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: the token request to %s failed: %w", s.method, s.tokenURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer from %s: %w", s.method, s.tokenURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newTokenError(s.method, s.tokenURL, resp.StatusCode, resp.Header, body, assertion)
	}
	return readTokenResponse(s.method, s.tokenURL, body)
}

// tokenResponse is a successful answer from Entra's token endpoint or from IMDS. IMDS adds expires_on, an
// absolute time that does not drift by the time the answer took to arrive.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   flexibleSeconds `json:"expires_in"`
	ExpiresOn   flexibleSeconds `json:"expires_on"`
}

// readTokenResponse turns a successful answer into a token. A token without a known expiry is refused, because
// oauth2 would treat it as never expiring and keep using it after Graph starts to reject it. The expiry is
// reckoned from the real clock, not Config.Now, because oauth2's reuse compares it with the real clock.
func readTokenResponse(m Method, endpoint string, body []byte) (*oauth2.Token, error) {
	var r tokenResponse
	if err := json.Unmarshal(body, &r); err != nil {
		// The JSON error names a position or a type, never the text around it, so it cannot quote a token.
		return nil, fmt.Errorf("%s: the answer from %s is not a token response: %w", m, endpointWithoutQuery(endpoint), err)
	}
	if r.AccessToken == "" {
		return nil, fmt.Errorf("%s: the answer from %s has no access_token", m, endpointWithoutQuery(endpoint))
	}
	tok := &oauth2.Token{AccessToken: r.AccessToken, TokenType: "Bearer"}
	if r.TokenType != "" {
		tok.TokenType = r.TokenType
	}
	switch {
	case r.ExpiresOn > 0:
		tok.Expiry = time.Unix(int64(r.ExpiresOn), 0)
	case r.ExpiresIn > 0:
		tok.Expiry = time.Now().Add(time.Duration(r.ExpiresIn) * time.Second)
	default:
		return nil, fmt.Errorf("%s: the answer from %s says neither expires_in nor expires_on", m, endpointWithoutQuery(endpoint))
	}
	return tok, nil
}
