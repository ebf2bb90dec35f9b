package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// findSecrets returns the secrets that text holds.
func findSecrets(text string, secrets []string) []string {
	var found []string
	for _, secret := range secrets {
		if secret != "" && strings.Contains(text, secret) {
			found = append(found, fmt.Sprintf("%.4s…", secret))
		}
	}
	return found
}

// noSecretInPlan fails when the plan, as `show -json` prints it (sensitive values included), holds a
// secret. The plan's copy of the configuration is left out: a literal written in a .tf file is the
// user's own text, not something the provider stored (tests that need the whole file use an ephemeral
// variable instead).
type noSecretInPlan struct{ secrets []string }

// NoSecretInPlan checks the plan JSON for the secrets.
func NoSecretInPlan(secrets ...string) plancheck.PlanCheck { return noSecretInPlan{secrets} }

func (c noSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	plan := *req.Plan
	plan.Config = nil
	raw, err := json.Marshal(plan)
	if err != nil {
		resp.Error = err
		return
	}
	if found := findSecrets(string(raw), c.secrets); len(found) > 0 {
		resp.Error = fmt.Errorf("the plan JSON holds secrets: %s", strings.Join(found, ", "))
	}
}

// noSecretInState fails when the state, as `show -json` prints it, holds a secret.
type noSecretInState struct{ secrets []string }

// NoSecretInState checks the state JSON for the secrets.
func NoSecretInState(secrets ...string) statecheck.StateCheck { return noSecretInState{secrets} }

func (c noSecretInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if found := findSecrets(string(raw), c.secrets); len(found) > 0 {
		resp.Error = fmt.Errorf("the state JSON holds secrets: %s", strings.Join(found, ", "))
	}
}

// configFiles are the test's own configuration, where secrets are written on purpose.
var configFiles = []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"}

// CheckNoSecretOnDisk reads every file in the CLI's working directories (state files and their backups,
// saved plans, lock files, private state included) but the configuration itself, and fails when one holds
// a secret.
func CheckNoSecretOnDisk(secrets ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if tempDir == "" {
			return fmt.Errorf("acctest.Setup has not run")
		}
		// Reading through an os.Root keeps the walk inside the directory whatever its links say.
		root, err := os.OpenRoot(tempDir)
		if err != nil {
			return err
		}
		defer root.Close()
		var leaks []string
		files := 0
		err = fs.WalkDir(root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
				return nil
			}
			for _, suffix := range configFiles {
				if strings.HasSuffix(path, suffix) {
					return nil
				}
			}
			files++
			content, err := root.ReadFile(path)
			if err != nil {
				return nil
			}
			if found := findSecrets(string(content), secrets); len(found) > 0 {
				leaks = append(leaks, fmt.Sprintf("%s holds %s", path, strings.Join(found, ", ")))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if files == 0 {
			return fmt.Errorf("no files under %s: the check would prove nothing", tempDir)
		}
		if len(leaks) > 0 {
			return fmt.Errorf("secrets on disk: %s", strings.Join(leaks, "; "))
		}
		return nil
	}
}

// RandomSecret returns a recognisable secret that exists only in this test run, so that finding it
// anywhere is proof of a leak.
func RandomSecret(t testing.TB, label string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return label + "-" + hex.EncodeToString(b)
}
