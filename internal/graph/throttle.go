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

// wait returns when the client may send again, or when ctx ends.
func (g *throttleGate) wait(ctx context.Context) error {
	g.mu.Lock()
	pause := time.Until(g.until)
	g.mu.Unlock()
	if pause <= 0 {
		return nil
	}
	// Requests released at the same moment would arrive together and be throttled together again.
	pause += rand.N(max(pause/2, retryAfterJitter)) //nolint:gosec // jitter spreads requests; it guards no secret.
	timer := time.NewTimer(pause)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// closed reports whether the gate holds requests back now.
func (g *throttleGate) closed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return time.Now().Before(g.until)
}

// observe closes the gate for as long as a throttling answer asks.
func (g *throttleGate) observe(resp *http.Response) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return
	}
	pause, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
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

// throttleTransport passes each attempt through the client's gate.
type throttleTransport struct {
	gate *throttleGate
	next http.RoundTripper
}

func (t *throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.gate.wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.gate.observe(resp)
	}
	return resp, err
}
