// Command bench is `make bench`: it builds the provider, starts the Graph emulator in process with a set
// latency, and runs the CLI over many API connectors (apply, a no-change plan, a rename of every
// connector, destroy), over as many terraform_data resources for the CLI's own overhead, over a small N for
// the provider's memory, and under a rate limit. It prints each phase's figures against the floor the
// protocol allows, checks the targets of issue 8, and writes its section of BENCHMARKS.md.
//
// Every flag has an environment variable, so that `BENCH_N=500 make bench` works; see BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/tools/bench"
)

// maxResources bounds N: beyond it a run no longer fits the time the benchmark is meant to take.
const maxResources = 1000

type options struct {
	resources, smallResources, parallelism               int
	runs                                                 int
	latency                                              time.Duration
	rates                                                []int
	throttleSizes                                        []int
	refresh, strict, keep, profile, countLogs, quietLogs bool
	fractional                                           bool
	cli, out, before                                     string
	scenarios                                            map[string]bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	benchRoot, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	// The benchmark is a module of its own two levels below the provider's.
	root := filepath.Dir(filepath.Dir(benchRoot))
	cli := opts.cli
	if !filepath.IsAbs(cli) {
		cli = filepath.Join(root, cli)
	}
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("no CLI at %s (make tools builds OpenTofu into .bin/tofu): %w", cli, err)
	}

	work, err := os.MkdirTemp("", "entra-bench-")
	if err != nil {
		return err
	}
	if opts.keep {
		fmt.Fprintf(stdout, "work directory (kept): %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}

	fmt.Fprintln(stdout, "==> building the provider, the peak-RSS wrapper and the ideal provider")
	provider := filepath.Join(work, "provider", "terraform-provider-entra")
	overrides := filepath.Join(work, "overrides")
	providerDir, providerPackage := root, "."
	if opts.profile {
		providerDir, providerPackage = benchRoot, "./cmd/profprovider"
	}
	if err := goBuild(ctx, providerDir, provider, providerPackage, "-ldflags", "-X main.version=bench"); err != nil {
		return err
	}
	if err := goBuild(ctx, benchRoot, filepath.Join(overrides, "terraform-provider-entra"), "./cmd/peakrss"); err != nil {
		return err
	}
	ideal := filepath.Join(work, "ideal", "terraform-provider-entra")
	if opts.scenarios["ideal"] {
		if err := goBuild(ctx, benchRoot, ideal, "./cmd/idealprovider"); err != nil {
			return err
		}
	}

	machine := bench.DescribeMachine()
	machine.CLIVersion = cliVersion(ctx, cli, work)
	machine.Provider = gitDescribe(ctx, root)

	settings := bench.Settings{
		Resources: opts.resources, SmallResources: opts.smallResources,
		Latency: opts.latency, Parallelism: opts.parallelism, Refresh: opts.refresh, Before: opts.before,
	}
	runner := &bench.Runner{
		CLI: cli, OverridesDir: overrides, Provider: provider, IdealProvider: ideal, WorkDir: work,
		Parallelism: opts.parallelism, Refresh: opts.refresh, Progress: stdout, RequestLogs: opts.keep,
		CountLogs: opts.countLogs, QuietLogs: opts.quietLogs,
	}
	if opts.profile {
		runner.ProfileDir = filepath.Join(work, "profiles")
		fmt.Fprintf(stdout, "profiles: %s/<scenario>-<phase>/<pid>.{cpu,heap}.pprof\n", runner.ProfileDir)
	}
	report := bench.Report{Settings: settings, Machine: machine, Command: command(opts)}

	latency := fakegraph.Faults{Latency: opts.latency}
	specs := []struct {
		into *bench.Scenario
		spec bench.ScenarioSpec
		skip bool
	}{
		{&report.Baseline, bench.ScenarioSpec{Name: fmt.Sprintf("terraform_data-n%d", opts.resources), Kind: bench.KindData, Resources: opts.resources},
			!opts.scenarios["baseline"]},
		{&report.Small, bench.ScenarioSpec{Name: fmt.Sprintf("connectors-n%d", opts.smallResources), Kind: bench.KindConnectors, Resources: opts.smallResources, Faults: latency},
			!opts.scenarios["small"] || opts.smallResources <= 0 || opts.smallResources == opts.resources},
		{&report.Ideal, bench.ScenarioSpec{Name: fmt.Sprintf("ideal-n%d", opts.resources), Kind: bench.KindIdeal, Resources: opts.resources, Faults: latency},
			!opts.scenarios["ideal"]},
		{&report.SmallIdeal, bench.ScenarioSpec{Name: fmt.Sprintf("ideal-n%d", opts.smallResources), Kind: bench.KindIdeal, Resources: opts.smallResources, Faults: latency},
			!opts.scenarios["small"] || !opts.scenarios["ideal"] || opts.smallResources <= 0 || opts.smallResources == opts.resources},
		{&report.Main, bench.ScenarioSpec{Name: fmt.Sprintf("connectors-n%d", opts.resources), Kind: bench.KindConnectors, Resources: opts.resources, Faults: latency},
			!opts.scenarios["main"]},
	}
	started := time.Now()
	for _, s := range specs {
		if s.skip {
			continue
		}
		// The small scenarios are only for memory.
		runs := opts.runs
		if s.into == &report.Small || s.into == &report.SmallIdeal {
			runs = 1
		}
		var results []bench.Scenario
		for i := range runs {
			spec := s.spec
			if runs > 1 {
				spec.Name = fmt.Sprintf("%s-run%d", s.spec.Name, i+1)
			}
			fmt.Fprintf(stdout, "==> %s\n", spec.Name)
			sc, err := runner.Run(ctx, spec)
			if err != nil {
				return fmt.Errorf("%s: %w", spec.Name, err)
			}
			sc.ScenarioSpec = s.spec
			results = append(results, sc)
		}
		*s.into = bench.Median(results)
	}
	if opts.scenarios["throttled"] {
		// The throttled scenarios are long and their figures are rates: each runs once.
		if report.Throttled, err = runThrottled(ctx, runner, opts, stdout); err != nil {
			return err
		}
		if opts.before != "" {
			before := *runner
			if before.Provider, err = buildAt(ctx, root, opts.before, work); err != nil {
				return err
			}
			report.Before = "`" + opts.before + "`"
			if report.ThrottledBefore, err = runThrottled(ctx, &before, opts, stdout); err != nil {
				return err
			}
		}
	}
	report.Machine.LoadAfter = bench.LoadAverage()
	report.Machine.Runs = opts.runs
	fmt.Fprintf(stdout, "==> done in %s\n\n", time.Since(started).Round(time.Second))

	section := report.Markdown()
	fmt.Fprintln(stdout, section)
	if opts.out != "" {
		if err := writeSection(filepath.Join(root, opts.out), bench.SectionKey(settings), section); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "results written to %s\n", opts.out)
	}

	var failed []string
	for _, c := range report.Checks() {
		if !c.Pass {
			failed = append(failed, c.Target)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "%d target(s) not met: %s\n", len(failed), strings.Join(failed, "; "))
		if opts.strict {
			return errors.New("targets not met (BENCH_STRICT=1)")
		}
	}
	return nil
}

// tenantConnectors is the most API connectors a tenant holds.
const tenantConnectors = 20

// runThrottled runs the provider under the emulator's rate limit, once each: a full tenant at the limits
// Graph documents, then the stress scenarios, a budget of R requests a second for each R and N, with the
// requests turned away counted against it and not.
func runThrottled(ctx context.Context, runner *bench.Runner, opts options, stdout io.Writer) ([]bench.Scenario, error) {
	specs := []bench.ScenarioSpec{{Name: fmt.Sprintf("tenant-n%d", tenantConnectors), Kind: bench.KindTenant, Resources: tenantConnectors,
		Faults: fakegraph.Faults{Latency: opts.latency, RateLimit: fakegraph.DocumentedRateLimit(), FractionalRetryAfter: opts.fractional}}}
	for _, rate := range opts.rates {
		for _, n := range opts.throttleSizes {
			for _, counted := range []bool{true, false} {
				name := fmt.Sprintf("stress-r%d-n%d-rejected-counted", rate, n)
				if !counted {
					name = fmt.Sprintf("stress-r%d-n%d-rejected-not-counted", rate, n)
				}
				specs = append(specs, bench.ScenarioSpec{Name: name, Kind: bench.KindConnectors, Resources: n,
					Faults: fakegraph.Faults{Latency: opts.latency, FractionalRetryAfter: opts.fractional,
						RateLimit: fakegraph.RateLimit{PerApp: rate, Window: time.Second, RejectedCount: counted}}})
			}
		}
	}
	var scenarios []bench.Scenario
	for _, spec := range specs {
		fmt.Fprintf(stdout, "==> %s (%s)\n", spec.Name, filepath.Base(filepath.Dir(runner.Provider)))
		sc, err := runner.Run(ctx, spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Name, err)
		}
		scenarios = append(scenarios, sc)
	}
	return scenarios, nil
}

// buildAt builds the provider as it was at a git revision, from an export of that tree, for a comparison.
func buildAt(ctx context.Context, root, revision, work string) (string, error) {
	src := filepath.Join(work, "before-src")
	if err := os.MkdirAll(src, 0o750); err != nil {
		return "", err
	}
	archive := exec.CommandContext(ctx, "git", "archive", "--format=tar", revision)
	archive.Dir = root
	tree, err := archive.Output()
	if err != nil {
		return "", fmt.Errorf("git archive %s: %w", revision, err)
	}
	untar := exec.CommandContext(ctx, "tar", "-x", "-C", src)
	untar.Stdin = strings.NewReader(string(tree))
	if out, err := untar.CombinedOutput(); err != nil {
		return "", fmt.Errorf("unpacking %s: %w\n%s", revision, err, out)
	}
	binary := filepath.Join(work, "before", "terraform-provider-entra")
	fmt.Fprintf(os.Stdout, "==> building the provider at %s\n", revision)
	return binary, goBuild(ctx, src, binary, ".", "-ldflags", "-X main.version=before")
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&o.resources, "n", envInt("BENCH_N", 200), "API connectors (and terraform_data resources) to run over, at most 1000 [BENCH_N]")
	fs.IntVar(&o.smallResources, "small-n", envInt("BENCH_SMALL_N", 50), "the small N whose provider memory N's is compared with; 0 skips it [BENCH_SMALL_N]")
	throttleSizes := fs.String("throttle-n", envString("BENCH_THROTTLE_N", "200"), "API connectors in the stress scenarios, comma-separated; each at most N [BENCH_THROTTLE_N]")
	fs.DurationVar(&o.latency, "latency", envDuration("BENCH_LATENCY", 50*time.Millisecond), "latency the emulator adds to every request [BENCH_LATENCY]")
	rates := fs.String("rate", envString("BENCH_RATE", "20"), "the stress scenarios' budgets, Graph requests a second for the application, comma-separated; empty runs none [BENCH_RATE]")
	fs.BoolVar(&o.fractional, "fractional-retry-after", envBool("BENCH_FRACTIONAL_RETRY_AFTER"), "the throttled scenarios' Retry-After in fractional seconds (\"0.512\"), as Graph has been seen to send it; by default whole seconds, rounded up, as Graph documents it [BENCH_FRACTIONAL_RETRY_AFTER=1]")
	fs.StringVar(&o.before, "before", envString("BENCH_BEFORE", ""), "a git revision whose provider build also runs the throttled scenarios, for a before-and-after table [BENCH_BEFORE]")
	fs.IntVar(&o.runs, "runs", envInt("BENCH_RUNS", 3), "how often each scenario but the throttled one runs; the report shows the median [BENCH_RUNS]")
	fs.IntVar(&o.parallelism, "parallelism", envInt("BENCH_PARALLELISM", 10), "the CLI's -parallelism [BENCH_PARALLELISM]")
	fs.BoolVar(&o.refresh, "refresh", envBool("BENCH_REFRESH"), "let the update and delete phases refresh first [BENCH_REFRESH=1]")
	fs.BoolVar(&o.strict, "strict", envBool("BENCH_STRICT"), "exit 1 when a target is not met [BENCH_STRICT=1]")
	fs.BoolVar(&o.profile, "profile", envBool("BENCH_PROFILE"), "run a provider build that writes CPU and allocation profiles into the kept work directory (implies -keep; the figures then include profiling overhead) [BENCH_PROFILE=1]")
	fs.BoolVar(&o.countLogs, "count-logs", envBool("BENCH_COUNT_LOGS"), "count the log each provider process writes (copies it through the wrapper, which slows it) [BENCH_COUNT_LOGS=1]")
	fs.BoolVar(&o.quietLogs, "quiet-logs", envBool("BENCH_QUIET_LOGS"), "turn the providers' logging off (TF_LOG_SDK*=OFF, TF_LOG_PROVIDER=OFF), to see what producing it costs [BENCH_QUIET_LOGS=1]")
	fs.BoolVar(&o.keep, "keep", envBool("BENCH_KEEP"), "keep the work directory with every CLI log and emulator request log [BENCH_KEEP=1]")
	fs.StringVar(&o.cli, "cli", envString("BENCH_CLI", ".bin/tofu"), "the CLI binary, relative to the module root unless absolute [BENCH_CLI]")
	fs.StringVar(&o.out, "out", envString("BENCH_OUT", "BENCHMARKS.md"), "file (relative to the module root) to write the results section to; empty for none [BENCH_OUT]")
	scenarios := fs.String("scenarios", envString("BENCH_SCENARIOS", "baseline,ideal,small,main,throttled"), "the scenarios to run, comma-separated: baseline (terraform_data), ideal (the ideal provider), small (memory reference), main, throttled [BENCH_SCENARIOS]")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.scenarios = map[string]bool{}
	for _, name := range strings.Split(*scenarios, ",") {
		switch name = strings.TrimSpace(name); name {
		case "baseline", "ideal", "small", "main", "throttled":
			o.scenarios[name] = true
		case "":
		default:
			return o, fmt.Errorf("unknown scenario %q in -scenarios (baseline, ideal, small, main, throttled)", name)
		}
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.rates, err = parseList(*rates, "-rate", strconv.Atoi); err != nil {
		return o, err
	}
	if o.throttleSizes, err = parseList(*throttleSizes, "-throttle-n", strconv.Atoi); err != nil {
		return o, err
	}
	if envErr != nil {
		return o, envErr
	}
	switch {
	case o.resources < 1 || o.resources > maxResources:
		return o, fmt.Errorf("-n must be between 1 and %d, not %d", maxResources, o.resources)
	case o.runs < 1:
		return o, fmt.Errorf("-runs must be at least 1, not %d", o.runs)
	case o.parallelism < 1:
		return o, fmt.Errorf("-parallelism must be at least 1, not %d", o.parallelism)
	case o.latency < 0:
		return o, fmt.Errorf("-latency must not be negative")
	case slices.ContainsFunc(o.rates, func(r int) bool { return r <= 0 }):
		return o, fmt.Errorf("-rate must list budgets above 0")
	case slices.ContainsFunc(o.throttleSizes, func(n int) bool { return n < 1 }):
		return o, fmt.Errorf("-throttle-n must list sizes of at least 1")
	}
	if o.profile {
		o.keep = true
	}
	for i := range o.throttleSizes {
		o.throttleSizes[i] = min(o.throttleSizes[i], o.resources)
	}
	o.throttleSizes = slices.Compact(o.throttleSizes)
	return o, nil
}

// parseList reads a comma-separated list of values.
func parseList[T any](text, flagName string, parse func(string) (T, error)) ([]T, error) {
	var values []T
	for _, field := range strings.Split(text, ",") {
		if field = strings.TrimSpace(field); field == "" {
			continue
		}
		v, err := parse(field)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", flagName, field)
		}
		values = append(values, v)
	}
	return values, nil
}

// command is how to run the same benchmark again.
func command(o options) string {
	vars := []string{fmt.Sprintf("BENCH_N=%d", o.resources)}
	if o.latency != 50*time.Millisecond {
		vars = append(vars, "BENCH_LATENCY="+o.latency.String())
	}
	if rates := fmt.Sprint(o.rates); rates != "[20]" {
		vars = append(vars, "BENCH_RATE="+strings.Trim(strings.ReplaceAll(rates, " ", ","), "[]"))
	}
	if o.fractional {
		vars = append(vars, "BENCH_FRACTIONAL_RETRY_AFTER=1")
	}
	if o.before != "" {
		vars = append(vars, "BENCH_BEFORE="+o.before)
	}
	if o.parallelism != 10 {
		vars = append(vars, fmt.Sprintf("BENCH_PARALLELISM=%d", o.parallelism))
	}
	if o.refresh {
		vars = append(vars, "BENCH_REFRESH=1")
	}
	if o.quietLogs {
		vars = append(vars, "BENCH_QUIET_LOGS=1")
	}
	if o.runs != 3 {
		vars = append(vars, fmt.Sprintf("BENCH_RUNS=%d", o.runs))
	}
	return strings.Join(vars, " ") + " make bench"
}

// envErr is the first environment variable that could not be read; parseFlags reports it.
var envErr error

func envString(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func envInt(name string, fallback int) int {
	v := os.Getenv(name)
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		envErr = firstError(envErr, fmt.Errorf("%s=%q is not a whole number", name, v))
		return fallback
	}
	return n
}

// envDuration takes a Go duration ("50ms") or a bare number of milliseconds ("50").
func envDuration(name string, fallback time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return fallback
	}
	if ms, err := strconv.Atoi(v); err == nil {
		return time.Duration(ms) * time.Millisecond
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		envErr = firstError(envErr, fmt.Errorf("%s=%q is not a duration such as 50ms", name, v))
		return fallback
	}
	return d
}

func envBool(name string) bool {
	v, _ := strconv.ParseBool(os.Getenv(name))
	return v
}

func firstError(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run bench from inside its module, tools/bench (make bench)")
	}
	return filepath.Dir(mod), nil
}

func goBuild(ctx context.Context, root, output, pkg string, flags ...string) error {
	args := append([]string{"build", "-o", output}, flags...)
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return nil
}

// cliVersion is the first line of `tofu version`. The CLI needs a configuration file that exists, or it
// prefixes its answer with a warning.
func cliVersion(ctx context.Context, cli, work string) string {
	config := filepath.Join(work, "empty.tfrc")
	if err := os.WriteFile(config, nil, 0o600); err != nil {
		return "unknown"
	}
	cmd := exec.CommandContext(ctx, cli, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+config, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}

func gitDescribe(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// writeSection replaces the run's section of the results file, creating the file when there is none.
func writeSection(file, key, section string) error {
	doc, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.WriteFile(file, []byte(bench.ReplaceSection(string(doc), key, section)), 0o644) //nolint:gosec // BENCHMARKS.md is a document in the repository, readable like the others
}
