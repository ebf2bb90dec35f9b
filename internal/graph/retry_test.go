package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"2", 2 * time.Second, true},
		{"2.128", 2128 * time.Millisecond, true},
		{" 3 ", 3 * time.Second, true},
		{"0", 0, true},
		{"0.001", time.Millisecond, true},
		{"300", 300 * time.Second, true},
		{"3600.5", 3600*time.Second + 500*time.Millisecond, true},
		{"99999999999999999999999", longestRetryAfter, true},
		{"1" + strings.Repeat("0", 400), longestRetryAfter, true}, // too large for a float64
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(90 * time.Second).Format(time.RFC850), 90 * time.Second, true},
		{now.Add(90 * time.Second).Format(time.ANSIC), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", longestRetryAfter, true},
		{"", 0, false},
		{"soon", 0, false},
		{"-1", 0, false},
		{"-0.5", 0, false},
		{"+2", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"+Inf", 0, false},
		{"infinity", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"2.", 0, false},
		{".5", 0, false},
		{"1.2.3", 0, false},
		{"2 seconds", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %s, %t; want %s, %t", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// FuzzParseRetryAfter checks that no header value makes the client panic or wait outside [0, longestRetryAfter].
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"2", "2.128", "0", "-1", "NaN", "Inf", "1e308", "99999999999999999999",
		"Sun, 01 Mar 2026 12:01:30 GMT", "Sunday, 01-Mar-26 12:01:30 GMT", "Sun Mar  1 12:01:30 2026",
		"Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 4.5 ", "", "\x00", "٣"} {
		f.Add(seed, int64(1772366400))
	}
	f.Fuzz(func(t *testing.T, value string, nowUnix int64) {
		wait, ok := parseRetryAfter(value, time.Unix(nowUnix, 0))
		if wait < 0 || wait > longestRetryAfter {
			t.Errorf("parseRetryAfter(%q) = %s, outside [0, %s]", value, wait, longestRetryAfter)
		}
		if !ok && wait != 0 {
			t.Errorf("parseRetryAfter(%q) = %s with ok false", value, wait)
		}
	})
}

func TestJudge_answers(t *testing.T) {
	withRetryAfter := http.Header{"Retry-After": {"0.1"}}
	tests := []struct {
		status int
		header http.Header
		// repeatable and once are the verdicts for a request that may be sent twice, and one that may not.
		repeatable, once verdict
	}{
		{http.StatusTooManyRequests, nil, retry, retry},
		{http.StatusTooManyRequests, withRetryAfter, retry, retry},
		{http.StatusServiceUnavailable, withRetryAfter, retry, retry},
		{http.StatusServiceUnavailable, nil, retry, unsure},
		{http.StatusInternalServerError, nil, retry, unsure},
		{http.StatusInternalServerError, withRetryAfter, retry, unsure},
		{http.StatusBadGateway, nil, retry, unsure},
		{http.StatusGatewayTimeout, nil, retry, unsure},
		{http.StatusInsufficientStorage, nil, retry, unsure},
		{599, nil, retry, unsure},
		{http.StatusNotImplemented, nil, done, done},
		{http.StatusNotImplemented, withRetryAfter, done, done},
		{http.StatusBadRequest, nil, done, done},
		{http.StatusUnauthorized, nil, done, done},
		{http.StatusForbidden, nil, done, done},
		{http.StatusNotFound, nil, done, done},
		{http.StatusConflict, nil, done, done},
		{http.StatusPreconditionFailed, withRetryAfter, done, done},
		{http.StatusOK, nil, done, done},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d with Retry-After %q", tt.status, tt.header.Get("Retry-After")), func(t *testing.T) {
			ex := exchange{status: tt.status, header: tt.header}
			if ex.header == nil {
				ex.header = http.Header{}
			}
			if got := judge(true, ex); got != tt.repeatable {
				t.Errorf("judge(repeatable) = %d, want %d", got, tt.repeatable)
			}
			if got := judge(false, ex); got != tt.once {
				t.Errorf("judge(not repeatable) = %d, want %d", got, tt.once)
			}
		})
	}
}

func TestRetryPolicy_backoffStaysWithinItsBounds(t *testing.T) {
	p := retryPolicy{waitMin: time.Millisecond, waitMax: time.Second}
	for n := range 70 {
		wait := p.backoff(n + 1)
		if wait < 0 || wait > time.Second {
			t.Errorf("attempt %d: backoff %s outside [0, 1s]", n+1, wait)
		}
	}
}

func TestClient_retriesFractionalRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := throttledStub(t, 2, "0.150")

		start := time.Now()
		got, err := c.GetAPIConnector(t.Context(), "a")
		elapsed := time.Since(start)

		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "a" || len(s.requests()) != 3 {
			t.Errorf("got %+v after %d requests, want connector a after 3", got, len(s.requests()))
		}
		// The configured backoff is at most 5ms, so only the header explains two pauses this long.
		if elapsed < 300*time.Millisecond {
			t.Errorf("the client retried after %s, sooner than the two 0.150s waits Graph asked for", elapsed)
		}
	})
}

// TestClient_retryDecisions walks the retry table through real requests: what is sent again, and what a
// write that cannot be repeated reports when Graph may have acted on it.
func TestClient_retryDecisions(t *testing.T) {
	t.Parallel()
	const retryMax = 2
	tests := []struct {
		status     int
		retryAfter string
		repeatable bool
		wantSent   int
		wantUnsure bool
	}{
		{429, "0.01", false, retryMax + 1, false},
		{429, "", true, retryMax + 1, false},
		{503, "0.01", false, retryMax + 1, false},
		{503, "", false, 1, true},
		{503, "", true, retryMax + 1, false},
		{500, "", false, 1, true},
		{500, "", true, retryMax + 1, false},
		{502, "", false, 1, true},
		{502, "", true, retryMax + 1, false},
		{504, "", false, 1, true},
		{504, "", true, retryMax + 1, false},
		{501, "", false, 1, false},
		{501, "", true, 1, false},
		{400, "", false, 1, false},
		{404, "", true, 1, false},
		{409, "", false, 1, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d Retry-After %q repeatable %t", tt.status, tt.retryAfter, tt.repeatable)
		synctest.Test(t, func(t *testing.T) {
			var calls atomic.Int32
			_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				writeODataError(w, tt.status, "Code", "Message.", "rid-"+strconv.Itoa(int(n)))
			}, func(cfg *Config) { cfg.RetryMax = retryMax })

			method := http.MethodPost
			if tt.repeatable {
				method = http.MethodPatch
			}
			_, err := c.do(t.Context(), request{method: method, path: apiConnectorsPath, body: map[string]string{"displayName": "x"}, repeatable: tt.repeatable})

			var graphErr *Error
			if !errors.As(err, &graphErr) {
				t.Fatalf("%s: error %v is not a Graph error", name, err)
			}
			if got := int(calls.Load()); got != tt.wantSent {
				t.Errorf("%s: sent %d times, want %d", name, got, tt.wantSent)
			}
			if graphErr.Attempts != tt.wantSent || graphErr.StatusCode != tt.status {
				t.Errorf("%s: error says %d attempts and status %d, want %d and %d", name, graphErr.Attempts, graphErr.StatusCode, tt.wantSent, tt.status)
			}
			if want := "rid-" + strconv.Itoa(tt.wantSent); graphErr.RequestID != want {
				t.Errorf("%s: request-id %q, want the last one, %q", name, graphErr.RequestID, want)
			}
			if unsure := errors.Is(err, ErrOutcomeUnknown); unsure != tt.wantUnsure {
				t.Errorf("%s: errors.Is(err, ErrOutcomeUnknown) = %t, want %t (err: %v)", name, unsure, tt.wantUnsure, err)
			}
		})
	}
}

func TestClient_retriesFailedConnectionEvenForPost(t *testing.T) {
	t.Parallel()
	s, _ := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSONAnswer(w, http.StatusCreated, map[string]string{"id": "new"})
	})
	var dials atomic.Int32
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	c := newTestClient(t, s.URL, staticToken, func(cfg *Config) { cfg.Transport = transport })

	_, err := c.do(t.Context(), request{method: http.MethodPost, path: apiConnectorsPath, body: map[string]string{"displayName": "x"}})

	if err != nil {
		t.Fatalf("a POST that never reached Graph was not sent again: %v", err)
	}
	if dials.Load() != 2 || len(s.requests()) != 1 {
		t.Errorf("%d dials and %d requests received, want 2 and 1", dials.Load(), len(s.requests()))
	}
}

func TestClient_retriesUnreachableHostUntilAttemptsRunOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newTestClient(t, "http://"+addr, staticToken)

	_, err = c.do(t.Context(), request{method: http.MethodPost, path: apiConnectorsPath, body: map[string]string{"displayName": "x"}})

	if err == nil || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("error %v does not say the POST was tried 4 times", err)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("a POST that never connected has a known outcome: %v", err)
	}
	if strings.Contains(err.Error(), `Post "`) {
		t.Errorf("error %v repeats net/http's URL", err)
	}
}

func TestClient_lostAnswerToPostIsNotRetriedAndHasUnknownOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		answer     func(t *testing.T, w http.ResponseWriter)
		repeatable bool
		wantSent   int
		wantUnsure bool
	}{
		{"reset before any answer, POST", func(t *testing.T, w http.ResponseWriter) { dropConnection(t, w) }, false, 1, true},
		{"reset before any answer, PATCH", func(t *testing.T, w http.ResponseWriter) { dropConnection(t, w) }, true, 4, false},
		{"answer cut off half way, POST", cutOffAnswer, false, 1, true},
		{"answer cut off half way, PATCH", cutOffAnswer, true, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) { tt.answer(t, w) })
			method := http.MethodPost
			if tt.repeatable {
				method = http.MethodPatch
			}

			_, err := c.do(t.Context(), request{method: method, path: apiConnectorsPath, body: map[string]string{"displayName": "x"}, repeatable: tt.repeatable})

			if err == nil {
				t.Fatal("no error")
			}
			if got := len(s.requests()); got != tt.wantSent {
				t.Errorf("sent %d times, want %d", got, tt.wantSent)
			}
			if unsure := errors.Is(err, ErrOutcomeUnknown); unsure != tt.wantUnsure {
				t.Errorf("errors.Is(err, ErrOutcomeUnknown) = %t, want %t (err: %v)", unsure, tt.wantUnsure, err)
			}
		})
	}
}

// cutOffAnswer starts a 201 answer and closes the connection before its body is complete.
func cutOffAnswer(t *testing.T, w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijacking the connection: %v", err)
		return
	}
	defer conn.Close()
	fmt.Fprint(buf, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"cr")
	buf.Flush()
}

func TestClient_stopsRetryingAtOnceWhenTheContextIsCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			writeThrottled(w, "30")
		})
		ctx, cancel := context.WithCancel(t.Context())
		var cancelled time.Time
		go func() {
			// Let the client read the answer and start its 30 second wait.
			time.Sleep(time.Second)
			cancelled = time.Now()
			cancel()
		}()

		_, err := c.GetAPIConnector(ctx, "a")

		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v is not context.Canceled", err)
		}
		if took := time.Since(cancelled); took != 0 {
			t.Errorf("returned %s after the cancel, want at once", took)
		}
		if !strings.Contains(err.Error(), "last answer 429, request-id throttled") {
			t.Errorf("error %v does not name the last answer", err)
		}
	})
}

func TestClient_failsAtOnceWhenRetryAfterOutlastsTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			writeThrottled(w, "30")
		})
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()

		start := time.Now()
		_, err := c.GetAPIConnector(ctx, "a")

		if took := time.Since(start); took != 0 {
			t.Errorf("returned after %s, want at once", took)
		}
		var graphErr *Error
		if !errors.As(err, &graphErr) || graphErr.StatusCode != 429 || graphErr.RequestID != "throttled" {
			t.Errorf("error %v does not carry Graph's 429 and its request-id", err)
		}
		var tooLong *RetryAfterError
		if !errors.As(err, &tooLong) || tooLong.Wait != 30*time.Second || tooLong.Left != 2*time.Second {
			t.Errorf("error %v does not say Graph asked for 30s with 2s left", err)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("sent %d times, want once", n)
		}
	})
}

func TestClient_honoursALongRetryAfterWithinTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := throttledStub(t, 1, "400")
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
		defer cancel()

		start := time.Now()
		_, err := c.GetAPIConnector(ctx, "a")

		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < 400*time.Second || took >= 10*time.Minute {
			t.Errorf("answered after %s, want Graph's 400s wait and within the 10m deadline", took)
		}
		if n := len(s.requests()); n != 2 {
			t.Errorf("sent %d times, want 2", n)
		}
	})
}

func TestClient_failsAtOnceWhenTheThrottleGateOutlastsTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := throttledStub(t, 1, "300")
		// The first request is told to wait five minutes, which its deadline allows.
		first := make(chan error, 1)
		go func() {
			_, err := c.GetAPIConnector(t.Context(), "a")
			first <- err
		}()
		synctest.Wait()
		time.Sleep(time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()

		// A second one, with a minute to go, must not wait four minutes for nothing.
		start := time.Now()
		_, err := c.GetAPIConnector(ctx, "a")

		var tooLong *RetryAfterError
		if !errors.As(err, &tooLong) || tooLong.Wait < 4*time.Minute || tooLong.Left != time.Minute || !tooLong.Queued {
			t.Errorf("error %v does not say the client must wait 4m or more with 1m left, for its turn", err)
		}
		if strings.Contains(err.Error(), "Graph asked") {
			t.Errorf("error %q says Graph asked this request to wait, which was never sent", err)
		}
		if took := time.Since(start); took != 0 {
			t.Errorf("returned after %s, want at once", took)
		}
		if n := len(s.requests()); n != 1 {
			t.Errorf("sent %d requests while Graph had asked to wait, want only the first", n)
		}
		if err := <-first; err != nil {
			t.Errorf("the first request, which had the time to wait: %v", err)
		}
	})
}

func TestClient_exhaustedRetriesNameAttemptsAndLastRequestID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			writeODataError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "Try later.", fmt.Sprintf("rid-%d", calls.Add(1)))
		})

		_, err := c.GetAPIConnector(t.Context(), "a")

		want := "Graph answered 503 serviceNotAvailable to GET /v1.0/identity/apiConnectors/a: Try later. (request-id rid-4, date 2026-03-01T12:00:00, after 4 attempts)"
		if err == nil || err.Error() != want {
			t.Errorf("error\n got %v\nwant %s", err, want)
		}
	})
}

func TestClient_exhaustedTransportRetriesNameAttemptsAndLastAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			if n := calls.Add(1); n <= 2 {
				writeODataError(w, http.StatusBadGateway, "BadGateway", "Bad gateway.", fmt.Sprintf("rid-%d", n))
				return
			}
			dropConnection(t, w)
		})

		_, err := c.GetAPIConnector(t.Context(), "a")

		want := "GET /v1.0/identity/apiConnectors/a (after 4 attempts, last answer 502, request-id rid-2): "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error\n got %v\nwant it to start with %s", err, want)
		}
	})
}

func TestClient_doesNotRetryAnUntrustedCertificate(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	var handshakes atomic.Int32
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			handshakes.Add(1)
		}
	}
	// The refused handshake is the point of the test, not news for its output.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	c := newTestClient(t, s.URL, staticToken)

	_, err := c.GetAPIConnector(t.Context(), "a")

	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("error %v does not name the certificate", err)
	}
	if n := handshakes.Load(); n != 1 {
		t.Errorf("connected %d times, want once", n)
	}
}

func TestClient_signInFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	var tokenCalls atomic.Int32
	tokens := tokenFunc(func() (*oauth2.Token, error) {
		tokenCalls.Add(1)
		return nil, errors.New(`oauth2: "invalid_client" "AADSTS7000215: Invalid client secret provided."`)
	})
	s, _ := newStub(t, func(w http.ResponseWriter, r *http.Request) {})
	c := newTestClient(t, s.URL, tokens)

	_, err := c.CreateAPIConnector(t.Context(), APIConnector{DisplayName: "x", TargetURL: "https://x.example"})

	want := `signing in to Entra: oauth2: "invalid_client" "AADSTS7000215: Invalid client secret provided."`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
	if errors.Is(err, ErrOutcomeUnknown) {
		t.Error("a request that was never signed has a known outcome")
	}
	if n := tokenCalls.Load(); n != 1 {
		t.Errorf("asked for a token %d times, want once", n)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("Graph received %d requests, want none", n)
	}
}

func TestClient_neverRetriesPastACancelledContext(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			s, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
				// The context ends while Graph answers.
				cancel()
				writeODataError(w, status, "Code", "Message.", "rid")
			})

			_, err := c.GetAPIConnector(ctx, "a")

			if !errors.Is(err, context.Canceled) {
				t.Errorf("%d: error %v is not context.Canceled", status, err)
			}
			if n := len(s.requests()); n != 1 {
				t.Errorf("%d: sent %d times past a cancelled context, want once", status, n)
			}
		})
	}
}

func TestClient_rejectedClientSecretNamesEntrasAnswerNotTheGraphURL(t *testing.T) {
	t.Parallel()
	s, _ := newFakeGraph(t, fakegraph.Options{})
	c := newTestClient(t, s.URL(), fakeGraphTokens(s, "wrong-secret"))

	_, err := c.GetAPIConnector(t.Context(), connectorID)

	if err == nil || !strings.HasPrefix(err.Error(), "signing in to Entra: ") || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("error %v does not say the sign-in was refused", err)
	}
	if strings.Contains(err.Error(), "/v1.0/") || strings.Contains(err.Error(), `Get "`) {
		t.Errorf("error %v repeats the Graph URL", err)
	}
	if n := countRequests(s, http.MethodGet); n != 0 {
		t.Errorf("Graph received %d requests without a token", n)
	}
}

func TestClient_throttlingHoldsBackEveryRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The first request is throttled for a second; the others are sent while it waits. None of them may
		// reach Graph before the second is over, or they would only be throttled too.
		var mu sync.Mutex
		var throttledAt time.Time
		var early int
		s, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case throttledAt.IsZero():
				throttledAt = time.Now()
				writeThrottled(w, "1")
				return
			case time.Since(throttledAt) < time.Second:
				early++
			}
			writeConnectorA(w)
		})

		first := make(chan error, 1)
		go func() {
			_, err := c.GetAPIConnector(t.Context(), "a")
			first <- err
		}()
		synctest.Wait()
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() { readConnectorA(t, c) })
		}
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if early != 0 || len(s.requests()) != 7 {
			t.Errorf("%d requests reached Graph while it had asked to wait; %d in all, want 7", early, len(s.requests()))
		}
	})
}

// TestClient_backoffGrowsOnlyWithRetriesGraphNamedNoWaitFor: a 500 after a run of answers that named their
// wait (here 503s with Retry-After, which start no spacing) waits the first backoff, not the
// one its attempt number would give.
func TestClient_backoffGrowsOnlyWithRetriesGraphNamedNoWaitFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		var serverErrorAt atomic.Int64
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			switch n := calls.Add(1); {
			case n <= 8:
				w.Header().Set("Retry-After", "0.010")
				writeODataError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "Try again.", "unavailable")
			case n == 9:
				serverErrorAt.Store(time.Now().UnixNano())
				writeODataError(w, http.StatusInternalServerError, "generalException", "Try again.", "failed")
			default:
				if waited := time.Duration(time.Now().UnixNano() - serverErrorAt.Load()); waited > time.Second {
					t.Errorf("the retry after a first 5xx waited %s, the backoff of a ninth attempt", waited)
				}
				writeConnectorA(w)
			}
		}, func(cfg *Config) {
			cfg.RetryMax, cfg.RetryWaitMin, cfg.RetryWaitMax = 20, 100*time.Millisecond, time.Minute
		})

		if _, err := c.GetAPIConnector(t.Context(), "a"); err != nil {
			t.Fatal(err)
		}
		if got := calls.Load(); got != 10 {
			t.Errorf("Graph got %d requests, want 10", got)
		}
	})
}

// TestClient_retriesAtMost60TimesByDefault: with no retry setting, a request Graph keeps answering 503 is
// sent 61 times, the first and 60 retries, as the README says.
func TestClient_retriesAtMost60TimesByDefault(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryStub(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "0.010")
			writeODataError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "Try again.", "unavailable")
		}, func(cfg *Config) { cfg.RetryMax = 0 })
		if _, err := c.GetAPIConnector(t.Context(), "a"); err == nil {
			t.Fatal("the read succeeded, though Graph answered 503 every time")
		}
		if n := len(s.requests()); n != 61 {
			t.Errorf("Graph received %d requests, want 61", n)
		}
	})
}
