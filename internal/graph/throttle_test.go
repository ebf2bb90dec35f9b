package graph

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// loadFigures is what a run of reads against a rate-limited emulator measured.
type loadFigures struct {
	admitted, rejected int
	// use is the share of what the application's budget allowed that was admitted: admitted ÷ (what it
	// held at the start + what it regained from the first request to the last).
	use     float64
	elapsed time.Duration
}

func (f loadFigures) String() string {
	return fmt.Sprintf("%d admitted, %d 429s (%.3f per admitted), use %.3f, %s", f.admitted, f.rejected,
		float64(f.rejected)/float64(max(f.admitted, 1)), f.use, f.elapsed.Round(time.Millisecond))
}

// readUnderLimit has workers read a connector reads times in all, each worker one read after another, as
// the CLI's parallelism does, with c against s, and measures what s's rate limit decided.
func readUnderLimit(t *testing.T, s *fakegraph.Server, c *Client, id string, workers, reads int) loadFigures {
	t.Helper()
	before := s.RateLimitCounts()
	limit := s.Faults().RateLimit
	s.ResetRequests()
	start := time.Now()
	var mu sync.Mutex
	left := reads
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				if left == 0 {
					mu.Unlock()
					return
				}
				left--
				mu.Unlock()
				if _, err := c.GetAPIConnector(t.Context(), id); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	after := s.RateLimitCounts()
	f := loadFigures{admitted: after.Admitted - before.Admitted, rejected: after.Rejected - before.Rejected, elapsed: time.Since(start)}
	var first, last time.Time
	for _, r := range s.Requests() {
		if !strings.Contains(r.Path, "/apiConnectors") {
			continue
		}
		if first.IsZero() {
			first = r.Time
		}
		last = r.Time
	}
	f.use = float64(f.admitted) / (before.Left + float64(limit.PerApp)*last.Sub(first).Seconds()/limit.Window.Seconds())
	return f
}

// limitedGraph is the emulator in memory with a rate limit and 50 ms of latency, holding one connector.
// With wholeSeconds its Retry-After is rounded up to whole seconds, as Graph documents it; else it is
// fractional, as Graph has been seen to send it.
func limitedGraph(t *testing.T, limit fakegraph.RateLimit, wholeSeconds bool, edit ...func(*Config)) (*fakegraph.Server, *Client, string) {
	s, c := newMemoryFakeGraph(t, fakegraph.Options{}, edit...)
	connector := s.PutConnector(fakegraph.Connector{DisplayName: "Paced", TargetURL: "https://paced.example",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
	// Sign in before the load: the token source's lock is not one a synctest bubble can wait on.
	if _, err := c.GetAPIConnector(t.Context(), connector.ID); err != nil {
		t.Fatal(err)
	}
	s.SetFaults(fakegraph.Faults{RateLimit: limit, Latency: 50 * time.Millisecond, FractionalRetryAfter: !wholeSeconds})
	return s, c, connector.ID
}

// TestThrottle_keepsNearTheLimit: ten workers read under a budget of 20 requests a second, with requests
// turned away counted against it or not, and under the budget Graph documents, 200 a minute. The first
// requests go at once and meet the limit unprepared; from the first 429 on the requests are spaced, and
// the client spends most of the budget with few requests turned away.
func TestThrottle_keepsNearTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit fakegraph.RateLimit
		// most429 is the most 429s per admitted request, and leastUse the least share of the budget used.
		most429, leastUse float64
	}{
		{"20 a second, rejected requests counted", fakegraph.RateLimit{PerApp: 20, Window: time.Second, RejectedCount: true}, 0.1, 0.9},
		{"20 a second, rejected requests not counted", fakegraph.RateLimit{PerApp: 20, Window: time.Second}, 0.1, 0.9},
		// With a bucket of a minute's requests spent and refilling 3.3 a second, every rise of the rate
		// meets the limit.
		{"Graph's 200 a minute", fakegraph.DocumentedRateLimit(), 0.15, 0.85},
	} {
		for _, whole := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, Retry-After in whole seconds %t", tc.name, whole), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s, c, id := limitedGraph(t, tc.limit, whole, func(cfg *Config) { cfg.RetryMax = 0 })
					f := readUnderLimit(t, s, c, id, 10, 600)
					t.Log(f)
					if float64(f.rejected) > tc.most429*float64(f.admitted) || f.use < tc.leastUse {
						t.Errorf("%s, want at most %g 429s per admitted request and a use of %g or more", f, tc.most429, tc.leastUse)
					}
				})
			})
		}
	}
}

// TestThrottle_holdsEveryRequestForA503sRetryAfter: Graph unavailable for a second holds back every request
// of the client, not only the one it answered, and starts no spacing: Graph was unavailable, not limiting
// the rate.
func TestThrottle_holdsEveryRequestForA503sRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryStub(t, answerFirstWith(func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			writeODataError(w, http.StatusServiceUnavailable, "serviceNotAvailable", "Try later.", "unavailable")
		}))
		unavailableAt := time.Now()
		var wg sync.WaitGroup
		wg.Go(func() { readConnectorA(t, c) })
		synctest.Wait()
		wg.Go(func() { readConnectorA(t, c) })
		wg.Wait()

		for i, r := range s.requests()[1:] {
			if at := r.At; at.Sub(unavailableAt) < time.Second {
				t.Errorf("request %d reached Graph %s after the 503, before its Retry-After was over", i+2, at.Sub(unavailableAt))
			}
		}
		if c.throttle.spacing != nil {
			t.Error("a 503 started spacing requests")
		}
	})
}

// TestThrottle_spacesTheRequestsWaitingForRetryAfter: the first request is told to wait a second, and nine
// more queue up behind it meanwhile. After the wait the ten go one after another, not together.
func TestThrottle_spacesTheRequestsWaitingForRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryStub(t, answerFirstWith(func(w http.ResponseWriter) { writeThrottled(w, "1") }))
		throttledAt := time.Now()
		var wg sync.WaitGroup
		wg.Go(func() { readConnectorA(t, c) })
		synctest.Wait()
		for range 9 {
			wg.Go(func() { readConnectorA(t, c) })
		}
		wg.Wait()

		requests := s.requests()
		if n := len(requests); n != 11 {
			t.Fatalf("Graph received %d requests, want 11", n)
		}
		for i, r := range requests[1:] {
			if r.At.Sub(throttledAt) < time.Second {
				t.Errorf("request %d went %s after the 429, before Graph's second was over", i+2, r.At.Sub(throttledAt))
			}
			if i > 0 && !r.At.After(requests[i].At) {
				t.Errorf("requests %d and %d reached Graph together at %s", i+1, i+2, r.At.Sub(throttledAt))
			}
		}
	})
}

func TestThrottle_holdsNothingBackWhenNothingWasThrottled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryStub(t, func(w http.ResponseWriter, _ *http.Request) { writeConnectorA(w) })
		start := time.Now()
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() { readConnectorA(t, c) })
		}
		wg.Wait()
		for _, r := range s.requests() {
			if !r.At.Equal(start) {
				t.Fatalf("a request reached Graph %s after the others: it was held back", r.At.Sub(start))
			}
		}
		if c.throttle.spacing != nil {
			t.Error("the client spaces its requests although Graph throttled nothing")
		}
	})
}

// TestThrottle_slowsOnA429AndRecoversWhileAdmitted: the first 429 spaces the requests at 0.7 of what the
// client sent over the last second; 429s to requests sent before that cut say nothing new, and a later one
// cuts again. Admitted requests raise the rate by a tenth of the last cut's each second.
func TestThrottle_slowsOnA429AndRecoversWhileAdmitted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := &throttle{}
		throttled := exchange{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"0.010"}}}
		admitted := exchange{status: http.StatusOK}
		var sent []time.Time
		for range 20 {
			at, err := th.wait(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, at)
			time.Sleep(50 * time.Millisecond)
		}
		th.observe(t.Context(), sent[19], throttled)
		if got := th.spacing.Limit(); got != 14 {
			t.Fatalf("after the first 429 the rate is %g, want 0.7 × the 20 requests of the last second", got)
		}
		th.observe(t.Context(), sent[18], throttled)
		if got := th.spacing.Limit(); got != 14 {
			t.Errorf("a 429 to a request sent before the cut lowered the rate to %g", got)
		}
		time.Sleep(time.Second)
		th.observe(t.Context(), time.Now(), admitted)
		if got := th.spacing.Limit(); math.Abs(float64(got)-15.4) > 1e-9 {
			t.Errorf("a second of admitted requests later the rate is %g, want 14 + 1.4", got)
		}
		th.observe(t.Context(), time.Now(), throttled)
		if got := th.spacing.Limit(); math.Abs(float64(got)-15.4*0.7) > 1e-9 {
			t.Errorf("a 429 to a request sent after the cut left the rate at %g, want 0.7 × 15.4", got)
		}
	})
}

// TestThrottle_liftsTheSpacingAfterAQuietSpellAndLogsItAtDebug: after a minute without a 429 the requests
// go unspaced again; the DEBUG log says when the spacing starts and when it stops, with the rate.
func TestThrottle_liftsTheSpacingAfterAQuietSpellAndLogsItAtDebug(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t.Setenv("TF_LOG_PROVIDER_ENTRA_GRAPH", "DEBUG")
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(t.Context(), &logs)
		_, c := newMemoryStub(t, answerFirstWith(func(w http.ResponseWriter) { writeThrottled(w, "1") }))
		if _, err := c.GetAPIConnector(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if c.throttle.spacing == nil {
			t.Fatal("a 429 started no spacing")
		}
		time.Sleep(quietSpell)
		if _, err := c.GetAPIConnector(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if c.throttle.spacing != nil {
			t.Errorf("the spacing was not lifted after %s without a 429", quietSpell)
		}

		entries, err := tflogtest.MultilineJSONDecode(&logs)
		if err != nil {
			t.Fatal(err)
		}
		var spacing []map[string]any
		for _, e := range entries {
			if msg, _ := e["@message"].(string); strings.Contains(msg, "spacing") {
				spacing = append(spacing, e)
			}
		}
		if len(spacing) != 2 {
			t.Fatalf("got %d log entries about spacing, want one when it starts and one when it stops: %v", len(spacing), spacing)
		}
		for _, e := range spacing {
			if e["@level"] != "debug" {
				t.Errorf("entry %q at %v, want debug", e["@message"], e["@level"])
			}
			if _, ok := e["rate_per_second"].(float64); !ok {
				t.Errorf("entry %q names no rate: %v", e["@message"], e)
			}
		}
	})
}
