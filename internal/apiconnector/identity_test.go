package apiconnector_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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
