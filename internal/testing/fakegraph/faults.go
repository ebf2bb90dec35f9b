package fakegraph

import (
	"crypto/rand"
	"encoding/binary"
	"math"
	mathrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Faults are the misbehaviours of the real service a test can switch on. The token, OIDC and
// managed-identity endpoints only ever get Latency and TokenLatency: the provider's resilience under test is
// about Graph, and about giving up on a sign-in at the operation's deadline.
type Faults struct {
	// Latency is added before answering every request.
	Latency time.Duration

	// TokenLatency is added before answering a request to the token endpoint, on top of Latency: a long one
	// makes a sign-in host that hangs. The wait ends early when the client goes away.
	TokenLatency time.Duration

	// RateLimit is Graph's throttling, as its documentation describes it: budgets of requests per window, one
	// per application and tenant and one per tenant for all applications. The zero value is no limit;
	// DocumentedRateLimit is Graph's.
	RateLimit RateLimit

	// ErrorRatio is the fraction of Graph requests answered, before anything is done, with a random 500,
	// 502, 503 (with a Retry-After of 100 ms) or 504.
	ErrorRatio float64

	// LostResponseRatio is the fraction of successful Graph writes (POST, PATCH, PUT, DELETE) that are
	// committed and then answered by closing the connection without a response.
	LostResponseRatio float64

	// ReplicationLag models Graph's eventual consistency. For this long after a create, reading, updating,
	// deleting or uploading to the new connector answers 404 and the list omits it; for this long after a
	// delete, reading it still answers 200 with its last state. The same holds for user flows, user-flow
	// attributes and attribute assignments made or deleted through Graph. For this long after a user flow's
	// step, identity providers, assignments or their order are written, reads of them show them as they
	// were. The current value applies, so setting it back to zero makes everything consistent at once.
	ReplicationLag time.Duration

	// NotFoundFlaps is how many of the next GETs of an existing connector or user flow (the flow itself,
	// its apiConnectorConfiguration, its identity providers, its assignments or their order) answer 404,
	// as a replica that has fallen behind can: each such GET uses one up, and SetFaults starts the count
	// again. Lists of connectors and flows are not affected.
	NotFoundFlaps int

	// StaleReads models a replica that has not seen a PATCH yet: for this long after a PATCH, a GET of the
	// connector and a list answer with the connector as it was before the PATCH.
	StaleReads time.Duration

	// ThrottleAll answers every Graph request with 429 and a Retry-After of ThrottleRetryAfter, for
	// cancellation and deadline tests.
	ThrottleAll bool
	// ThrottleRetryAfter is the wait ThrottleAll's answers ask for; 0 means 50 ms. Graph has been seen to
	// ask for five minutes and more.
	ThrottleRetryAfter time.Duration

	// UnappliedWrites are the kinds of write (the Write… constants) that Graph acknowledges and does not
	// apply, as a write lost between Graph's front end and its store would be: each is answered with the
	// status and body the operation gives when it succeeds, and nothing changes. The request log marks
	// them Unapplied. SetFaults keeps the slice itself: do not change it afterwards.
	UnappliedWrites []string

	// FractionalRetryAfter writes Retry-After in fractional seconds ("0.512", as Graph has been seen to
	// send) instead of HTTP's whole seconds, rounded up and never 0 ("1", what Graph documents). A client
	// that reads only whole seconds retries a fractional value at once.
	FractionalRetryAfter bool

	// Seed makes the random choices deterministic when non-zero: every SetFaults with a non-zero Seed
	// restarts the sequence.
	Seed int64
}

// SetFaults switches faults on or off; it takes effect for requests that arrive afterwards.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.notFoundFlapsLeft = f.NotFoundFlaps
	if f.Seed != 0 {
		s.random = newRandomSource(f.Seed)
	}
	if f.RateLimit != s.limiter.limit {
		s.limiter = rateLimiter{limit: f.RateLimit, counts: s.limiter.counts}
	}
}

// Faults returns the faults in force.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// admitGraphRequest applies the faults that answer a Graph request before it is acted on, and returns
// the answer when one does.
func (s *Server) admitGraphRequest(ex *exchange) *odataError {
	f := ex.faults
	if f.ThrottleAll {
		if f.ThrottleRetryAfter > 0 {
			return tooManyRequests(f.ThrottleRetryAfter)
		}
		return tooManyRequests(throttleAllWait)
	}
	if f.RateLimit.on() {
		s.mu.Lock()
		wait, ok := s.limiter.take(s.now(), s.tokenClients[bearerToken(ex.r)])
		s.mu.Unlock()
		if !ok {
			return tooManyRequests(wait)
		}
	}
	if f.ErrorRatio > 0 {
		s.mu.Lock()
		hit := s.random.chance(f.ErrorRatio)
		pick := s.random.intN(len(serverFaults))
		s.mu.Unlock()
		if hit {
			e := serverFaults[pick]
			return &e
		}
	}
	return nil
}

// loseResponse decides whether the answer to a committed write goes missing.
func (s *Server) loseResponse(ex *exchange) bool {
	ratio := ex.faults.LostResponseRatio
	if ratio <= 0 {
		return false
	}
	switch ex.r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	if ex.out.status < 200 || ex.out.status > 299 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.random.chance(ratio)
}

// serverFaults are the transient failures ErrorRatio picks from, as Graph reports them.
var serverFaults = []odataError{
	{status: http.StatusInternalServerError, code: "UnknownError", message: "An internal server error occurred."},
	{status: http.StatusBadGateway, code: "BadGateway", message: "The gateway received an invalid response from the service."},
	{status: http.StatusServiceUnavailable, code: "serviceNotAvailable", message: "The service is temporarily unavailable. Try again later.", retryAfter: 100 * time.Millisecond},
	{status: http.StatusGatewayTimeout, code: "GatewayTimeout", message: "The gateway did not receive a response from the service in time."},
}

// throttleAllWait is the Retry-After of Faults.ThrottleAll when ThrottleRetryAfter is 0.
const throttleAllWait = 50 * time.Millisecond

func tooManyRequests(retryAfter time.Duration) *odataError {
	return &odataError{
		status:     http.StatusTooManyRequests,
		code:       "TooManyRequests",
		message:    "Too many requests have been sent. Retry after the time given in the Retry-After header.",
		retryAfter: retryAfter,
	}
}

// formatRetryAfter writes a wait as Retry-After's delay-seconds (RFC 9110 section 10.2.3): whole seconds
// rounded up, or with fractional true three decimals ("2.128"). Either way never 0, which a client would
// read as "no wait".
func formatRetryAfter(d time.Duration, fractional bool) string {
	if !fractional {
		return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
	}
	secs := max(0.001, math.Ceil(d.Seconds()*1000)/1000)
	return strconv.FormatFloat(secs, 'f', 3, 64)
}

// RateLimit is a throttling limit as Graph documents its own: PerApp requests per Window for one
// application (the client id a bearer token was issued to) in the tenant, and PerTenant per Window for all
// applications in it together. Each budget is a bucket that holds a window's requests and refills
// continuously over the window, so that after a burst requests go at budget ÷ window. A request over
// either budget is answered 429 with a Retry-After of the time until both hold one again.
type RateLimit struct {
	// PerApp and PerTenant are the budgets; 0 is none.
	PerApp, PerTenant int
	// Window is what the budgets are counted over; 0 is a minute.
	Window time.Duration
	// RejectedCount makes the requests turned away count against the budgets too, as Graph's guidance says
	// all requests accrue against the limits, down to a window's worth of debt: a client that keeps sending
	// while throttled stays throttled longer.
	RejectedCount bool
}

// DocumentedRateLimit is the limit Graph documents for API connectors and user flows: 200 requests a minute
// per application and tenant, 300 per tenant, every request counted.
func DocumentedRateLimit() RateLimit {
	return RateLimit{PerApp: 200, PerTenant: 300, Window: time.Minute, RejectedCount: true}
}

func (l RateLimit) on() bool { return l.PerApp > 0 || l.PerTenant > 0 }

func (l RateLimit) window() time.Duration {
	if l.Window <= 0 {
		return time.Minute
	}
	return l.Window
}

// budget is what one bucket of a RateLimit holds: left requests at the moment at.
type budget struct {
	left float64
	at   time.Time
}

// rateLimiter counts Graph requests against a RateLimit's budgets.
type rateLimiter struct {
	limit  RateLimit
	apps   map[string]*budget
	tenant budget
	counts RateLimitCounts
}

// take counts a request of app against the budgets. When one of them holds nothing for it, it reports how
// long until both hold a request again.
func (l *rateLimiter) take(now time.Time, app string) (time.Duration, bool) {
	if l.apps == nil {
		l.apps = map[string]*budget{}
	}
	if l.apps[app] == nil {
		l.apps[app] = &budget{}
	}
	buckets := []struct {
		b    *budget
		size int
	}{{l.apps[app], l.limit.PerApp}, {&l.tenant, l.limit.PerTenant}}
	admitted := true
	for _, bucket := range buckets {
		if bucket.size > 0 && l.refill(bucket.b, bucket.size, now) < 1 {
			admitted = false
		}
	}
	var wait time.Duration
	for _, bucket := range buckets {
		if bucket.size == 0 {
			continue
		}
		if admitted || l.limit.RejectedCount {
			bucket.b.left = max(bucket.b.left-1, -float64(bucket.size))
		}
		if !admitted && bucket.b.left < 1 {
			wait = max(wait, time.Duration((1-bucket.b.left)*l.limit.window().Seconds()/float64(bucket.size)*float64(time.Second)))
		}
	}
	if admitted {
		l.counts.Admitted++
		return 0, true
	}
	l.counts.Rejected++
	return wait, false
}

// refill brings b, a bucket of size requests, up to now, and returns what it holds.
func (l *rateLimiter) refill(b *budget, size int, now time.Time) float64 {
	if b.at.IsZero() {
		b.left = float64(size)
	} else if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.left = min(float64(size), b.left+elapsed*float64(size)/l.limit.window().Seconds())
	}
	if now.After(b.at) {
		b.at = now
	}
	return b.left
}

// RateLimitCounts are the Graph requests the rate limit (Faults.RateLimit) let through and turned away
// with 429, since the server started, and what the budget of the emulator's own application (Options.ClientID)
// holds.
type RateLimitCounts struct {
	Admitted, Rejected int
	// Left is what the application's budget holds At: up to PerApp, below zero in debt. It is PerApp when
	// the budget has not been used since the limit was set, and 0 without a per-application budget.
	Left float64
	At   time.Time
}

// RateLimitCounts returns what the rate limit has decided so far, and the application's budget now; the
// difference between two calls is what it decided in between.
func (s *Server) RateLimitCounts() RateLimitCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := s.limiter.counts
	counts.At = s.now()
	if size := s.limiter.limit.PerApp; size > 0 {
		b := budget{}
		if own := s.limiter.apps[s.opts.ClientID]; own != nil {
			b = *own
		}
		counts.Left = s.limiter.refill(&b, size, counts.At)
	}
	return counts
}

// bearerToken is the access token a request carries, if any.
func bearerToken(r *http.Request) string {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// randomSource makes the fault decisions; it is only used under the server's lock.
type randomSource struct {
	r *mathrand.Rand
}

func newRandomSource(seed int64) randomSource {
	s := uint64(seed)
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		s = binary.LittleEndian.Uint64(b[:])
	}
	//nolint:gosec // fault injection needs repeatable randomness from a seed, not unpredictable randomness.
	return randomSource{r: mathrand.New(mathrand.NewPCG(s, s^0x9e3779b97f4a7c15))}
}

func (r randomSource) chance(ratio float64) bool { return r.r.Float64() < ratio }

func (r randomSource) intN(n int) int { return r.r.IntN(n) }

// flapNotFound decides whether a GET of an existing connector or user flow answers 404 for
// Faults.NotFoundFlaps, and uses one up when it does. The caller holds s.mu.
func (s *Server) flapNotFound() bool {
	if s.notFoundFlapsLeft <= 0 {
		return false
	}
	s.notFoundFlapsLeft--
	return true
}
