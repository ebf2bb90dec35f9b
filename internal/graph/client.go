// Package graph is a small Microsoft Graph client for API connectors (identityApiConnector). It signs
// requests with an oauth2.TokenSource, retries what Graph allows to be retried, turns OData errors into
// typed errors, and logs through tflog with every secret masked. It knows nothing of Terraform's types.
package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Config describes how to reach Graph.
type Config struct {
	// Endpoint is Graph's base URL without the version, such as https://graph.microsoft.com.
	Endpoint string
	// APIVersion is "v1.0" or "beta".
	APIVersion string
	// Tokens signs every request. When it is also a ContextTokenSource, each token request carries the
	// context of the Graph request.
	Tokens oauth2.TokenSource
	// UserAgent names the provider and the CLI that runs it.
	UserAgent string
	// Transport carries the requests; nil means a pooled transport of its own.
	Transport http.RoundTripper
	// RetryMax bounds the attempts after the first; the context's deadline bounds them too. Zero means
	// 60: under throttling Graph turns requests away before acting on them, and the deadline (the
	// resource's timeouts) is the bound that matters.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the backoff between attempts when Graph names no Retry-After.
	RetryWaitMin, RetryWaitMax time.Duration
	// ConsistencyWait bounds how long a 404 is read again before an object is believed gone (at most three
	// seconds) and how long the effect of a write whose answer was lost is looked for before it is sent again
	// (at most 30 seconds). Zero means those bounds. Reading a write back until Graph shows it is bounded by
	// the context's deadline alone: the operation's timeout.
	ConsistencyWait time.Duration
}

// Client calls Graph. It is safe for concurrent use.
type Client struct {
	base            *url.URL
	userAgent       string
	http            *http.Client
	auth            *authTransport
	retry           retryPolicy
	throttle        *throttle
	consistencyWait time.Duration
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.Tokens == nil {
		return nil, errors.New("graph: a token source is required")
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.Endpoint, "/") + "/" + cfg.APIVersion)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("graph: endpoint %q is not an absolute URL", cfg.Endpoint)
	}
	transport := cfg.Transport
	if transport == nil {
		pooled := http.DefaultTransport.(*http.Transport).Clone() //nolint:errcheck,forcetypeassert // net/http declares DefaultTransport as an *http.Transport.
		// Parallel applies send many requests to one host; keep enough idle connections to reuse them.
		pooled.MaxIdleConnsPerHost = 32
		transport = pooled
	}
	auth := &authTransport{tokens: cfg.Tokens, next: transport}
	return &Client{
		base:      base,
		userAgent: cfg.UserAgent,
		http:      &http.Client{Transport: auth},
		auth:      auth,
		retry: retryPolicy{
			maxRetries: cmp.Or(cfg.RetryMax, 60),
			waitMin:    cmp.Or(cfg.RetryWaitMin, 500*time.Millisecond),
			waitMax:    cmp.Or(cfg.RetryWaitMax, 30*time.Second),
		},
		throttle:        &throttle{},
		consistencyWait: cmp.Or(cfg.ConsistencyWait, 2*time.Minute),
	}, nil
}

// request is one Graph call.
type request struct {
	method string
	// path is relative to the versioned base ("identity/apiConnectors"), or an absolute URL on the same
	// host (an @odata.nextLink).
	path string
	body any
	// repeatable says whether sending the request twice has the effect of sending it once.
	repeatable bool
}

// answer is a successful Graph answer.
type answer struct {
	status int
	body   []byte
}

// resolve turns a request path into a URL under the versioned base. Absolute URLs (Graph's next links)
// must stay on the same host and scheme, so that the bearer token never goes anywhere else.
func (c *Client) resolve(path string) (*url.URL, error) {
	if strings.Contains(path, "://") {
		target, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("Graph returned a link that is not a URL: %w", err)
		}
		if target.Scheme != c.base.Scheme || target.Host != c.base.Host {
			return nil, fmt.Errorf("Graph returned a link to %s://%s, which is not the configured Graph endpoint %s://%s",
				target.Scheme, target.Host, c.base.Scheme, c.base.Host)
		}
		return target, nil
	}
	return c.base.JoinPath(path), nil
}

// pathOf is the URL path of a request path (under the versioned base, or an absolute URL), as errors name
// the request.
func (c *Client) pathOf(path string) string {
	if target, err := c.resolve(path); err == nil {
		return target.Path
	}
	return path
}

// decode reads a JSON answer into v.
func decode(a answer, what string, v any) error {
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Errorf("decoding %s from Graph: %w", what, err)
	}
	return nil
}

// ContextTokenSource is a token source that bounds a token request by the context of the Graph request
// that needs it, so that signing in ends with the operation's deadline. A Config.Tokens that has this method is
// asked through it.
type ContextTokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// authTransport signs each attempt with a current token.
type authTransport struct {
	tokens oauth2.TokenSource
	next   http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token, err := t.token(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &tokenError{err: err}
	}
	signed := req.Clone(req.Context())
	token.SetAuthHeader(signed)
	return t.next.RoundTrip(signed)
}

func (t *authTransport) token(ctx context.Context) (*oauth2.Token, error) {
	if tokens, ok := t.tokens.(ContextTokenSource); ok {
		return tokens.TokenContext(ctx)
	}
	return t.tokens.Token()
}

// tokenError marks a failure to sign in, which no retry of the Graph request can mend.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "signing in to Entra: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }
