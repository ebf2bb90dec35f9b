package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0":    true,
		"127.0.0.2:8080": true,
		"[::1]:0":        true,
		"localhost:9000": true,
		":8080":          false,
		"0.0.0.0:8080":   false,
		"10.0.0.1:80":    false,
		"example.com:80": false,
		"127.0.0.1":      false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", addr, err)
		}
	}
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-page-size", "3", "-latency", "20ms", "-rate-limit-per-app", "20", "-rate-limit-window", "1s", "-log-requests",
		"-error-ratio", "0.1", "-lost-response-ratio", "0.05", "-replication-lag", "2s", "-seed", "42", "-fractional-retry-after",
		"-not-found-flaps", "3", "-stale-reads", "1500ms"})
	if err != nil {
		t.Fatal(err)
	}
	want := fakegraph.Faults{Latency: 20 * time.Millisecond, RateLimit: fakegraph.RateLimit{PerApp: 20, PerTenant: 300, Window: time.Second, RejectedCount: true}, ErrorRatio: 0.1, LostResponseRatio: 0.05, ReplicationLag: 2 * time.Second, Seed: 42, FractionalRetryAfter: true,
		NotFoundFlaps: 3, StaleReads: 1500 * time.Millisecond}
	if cfg.listen != "127.0.0.1:0" || cfg.pageSize != 3 || !reflect.DeepEqual(cfg.faults, want) || !cfg.logRequests {
		t.Errorf("%+v", cfg)
	}
	for args, want := range map[string]fakegraph.RateLimit{
		"":                                 {},
		"-rate-limit":                      fakegraph.DocumentedRateLimit(),
		"-rate-limit-rejected-count=false": {PerApp: 200, PerTenant: 300, Window: time.Minute},
	} {
		cfg, err := parseFlags(strings.Fields(args))
		if err != nil || cfg.faults.RateLimit != want {
			t.Errorf("parseFlags(%q): rate limit %+v, %v; want %+v", args, cfg.faults.RateLimit, err, want)
		}
	}
	for _, bad := range [][]string{{"-page-size", "0"}, {"-latency", "-1s"}, {"-rate-limit-per-app", "-1"}, {"-rate-limit-window", "0s"}, {"-error-ratio", "1.5"}, {"-lost-response-ratio", "-0.1"}, {"-not-found-flaps", "-1"}, {"-stale-reads", "-1s"}, {"-tenant-kind", "consumer"}, {"-unapplied-writes", "everything"}, {"extra"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%v) accepted", bad)
		}
	}
}

func TestRequestLine_masksSecrets(t *testing.T) {
	line := requestLine(fakegraph.Request{
		Method: "POST", Path: "/t/oauth2/v2.0/token", RawQuery: "client_secret=hunter2&audience=x", Status: 200,
		Body: []byte("client_secret=hunter2"),
	})
	if strings.Contains(line, "hunter2") || !strings.Contains(line, "POST /t/oauth2/v2.0/token") || !strings.HasSuffix(line, " 200") {
		t.Errorf("line = %q", line)
	}
	if line := requestLine(fakegraph.Request{Method: "DELETE", Path: "/x"}); !strings.HasSuffix(line, "dropped") {
		t.Errorf("line = %q", line)
	}
}

// syncBuffer collects the command's output, which request lines write from server goroutines.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{} // signalled after each write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer func() {
		select {
		case b.wrote <- struct{}{}:
		default:
		}
	}()
	return b.buf.Write(p)
}

// waitFor waits until the output holds text, for at most timeout.
func (b *syncBuffer) waitFor(t *testing.T, text string, timeout time.Duration) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !strings.Contains(b.String(), text) {
		select {
		case <-b.wrote:
		case <-deadline.C:
			t.Fatalf("no %q in the output after %s:\n%s", text, timeout, b.String())
		}
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun_servesWritesStateAndStops(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := syncBuffer{wrote: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-state-file", stateFile, "-log-requests"}, &out) }()

	// The state file is written before the command says it listens.
	out.waitFor(t, "fakegraph listening on", 5*time.Second)
	var st state
	if b, err := os.ReadFile(stateFile); err != nil || json.Unmarshal(b, &st) != nil {
		t.Fatalf("no state file: %v; output:\n%s", err, out.String())
	}
	if info, err := os.Stat(stateFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode: %v %v", info.Mode(), err)
	}

	// The emulator is trusted through the CA file it wrote, as SSL_CERT_FILE makes clients do.
	caPEM, err := os.ReadFile(st.CAFile)
	if err != nil {
		t.Fatalf("the CA file: %v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatalf("the CA file %s holds no certificate", st.CAFile)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	if !strings.HasPrefix(st.URL, "https://") || filepath.Dir(st.CAFile) != filepath.Dir(stateFile) {
		t.Errorf("url %s, CA file %s: want https and the CA beside the state file", st.URL, st.CAFile)
	}
	resp, err := client.PostForm(st.TokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {st.ClientID},
		"client_secret": {st.ClientSecret}, "scope": {st.Scope},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in with the state file's credentials: %d", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
	text := out.String()
	for _, want := range []string{"fakegraph listening on " + st.URL, st.TenantID, st.ClientID, "oauth2/v2.0/token 200", "fault seed:"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, file := range []string{stateFile, st.CAFile} {
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			t.Errorf("%s outlived the server: %v", file, err)
		}
	}
}

func TestRun_refusesNonLoopback(t *testing.T) {
	if err := run(context.Background(), []string{"-listen", "0.0.0.0:0"}, &syncBuffer{}); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("err = %v", err)
	}
}

func TestParseFlags_userFlows(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"B2X_1_PartnerSignUp", "B2C_1_SignUpSignIn"}},
		{[]string{"-user-flows", "B2X_1_A, B2C_1_B"}, []string{"B2X_1_A", "B2C_1_B"}},
		{[]string{"-user-flows", ""}, nil},
	} {
		cfg, err := parseFlags(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cfg.userFlows, tc.want) {
			t.Errorf("parseFlags(%q): user flows %q, want %q", tc.args, cfg.userFlows, tc.want)
		}
	}
}

func TestParseFlags_tenantPermissionsAndUnappliedWrites(t *testing.T) {
	cfg, err := parseFlags(nil)
	if err != nil || cfg.tenantKind != "" || cfg.permissions != nil || cfg.faults.UnappliedWrites != nil {
		t.Errorf("defaults: %+v %v", cfg, err)
	}
	cfg, err = parseFlags([]string{"-tenant-kind", "b2c", "-permissions", "IdentityUserFlow.Read.All, APIConnectors.Read.All",
		"-unapplied-writes", "connectorUpdate,assignmentOrder"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.tenantKind != fakegraph.B2CTenant || !slices.Equal(cfg.permissions, []string{"IdentityUserFlow.Read.All", "APIConnectors.Read.All"}) ||
		!slices.Equal(cfg.faults.UnappliedWrites, []string{fakegraph.WriteConnectorUpdate, fakegraph.WriteAssignmentOrder}) {
		t.Errorf("%+v", cfg)
	}
	if !slices.Equal(cfg.userFlows, []string{"B2C_1_SignUpSignIn"}) {
		t.Errorf("a B2C tenant starts with %v, want the default B2C flow only", cfg.userFlows)
	}
	cfg, err = parseFlags([]string{"-social-providers", "Google, Facebook", "-tenant-kind", "workforce"})
	if err != nil || !slices.Equal(cfg.social, []string{"Google", "Facebook"}) || !slices.Equal(cfg.userFlows, []string{"B2X_1_PartnerSignUp"}) {
		t.Errorf("%+v %v", cfg, err)
	}
	// An empty list grants nothing, which is not the same as granting everything.
	if cfg, _ := parseFlags([]string{"-permissions", ""}); cfg.permissions == nil || len(cfg.permissions) != 0 {
		t.Errorf("-permissions \"\": %#v", cfg.permissions)
	}
}

func TestRun_refusesAUserFlowWithoutAKind(t *testing.T) {
	err := run(t.Context(), []string{"-user-flows", "PartnerSignUp"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PartnerSignUp") {
		t.Errorf("error %v, want one naming the flow", err)
	}
}

func TestRun_namesTheCAFileByAnAbsolutePath(t *testing.T) {
	// A relative -state-file is how a person starts it by hand; SSL_CERT_FILE is then read from elsewhere.
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := syncBuffer{wrote: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-state-file", "state.json"}, &out) }()
	// The CA file's line is the last the command prints before it serves.
	out.waitFor(t, "CA file:", 5*time.Second)

	var st state
	if b, err := os.ReadFile("state.json"); err != nil || json.Unmarshal(b, &st) != nil {
		t.Fatalf("no state file: %v; output:\n%s", err, out.String())
	}
	if !filepath.IsAbs(st.CAFile) || !strings.Contains(out.String(), "SSL_CERT_FILE="+st.CAFile) {
		t.Errorf("CA file %q, output:\n%s\nwant an absolute path, printed for SSL_CERT_FILE", st.CAFile, out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
