package graph

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryWhen says when an answer may be followed by sending the same request again.
type retryWhen int

const (
	// never: the answer is final.
	never retryWhen = iota
	// always: Graph turned the request away before acting on it, so even a create may be sent again.
	always
	// ifRepeatable: Graph may have acted, so only a request that is harmless to repeat is sent again.
	ifRepeatable
)

// statusRetry lists the answers worth another attempt. 429 is Graph's throttling, which rejects a request
// before it runs; 503 is too when it names a Retry-After (see retryWhenStatus). Any other 5xx but 501 is a
// transient fault whose effect is unknown.
var statusRetry = map[int]retryWhen{
	http.StatusTooManyRequests:     always,
	http.StatusInternalServerError: ifRepeatable,
	http.StatusBadGateway:          ifRepeatable,
	http.StatusServiceUnavailable:  ifRepeatable,
	http.StatusGatewayTimeout:      ifRepeatable,
	http.StatusInsufficientStorage: ifRepeatable,
	http.StatusNotImplemented:      never,
}

// retryWhenStatus decides from an answer's status and headers.
func retryWhenStatus(status int, header http.Header) retryWhen {
	if status == http.StatusServiceUnavailable && header.Get("Retry-After") != "" {
		return always
	}
	if when, ok := statusRetry[status]; ok {
		return when
	}
	if status >= 500 {
		return ifRepeatable
	}
	return never
}

// maxRetryAfter caps what a Retry-After header can ask for; the operation's deadline bounds it further.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After value: delay seconds, which Graph sends with a fraction ("2.128"),
// or an HTTP date. It reports false for anything else.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseFloat(value, 64); err == nil {
		if math.IsNaN(seconds) || seconds < 0 {
			return 0, false
		}
		if seconds > maxRetryAfter.Seconds() {
			return maxRetryAfter, true
		}
		return time.Duration(seconds * float64(time.Second)), true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	wait := when.Sub(now)
	switch {
	case wait < 0:
		return 0, true
	case wait > maxRetryAfter:
		return maxRetryAfter, true
	}
	return wait, true
}

// attemptLog travels in a request's context so that the retry hooks, which see no request, know whether
// the request may be repeated, and so that the caller learns how many attempts were made and whether a
// write's answer was lost.
type attemptLog struct {
	repeatable bool
	attempts   int
	// outcomeUnknown is set when a write that cannot be repeated failed after it may have reached Graph.
	outcomeUnknown bool
	// lastStatus and lastRequestID describe the latest answer, for an error when the deadline ends the
	// retries.
	lastStatus    int
	lastRequestID string
}

type attemptLogKey struct{}

func withAttemptLog(ctx context.Context, log *attemptLog) context.Context {
	return context.WithValue(ctx, attemptLogKey{}, log)
}

func attemptLogFrom(ctx context.Context) *attemptLog {
	if log, ok := ctx.Value(attemptLogKey{}).(*attemptLog); ok {
		return log
	}
	return &attemptLog{}
}

// tokenError marks a failure to sign in, which no retry of the Graph request can mend.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "signing in to Entra: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// checkRetry is the go-retryablehttp CheckRetry policy.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	log := attemptLogFrom(ctx)
	if err != nil {
		var signIn *tokenError
		switch {
		case errors.As(err, &signIn):
			return false, nil
		case log.repeatable || notSent(err):
			return true, nil
		default:
			log.outcomeUnknown = true
			return false, nil
		}
	}
	switch retryWhenStatus(resp.StatusCode, resp.Header) {
	case always:
		return true, waitFits(ctx, resp)
	case ifRepeatable:
		if log.repeatable {
			return true, waitFits(ctx, resp)
		}
		log.outcomeUnknown = true
	}
	return false, nil
}

// waitFits refuses a Retry-After that would outlast the operation's deadline, so that the user hears why
// at once instead of after a wait that cannot succeed.
func waitFits(ctx context.Context, resp *http.Response) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if !ok {
		return nil
	}
	if left := time.Until(deadline); wait > left {
		return fmt.Errorf("Graph answered %d and asked to wait %s before trying again, longer than the %s left before the operation's deadline (raise it in the timeouts block)",
			resp.StatusCode, wait.Round(time.Millisecond), left.Round(time.Millisecond))
	}
	return nil
}

// notSent reports whether err happened before the request could reach Graph: a failure to connect.
func notSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// backoff is the go-retryablehttp Backoff policy: Graph's Retry-After when it gives one, otherwise an
// exponential wait with jitter so that parallel requests spread out.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return wait
		}
	}
	wait := minWait << min(attempt, 16)
	if wait <= 0 || wait > maxWait {
		wait = maxWait
	}
	// Half fixed, half random: waits grow with each attempt but never line up across requests.
	return wait/2 + rand.N(wait/2+1)
}
