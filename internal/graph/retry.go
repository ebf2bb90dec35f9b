package graph

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
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

// retryAfterJitter is the least spread added to a Retry-After wait.
const retryAfterJitter = 100 * time.Millisecond

// maxRetryAfter caps what a Retry-After header can ask for; the operation's deadline bounds it further.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After value: delay seconds, which Graph sends with a fraction ("2.128"),
// or an HTTP date. It reports false for anything else, including the forms strconv.ParseFloat would take
// but no server means ("Inf", "NaN", "1e3", "0x1p4", "-1"), and the wait is always within
// [0, maxRetryAfter].
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if isDelaySeconds(value) {
		seconds, err := strconv.ParseFloat(value, 64)
		// Only an overflow can fail on digits, and a number too large for a float64 asks for the cap.
		if err != nil || seconds > maxRetryAfter.Seconds() {
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

// isDelaySeconds reports whether value is digits with an optional fraction: RFC 9110's delay-seconds
// with the fraction Graph adds.
func isDelaySeconds(value string) bool {
	whole, fraction, hasFraction := strings.Cut(value, ".")
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	return digits(whole) && (!hasFraction || digits(fraction))
}

// attemptLog travels in a request's context so that the retry hooks, which see no request, know whether
// the request may be repeated, and so that the caller learns how many attempts were made and whether a
// write's answer was lost.
type attemptLog struct {
	repeatable bool
	attempts   int
	// connecting and wrote are set, from the transport's goroutines, when the current attempt asks for a
	// connection and when its headers are written. Graph cannot act on a request it has not received in
	// full, so an attempt that failed between the two was not sent, whatever went wrong.
	connecting, wrote atomic.Bool
	// outcomeUnknown is set when a write that cannot be repeated failed after it may have reached Graph.
	outcomeUnknown bool
	// lastStatus and lastRequestID describe the latest answer, for an error when the deadline ends the
	// retries.
	lastStatus    int
	lastRequestID string
}

type attemptLogKey struct{}

// withAttemptLog puts log in ctx, with a trace that tells it when an attempt's request has been written.
func withAttemptLog(ctx context.Context, log *attemptLog) context.Context {
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:      func(string) { log.connecting.Store(true) },
		WroteHeaders: func() { log.wrote.Store(true) },
	})
	return context.WithValue(ctx, attemptLogKey{}, log)
}

// startAttempt forgets what the previous attempt's transport reported.
func (log *attemptLog) startAttempt(attempt int) {
	log.attempts = attempt
	log.connecting.Store(false)
	log.wrote.Store(false)
}

// mayHaveArrived reports whether an attempt that failed with err may have reached Graph. When the
// transport reports nothing (one that is not net/http's), only a failure to connect counts as not sent.
func (log *attemptLog) mayHaveArrived(err error) bool {
	if notSent(err) {
		return false
	}
	return log.wrote.Load() || !log.connecting.Load()
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

// checkRetry is the go-retryablehttp CheckRetry policy. go-retryablehttp goes on retrying whenever the
// first result is true, error or not, so every reason to stop comes with false.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	log := attemptLogFrom(ctx)
	if err != nil {
		sent := log.mayHaveArrived(err)
		if sent && !log.repeatable {
			log.outcomeUnknown = true
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		return (!sent || log.repeatable) && !final(err), nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	switch retryWhenStatus(resp.StatusCode, resp.Header) {
	case always:
		return retryIfWaitFits(ctx, resp)
	case ifRepeatable:
		if log.repeatable {
			return retryIfWaitFits(ctx, resp)
		}
		log.outcomeUnknown = true
	}
	return false, nil
}

// retryIfWaitFits refuses a Retry-After that would outlast the operation's deadline, so that the user
// hears why at once instead of after a wait that cannot succeed.
func retryIfWaitFits(ctx context.Context, resp *http.Response) (bool, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return true, nil
	}
	wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if !ok {
		return true, nil
	}
	if left := time.Until(deadline); wait > left {
		return false, &waitTooLongError{wait: wait, left: left}
	}
	return true, nil
}

// waitTooLongError is a Retry-After that the operation's deadline leaves no room for.
type waitTooLongError struct {
	wait, left time.Duration
}

func (e *waitTooLongError) Error() string {
	return fmt.Sprintf("Graph asked to wait %s before trying again, longer than the %s left before the operation's deadline (raise it in the timeouts block)",
		e.wait.Round(time.Millisecond), max(e.left, 0).Round(time.Millisecond))
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

// backoff is the go-retryablehttp Backoff policy: Graph's Retry-After when it gives one, otherwise an
// exponential wait with jitter so that parallel requests spread out.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			// Every request throttled at once is told the same time; a little more than Graph asks for,
			// different for each, keeps them from arriving together again.
			return wait + rand.N(max(wait/2, retryAfterJitter)) //nolint:gosec // jitter spreads retries; it guards no secret.
		}
	}
	wait := minWait << min(attempt, 16)
	if wait <= 0 || wait > maxWait {
		wait = maxWait
	}
	// Half fixed, half random: waits grow with each attempt but never line up across requests.
	return wait/2 + rand.N(wait/2+1) //nolint:gosec // jitter spreads retries; it guards no secret.
}
