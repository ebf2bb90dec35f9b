package bench

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func request(method, path string, status int, at time.Duration, token string) fakegraph.Request {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return fakegraph.Request{Method: method, Path: path, Status: status, Time: t0.Add(at), Header: h}
}

func TestSummarize_countsAdmittedThrottledTokensAndBearers(t *testing.T) {
	got := Summarize([]fakegraph.Request{
		request(http.MethodPost, "/tenant/oauth2/v2.0/token", 200, 0, ""),
		request(http.MethodPost, "/tenant/oauth2/v2.0/token", 401, 0, ""),
		request(http.MethodPost, "/v1.0/identity/apiConnectors", 201, time.Second, "a"),
		request(http.MethodGet, "/v1.0/identity/apiConnectors/1", 429, 2*time.Second, "a"),
		request(http.MethodGet, "/beta/identity/apiConnectors/1", 200, 3*time.Second, "b"),
		request(http.MethodGet, "/oidc/keys", 200, 9*time.Second, ""),
	})
	if got.Tokens != 1 {
		t.Errorf("Tokens = %d, want 1 (a refused sign-in issues no token)", got.Tokens)
	}
	if got.Admitted[http.MethodPost] != 1 || got.Admitted[http.MethodGet] != 1 || got.AdmittedTotal() != 2 {
		t.Errorf("Admitted = %v, want 1 POST and 1 GET", got.Admitted)
	}
	if got.MostThrottled != 1 {
		t.Errorf("MostThrottled = %d, want 1", got.MostThrottled)
	}
	if got.Throttled != 1 {
		t.Errorf("Throttled = %d, want 1", got.Throttled)
	}
	if got.Bearers != 2 {
		t.Errorf("Bearers = %d, want 2", got.Bearers)
	}
	if got.Window() != 2*time.Second {
		t.Errorf("Window = %s, want 2s: from the first Graph request to the last, sign-in and OIDC excluded", got.Window())
	}
	if m := got.Methods(); strings.Join(m, ",") != "GET,POST" {
		t.Errorf("Methods = %v, want GET before POST", m)
	}
}

func TestFloor_isMinimalRequestsTimesLatencyOverParallelism(t *testing.T) {
	tests := []struct {
		phase Phase
		want  time.Duration
	}{
		{PhaseCreate, 20 * time.Second}, // 2000 × 2 × 50ms / 10
		{PhaseRefresh, 10 * time.Second},
		{PhaseUpdate, 20 * time.Second}, // the PATCH and the GET that confirms it
		{PhaseDelete, 10 * time.Second},
	}
	for _, tt := range tests {
		if got := Floor(tt.phase, 2000, 50*time.Millisecond, 10); got != tt.want {
			t.Errorf("Floor(%s) = %s, want %s", tt.phase, got, tt.want)
		}
	}
	if got := Floor(PhaseRefresh, 10, time.Second, 0); got != 10*time.Second {
		t.Errorf("Floor with parallelism 0 = %s, want it treated as 1", got)
	}
}

// twentyASecond is a stress scenario's budget: 20 requests a second for the application.
var twentyASecond = fakegraph.RateLimit{PerApp: 20, Window: time.Second, RejectedCount: true}

func TestRateLimitUse_creditsWhatTheBudgetHeld(t *testing.T) {
	// The budget held 0.5 1.5 s before the first request: 20 a second refilled it to all 20.
	full := BucketAt(fakegraph.RateLimitCounts{Left: 0.5, At: t0.Add(-1500 * time.Millisecond)}, twentyASecond, t0)
	// It was 2 in debt 0.1 s before: it held none at the first request.
	empty := BucketAt(fakegraph.RateLimitCounts{Left: -2, At: t0.Add(-100 * time.Millisecond)}, twentyASecond, t0)
	if full != 20 || empty != 0 {
		t.Fatalf("BucketAt = %g and %g, want 20 and 0", full, empty)
	}
	// 20 a second for 10 s allows 200 requests, and 220 with a full budget.
	for held, want := range map[float64]string{empty: "0.99", full: "0.90"} {
		traffic := Traffic{Admitted: map[string]int{http.MethodGet: 198}, First: t0, Last: t0.Add(10 * time.Second), Held: held, HeldKnown: true}
		if got := traffic.RateLimitUse(twentyASecond); fmt.Sprintf("%.2f", got) != want {
			t.Errorf("RateLimitUse holding %g = %.3f, want %s", held, got, want)
		}
	}
}

func TestRateLimitUse_creditsTheWholeBudget(t *testing.T) {
	// 20 a second for 10 s plus a full budget of 20 allows 220 requests.
	traffic := Traffic{Admitted: map[string]int{http.MethodGet: 198}, First: t0, Last: t0.Add(10 * time.Second)}
	if got := traffic.RateLimitUse(twentyASecond); fmt.Sprintf("%.2f", got) != "0.90" {
		t.Errorf("RateLimitUse = %.3f, want 0.90", got)
	}
	if got := traffic.AchievedRate(); fmt.Sprintf("%.1f", got) != "19.8" {
		t.Errorf("AchievedRate = %.2f, want 19.8", got)
	}
	// Graph's 200 a minute: a budget of 200 that regains 3.3 a second.
	if got := traffic.RateLimitAllows(fakegraph.DocumentedRateLimit()); fmt.Sprintf("%.1f", got) != "233.3" {
		t.Errorf("RateLimitAllows at Graph's limit = %.2f, want 233.3", got)
	}
}

func TestLimitName(t *testing.T) {
	for limit, want := range map[fakegraph.RateLimit]string{
		twentyASecond:                         "20 a second, rejected counted",
		fakegraph.DocumentedRateLimit():       "200 a minute, 300 a minute per tenant, rejected counted",
		{PerApp: 5, Window: 10 * time.Second}: "5 per 10s, rejected not counted",
	} {
		if got := LimitName(limit); got != want {
			t.Errorf("LimitName(%+v) = %q, want %q", limit, got, want)
		}
	}
}

func TestTimeline_splitsTheWallAroundGraphTraffic(t *testing.T) {
	r := PhaseResult{
		Start: t0, Wall: 10 * time.Second,
		Traffic: Traffic{Admitted: map[string]int{http.MethodGet: 100}, First: t0.Add(3 * time.Second), Last: t0.Add(7*time.Second + 950*time.Millisecond)},
	}
	tl := r.Timeline(50 * time.Millisecond)
	if tl.Before != 3*time.Second || tl.Window != 5*time.Second || tl.After != 2*time.Second {
		t.Errorf("Timeline = %+v, want 3s before, a 5s window, 2s after", tl)
	}
	if fmt.Sprintf("%.1f", tl.InFlight) != "1.0" {
		t.Errorf("InFlight = %.2f, want 1.0 (100 × 50ms over 5s)", tl.InFlight)
	}
	if (PhaseResult{Wall: time.Second}).Timeline(time.Millisecond) != (Timeline{}) {
		t.Error("a phase without Graph traffic should have an empty timeline")
	}
}

func TestReplaceSection_replacesItsOwnSectionAndKeepsEverythingElse(t *testing.T) {
	doc := "# Benchmarks\n\nhand-written notes\n"
	doc = ReplaceSection(doc, "n=200", "first 200")
	doc = ReplaceSection(doc, "n=500", "first 500")
	doc += "\nmore notes\n"
	doc = ReplaceSection(doc, "n=200", "second 200")

	for _, want := range []string{"hand-written notes", "second 200", "first 500", "more notes"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lost %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "first 200") {
		t.Errorf("the n=200 section was not replaced:\n%s", doc)
	}
	if strings.Index(doc, "second 200") > strings.Index(doc, "first 500") {
		t.Errorf("the n=200 section moved:\n%s", doc)
	}
	if n := strings.Count(doc, "<!-- bench:begin n=200 -->"); n != 1 {
		t.Errorf("%d n=200 sections, want 1", n)
	}
}

func TestMedian_takesTheMedianRunAndKeepsEveryFailure(t *testing.T) {
	run := func(wall time.Duration, failed int, err string) Scenario {
		return Scenario{Results: []PhaseResult{{Phase: PhaseCreate, Wall: wall, Failed: failed, Error: err}}}
	}
	merged := Median([]Scenario{run(3*time.Second, 0, ""), run(time.Second, 2, "boom"), run(2*time.Second, 0, "")})
	r, ok := merged.Result(PhaseCreate)
	if !ok {
		t.Fatal("no create phase in the merged scenario")
	}
	if r.Wall != 2*time.Second {
		t.Errorf("Wall = %s, want the median 2s", r.Wall)
	}
	if len(r.Walls) != 3 {
		t.Errorf("Walls = %v, want all three", r.Walls)
	}
	if r.Failed != 2 || r.Error != "boom" {
		t.Errorf("Failed, Error = %d, %q: a failure in one run must show", r.Failed, r.Error)
	}
}

func TestFailedResources_comparesWhatTheEmulatorHolds(t *testing.T) {
	connectors := []fakegraph.Connector{{DisplayName: DisplayName(0, 2)}, {DisplayName: DisplayName(1, 1)}, {DisplayName: DisplayName(1, 1)}}
	if got := failedResources(PhaseCreate, 3, connectors); got != 2 {
		t.Errorf("create: %d failed, want 2 (only resource 1 exists, a duplicate does not count twice)", got)
	}
	if got := failedResources(PhaseUpdate, 3, connectors); got != 2 {
		t.Errorf("update: %d failed, want 2 (only resource 0 was renamed)", got)
	}
	if got := failedResources(PhaseDelete, 3, connectors); got != 3 {
		t.Errorf("delete: %d failed, want 3 left behind", got)
	}
}

func TestChecks_reportsEachTarget(t *testing.T) {
	settings := Settings{Resources: 100, SmallResources: 10, Latency: 50 * time.Millisecond, Parallelism: 10}
	phase := func(p Phase, wall time.Duration, gets, posts, tokens, processes int, rss int64) PhaseResult {
		r := PhaseResult{Phase: p, Resources: 100, Wall: wall,
			Traffic: Traffic{Admitted: map[string]int{http.MethodGet: gets, http.MethodPost: posts}, Tokens: tokens}}
		for range processes {
			r.Processes = append(r.Processes, ProviderProcess{PeakRSSKB: rss})
		}
		return r
	}
	rep := Report{
		Settings: settings,
		Main: Scenario{Results: []PhaseResult{
			phase(PhaseCreate, 1500*time.Millisecond, 100, 100, 1, 2, 40<<10), // floor 1s + CLI 0.5s: ratio 1.0
			phase(PhaseRefresh, 2*time.Second, 150, 0, 2, 1, 40<<10),          // 1.5 GET per refresh, 2 tokens for 1 process, ratio 2
		}},
		Baseline: Scenario{Results: []PhaseResult{{Phase: PhaseCreate, Wall: 500 * time.Millisecond}, {Phase: PhaseRefresh, Wall: 500 * time.Millisecond}}},
		Small:    Scenario{Results: []PhaseResult{phase(PhaseCreate, time.Second, 20, 20, 1, 2, 20<<10)}},
		Throttled: []Scenario{{
			ScenarioSpec: ScenarioSpec{Kind: KindConnectors, Resources: 20, Faults: fakegraph.Faults{RateLimit: twentyASecond}},
			Results: []PhaseResult{
				// 240 admitted over 11 s at 20 a second with a budget of 20: use 240 / 240; 4 429s.
				{Phase: PhaseCreate, Traffic: Traffic{Admitted: map[string]int{http.MethodPost: 120, http.MethodGet: 120}, First: t0, Last: t0.Add(11 * time.Second)},
					RateLimit: fakegraph.RateLimitCounts{Admitted: 240, Rejected: 4}},
				// 60 admitted over 10 s: use 0.27; 100 429s, 1.7 per admitted (0.35 over both phases); one
				// failed read.
				{Phase: PhaseRefresh, Traffic: Traffic{Admitted: map[string]int{http.MethodGet: 60}, First: t0, Last: t0.Add(10 * time.Second)},
					RateLimit: fakegraph.RateLimitCounts{Admitted: 60, Rejected: 100}, Errors: 1, Error: "boom"},
			},
		}, {
			ScenarioSpec: ScenarioSpec{Kind: KindTenant, Resources: 20, Faults: fakegraph.Faults{RateLimit: fakegraph.DocumentedRateLimit()}},
			Results: []PhaseResult{{Phase: PhaseCreate, Traffic: Traffic{Admitted: map[string]int{http.MethodPost: 20}, First: t0, Last: t0.Add(time.Second)},
				RateLimit: fakegraph.RateLimitCounts{Admitted: 20, Rejected: 30}}},
		}},
	}
	results := map[string]bool{}
	for _, c := range rep.Checks() {
		results[c.Target] = c.Pass
	}
	want := map[string]bool{
		"Graph requests per create ≤ 2":                                   true,
		"Graph requests per refresh = 1":                                  false,
		"one token request per provider process":                          false,
		"create wall ≤ 1.25 × (floor + CLI overhead) at N=100":            true,
		"refresh wall ≤ 1.25 × (floor + CLI overhead) at N=100":           false,
		"provider memory flat in N (peak at N=100 ≤ 1.25 × peak at N=10)": false,
		"throttled 20 a second, rejected counted N=20: Graph requests admitted ≥ 0.85 × what the limit allows, over the phases the limit binds":      false,
		"throttled 20 a second, rejected counted N=20: 429 answers per admitted request ≤ 0.3, over the four phases":                                 false,
		"throttled 20 a second, rejected counted N=20: failed resources = 0 (resource operations the CLI reported failed)":                           false,
		"throttled 200 a minute, 300 a minute per tenant, rejected counted N=20: failed resources = 0 (resource operations the CLI reported failed)": true,
	}
	for target, pass := range want {
		got, ok := results[target]
		switch {
		case !ok:
			t.Errorf("no check %q among %v", target, results)
		case got != pass:
			t.Errorf("check %q passed = %v, want %v", target, got, pass)
		}
	}
}

// BenchmarkSummarize reads a request log the size of a 1000-connector create phase.
func BenchmarkSummarize(b *testing.B) {
	requests := make([]fakegraph.Request, 0, 2001)
	requests = append(requests, request(http.MethodPost, "/tenant/oauth2/v2.0/token", 200, 0, ""))
	for i := range 1000 {
		at := time.Duration(i) * time.Millisecond
		requests = append(requests,
			request(http.MethodPost, "/v1.0/identity/apiConnectors", 201, at, "token"),
			request(http.MethodGet, fmt.Sprintf("/v1.0/identity/apiConnectors/%d", i), 200, at+time.Millisecond, "token"))
	}
	b.ReportAllocs()
	for b.Loop() {
		if Summarize(requests).AdmittedTotal() != 2000 {
			b.Fatal("wrong count")
		}
	}
}

func TestCLIErrors_groupsEqualErrorsWithoutTheirIDs(t *testing.T) {
	log := `entra_identity_api_connector.bench[1]: Destroying...

Error: Cannot delete the API connector

  with entra_identity_api_connector.bench[3],
  on main.tf line 23, in resource "entra_identity_api_connector" "bench":
  23: resource "entra_identity_api_connector" "bench" {

Graph answered 429 TooManyRequests to DELETE
/v1.0/identity/apiConnectors/448b9eda-3f56-440e-a807-b8de818d430f: Too many
requests (request-id 8c14836c-20d5-47fe-a966-f5542f8f2c9c, date
2026-11-25T20:44:43, after 31 attempts)

Error: Cannot delete the API connector

Graph answered 429 TooManyRequests to DELETE
/v1.0/identity/apiConnectors/00000000-3f56-440e-a807-b8de818d430f: Too many
requests (request-id 00000000-2ca1-4f12-9a8b-166427e030a5, date
2026-11-25T20:44:53, after 31 attempts)
`
	file := t.TempDir() + "/delete.log"
	if err := os.WriteFile(file, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "2 × Cannot delete the API connector (Graph answered 429 TooManyRequests to DELETE /v1.0/identity/apiConnectors/…: Too many requests (request-id …, date …, after 31 attempts))"
	got, count := cliErrors(file)
	if got != want {
		t.Errorf("cliErrors =\n%s\nwant\n%s", got, want)
	}
	if count != 2 {
		t.Errorf("cliErrors counted %d errors, want 2", count)
	}
}
