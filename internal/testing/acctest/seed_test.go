package acctest

import "testing"

func TestFaultSeed_fromTheEnvironmentOrNew(t *testing.T) {
	t.Setenv(FaultSeedEnv, "42")
	if got := FaultSeed(t); got != 42 {
		t.Errorf("with %s=42: seed %d", FaultSeedEnv, got)
	}
	t.Setenv(FaultSeedEnv, "")
	if a, b := FaultSeed(t), FaultSeed(t); a == 0 || a == b {
		t.Errorf("new seeds %d and %d: want two different non-zero ones", a, b)
	}
}
