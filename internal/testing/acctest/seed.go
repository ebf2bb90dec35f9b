package acctest

import (
	"crypto/rand"
	"encoding/binary"
	"os"
	"strconv"
	"testing"
)

// FaultSeedEnv names a seed for the emulator's random fault decisions, to replay a failed run.
const FaultSeedEnv = "ENTRA_FAULT_SEED"

// FaultSeed is the seed for a fault-injected test's emulator (fakegraph.Faults.Seed): the one in
// ENTRA_FAULT_SEED, or else a new random one. The test logs it, so that a failure shows the seed that
// replays the same fault decisions. It is never 0, which the emulator reads as "unseeded".
func FaultSeed(t testing.TB) int64 {
	t.Helper()
	seed, source := int64(0), "random"
	if v := os.Getenv(FaultSeedEnv); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n == 0 {
			t.Fatalf("%s=%q: want a non-zero integer, as a failed run logs it", FaultSeedEnv, v)
		}
		seed, source = n, "from "+FaultSeedEnv
	}
	for seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	}
	t.Logf("fault seed %d (%s); replay with %s=%d", seed, source, FaultSeedEnv, seed)
	return seed
}
