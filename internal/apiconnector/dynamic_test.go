package apiconnector_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// moduleConfig calls the reusable module in examples/modules/api-connector, which chooses its auth block
// with two `dynamic` blocks, with the kind from kindExpression.
func moduleConfig(t *testing.T, server *fakegraph.Server, cli *acctest.CLI, kindExpression string) string {
	t.Helper()
	module, err := filepath.Abs(filepath.Join("..", "..", "examples", "modules", "api-connector"))
	if err != nil {
		t.Fatal(err)
	}
	source, err := filepath.Rel(cli.Dir, module)
	if err != nil {
		t.Fatal(err)
	}
	return `
terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}
` + acctest.ProviderBlock(server) + fmt.Sprintf(`
variable "kind" {
  type = string
}

variable "password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "certificate" {
  type      = object({ pfx_base64 = string, password = string })
  sensitive = true
  ephemeral = true
  default   = null
}

resource "terraform_data" "kind" {
  input = var.kind
}

module "connector" {
  source = %q

  display_name                = "Either kind"
  target_url                  = "https://api.contoso.com/either"
  authentication              = %s
  basic_auth_username         = "module-user"
  basic_auth_password         = var.password
  current_certificate         = var.certificate
  current_certificate_version = 1
}
`, "./"+filepath.ToSlash(source), kindExpression)
}

// TestAccIdentityAPIConnector_moduleChoosesKindWithDynamicBlocks: a module that picks basic_auth or
// pkcs12 with two dynamic blocks validates, and plans and applies either kind, whether the kind is known
// at plan (a variable) or only at apply (a terraform_data output); the plan afterwards is empty.
func TestAccIdentityAPIConnector_moduleChoosesKindWithDynamicBlocks(t *testing.T) {
	// The module requires the provider by its registry address.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "entra-iac")
	pfx := testcert.New(t, testcert.Options{})
	certificate, err := json.Marshal(map[string]string{"pfx_base64": pfx.Base64, "password": pfx.Password})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind, expression, stored string
	}{
		{"basic", "var.kind", fakegraph.AuthBasic},
		{"certificate", "var.kind", fakegraph.AuthCertificate},
		{"basic", "terraform_data.kind.output", fakegraph.AuthBasic},
		{"certificate", "terraform_data.kind.output", fakegraph.AuthCertificate},
	} {
		t.Run(tc.kind+" from "+tc.expression, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			cli := acctest.NewCLI(t)
			cli.Write("main.tf", moduleConfig(t, server, cli, tc.expression))
			cli.MustRun("init", "-input=false", "-no-color")
			// validate knows no variable: every for_each is unknown.
			cli.MustRun("validate", "-no-color")
			env := []string{"TF_VAR_kind=" + tc.kind, "TF_VAR_password=module-password", "TF_VAR_certificate=" + string(certificate)}
			if out, err := cli.Run(env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			stored, err := onlyConnector(server)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Auth.Kind != tc.stored {
				t.Errorf("the connector uses %q authentication, want %q", stored.Auth.Kind, tc.stored)
			}
			if out, err := cli.Run(env, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
				t.Errorf("the plan after apply is not empty (%v):\n%s", err, out)
			}
			if out, err := cli.Run(env, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
				t.Fatalf("destroy: %v\n%s", err, out)
			}
		})
	}
}

// bothDynamicBlocks is a connector whose two dynamic auth blocks both expand when condition holds.
func bothDynamicBlocks(server *fakegraph.Server, condition string) string {
	return acctest.ProviderBlock(server) + fmt.Sprintf(`
variable "on" {
  type    = bool
  default = false
}

resource "terraform_data" "switch" {
  input = "on"
}

resource "entra_identity_api_connector" "test" {
  display_name = "Both"
  target_url   = "https://api.contoso.com/both"

  dynamic "basic_auth" {
    for_each = %[1]s ? [1] : []
    content {
      username    = "u"
      password_wo = "p"
    }
  }

  dynamic "pkcs12" {
    for_each = %[1]s ? [1] : []
    content {
      value_wo = "AAAA"
    }
  }
}
`, condition)
}

// TestAccIdentityAPIConnector_bothDynamicBlocksStillFail: two auth blocks are refused, before any call
// to Graph, whether the dynamic blocks expand at validate, at plan or only at apply.
func TestAccIdentityAPIConnector_bothDynamicBlocksStillFail(t *testing.T) {
	for name, tc := range map[string]struct {
		condition string
		command   []string
	}{
		"known at validate":   {`true`, []string{"validate", "-no-color"}},
		"known at plan":       {`var.on`, []string{"plan", "-input=false", "-no-color", "-var=on=true"}},
		"known only at apply": {`terraform_data.switch.output == "on"`, []string{"apply", "-auto-approve", "-input=false", "-no-color"}},
	} {
		t.Run(name, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			cli := acctest.NewCLI(t)
			cli.Write("main.tf", bothDynamicBlocks(server, tc.condition))
			cli.MustRun("init", "-input=false", "-no-color")
			if tc.command[0] != "validate" {
				cli.MustRun("validate", "-no-color")
			}
			out, err := cli.Run(nil, tc.command...)
			var exit *exec.ExitError
			flat := strings.Join(strings.Fields(out), " ")
			if !errors.As(err, &exit) || !strings.Contains(flat, "Invalid Attribute Combination") ||
				!strings.Contains(flat, "Exactly one of these attributes must be configured: [basic_auth[*],pkcs12[*]]") {
				t.Fatalf("want the two blocks refused, got %v:\n%s", err, out)
			}
			if n := graphRequests(server); n != 0 {
				t.Errorf("two auth blocks reached Graph: %d requests", n)
			}
		})
	}
}
