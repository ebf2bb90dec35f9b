package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// rateMemory keeps what a client learned about Graph's rate limit in a small file, so that the
// provider's next process (OpenTofu starts one per command, and one per phase of an apply) starts at the
// rate Graph admits instead of finding it out again with a burst of 429s. The file holds no secret: a
// rate, a burst and a time.
type rateMemory struct {
	path string
	// pruned says whether the stale records of the directory were removed, which one write a process does.
	pruned bool
}

// rateRecord is what the memory holds.
type rateRecord struct {
	// Rate is the rate the pacer spent, in requests per second; Burst how many requests Graph's bucket
	// holds when full.
	Rate, Burst float64
	// Measured is when Graph's rate was last measured; zero when Rate is a first guess.
	Measured time.Time
	// At is when the latest request the process scheduled goes, or the latest answer came; Full is when
	// Graph's bucket, as the process modelled it, is full again.
	At, Full time.Time
}

// rememberFor is how long a process trusts what an earlier one learned. Graph's limits are per
// application and tenant and rarely change, but other users of the same application come and go.
const rememberFor = 5 * time.Minute

// load returns the record when there is a recent one.
func (m *rateMemory) load() (rateRecord, bool) {
	data, err := os.ReadFile(m.path)
	if err != nil {
		return rateRecord{}, false
	}
	var r rateRecord
	if json.Unmarshal(data, &r) != nil || r.Rate <= 0 || r.Full.IsZero() || time.Since(r.At) > rememberFor || r.At.After(time.Now().Add(rememberFor)) {
		return rateRecord{}, false
	}
	return r, true
}

// save writes the record; the memory is a help, so a failure is logged and otherwise ignored.
func (m *rateMemory) save(ctx context.Context, r rateRecord) {
	err := func() error {
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		dir := filepath.Dir(m.path)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		// A rename replaces the file whole, so that another process never reads half of it.
		tmp, err := os.CreateTemp(dir, ".rate-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), m.path)
	}()
	if err != nil {
		tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Could not remember Graph's rate limit for the next process",
			map[string]any{"error": err.Error()})
	}
	if !m.pruned {
		m.pruned = true
		m.forgetStale()
	}
}

// forgetStale removes the records, of any application and endpoint, that no process would trust any more.
func (m *rateMemory) forgetStale() {
	dir := filepath.Dir(m.path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), rateFilePrefix) || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// rateFilePrefix starts the name of every rate memory file.
const rateFilePrefix = "graph-rate-"

// RateMemoryPath is the file in dir in which clients remember Graph's rate limit for scope: the Graph
// endpoint, the tenant and the application, which Graph's limits are counted per.
func RateMemoryPath(dir string, scope ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(scope, "\n")))
	return filepath.Join(dir, rateFilePrefix+hex.EncodeToString(sum[:8])+".json")
}
