package userflow_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlowAPIConnectors_tenFlowsUnderFaults wires two steps of each of ten flows while Graph fails
// about one request in five: a 5xx before acting, a 429 above a rate limit, or a PUT committed whose answer
// is lost. A PUT sets a step to a value, so sending it again is safe: the apply must end with every step
// set, the plan after it empty, and the destroy must clear them all.
func TestAccUserFlowAPIConnectors_tenFlowsUnderFaults(t *testing.T) {
	const n = 10
	server := acctest.StartEmulator(t, fakegraph.Options{})
	validation, federation := seedConnector(server, "validation"), seedConnector(server, "federation")
	want := map[string]string{pac: validation, pfs: federation}
	for i := range n {
		seedFlow(t, server, fmt.Sprintf("B2X_1_Flow%d", i), nil)
	}
	server.SetFaults(fakegraph.Faults{ErrorRatio: 0.12, LostResponseRatio: 0.1, RateLimit: fakegraph.RateLimit{PerApp: 40, Window: time.Second, RejectedCount: true}, FractionalRetryAfter: true, Seed: acctest.FaultSeed(t)})
	t.Cleanup(func() {
		statuses := map[int]int{}
		for _, r := range server.Requests() {
			if r.Method == http.MethodPut {
				statuses[r.Status]++
			}
		}
		t.Logf("PUT answers by status (0 = answer lost after the write): %v", statuses)
	})
	everyFlow := func(want map[string]string) error {
		for i := range n {
			if err := expectSteps(server, fmt.Sprintf("B2X_1_Flow%d", i), want); err != nil {
				return err
			}
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return everyFlow(map[string]string{})
		},
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + acctest.UserFlowLink{Count: n, UserFlowID: "B2X_1_Flow${count.index}",
				Steps: map[string]any{"post_attribute_collection": validation, "post_federation_signup": federation}}.HCL(),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return everyFlow(want) },
				acctest.CheckFaultServed(server, "UserFlows", acctest.InjectedFaults...),
			),
		}},
	})
}

// TestAccUserFlowAPIConnectors_replicationLag: for a while after a step is written, Graph reads it as it
// was. The apply waits until Graph shows what it wrote, so that the refresh after it sees no drift.
func TestAccUserFlowAPIConnectors_replicationLag(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	a, b := seedConnector(server, "a"), seedConnector(server, "b")
	server.SetFaults(fakegraph.Faults{ReplicationLag: 1500 * time.Millisecond, Seed: acctest.FaultSeed(t)})
	empty := resource.ConfigPlanChecks{
		PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": a}), ConfigPlanChecks: empty,
				// The read-back right after the write met the lag.
				Check: acctest.CheckStaleReadServed(server, partnerFlow),
			},
			{Config: linkConfig(server, partnerFlow, map[string]string{"post_federation_signup": a, "post_attribute_collection": b}), ConfigPlanChecks: empty},
			{Config: linkConfig(server, partnerFlow, map[string]string{"post_federation_signup": a}), ConfigPlanChecks: empty},
		},
	})
}
