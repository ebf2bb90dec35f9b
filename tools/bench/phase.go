package bench

import (
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// Phase is one step of the benchmark's lifecycle.
type Phase string

// The phases, in the order they run.
const (
	PhaseCreate  Phase = "create"
	PhaseRefresh Phase = "refresh"
	PhaseUpdate  Phase = "update"
	PhaseDelete  Phase = "delete"
)

// Phases is the lifecycle, in order.
var Phases = []Phase{PhaseCreate, PhaseRefresh, PhaseUpdate, PhaseDelete}

// phaseRequests is, per phase, the fewest Graph requests per resource the protocol needs (the floor) and
// the most the targets allow. Graph is eventually consistent in both directions, so a create needs its
// POST and one GET (the next read must not mistake replication lag for a deletion), and an update its
// PATCH and one GET (the next read must not mistake a lagging replica's old values for drift); a refresh
// is one GET; a delete one DELETE (a GET to see it gone is allowed).
var phaseRequests = map[Phase]struct{ minimal, allowed int }{
	PhaseCreate:  {minimal: 2, allowed: 2},
	PhaseRefresh: {minimal: 1, allowed: 1},
	PhaseUpdate:  {minimal: 2, allowed: 2},
	PhaseDelete:  {minimal: 1, allowed: 2},
}

// MinimalRequests is the fewest Graph requests per resource a phase needs.
func MinimalRequests(p Phase) int { return phaseRequests[p].minimal }

// AllowedRequests is the most Graph requests per resource a phase may make.
func AllowedRequests(p Phase) int { return phaseRequests[p].allowed }

// Floor is the least wall time a phase can take: every resource's minimal requests, each waiting the
// injected latency, spread over the CLI's parallelism.
func Floor(p Phase, resources int, latency time.Duration, parallelism int) time.Duration {
	if parallelism < 1 {
		parallelism = 1
	}
	return time.Duration(resources*MinimalRequests(p)) * latency / time.Duration(parallelism)
}

// ProviderProcess is one provider process, as the peakrss wrapper recorded it.
type ProviderProcess struct {
	PID       int       `json:"pid"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	PeakRSSKB int64     `json:"peak_rss_kb"`
	// CPU is the user and system time the process used.
	CPU time.Duration `json:"cpu_ns"`
	// StderrBytes is how much log the process wrote, when the wrapper was asked to count it.
	StderrBytes int64 `json:"stderr_bytes,omitempty"`
	ExitCode    int   `json:"exit_code"`
}

// PhaseResult is what one phase measured.
type PhaseResult struct {
	Phase     Phase
	Resources int
	// Start is when the CLI was started; Wall is how long it ran.
	Start time.Time
	Wall  time.Duration
	// CLIPeakRSSKB is the CLI's own peak resident set size (or a provider's, when that is larger: the
	// kernel reports the largest of a process and its waited-for descendants).
	CLIPeakRSSKB int64
	// CLICPU is the user and system time of the CLI and every provider it started.
	CLICPU  time.Duration
	Traffic Traffic
	// RateLimit is what the emulator's rate limit admitted and turned away during the phase.
	RateLimit fakegraph.RateLimitCounts
	Processes []ProviderProcess
	// Failed counts the resources the emulator does not hold as the configuration says after the phase;
	// a resource that failed in an earlier phase counts again.
	Failed int
	// Errors counts the errors the CLI reported: the resource operations of this phase that failed (at
	// least 1 when the CLI failed).
	Errors int
	// Error is the CLI's failure, with the end of its output; "" when it succeeded.
	Error string
	// Walls holds every run's wall time when the phase ran more than once (see Median); the other figures
	// are the median run's.
	Walls []time.Duration
}

// PeakRSSKB is the largest peak resident set size of the phase's provider processes.
func (r PhaseResult) PeakRSSKB() int64 {
	var peak int64
	for _, p := range r.Processes {
		peak = max(peak, p.PeakRSSKB)
	}
	return peak
}

// RejectedPerAdmitted is the 429 answers of the rate limit per request it admitted.
func (r PhaseResult) RejectedPerAdmitted() float64 {
	return ratio(r.RateLimit.Rejected, r.RateLimit.Admitted)
}

// PerResource is the admitted Graph requests per resource.
func (r PhaseResult) PerResource() float64 {
	if r.Resources == 0 {
		return 0
	}
	return float64(r.Traffic.AdmittedTotal()) / float64(r.Resources)
}

// ProviderCPU is the user and system time of the phase's provider processes together.
func (r PhaseResult) ProviderCPU() time.Duration {
	var total time.Duration
	for _, p := range r.Processes {
		total += p.CPU
	}
	return total
}

// Timeline splits a phase's wall time around the Graph traffic: the time before the first Graph request
// (the CLI starting, planning, starting providers, signing in), the window from the first request's
// arrival to the last one's answer, and the time after it (the CLI finishing, writing state, stopping
// providers). InFlight is the mean number of Graph requests the emulator held during the window, the
// figure to compare with the CLI's parallelism.
type Timeline struct {
	Before, Window, After time.Duration
	InFlight              float64
}

// Timeline is the phase's timeline; all zero for a phase without Graph traffic.
func (r PhaseResult) Timeline(latency time.Duration) Timeline {
	t := r.Traffic
	if t.First.IsZero() {
		return Timeline{}
	}
	end := r.Start.Add(r.Wall)
	answered := t.Last.Add(latency)
	tl := Timeline{
		Before: t.First.Sub(r.Start),
		Window: answered.Sub(t.First),
		After:  end.Sub(answered),
	}
	if tl.Window > 0 {
		tl.InFlight = float64(t.AdmittedTotal()+t.Throttled) * latency.Seconds() / tl.Window.Seconds()
	}
	return tl
}
