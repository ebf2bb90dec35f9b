// Package acctest is the shared set-up of the acceptance tests: the CLI they drive (OpenTofu by default,
// Terraform when asked), the in-process provider, a Graph emulator per test, and checks that no secret
// reaches the state, a plan or the disk.
package acctest

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/entra-iac/terraform-provider-entra/internal/provider"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// CLIEnv selects the CLI: "tofu" (the default, built into .bin by `make tools`) or "terraform" (found on
// PATH). TF_ACC_TERRAFORM_PATH, when set, names the binary directly.
const CLIEnv = "ENTRA_ACC_CLI"

// ProviderFactories serve the provider in the test process, so that tests can inspect the emulator it
// talks to.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"entra": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// tempDir holds every working directory the CLI uses, so that CheckNoSecretOnDisk can read them all.
var tempDir string

// Setup prepares the environment that terraform-plugin-testing reads; call it from TestMain. It picks
// the CLI binary, gives it a CLI configuration of its own (a missing one breaks `tofu version -json`),
// and the provider address OpenTofu expects.
func Setup() error {
	if os.Getenv("TF_ACC") == "" {
		return nil
	}
	if !RealTenant() {
		isolateFromEnvironment()
	}
	dir, err := os.MkdirTemp("", "entra-acc-")
	if err != nil {
		return err
	}
	tempDir = dir
	cliConfig := filepath.Join(dir, "cli.tfrc")
	// No plugin cache and no network: the only provider is served in-process.
	if err := os.WriteFile(cliConfig, []byte("disable_checkpoint = true\n"), 0o600); err != nil {
		return err
	}
	env := map[string]string{
		"TF_ACC_TEMP_DIR":    dir,
		"TF_CLI_CONFIG_FILE": cliConfig,
		"CHECKPOINT_DISABLE": "1",
	}
	if !RealTenant() {
		// The client secret reaches the provider from the environment, as it should in real use: a
		// secret written in the provider block is copied into every plan file.
		env["ARM_CLIENT_SECRET"] = fakegraph.DefaultClientSecret
	}
	binary := os.Getenv("TF_ACC_TERRAFORM_PATH")
	cli := os.Getenv(CLIEnv)
	if binary == "" {
		switch cli {
		case "", "tofu":
			binary = filepath.Join(moduleRoot(), ".bin", "tofu")
			if _, err := os.Stat(binary); err != nil {
				return fmt.Errorf("OpenTofu is not built at %s: run `make tools` (or set %s=terraform)", binary, CLIEnv)
			}
		case "terraform":
			binary, err = exec.LookPath("terraform")
			if err != nil {
				return fmt.Errorf("%s=terraform but no terraform binary is on PATH", CLIEnv)
			}
		default:
			return fmt.Errorf("%s must be tofu or terraform, not %q", CLIEnv, cli)
		}
		env["TF_ACC_TERRAFORM_PATH"] = binary
	}
	if strings.HasPrefix(filepath.Base(binary), "tofu") {
		env["TF_ACC_PROVIDER_NAMESPACE"] = "hashicorp"
		env["TF_ACC_PROVIDER_HOST"] = "registry.opentofu.org"
	}
	for name, value := range env {
		if err := os.Setenv(name, value); err != nil {
			return err
		}
	}
	return nil
}

// inheritedCredentials are the prefixes of environment variables the provider reads. Tests against the
// emulator clear them, so that a developer's own sign-in never changes what a test does.
// Besides the provider's own, they are the variables an Azure host sets for its managed identity and the
// ones Azure Pipelines sets for its federated tokens, which the sign-in library reads itself.
var inheritedCredentials = []string{"ARM_", "AZURE_", "ACTIONS_ID_TOKEN_", "ENTRA_GRAPH_", "ENTRA_AUTHORITY_", "ENTRA_API_",
	"IDENTITY_", "IMDS_ENDPOINT", "MSI_", "SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN"}

// RealTenantEnv turns on the tests against a real tenant, which sign in with the ARM_* variables.
const RealTenantEnv = "ENTRA_TEST_REAL_TENANT"

// RealTenant reports whether this run is against a real tenant rather than the emulator.
func RealTenant() bool { return os.Getenv(RealTenantEnv) == "1" }

// RequireRealTenant skips a test unless the run is against a real tenant with credentials.
func RequireRealTenant(t *testing.T) {
	t.Helper()
	if !RealTenant() || tempDir == "" {
		t.Skipf("tests against a real tenant need TF_ACC=1, %s=1 and ARM_TENANT_ID, ARM_CLIENT_ID and a credential", RealTenantEnv)
	}
	if os.Getenv("ARM_TENANT_ID") == "" || os.Getenv("ARM_CLIENT_ID") == "" {
		t.Fatalf("%s=1 but ARM_TENANT_ID or ARM_CLIENT_ID is not set", RealTenantEnv)
	}
}

func isolateFromEnvironment() {
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		for _, prefix := range inheritedCredentials {
			if strings.HasPrefix(name, prefix) {
				os.Unsetenv(name)
			}
		}
	}
}

// Cleanup removes what Setup made.
func Cleanup() {
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
}

// moduleRoot is the repository root, found from this file's location.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Run is TestMain's body for a package with acceptance tests.
func Run(m interface{ Run() int }) int {
	caDir, err := TrustEmulators()
	if err != nil {
		fmt.Fprintln(os.Stderr, "trusting the emulator:", err)
		return 1
	}
	defer os.RemoveAll(caDir)
	if err := Setup(); err != nil {
		fmt.Fprintln(os.Stderr, "acceptance test set-up:", err)
		return 1
	}
	defer Cleanup()
	return m.Run()
}

// TrustEmulators makes this process, and the CLI it runs, trust the emulators' certificate authority: it writes
// the CA's certificate to a new directory, which it returns, and names it in SSL_CERT_FILE. Go reads its roots
// once, at the first TLS handshake, so this must run before any; the system's certificate directories are still
// read, so real hosts stay trusted.
func TrustEmulators() (string, error) {
	dir, err := os.MkdirTemp("", "entra-ca-")
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, "fakegraph-ca.pem")
	if err := fakegraph.WriteCACertificate(file); err != nil {
		return dir, err
	}
	return dir, os.Setenv("SSL_CERT_FILE", file)
}

// StartEmulator starts a Graph emulator for one test, in a tenant of its own unless opts names one.
func StartEmulator(t testing.TB, opts fakegraph.Options) *fakegraph.Server {
	t.Helper()
	if RealTenant() {
		t.Skipf("%s=1: only the tests against the real tenant run", RealTenantEnv)
	}
	if opts.TenantID == "" {
		opts.TenantID = newTenantID(t)
	}
	server := fakegraph.NewServer(opts)
	t.Cleanup(server.Close)
	return server
}

// newTenantID is a random tenant id. The provider shares token sources process-wide by sign-in host,
// tenant, application and credential, and an emulator may listen on the port of an earlier test's, since
// closed: a tenant of its own keeps each emulator's tokens, and their count, apart.
func newTenantID(t testing.TB) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ProviderBlock configures the provider for an emulator that uses the default client secret, which
// Setup puts in ARM_CLIENT_SECRET. Azure CLI sign-in is off so that nothing outside the test is consulted.
func ProviderBlock(server *fakegraph.Server) string {
	opts := server.Options()
	return fmt.Sprintf(`
provider "entra" {
  tenant_id      = %q
  client_id      = %q
  graph_endpoint = %q
  authority_host = %q
  use_cli        = false
}
`, opts.TenantID, opts.ClientID, server.URL(), server.URL())
}
