package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// Runner runs scenarios with one CLI binary and one provider build.
type Runner struct {
	// CLI is the tofu (or terraform) binary.
	CLI string
	// OverridesDir holds the peakrss wrapper under the provider's binary name; the CLI configuration's
	// dev_overrides points there.
	OverridesDir string
	// Provider is the real provider binary the wrapper runs.
	Provider string
	// IdealProvider is the ideal provider's binary (cmd/idealprovider), for KindIdeal scenarios.
	IdealProvider string
	// WorkDir is where scenarios get their directories.
	WorkDir string
	// Parallelism is the CLI's -parallelism.
	Parallelism int
	// Refresh makes the update and delete phases refresh first, as a plain apply or destroy does. Off, they
	// run with -refresh=false so that each phase makes only its own operation's requests; the refresh
	// phase measures refreshing on its own.
	Refresh bool
	// Progress gets one line per phase as it ends.
	Progress io.Writer
	// ProfileDir, when set, gets a directory per scenario and phase that the profiling provider build
	// (cmd/profprovider) writes its profiles into.
	ProfileDir string
	// QuietLogs turns the providers' own logging off through the environment (TF_LOG_SDK*, TF_LOG_PROVIDER
	// set to OFF), which the CLI discards anyway when TF_LOG is unset: it shows what producing that log costs.
	QuietLogs bool
	// CountLogs has the wrapper count the log each provider process writes to stderr.
	CountLogs bool
	// RequestLogs writes each phase's emulator request log next to the CLI's log, as <phase>.requests.tsv.
	RequestLogs bool
}

// ScenarioSpec says what to run.
type ScenarioSpec struct {
	Name      string
	Kind      Kind
	Resources int
	Faults    fakegraph.Faults
}

// Scenario is a spec with what its phases measured.
type Scenario struct {
	ScenarioSpec
	Results []PhaseResult
}

// Result is the phase's result, and whether the scenario ran it.
func (s Scenario) Result(p Phase) (PhaseResult, bool) {
	for _, r := range s.Results {
		if r.Phase == p {
			return r, true
		}
	}
	return PhaseResult{}, false
}

// apiPassword is the connectors' basic-auth password; the emulator only stores it.
const apiPassword = "bench-password"

// Run applies, plans, updates and destroys spec's resources against a fresh emulator. A phase that fails
// is recorded and the next phases still run, so that what was created is destroyed; an error means the
// scenario could not be run at all.
func (r *Runner) Run(ctx context.Context, spec ScenarioSpec) (Scenario, error) {
	sc := Scenario{ScenarioSpec: spec}
	dir := filepath.Join(r.WorkDir, spec.Name)
	rssDir := filepath.Join(dir, "processes")
	if err := os.MkdirAll(rssDir, 0o750); err != nil {
		return sc, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(Configuration(spec.Kind)), 0o600); err != nil {
		return sc, err
	}

	emulator := fakegraph.NewServer(fakegraph.Options{})
	defer emulator.Close()
	emulator.SetFaults(spec.Faults)
	if spec.Kind == KindTenant {
		for i := range spec.Resources {
			if _, err := emulator.PutUserFlow(fakegraph.UserFlow{ID: FlowID(i)}); err != nil {
				return sc, err
			}
		}
	}
	// The provider trusts the emulator's TLS certificate through SSL_CERT_FILE (see environment).
	if err := fakegraph.WriteCACertificate(filepath.Join(dir, caFile)); err != nil {
		return sc, err
	}

	cliConfig := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(cliConfiguration(r.OverridesDir)), 0o600); err != nil {
		return sc, err
	}
	provider := r.Provider
	if spec.Kind == KindIdeal {
		provider = r.IdealProvider
	}
	env := r.environment(cliConfig, rssDir, provider, emulator)
	if spec.Kind == KindIdeal {
		env = append(env, "BENCH_IDEAL_LATENCY="+spec.Faults.Latency.String())
	}
	if r.CountLogs {
		env = append(env, "BENCH_PEAKRSS_COUNT_STDERR=1")
	}
	if r.QuietLogs {
		env = append(env, quietLogEnvironment...)
	}

	for _, phase := range Phases {
		generation := 1
		if phase == PhaseUpdate || phase == PhaseDelete {
			generation = 2
		}
		args := r.arguments(phase, spec.Resources, generation)

		emulator.ResetRequests()
		tokensBefore := emulator.TokenRequests()
		limitedBefore := emulator.RateLimitCounts()
		if err := clearDir(rssDir); err != nil {
			return sc, err
		}

		phaseEnv := env
		if r.ProfileDir != "" {
			profiles := filepath.Join(r.ProfileDir, spec.Name+"-"+string(phase))
			if err := os.MkdirAll(profiles, 0o750); err != nil {
				return sc, err
			}
			phaseEnv = append(slices.Clip(env), "BENCH_PROFILE_DIR="+profiles)
		}
		logFile := filepath.Join(dir, string(phase)+".log")
		run, runErr := r.runCLI(ctx, dir, phaseEnv, logFile, args)
		if ctx.Err() != nil {
			return sc, ctx.Err()
		}
		result := PhaseResult{Phase: phase, Resources: spec.Resources, Start: run.start, Wall: run.wall, CLIPeakRSSKB: run.peakRSSKB, CLICPU: run.cpu}
		requests := emulator.Requests()
		result.Traffic = Summarize(requests)
		if r.RequestLogs {
			if err := writeRequestLog(filepath.Join(dir, string(phase)+".requests.tsv"), requests); err != nil {
				return sc, err
			}
		}
		// The log counts every token; the difference guards against a log reset racing a late request.
		result.Traffic.Tokens = emulator.TokenRequests() - tokensBefore
		limited := emulator.RateLimitCounts()
		result.RateLimit = fakegraph.RateLimitCounts{Admitted: limited.Admitted - limitedBefore.Admitted, Rejected: limited.Rejected - limitedBefore.Rejected}
		if limit := spec.Faults.RateLimit; limit.PerApp > 0 && !result.Traffic.First.IsZero() {
			result.Traffic.Held, result.Traffic.HeldKnown = BucketAt(limitedBefore, limit, result.Traffic.First), true
		}
		processes, err := readProcesses(rssDir)
		if err != nil {
			return sc, err
		}
		result.Processes = processes

		switch {
		case runErr != nil:
			summary, count := cliErrors(logFile)
			result.Error = fmt.Sprintf("%s: %v: %s%s", filepath.Base(r.CLI), runErr, summary, tail(logFile))
			result.Errors = max(count, 1)
		case phase == PhaseRefresh && run.exitCode == 2:
			result.Error = "the plan after the apply was not empty" + tail(logFile)
		}
		if spec.Kind == KindConnectors || spec.Kind == KindTenant {
			result.Failed = failedResources(phase, spec.Resources, emulator.Connectors())
		}
		if spec.Kind == KindTenant {
			result.Failed += failedLinks(phase, spec.Resources, emulator)
		}
		sc.Results = append(sc.Results, result)
		if r.Progress != nil {
			fmt.Fprintf(r.Progress, "  %-22s %-8s %8s  graph %5d (429: %d)  tokens %d  providers %d  peak %s  cpu cli+providers %s providers %s  failed %d\n",
				spec.Name, phase, run.wall.Round(10*time.Millisecond), result.Traffic.AdmittedTotal(), result.Traffic.Throttled,
				result.Traffic.Tokens, len(result.Processes), formatKB(result.PeakRSSKB()), run.cpu.Round(10*time.Millisecond),
				result.ProviderCPU().Round(10*time.Millisecond), result.Failed)
			for _, p := range result.Processes {
				fmt.Fprintf(r.Progress, "    provider pid %d: %s alive, %s CPU, peak %s",
					p.PID, p.End.Sub(p.Start).Round(10*time.Millisecond), p.CPU.Round(10*time.Millisecond), formatKB(p.PeakRSSKB))
				if r.CountLogs {
					fmt.Fprintf(r.Progress, ", %.1f MiB of log", float64(p.StderrBytes)/(1<<20))
				}
				fmt.Fprintln(r.Progress)
			}
			if result.Traffic.HeldKnown {
				fmt.Fprintf(r.Progress, "    rate limit: the application's budget held %.2f at the first request; window %s; use %.3f\n",
					result.Traffic.Held, result.Traffic.Window().Round(time.Millisecond), result.Traffic.RateLimitUse(spec.Faults.RateLimit))
			}
			if result.Error != "" {
				fmt.Fprintf(r.Progress, "    %s\n", strings.ReplaceAll(result.Error, "\n", "\n    "))
			}
		}
	}
	return sc, nil
}

// arguments are the CLI arguments of a phase.
func (r *Runner) arguments(phase Phase, resources, generation int) []string {
	var args []string
	switch phase {
	case PhaseCreate:
		args = []string{"apply", "-auto-approve"}
	case PhaseRefresh:
		args = []string{"plan", "-detailed-exitcode"}
	case PhaseUpdate:
		args = []string{"apply", "-auto-approve"}
	case PhaseDelete:
		args = []string{"destroy", "-auto-approve"}
	}
	if !r.Refresh && (phase == PhaseUpdate || phase == PhaseDelete) {
		args = append(args, "-refresh=false")
	}
	return append(args, "-input=false", "-no-color", "-parallelism="+strconv.Itoa(r.Parallelism),
		"-var", "n="+strconv.Itoa(resources), "-var", "generation="+strconv.Itoa(generation))
}

// cliConfiguration points the CLI at the wrapper for both registries' addresses, so that tofu and
// terraform alike use it without a registry.
func cliConfiguration(overrides string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.opentofu.org/entra-iac/entra"   = %[1]q
    "registry.terraform.io/entra-iac/entra" = %[1]q
  }
  direct {}
}
disable_checkpoint = true
`, overrides)
}

// quietLogEnvironment sets every logger of terraform-plugin-log in the provider to OFF. Without it they
// default to TRACE and leave the filtering to the CLI.
var quietLogEnvironment = []string{
	"TF_LOG_PROVIDER=OFF", "TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_PROVIDER_ENTRA_GRAPH=OFF",
}

// inheritedEnvironment says which of the caller's variables reach the CLI: none that could change how the
// CLI or the provider behaves (credentials, endpoints, logging, CLI configuration).
func inheritedEnvironment() []string {
	blocked := []string{"TF_", "ARM_", "ENTRA_", "AZURE_", "ACTIONS_ID_TOKEN_", "MSI_", "IDENTITY_", "CHECKPOINT_"}
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, prefix := range blocked {
			if strings.HasPrefix(kv, prefix) {
				keep = false
				break
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}

// caFile is where a scenario's directory holds the emulator's CA certificate.
const caFile = "fakegraph-ca.pem"

func (r *Runner) environment(cliConfig, rssDir, provider string, emulator *fakegraph.Server) []string {
	o := emulator.Options()
	return append(inheritedEnvironment(),
		"SSL_CERT_FILE="+filepath.Join(filepath.Dir(cliConfig), caFile),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_VAR_api_password="+apiPassword,
		"ARM_TENANT_ID="+o.TenantID,
		"ARM_CLIENT_ID="+o.ClientID,
		"ARM_CLIENT_SECRET="+fakegraph.DefaultClientSecret,
		"ARM_USE_CLI=false",
		"ENTRA_GRAPH_ENDPOINT="+emulator.URL(),
		"ENTRA_AUTHORITY_HOST="+emulator.URL(),
		"BENCH_PEAKRSS_PROVIDER="+provider,
		"BENCH_PEAKRSS_DIR="+rssDir,
	)
}

// cliRun is what one CLI command measured.
type cliRun struct {
	start     time.Time
	wall      time.Duration
	cpu       time.Duration
	peakRSSKB int64
	exitCode  int
}

// runCLI runs one CLI command with its output in logFile. A plan's exit code 2 (changes present) is not
// an error.
func (r *Runner) runCLI(ctx context.Context, dir string, env []string, logFile string, args []string) (cliRun, error) {
	run := cliRun{exitCode: -1}
	out, err := os.Create(logFile)
	if err != nil {
		return run, err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, r.CLI, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	// An interrupted CLI gets the chance to write its state and stop its providers.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second

	run.start = time.Now()
	err = cmd.Run()
	run.wall = time.Since(run.start)
	if state := cmd.ProcessState; state != nil {
		run.exitCode = state.ExitCode()
		run.cpu = state.UserTime() + state.SystemTime()
		if usage, ok := state.SysUsage().(*syscall.Rusage); ok {
			run.peakRSSKB = usage.Maxrss
		}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && args[0] == "plan" && run.exitCode == 2 {
		err = nil
	}
	return run, err
}

// failedResources counts the resources the emulator does not hold as the phase should have left them.
func failedResources(phase Phase, resources int, connectors []fakegraph.Connector) int {
	switch phase {
	case PhaseCreate, PhaseRefresh:
		return max(0, resources-countNamed(connectors, resources, 1))
	case PhaseUpdate:
		return max(0, resources-countNamed(connectors, resources, 2))
	case PhaseDelete:
		return len(connectors)
	}
	return 0
}

// failedLinks counts the user flows of a KindTenant scenario whose step is not as the phase should have
// left it: linked to a connector until the delete, unlinked after it.
func failedLinks(phase Phase, resources int, emulator *fakegraph.Server) int {
	failed := 0
	for i := range resources {
		flow, ok := emulator.UserFlow(FlowID(i))
		linked := ok && flow.APIConnectors[fakegraph.StepPostAttributeCollection] != ""
		if linked == (phase == PhaseDelete) {
			failed++
		}
	}
	return failed
}

// countNamed counts the distinct resources 0..resources-1 that hold their name for generation.
func countNamed(connectors []fakegraph.Connector, resources, generation int) int {
	want := make(map[string]bool, resources)
	for i := range resources {
		want[DisplayName(i, generation)] = true
	}
	found := 0
	for _, c := range connectors {
		if want[c.DisplayName] {
			found++
			delete(want, c.DisplayName)
		}
	}
	return found
}

func readProcesses(dir string) ([]ProviderProcess, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var processes []ProviderProcess
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		var p ProviderProcess
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		processes = append(processes, p)
	}
	return processes, nil
}

func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// variablePart matches what differs between otherwise equal errors: object and request ids, dates.
var variablePart = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d{4}-\d{2}-\d{2}T[0-9:.]+Z?`)

// sourceLine is a line of configuration the CLI quotes under an error ("26: resource ...").
var sourceLine = regexp.MustCompile(`^\d+: `)

// cliErrors summarizes the errors a CLI log reports, each distinct "Error: summary" with the paragraph
// of detail under it and how often it came, and counts them.
func cliErrors(logFile string) (string, int) {
	data, err := os.ReadFile(logFile)
	if err != nil {
		return "", 0
	}
	lines := strings.Split(string(data), "\n")
	counts := map[string]int{}
	var order []string
	for i, line := range lines {
		summary, ok := strings.CutPrefix(strings.TrimSpace(line), "Error: ")
		if !ok {
			continue
		}
		// The detail is the first paragraph after the summary that is not the "with"/"on" location.
		var detail []string
		for _, next := range lines[i+1 : min(len(lines), i+30)] {
			next = strings.TrimSpace(next)
			switch {
			case next == "" && len(detail) > 0:
			case next == "", strings.HasPrefix(next, "with "), strings.HasPrefix(next, "on "), sourceLine.MatchString(next):
				continue
			default:
				detail = append(detail, next)
				continue
			}
			break
		}
		key := summary
		if len(detail) > 0 {
			key += " (" + variablePart.ReplaceAllString(strings.Join(detail, " "), "…") + ")"
		}
		if counts[key] == 0 {
			order = append(order, key)
		}
		counts[key]++
	}
	var parts []string
	total := 0
	for _, key := range order {
		parts = append(parts, fmt.Sprintf("%d × %s", counts[key], key))
		total += counts[key]
	}
	if len(parts) == 0 {
		return "no error in the log", 0
	}
	return strings.Join(parts, "; "), total
}

// tail is the end of a CLI log, for an error message.
func tail(logFile string) string {
	data, err := os.ReadFile(logFile)
	if err != nil || len(data) == 0 {
		return ""
	}
	const keep = 2000
	if len(data) > keep {
		data = data[len(data)-keep:]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	return "\n" + strings.TrimRight(string(data), "\n")
}

func formatKB(kb int64) string {
	if kb == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}

// writeRequestLog writes one line per request: arrival (seconds since the first), method, path, status, and
// the last characters of the bearer token, which tell the provider processes apart.
func writeRequestLog(file string, requests []fakegraph.Request) error {
	var b strings.Builder
	b.WriteString("offset_s\tmethod\tpath\tstatus\ttoken\n")
	var first time.Time
	if len(requests) > 0 {
		first = requests[0].Time
	}
	for _, req := range requests {
		token := req.Header.Get("Authorization")
		token = token[max(0, len(token)-8):]
		fmt.Fprintf(&b, "%.3f\t%s\t%s\t%d\t%s\n", req.Time.Sub(first).Seconds(), req.Method, req.Path, req.Status, token)
	}
	return os.WriteFile(file, []byte(b.String()), 0o600)
}

// Median merges repeated runs of one scenario: per phase, the run with the median wall time stands for
// the phase, with every run's wall time in Walls, and with the most failed resources and the first CLI
// error of any run, so that a failure in one run is never hidden by the others.
func Median(runs []Scenario) Scenario {
	if len(runs) == 0 {
		return Scenario{}
	}
	merged := Scenario{ScenarioSpec: runs[0].ScenarioSpec}
	for _, phase := range Phases {
		var results []PhaseResult
		for _, run := range runs {
			if r, ok := run.Result(phase); ok {
				results = append(results, r)
			}
		}
		if len(results) == 0 {
			continue
		}
		slices.SortStableFunc(results, func(a, b PhaseResult) int { return cmp.Compare(a.Wall, b.Wall) })
		median := results[(len(results)-1)/2]
		median.Walls = nil
		for _, r := range results {
			median.Walls = append(median.Walls, r.Wall)
			median.Failed = max(median.Failed, r.Failed)
			median.Errors = max(median.Errors, r.Errors)
			if median.Error == "" {
				median.Error = r.Error
			}
		}
		if len(results) == 1 {
			median.Walls = nil
		}
		merged.Results = append(merged.Results, median)
	}
	return merged
}
