package apiconnector_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// TestAccIdentityAPIConnector_drift changes each property outside Terraform in turn and checks that the
// next apply puts back exactly that property and sends nothing else.
func TestAccIdentityAPIConnector_drift(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	password := acctest.RandomSecret(t, "password")
	pfx := testcert.New(t, testcert.Options{})
	config := basicConfig(server, "Drift", "https://api.contoso.com/drift", "drift-user", password, 1)

	// edit changes the one connector in the emulator as someone in the portal would.
	edit := func(change func(*fakegraph.Connector)) func() {
		return func() {
			all := server.Connectors()
			if len(all) != 1 || !server.EditConnector(all[0].ID, change) {
				t.Fatalf("cannot edit the connector: %d connectors", len(all))
			}
			server.ResetRequests()
		}
	}
	// restores expects one update that PATCHes exactly keys.
	restores := func(keys ...string) resource.TestStep {
		return resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				patches := graphWrites(server, http.MethodPatch)
				if len(patches) != 1 {
					return fmt.Errorf("got %d PATCHes, want 1", len(patches))
				}
				if got := bodyKeys(t, patches[0]); !slices.Equal(got, keys) {
					return fmt.Errorf("PATCH sent %v, want %v", got, keys)
				}
				stored, err := onlyConnector(server)
				if err != nil {
					return err
				}
				if stored.DisplayName != "Drift" || stored.TargetURL != "https://api.contoso.com/drift" ||
					stored.Auth.Kind != fakegraph.AuthBasic || stored.Auth.Username != "drift-user" || stored.Auth.Password != password {
					return fmt.Errorf("the connector was not restored: %+v", stored)
				}
				return nil
			},
		}
	}
	step := func(change func(*fakegraph.Connector), keys ...string) resource.TestStep {
		s := restores(keys...)
		s.PreConfig = edit(change)
		return s
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			step(func(c *fakegraph.Connector) { c.DisplayName = "Renamed in the portal" }, "displayName"),
			step(func(c *fakegraph.Connector) { c.TargetURL = "https://attacker.example/steal" }, "targetUrl"),
			// A new username needs the password with it, so the whole authentication is sent.
			step(func(c *fakegraph.Connector) { c.Auth.Username = "someone-else" }, "authenticationConfiguration"),
			step(func(c *fakegraph.Connector) {
				c.Auth = fakegraph.Auth{Kind: fakegraph.AuthCertificate, Certificates: []fakegraph.Certificate{{
					Thumbprint: pfx.Thumbprint, NotBefore: pfx.NotBefore, NotAfter: pfx.NotAfter,
				}}}
			}, "authenticationConfiguration"),
			{
				// A password changed in the portal cannot be seen: Graph never returns it.
				PreConfig: edit(func(c *fakegraph.Connector) { c.Auth.Password = "changed-in-the-portal" }),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() {
					all := server.Connectors()
					if len(all) != 1 || !server.DeleteConnector(all[0].ID) {
						t.Fatal("cannot delete the connector")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}
