// Command peakrss stands in for the provider binary during `make bench`. The CLI starts it under the
// provider's name (from the dev_overrides directory); it runs the real provider as its child with the same
// arguments, environment and standard streams, so that go-plugin's handshake on stdout passes through
// untouched, and when the child exits it records the child's peak resident set size.
//
// It is told what to run and where to record through the environment, which the CLI passes on to every
// provider it starts:
//
//	BENCH_PEAKRSS_PROVIDER  the real provider binary
//	BENCH_PEAKRSS_DIR       a directory that gets one <pid>.json file per provider process
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/entra-iac/terraform-provider-entra/tools/bench"
)

func main() {
	os.Exit(run())
}

func run() int {
	provider, dir := os.Getenv("BENCH_PEAKRSS_PROVIDER"), os.Getenv("BENCH_PEAKRSS_DIR")
	if provider == "" || dir == "" {
		fmt.Fprintln(os.Stderr, "peakrss: BENCH_PEAKRSS_PROVIDER and BENCH_PEAKRSS_DIR must be set; this binary only runs under make bench")
		return 1
	}

	// The CLI stops a provider through go-plugin's gRPC shutdown call, which reaches the child directly;
	// an interrupt from a terminal reaches the whole process group. Either way the wrapper must outlive
	// the child to record it, so it passes signals on rather than dying of them.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	start := time.Now()
	// The child's life is the CLI's to end, through go-plugin; the wrapper never cancels it.
	cmd := exec.CommandContext(context.Background(), provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Counting the log the provider writes means copying it, which the CLI's reading then waits on too;
	// it is only done when asked for.
	var logBytes countingWriter
	copied := make(chan struct{})
	if os.Getenv("BENCH_PEAKRSS_COUNT_STDERR") == "1" {
		logBytes.w = os.Stderr
		cmd.Stderr = nil
		stderr, err := cmd.StderrPipe()
		if err != nil {
			fmt.Fprintln(os.Stderr, "peakrss:", err)
			return 1
		}
		go func() {
			defer close(copied)
			_, _ = io.Copy(&logBytes, stderr)
		}()
	} else {
		close(copied)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		return 1
	}
	go func() {
		for sig := range signals {
			_ = cmd.Process.Signal(sig)
		}
	}()
	<-copied
	waitErr := cmd.Wait()

	process := bench.ProviderProcess{PID: cmd.Process.Pid, Start: start, End: time.Now()}
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		// Linux reports ru_maxrss in kilobytes.
		process.PeakRSSKB = usage.Maxrss
	}
	process.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	process.ExitCode = cmd.ProcessState.ExitCode()
	process.StderrBytes = logBytes.n
	if err := record(dir, process); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
	}

	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		fmt.Fprintln(os.Stderr, "peakrss:", waitErr)
		return 1
	}
	if code := process.ExitCode; code >= 0 {
		return code
	}
	return 1
}

// record writes the process to its own file, so that concurrent providers never share one.
func record(dir string, p bench.ProviderProcess) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+strconv.Itoa(p.PID)+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, strconv.Itoa(p.PID)+".json"))
}

// countingWriter passes writes on and counts their bytes.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
