package graph

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// testUserAgent is what every test client says it is.
const testUserAgent = "terraform-provider-entra/0.0.0-test (+https://github.com/entra-iac/terraform-provider-entra)"

// newTestClient returns a client for endpoint whose retries and waits are short, so that the suite stays
// fast; edit changes the configuration further.
func newTestClient(t testing.TB, endpoint string, tokens oauth2.TokenSource, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:        endpoint,
		APIVersion:      "v1.0",
		Tokens:          tokens,
		UserAgent:       testUserAgent,
		RetryMax:        3,
		RetryWaitMin:    time.Millisecond,
		RetryWaitMax:    5 * time.Millisecond,
		ConsistencyWait: 3 * time.Second,
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var staticToken = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-access-token", TokenType: "Bearer"})

// tokenFunc is a token source made of a function.
type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

// stub is a Graph stand-in whose handler a test writes, with a log of what it received.
type stub struct {
	*httptest.Server
	mu       sync.Mutex
	received []receivedRequest
}

type receivedRequest struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	// At is when the request arrived.
	At time.Time
}

// newStub starts handler behind a request log and returns it with a client for it.
func newStub(t testing.TB, handler http.HandlerFunc, edit ...func(*Config)) (*stub, *Client) {
	t.Helper()
	s := &stub{}
	s.Server = httptest.NewServer(s.record(handler))
	t.Cleanup(s.Close)
	return s, newTestClient(t, s.URL, staticToken, edit...)
}

// record puts every request in the stub's log before handler answers it.
func (s *stub) record(handler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.received = append(s.received, receivedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body, time.Now()})
		s.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		handler(w, r)
	}
}

// requests returns what the stub received so far.
func (s *stub) requests() []receivedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedRequest(nil), s.received...)
}

// writeODataError answers the way Graph does.
func writeODataError(w http.ResponseWriter, status int, code, message, requestID string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", requestID)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": message,
		"innerError": map[string]string{"request-id": requestID, "date": "2026-03-01T12:00:00"},
	}})
}

// writeJSONAnswer answers status with v as JSON.
func writeJSONAnswer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// dropConnection closes the client's connection without an answer, after the request was read: what a
// client sees when the answer to a request that reached the service is lost.
func dropConnection(t testing.TB, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijacking the connection: %v", err)
		return
	}
	conn.Close()
}

// memoryTransport serves each request with a handler on the calling goroutine, with no network: the
// transport of tests that run inside a testing/synctest bubble, where time only moves when every goroutine
// waits for it (an idle keep-alive connection would hold it still). A handler that hijacks the connection
// and closes it (dropConnection) is an answer lost after the request arrived.
type memoryTransport struct{ handler http.Handler }

func (t memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w := &memoryResponse{ResponseRecorder: httptest.NewRecorder()}
	served := req.Clone(req.Context())
	if served.Body == nil {
		served.Body = http.NoBody
	}
	served.RequestURI = req.URL.RequestURI()
	t.handler.ServeHTTP(w, served)
	if w.hijacked {
		return nil, errors.New("connection closed before an answer arrived")
	}
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// memoryResponse is a recorder that lets a handler take the connection over.
type memoryResponse struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (w *memoryResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	server, client := net.Pipe()
	client.Close()
	return server, bufio.NewReadWriter(bufio.NewReader(server), bufio.NewWriter(server)), nil
}

// memoryHost is the made-up address of handlers served by memoryTransport.
const memoryHost = "https://graph.test"

// newMemoryStub is newStub without a network, for tests inside a synctest bubble.
func newMemoryStub(t testing.TB, handler http.HandlerFunc, edit ...func(*Config)) (*stub, *Client) {
	t.Helper()
	s := &stub{}
	edit = append([]func(*Config){func(cfg *Config) { cfg.Transport = memoryTransport{s.record(handler)} }}, edit...)
	return s, newTestClient(t, memoryHost, staticToken, edit...)
}

// newMemoryFakeGraph is newFakeGraph without a network, for tests inside a synctest bubble.
func newMemoryFakeGraph(t testing.TB, opts fakegraph.Options, edit ...func(*Config)) (*fakegraph.Server, *Client) {
	t.Helper()
	s := fakegraph.NewHandler(opts)
	s.SetURL(memoryHost)
	transport := memoryTransport{s.Handler()}
	cc := clientcredentials.Config{
		ClientID:     fakegraph.DefaultClientID,
		ClientSecret: fakegraph.DefaultClientSecret,
		TokenURL:     memoryHost + "/" + fakegraph.DefaultTenantID + "/oauth2/v2.0/token",
		Scopes:       []string{memoryHost + "/.default"},
	}
	tokens := cc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: transport}))
	edit = append([]func(*Config){func(cfg *Config) { cfg.Transport = transport }}, edit...)
	return s, newTestClient(t, memoryHost, tokens, edit...)
}

// newFakeGraph starts the emulator and returns it with a client that signs in to it with a client secret.
func newFakeGraph(t testing.TB, opts fakegraph.Options, edit ...func(*Config)) (*fakegraph.Server, *Client) {
	t.Helper()
	// Plain HTTP: the client's tests are about Graph, and a loopback Graph may be plain HTTP.
	opts.PlainHTTP = true
	s := fakegraph.NewServer(opts)
	t.Cleanup(s.Close)
	return s, newTestClient(t, s.URL(), fakeGraphTokens(s, fakegraph.DefaultClientSecret), edit...)
}

// fakeGraphTokens signs in to the emulator with the client credentials grant.
func fakeGraphTokens(s *fakegraph.Server, secret string) oauth2.TokenSource {
	cc := clientcredentials.Config{
		ClientID:     fakegraph.DefaultClientID,
		ClientSecret: secret,
		TokenURL:     s.URL() + "/" + fakegraph.DefaultTenantID + "/oauth2/v2.0/token",
		Scopes:       []string{s.URL() + "/.default"},
	}
	return cc.TokenSource(context.Background())
}

// writeThrottled answers 429 with Retry-After retryAfter, as Graph does when it throttles.
func writeThrottled(w http.ResponseWriter, retryAfter string) {
	w.Header().Set("Retry-After", retryAfter)
	writeODataError(w, http.StatusTooManyRequests, "TooManyRequests", "Slow down.", "throttled")
}

// answerFirstWith answers a stub's first request with first, and every other with connector a.
func answerFirstWith(first func(http.ResponseWriter)) http.HandlerFunc {
	var answered atomic.Int32
	return func(w http.ResponseWriter, _ *http.Request) {
		if answered.Add(1) == 1 {
			first(w)
			return
		}
		writeConnectorA(w)
	}
}

// readConnectorA reads connector a with c, failing t on an error.
func readConnectorA(t *testing.T, c *Client) {
	if _, err := c.GetAPIConnector(t.Context(), "a"); err != nil {
		t.Error(err)
	}
}

// writeConnectorA answers 200 with connector a.
func writeConnectorA(w http.ResponseWriter) {
	writeJSONAnswer(w, http.StatusOK, map[string]any{"id": "a", "displayName": "A", "targetUrl": "https://a.example"})
}

// throttledStub is a stand-in that throttles the first throttled requests with Retry-After retryAfter
// and answers the others with connector a, with a client for it.
func throttledStub(t testing.TB, throttled int32, retryAfter string, edit ...func(*Config)) (*stub, *Client) {
	t.Helper()
	var calls atomic.Int32
	return newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= throttled {
			writeThrottled(w, retryAfter)
			return
		}
		writeConnectorA(w)
	}, edit...)
}
