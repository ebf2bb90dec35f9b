package apiconnector_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// TestAccIdentityAPIConnector_noSecretLeaks applies, rotates, switches, imports and destroys connectors
// with known secrets while everything logs at TRACE, then looks for every secret (the passwords, the
// PKCS#12 file and its password, the client secret, every access token issued) in the state, the plans,
// the working directories and the logs of both the CLI and the provider. The target URL carries an Azure
// Functions key in its query: the state and plans hold it (the user was warned), the logs must not.
func TestAccIdentityAPIConnector_noSecretLeaks(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_PROVIDER_ENTRA_GRAPH", "TRACE")

	server := acctest.StartEmulator(t, fakegraph.Options{})
	password1 := acctest.RandomSecret(t, "leak-password1")
	password2 := acctest.RandomSecret(t, "leak-password2")
	pfx := testcert.New(t, testcert.Options{})
	functionKey := acctest.RandomSecret(t, "function-key")
	t.Setenv("TF_VAR_function_key", functionKey)
	secrets := func() []string {
		return append([]string{password1, password2, pfx.Base64, pfx.Password, fakegraph.DefaultClientSecret}, server.IssuedTokens()...)
	}
	checks := func() resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{acctest.NoSecretInPlan(secrets()...)}}
	}
	// The file's base64 runs to kilobytes; its first 64 characters are enough to find any copy.
	pfxPrefix := pfx.Base64[:64]

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return errors.Join(scanLog(logFile, append(secrets(), pfxPrefix)), scanProviderLog(logFile, functionKey))
		},
		Steps: []resource.TestStep{
			{
				Config:            leakBasicConfig(server),
				PreConfig:         setVariables(t, map[string]string{"password": password1, "password_version": "1"}),
				ConfigPlanChecks:  checks(),
				ConfigStateChecks: []statecheck.StateCheck{acctest.NoSecretInState(secrets()...)},
			},
			{
				Config:            leakBasicConfig(server),
				PreConfig:         setVariables(t, map[string]string{"password": password2, "password_version": "2"}),
				ConfigPlanChecks:  checks(),
				ConfigStateChecks: []statecheck.StateCheck{acctest.NoSecretInState(secrets()...)},
			},
			{
				Config:            leakCertificateConfig(server),
				PreConfig:         setVariables(t, map[string]string{"pfx_value": pfx.Base64, "pfx_password": pfx.Password}),
				ConfigPlanChecks:  checks(),
				ConfigStateChecks: []statecheck.StateCheck{acctest.NoSecretInState(secrets()...)},
			},
			{
				ResourceName:    connectorAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				// Graph cannot show that it holds the configured certificate, so the plan sends it.
				ExpectNonEmptyPlan: true,
			},
			{
				Config: leakCertificateConfig(server),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return acctest.CheckNoSecretOnDisk(append(secrets(), pfxPrefix)...)(nil) },
					func(*terraform.State) error {
						return errors.Join(scanLog(logFile, append(secrets(), pfxPrefix)), scanProviderLog(logFile, functionKey))
					},
				),
			},
		},
	})
}

// leakBasicConfig takes the password from an ephemeral variable, the way a secret should reach a
// configuration: then no file or log of the CLI holds it unless the provider put it there.
func leakBasicConfig(server *fakegraph.Server) string {
	return acctest.ProviderBlock(server) + `
variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "password_version" {
  type = number
}
` + functionKeyVariable + acctest.Connector{DisplayName: "Leak", TargetURL: leakURL,
		Basic: &acctest.Basic{Username: "leak-user", Password: acctest.Expr("var.password"), Version: acctest.Expr("var.password_version")}}.HCL()
}

// leakCertificateConfig is leakBasicConfig with a certificate.
func leakCertificateConfig(server *fakegraph.Server) string {
	return acctest.ProviderBlock(server) + pfxVariablesHCL + functionKeyVariable +
		acctest.Connector{DisplayName: "Leak", TargetURL: leakURL, PKCS12: pkcs12FromVariables}.HCL()
}

// leakURL carries an Azure Functions key in its query, as a secret of its own.
const leakURL = "https://api.contoso.com/leak?code=${var.function_key}"

const functionKeyVariable = `
variable "function_key" {
  type = string
}
`

// setVariables gives the CLI the variables through TF_VAR_ environment variables, which every command
// the testing framework runs (imports included) inherits.
func setVariables(t *testing.T, values map[string]string) func() {
	return func() {
		for name, value := range values {
			t.Setenv("TF_VAR_"+name, value)
		}
	}
}

// scanLog fails when the log holds a secret, and when it holds no masked Graph body: a scan of a log
// that never saw a request would prove nothing.
func scanLog(path string, secrets []string) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	log := string(content)
	if !strings.Contains(log, "Graph request body") || !strings.Contains(log, `\"password\":\"***\"`) {
		return fmt.Errorf("the TRACE log (%d bytes) holds no masked Graph request body", len(log))
	}
	for _, secret := range secrets {
		if secret != "" && strings.Contains(log, secret) {
			i := strings.Index(log, secret)
			return fmt.Errorf("the TRACE log holds the secret %.8s…: %q", secret, log[max(0, i-600):i+40])
		}
	}
	return nil
}

// providerLogEntry matches the first line of an entry the provider wrote: its own loggers (entra,
// entra.graph) and the framework's, which run in the provider process. The CLI's own entries (its plan
// renderings, its warnings about values) show the target URL as the state holds it.
var providerLogEntry = regexp.MustCompile(`^\S+ \[[A-Z]+\] +(entra|entra\.[a-z_]+|sdk\.framework|sdk\.proto): `)

// scanProviderLog fails when an entry the provider wrote holds a secret, and when there is no entry
// of Graph's request bodies to scan.
func scanProviderLog(path string, secrets ...string) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var entries []string
	inProvider := false
	for line := range strings.Lines(string(content)) {
		if timestamped.MatchString(line) {
			inProvider = providerLogEntry.MatchString(line)
			if inProvider {
				entries = append(entries, "")
			}
		}
		if inProvider {
			entries[len(entries)-1] += line
		}
	}
	bodies := 0
	for _, entry := range entries {
		if strings.Contains(entry, "Graph request body") {
			bodies++
		}
		for _, secret := range secrets {
			if strings.Contains(entry, secret) {
				return fmt.Errorf("a provider log entry holds the secret %.8s…: %q", secret, entry[:min(len(entry), 600)])
			}
		}
	}
	if bodies == 0 {
		return fmt.Errorf("no provider log entry holds a Graph request body (%d entries): the scan proves nothing", len(entries))
	}
	return nil
}

// timestamped matches the first line of any log entry.
var timestamped = regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)

// TestAccIdentityAPIConnector_credentialInTargetURLWarns: a key in target_url's query (Microsoft's own
// B2C samples put an Azure Functions key there) is stored in the state and shown in plans, so the plan
// warns and points at the auth blocks; an ordinary query does not.
func TestAccIdentityAPIConnector_credentialInTargetURLWarns(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	for url, want := range map[string]string{
		"https://contoso-fn.azurewebsites.net/api/Validate?code=abc123": `"code"`,
		"https://api.contoso.com/x?sig=abc&sv=2022-11-02":               `"sig"`,
		"https://api.contoso.com/x?api-key=abc&region=eu":               `"api-key"`,
		"https://api.contoso.com/x?region=eu&page=2":                    "",
	} {
		t.Run(url, func(t *testing.T) {
			cli := acctest.NewCLI(t)
			cli.Write("main.tf", basicConfig(server, "Warned", url, "u", "p", 1))
			cli.MustRun("init", "-input=false", "-no-color")
			out := cli.MustRun("plan", "-input=false", "-no-color")
			flat := strings.Join(strings.Fields(out), " ")
			warned := strings.Contains(flat, "Warning: Credential in the target_url query")
			switch {
			case want == "" && warned:
				t.Errorf("a query without credentials drew the warning:\n%s", out)
			case want != "" && (!warned || !strings.Contains(flat, "query parameter "+want) || !strings.Contains(flat, "basic_auth")):
				t.Errorf("no warning naming %s and pointing at basic_auth:\n%s", want, out)
			}
		})
	}
}
