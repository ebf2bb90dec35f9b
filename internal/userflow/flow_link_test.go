package userflow_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlow_withItsAPIConnectors: a flow and the link that wires its steps, in one configuration.
// The flow resource never writes a step and the link never writes a provider or a field: a change to
// either plans nothing for the other, and the plans after each apply are empty.
func TestAccUserFlow_withItsAPIConnectors(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	validate, enrich := seedConnector(server, "validate"), seedConnector(server, "enrich")
	config := func(providers string, fields []string, steps map[string]any) string {
		return flowHCL(server, "b2x", "Partner", providers, pageArg(fields...)) +
			acctest.UserFlowLink{UserFlowID: acctest.Expr(flowAddress + ".id"), Steps: steps}.HCL()
	}
	onlyOneChanges := func(changed, unchanged string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(changed, plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(unchanged, plancheck.ResourceActionNoop),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	// stepWrites are the writes to the flow's steps since the log was last reset.
	stepWrites := func() int {
		n := 0
		for _, r := range graphRequests(server) {
			if !strings.HasPrefix(r, "GET ") && strings.Contains(r, "apiConnectorConfiguration") {
				n++
			}
		}
		return n
	}
	expectFlow := func(steps map[string]string, providers []string, page ...string) error {
		if err := expectSteps(server, "B2X_1_Partner", steps); err != nil {
			return err
		}
		if err := expectProviders(server, "B2X_1_Partner", providers...); err != nil {
			return err
		}
		return expectPage(server, "B2X_1_Partner", page...)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(providersArg("AADSignup-OAUTH"), []string{field("City")}, map[string]any{"post_attribute_collection": validate}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return expectFlow(map[string]string{pac: validate}, []string{"AADSignup-OAUTH"}, "City")
				},
			},
			{
				// The flow's providers and page change; its steps are not touched.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("AADSignup-OAUTH", "Google-OAUTH"), []string{field("Email"), field("City")},
					map[string]any{"post_attribute_collection": validate}),
				ConfigPlanChecks: onlyOneChanges(flowAddress, linkAddress),
				Check: func(*terraform.State) error {
					if n := stepWrites(); n != 0 {
						return fmt.Errorf("a change of the flow's page and providers wrote its steps %d times", n)
					}
					return expectFlow(map[string]string{pac: validate}, []string{"AADSignup-OAUTH", "Google-OAUTH"}, "Email", "City")
				},
			},
			{
				// The link's steps change; the flow's providers and page are not touched.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("AADSignup-OAUTH", "Google-OAUTH"), []string{field("Email"), field("City")},
					map[string]any{"post_attribute_collection": validate, "post_federation_signup": enrich}),
				ConfigPlanChecks: onlyOneChanges(linkAddress, flowAddress),
				Check: func(*terraform.State) error {
					if _, writes := countRequests(server); writes != stepWrites() {
						return fmt.Errorf("a change of the steps wrote more than the steps: %v", graphRequests(server))
					}
					return expectFlow(map[string]string{pac: validate, pfs: enrich}, []string{"AADSignup-OAUTH", "Google-OAUTH"}, "Email", "City")
				},
			},
		},
	})
}
