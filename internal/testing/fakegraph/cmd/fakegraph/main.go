// Command fakegraph runs the Microsoft Graph emulator as a local process, for `make demo` and for trying
// the provider by hand. It listens on loopback only and serves TLS with a certificate authority of its own,
// whose certificate it writes to a file (beside the state file by default) for clients to trust through
// SSL_CERT_FILE. It prints the URL and the credentials to sign in with, optionally writes them to a JSON state
// file for a script to read, and serves until SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// config is what the flags ask for.
type config struct {
	listen      string
	pageSize    int
	faults      fakegraph.Faults
	stateFile   string
	caFile      string
	logRequests bool
	userFlows   []string
	social      []string // identityProviderType of the social providers to configure
	tenantKind  fakegraph.TenantKind
	permissions []string // nil: every permission
}

// state is what the state file holds: everything a client needs to reach the emulator and sign in.
type state struct {
	URL              string `json:"url"`
	TenantID         string `json:"tenant_id"`
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret"`
	TokenURL         string `json:"token_url"`
	Scope            string `json:"scope"`
	OIDCRequestURL   string `json:"oidc_request_url"`
	OIDCRequestToken string `json:"oidc_request_token"`
	// The App Service managed-identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER) and an Azure Pipelines
	// job's OIDC request endpoint (SYSTEM_OIDCREQUESTURI, SYSTEM_ACCESSTOKEN) with its service connection.
	IdentityEndpoint     string `json:"identity_endpoint"`
	IdentityHeader       string `json:"identity_header"`
	SystemOIDCRequestURI string `json:"system_oidcrequesturi"`
	SystemAccessToken    string `json:"system_accesstoken"`
	ServiceConnectionID  string `json:"service_connection_id"`
	// CAFile holds the certificate of the authority that signed the emulator's TLS certificate.
	CAFile string `json:"ca_file"`
	PID    int    `json:"pid"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakegraph:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done. Output goes through one lock because request lines are written from
// the goroutines that serve the requests.
func run(ctx context.Context, args []string, output io.Writer) error {
	stdout := &lockedWriter{w: output}
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	if err := checkLoopback(cfg.listen); err != nil {
		return err
	}

	opts := fakegraph.Options{PageSize: cfg.pageSize, TenantKind: cfg.tenantKind, Permissions: cfg.permissions}
	if cfg.logRequests {
		opts.OnRequest = func(r fakegraph.Request) {
			fmt.Fprintln(stdout, requestLine(r))
		}
	}
	server := fakegraph.NewHandler(opts)
	if cfg.faults.Seed == 0 {
		cfg.faults.Seed = newSeed()
	}
	server.SetFaults(cfg.faults)
	for _, providerType := range cfg.social {
		if _, err := server.PutIdentityProvider(fakegraph.IdentityProvider{Type: providerType, ClientID: "fakegraph-" + strings.ToLower(providerType)}); err != nil {
			return err
		}
	}
	// The emulator starts with the user flows asked for, as if made in the portal.
	for _, id := range cfg.userFlows {
		if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: id}); err != nil {
			return err
		}
	}

	caFile, err := writeCAFile(cfg)
	if err != nil {
		return err
	}
	defer os.Remove(caFile)

	var listen net.ListenConfig
	plain, err := listen.Listen(ctx, "tcp", cfg.listen)
	if err != nil {
		return err
	}
	listener := tls.NewListener(plain, fakegraph.ServerTLSConfig())
	server.SetURL("https://" + listener.Addr().String())

	o := server.Options()
	st := state{
		URL:                  server.URL(),
		TenantID:             o.TenantID,
		ClientID:             o.ClientID,
		ClientSecret:         o.ClientSecret,
		TokenURL:             server.URL() + "/" + o.TenantID + "/oauth2/v2.0/token",
		Scope:                server.URL() + "/.default",
		OIDCRequestURL:       server.OIDCRequestURL(),
		OIDCRequestToken:     server.OIDCRequestToken(),
		IdentityEndpoint:     server.AppServiceIdentityEndpoint(),
		IdentityHeader:       server.IdentityHeader(),
		SystemOIDCRequestURI: server.AzureDevOpsOIDCRequestURI(),
		SystemAccessToken:    server.SystemAccessToken(),
		ServiceConnectionID:  fakegraph.ServiceConnectionID,
		CAFile:               caFile,
		PID:                  os.Getpid(),
	}
	if cfg.stateFile != "" {
		if err := writeState(cfg.stateFile, st); err != nil {
			_ = listener.Close()
			return err
		}
		// A state file left behind would point the next reader at a dead port.
		defer os.Remove(cfg.stateFile)
	}
	fmt.Fprintf(stdout, "fakegraph listening on %s\n", st.URL)
	fmt.Fprintf(stdout, "tenant id:     %s\n", st.TenantID)
	fmt.Fprintf(stdout, "client id:     %s\n", st.ClientID)
	fmt.Fprintf(stdout, "client secret: %s\n", st.ClientSecret)
	fmt.Fprintf(stdout, "fault seed:    %d (-seed replays the same fault decisions)\n", cfg.faults.Seed)
	fmt.Fprintf(stdout, "CA file:       %s (trust it with SSL_CERT_FILE=%s)\n", st.CAFile, st.CAFile)

	httpServer := &http.Server{Handler: server.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(listener) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	server.Close()
	if err := httpServer.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// defaultUserFlows are the flows the emulator starts with unless -user-flows says otherwise: one of each
// kind, named as in Graph's reference examples, of the kinds the tenant serves.
const defaultUserFlows = "B2X_1_PartnerSignUp,B2C_1_SignUpSignIn"

// defaultFlowPrefix is the prefix of the default flows a tenant kind keeps.
var defaultFlowPrefix = map[fakegraph.TenantKind]string{fakegraph.WorkforceTenant: "B2X_1_", fakegraph.B2CTenant: "B2C_1_"}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("fakegraph", flag.ContinueOnError)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:0", "loopback `address` to listen on; port 0 picks a free one")
	fs.IntVar(&cfg.pageSize, "page-size", 100, "largest number of API connectors in one list page")
	f := &cfg.faults
	fs.DurationVar(&f.Latency, "latency", 0, "delay added before answering every request")
	rateLimit := fs.Bool("rate-limit", false, "throttle Graph requests as Graph documents it: 200 a minute per application and tenant, 300 per tenant, every request counted; the -rate-limit-* flags change it")
	documented := fakegraph.DocumentedRateLimit()
	limit := fakegraph.RateLimit{}
	fs.IntVar(&limit.PerApp, "rate-limit-per-app", documented.PerApp, "Graph requests one application may send per window before 429 (0 = no such budget)")
	fs.IntVar(&limit.PerTenant, "rate-limit-per-tenant", documented.PerTenant, "Graph requests all applications together may send per window before 429 (0 = no such budget)")
	fs.DurationVar(&limit.Window, "rate-limit-window", documented.Window, "what the rate limit's budgets are counted over")
	fs.BoolVar(&limit.RejectedCount, "rate-limit-rejected-count", documented.RejectedCount, "requests answered 429 count against the budgets too")
	fs.Float64Var(&f.ErrorRatio, "error-ratio", 0, "`fraction` of Graph requests answered with a random 500, 502, 503 or 504 before acting")
	fs.Float64Var(&f.LostResponseRatio, "lost-response-ratio", 0, "`fraction` of successful Graph writes whose answer is lost (the connection closes)")
	fs.DurationVar(&f.ReplicationLag, "replication-lag", 0, "how long a new connector, user flow, attribute or assignment reads as 404, and a deleted one as still there; a flow's steps, providers, assignments and their order read as before a write")
	fs.IntVar(&f.NotFoundFlaps, "not-found-flaps", 0, "how many of the first GETs of existing API connectors and user flows answer 404, as a lagging replica does")
	fs.DurationVar(&f.StaleReads, "stale-reads", 0, "how long after a PATCH reads still answer with the API connector as it was before")
	fs.Int64Var(&f.Seed, "seed", 0, "seed of the random fault decisions (0 = a new one, printed at start)")
	fs.BoolVar(&f.FractionalRetryAfter, "fractional-retry-after", false, "write Retry-After in fractional seconds (\"0.512\") instead of whole seconds rounded up")
	fs.StringVar(&cfg.stateFile, "state-file", "", "write the URL and credentials as JSON to this `file` once listening (removed on exit)")
	fs.StringVar(&cfg.caFile, "ca-file", "", "write the TLS certificate authority's certificate to this `file` (removed on exit); default: fakegraph-ca.pem beside the state file, or in a new temporary directory")
	fs.BoolVar(&cfg.logRequests, "log-requests", false, "print one line per request (method, path, status), secrets masked")
	userFlows := fs.String("user-flows", defaultUserFlows,
		"comma-separated `ids` of the user flows to start with (B2X_1_… External ID sign-up, B2C_1_… Azure AD B2C); \"\" for none")
	social := fs.String("social-providers", "", "comma-separated `types` of social identity providers configured in the tenant (Google, Facebook; in a B2C tenant also Amazon, LinkedIn, …)")
	tenantKind := fs.String("tenant-kind", "", "the directory to play: \"workforce\" (refuses B2C user flows), \"b2c\" (refuses b2x user flows, no built-in identity providers), or \"\" for one that serves both")
	permissions := fs.String("permissions", "*", "comma-separated application `permissions` granted to the client (APIConnectors.ReadWrite.All, IdentityUserFlow.Read.All, …); \"*\" for all")
	unapplied := fs.String("unapplied-writes", "", "comma-separated `kinds` of write acknowledged and not applied (connectorUpdate, certificateUpload, stepReference, userFlowUpdate, identityProviderReference, attributeAssignment, assignmentOrder, userFlowAttributeUpdate)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	// Any -rate-limit-* flag turns the limit on.
	fs.Visit(func(set *flag.Flag) {
		if strings.HasPrefix(set.Name, "rate-limit") {
			*rateLimit = true
		}
	})
	if *rateLimit {
		f.RateLimit = limit
	}
	cfg.userFlows = splitList(*userFlows)
	cfg.social = splitList(*social)
	cfg.tenantKind = fakegraph.TenantKind(*tenantKind)
	if *permissions != "*" {
		cfg.permissions = append([]string{}, splitList(*permissions)...)
	}
	f.UnappliedWrites = splitList(*unapplied)
	for _, kind := range f.UnappliedWrites {
		if !slices.Contains(writeKinds, kind) {
			return cfg, fmt.Errorf("-unapplied-writes: %q is none of %s", kind, strings.Join(writeKinds, ", "))
		}
	}
	switch cfg.tenantKind {
	case "", fakegraph.WorkforceTenant, fakegraph.B2CTenant:
	default:
		return cfg, fmt.Errorf("-tenant-kind must be %q, %q or empty, not %q", fakegraph.WorkforceTenant, fakegraph.B2CTenant, cfg.tenantKind)
	}
	if prefix := defaultFlowPrefix[cfg.tenantKind]; prefix != "" && *userFlows == defaultUserFlows {
		cfg.userFlows = slices.DeleteFunc(cfg.userFlows, func(id string) bool { return !strings.HasPrefix(id, prefix) })
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.pageSize < 1 {
		return cfg, fmt.Errorf("-page-size must be at least 1, not %d", cfg.pageSize)
	}
	if f.Latency < 0 || limit.PerApp < 0 || limit.PerTenant < 0 || limit.Window <= 0 || f.ReplicationLag < 0 || f.NotFoundFlaps < 0 || f.StaleReads < 0 {
		return cfg, errors.New("-latency, -rate-limit-per-app, -rate-limit-per-tenant, -replication-lag, -not-found-flaps and -stale-reads must not be negative, and -rate-limit-window must be positive")
	}
	if f.ErrorRatio < 0 || f.ErrorRatio > 1 || f.LostResponseRatio < 0 || f.LostResponseRatio > 1 {
		return cfg, errors.New("-error-ratio and -lost-response-ratio must be between 0 and 1")
	}
	return cfg, nil
}

// writeKinds are the kinds of write -unapplied-writes may name.
var writeKinds = []string{
	fakegraph.WriteConnectorUpdate, fakegraph.WriteCertificateUpload, fakegraph.WriteStepReference, fakegraph.WriteUserFlowUpdate,
	fakegraph.WriteIdentityProviderReference, fakegraph.WriteAttributeAssignment, fakegraph.WriteAssignmentOrder, fakegraph.WriteUserFlowAttributeUpdate,
}

// splitList reads a comma-separated flag; nil when it names nothing.
func splitList(list string) []string {
	var items []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// newSeed picks a seed for a run that names none, so that the run can still be replayed with -seed.
func newSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	if seed := int64(binary.LittleEndian.Uint64(b[:]) >> 1); seed != 0 {
		return seed
	}
	return 1
}

// checkLoopback refuses addresses other machines could reach: the emulator hands out tokens to anyone
// who knows its fixed, published client secret.
func checkLoopback(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", address, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-listen %q is not a loopback address; use 127.0.0.1, [::1] or localhost", address)
}

// writeCAFile writes the certificate clients must trust to where cfg says, and returns its absolute path.
func writeCAFile(cfg config) (string, error) {
	path := cfg.caFile
	switch {
	case path != "":
	case cfg.stateFile != "":
		path = filepath.Join(filepath.Dir(cfg.stateFile), "fakegraph-ca.pem")
	default:
		dir, err := os.MkdirTemp("", "fakegraph-")
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, "fakegraph-ca.pem")
	}
	// The path is printed for SSL_CERT_FILE, which a client may read from any directory.
	path, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return path, fakegraph.WriteCACertificate(path)
}

// writeState writes the state file whole or not at all, and readable by its owner only, since it holds
// the client secret.
func writeState(path string, st state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fakegraph-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// secretQueryKeys are query parameters whose values never reach the request log line.
var secretQueryKeys = map[string]bool{
	"client_secret": true, "client_assertion": true, "password": true, "pkcs12value": true,
	"access_token": true, "code": true, "token": true,
}

// requestLine formats one request for -log-requests. Bodies are never printed, and secret-looking query
// values are masked, so the output is safe to paste into an issue.
func requestLine(r fakegraph.Request) string {
	path := r.Path
	if r.RawQuery != "" {
		path += "?" + maskQuery(r.RawQuery)
	}
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "dropped"
	}
	return fmt.Sprintf("%s %s %s %s", r.Time.UTC().Format("15:04:05.000"), r.Method, path, status)
}

func maskQuery(raw string) string {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable query)"
	}
	for key := range values {
		if secretQueryKeys[strings.ToLower(key)] {
			values[key] = []string{"***"}
		}
	}
	return values.Encode()
}
