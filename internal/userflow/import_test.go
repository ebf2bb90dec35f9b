package userflow_test

import (
	"fmt"
	"net/http"
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

// TestAccUserFlowAPIConnectors_importByID adopts the steps someone set in the portal: the import reads the
// flow (for Graph's spelling of its id) and its steps once each, takes every step it calls, and changes
// nothing.
func TestAccUserFlowAPIConnectors_importByID(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	a, b := seedConnector(server, "a"), seedConnector(server, "b")
	seedFlow(t, server, partnerFlow, map[string]string{pfs: a, pac: b})
	config := linkConfig(server, partnerFlow, map[string]string{"post_federation_signup": a, "post_attribute_collection": b})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: server.ResetRequests,
				Config: config + fmt.Sprintf(`
import {
  to = entra_user_flow_api_connectors.test
  id = %q
}
`, partnerFlow),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_federation_signup"), knownvalue.StringExact(a)),
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(b)),
				},
				Check: func(*terraform.State) error {
					if calls := graphCalls(server); calls[http.MethodPut] != 0 || calls[http.MethodGet] != 2 {
						return fmt.Errorf("the import sent %v, want two GETs", calls)
					}
					return nil
				},
			},
			{
				// `terraform import` with the flow id gives the same state.
				Config:                               config,
				ResourceName:                         linkAddress,
				ImportState:                          true,
				ImportStateId:                        partnerFlow,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "user_flow_id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
			},
			{
				// So does an import block with the id.
				Config:          config,
				ResourceName:    linkAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// TestAccUserFlowAPIConnectors_importByIdentity names the flow with `identity = { id = … }` in an import
// block, and checks the identity the state holds.
func TestAccUserFlowAPIConnectors_importByIdentity(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	a := seedConnector(server, "a")
	seedFlow(t, server, b2cFlow, map[string]string{pti: a})
	config := linkConfig(server, b2cFlow, map[string]string{"pre_token_issuance": a})
	identity := map[string]knownvalue.Check{"id": knownvalue.StringExact(b2cFlow)}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config: config + fmt.Sprintf(`
import {
  to       = entra_user_flow_api_connectors.test
  identity = { id = %q }
}
`, b2cFlow),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(linkAddress, identity),
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("pre_token_issuance"), knownvalue.StringExact(a)),
				},
			},
			{
				// The identity the state holds imports the same flow again.
				Config:          config,
				ResourceName:    linkAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccUserFlowAPIConnectors_identityAfterCreate checks that a resource made by Terraform has the flow's
// id as its identity.
func TestAccUserFlowAPIConnectors_identityAfterCreate(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	a := seedConnector(server, "a")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config: linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": a}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(linkAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(partnerFlow)}),
					statecheck.ExpectIdentityValueMatchesState(linkAddress, tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:    linkAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccUserFlowAPIConnectors_importByAnotherSpelling: Graph matches flow ids without regard to case. A link
// imported under another spelling of its flow's id, by each of the three ways to import, is held under
// Graph's spelling, in its id, its user_flow_id and its identity; the configuration may name the flow in
// either spelling, and the plans, applies and refreshes after the import neither replace the resource nor
// change its identity.
func TestAccUserFlowAPIConnectors_importByAnotherSpelling(t *testing.T) {
	lower := strings.ToLower(partnerFlow)
	for _, importBy := range []string{"command", "block with an id", "block with an identity"} {
		t.Run(importBy, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			a, b := seedConnector(server, "a"), seedConnector(server, "b")
			seedFlow(t, server, partnerFlow, map[string]string{pac: a})
			config := linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": a})
			checks := []statecheck.StateCheck{
				acctest.ExpectID(linkAddress, partnerFlow),
				statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("user_flow_id"), knownvalue.StringExact(partnerFlow)),
			}
			apply := resource.TestStep{
				Config:            config,
				ConfigStateChecks: checks,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			}
			test := resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories}
			switch importBy {
			case "command":
				test.Steps = append(test.Steps, resource.TestStep{
					Config: config, ResourceName: linkAddress, ImportState: true, ImportStateId: lower, ImportStatePersist: true,
				})
			case "block with an id":
				apply.Config += fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", linkAddress, lower)
			case "block with an identity":
				apply.Config += fmt.Sprintf("import {\n  to       = %s\n  identity = { id = %q }\n}\n", linkAddress, lower)
				test.TerraformVersionChecks = acctest.RequiresResourceIdentity
			}
			// The configuration names the same flow in another spelling and sets another step: an update in
			// place, under the same identity.
			update := resource.TestStep{
				Config: linkConfig(server, lower, map[string]string{"post_attribute_collection": a, "post_federation_signup": b}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectID(linkAddress, partnerFlow)},
				Check: func(*terraform.State) error {
					return expectSteps(server, partnerFlow, map[string]string{pac: a, pfs: b})
				},
			}
			test.Steps = append(test.Steps, apply, update)
			resource.ParallelTest(t, test)
		})
	}
}
