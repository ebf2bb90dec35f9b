package fakegraph

import (
	"bytes"
	"crypto/sha1" //nolint:gosec // the x5t header of a client assertion is a SHA-1 thumbprint by definition.
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

	// clockSkew is how far in the future an assertion's "nbf" may lie, as Entra allows.
	clockSkew = 60 * time.Second
)

// oauthError is a failed sign-in, written the way Entra's v2.0 token endpoint writes it.
type oauthError struct {
	status      int
	kind        string // the OAuth "error" value: invalid_request, invalid_client, ...
	aadsts      int
	description string
}

func signInError(status int, kind string, aadsts int, format string, args ...any) *oauthError {
	return &oauthError{status: status, kind: kind, aadsts: aadsts, description: fmt.Sprintf(format, args...)}
}

func (s *Server) writeOAuthError(ex *exchange, e *oauthError) {
	timestamp := ex.arrived.UTC().Format("2006-01-02 15:04:05Z")
	description := fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
		e.aadsts, e.description, ex.requestID, ex.clientRequestID, timestamp)
	writeJSON(ex.out, e.status, plainJSON, jsonObject{
		{"error", e.kind},
		{"error_description", description},
		{"error_codes", []int{e.aadsts}},
		{"timestamp", timestamp},
		{"trace_id", ex.requestID},
		{"correlation_id", ex.clientRequestID},
		{"error_uri", fmt.Sprintf("%s/error?code=%d", ex.base, e.aadsts)},
	})
}

// serveOpenIDConfiguration is GET /{tenant}/v2.0/.well-known/openid-configuration, the OpenID Connect
// discovery document (OpenID Connect Discovery 1.0, section 4) that Microsoft's sign-in library reads before its
// first token request to learn the token endpoint and the issuer. Entra answers an unknown tenant with 400
// invalid_tenant, and so does the emulator.
func (s *Server) serveOpenIDConfiguration(ex *exchange, tenant string) {
	if ex.r.Method != http.MethodGet {
		s.writeOAuthError(ex, signInError(http.StatusBadRequest, "invalid_request", 900561,
			"The endpoint only accepts GET requests. Received a %s request.", ex.r.Method))
		return
	}
	if !strings.EqualFold(tenant, s.opts.TenantID) {
		s.writeOAuthError(ex, signInError(http.StatusBadRequest, "invalid_tenant", 90002,
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	root := ex.base + "/" + s.opts.TenantID
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"token_endpoint", root + "/oauth2/v2.0/token"},
		{"token_endpoint_auth_methods_supported", []string{"client_secret_post", "private_key_jwt", "client_secret_basic"}},
		{"jwks_uri", root + "/discovery/v2.0/keys"},
		{"response_modes_supported", []string{"query", "fragment", "form_post"}},
		{"subject_types_supported", []string{"pairwise"}},
		{"id_token_signing_alg_values_supported", []string{"RS256"}},
		{"response_types_supported", []string{"code", "id_token", "code id_token", "id_token token"}},
		{"scopes_supported", []string{"openid", "profile", "email", "offline_access"}},
		{"issuer", root + "/v2.0"},
		{"request_uri_parameter_supported", false},
		{"authorization_endpoint", root + "/oauth2/v2.0/authorize"},
		{"device_authorization_endpoint", root + "/oauth2/v2.0/devicecode"},
		{"end_session_endpoint", root + "/oauth2/v2.0/logout"},
		{"tenant_region_scope", "NA"},
		{"cloud_instance_name", "fakegraph"},
		{"msgraph_host", strings.TrimPrefix(strings.TrimPrefix(ex.base, "https://"), "http://")},
	})
}

// serveToken is POST /{tenant}/oauth2/v2.0/token for the client-credentials grant, with a client secret
// or a client assertion (certificate-signed or federated).
func (s *Server) serveToken(ex *exchange, tenant string) {
	if !s.pause(ex.r, ex.faults.TokenLatency) {
		ex.lost = true
		return
	}
	if err := s.checkTokenRequest(ex, tenant); err != nil {
		s.writeOAuthError(ex, err)
		return
	}
	token, expiresIn := s.issueAccessToken(s.opts.ClientID)
	seconds := int(expiresIn / time.Second)
	ex.out.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"token_type", "Bearer"},
		{"expires_in", seconds},
		{"ext_expires_in", seconds},
		{"access_token", token},
	})
}

// checkTokenRequest applies Entra's checks in Entra's order: request shape, tenant, client, scope, then
// the credential.
func (s *Server) checkTokenRequest(ex *exchange, tenant string) *oauthError {
	if ex.r.Method != http.MethodPost {
		return signInError(http.StatusBadRequest, "invalid_request", 900561,
			"The endpoint only accepts POST, OPTIONS requests. Received a %s request.", ex.r.Method)
	}
	form, err := url.ParseQuery(string(ex.body))
	if err != nil {
		return signInError(http.StatusBadRequest, "invalid_request", 900144,
			"The request body must be application/x-www-form-urlencoded: %v", err)
	}
	if !strings.EqualFold(tenant, s.opts.TenantID) {
		return signInError(http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)
	}
	grant := form.Get("grant_type")
	if grant == "" {
		return missingParameter("grant_type")
	}
	if grant != "client_credentials" {
		return signInError(http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '%s'.", grant)
	}

	// client_secret_basic sends the client id and secret in the Authorization header, form-encoded.
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if user, pass, ok := ex.r.BasicAuth(); ok {
		if id, err := url.QueryUnescape(user); err == nil {
			clientID = id
		}
		if sec, err := url.QueryUnescape(pass); err == nil {
			secret = sec
		}
	}
	if clientID == "" {
		return missingParameter("client_id")
	}
	if clientID != s.opts.ClientID {
		return signInError(http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
			clientID, tenant)
	}

	// Entra ignores the OpenID Connect scopes beside the resource's /.default, and Microsoft's sign-in
	// library sends them with every request.
	var scopes []string
	for _, scope := range strings.Fields(form.Get("scope")) {
		if !openIDScopes[scope] {
			scopes = append(scopes, scope)
		}
	}
	scope := strings.Join(scopes, " ")
	if scope == "" {
		return missingParameter("scope")
	}
	if want := ex.base + "/.default"; scope != want {
		if !strings.HasSuffix(scope, "/.default") || strings.Contains(scope, " ") {
			return signInError(http.StatusBadRequest, "invalid_scope", 1002012,
				"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI). This emulator's resource is %s.", scope, want)
		}
		return signInError(http.StatusBadRequest, "invalid_resource", 500011,
			"The resource principal named %s was not found in the tenant named %s. The scope must be %s.",
			strings.TrimSuffix(scope, "/.default"), tenant, want)
	}

	assertionType, assertion := form.Get("client_assertion_type"), form.Get("client_assertion")
	switch {
	case secret != "" && assertion != "":
		return signInError(http.StatusBadRequest, "invalid_request", 7000219,
			"'client_assertion' and 'client_secret' must not both be present.")
	case secret != "":
		if s.opts.ClientSecret == "" || secret != s.opts.ClientSecret {
			return signInError(http.StatusUnauthorized, "invalid_client", 7000215,
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)
		}
		return nil
	case assertion != "":
		if assertionType != jwtBearerAssertionType {
			return signInError(http.StatusBadRequest, "invalid_request", 90014,
				"The value of 'client_assertion_type' must be '%s', not '%s'.", jwtBearerAssertionType, assertionType)
		}
		return s.checkClientAssertion(ex, assertion, ex.base+ex.r.URL.Path)
	default:
		return signInError(http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
}

// openIDScopes are the scopes of OpenID Connect itself, which a client-credentials request may carry.
var openIDScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

func missingParameter(name string) *oauthError {
	return signInError(http.StatusBadRequest, "invalid_request", 900144,
		"The request body must contain the following parameter: '%s'.", name)
}

// checkClientAssertion verifies a client assertion. An assertion issued by the emulator's own OIDC issuer
// is a federated credential; anything else must be signed by a registered certificate.
func (s *Server) checkClientAssertion(ex *exchange, assertion, tokenURL string) *oauthError {
	jwt, err := parseJWT(assertion)
	if err != nil {
		return signInError(http.StatusUnauthorized, "invalid_client", 50027,
			"JWT token is invalid or malformed: %v.", err)
	}
	if jwt.claims.Issuer == ex.base+"/oidc" {
		return s.checkFederatedAssertion(ex, jwt)
	}
	return s.checkCertificateAssertion(ex, jwt, tokenURL)
}

func (s *Server) checkCertificateAssertion(ex *exchange, jwt *parsedJWT, tokenURL string) *oauthError {
	if jwt.header.SHA1Thumb == "" && jwt.header.SHA256Thumb == "" {
		return signInError(http.StatusUnauthorized, "invalid_client", 5002723,
			"Invalid JWT token. No certificate thumbprint specified in token header (x5t or x5t#S256).")
	}
	cert := s.findClientCertificate(jwt.header)
	if cert == nil {
		return signInError(http.StatusUnauthorized, "invalid_client", 700027,
			"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s%s']",
			jwt.header.SHA1Thumb, jwt.header.SHA256Thumb)
	}
	if err := jwt.verify(cert.PublicKey); err != nil {
		return signInError(http.StatusUnauthorized, "invalid_client", 700027,
			"Client assertion failed signature validation: %v.", err)
	}
	if jwt.claims.Issuer != s.opts.ClientID || jwt.claims.Subject != s.opts.ClientID {
		return signInError(http.StatusUnauthorized, "invalid_client", 700021,
			"Client assertion application identifier doesn't match 'client_id' parameter: 'iss' and 'sub' must both be '%s'.", s.opts.ClientID)
	}
	if !jwt.claims.Audience.contains(tokenURL) {
		return signInError(http.StatusUnauthorized, "invalid_client", 700023,
			"Client assertion audience claim does not match Realm issuer: 'aud' is %v, it must be '%s'.", []string(jwt.claims.Audience), tokenURL)
	}
	if err := checkLifetime(jwt.claims, ex.arrived); err != nil {
		return err
	}
	if jwt.claims.ID == "" {
		return signInError(http.StatusUnauthorized, "invalid_client", 50027,
			"JWT token is invalid or malformed: the client assertion has no 'jti' claim.")
	}
	return nil
}

func (s *Server) checkFederatedAssertion(ex *exchange, jwt *parsedJWT) *oauthError {
	if err := jwt.verify(&s.oidcSigningKey().PublicKey); err != nil {
		return signInError(http.StatusUnauthorized, "invalid_client", 700027,
			"Client assertion failed signature validation against the issuer's keys: %v.", err)
	}
	if !jwt.claims.Audience.contains(s.opts.FederatedAudience) {
		return signInError(http.StatusBadRequest, "invalid_request", 700212,
			"No matching federated identity record found for presented assertion audience '%s'.", strings.Join(jwt.claims.Audience, ","))
	}
	if jwt.claims.Subject == "" {
		return signInError(http.StatusBadRequest, "invalid_request", 70021,
			"No matching federated identity record found for presented assertion: it has no subject.")
	}
	return checkLifetime(jwt.claims, ex.arrived)
}

// checkLifetime rejects an assertion that has expired, or has no expiry, or is not valid yet.
func checkLifetime(c jwtClaims, now time.Time) *oauthError {
	format := func(t *jwtTime) string {
		if t == nil {
			return "(none)"
		}
		return t.UTC().Format("01/02/2006 15:04:05")
	}
	expired := c.Expires == nil || !now.Before(c.Expires.Time)
	early := c.NotBefore != nil && c.NotBefore.After(now.Add(clockSkew))
	if expired || early {
		return signInError(http.StatusUnauthorized, "invalid_client", 700024,
			"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s.",
			now.UTC().Format("2006-01-02T15:04:05.0000000Z"), format(c.NotBefore), format(c.Expires))
	}
	return nil
}

// findClientCertificate picks the registered certificate the assertion header names by thumbprint.
func (s *Server) findClientCertificate(h jwtHeader) *x509.Certificate {
	sha1Thumb, _ := decodeThumbprint(h.SHA1Thumb)
	sha256Thumb, _ := decodeThumbprint(h.SHA256Thumb)
	for _, cert := range s.opts.ClientCertificates {
		s1 := sha1.Sum(cert.Raw) //nolint:gosec // x5t is a SHA-1 thumbprint by definition; it only picks the certificate.
		s256 := sha256.Sum256(cert.Raw)
		if (h.SHA256Thumb != "" && bytes.Equal(sha256Thumb, s256[:])) || (h.SHA1Thumb != "" && bytes.Equal(sha1Thumb, s1[:])) {
			return cert
		}
	}
	return nil
}

// issueAccessToken makes an opaque access token for the application clientID and remembers it until it
// expires. It never embeds a credential, so a token in a log gives nothing away.
func (s *Server) issueAccessToken(clientID string) (string, time.Duration) {
	token := "fakegraph." + randomHex(32)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.accessTokens) > 1000 {
		for t, exp := range s.accessTokens {
			if !now.Before(exp) {
				delete(s.accessTokens, t)
				delete(s.tokenClients, t)
			}
		}
	}
	s.accessTokens[token] = now.Add(s.opts.TokenLifetime)
	s.tokenClients[token] = clientID
	s.tokensIssued = append(s.tokensIssued, token)
	return token, s.opts.TokenLifetime
}

// authorize checks the bearer token of a Graph call, and returns Graph's 401 when it is not good.
func (s *Server) authorize(ex *exchange) *odataError {
	header := ex.r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	var message string
	switch {
	case header == "":
		message = "Access token is empty."
	case !strings.EqualFold(scheme, "Bearer") || token == "":
		message = "Access token validation failure. The Authorization header must be 'Bearer <token>'."
	default:
		s.mu.Lock()
		expiry, known := s.accessTokens[token]
		s.mu.Unlock()
		switch {
		case !known:
			message = "Access token validation failure. Invalid audience or unknown token."
		case !ex.arrived.Before(expiry):
			message = "Lifetime validation failed, the token is expired."
		default:
			return nil
		}
	}
	ex.out.Header().Set("WWW-Authenticate", fmt.Sprintf(
		`Bearer realm="", authorization_uri="%s/%s/oauth2/v2.0/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
		ex.base, s.opts.TenantID))
	return &odataError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: message}
}
