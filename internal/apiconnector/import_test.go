package apiconnector_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// importBlock adopts an existing connector into the test resource.
func importBlock(id string) string {
	return fmt.Sprintf(`
import {
  to = entra_identity_api_connector.test
  id = %q
}
`, id)
}

// graphRequests counts the requests that reached the connector API (sign-in excluded).
func graphRequests(server *fakegraph.Server) int {
	n := 0
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, connectorsPath) {
			n++
		}
	}
	return n
}

func TestAccIdentityAPIConnector_importBasicMadeInPortal(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	existing := server.PutConnector(fakegraph.Connector{
		DisplayName: "Made in the portal",
		TargetURL:   "https://api.contoso.com/portal",
		Auth:        fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "portal-user", Password: "typed-in-the-portal"},
	})
	password := acctest.RandomSecret(t, "password")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			// The configuration matches the portal's connector: the plan imports it and changes nothing
			// but sending the password once, since Graph cannot show that it holds the configured one.
			Config: importBlock(existing.ID) +
				basicConfig(server, "Made in the portal", "https://api.contoso.com/portal", "portal-user", password, 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("display_name"), knownvalue.StringExact("Made in the portal")),
					acctest.NoSecretInPlan(password),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				patches := graphWrites(server, http.MethodPatch)
				if len(patches) != 1 {
					return fmt.Errorf("got %d PATCHes, want 1", len(patches))
				}
				if keys := bodyKeys(t, patches[0]); !slices.Equal(keys, []string{"authenticationConfiguration"}) {
					return fmt.Errorf("the first apply after import sent %v, want only the authentication", keys)
				}
				stored, _ := server.Connector(existing.ID)
				if stored.Auth.Password != password {
					return errors.New("the configured password was not sent after the import")
				}
				if n := len(server.Connectors()); n != 1 {
					return fmt.Errorf("the emulator holds %d connectors after an import, want 1", n)
				}
				return nil
			},
		}},
	})
}

func TestAccIdentityAPIConnector_importCertificateMadeInPortal(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	pfx := testcert.New(t, testcert.Options{})
	existing := server.PutConnector(fakegraph.Connector{
		DisplayName: "Portal certificate",
		TargetURL:   "https://api.contoso.com/portal",
		Auth:        fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "x", Password: "x"},
	})
	if err := server.UploadCertificate(existing.ID, []byte(pfx.Base64), pfx.Password); err != nil {
		t.Fatal(err)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// `tofu import` by id reads the certificate list back.
				Config:             certificateConfig(server, "Portal certificate", "https://api.contoso.com/portal", pfx, 1, ""),
				ResourceName:       connectorAddress,
				ImportState:        true,
				ImportStateId:      existing.ID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d resources", len(states))
					}
					got := states[0].Attributes
					if got["certificates.0.thumbprint"] != pfx.Thumbprint || got["pkcs12.0.rotation"] != "replace" || got["basic_auth.#"] != "0" {
						return fmt.Errorf("imported attributes %v", got)
					}
					return nil
				},
			},
			{
				// The first apply sends the certificate once; afterwards the plan is empty.
				Config: certificateConfig(server, "Portal certificate", "https://api.contoso.com/portal", pfx, 1, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("certificates").AtSliceIndex(0).AtMapKey("thumbprint"),
							knownvalue.StringExact(pfx.Thumbprint)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if n := len(graphWrites(server, http.MethodPatch)); n != 1 {
						return fmt.Errorf("got %d PATCHes, want 1", n)
					}
					stored, _ := server.Connector(existing.ID)
					if len(stored.Auth.Certificates) != 1 {
						return fmt.Errorf("the connector holds %d certificates, want 1", len(stored.Auth.Certificates))
					}
					return nil
				},
			},
		},
	})
}

func TestAccIdentityAPIConnector_importRejectsBadIDs(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := basicConfig(server, "n", "https://api.contoso.com/x", "u", "p", 1)
	for name, tc := range map[string]struct {
		id   string
		want string
	}{
		"not a GUID, before any call": {"connector-1", `"connector-1" is not an API connector id[\s\S]*be1f769b-9b13-437e-b540-79a905c4932c`},
		"a path, before any call":     {"../../users/1", `is not an API connector id`},
		"a GUID that does not exist":  {"0a1b2c3d-0000-4000-8000-000000000000", `non-existent remote object|Cannot import non-existent`},
	} {
		t.Run(name, func(t *testing.T) {
			before := graphRequests(server)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:        config,
					ResourceName:  connectorAddress,
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(tc.want),
				}},
			})
			if !strings.Contains(name, "before any call") {
				return
			}
			if after := graphRequests(server); after != before {
				t.Errorf("a malformed id reached Graph: %d requests", after-before)
			}
		})
	}
}

// TestAccIdentityAPIConnector_generatedConfig proves that `plan -generate-config-out` writes a
// configuration that needs nothing but the secret: with it added, the plan imports and sends the secret.
func TestAccIdentityAPIConnector_generatedConfig(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	existing := server.PutConnector(fakegraph.Connector{
		DisplayName: "Generate me",
		TargetURL:   "https://api.contoso.com/generate",
		Auth:        fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "gen-user", Password: "portal"},
	})
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", acctest.ProviderBlock(server)+importBlock(existing.ID))
	cli.MustRun("init", "-input=false", "-no-color")

	out, err := cli.Run(nil, "plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(out, `"basic_auth[0].password_wo" must be specified`) {
		t.Fatalf("want the plan to stop only for the missing password, got %v:\n%s", err, out)
	}
	generated := cli.Read("generated.tf")
	for _, want := range []string{`display_name = "Generate me"`, `target_url   = "https://api.contoso.com/generate"`, `username            = "gen-user"`} {
		if !strings.Contains(generated, want) {
			t.Fatalf("generated configuration lacks %s:\n%s", want, generated)
		}
	}

	// Supply the secret, as the user would, and nothing else: from an ephemeral variable, which no plan
	// or state file keeps.
	withSecret := regexp.MustCompile(`password_wo\s*=\s*null.*`).ReplaceAllString(generated, `password_wo = var.api_password`)
	cli.Write("generated.tf", withSecret+`
variable "api_password" {
  type      = string
  ephemeral = true
}
`)
	password := []string{"TF_VAR_api_password=from-a-variable"}
	if out, err := cli.Run(password, "plan", "-input=false", "-no-color", "-out=import.plan"); err != nil {
		t.Fatalf("plan with the generated configuration: %v\n%s", err, out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions      []string        `json:"actions"`
				Before       json.RawMessage `json:"before"`
				After        json.RawMessage `json:"after"`
				AfterUnknown json.RawMessage `json:"after_unknown"`
				Importing    json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun("show", "-json", "import.plan")), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != 1 {
		t.Fatalf("plan has %d changes, want 1", len(plan.ResourceChanges))
	}
	change := plan.ResourceChanges[0].Change
	if len(change.Importing) == 0 || !slices.Equal(change.Actions, []string{"update"}) {
		t.Fatalf("want an import with an update that sends the password, got actions %v", change.Actions)
	}
	var before, after map[string]any
	_ = json.Unmarshal(change.Before, &before)
	_ = json.Unmarshal(change.After, &after)
	for _, key := range []string{"display_name", "target_url", "id", "certificates"} {
		if fmt.Sprint(before[key]) != fmt.Sprint(after[key]) {
			t.Errorf("%s changes from %v to %v; only the password should be sent", key, before[key], after[key])
		}
	}
	if !strings.Contains(string(change.AfterUnknown), `"password_wo_version":true`) {
		t.Errorf("the password send is not planned: after_unknown = %s", change.AfterUnknown)
	}
	if raw := cli.MustRun("show", "-json", "import.plan"); strings.Contains(raw, "from-a-variable") {
		t.Error("the plan holds the password")
	}
}

// bodyKeys lists the members of a logged JSON request body, sorted.
func bodyKeys(t *testing.T, r fakegraph.Request) []string {
	body := bodyOf(t, r)
	keys := make([]string, 0, len(body))
	for key := range body {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}
