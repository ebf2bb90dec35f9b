package fakegraph

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// GitHubSubject is the subject of tokens from the GitHub-Actions-style request endpoint.
	GitHubSubject = "repo:entra/test:ref:refs/heads/main"

	// githubDefaultAudience is what GitHub uses when the request names no audience: the owner's URL,
	// which Entra does not accept, so a client that forgets the audience finds out.
	githubDefaultAudience = "https://github.com/entra"

	defaultFederatedLifetime = 10 * time.Minute
)

// oidcSigningKey is the key of the emulator's OIDC issuer, made on first use.
func (s *Server) oidcSigningKey() *rsa.PrivateKey {
	s.oidcOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("fakegraph: generating the OIDC signing key: " + err.Error())
		}
		der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
		sum := sha256.Sum256(der)
		s.oidcKey = key
		s.oidcKeyID = base64.RawURLEncoding.EncodeToString(sum[:12])
	})
	return s.oidcKey
}

// OIDCIssuer is the issuer ("iss") of the emulator's federated tokens: URL()+"/oidc".
func (s *Server) OIDCIssuer() string { return s.URL() + "/oidc" }

// IssueFederatedToken returns a JWT from the emulator's OIDC issuer, as a CI system would hand a workload.
// The token endpoint accepts it as a client assertion when audience is FederatedTokenAudience. A
// non-positive lifetime means ten minutes.
func (s *Server) IssueFederatedToken(subject, audience string, lifetime time.Duration) string {
	return s.issueFederatedToken(s.OIDCIssuer(), subject, audience, lifetime)
}

func (s *Server) issueFederatedToken(issuer, subject, audience string, lifetime time.Duration) string {
	if lifetime <= 0 {
		lifetime = defaultFederatedLifetime
	}
	key := s.oidcSigningKey()
	now := s.now()
	token, err := signJWT(key, jwtHeader{Type: "JWT", KeyID: s.oidcKeyID}, jwtClaims{
		Issuer:    issuer,
		Subject:   subject,
		Audience:  jwtAudience{audience},
		IssuedAt:  newJWTTime(now),
		NotBefore: newJWTTime(now),
		Expires:   newJWTTime(now.Add(lifetime)),
		ID:        newGUID(),
	})
	if err != nil {
		panic("fakegraph: signing a federated token: " + err.Error())
	}
	return token
}

// SetOIDCRequestToken sets the bearer token the OIDC request endpoint requires. A random one is set at
// start; OIDCRequestToken returns it.
func (s *Server) SetOIDCRequestToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oidcRequestToken = tok
}

// OIDCRequestToken is the bearer token the OIDC request endpoint requires now.
func (s *Server) OIDCRequestToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oidcRequestToken
}

// OIDCRequestURL is the request endpoint in the form GitHub Actions hands it out
// (ACTIONS_ID_TOKEN_REQUEST_URL): it already has a query, so a client must add "audience" properly.
func (s *Server) OIDCRequestURL() string { return s.URL() + "/oidc/request?api-version=2.0" }

// serveOIDCRequest is the GitHub-Actions-style endpoint: GET with the request token as bearer, answering
// {"value": "<jwt>"} for the requested audience.
func (s *Server) serveOIDCRequest(ex *exchange) {
	if ex.r.Method != http.MethodGet {
		writeJSON(ex.out, http.StatusMethodNotAllowed, plainJSON, map[string]string{"message": "Only GET is supported."})
		return
	}
	want := s.OIDCRequestToken()
	scheme, got, _ := strings.Cut(ex.r.Header.Get("Authorization"), " ")
	if want == "" || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		writeJSON(ex.out, http.StatusUnauthorized, plainJSON, map[string]string{"message": "Unauthorized: the bearer token is missing or wrong."})
		return
	}
	audience := ex.r.URL.Query().Get("audience")
	if audience == "" {
		audience = githubDefaultAudience
	}
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"value", s.issueFederatedToken(ex.base+"/oidc", GitHubSubject, audience, 0)},
	})
}

// serveOIDCDiscovery and serveOIDCKeys publish the issuer's metadata, so that tokens it issues can be
// checked with ordinary OIDC tooling.
func (s *Server) serveOIDCDiscovery(ex *exchange) {
	issuer := ex.base + "/oidc"
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"issuer", issuer},
		{"jwks_uri", issuer + "/keys"},
		{"subject_types_supported", []string{"public", "pairwise"}},
		{"response_types_supported", []string{"id_token"}},
		{"claims_supported", []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"}},
		{"id_token_signing_alg_values_supported", []string{"RS256"}},
	})
}

func (s *Server) serveOIDCKeys(ex *exchange) {
	key := s.oidcSigningKey()
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"keys", []jsonObject{{
			{"kty", "RSA"},
			{"use", "sig"},
			{"alg", "RS256"},
			{"kid", s.oidcKeyID},
			{"n", base64.RawURLEncoding.EncodeToString(key.N.Bytes())},
			{"e", base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())},
		}}},
	})
}

// serveManagedIdentity is the instance metadata service's token endpoint, with IMDS's quirks: the
// Metadata header is required, and numbers come back as strings.
func (s *Server) serveManagedIdentity(ex *exchange) {
	fail := func(status int, kind, description string) {
		writeJSON(ex.out, status, plainJSON, jsonObject{{"error", kind}, {"error_description", description}})
	}
	if ex.r.Method != http.MethodGet {
		fail(http.StatusMethodNotAllowed, "invalid_request", "Only GET is supported.")
		return
	}
	if ex.r.Header.Get("Metadata") != "true" {
		fail(http.StatusBadRequest, "invalid_request", "Required metadata header not specified")
		return
	}
	q := ex.r.URL.Query()
	if q.Get("api-version") == "" {
		fail(http.StatusBadRequest, "invalid_request", "Required query variable 'api-version' is missing")
		return
	}
	resource := q.Get("resource")
	if resource == "" {
		fail(http.StatusBadRequest, "invalid_request", "Required query variable 'resource' is missing")
		return
	}
	if strings.TrimSuffix(resource, "/") != ex.base {
		fail(http.StatusBadRequest, "invalid_resource",
			"AADSTS500011: The resource principal named "+resource+" was not found in the tenant named "+s.opts.TenantID+". The resource must be "+ex.base+".")
		return
	}
	clientID := q.Get("client_id")
	switch clientID {
	case "":
		clientID = s.opts.ClientID
	case s.opts.ClientID, UserAssignedClientID:
	default:
		fail(http.StatusBadRequest, "invalid_request", "Identity not found")
		return
	}
	token, lifetime := s.issueAccessToken(clientID)
	now := s.now()
	seconds := strconv.Itoa(int(lifetime / time.Second))
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"access_token", token},
		{"client_id", clientID},
		{"expires_in", seconds},
		{"expires_on", strconv.FormatInt(now.Add(lifetime).Unix(), 10)},
		{"ext_expires_in", seconds},
		{"not_before", strconv.FormatInt(now.Unix(), 10)},
		{"resource", resource},
		{"token_type", "Bearer"},
	})
}
