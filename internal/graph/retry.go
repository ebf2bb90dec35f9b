package graph

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// do sends r and returns a 2xx answer, or an error: an *Error for any other answer, marked
// ErrOutcomeUnknown when Graph may have acted on a write that cannot be repeated.
//
// It is the client's one retry loop. Each attempt waits its turn at the throttle, goes out
// once (send), and what came back decides whether it goes again (judge), and after how long: Graph's
// Retry-After, which the gate holds every request to, or else the backoff (retryPolicy). What the loop
// knows about earlier attempts is in its own variables.
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
	tries := attempts{method: r.method, path: target.Path, secrets: redact.Secrets(body)}
	// backoffs counts the retries Graph named no wait for: only they grow the backoff, so that a 5xx
	// after a run of 429s waits as long as a first 5xx does.
	backoffs := 0
	for {
		// Sign in before taking a turn: the throttle counts a turn as spent when it hands it out, and a
		// sign-in in between would send the request later than it counted.
		if _, err := c.auth.token(ctx); err != nil {
			return answer{}, tries.noAnswer(&tokenError{err: err}, false)
		}
		sent, err := c.throttle.wait(ctx)
		if err != nil {
			return answer{}, tries.noAnswer(err, false)
		}
		ex := c.send(ctx, r.method, target, body, tries.secrets)
		tries.record(ex)
		c.throttle.observe(ctx, sent, ex)

		verdict := judge(r.repeatable, ex)
		switch {
		case verdict == done && ex.err == nil && ex.status >= 200 && ex.status <= 299:
			// An answer is kept even when the context ended as it arrived: a write it reports did happen.
			return answer{status: ex.status, body: ex.body}, nil
		case verdict != retry:
			return answer{}, tries.final(ex, verdict == unsure, nil)
		case ctx.Err() != nil:
			return answer{}, tries.final(ex, false, ctx.Err())
		case tries.count > c.retry.maxRetries:
			return answer{}, tries.final(ex, false, nil)
		}

		asked, named := retryAfter(ex)
		if deadline, ok := ctx.Deadline(); ok && named && asked > time.Until(deadline) {
			return answer{}, tries.final(ex, false, &RetryAfterError{Wait: asked, Left: max(time.Until(deadline), 0)})
		}
		// Graph's Retry-After holds every request at the throttle gate, this one included.
		if !named {
			backoffs++
			if err := sleep(ctx, c.retry.backoff(backoffs)); err != nil {
				return answer{}, tries.noAnswer(err, false)
			}
		}
	}
}

// exchange is one attempt: Graph's answer, or why there is none.
type exchange struct {
	status int
	header http.Header
	body   []byte
	// err is set when no complete answer came back; mayHaveArrived then says whether Graph may have
	// received the request.
	err            error
	mayHaveArrived bool
}

// maxResponseBody bounds what is read of an answer; a connector list page is a few kilobytes.
const maxResponseBody = 16 << 20

// send makes one attempt and reads the whole answer, so that an answer cut off half way counts as none.
// secrets are the body's, for the log.
func (c *Client) send(ctx context.Context, method string, target *url.URL, body []byte, secrets []string) exchange {
	var wire wireTrace
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(wire.watch(ctx), method, target.String(), reader)
	if err != nil {
		return exchange{err: err}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	logRequest(ctx, req, body)
	start := time.Now()
	var ex exchange
	resp, err := c.http.Do(req)
	if err == nil {
		ex.status, ex.header = resp.StatusCode, resp.Header
		ex.body, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
		resp.Body.Close()
		if err != nil {
			err = fmt.Errorf("reading Graph's %d answer: %w", resp.StatusCode, err)
		}
	}
	if err != nil {
		ex = exchange{err: err, mayHaveArrived: wire.mayHaveArrived(err)}
	}
	logExchange(ctx, req, ex, time.Since(start), secrets)
	return ex
}

// wireTrace follows one attempt through net/http, to tell afterwards whether Graph may have received it.
type wireTrace struct {
	// connecting and wrote are set, from the transport's goroutines, when the attempt asks for a
	// connection and when its headers are written. Graph cannot act on a request it has not received in
	// full, so an attempt that failed between the two was not sent, whatever went wrong.
	connecting, wrote atomic.Bool
}

func (w *wireTrace) watch(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:      func(string) { w.connecting.Store(true) },
		WroteHeaders: func() { w.wrote.Store(true) },
	})
}

// mayHaveArrived reports whether an attempt that failed with err may have reached Graph. When the
// transport reports nothing (one that is not net/http's), only a failure to connect counts as not sent.
func (w *wireTrace) mayHaveArrived(err error) bool {
	if notSent(err) {
		return false
	}
	return w.wrote.Load() || !w.connecting.Load()
}

// notSent reports whether err happened before the request could reach Graph: a failed sign-in, or a
// failure to find or connect to the host.
func notSent(err error) bool {
	var signIn *tokenError
	if errors.As(err, &signIn) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// final reports whether a transport error will come back however often the request is sent: a failed
// sign-in, or a server whose certificate cannot be trusted.
func final(err error) bool {
	var signIn *tokenError
	var badCertificate *tls.CertificateVerificationError
	return errors.As(err, &signIn) || errors.As(err, &badCertificate)
}

// verdict is what an attempt decides.
type verdict int

const (
	// done: the attempt's outcome is the request's.
	done verdict = iota
	// retry: send the request again.
	retry
	// unsure: stop, since Graph may have acted on a request that cannot be repeated.
	unsure
)

// judge decides from one attempt whether the request goes again. Graph's throttling (429, and a 503 that
// names a Retry-After) turns a request away before it runs, so even a create goes again. Any other 5xx but
// 501 is a transient fault whose effect is unknown: only a request that is harmless to repeat goes again,
// and any other is unsure. A transport error goes again when the request cannot have reached Graph or may
// be repeated, unless it would come back however often the request is sent.
func judge(repeatable bool, ex exchange) verdict {
	throttled := ex.status == http.StatusTooManyRequests ||
		ex.status == http.StatusServiceUnavailable && ex.header.Get("Retry-After") != ""
	switch {
	case ex.err != nil && ex.mayHaveArrived && !repeatable:
		return unsure
	case ex.err != nil && final(ex.err):
		return done
	case ex.err != nil, throttled:
		return retry
	case ex.status < http.StatusInternalServerError || ex.status == http.StatusNotImplemented:
		return done
	case repeatable:
		return retry
	}
	return unsure
}

// retryPolicy says how often and after how long a request goes again.
type retryPolicy struct {
	maxRetries       int
	waitMin, waitMax time.Duration
}

// retryAfter is the wait an answer asks for with its Retry-After header, if it names one.
func retryAfter(ex exchange) (time.Duration, bool) {
	if ex.err != nil {
		return 0, false
	}
	return parseRetryAfter(ex.header.Get("Retry-After"), time.Now())
}

// longestRetryAfter is what a Retry-After of more than a century is read as: longer than any deadline,
// and still a time that can be added to now.
const longestRetryAfter = 100 * 365 * 24 * time.Hour

// parseRetryAfter reads a Retry-After value: delay seconds, which Graph sends with a fraction ("2.128"),
// or an HTTP date (RFC 9110, section 10.2.3). It reports false for anything else, including the forms
// strconv.ParseFloat would take but no server means ("Inf", "NaN", "1e3", "0x1p4", "-1"). The wait is
// within [0, longestRetryAfter]: the operation's deadline is the bound that matters.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if delaySeconds.MatchString(value) {
		seconds, err := strconv.ParseFloat(value, 64)
		// Only an overflow can fail on digits, and a number too large for a float64 is longer than any wait.
		if err != nil || seconds > longestRetryAfter.Seconds() {
			return longestRetryAfter, true
		}
		return time.Duration(seconds * float64(time.Second)), true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return min(max(when.Sub(now), 0), longestRetryAfter), true
}

// delaySeconds is RFC 9110's delay-seconds with the fraction Graph adds: digits, and optionally a dot and
// more digits.
var delaySeconds = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// RetryAfterError is a wait for Graph longer than the time left before the operation's deadline: the
// request is not sent (again), since it could not succeed in time. Either Graph asked this request for the
// wait with Retry-After, and the error comes wrapped with the Graph *Error that asked, or (Queued) the
// request was never sent: Graph is throttling the client, and its turn at the throttle comes too late.
type RetryAfterError struct {
	// Wait is the wait, Graph's or the throttle's; Left is what the deadline left.
	Wait, Left time.Duration
	Queued     bool
}

func (e *RetryAfterError) Error() string {
	if e.Queued {
		return fmt.Sprintf("Graph is throttling the provider's requests, and this one's turn comes in %s (Graph's Retry-After, "+
			"and the spacing of requests after a 429), later than the %s left before the operation's deadline; it was not sent",
			e.Wait.Round(time.Millisecond), e.Left.Round(time.Millisecond))
	}
	return fmt.Sprintf("Graph asked to wait %s before trying again (Retry-After), longer than the %s left before the operation's deadline",
		e.Wait.Round(time.Millisecond), e.Left.Round(time.Millisecond))
}

// attempts is what the retry loop of one request knows about the attempts so far, to explain a failure.
type attempts struct {
	method, path string
	// secrets are the request's, which an error answer may repeat.
	secrets []string
	count   int
	// lastStatus and lastRequestID describe the latest answer Graph sent, for an error when no usable
	// answer ends the retries.
	lastStatus    int
	lastRequestID string
}

func (a *attempts) record(ex exchange) {
	a.count++
	if ex.err == nil {
		a.lastStatus, a.lastRequestID = ex.status, ex.header.Get("request-id")
	}
}

// final explains a request that ended with ex: the Graph error it answered, or why there was none. cause,
// when set, is why the loop stopped on an answer it would otherwise have retried.
func (a *attempts) final(ex exchange, unsure bool, cause error) error {
	if ex.err != nil {
		return a.noAnswer(ex.err, unsure)
	}
	graphErr := parseError(a.method, a.path, ex.status, ex.header, ex.body, a.secrets...)
	graphErr.Attempts = a.count
	switch {
	case cause != nil:
		return fmt.Errorf("%w: %w", graphErr, cause)
	case unsure:
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, graphErr)
	}
	return graphErr
}

// noAnswer explains a request that got no usable answer: how often it was sent, what Graph last answered
// and with which request-id, and what went wrong at the end.
func (a *attempts) noAnswer(err error, unsure bool) error {
	var signIn *tokenError
	if errors.As(err, &signIn) {
		return signIn
	}
	// net/http repeats the whole URL in its errors; the method and path name the call already.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var details []string
	if a.count > 1 {
		details = append(details, fmt.Sprintf("after %d attempts", a.count))
	}
	if a.lastStatus != 0 {
		details = append(details, fmt.Sprintf("last answer %d", a.lastStatus))
	}
	if a.lastRequestID != "" {
		details = append(details, requestIDNote(a.lastRequestID))
	}
	where := a.method + " " + a.path
	if len(details) > 0 {
		where += " (" + strings.Join(details, ", ") + ")"
	}
	if unsure {
		return fmt.Errorf("%s: %w: %w", where, ErrOutcomeUnknown, err)
	}
	return fmt.Errorf("%s: %w", where, err)
}
