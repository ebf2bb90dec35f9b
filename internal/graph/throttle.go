package graph

import (
	"context"
	"math"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// throttle decides when each request of a client may go.
//
// Graph's Retry-After (on a 429, or a 503) closes a gate that holds every request of the client, not only
// the one it answered: the others would be turned away too, and Graph counts those against the
// application's limit. From the first 429 on, requests are also spaced by a rate limiter, so that the
// ones that waited at the gate do not all go at once when it opens: a 429 lowers its rate, every admitted
// request raises it a little, and after a quiet spell without a 429 the spacing is lifted. Graph
// documents 200 requests a minute per application and tenant for API connectors and user flows; the
// limiter starts from what the client was sending when Graph first said no, and finds that limit from
// there. Nothing is kept between processes.
type throttle struct {
	mu sync.Mutex
	// until is the gate: no request goes before it.
	until time.Time
	// spacing is nil until Graph answers 429, and again after a quiet spell.
	spacing *rate.Limiter
	// cut is when the rate was last lowered, to the rate lowered; raised is when it last rose;
	// throttledAt is when Graph last answered 429.
	cut, raised, throttledAt time.Time
	lowered                  rate.Limit
	// sent holds when the requests of the last second went, while they are not spaced.
	sent []time.Time
}

// The spacing. Graph documents 200 requests a minute (3.3 a second) per application and tenant.
const (
	// cutShare is what a 429 leaves of the rate, and riseShare how much of the rate it left comes back
	// each second while requests are admitted.
	cutShare  = 0.7
	riseShare = 0.1
	// slowest is the lowest rate: one request every five seconds.
	slowest = rate.Limit(0.2)
	// quietSpell is how long without a 429 lifts the spacing.
	quietSpell = time.Minute
)

// wait returns when the caller may send its request, with that moment, or fails when ctx ends first. When
// its turn comes only after ctx's deadline it fails at once with a *RetryAfterError, unsent.
func (t *throttle) wait(ctx context.Context) (time.Time, error) {
	for {
		t.mu.Lock()
		now := time.Now()
		t.liftWhenQuiet(ctx, now)
		gate, turn := t.until, now
		var reservation *rate.Reservation
		switch {
		case gate.After(now):
			turn = gate
		case t.spacing != nil:
			reservation = t.spacing.ReserveN(now, 1)
			turn = now.Add(reservation.DelayFrom(now))
		default:
			t.sent = append(lastSecond(t.sent, now), now)
		}
		t.mu.Unlock()

		if !turn.After(now) {
			return now, nil
		}
		if deadline, ok := ctx.Deadline(); ok && turn.After(deadline) {
			if reservation != nil {
				reservation.CancelAt(now)
			}
			return time.Time{}, &RetryAfterError{Wait: turn.Sub(now), Left: max(time.Until(deadline), 0), Queued: true}
		}
		if err := sleep(ctx, turn.Sub(now)); err != nil {
			return time.Time{}, err
		}
		t.mu.Lock()
		reopened := !t.until.After(gate)
		t.mu.Unlock()
		// A turn is taken once the gate is open; a gate that closed again meanwhile is waited for first.
		if reservation != nil && reopened {
			return turn, nil
		}
	}
}

// observe learns from the answer to a request sent at sent.
func (t *throttle) observe(ctx context.Context, sent time.Time, ex exchange) {
	if ex.err != nil {
		return
	}
	wait, named := retryAfter(ex)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if named && (ex.status == http.StatusTooManyRequests || ex.status == http.StatusServiceUnavailable) {
		// A 503 says Graph is unavailable, not that the client sends too fast: it closes the gate only.
		if now.Add(wait).After(t.until) {
			t.until = now.Add(wait)
		}
	}
	switch {
	case ex.status == http.StatusTooManyRequests:
		t.throttled(ctx, now, sent)
	case t.spacing != nil && ex.status < 500:
		// Additive: the rate grows by a share of the last cut's each second.
		t.spacing.SetLimitAt(now, t.spacing.Limit()+t.lowered*riseShare*rate.Limit(min(now.Sub(t.raised), time.Second).Seconds()))
		t.raised = now
	}
}

// throttled lowers the rate after a 429 to a request sent at sent, once for the requests sent together.
func (t *throttle) throttled(ctx context.Context, now, sent time.Time) {
	t.throttledAt = now
	switch {
	case t.spacing == nil:
		t.lowered = max(rate.Limit(len(lastSecond(t.sent, now)))*cutShare, slowest)
		t.spacing, t.sent = rate.NewLimiter(t.lowered, 1), nil
		tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Graph is throttling: spacing requests",
			map[string]any{"rate_per_second": math.Round(float64(t.lowered)*100) / 100})
	case sent.After(t.cut):
		t.lowered = max(t.spacing.Limit()*cutShare, slowest)
		t.spacing.SetLimitAt(now, t.lowered)
	default:
		return
	}
	t.cut, t.raised = now, now
}

// liftWhenQuiet stops spacing once Graph has answered no 429 for a while.
func (t *throttle) liftWhenQuiet(ctx context.Context, now time.Time) {
	if t.spacing == nil || now.Sub(t.throttledAt) < quietSpell {
		return
	}
	tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Graph no longer throttling: stopped spacing requests",
		map[string]any{"rate_per_second": math.Round(float64(t.spacing.Limit())*100) / 100})
	t.spacing = nil
}

// lastSecond is the times, in order, that lie within a second before now.
func lastSecond(times []time.Time, now time.Time) []time.Time {
	return times[sort.Search(len(times), func(i int) bool { return now.Sub(times[i]) <= time.Second }):]
}
