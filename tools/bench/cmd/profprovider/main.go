// Command profprovider is the provider (the same server as the module's main.go) with Go profiling, for
// finding where `make bench` spends its time: `go run ./tools/bench/cmd/bench -profile` runs it instead
// of the plain build. Each process writes a CPU profile and, at exit, a heap profile into
// $BENCH_PROFILE_DIR as <pid>.cpu.pprof and <pid>.heap.pprof; read them with `go tool pprof`. A sampler
// also watches the live heap and the goroutine count, and writes <pid>.peak.pprof (the heap when it was
// largest) and <pid>.peak.txt (the largest heap and goroutine count seen).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entra-iac/terraform-provider-entra/internal/provider"
)

func main() {
	// Finer than the default 512 KiB, so that what a few hundred resources leave behind shows.
	runtime.MemProfileRate = 16 << 10
	dir := os.Getenv("BENCH_PROFILE_DIR")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "profprovider: BENCH_PROFILE_DIR must be set")
		os.Exit(1)
	}
	prefix := filepath.Join(dir, strconv.Itoa(os.Getpid()))
	cpu, err := os.Create(prefix + ".cpu.pprof")
	if err != nil {
		fmt.Fprintln(os.Stderr, "profprovider:", err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, "profprovider:", err)
		os.Exit(1)
	}

	stopSampling := samplePeaks(prefix)
	serveErr := providerserver.Serve(context.Background(), provider.New("bench-profile"), providerserver.ServeOpts{
		Address:         "registry.terraform.io/entra-iac/entra",
		ProtocolVersion: 6,
	})

	stopSampling()
	pprof.StopCPUProfile()
	_ = cpu.Close()
	if heap, err := os.Create(prefix + ".heap.pprof"); err == nil {
		runtime.GC()
		_ = pprof.Lookup("allocs").WriteTo(heap, 0)
		_ = heap.Close()
	}
	if serveErr != nil {
		fmt.Fprintln(os.Stderr, "profprovider:", serveErr)
		os.Exit(1)
	}
}

// samplePeaks reads the live heap and the goroutine count every few milliseconds. Whenever the heap is a
// tenth larger than at the last snapshot it writes a heap profile, so that the last one written shows what
// filled the heap at its largest. The returned function stops it and writes the peaks.
func samplePeaks(prefix string) (stop func()) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/sched/goroutines:goroutines"}, {Name: "/gc/heap/live:bytes"}}
	done, finished := make(chan struct{}), make(chan struct{})
	var peakHeap, peakGoroutines, peakLive, snapshotHeap uint64
	go func() {
		defer close(finished)
		ticker := time.NewTicker(5 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			metrics.Read(samples)
			heap, goroutines := samples[0].Value.Uint64(), samples[1].Value.Uint64()
			peakHeap, peakGoroutines, peakLive = max(peakHeap, heap), max(peakGoroutines, goroutines), max(peakLive, samples[2].Value.Uint64())
			if heap > snapshotHeap+snapshotHeap/10 {
				snapshotHeap = heap
				if f, err := os.Create(prefix + ".peak.pprof"); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					_ = f.Close()
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		summary := fmt.Sprintf("peak heap objects: %d bytes\npeak live heap after a GC: %d bytes\npeak goroutines: %d\n", peakHeap, peakLive, peakGoroutines)
		_ = os.WriteFile(prefix+".peak.txt", []byte(summary), 0o600)
	}
}
