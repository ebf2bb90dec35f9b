package apiconnector_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccIdentityAPIConnector_identity checks that the connector's identity is its object id, and that an
// import block naming that identity adopts it.
func TestAccIdentityAPIConnector_identity(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	password := acctest.RandomSecret(t, "password")
	config := basicConfig(server, "Sign-up validation", "https://api.contoso.com/validate", "b2c", password, 1)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(connectorAddress, tfjsonpath.New("id")),
				},
			},
			{
				// Graph never shows the password, so the import plans to send it once: an update.
				Config:             config,
				ResourceName:       connectorAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccIdentityAPIConnector_importBlockWithIdentity(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	existing := server.PutConnector(fakegraph.Connector{
		DisplayName: "Made in the portal", TargetURL: "https://api.contoso.com/portal",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "portal-user", Password: "typed-in-the-portal"},
	})
	password := acctest.RandomSecret(t, "password")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
import {
  to       = entra_identity_api_connector.test
  identity = { id = %q }
}
`, existing.ID) + basicConfig(server, "Made in the portal", "https://api.contoso.com/portal", "portal-user", password, 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("id"), knownvalue.StringExact(existing.ID)),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(connectorAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(existing.ID)}),
			},
		}},
	})
}

// TestAccIdentityAPIConnector_importByAnotherSpelling: Graph matches object ids without regard to case and
// answers with its own lowercase spelling. A connector imported by an upper-case id, by each of the three
// ways to import, is held under Graph's spelling, in its id and its identity, from the import on; the
// refresh, the apply and the update after it neither change the identity nor fail.
func TestAccIdentityAPIConnector_importByAnotherSpelling(t *testing.T) {
	for _, importBy := range []string{"command", "block with an id", "block with an identity"} {
		t.Run(importBy, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			existing := server.PutConnector(fakegraph.Connector{
				DisplayName: "Made in the portal", TargetURL: "https://api.contoso.com/portal",
				Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "portal-user", Password: "typed-in-the-portal"},
			})
			upper, password := strings.ToUpper(existing.ID), acctest.RandomSecret(t, "password")
			config := basicConfig(server, "Made in the portal", "https://api.contoso.com/portal", "portal-user", password, 1)
			checks := []statecheck.StateCheck{acctest.ExpectID(connectorAddress, existing.ID)}
			apply := resource.TestStep{
				Config:            config,
				ConfigStateChecks: checks,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			}
			test := resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories}
			switch importBy {
			case "command":
				test.Steps = append(test.Steps, resource.TestStep{
					Config: config, ResourceName: connectorAddress, ImportState: true, ImportStateId: upper, ImportStatePersist: true,
				})
			case "block with an id":
				apply.Config = importBlock(upper) + config
			case "block with an identity":
				apply.Config = fmt.Sprintf("import {\n  to       = %s\n  identity = { id = %q }\n}\n", connectorAddress, upper) + config
				test.TerraformVersionChecks = acctest.RequiresResourceIdentity
			}
			// An update after the import keeps the identity too.
			update := apply
			update.Config = basicConfig(server, "Renamed", "https://api.contoso.com/portal", "portal-user", password, 1)
			update.Check = func(*terraform.State) error {
				if stored, _ := server.Connector(existing.ID); stored.DisplayName != "Renamed" || len(server.Connectors()) != 1 {
					return fmt.Errorf("the emulator holds %d connectors, the imported one named %q; want the one, renamed",
						len(server.Connectors()), stored.DisplayName)
				}
				return nil
			}
			test.Steps = append(test.Steps, apply, update)
			resource.ParallelTest(t, test)
		})
	}
}
