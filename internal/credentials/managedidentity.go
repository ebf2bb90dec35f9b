package credentials

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// imdsAPIVersion is the instance metadata API version whose token answer this package reads.
const imdsAPIVersion = "2018-02-01"

// managedIdentitySource asks the instance metadata service (IMDS) of the Azure host for a token of its managed
// identity. IMDS takes a resource, not a scope, so Resource goes without "/.default".
type managedIdentitySource struct {
	ctx      context.Context
	client   *http.Client
	endpoint *url.URL
	resource string
	clientID string
}

func newManagedIdentitySource(s signIn) (oauth2.TokenSource, string, error) {
	endpoint := s.cfg.MSIEndpoint
	if endpoint == "" {
		endpoint = DefaultMSIEndpoint
	}
	parsed, err := url.ParseRequestURI(endpoint)
	if err != nil || parsed.Host == "" {
		return nil, "", fmt.Errorf("%s: the MSI endpoint %q is not an absolute URL", ManagedIdentity, endpointWithoutQuery(endpoint))
	}
	client := s.client
	if s.cfg.HTTPClient == nil {
		// IMDS answers only on the host itself, so a proxy from HTTPS_PROXY or HTTP_PROXY must not be used for it.
		transport := &http.Transport{}
		if base, ok := http.DefaultTransport.(*http.Transport); ok {
			transport = base.Clone()
		}
		transport.Proxy = nil
		client = &http.Client{Timeout: requestTimeout, Transport: transport}
	}
	src := &managedIdentitySource{
		ctx:      s.ctx,
		client:   client,
		endpoint: parsed,
		resource: s.resource,
		clientID: s.cfg.ClientID,
	}
	return src, "imds:" + endpoint, nil
}

func (m *managedIdentitySource) Token() (*oauth2.Token, error) {
	u := *m.endpoint
	query := u.Query()
	query.Set("api-version", imdsAPIVersion)
	query.Set("resource", m.resource)
	if m.clientID != "" {
		// Without client_id IMDS uses the system-assigned identity, or the only user-assigned one.
		query.Set("client_id", m.clientID)
	}
	u.RawQuery = query.Encode()

	ctx, cancel := context.WithTimeout(m.ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ManagedIdentity, err)
	}
	// IMDS refuses requests without this header, which a request forged through a server-side redirect lacks.
	req.Header.Set("Metadata", "true")
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: the token request to %s failed (is this an Azure host with a managed identity?): %w",
			ManagedIdentity, m.endpoint.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, fmt.Errorf("%s: reading the answer from %s: %w", ManagedIdentity, m.endpoint.Redacted(), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newTokenError(ManagedIdentity, m.endpoint.String(), resp.StatusCode, resp.Header, body)
	}
	return readTokenResponse(ManagedIdentity, m.endpoint.String(), body)
}
