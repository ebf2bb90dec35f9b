package credentials

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"golang.org/x/oauth2"
)

// defaultOIDCAudience is the audience Entra suggests for a federated credential in the global cloud.
const defaultOIDCAudience = "api://AzureADTokenExchange"

// federatedToken is one place a federated ID token can come from. fetch is called on every token request, so a
// rotated token file or a fresh GitHub token is always what gets sent.
type federatedToken struct {
	// fingerprint tells sources apart for the shared cache without holding a token.
	fingerprint string
	// check finds mistakes when the provider is configured, without contacting the network.
	check func(s signIn) error
	fetch func(s signIn) (string, error)
}

// federatedTokenSources are tried in order; the first one the Config sets is used.
var federatedTokenSources = []struct {
	present func(Config) bool
	source  func(Config) federatedToken
}{
	{
		present: func(c Config) bool { return c.OIDCToken != "" },
		source: func(c Config) federatedToken {
			return federatedToken{
				fingerprint: "inline:" + digest(c.OIDCToken),
				check:       func(signIn) error { return nil },
				fetch:       func(signIn) (string, error) { return c.OIDCToken, nil },
			}
		},
	},
	{
		present: func(c Config) bool { return c.OIDCTokenFilePath != "" },
		source: func(c Config) federatedToken {
			return federatedToken{
				fingerprint: "file:" + c.OIDCTokenFilePath,
				// Reading the file once now turns a wrong path into a configure-time error.
				check: func(s signIn) error {
					_, err := readFederatedTokenFile(s)
					return blame("oidc_token_file_path", "Cannot read oidc_token_file_path", err)
				},
				fetch: readFederatedTokenFile,
			}
		},
	},
	{
		present: func(c Config) bool { return c.OIDCRequestURL != "" && c.OIDCRequestToken != "" },
		source: func(c Config) federatedToken {
			return federatedToken{
				fingerprint: "github:" + c.OIDCRequestURL + ":" + digest(c.OIDCRequestToken),
				check:       checkGitHubRequestURL,
				fetch:       requestGitHubIDToken,
			}
		},
	},
}

// federatedTokenFor returns where the Config's federated token comes from, or nil when it names no source.
func federatedTokenFor(c Config) *federatedToken {
	for _, candidate := range federatedTokenSources {
		if candidate.present(c) {
			token := candidate.source(c)
			return &token
		}
	}
	return nil
}

func newOIDCSource(s signIn) (oauth2.TokenSource, string, error) {
	token := federatedTokenFor(s.cfg)
	if err := token.check(s); err != nil {
		return nil, "", err
	}
	src := &assertionTokenSource{
		method:    OIDC,
		ctx:       s.ctx,
		client:    s.client,
		tokenURL:  s.tokenURL,
		clientID:  s.cfg.ClientID,
		scope:     s.scope,
		assertion: func() (string, error) { return token.fetch(s) },
	}
	return src, token.fingerprint, nil
}

func readFederatedTokenFile(s signIn) (string, error) {
	data, err := os.ReadFile(s.cfg.OIDCTokenFilePath)
	if err != nil {
		return "", fmt.Errorf("%s: reading the federated token file: %w", OIDC, err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", fmt.Errorf("%s: the federated token file %s is empty", OIDC, s.cfg.OIDCTokenFilePath)
	}
	return token, nil
}

func checkGitHubRequestURL(s signIn) error {
	if _, err := url.ParseRequestURI(s.cfg.OIDCRequestURL); err != nil {
		return &ArgumentError{Argument: "oidc_request_url", Summary: "Invalid oidc_request_url",
			Err: fmt.Errorf("%s: oidc_request_url %q is not an absolute URL", OIDC, endpointWithoutQuery(s.cfg.OIDCRequestURL))}
	}
	return nil
}

// requestGitHubIDToken asks GitHub Actions for an ID token. GitHub's URL already carries a query, so the audience
// is appended to it rather than replacing it.
func requestGitHubIDToken(s signIn) (string, error) {
	audience := s.cfg.OIDCAudience
	if audience == "" {
		audience = defaultOIDCAudience
	}
	separator := "?"
	if strings.Contains(s.cfg.OIDCRequestURL, "?") {
		separator = "&"
	}
	requestURL := s.cfg.OIDCRequestURL + separator + "audience=" + url.QueryEscape(audience)

	ctx, cancel := context.WithTimeout(s.ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, requestURL, nil)
	if err != nil {
		return "", fmt.Errorf("%s: oidc_request_url: %w", OIDC, err)
	}
	req.Header.Set("Authorization", "Bearer "+s.cfg.OIDCRequestToken)
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: asking GitHub Actions for an ID token failed: %w", OIDC, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return "", fmt.Errorf("%s: reading GitHub Actions' ID token: %w", OIDC, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: GitHub Actions refused the ID token request to %s with HTTP %d: %s; does the job have `permissions: id-token: write`?",
			OIDC, endpointWithoutQuery(requestURL), resp.StatusCode, quoteBody(body, s.cfg.OIDCRequestToken))
	}
	var answer struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.Value == "" {
		return "", fmt.Errorf("%s: GitHub Actions answered without an ID token in \"value\"", OIDC)
	}
	return answer.Value, nil
}
