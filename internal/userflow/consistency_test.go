package userflow_test

import (
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

// TestAccUserFlowAPIConnectors_notFoundFlapKeepsTheLink: a replica that answers 404 for a user flow that
// exists, three reads in a row, must not make the refresh forget the resource: the plan stays empty and
// the flow's step still calls the connector.
func TestAccUserFlowAPIConnectors_notFoundFlapKeepsTheLink(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	connector := seedConnector(server, "flapping")
	seedFlow(t, server, partnerFlow, nil)
	config := linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": connector})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { server.SetFaults(fakegraph.Faults{NotFoundFlaps: 3}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return expectSteps(server, partnerFlow, map[string]string{pac: connector})
				},
			},
		},
	})
}

// TestAccUserFlowDataSource_survivesAStale404: a lookup of a flow by id is not failed by replicas that
// answer 404 for the flow and for its connectors.
func TestAccUserFlowDataSource_survivesAStale404(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	connector := seedConnector(server, "looked-up")
	seedFlow(t, server, partnerFlow, map[string]string{pac: connector})
	server.SetFaults(fakegraph.Faults{NotFoundFlaps: 4})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + `
data "entra_user_flow" "test" {
  id = "B2X_1_PartnerSignUp"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_user_flow.test", tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(connector)),
			},
		}},
	})
}

// TestAccUserFlowAPIConnectors_stepGraphNeverShows: Graph answers the PUT that moves a step to another
// connector with 204 and never applies it. The apply fails when its update timeout ends, naming the step's
// argument, the connector sent and the one Graph still shows; the state holds what Graph shows, so the next
// apply, on a Graph that applies writes, sends the PUT again.
func TestAccUserFlowAPIConnectors_stepGraphNeverShows(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	first, second := seedConnector(server, "first"), seedConnector(server, "second")
	seedFlow(t, server, partnerFlow, nil)
	moved := acctest.ProviderBlock(server) + acctest.UserFlowLink{UserFlowID: partnerFlow,
		Steps: map[string]any{"post_attribute_collection": second}, Timeouts: map[string]string{"update": "3s"}}.HCL()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": first})},
			{
				PreConfig: func() { server.SetFaults(fakegraph.Faults{UnappliedWrites: []string{fakegraph.WriteStepReference}}) },
				Config:    moved,
				ExpectError: acctest.Wrapped(`Graph did not apply the user flow's change … post_attribute_collection: This apply sent "` + second +
					`", and Graph shows "` + first + `". Graph answered PUT /v1.0/identity/b2xUserFlows/` + partnerFlow +
					`/apiConnectorConfiguration/{step}/$ref as done, but in … reads until the update timeout it did not show it.`),
			},
			{
				PreConfig: func() { server.SetFaults(fakegraph.Faults{}) },
				Config:    moved,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(second)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return expectSteps(server, partnerFlow, map[string]string{pac: second})
				},
			},
		},
	})
}
