package userflow_test

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlow_driftInEachPart changes a flow in the portal, one part at a time: a provider added, a
// field removed, the fields reordered. Each plan shows exactly that change, and one apply sends exactly the
// write that puts it back. With the page and the providers left unset, the same edits plan nothing.
func TestAccUserFlow_driftInEachPart(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	const flowPath = "/v1.0/identity/b2xUserFlows/B2X_1_Partner"
	config := flowHCL(server, "b2x", "Partner", providersArg("AADSignup-OAUTH", "Google-OAUTH"),
		pageArg(field("City"), field("Email", `user_input_type = "emailBox"`), field("Surname")))
	portal := func(edit func(*fakegraph.UserFlow)) func() {
		return func() {
			if !server.EditUserFlow("B2X_1_Partner", edit) {
				t.Fatal("the portal edit did not apply")
			}
			server.ResetRequests()
		}
	}
	restores := func(attribute string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, attribute)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	restored := func(operation string, writes ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			logRequests(t, server, operation)
			if err := expectWrites(server, flowPath, writes...); err != nil {
				return err
			}
			if err := expectProviders(server, "B2X_1_Partner", "AADSignup-OAUTH", "Google-OAUTH"); err != nil {
				return err
			}
			return expectPage(server, "B2X_1_Partner", "City", "Email", "Surname")
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: portal(func(f *fakegraph.UserFlow) {
					f.IdentityProviders = append(f.IdentityProviders, "Facebook-OAUTH")
				}),
				Config:           config,
				ConfigPlanChecks: restores("identity_providers"),
				Check:            restored("remove a provider added in the portal", "DELETE {flow}/userFlowIdentityProviders/Facebook-OAUTH/$ref"),
			},
			{
				PreConfig: portal(func(f *fakegraph.UserFlow) {
					f.AttributeAssignments = slices.Delete(f.AttributeAssignments, 2, 3)
				}),
				Config:           config,
				ConfigPlanChecks: restores("user_attribute_assignments"),
				Check:            restored("put back a field removed in the portal", "POST {flow}/userAttributeAssignments"),
			},
			{
				PreConfig: portal(func(f *fakegraph.UserFlow) {
					slices.Reverse(f.AttributeAssignments)
				}),
				Config:           config,
				ConfigPlanChecks: restores("user_attribute_assignments"),
				Check:            restored("put back the order changed in the portal", "POST {flow}/userAttributeAssignments/setOrder"),
			},
			{
				// Left unset, the page and the providers are Graph's: the portal's changes plan nothing.
				PreConfig: portal(func(f *fakegraph.UserFlow) {
					f.IdentityProviders = append(f.IdentityProviders, "Facebook-OAUTH")
					slices.Reverse(f.AttributeAssignments)
				}),
				Config:           flowHCL(server, "b2x", "Partner"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
