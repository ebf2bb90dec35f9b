package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// Targets from the issue that the report checks.
const (
	// WallTargetRatio bounds wall / (floor + CLI overhead) for every phase.
	WallTargetRatio = 1.25
	// RateTargetFraction is the least share of the rate limit a stress scenario must use.
	RateTargetFraction = 0.85
	// RejectedTargetRatio bounds the 429 answers per admitted request in a stress scenario: Graph counts
	// every request against the caller's limits, the rejected ones included, and the application's quota is
	// usually shared with other pipelines.
	RejectedTargetRatio = 0.3
	// MemoryGrowthAllowed bounds how much larger the provider's peak RSS may be at N than at the small N
	// for its memory to count as flat in N.
	MemoryGrowthAllowed = 1.25
)

// Settings are the knobs a run used.
type Settings struct {
	Resources      int
	SmallResources int
	Latency        time.Duration
	Parallelism    int
	Refresh        bool
	// Before is the git revision whose provider build the throttled scenarios ran with too, if any.
	Before string
}

// Machine describes where a run happened.
type Machine struct {
	Date       time.Time
	Cores      int
	CPU        string
	MemoryGiB  float64
	Kernel     string
	GoVersion  string
	CLIVersion string
	Provider   string
	// LoadBefore and LoadAfter are the one-minute load averages when the run started and ended.
	LoadBefore, LoadAfter float64
	// Runs is how often each scenario but the throttled one ran; the tables show the median run.
	Runs int
}

// Report is a whole run: the provider at N and at a small N, the CLI alone at N, and the throttled runs.
// A scenario that was skipped has no results.
type Report struct {
	Settings   Settings
	Machine    Machine
	Command    string
	Baseline   Scenario
	Ideal      Scenario
	Main       Scenario
	Small      Scenario
	SmallIdeal Scenario
	// Throttled holds the full tenant at Graph's documented limits (KindTenant), and the stress scenarios
	// (KindConnectors), one per rate limit and N.
	Throttled []Scenario
	// Before, when set, names the provider build that ThrottledBefore ran (the same scenarios), for a
	// side-by-side comparison.
	Before          string
	ThrottledBefore []Scenario
}

// Check is one target and how the run fared.
type Check struct {
	Target   string
	Measured string
	Pass     bool
}

// Checks evaluates every target the run measured.
func (rep Report) Checks() []Check {
	var checks []Check
	for _, phase := range Phases {
		r, ok := rep.Main.Result(phase)
		if !ok {
			continue
		}
		allowed := AllowedRequests(phase)
		relation := "≤"
		if phase == PhaseRefresh {
			relation = "="
		}
		checks = append(checks, Check{
			Target:   fmt.Sprintf("Graph requests per %s %s %d", phase, relation, allowed),
			Measured: fmt.Sprintf("%.2f (%s)", r.PerResource(), methodCounts(r.Traffic)),
			Pass:     r.Error == "" && r.Failed == 0 && r.PerResource() <= float64(allowed),
		})
	}

	var tokens, processes, bearers int
	tokensPass := true
	for _, sc := range append([]Scenario{rep.Main, rep.Small}, rep.Throttled...) {
		for _, r := range sc.Results {
			tokens += r.Traffic.Tokens
			processes += len(r.Processes)
			bearers += r.Traffic.Bearers
			if r.Traffic.Tokens > len(r.Processes) {
				tokensPass = false
			}
		}
	}
	if processes > 0 {
		checks = append(checks, Check{
			Target:   "one token request per provider process",
			Measured: fmt.Sprintf("%d token requests, %d provider processes, %d distinct tokens used (every phase of every provider scenario)", tokens, processes, bearers),
			Pass:     tokensPass,
		})
	}

	for _, phase := range Phases {
		r, ok := rep.Main.Result(phase)
		base, baseOK := rep.Baseline.Result(phase)
		if !ok || !baseOK {
			continue
		}
		ratio := WallRatio(r, base, rep.Settings)
		checks = append(checks, Check{
			Target:   fmt.Sprintf("%s wall ≤ %.2f × (floor + CLI overhead) at N=%d", phase, WallTargetRatio, rep.Settings.Resources),
			Measured: fmt.Sprintf("%.2f (%s vs %s + %s)", ratio, seconds(r.Wall), seconds(Floor(phase, r.Resources, rep.Settings.Latency, rep.Settings.Parallelism)), seconds(base.Wall)),
			Pass:     ratio <= WallTargetRatio,
		})
	}

	if small, large := peakOf(rep.Small), peakOf(rep.Main); small > 0 && large > 0 {
		growth := float64(large) / float64(small)
		checks = append(checks, Check{
			Target:   fmt.Sprintf("provider memory flat in N (peak at N=%d ≤ %.2f × peak at N=%d)", rep.Settings.Resources, MemoryGrowthAllowed, rep.Settings.SmallResources),
			Measured: fmt.Sprintf("%s vs %s: × %.2f", formatKB(large), formatKB(small), growth),
			Pass:     growth <= MemoryGrowthAllowed,
		})
	}

	for _, sc := range rep.Throttled {
		checks = append(checks, throttledChecks(sc)...)
	}
	return checks
}

// throttledChecks are the targets of one throttled scenario: no failed resource operation, and for a stress
// scenario the share of the rate limit used and the 429s per admitted request.
func throttledChecks(sc Scenario) []Check {
	if len(sc.Results) == 0 {
		return nil
	}
	rate := sc.Faults.RateLimit
	var worstUse *PhaseResult
	worstRejected := sc.Results[0]
	var admitted, rejected int
	// used and allowed sum the phases the limit binds: the admitted requests, and what R allowed.
	var used, allowed float64
	failed := 0
	var perPhase []string
	for _, r := range sc.Results {
		if r.Traffic.RateLimitBinds(rate) {
			used, allowed = used+float64(r.Traffic.AdmittedTotal()), allowed+r.Traffic.RateLimitAllows(rate)
			if worstUse == nil || r.Traffic.RateLimitUse(rate) < worstUse.Traffic.RateLimitUse(rate) {
				worstUse = &r
			}
		}
		if r.RejectedPerAdmitted() > worstRejected.RejectedPerAdmitted() {
			worstRejected = r
		}
		admitted, rejected = admitted+r.RateLimit.Admitted, rejected+r.RateLimit.Rejected
		// A resource whose create failed is also missing at the refresh; the CLI's errors count each
		// failed operation once.
		failed += r.Errors
		if r.Errors > 0 {
			perPhase = append(perPhase, fmt.Sprintf("%s %d", r.Phase, r.Errors))
		}
	}
	measured := fmt.Sprint(failed)
	if len(perPhase) > 0 {
		measured += " (" + strings.Join(perPhase, ", ") + ")"
	}
	name := fmt.Sprintf("throttled %s N=%d", LimitName(rate), sc.Resources)
	failures := Check{
		Target:   name + ": failed resources = 0 (resource operations the CLI reported failed)",
		Measured: measured,
		Pass:     failed == 0,
	}
	if sc.Kind == KindTenant {
		return []Check{failures}
	}
	use := Check{
		Target:   fmt.Sprintf("%s: Graph requests admitted ≥ %.2f × what the limit allows, over the phases the limit binds", name, RateTargetFraction),
		Measured: "no phase asked for more than twice the burst",
		Pass:     true,
	}
	if worstUse != nil {
		use.Measured = fmt.Sprintf("%.2f; lowest phase %.2f (%s)", used/allowed, worstUse.Traffic.RateLimitUse(rate), worstUse.Phase)
		use.Pass = used/allowed >= RateTargetFraction
	}
	return []Check{
		use,
		{
			// Over the scenario: the first phase meets the limit unprepared, with as many requests in flight
			// as the parallelism, and no client can take those back.
			Target: fmt.Sprintf("%s: 429 answers per admitted request ≤ %.1f, over the four phases", name, RejectedTargetRatio),
			Measured: fmt.Sprintf("%.2f (%d for %d); highest phase %.2f (%s: %d for %d)", ratio(rejected, admitted), rejected, admitted,
				worstRejected.RejectedPerAdmitted(), worstRejected.Phase, worstRejected.RateLimit.Rejected, worstRejected.RateLimit.Admitted),
			Pass: ratio(rejected, admitted) <= RejectedTargetRatio,
		},
		failures,
	}
}

// LimitName describes a rate limit in a few words: "20 a second" for the application, "300 a minute per
// tenant", and whether requests turned away count.
func LimitName(limit fakegraph.RateLimit) string {
	window := limit.Window
	if window <= 0 {
		window = time.Minute
	}
	per := map[time.Duration]string{time.Second: "a second", time.Minute: "a minute"}[window]
	if per == "" {
		per = "per " + window.String()
	}
	var parts []string
	if limit.PerApp > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", limit.PerApp, per))
	}
	if limit.PerTenant > 0 {
		parts = append(parts, fmt.Sprintf("%d %s per tenant", limit.PerTenant, per))
	}
	counted := "rejected counted"
	if !limit.RejectedCount {
		counted = "rejected not counted"
	}
	return strings.Join(append(parts, counted), ", ")
}

// ratio is n / d, or n when d is 0.
func ratio(n, d int) float64 {
	if d == 0 {
		return float64(n)
	}
	return float64(n) / float64(d)
}

// WallRatio is wall / (floor + CLI overhead), the CLI overhead being the same phase over terraform_data.
func WallRatio(r, baseline PhaseResult, s Settings) float64 {
	denominator := Floor(r.Phase, r.Resources, s.Latency, s.Parallelism) + baseline.Wall
	if denominator <= 0 {
		return 0
	}
	return r.Wall.Seconds() / denominator.Seconds()
}

func peakOf(sc Scenario) int64 {
	var peak int64
	for _, r := range sc.Results {
		peak = max(peak, r.PeakRSSKB())
	}
	return peak
}

// Markdown renders the run as a BENCHMARKS.md section.
func (rep Report) Markdown() string {
	s, m := rep.Settings, rep.Machine
	var b strings.Builder
	fmt.Fprintf(&b, "### N = %d · latency %s · parallelism %d · %s\n\n", s.Resources, s.Latency, s.Parallelism, m.Date.UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %d cores (%s), %.1f GiB RAM, Linux %s; load average %.2f at the start, %.2f at the end. %s, %s, provider %s. Command: `%s`.\n",
		m.Cores, m.CPU, m.MemoryGiB, m.Kernel, m.LoadBefore, m.LoadAfter, m.CLIVersion, m.GoVersion, m.Provider, rep.Command)
	if m.Runs > 1 {
		fmt.Fprintf(&b, "Each scenario but the throttled one ran %d times; every figure is the median run's (by wall time), with the range of walls in brackets.\n", m.Runs)
	}
	if s.Refresh {
		b.WriteString("The update and delete phases refreshed first (`-refresh`).\n")
	} else {
		b.WriteString("The update and delete phases ran with `-refresh=false`; the refresh phase measures refreshing.\n")
	}

	if len(rep.Main.Results) > 0 {
		fmt.Fprintf(&b, "\n**Provider: %d API connectors.** Floor = N × minimal requests × latency / parallelism; CLI overhead = the same phase over %d `terraform_data`.\n\n",
			rep.Main.Resources, rep.Baseline.Resources)
		b.WriteString("| phase | wall | floor | wall / floor | CLI overhead | wall / (floor + CLI) | Graph requests | per resource (allowed) | tokens / provider processes | provider peak RSS | not as configured |\n")
		b.WriteString("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
		for _, r := range rep.Main.Results {
			floor := Floor(r.Phase, r.Resources, s.Latency, s.Parallelism)
			overhead, ratio := "-", "-"
			if base, ok := rep.Baseline.Result(r.Phase); ok {
				overhead, ratio = wallCell(base), fmt.Sprintf("%.2f", WallRatio(r, base, s))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %.1f | %s | %s | %s | %.2f (%d) | %d / %d | %s | %s |\n",
				r.Phase, wallCell(r), seconds(floor), r.Wall.Seconds()/floor.Seconds(), overhead, ratio,
				methodCounts(r.Traffic), r.PerResource(), AllowedRequests(r.Phase), r.Traffic.Tokens, len(r.Processes),
				formatKB(r.PeakRSSKB()), failedCell(r))
		}
	}

	if len(rep.Main.Results) > 0 {
		fmt.Fprintf(&b, "\n**Where the provider run's wall time goes** (N=%d): before the first Graph request, the Graph window, after the last answer; "+
			"the mean number of Graph requests in flight during the window (at most the parallelism, %d); CPU time of the CLI with its providers, and of the providers alone, on %d cores.\n\n",
			rep.Main.Resources, s.Parallelism, m.Cores)
		b.WriteString("| phase | wall | before | Graph window | after | mean in flight | CPU (CLI + providers) | CPU (providers) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range rep.Main.Results {
			tl := r.Timeline(s.Latency)
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %.1f | %s | %s |\n", r.Phase, seconds(r.Wall), seconds(tl.Before), seconds(tl.Window),
				seconds(tl.After), tl.InFlight, seconds(r.CLICPU), seconds(r.ProviderCPU()))
		}
	}

	if len(rep.Ideal.Results) > 0 && len(rep.Main.Results) > 0 {
		fmt.Fprintf(&b, "\n**Against the ideal provider** (N=%d): the same schema, validation and plan code, with CRUD that only sleeps the latency of the minimal requests "+
			"(package `tools/bench/idealprovider`). Ideal / (floor + CLI) is what the plugin protocol and the framework cost any provider; real / ideal is this provider's own cost.\n\n",
			rep.Ideal.Resources)
		b.WriteString("| phase | real wall | ideal wall | ideal / (floor + CLI) | real / ideal | real CPU (providers) | ideal CPU (providers) | real peak RSS | ideal peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range rep.Main.Results {
			ideal, ok := rep.Ideal.Result(r.Phase)
			if !ok {
				continue
			}
			idealRatio := "-"
			if base, ok := rep.Baseline.Result(r.Phase); ok {
				idealRatio = fmt.Sprintf("%.2f", WallRatio(ideal, base, s))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f | %s | %s | %s | %s |\n", r.Phase, wallCell(r), wallCell(ideal), idealRatio,
				r.Wall.Seconds()/ideal.Wall.Seconds(), seconds(r.ProviderCPU()), seconds(ideal.ProviderCPU()), formatKB(r.PeakRSSKB()), formatKB(ideal.PeakRSSKB()))
		}
	}

	if len(rep.Baseline.Results) > 0 {
		fmt.Fprintf(&b, "\n**CLI alone: %d `terraform_data`** (no provider process).\n\n", rep.Baseline.Resources)
		b.WriteString("| phase | wall | CPU | CLI peak RSS |\n|---|---:|---:|---:|\n")
		for _, r := range rep.Baseline.Results {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.Phase, wallCell(r), seconds(r.CLICPU), formatKB(r.CLIPeakRSSKB))
		}
	}

	if len(rep.Small.Results) > 0 && len(rep.Main.Results) > 0 {
		fmt.Fprintf(&b, "\n**Provider peak RSS, N=%d vs N=%d** (the largest provider process of the phase), for this provider and for the ideal one.\n\n",
			rep.Small.Resources, rep.Main.Resources)
		fmt.Fprintf(&b, "| phase | N=%[1]d | N=%[2]d | ratio | ideal N=%[1]d | ideal N=%[2]d | ideal ratio |\n|---|---:|---:|---:|---:|---:|---:|\n",
			rep.Small.Resources, rep.Main.Resources)
		for _, r := range rep.Main.Results {
			small, _ := rep.Small.Result(r.Phase)
			idealSmall, _ := rep.SmallIdeal.Result(r.Phase)
			ideal, _ := rep.Ideal.Result(r.Phase)
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Phase,
				formatKB(small.PeakRSSKB()), formatKB(r.PeakRSSKB()), ratioCell(r.PeakRSSKB(), small.PeakRSSKB()),
				formatKB(idealSmall.PeakRSSKB()), formatKB(ideal.PeakRSSKB()), ratioCell(ideal.PeakRSSKB(), idealSmall.PeakRSSKB()))
		}
	}

	if len(rep.Throttled) > 0 {
		writeThrottled(&b, rep.Throttled, s.Latency)
	}
	if len(rep.ThrottledBefore) > 0 {
		writeBeforeAfter(&b, rep.Before, rep.ThrottledBefore, rep.Throttled)
	}

	b.WriteString("\n**Targets**\n\n| target | measured | result |\n|---|---|---|\n")
	for _, c := range rep.Checks() {
		result := "pass"
		if !c.Pass {
			result = "**FAIL**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Target, c.Measured, result)
	}

	var errs []string
	for _, sc := range append([]Scenario{rep.Main, rep.Baseline, rep.Ideal, rep.Small, rep.SmallIdeal}, append(rep.Throttled, rep.ThrottledBefore...)...) {
		for _, r := range sc.Results {
			if r.Error != "" {
				errs = append(errs, fmt.Sprintf("- %s %s: %s", sc.Name, r.Phase, firstLine(r.Error)))
			}
		}
	}
	if len(errs) > 0 {
		b.WriteString("\nCLI errors:\n\n" + strings.Join(errs, "\n") + "\n")
	}
	return b.String()
}

// writeThrottled is the table of the throttled scenarios, one row per scenario and phase.
func writeThrottled(b *strings.Builder, scenarios []Scenario, latency time.Duration) {
	fmt.Fprintf(b, "\n**Throttled: the provider under the emulator's rate limit**, latency %s: a full tenant (%d API connectors, each linked "+
		"into a user flow of its own) at the limits Graph documents, and the stress scenarios, a budget of R requests for the application "+
		"a second. A budget refills evenly over its window; above it, 429 with a Retry-After in %s.\n\n", latency, tenantSize(scenarios), retryAfterForm(scenarios))
	b.WriteString("Admitted and 429 are the rate limit's own counts. Achieved = admitted ÷ the window from the first to the last Graph request; " +
		"use = admitted ÷ (what the application's budget held at the first request + what it regained over the window), in brackets for a phase " +
		"that asked for no more than twice the budget, whose window the CLI's own pace sets.\n\n")
	b.WriteString("| limit | N | phase | wall | admitted | 429 | 429 per admitted | most 429s for one request | window | achieved requests/s | use | tokens / provider processes | not as configured |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, sc := range scenarios {
		for _, r := range sc.Results {
			mostThrottled := fmt.Sprint(r.Traffic.MostThrottled)
			if r.Phase == PhaseCreate {
				mostThrottled = "-"
			}
			fmt.Fprintf(b, "| %s | %d | %s | %s | %d | %d | %.2f | %s | %s | %.1f | %s | %d / %d | %s |\n",
				LimitName(sc.Faults.RateLimit), sc.Resources, r.Phase, seconds(r.Wall), r.RateLimit.Admitted, r.RateLimit.Rejected, r.RejectedPerAdmitted(),
				mostThrottled, seconds(r.Traffic.Window()), r.Traffic.AchievedRate(), useCell(r.Traffic, sc.Faults.RateLimit),
				r.Traffic.Tokens, len(r.Processes), failedCell(r))
		}
	}
}

// retryAfterForm says how the scenarios' Retry-After was written.
func retryAfterForm(scenarios []Scenario) string {
	if len(scenarios) > 0 && scenarios[0].Faults.FractionalRetryAfter {
		return "fractional seconds (\"0.512\")"
	}
	return "whole seconds, as Graph documents it"
}

// tenantSize is the N of the full tenant scenario, or 0.
func tenantSize(scenarios []Scenario) int {
	for _, sc := range scenarios {
		if sc.Kind == KindTenant {
			return sc.Resources
		}
	}
	return 0
}

// writeBeforeAfter sets the throttled scenarios of another provider build beside this one's.
func writeBeforeAfter(b *strings.Builder, before string, was, is []Scenario) {
	fmt.Fprintf(b, "\n**Throttled, before and after**: the same scenarios with the provider built from %s (before) and from this tree (after), "+
		"against the same emulator.\n\n", before)
	b.WriteString("| limit | N | phase | wall before | wall after | use before | after | 429 per admitted before | after | failed before | after |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, old := range was {
		i := slices.IndexFunc(is, func(sc Scenario) bool { return sc.Name == old.Name })
		if i < 0 {
			continue
		}
		for _, o := range old.Results {
			n, ok := is[i].Result(o.Phase)
			if !ok {
				continue
			}
			rate := old.Faults.RateLimit
			fmt.Fprintf(b, "| %s | %d | %s | %s | %s | %s | %s | %.2f | %.2f | %d | %d |\n",
				LimitName(rate), old.Resources, o.Phase, seconds(o.Wall), seconds(n.Wall), useCell(o.Traffic, rate), useCell(n.Traffic, rate),
				o.RejectedPerAdmitted(), n.RejectedPerAdmitted(), o.Errors, n.Errors)
		}
	}
}

// useCell is the share of the rate limit a phase used, in brackets when the limit did not bind.
func useCell(t Traffic, rate fakegraph.RateLimit) string {
	use := fmt.Sprintf("%.2f", t.RateLimitUse(rate))
	if !t.RateLimitBinds(rate) {
		return "(" + use + ")"
	}
	return use
}

func ratioCell(large, small int64) string {
	if large == 0 || small == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(large)/float64(small))
}

func methodCounts(t Traffic) string {
	var parts []string
	for _, m := range t.Methods() {
		parts = append(parts, fmt.Sprintf("%d %s", t.Admitted[m], m))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func failedCell(r PhaseResult) string {
	if r.Error != "" {
		return fmt.Sprintf("%d (%d CLI errors)", r.Failed, r.Errors)
	}
	return fmt.Sprintf("%d", r.Failed)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// wallCell is a phase's wall time, with the range over its runs when it ran more than once.
func wallCell(r PhaseResult) string {
	if len(r.Walls) < 2 {
		return seconds(r.Wall)
	}
	lo, hi := slices.Min(r.Walls), slices.Max(r.Walls)
	return fmt.Sprintf("%s [%.2f–%.2f]", seconds(r.Wall), lo.Seconds(), hi.Seconds())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
