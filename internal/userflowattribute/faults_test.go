package userflowattribute_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlowAttribute_eightUnderFaults creates eight attributes and changes their descriptions while
// Graph fails about one request in five: a 5xx before acting, or a write committed whose answer is lost. A
// lost create is looked for before it is sent again, so the tenant ends with exactly eight attributes; the
// plan after each apply is empty, and the destroy removes them all.
func TestAccUserFlowAttribute_eightUnderFaults(t *testing.T) {
	const n = 8
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ErrorRatio: 0.1, LostResponseRatio: 0.15, Seed: acctest.FaultSeed(t)})
	attributes := func(description string) string {
		return attributeConfig(server, acctest.UserFlowAttribute{Count: n, DisplayName: "Attribute${count.index}", DataType: "string", Description: description})
	}
	exactlyEight := func(*terraform.State) error {
		if custom := customAttributes(server); len(custom) != n {
			return fmt.Errorf("the tenant holds %d custom attributes, want %d: %v", len(custom), n, custom)
		}
		return nil
	}
	empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if custom := customAttributes(server); len(custom) != 0 {
				return fmt.Errorf("the tenant still has %v", custom)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: attributes(""), ConfigPlanChecks: empty, Check: exactlyEight},
			{
				Config: attributes("Described under faults"), ConfigPlanChecks: empty,
				Check: resource.ComposeAggregateTestCheckFunc(exactlyEight, acctest.CheckFaultServed(server, "/userFlowAttributes", acctest.InjectedFaults...)),
			},
		},
	})
}
