package graph

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// throttleGate holds every request of a client back while Graph has asked it to wait. Graph throttles
// per application and tenant, so once one request is told to wait, the others would only be turned
// away too, each using up its own retries; waiting together keeps the client just under the limit.
type throttleGate struct {
	mu    sync.Mutex
	until time.Time
}

// wait returns when the client may send again, or when ctx ends. When the gate stays closed past ctx's
// deadline it fails at once with a *RetryAfterError.
func (g *throttleGate) wait(ctx context.Context) error {
	g.mu.Lock()
	closed := time.Until(g.until)
	g.mu.Unlock()
	if closed <= 0 {
		return nil
	}
	// Requests released at the same moment would arrive together and be throttled together again.
	pause := closed + rand.N(max(closed/2, retryAfterJitter)) //nolint:gosec // jitter spreads requests; it guards no secret.
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if closed > left {
			return &RetryAfterError{Wait: closed, Left: max(left, 0)}
		}
		pause = min(pause, closed+(left-closed)/2)
	}
	return sleep(ctx, pause)
}

// observe closes the gate for as long as a throttling answer asks.
func (g *throttleGate) observe(ex exchange) {
	if ex.status != http.StatusTooManyRequests && ex.status != http.StatusServiceUnavailable {
		return
	}
	pause, ok := retryAfter(ex)
	if !ok {
		return
	}
	until := time.Now().Add(pause)
	g.mu.Lock()
	if until.After(g.until) {
		g.until = until
	}
	g.mu.Unlock()
}
