// Package fakegraph is a Microsoft Graph emulator for the provider's acceptance tests and for `make demo`.
//
// It is a real HTTPS server (its certificate authority in CACertificatePEM; plain HTTP on request) that plays
// three parts at one loopback base URL: Microsoft Entra (the tenant's OpenID metadata and a token endpoint for
// client secrets, certificate-signed client assertions and federated tokens); the token services beside a
// workload (an OIDC issuer with GitHub Actions' and Azure DevOps' token request endpoints, and the
// managed-identity endpoints of the instance metadata service and of App Service); and Graph under both
// `/v1.0` and `/beta`: API connectors (`/identity/apiConnectors`), user flows (`b2xUserFlows`, and
// `b2cUserFlows` on beta) with the connectors of their steps, their identity providers and the attribute
// assignments of their sign-up page, user-flow attributes (`/identity/userFlowAttributes`) and the
// tenant's identity providers (`/identity/identityProviders`), with $select, $expand, $filter where Graph
// documents it, and paging.
//
// Tests can switch on faults (latency, a token endpoint that hangs, rate limiting, random 5xx, lost
// responses, replication lag, 404 flaps, stale reads after a PATCH, writes acknowledged and not applied),
// choose the kind of directory (workforce or Azure AD B2C, each refusing the other's user flows) and the
// application permissions granted, read a log of every request, and seed, read and edit what Graph holds
// out of band as if someone had used the portal: connectors, flows, attributes and social identity
// providers.
//
// Every endpoint is one line in routes.go (the user flows' in userFlowRoutes): an http.ServeMux pattern,
// the permissions it requires and its handler. A Graph operation is a graphHandler that returns its error;
// one adapter applies faults, the bearer check and the permissions before it and writes what it returns
// as an OData error. Where the reference leaves an answer open, the handler's comment says what the
// emulator answers and why.
//
// The package is written from the Graph reference on its own and shares no code or types with the
// provider's Graph client, so that a wrong field name or status in the client cannot hide behind the same
// mistake here. That includes PKCS#12: the emulator opens certificates with its own few lines over
// go-pkcs12 (pkcs12.go) on purpose, not with the provider's clientcert package, so that a certificate the
// provider misreads is not misread the same way here.
package fakegraph

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults applied by NewServer and NewHandler to zero-valued Options fields.
const (
	DefaultTenantID     = "00000000-0000-0000-0000-000000000001"
	DefaultClientID     = "00000000-0000-0000-0000-000000000002"
	DefaultClientSecret = "fakegraph-client-secret"

	// UserAssignedClientID is the client id of a second, user-assigned managed identity that the instance
	// metadata endpoint accepts besides Options.ClientID, so tests can select an identity explicitly.
	UserAssignedClientID = "00000000-0000-0000-0000-0000000000a1"

	// FederatedTokenAudience is the audience Entra suggests for a federated credential in the global cloud,
	// and the emulator's default.
	FederatedTokenAudience = "api://AzureADTokenExchange"

	defaultTokenLifetime = time.Hour
	defaultPageSize      = 100
)

// Options configures an emulator. Zero values take the documented defaults.
type Options struct {
	TenantID     string // default DefaultTenantID
	ClientID     string // default DefaultClientID
	ClientSecret string // default DefaultClientSecret

	// DisableClientSecret turns client-secret sign-in off. It exists because an empty ClientSecret cannot
	// both mean "use the default" and "no secret": a zero Options must sign in with the default secret.
	DisableClientSecret bool

	// ClientCertificates are the application's registered certificates; a client assertion must be signed
	// by the private key of one of them.
	ClientCertificates []*x509.Certificate

	// FederatedAudience is the audience of the application's federated credentials: a federated token must
	// be issued for it. Default FederatedTokenAudience; api://AzureADTokenExchangeUSGov stands for a tenant
	// in the US Government cloud.
	FederatedAudience string

	// PlainHTTP serves plain HTTP instead of TLS, for a client that only speaks to Graph on a loopback
	// host. Microsoft's sign-in library refuses an authority that is not https, so only sign-in methods
	// that need no authority (the Azure CLI, managed identity) work with it.
	PlainHTTP bool

	TokenLifetime time.Duration // default 1h
	PageSize      int           // list page size and the largest page a $top can ask for, default 100

	// ExtensionsAppID is the application id of the tenant's aad-extensions-app, which the ids of custom
	// user-flow attributes carry without dashes; default DefaultExtensionsAppID.
	ExtensionsAppID string

	// TenantKind is the kind of directory the emulator plays: "" (serves both b2x and B2C user flows),
	// WorkforceTenant or B2CTenant, each of which refuses the other's user flows as Graph does.
	TenantKind TenantKind

	// Permissions are the application permissions (app roles) granted to the emulator's application; nil
	// grants every one. A Graph call that needs a permission not granted answers 403, as the reference's
	// permission tables say.
	Permissions []string

	// OnRequest, when set, is called after each request has been answered (or dropped), with the same
	// record Requests returns. It runs outside the emulator's lock, on the request's goroutine.
	OnRequest func(Request)
}

func (o Options) withDefaults() Options {
	if o.TenantID == "" {
		o.TenantID = DefaultTenantID
	}
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	if o.ClientSecret == "" && !o.DisableClientSecret {
		o.ClientSecret = DefaultClientSecret
	}
	if o.DisableClientSecret {
		o.ClientSecret = ""
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = defaultTokenLifetime
	}
	if o.FederatedAudience == "" {
		o.FederatedAudience = FederatedTokenAudience
	}
	if o.PageSize <= 0 {
		o.PageSize = defaultPageSize
	}
	if o.ExtensionsAppID == "" {
		o.ExtensionsAppID = DefaultExtensionsAppID
	}
	o.ClientCertificates = append([]*x509.Certificate(nil), o.ClientCertificates...)
	if o.Permissions != nil {
		o.Permissions = slices.Clone(o.Permissions)
	}
	return o
}

// Request is one entry of the request log. Status is 0 when no response was sent: the response was
// deliberately lost (Faults.LostResponseRatio) or the client went away during injected latency. Body is
// the body with its Content-Encoding undone.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	Status   int
	Time     time.Time
	// Stale reports an answer that showed Graph as it was before a write, as a replica that has not caught
	// up does (Faults.ReplicationLag after a delete or a user flow's step change, Faults.StaleReads).
	Stale bool
	// Unapplied reports a write that was acknowledged as Graph acknowledges it and changed nothing
	// (Faults.UnappliedWrites).
	Unapplied bool
}

// Server is one emulator instance. All methods are safe for concurrent use.
type Server struct {
	opts  Options
	clock func() time.Time

	router     *router
	httpServer *httptest.Server
	closeOnce  sync.Once
	closed     chan struct{}

	// The OIDC signing key is made on first use because RSA key generation costs tens of milliseconds and
	// most tests never need it.
	oidcOnce  sync.Once
	oidcKey   *rsa.PrivateKey
	oidcKeyID string

	mu           sync.Mutex
	baseURL      string
	faults       Faults
	random       randomSource
	limiter      rateLimiter
	requests     []Request
	tokensIssued []string
	accessTokens map[string]time.Time
	// tokenClients is the client id each access token was issued to: the application Graph's rate limits
	// count it against.
	tokenClients     map[string]string
	records          map[string]*record
	tombstones       map[string]tombstone
	userFlows        map[string]*userFlowRecord
	providers        map[string]*providerRecord  // the tenant's identity providers
	attributes       map[string]*attributeRecord // user-flow attributes, built-in and custom
	nextSeq          int64
	oidcRequestToken string
	// identityHeader and systemAccessToken are the secrets of the App Service managed-identity endpoint
	// and of the Azure DevOps OIDC request endpoint.
	identityHeader, systemAccessToken string
	// notFoundFlapsLeft counts down Faults.NotFoundFlaps.
	notFoundFlapsLeft int
}

// NewServer starts an emulator on a random loopback port, as httptest.NewServer does, serving TLS with a
// certificate from CACertificatePEM unless Options.PlainHTTP asks for plain HTTP.
func NewServer(opts Options) *Server {
	s := newServer(opts, time.Now)
	s.start()
	return s
}

// NewHandler makes an emulator that is not listening anywhere: serve s.Handler() on a listener of your
// own and tell it its base URL with SetURL, which the token audience, scopes and links are built from.
func NewHandler(opts Options) *Server {
	return newServer(opts, time.Now)
}

func newServer(opts Options, clock func() time.Time) *Server {
	if _, ok := tenantKinds[opts.TenantKind]; !ok {
		panic(fmt.Sprintf("fakegraph: Options.TenantKind %q is none of \"\", %q and %q", opts.TenantKind, WorkforceTenant, B2CTenant))
	}
	s := &Server{
		opts:              opts.withDefaults(),
		clock:             clock,
		closed:            make(chan struct{}),
		random:            newRandomSource(0),
		accessTokens:      make(map[string]time.Time),
		tokenClients:      make(map[string]string),
		records:           make(map[string]*record),
		tombstones:        make(map[string]tombstone),
		oidcRequestToken:  randomHex(24),
		identityHeader:    randomHex(16),
		systemAccessToken: randomHex(24),
	}
	s.userFlows = make(map[string]*userFlowRecord)
	s.seedBuiltInProviders()
	s.seedBuiltInAttributes()
	s.router = s.routes()
	return s
}

func (s *Server) start() {
	s.httpServer = httptest.NewUnstartedServer(s.Handler())
	if s.opts.PlainHTTP {
		s.httpServer.Start()
	} else {
		s.httpServer.TLS = ServerTLSConfig()
		s.httpServer.StartTLS()
	}
	s.SetURL(s.httpServer.URL)
}

// Handler serves the token endpoint, the OIDC and managed-identity endpoints and Graph.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// URL is the base URL, without a trailing slash, of both the login and the Graph endpoints.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// SetURL tells the emulator the base URL it is reached at.
func (s *Server) SetURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = strings.TrimRight(u, "/")
}

// Close stops the server started by NewServer and ends any injected latency early.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	if s.httpServer != nil {
		s.httpServer.Close()
	}
}

// Options returns the options in force, with defaults filled in.
func (s *Server) Options() Options {
	o := s.opts
	o.ClientCertificates = append([]*x509.Certificate(nil), o.ClientCertificates...)
	if o.Permissions != nil {
		o.Permissions = slices.Clone(o.Permissions)
	}
	return o
}

// Requests returns a copy of the request log in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r
		out[i].Header = r.Header.Clone()
		out[i].Body = bytes.Clone(r.Body)
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// TokenRequests counts the access tokens issued so far, by every grant kind.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokensIssued)
}

// IssuedTokens returns every access token issued so far, so that a test can prove none of them leaked.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokensIssued...)
}

func (s *Server) now() time.Time { return s.clock() }

// exchange carries one request through the emulator. The response is buffered so that a lost-response
// fault can decide, after the write is committed, to send nothing at all.
type exchange struct {
	r               *http.Request // as it came; the request log shows it
	route           *http.Request // as the router matched it, with its path values
	body            []byte        // decoded from its Content-Encoding
	bodyErr         *odataError   // why the body could not be read, answered when an operation reads it
	out             *bufferedResponse
	requestID       string
	clientRequestID string
	arrived         time.Time
	faults          Faults
	base            string
	lost            bool
	stale           bool // the answer shows Graph as it was before a write
	unapplied       bool // the write was acknowledged and not applied
}

// pathValue is a wildcard of the matched route, such as "id" in /identity/apiConnectors/{id}.
func (ex *exchange) pathValue(name string) string { return ex.route.PathValue(name) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	ex := &exchange{
		r:         r,
		out:       newBufferedResponse(),
		requestID: newGUID(),
		arrived:   s.now(),
		faults:    s.Faults(),
		base:      s.baseFor(r),
	}
	ex.body, ex.bodyErr = readBody(r)
	ex.clientRequestID = r.Header.Get("client-request-id")
	if ex.clientRequestID == "" {
		ex.clientRequestID = ex.requestID
	}
	ex.out.Header().Set("request-id", ex.requestID)
	ex.out.Header().Set("client-request-id", ex.clientRequestID)
	ex.out.Header().Set("x-ms-request-id", ex.requestID)

	if !s.pause(r, ex.faults.Latency) {
		ex.lost = true
	} else {
		s.router.serve(ex)
	}

	status := ex.out.status
	if ex.lost {
		status = 0
	}
	s.logRequest(ex, status)
	if ex.lost {
		dropConnection(w)
		return
	}
	ex.out.writeTo(w)
}

// pause waits for the injected latency. It reports false when the client went away meanwhile, so that
// nothing is done on behalf of a request nobody waits for.
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.closed:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) logRequest(ex *exchange, status int) {
	entry := Request{
		Method:    ex.r.Method,
		Path:      ex.r.URL.Path,
		RawQuery:  ex.r.URL.RawQuery,
		Header:    ex.r.Header.Clone(),
		Body:      bytes.Clone(ex.body),
		Status:    status,
		Time:      ex.arrived,
		Stale:     ex.stale,
		Unapplied: ex.unapplied,
	}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(entry)
	}
}

// baseFor is the base URL links and audiences are built from. A handler whose owner never called SetURL
// still works, from the Host the client used.
func (s *Server) baseFor(r *http.Request) string {
	if u := s.URL(); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// bufferedResponse holds a response until the emulator decides whether to send it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: make(http.Header)}
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(b.body.Bytes())
}

// dropConnection closes the client's connection without a byte of response, which is what a client sees
// when a gateway loses the answer to a request the service did act on.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	// HTTP/2 cannot hijack; aborting the handler resets the stream, which the client sees the same way.
	panic(http.ErrAbortHandler)
}

// newGUID returns a random (version 4) GUID in Graph's lowercase form.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// isGUID reports whether id has the 8-4-4-4-12 hex shape of an object id.
func isGUID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, c := range id {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
