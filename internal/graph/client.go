// Package graph is a small Microsoft Graph client for API connectors (identityApiConnector). It signs
// requests with an oauth2.TokenSource, retries what Graph allows to be retried, turns OData errors into
// typed errors, and logs through tflog with every secret masked. It knows nothing of Terraform's types.
package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// Config describes how to reach Graph.
type Config struct {
	// Endpoint is Graph's base URL without the version, such as https://graph.microsoft.com.
	Endpoint string
	// APIVersion is "v1.0" or "beta".
	APIVersion string
	// Tokens signs every request.
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
	// ConsistencyWait bounds the polling after a create or delete until Graph's replicas agree. Zero
	// means two minutes; the context's deadline bounds it too.
	ConsistencyWait time.Duration
}

// Client calls Graph. It is safe for concurrent use.
type Client struct {
	base            *url.URL
	userAgent       string
	http            *retryablehttp.Client
	throttle        *throttleGate
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
		pooled := cleanhttp.DefaultPooledTransport()
		// Parallel applies send many requests to one host; keep enough idle connections to reuse them.
		pooled.MaxIdleConnsPerHost = 32
		transport = pooled
	}
	gate := &throttleGate{}
	retrying := retryablehttp.NewClient()
	retrying.HTTPClient = &http.Client{
		Transport: &authTransport{tokens: cfg.Tokens, next: &throttleTransport{
			gate: gate,
			next: &loggingTransport{next: transport},
		}},
	}
	retrying.Logger = nil
	retrying.RetryMax = valueOr(cfg.RetryMax, 60)
	retrying.RetryWaitMin = valueOr(cfg.RetryWaitMin, 500*time.Millisecond)
	retrying.RetryWaitMax = valueOr(cfg.RetryWaitMax, 30*time.Second)
	retrying.CheckRetry = checkRetry
	retrying.Backoff = backoff
	retrying.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		attemptLogFrom(req.Context()).startAttempt(attempt + 1)
	}
	retrying.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
		if resp.Request == nil {
			return
		}
		log := attemptLogFrom(resp.Request.Context())
		log.lastStatus, log.lastRequestID = resp.StatusCode, resp.Header.Get("request-id")
	}
	// The last answer is returned as it is, so that its OData error reaches the user.
	retrying.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return &Client{
		base:            base,
		userAgent:       cfg.UserAgent,
		http:            retrying,
		throttle:        gate,
		consistencyWait: valueOr(cfg.ConsistencyWait, 2*time.Minute),
	}, nil
}

func valueOr[T comparable](value, fallback T) T {
	var zero T
	if value == zero {
		return fallback
	}
	return value
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

// do sends r and returns a 2xx answer, or an *Error for any other.
func (c *Client) do(ctx context.Context, r request) (answer, error) {
	target, err := c.resolve(r.path)
	if err != nil {
		return answer{}, err
	}
	var body []byte
	if r.body != nil {
		if body, err = marshalJSON(r.body); err != nil {
			return answer{}, fmt.Errorf("encoding the %s %s request: %w", r.method, r.path, err)
		}
	}
	log := &attemptLog{repeatable: r.repeatable}
	req, err := retryablehttp.NewRequestWithContext(withAttemptLog(ctx, log), r.method, target.String(), body)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}

	resp, err := c.http.Do(req)
	display := r.method + " " + target.Path
	if resp == nil {
		return answer{}, c.transportError(display, log, err)
	}
	defer resp.Body.Close()
	// The logging transport has read the body already, so this read comes from memory and cannot fail
	// half way.
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if readErr != nil {
		return answer{}, c.transportError(display, log, readErr)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		// An answer is kept even when the context ended as it arrived: a write it reports did happen.
		return answer{status: resp.StatusCode, body: respBody}, nil
	}
	graphErr := parseError(r.method, target.Path, resp.StatusCode, resp.Header, respBody, redact.Secrets(body)...)
	graphErr.Attempts = log.attempts
	switch {
	case err != nil:
		// The retry policy stopped on an answer it would otherwise have retried, and err says why.
		return answer{}, fmt.Errorf("%w: %w", graphErr, err)
	case log.outcomeUnknown:
		return answer{}, fmt.Errorf("%w: %w", ErrOutcomeUnknown, graphErr)
	}
	return answer{}, graphErr
}

// maxResponseBody bounds what is read of an answer; a connector list page is a few kilobytes.
const maxResponseBody = 16 << 20

// transportError explains a request that got no usable answer: how often it was sent, what Graph last
// answered and with which request-id, and what went wrong at the end.
func (c *Client) transportError(display string, log *attemptLog, err error) error {
	var signIn *tokenError
	if errors.As(err, &signIn) {
		return signIn
	}
	// net/http repeats the whole URL in its errors; display names the call already.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var details []string
	if log.attempts > 1 {
		details = append(details, fmt.Sprintf("after %d attempts", log.attempts))
	}
	if log.lastStatus != 0 {
		last := fmt.Sprintf("last answer %d", log.lastStatus)
		if log.lastRequestID != "" {
			last += " request-id " + log.lastRequestID
		}
		details = append(details, last)
	}
	where := display
	if len(details) > 0 {
		where += " (" + strings.Join(details, ", ") + ")"
	}
	if log.outcomeUnknown {
		return fmt.Errorf("%s: %w: %w", where, ErrOutcomeUnknown, err)
	}
	return fmt.Errorf("%s: %w", where, err)
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

// decode reads a JSON answer into v.
func decode(a answer, what string, v any) error {
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Errorf("decoding %s from Graph: %w", what, err)
	}
	return nil
}

// authTransport signs each attempt with a current token.
type authTransport struct {
	tokens oauth2.TokenSource
	next   http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token, err := t.tokens.Token()
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
