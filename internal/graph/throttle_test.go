package graph

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/oauth2"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// loadFigures is what a run of reads against a rate-limited emulator measured.
type loadFigures struct {
	admitted, rejected int
	// use is the share of what the limit allowed that was admitted: admitted ÷ (R × window + the
	// bucket's initial burst of R), the window running from the first request to the last.
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
	rate := s.Faults().RateLimit
	f.use = float64(f.admitted) / (rate*last.Sub(first).Seconds() + max(1, rate))
	return f
}

// limitedGraph is the emulator in memory with a rate limit and 50 ms of latency, holding one connector.
// With wholeSeconds its Retry-After is rounded up to whole seconds, as Graph documents it; else it is
// fractional, as Graph has been seen to send it.
func limitedGraph(t *testing.T, rate float64, wholeSeconds bool, edit ...func(*Config)) (*fakegraph.Server, *Client, string) {
	s, c := newMemoryFakeGraph(t, fakegraph.Options{}, edit...)
	connector := s.PutConnector(fakegraph.Connector{DisplayName: "Paced", TargetURL: "https://paced.example",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
	// Sign in before the load: the token source's lock is not one a synctest bubble can wait on.
	if _, err := c.GetAPIConnector(t.Context(), connector.ID); err != nil {
		t.Fatal(err)
	}
	s.SetFaults(fakegraph.Faults{RateLimit: rate, Latency: 50 * time.Millisecond, FractionalRetryAfter: !wholeSeconds})
	return s, c, connector.ID
}

// nextProcess is a client for the same emulator as c, signed in alike, as the provider's next process
// makes one, with the rate memory memory.
func nextProcess(t *testing.T, c *Client, memory string) *Client {
	t.Helper()
	auth, ok := c.http.Transport.(*authTransport)
	if !ok {
		t.Fatalf("the client's transport is a %T", c.http.Transport)
	}
	return newTestClient(t, memoryHost, auth.tokens, func(cfg *Config) {
		cfg.Transport = auth.next
		cfg.RateMemory = memory
	})
}

// TestPacer_keepsToTheLimitInEveryProcess reads under a limit of 20 and of 3.3 requests/s (Graph's 200 a
// minute), with Retry-After fractional or in whole seconds, in four processes one after another as
// OpenTofu runs them: the first meets the limit unprepared, the others start at what it learned.
func TestPacer_keepsToTheLimitInEveryProcess(t *testing.T) {
	for _, whole := range []bool{false, true} {
		for _, rate := range []float64{20, 3.3} {
			synctest.Test(t, func(t *testing.T) {
				memory := RateMemoryPath(t.TempDir(), "graph")
				s, c, id := limitedGraph(t, rate, whole, func(cfg *Config) { cfg.RateMemory = memory })
				for process := range 4 {
					if process > 0 {
						// The next process, after the CLI's own work between phases.
						time.Sleep(time.Second)
						c = nextProcess(t, c, memory)
					}
					f := readUnderLimit(t, s, c, id, 10, 400)
					t.Logf("R=%g, Retry-After in whole seconds %t, process %d: %s", rate, whole, process, f)
					// The first process's first requests go at once, ten of them turned away: the limit
					// is unknown until Graph answers 429. The others start at the rate it learned, and
					// probe for more only now and then.
					least, most := 0.96, f.admitted/50
					if process == 0 {
						least, most = 0.92, f.admitted/10
					}
					if f.rejected > most || f.use < least {
						t.Errorf("R=%g, Retry-After in whole seconds %t, process %d: %s", rate, whole, process, f)
					}
				}
			})
		}
	}
}

// TestPacer_learnsTheRateFromTheFirstBurst: ten requests meet a limit of 3.3 a second at once, and the
// 429s of those turned away (each put the bucket further in debt, as far as Graph counts it) name moments a
// token's interval apart. The pacer learns the rate from them, and no request after that first burst is
// turned away.
func TestPacer_learnsTheRateFromTheFirstBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c, id := limitedGraph(t, 3.3, false)
		time.Sleep(2 * time.Second)
		f := readUnderLimit(t, s, c, id, 10, 40)
		t.Log(f)
		if f.rejected > 10 {
			t.Errorf("%s: more 429s than the ten requests of the first burst", f)
		}
	})
}

// TestPacer_firstContactAnswersInAnyOrder: ten requests meet a limit of 3.3 a second at once, with a full
// bucket of 3.3: Graph admits three and turns seven away, each 429 naming a moment an interval after the last
// until its debt stops growing. The answers come back in either order, the 429s before the admitted ones or
// after, at once or over 12 ms (which moves the moments the client reads from them): either way the pacer
// learns the rate within 0.5%, nothing goes before the first moment named, and then one request an
// interval, not a burst into the bucket the three emptied.
func TestPacer_firstContactAnswersInAnyOrder(t *testing.T) {
	const rate = 3.3
	ms := time.Millisecond
	for _, tc := range []struct {
		name           string
		throttledFirst bool
		// comeAfter is how long after the first answer each answer comes, in the order they come.
		comeAfter []time.Duration
	}{
		{name: "admitted first"},
		{name: "429s first", throttledFirst: true},
		{name: "over 12ms", comeAfter: []time.Duration{0, 0, 0, 0, 6 * ms, 6 * ms, 9 * ms, 9 * ms, 12 * ms, 12 * ms}},
	} {
		synctest.Test(t, func(t *testing.T) {
			p := newPacer("")
			answered := meetTheLimit(t, p, rate, tc.throttledFirst, tc.comeAfter)
			firstNamed := answered.Add(secondsDuration(1.7 / rate))
			p.mu.Lock()
			learned := p.rate
			p.mu.Unlock()
			if math.Abs(learned/rate-1) > 0.005 {
				t.Errorf("%s: learned %.3f a second, want %g within 0.5%%", tc.name, learned, rate)
			}

			previous := time.Time{}
			for range 5 {
				at, err := p.wait(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case at.Before(firstNamed):
					t.Errorf("%s: a request went at %s, before the first moment Graph named, %s", tc.name, at, firstNamed)
				case !previous.IsZero() && at.Sub(previous) < secondsDuration(0.9/rate):
					t.Errorf("%s: a request went %s after the one before, under an interval at %g a second", tc.name, at.Sub(previous), rate)
				}
				previous = at
			}
		})
	}
}

// TestTypicalInterval: the gaps between the moments the 429s of the first burst name, as they come: a
// moment not seen, answers a few milliseconds apart, the narrower gap where Graph stopped counting debt, and
// 429s naming about the same moment.
func TestTypicalInterval(t *testing.T) {
	ms := time.Millisecond
	for name, tc := range map[string]struct {
		gaps []time.Duration
		want time.Duration
	}{
		"even":                        {[]time.Duration{50 * ms, 50 * ms, 50 * ms}, 50 * ms},
		"a moment not seen":           {[]time.Duration{50 * ms, 100 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms}, 50 * ms},
		"answers 6 ms apart":          {[]time.Duration{309 * ms, 303 * ms}, 306 * ms},
		"debt no longer counted":      {[]time.Duration{303 * ms, 303 * ms, 182 * ms}, 303 * ms},
		"429s naming the same moment": {[]time.Duration{303 * ms, 306 * ms, 185 * ms, 3 * ms, 2 * ms, 3 * ms}, 304500 * time.Microsecond},
		"two moments not seen, apart": {[]time.Duration{200 * ms, 400 * ms, 200 * ms, 400 * ms, 200 * ms}, 200 * ms},
	} {
		if got := typicalInterval(tc.gaps); got != tc.want {
			t.Errorf("%s: typicalInterval(%v) = %s, want %s", name, tc.gaps, got, tc.want)
		}
	}
}

// meetTheLimit has p send ten requests at once into a limit of rate (< 10) a second with a full bucket, as
// in TestPacer_firstContactAnswersInAnyOrder, and answers them 50 ms later, the 429s first or not, each
// comeAfter the first answer. It returns when Graph answered.
func meetTheLimit(t *testing.T, p *pacer, rate float64, throttledFirst bool, comeAfter []time.Duration) time.Time {
	t.Helper()
	sent := make([]time.Time, 10)
	for i := range sent {
		sent[i], _ = p.wait(t.Context())
	}
	time.Sleep(50 * time.Millisecond)
	answered := time.Now()
	// Graph's bucket holds rate - int(rate) tokens after the ones it admitted, and each 429 takes one more,
	// down to a burst's worth of debt.
	admitted := slices.Repeat([]exchange{{status: http.StatusOK}}, int(rate))
	var throttled []exchange
	for tokens := rate - float64(int(rate)); len(throttled) < 10-int(rate); {
		tokens = max(tokens-1, -rate)
		retryAfter := strconv.FormatFloat((1-tokens)/rate, 'f', 3, 64)
		throttled = append(throttled, exchange{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {retryAfter}}})
	}
	answers := slices.Concat(admitted, throttled)
	if throttledFirst {
		answers = slices.Concat(throttled, admitted)
	}
	for i, ex := range answers {
		if i < len(comeAfter) {
			time.Sleep(time.Until(answered.Add(comeAfter[i])))
		}
		p.observe(t.Context(), sent[i], ex)
	}
	return answered
}

// TestPacer_a429AtTheMeasuredRateTrimsIt: a process paced at the rate an earlier one measured meets a 429
// that brings no new measurement: that measurement was a hair high, or the limit fell. The pacer takes 2%
// off, and cuts by 10% only at a second 429.
func TestPacer_a429AtTheMeasuredRateTrimsIt(t *testing.T) {
	const rate = 3.3
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		now := time.Now()
		(&rateMemory{path: memory}).save(t.Context(), rateRecord{Rate: rate, Burst: 3, Measured: now.Add(-10 * time.Second), At: now, Full: now})
		p := newPacer(memory)
		throttle := func() float64 {
			sent, err := p.wait(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			p.observe(t.Context(), sent, exchange{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"0.050"}}})
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.rate
		}
		for range 20 {
			sent, _ := p.wait(t.Context())
			p.observe(t.Context(), sent, exchange{status: http.StatusOK})
		}
		trimmed := throttle()
		cut := throttle()
		if math.Abs(trimmed/(rate*0.98)-1) > 0.005 || math.Abs(cut/(trimmed*0.9)-1) > 0.005 {
			t.Errorf("rates after one 429 and two: %.3f and %.3f, want %.3f and %.3f", trimmed, cut, rate*0.98, rate*0.98*0.9)
		}
	})
}

// TestPacer_holdsEveryRequestForA503sRetryAfter: Graph unavailable for a second holds back every request
// of the client, not only the one it answered, and starts no pacing.
func TestPacer_holdsEveryRequestForA503sRetryAfter(t *testing.T) {
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
		if c.throttle.paced {
			t.Error("a 503 started pacing: Graph was unavailable, not limiting the rate")
		}
	})
}

func TestPacer_spreadsTheRequestsWaitingForRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The first request is told to wait a second; nine more queue up behind it meanwhile.
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
		arrivals := make([]time.Time, len(requests))
		for i, r := range requests {
			arrivals[i] = r.At
		}
		// After the wait the ten go one after another, not together.
		for i, at := range arrivals[1:] {
			if at.Sub(throttledAt) < time.Second {
				t.Errorf("request %d went %s after the 429, before Graph's second was over", i+2, at.Sub(throttledAt))
			}
			if i > 0 && !at.After(arrivals[i]) {
				t.Errorf("requests %d and %d reached Graph together at %s", i+1, i+2, at.Sub(throttledAt))
			}
		}
	})
}

func TestPacer_learnsARateChange(t *testing.T) {
	for _, whole := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			s, c, id := limitedGraph(t, 20, whole)
			faults := s.Faults()
			readUnderLimit(t, s, c, id, 10, 400)

			// The limit drops to a quarter: the pacer learns it, and is turned away seldom.
			faults.RateLimit = 5
			s.SetFaults(faults)
			lower := readUnderLimit(t, s, c, id, 10, 200)
			if lower.rejected > lower.admitted/5 || lower.use < 0.85 {
				t.Errorf("whole seconds %t, after the limit dropped to 5/s: %s", whole, lower)
			}

			// The limit rises again: the pacer finds the room, probing carefully.
			faults.RateLimit = 20
			s.SetFaults(faults)
			finding := readUnderLimit(t, s, c, id, 10, 800)
			found := readUnderLimit(t, s, c, id, 10, 400)
			if finding.rejected > finding.admitted/20 || found.rejected > found.admitted/10 || found.use < 0.85 {
				t.Errorf("whole seconds %t, after the limit rose back to 20/s: %s, then %s", whole, finding, found)
			}
		})
	}
}

func TestPacer_doesNotPaceWhenNothingWasThrottled(t *testing.T) {
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
		if c.throttle.paced {
			t.Error("the client paces although Graph throttled nothing")
		}
	})
}

func TestPacer_nextProcessStartsAtTheLearnedRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		s, c, id := limitedGraph(t, 10, false, func(cfg *Config) { cfg.RateMemory = memory })
		first := readUnderLimit(t, s, c, id, 10, 200)
		time.Sleep(2 * time.Second)

		next := nextProcess(t, c, memory)
		second := readUnderLimit(t, s, next, id, 10, 200)

		if first.rejected < 5 {
			t.Fatalf("the first process was turned away %d times: the test proves nothing", first.rejected)
		}
		if second.rejected > 2 || second.use < 0.95 {
			t.Errorf("the next process, with what the first learned: %s", second)
		}
	})
}

// TestPacer_nextProcessSoonAfterFindsTheBucketEmpty: OpenTofu starts the next process a moment after the
// last one's last request, with Graph's bucket about empty. The memory says when that request went, which
// was seconds after it was scheduled behind the queue, so the next process does not take the bucket for
// full.
func TestPacer_nextProcessSoonAfterFindsTheBucketEmpty(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		s, c, id := limitedGraph(t, 3.3, false, func(cfg *Config) { cfg.RateMemory = memory })
		first := readUnderLimit(t, s, c, id, 10, 100)
		time.Sleep(300 * time.Millisecond)

		second := readUnderLimit(t, s, nextProcess(t, c, memory), id, 10, 10)

		if first.rejected < 5 {
			t.Fatalf("the first process was turned away %d times: the test proves nothing", first.rejected)
		}
		if second.rejected > 0 {
			t.Errorf("the next process, 300ms after the last request: %s", second)
		}
	})
}

// TestPacer_nextProcessSpendsTheBurstGraphRefilled: the first process meets a limit of 3.3 a second
// unprepared, and of the ten requests it sends at once Graph admits three, a full bucket. Its last request
// goes after a pause, with the bucket refilled meanwhile, and the next process starts soon after: it sends
// three requests at once, as many as the first contact showed the bucket holds, and none is turned away.
func TestPacer_nextProcessSpendsTheBurstGraphRefilled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		s, c, id := limitedGraph(t, 3.3, false, func(cfg *Config) { cfg.RateMemory = memory })
		time.Sleep(2 * time.Second)
		first := readUnderLimit(t, s, c, id, 10, 40)
		time.Sleep(800 * time.Millisecond)
		readUnderLimit(t, s, c, id, 1, 1)
		time.Sleep(500 * time.Millisecond)

		second := readUnderLimit(t, s, nextProcess(t, c, memory), id, 10, 10)

		if first.rejected < 5 {
			t.Fatalf("the first process was turned away %d times: the test proves nothing", first.rejected)
		}
		requests := s.Requests()
		atOnce := 0
		for _, r := range requests {
			if r.Time.Equal(requests[0].Time) {
				atOnce++
			}
		}
		if atOnce != 3 || second.rejected > 0 {
			t.Errorf("the next process sent %d requests at once, want 3, the bucket's burst: %s", atOnce, second)
		}
	})
}

// TestPacer_nextProcessCountsItsTurnsFromWhenItSignedIn: the next process starts with Graph's bucket full,
// and its first requests wait a quarter of a second for the sign-in. The turns the pacer hands out are
// counted from when the requests go, after it, so the burst that follows is what Graph's bucket holds.
func TestPacer_nextProcessCountsItsTurnsFromWhenItSignedIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		s, c, id := limitedGraph(t, 20, false, func(cfg *Config) { cfg.RateMemory = memory })
		first := readUnderLimit(t, s, c, id, 10, 200)
		time.Sleep(2 * time.Second)

		token, err := c.auth.tokens.Token()
		if err != nil {
			t.Fatal(err)
		}
		signIn := &slowSignIn{token: token, takes: 250 * time.Millisecond, done: make(chan struct{})}
		next := newTestClient(t, memoryHost, signIn, func(cfg *Config) {
			cfg.Transport = c.auth.next
			cfg.RateMemory = memory
		})
		second := readUnderLimit(t, s, next, id, 10, 100)

		if first.rejected < 5 {
			t.Fatalf("the first process was turned away %d times: the test proves nothing", first.rejected)
		}
		if second.rejected > 0 {
			t.Errorf("the next process, whose sign-in took 250ms: %s", second)
		}
	})
}

// slowSignIn is a sign-in that takes a while, for every request that waits for it.
type slowSignIn struct {
	token *oauth2.Token
	takes time.Duration
	start sync.Once
	done  chan struct{}
}

func (s *slowSignIn) Token() (*oauth2.Token, error) {
	s.start.Do(func() {
		go func() {
			time.Sleep(s.takes)
			close(s.done)
		}()
	})
	<-s.done
	return s.token, nil
}

// TestPacer_nextProcessWaitsOutTheRetryAfter: Graph asks a process to wait 2 seconds, in whole seconds, and
// the next process starts at once: its first request waits out what is left of those 2 seconds.
func TestPacer_nextProcessWaitsOutTheRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		memory := RateMemoryPath(t.TempDir(), "graph")
		first := newPacer(memory)
		sent, err := first.wait(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		first.observe(t.Context(), sent, exchange{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"2"}}})
		askedUntil := time.Now().Add(2 * time.Second)

		at, err := newPacer(memory).wait(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if at.Before(askedUntil) {
			t.Errorf("the next process's first request went %s before the end of Graph's Retry-After", askedUntil.Sub(at))
		}
	})
}

// TestRateMemory_trustedForFiveMinutes: a record is read back for five minutes after the last paced
// request it names, and not after.
func TestRateMemory_trustedForFiveMinutes(t *testing.T) {
	for _, tc := range []struct {
		age  time.Duration
		want bool
	}{{4*time.Minute + 50*time.Second, true}, {5*time.Minute + 10*time.Second, false}} {
		m := &rateMemory{path: RateMemoryPath(t.TempDir(), "graph")}
		at := time.Now().Add(-tc.age)
		m.save(t.Context(), rateRecord{Rate: 3.3, Burst: 3, At: at, Full: at})
		if _, ok := m.load(); ok != tc.want {
			t.Errorf("a record %s old: read back %t, want %t", tc.age, ok, tc.want)
		}
	}
}

func TestPacer_logsWhenPacingStartsAndStopsAtDebugOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t.Setenv("TF_LOG_PROVIDER_ENTRA_GRAPH", "DEBUG")
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(t.Context(), &logs)
		_, c, id := limitedGraph(t, 10, false)
		read := func() {
			if _, err := c.GetAPIConnector(ctx, id); err != nil {
				t.Error(err)
			}
		}
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(read)
		}
		wg.Wait()
		// Long enough without a queue, the next request finds the pacer stopped.
		time.Sleep(idleToStop + time.Second)
		read()

		entries, err := tflogtest.MultilineJSONDecode(&logs)
		if err != nil {
			t.Fatal(err)
		}
		var pacing []map[string]any
		for _, e := range entries {
			if msg, _ := e["@message"].(string); strings.Contains(msg, "pacing") {
				pacing = append(pacing, e)
			}
		}
		if len(pacing) != 2 {
			t.Fatalf("got %d log entries about pacing, want one when it starts and one when it stops: %v", len(pacing), pacing)
		}
		for _, e := range pacing {
			if e["@level"] != "debug" {
				t.Errorf("entry %q at %v, want debug", e["@message"], e["@level"])
			}
			if _, ok := e["rate_per_second"].(float64); !ok {
				t.Errorf("entry %q names no rate: %v", e["@message"], e)
			}
		}
	})
}
