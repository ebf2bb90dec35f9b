package fakegraph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// oneSecondBudget is a budget of size requests a second for the application, counting the requests turned
// away or not.
func oneSecondBudget(size int, rejectedCount bool) RateLimit {
	return RateLimit{PerApp: size, Window: time.Second, RejectedCount: rejectedCount}
}

func TestFaults_rateLimitAnswers429WithRetryAfter(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{RateLimit: oneSecondBudget(2, true)})

	for i := range 2 {
		if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d within the budget: %d", i, r.status)
		}
	}
	// Whole seconds by default: half a second to wait is "1", as HTTP writes it.
	r := g.do(http.MethodGet, connectorsPath, nil)
	if got := r.header.Get("Retry-After"); r.status != http.StatusTooManyRequests || r.odataCode(t) != "TooManyRequests" || got != "1" {
		t.Fatalf("over the budget: %d, Retry-After %q, %s", r.status, got, r.body)
	}

	// The token endpoint is never rate limited.
	for range 3 {
		signIn(t, s)
	}
}

func TestFaults_rateLimitWithFractionalRetryAfter(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{RateLimit: oneSecondBudget(2, true), FractionalRetryAfter: true})

	for i := range 2 {
		if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d within the budget: %d", i, r.status)
		}
	}
	// The budget is spent; the request turned away counts too, so the next one is a second away.
	r := g.do(http.MethodGet, connectorsPath, nil)
	if r.status != http.StatusTooManyRequests || r.odataCode(t) != "TooManyRequests" {
		t.Fatalf("over the budget: %d %s", r.status, r.body)
	}
	if got := r.header.Get("Retry-After"); got != "1.000" {
		t.Errorf("Retry-After = %q, want 1.000", got)
	}

	// A client that does not wait is throttled longer: three quarters of a second were left, and the
	// request adds half a second.
	clock.Advance(250 * time.Millisecond)
	r = g.do(http.MethodGet, connectorsPath, nil)
	if got := r.header.Get("Retry-After"); r.status != http.StatusTooManyRequests || got != "1.250" {
		t.Errorf("a quarter second later: %d, Retry-After %q, want 429 and 1.250", r.status, got)
	}
	clock.Advance(1250 * time.Millisecond)
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Errorf("after waiting Retry-After: %d", r.status)
	}
	if got, want := s.RateLimitCounts(), (RateLimitCounts{Admitted: 3, Rejected: 2, Left: 0, At: clock.Now()}); got != want {
		t.Errorf("RateLimitCounts() = %+v, want %+v", got, want)
	}
	// The budget comes back over the window, up to its size.
	clock.Advance(250 * time.Millisecond)
	if got := s.RateLimitCounts().Left; got != 0.5 {
		t.Errorf("a quarter second later the budget holds %g, want 0.5", got)
	}
	clock.Advance(time.Hour)
	if got := s.RateLimitCounts().Left; got != 2 {
		t.Errorf("an hour later the budget holds %g, want all 2", got)
	}
}

func TestFaults_rateLimitRejectedRequestsCountOnlyWhenAsked(t *testing.T) {
	for _, counted := range []bool{true, false} {
		s, clock := newTestServer(t, Options{})
		g := newGraph(t, s)
		s.SetFaults(Faults{RateLimit: oneSecondBudget(10, counted), FractionalRetryAfter: true})
		var last string
		for range 2000 {
			last = g.do(http.MethodGet, connectorsPath, nil).header.Get("Retry-After")
		}
		// 10 within the budget; counted, the others run up a window's worth of debt at most: 10, and one
		// more to send.
		want, left := "0.100", 0.0
		if counted {
			want, left = "1.100", -10
		}
		if last != want {
			t.Errorf("rejected requests counted %t: Retry-After after 2000 requests = %q, want %s", counted, last, want)
		}
		if got, want := s.RateLimitCounts(), (RateLimitCounts{Admitted: 10, Rejected: 1990, Left: left, At: clock.Now()}); got != want {
			t.Errorf("rejected requests counted %t: RateLimitCounts() = %+v, want %+v", counted, got, want)
		}
	}
}

// TestFaults_rateLimitAsGraphDocumentsIt: 200 requests a minute for the application, 300 for the tenant.
// After the first 200 the application gets one request every 0.3 s, and a second application the rest
// of the tenant's 300.
func TestFaults_rateLimitAsGraphDocumentsIt(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{RateLimit: DocumentedRateLimit(), FractionalRetryAfter: true})
	status := func(g *graph) int { return g.do(http.MethodGet, connectorsPath, nil).status }

	for i := range 200 {
		if got := status(g); got != http.StatusOK {
			t.Fatalf("request %d of 200: %d", i+1, got)
		}
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "0.600" {
		t.Fatalf("request 201: %d, Retry-After %q, want 429 and 0.600 (0.3 s a request, and this one counted)", r.status, r.header.Get("Retry-After"))
	}
	clock.Advance(600 * time.Millisecond)
	if got := status(g); got != http.StatusOK {
		t.Errorf("after the Retry-After: %d", got)
	}

	// A second application, a user-assigned managed identity, spends the rest of the tenant's budget.
	r := send(t, withHeader(mustRequest(t, http.MethodGet, s.URL()+"/metadata/identity/oauth2/token?api-version=2018-02-01&resource="+
		url.QueryEscape(s.URL())+"&client_id="+UserAssignedClientID), "Metadata", "true"))
	other := &graph{t: t, s: s, token: r.json(t)["access_token"].(string)}
	admitted := 0
	for status(other) == http.StatusOK {
		admitted++
	}
	// The tenant's 300, less the application's 202 requests (its 429 counted), and 3 that 0.6 s gave back.
	if admitted != 101 {
		t.Errorf("the second application got %d requests through, want the tenant's remaining 101", admitted)
	}
}

func withHeader(req *http.Request, name, value string) *http.Request {
	req.Header.Set(name, value)
	return req
}

func TestFaults_errorRatioAnswers5xxBeforeActing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ErrorRatio: 1, Seed: 3})

	seen := map[int]bool{}
	for range 40 {
		r := g.do(http.MethodPost, connectorsPath, basicBody("x"))
		seen[r.status] = true
		switch r.status {
		case 500, 502, 504:
		case 503:
			if r.header.Get("Retry-After") != "1" {
				t.Errorf("503 Retry-After = %q", r.header.Get("Retry-After"))
			}
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if r.odataCode(t) == "" {
			t.Errorf("5xx without an OData error: %s", r.body)
		}
	}
	if len(seen) != 4 {
		t.Errorf("statuses seen: %v, want all of 500, 502, 503, 504", seen)
	}
	if n := len(s.Connectors()); n != 0 {
		t.Errorf("%d connectors created by failed requests", n)
	}
	// The token endpoint is exempt.
	signIn(t, s)
}

func TestFaults_seedMakesFaultsRepeatable(t *testing.T) {
	statuses := func() []int {
		s, _ := newTestServer(t, Options{})
		g := newGraph(t, s)
		s.SetFaults(Faults{ErrorRatio: 0.5, Seed: 42})
		var out []int
		for range 20 {
			out = append(out, g.do(http.MethodGet, connectorsPath, nil).status)
		}
		return out
	}
	first, second := statuses(), statuses()
	if !slices.Equal(first, second) {
		t.Errorf("same seed, different faults:\n%v\n%v", first, second)
	}
	if !slices.Contains(first, 200) || !slices.ContainsFunc(first, func(s int) bool { return s >= 500 }) {
		t.Errorf("a ratio of 0.5 should mix successes and failures: %v", first)
	}
}

func TestFaults_lostResponseCommitsTheWrite(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{LostResponseRatio: 1})
	client := trustingClient()
	if transport, ok := client.Transport.(*http.Transport); ok {
		transport.DisableKeepAlives = true
	}

	if resp, err := client.Do(g.request(http.MethodPost, connectorsPath, basicBody("lost"))); err == nil {
		resp.Body.Close()
		t.Fatal("the response to a lost write arrived")
	}
	connectors := s.Connectors()
	if len(connectors) != 1 || connectors[0].DisplayName != "lost" {
		t.Fatalf("the write was not committed: %+v", connectors)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.Method != http.MethodPost || last.Status != 0 {
		t.Errorf("log entry of a lost response: %+v", last)
	}

	id := connectors[0].ID
	if resp, err := client.Do(g.request(http.MethodPatch, connectorsPath+"/"+id, map[string]any{"displayName": "patched"})); err == nil {
		resp.Body.Close()
		t.Error("the response to a lost PATCH arrived")
	}
	if c, _ := s.Connector(id); c.DisplayName != "patched" {
		t.Errorf("PATCH not committed: %+v", c)
	}

	// Reads are never lost, and neither are refused writes: nothing was committed.
	if r := g.do(http.MethodGet, connectorsPath+"/"+id, nil); r.status != http.StatusOK {
		t.Errorf("GET: %d", r.status)
	}
	if r := g.do(http.MethodPost, connectorsPath, map[string]any{}); r.status != http.StatusBadRequest {
		t.Errorf("refused POST: %d", r.status)
	}

	if resp, err := client.Do(g.request(http.MethodDelete, connectorsPath+"/"+id, nil)); err == nil {
		resp.Body.Close()
		t.Error("the response to a lost DELETE arrived")
	}
	if _, ok := s.Connector(id); ok {
		t.Error("DELETE not committed")
	}
	// A client retrying the DELETE learns the truth from a 404.
	if r := g.do(http.MethodDelete, connectorsPath+"/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("retried DELETE: %d", r.status)
	}
}

func TestFaults_replicationLagAfterCreate(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: 10 * time.Second})

	id := g.create(basicBody("lagging"))
	path := connectorsPath + "/" + id
	value, _ := validPFX(t)
	checks := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"GET", http.MethodGet, path, nil},
		{"PATCH", http.MethodPatch, path, map[string]any{"displayName": "x"}},
		{"upload", http.MethodPost, path + "/uploadClientCertificate", map[string]any{"pkcs12Value": value, "password": "pfx-password"}},
		{"DELETE", http.MethodDelete, path, nil},
	}
	for _, c := range checks {
		if r := g.do(c.method, c.path, c.body); r.status != http.StatusNotFound || r.odataCode(t) != "Request_ResourceNotFound" {
			t.Errorf("%s during lag: %d %s", c.name, r.status, r.body)
		}
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); strings.Contains(string(r.body), id) {
		t.Error("the list shows a connector replication lag hides")
	}
	if _, ok := s.Connector(id); !ok {
		t.Error("Connector() must show what is committed")
	}

	clock.Advance(10 * time.Second)
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusOK {
		t.Fatalf("after the lag: %d", r.status)
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); !strings.Contains(string(r.body), id) {
		t.Error("the list omits a replicated connector")
	}

	// After a delete, reads still see the connector for the lag, then 404.
	if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: %d", r.status)
	}
	r := g.do(http.MethodGet, path, nil)
	if r.status != http.StatusOK || r.json(t)["displayName"] != "lagging" {
		t.Errorf("GET right after delete: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNotFound {
		t.Errorf("second DELETE during lag: %d", r.status)
	}
	clock.Advance(10 * time.Second)
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("GET after the delete replicated: %d", r.status)
	}
}

func TestFaults_turningReplicationLagOffIsImmediate(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: time.Hour})
	id := g.create(basicBody("x"))
	s.SetFaults(Faults{})
	if r := g.do(http.MethodGet, connectorsPath+"/"+id, nil); r.status != http.StatusOK {
		t.Errorf("%d", r.status)
	}
}

func TestFaults_notFoundFlapsAnswer404ForTheNextGETs(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("flapping"))
	path := connectorsPath + "/" + id
	s.SetFaults(Faults{NotFoundFlaps: 2})

	for i := range 2 {
		if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound || r.odataCode(t) != "Request_ResourceNotFound" {
			t.Errorf("GET %d of the flap: %d %s", i+1, r.status, r.body)
		}
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); !strings.Contains(string(r.body), id) {
		t.Error("the flap hid the connector from the list too")
	}
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusOK {
		t.Errorf("GET after the flap: %d", r.status)
	}
	if r := g.do(http.MethodGet, connectorsPath+"/0a1b2c3d-0000-4000-8000-000000000000", nil); r.status != http.StatusNotFound {
		t.Errorf("a connector that does not exist: %d", r.status)
	}
	s.SetFaults(Faults{NotFoundFlaps: 1})
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("SetFaults did not start the count again: %d", r.status)
	}
}

func TestFaults_staleReadsAfterAPatch(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("before"))
	path := connectorsPath + "/" + id
	s.SetFaults(Faults{StaleReads: 5 * time.Second})

	if r := g.do(http.MethodPatch, path, map[string]any{"displayName": "after", "targetUrl": "https://api.contoso.com/after"}); r.status != http.StatusNoContent {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, path, nil); r.json(t)["displayName"] != "before" || strings.Contains(string(r.body), "/after") {
		t.Errorf("GET within the window: %s", r.body)
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); !strings.Contains(string(r.body), `"before"`) {
		t.Errorf("list within the window: %s", r.body)
	}
	if stored, _ := s.Connector(id); stored.DisplayName != "after" {
		t.Errorf("Connector() must show what is committed, got %q", stored.DisplayName)
	}

	clock.Advance(5 * time.Second)
	if r := g.do(http.MethodGet, path, nil); r.json(t)["displayName"] != "after" || r.json(t)["targetUrl"] != "https://api.contoso.com/after" {
		t.Errorf("GET after the window: %s", r.body)
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); !strings.Contains(string(r.body), `"after"`) {
		t.Errorf("list after the window: %s", r.body)
	}
	if got := staleMarks(s); !slices.Equal(got, []bool{true, true, false, false}) {
		t.Errorf("the request log marks the GETs stale: %v, want the two within the window", got)
	}
}

// staleMarks is Request.Stale of each GET in the request log.
func staleMarks(s *Server) []bool {
	var marks []bool
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet {
			marks = append(marks, r.Stale)
		}
	}
	return marks
}

func TestFaults_throttleAllWithALongRetryAfter(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ThrottleAll: true, ThrottleRetryAfter: 5 * time.Minute})
	r := g.do(http.MethodGet, connectorsPath, nil)
	if seconds, err := strconv.ParseFloat(r.header.Get("Retry-After"), 64); r.status != http.StatusTooManyRequests || err != nil || seconds != 300 {
		t.Errorf("%d Retry-After %q, want 429 and 300 seconds", r.status, r.header.Get("Retry-After"))
	}
}

func TestFaults_throttleAll(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ThrottleAll: true, FractionalRetryAfter: true})
	r := g.do(http.MethodGet, connectorsPath, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "0.050" {
		t.Errorf("%d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	signIn(t, s)
	s.SetFaults(Faults{})
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Errorf("after switching off: %d", r.status)
	}
}

func TestFaults_latencyDelaysEveryEndpoint(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newMemoryServer()
		const latency = 40 * time.Millisecond
		s.SetFaults(Faults{Latency: latency})
		for _, req := range []*http.Request{
			httptest.NewRequest(http.MethodGet, connectorsPath, nil),
			tokenRequest(s),
		} {
			start := time.Now()
			serveInMemory(s, req)
			if d := time.Since(start); d != latency {
				t.Errorf("%s %s answered after %v, want %v", req.Method, req.URL.Path, d, latency)
			}
		}
	})
}

func TestFaults_latencyAbandonedWhenTheClientLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newMemoryServer()
		// Signed in, so that only the abandoned latency can keep the POST from creating the connector.
		tokenRec, _ := serveInMemory(s, tokenRequest(s))
		var token struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(tokenRec.Body.Bytes(), &token); err != nil || token.AccessToken == "" {
			t.Fatalf("sign-in: %d %s", tokenRec.Code, tokenRec.Body)
		}
		s.ResetRequests()
		s.SetFaults(Faults{Latency: 5 * time.Second})
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		body, _ := json.Marshal(basicBody("never"))
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, connectorsPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token.AccessToken)
		start := time.Now()

		if _, dropped := serveInMemory(s, req); !dropped || time.Since(start) != 20*time.Millisecond {
			t.Errorf("dropped %t after %v, want the connection dropped when the client left after 20ms", dropped, time.Since(start))
		}
		if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Status != 0 {
			t.Fatalf("log: %+v", reqs)
		}
		if n := len(s.Connectors()); n != 0 {
			t.Errorf("an abandoned request created %d connectors", n)
		}
	})
}

// newMemoryServer is an emulator for serveInMemory, at the address httptest.NewRequest uses.
func newMemoryServer() *Server {
	s := NewHandler(Options{})
	s.SetURL("http://example.com")
	return s
}

// tokenRequest is a client credentials sign-in with the default secret.
func tokenRequest(s *Server) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/"+DefaultTenantID+"/oauth2/v2.0/token", strings.NewReader(secretForm(s).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// serveInMemory runs one request through the emulator without a network, for tests inside a synctest
// bubble. dropped reports a connection the emulator closed without an answer.
func serveInMemory(s *Server, req *http.Request) (rec *httptest.ResponseRecorder, dropped bool) {
	rec = httptest.NewRecorder()
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler { //nolint:errorlint // the panic value itself, as net/http compares it
				panic(r)
			}
			dropped = true
		}
	}()
	s.Handler().ServeHTTP(rec, req)
	return rec, false
}

func TestFormatRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		wait        time.Duration
		whole, frac string
	}{
		{0, "1", "0.001"},
		{512 * time.Millisecond, "1", "0.512"},
		{time.Second, "1", "1.000"},
		{2128 * time.Millisecond, "3", "2.128"},
		{1500 * time.Microsecond, "1", "0.002"},
		{90 * time.Second, "90", "90.000"},
	} {
		if got := formatRetryAfter(tt.wait, false); got != tt.whole {
			t.Errorf("formatRetryAfter(%v) = %q, want %q", tt.wait, got, tt.whole)
		}
		if got := formatRetryAfter(tt.wait, true); got != tt.frac {
			t.Errorf("formatRetryAfter(%v, fractional) = %q, want %q", tt.wait, got, tt.frac)
		}
	}
}
