package apiconnector_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// fleetConfig is n connectors with basic authentication.
func fleetConfig(server *fakegraph.Server, n int) string {
	return acctest.ProviderBlock(server) + fleet(n, "Fleet").HCL()
}

// fleet is n connectors named name 0 … name n-1.
func fleet(n int, name string) acctest.Connector {
	return acctest.Connector{Count: n, DisplayName: name + " ${count.index}", TargetURL: "https://api.contoso.com/fleet/${count.index}",
		Basic: &acctest.Basic{Username: "fleet-${count.index}", Password: "fleet-password-${count.index}", Version: 1}}
}

// checkFleet requires exactly n connectors named Fleet 0 … Fleet n-1, each once, with its password.
func checkFleet(server *fakegraph.Server, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all := server.Connectors()
		seen := map[string]int{}
		for _, c := range all {
			seen[c.DisplayName]++
			want := "fleet-password-" + strings.TrimPrefix(c.DisplayName, "Fleet ")
			if c.Auth.Password != want {
				return fmt.Errorf("%s holds the wrong password", c.DisplayName)
			}
		}
		for i := range n {
			if got := seen[fmt.Sprintf("Fleet %d", i)]; got != 1 {
				return fmt.Errorf("Fleet %d exists %d times", i, got)
			}
		}
		if len(all) != n {
			return fmt.Errorf("the emulator holds %d connectors, want %d", len(all), n)
		}
		return nil
	}
}

// faultReport summarises what the emulator answered, for the test log.
func faultReport(server *fakegraph.Server) string {
	statuses := map[int]int{}
	var posts int
	for _, r := range server.Requests() {
		if !strings.Contains(r.Path, connectorsPath) {
			continue
		}
		statuses[r.Status]++
		if r.Method == http.MethodPost {
			posts++
		}
	}
	return fmt.Sprintf("answers by status (0 = connection dropped after the write): %v; POSTs: %d; token requests: %d",
		statuses, posts, server.TokenRequests())
}

// TestAccIdentityAPIConnector_fiftyUnderFaults applies 50 connectors while about one Graph request in
// five fails: 5xx before acting, 429 above a rate limit (with fractional Retry-After values), or a write
// committed whose answer is lost. The
// apply must succeed with exactly 50 connectors (a lost create is found, not repeated), and the destroy
// must leave none.
func TestAccIdentityAPIConnector_fiftyUnderFaults(t *testing.T) {
	const n = 50
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ErrorRatio: 0.12, LostResponseRatio: 0.08, RateLimit: perSecond(60), FractionalRetryAfter: true, Seed: acctest.FaultSeed(t)})
	t.Cleanup(func() { t.Log(faultReport(server)) })

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if left := len(server.Connectors()); left != 0 {
				return fmt.Errorf("destroy under faults left %d connectors", left)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: fleetConfig(server, n),
			Check:  resource.ComposeAggregateTestCheckFunc(checkFleet(server, n), acctest.CheckFaultServed(server, connectorsPath, acctest.InjectedFaults...)),
		}},
	})
}

// TestAccIdentityAPIConnector_throttledApply lets through ten Graph requests a second and answers the
// rest with 429, with a fractional Retry-After (such as "0.087"), which the provider must wait out rather
// than read as zero, or one in whole seconds, as Graph documents it. Every request turned away counts
// against the limit, so a provider that sends in bursts when the wait is over keeps being turned away;
// one that spaces its requests after a 429 is turned away seldom.
func TestAccIdentityAPIConnector_throttledApply(t *testing.T) {
	for name, fractional := range map[string]bool{"fractional Retry-After": true, "Retry-After in whole seconds": false} {
		t.Run(name, func(t *testing.T) {
			const n = 20
			server := acctest.StartEmulator(t, fakegraph.Options{})
			server.SetFaults(fakegraph.Faults{RateLimit: perSecond(10), FractionalRetryAfter: fractional, Seed: acctest.FaultSeed(t)})
			t.Cleanup(func() { t.Log(faultReport(server)) })

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					if left := len(server.Connectors()); left != 0 {
						return fmt.Errorf("destroy while throttled left %d connectors", left)
					}
					return checkFewRejected(server)(nil)
				},
				Steps: []resource.TestStep{{
					Config: fleetConfig(server, n),
					Check:  resource.ComposeAggregateTestCheckFunc(checkFleet(server, n), checkFewRejected(server)),
				}},
			})
		})
	}
}

// perSecond is a budget of n requests a second for the application, every request counted: a stress
// case, far above the 200 a minute Graph documents.
func perSecond(n int) fakegraph.RateLimit {
	return fakegraph.RateLimit{PerApp: n, Window: time.Second, RejectedCount: true}
}

// checkFewRejected requires the rate limit to have turned some requests away, and few. Each provider process
// that calls Graph (the apply, the plan after it, the destroy) meets the limit unprepared, with as many
// requests in flight as the CLI's parallelism (10, the default the tests run with), each of which may be
// turned away; afterwards the provider spaces its requests, and at most one request in ten it gets admitted
// may be turned away.
func checkFewRejected(server *fakegraph.Server) resource.TestCheckFunc {
	const parallelism, processes = 10, 3
	return func(*terraform.State) error {
		counts := server.RateLimitCounts()
		switch {
		case counts.Rejected == 0:
			return fmt.Errorf("the rate limit never answered 429: the test proves nothing")
		case counts.Rejected > processes*parallelism+counts.Admitted/10:
			return fmt.Errorf("the rate limit turned away %d requests for %d it admitted", counts.Rejected, counts.Admitted)
		}
		return nil
	}
}

// TestAccIdentityAPIConnector_replicationLag: Graph answers 404 for a new connector, and 200 for a
// deleted one, for a while. The apply waits instead of failing or seeing drift, and the plan after it
// is empty.
func TestAccIdentityAPIConnector_replicationLag(t *testing.T) {
	const n = 5
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ReplicationLag: 1500 * time.Millisecond, Seed: acctest.FaultSeed(t)})
	t.Cleanup(func() { t.Log(faultReport(server)) })

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if left := len(server.Connectors()); left != 0 {
				return fmt.Errorf("destroy with replication lag left %d connectors", left)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: fleetConfig(server, n),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// The reads right after each create met the lag.
				Check: resource.ComposeAggregateTestCheckFunc(checkFleet(server, n), acctest.CheckFaultServed(server, connectorsPath+"/", http.StatusNotFound)),
			},
			{
				// A rename right after a create must find the connector, not a 404.
				Config: acctest.ProviderBlock(server) + fleet(n, "Renamed").HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccIdentityAPIConnector_throttledPastItsCreateTimeout: Graph asks for a five-minute wait and the
// create allows three seconds. The apply fails at once, naming the wait and the timeout that would cover it.
func TestAccIdentityAPIConnector_throttledPastItsCreateTimeout(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ThrottleAll: true, ThrottleRetryAfter: 5 * time.Minute})
	withTimeout := fleet(1, "Fleet")
	withTimeout.Timeouts = map[string]string{"create": "3s"}
	config := acctest.ProviderBlock(server) + withTimeout.HCL()

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: wrappedText(`asked for a wait of 5m before the next request. Set timeouts { create = "6m" } or more on this resource`),
		}},
	})
	graphRequests := 0
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, connectorsPath) {
			graphRequests++
		}
	}
	if graphRequests != 1 {
		t.Errorf("Graph received %d requests, want one create: the wait cannot fit, so nothing is sent again", graphRequests)
	}
}
