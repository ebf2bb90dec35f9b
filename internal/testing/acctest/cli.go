package acctest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/entra-iac/terraform-provider-entra/internal/provider"
)

// CLI runs the CLI binary by hand in a directory of its own, against the provider served from the test
// process: for what the testing framework cannot express, such as generated configuration or logs.
type CLI struct {
	t   testing.TB
	Dir string
	env []string
}

// NewCLI serves the provider for one test and prepares a working directory. The provider runs in the
// test process, so its configuration goes in the provider block (ProviderBlock), not the CLI's
// environment.
func NewCLI(t *testing.T) *CLI {
	t.Helper()
	return NewCLIServing(t, provider.New("test"))
}

// NewCLIServing is NewCLI with a provider of the test's making, such as one whose resources read a
// clock the test moves.
func NewCLIServing(t *testing.T, newProvider func() fwprovider.Provider) *CLI {
	t.Helper()
	if tempDir == "" {
		t.Skip("acceptance tests need TF_ACC=1")
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	address := providerAddress()
	go func() {
		err := tf6server.Serve(address, providerserver.NewProtocol6(newProvider()),
			tf6server.WithDebug(ctx, reattach, closed),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t))
		if err != nil {
			t.Errorf("serving the provider: %v", err)
			close(reattach)
		}
	}()
	config, ok := <-reattach
	if !ok {
		cancel()
		t.FailNow()
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})

	info, err := json.Marshal(map[string]any{address: map[string]any{
		"Protocol":        config.Protocol,
		"ProtocolVersion": config.ProtocolVersion,
		"Pid":             config.Pid,
		"Test":            true,
		"Addr":            map[string]string{"Network": config.Addr.Network(), "String": config.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(tempDir, "cli-")
	if err != nil {
		t.Fatal(err)
	}
	return &CLI{t: t, Dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+string(info),
		"TF_IN_AUTOMATION=1",
	)}
}

// providerAddress is where the CLI looks for the provider: OpenTofu's registry for tofu, Terraform's
// otherwise, in the namespace Setup chose.
func providerAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	namespace := os.Getenv("TF_ACC_PROVIDER_NAMESPACE")
	if namespace == "" {
		namespace = "hashicorp"
	}
	return host + "/" + namespace + "/entra"
}

// Write puts a file in the working directory.
func (c *CLI) Write(name, content string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Read returns a file of the working directory.
func (c *CLI) Read(name string) string {
	c.t.Helper()
	content, err := os.ReadFile(filepath.Join(c.Dir, name))
	if err != nil {
		c.t.Fatal(err)
	}
	return string(content)
}

// Run runs the CLI with args and extra environment variables and returns its combined output.
func (c *CLI) Run(env []string, args ...string) (string, error) {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), os.Getenv("TF_ACC_TERRAFORM_PATH"), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(append([]string{}, c.env...), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// MustRun is Run that fails the test when the command fails.
func (c *CLI) MustRun(args ...string) string {
	c.t.Helper()
	out, err := c.Run(nil, args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")), strings.Join(args, " "), err, out)
	}
	return out
}
