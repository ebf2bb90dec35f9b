// Package bench measures the provider at scale for `make bench`: it runs the CLI over many API connectors
// against an in-process Graph emulator with injected latency, and compares each phase's wall time and
// request counts with what the protocol allows (see BENCHMARKS.md). This file turns the emulator's request
// log into per-phase figures.
package bench

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// Traffic is what the emulator saw during one phase.
type Traffic struct {
	// Admitted counts the Graph requests that Graph acted on (anything but a 429), by method.
	Admitted map[string]int
	// Throttled counts the Graph requests answered with 429.
	Throttled int
	// MostThrottled is the most 429 answers one connector's request got, by method and path: how close
	// the unluckiest request came to the client's retry limit. Creates, which share the collection's
	// path, are left out.
	MostThrottled int
	// Tokens counts the token requests that issued a token.
	Tokens int
	// Bearers counts the distinct access tokens that signed Graph requests.
	Bearers int
	// First and Last are the arrival times of the first and the last Graph request.
	First, Last time.Time
	// Held is what the application's budget of the emulator's rate limit held when the first Graph request
	// came (below zero in debt), when HeldKnown; otherwise a full budget is assumed.
	Held      float64
	HeldKnown bool
}

// graphPrefixes are the versioned roots of Graph; every other path is sign-in.
var graphPrefixes = []string{"/v1.0/", "/beta/"}

func isGraph(path string) bool {
	for _, prefix := range graphPrefixes {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

func isTokenRequest(path string) bool {
	return strings.HasSuffix(path, "/oauth2/v2.0/token") || path == "/metadata/identity/oauth2/token"
}

// Summarize reads a phase's request log.
func Summarize(requests []fakegraph.Request) Traffic {
	t := Traffic{Admitted: map[string]int{}}
	bearers := map[string]bool{}
	throttled := map[string]int{}
	for _, r := range requests {
		switch {
		case isTokenRequest(r.Path):
			if r.Status == http.StatusOK {
				t.Tokens++
			}
		case isGraph(r.Path):
			if t.First.IsZero() || r.Time.Before(t.First) {
				t.First = r.Time
			}
			if r.Time.After(t.Last) {
				t.Last = r.Time
			}
			if auth := r.Header.Get("Authorization"); auth != "" {
				bearers[auth] = true
			}
			if r.Status == http.StatusTooManyRequests {
				t.Throttled++
				if !strings.HasSuffix(r.Path, "/apiConnectors") {
					key := r.Method + " " + r.Path
					throttled[key]++
					t.MostThrottled = max(t.MostThrottled, throttled[key])
				}
				continue
			}
			t.Admitted[r.Method]++
		}
	}
	t.Bearers = len(bearers)
	return t
}

// AdmittedTotal is the number of Graph requests Graph acted on.
func (t Traffic) AdmittedTotal() int {
	total := 0
	for _, n := range t.Admitted {
		total += n
	}
	return total
}

// Methods lists the methods seen, in a stable order: the usual HTTP ones first.
func (t Traffic) Methods() []string {
	order := map[string]int{http.MethodGet: 0, http.MethodPost: 1, http.MethodPatch: 2, http.MethodDelete: 3}
	methods := make([]string, 0, len(t.Admitted))
	for m := range t.Admitted {
		methods = append(methods, m)
	}
	sort.Slice(methods, func(i, j int) bool {
		oi, iok := order[methods[i]]
		oj, jok := order[methods[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return methods[i] < methods[j]
	})
	return methods
}

// Window is the time over which Graph admitted the phase's requests: from the first Graph request's
// arrival to the last one's. (The emulator admits each after the same latency, so that shift cancels.)
func (t Traffic) Window() time.Duration {
	return t.Last.Sub(t.First)
}

// AchievedRate is the phase's admitted Graph requests per second over its window.
func (t Traffic) AchievedRate() float64 {
	window := t.Window()
	if window <= 0 {
		return 0
	}
	return float64(t.AdmittedTotal()) / window.Seconds()
}

// appBudget is the size of a rate limit's budget per application, and what it regains a second.
func appBudget(limit fakegraph.RateLimit) (size, perSecond float64) {
	window := limit.Window
	if window <= 0 {
		window = time.Minute
	}
	return float64(limit.PerApp), float64(limit.PerApp) / window.Seconds()
}

// RateLimitBinds reports whether the phase asked for more than twice what the application's budget lets
// through at once. Below that the limit barely holds anything back: the CLI's own pace sets the window,
// and the share of the limit used says nothing of the provider.
func (t Traffic) RateLimitBinds(limit fakegraph.RateLimit) bool {
	size, _ := appBudget(limit)
	return size > 0 && float64(t.AdmittedTotal()) > 2*size
}

// RateLimitUse is the share of what the application's budget allowed during the window that the phase
// used. The budget is a bucket that refills evenly over the limit's window, so it allows what it held at
// the first request, and what it regained over the window; crediting what it held keeps a short phase
// from scoring above 1, and one that starts soon after another from being charged for a burst it never had.
func (t Traffic) RateLimitUse(limit fakegraph.RateLimit) float64 {
	if limit.PerApp <= 0 {
		return 0
	}
	return float64(t.AdmittedTotal()) / t.RateLimitAllows(limit)
}

// RateLimitAllows is how many requests the application's budget allowed during the window: what it held
// at the first request (Held, or else all of it), and what it regained over the window.
func (t Traffic) RateLimitAllows(limit fakegraph.RateLimit) float64 {
	held, perSecond := appBudget(limit)
	if t.HeldKnown {
		held = t.Held
	}
	return held + perSecond*t.Window().Seconds()
}

// BucketAt is what the application's budget of limit, holding counts.Left at counts.At, holds at t.
func BucketAt(counts fakegraph.RateLimitCounts, limit fakegraph.RateLimit, t time.Time) float64 {
	size, perSecond := appBudget(limit)
	return min(size, counts.Left+perSecond*t.Sub(counts.At).Seconds())
}
