package apiconnector_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// exactlyOneConnector fails unless the emulator holds one connector.
func exactlyOneConnector(server *fakegraph.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := onlyConnector(server)
		return err
	}
}

// TestAccIdentityAPIConnector_notFoundFlapKeepsTheConnector: a replica that answers 404 for a connector
// that exists, three reads in a row, must not make the refresh forget it: the plan stays empty and no
// second connector is created.
func TestAccIdentityAPIConnector_notFoundFlapKeepsTheConnector(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := basicConfig(server, "Flapping", "https://api.contoso.com/flap", "u", "p", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: exactlyOneConnector(server)},
			{
				PreConfig: func() { server.SetFaults(fakegraph.Faults{NotFoundFlaps: 3}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(exactlyOneConnector(server), acctest.CheckFaultServed(server, connectorsPath+"/", http.StatusNotFound)),
			},
		},
	})
}

// TestAccIdentityAPIConnector_deletedConnectorNoticedInOnePlan: confirming a 404 must not hide a
// connector that really is gone: the first plan after its deletion creates it again.
func TestAccIdentityAPIConnector_deletedConnectorNoticedInOnePlan(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := basicConfig(server, "Deleted", "https://api.contoso.com/deleted", "u", "p", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					stored, err := onlyConnector(server)
					if err != nil {
						t.Fatal(err)
					}
					server.DeleteConnector(stored.ID)
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccIdentityAPIConnector_renameUnderStaleReads: for a while after a PATCH Graph's replicas answer
// with the old name and URL. The apply reads back until Graph shows what it wrote, so the plan right
// after it is empty.
func TestAccIdentityAPIConnector_renameUnderStaleReads(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	renamed := basicConfig(server, "Renamed", "https://api.contoso.com/renamed", "u", "p", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: basicConfig(server, "Original", "https://api.contoso.com/original", "u", "p", 1)},
			{
				PreConfig: func() {
					server.SetFaults(fakegraph.Faults{StaleReads: 3 * time.Second})
					server.ResetRequests()
				},
				Config: renamed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("display_name"), knownvalue.StringExact("Renamed")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						t.Logf("requests for the rename under stale reads: %s", requestSummary(server))
						return nil
					},
					acctest.CheckStaleReadServed(server, connectorsPath+"/"),
				),
			},
		},
	})
}

// TestAccIdentityAPIConnector_updateReadsBack counts what a rename costs on a consistent Graph: one
// PATCH and one read that confirms it.
func TestAccIdentityAPIConnector_updateReadsBack(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", basicConfig(server, "Before", "https://api.contoso.com/before", "u", "p", 1))
	cli.MustRun("init", "-input=false", "-no-color")
	cli.MustRun("apply", "-auto-approve", "-input=false", "-no-color")
	cli.Write("main.tf", basicConfig(server, "After", "https://api.contoso.com/after", "u", "p", 1))
	cli.MustRun("plan", "-input=false", "-no-color", "-out=rename.tfplan")
	server.ResetRequests()
	cli.MustRun("apply", "-input=false", "-no-color", "rename.tfplan")
	t.Logf("requests for one rename: %s", requestSummary(server))
	var methods []string
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, connectorsPath) {
			methods = append(methods, r.Method)
		}
	}
	if strings.Join(methods, " ") != "PATCH GET" {
		t.Errorf("a rename sent %v, want a PATCH and the read that confirms it", methods)
	}
}

// TestAccIdentityAPIConnectorDataSource_byIDSurvivesAStale404: a lookup by id is not failed by one
// replica that answers 404.
func TestAccIdentityAPIConnectorDataSource_byIDSurvivesAStale404(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	existing := server.PutConnector(fakegraph.Connector{
		DisplayName: "Looked up", TargetURL: "https://api.contoso.com/lookup",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"},
	})
	server.SetFaults(fakegraph.Faults{NotFoundFlaps: 1})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + fmt.Sprintf(`
data "entra_identity_api_connector" "test" {
  id = %q
}
`, existing.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Looked up")),
			},
			Check: acctest.CheckFaultServed(server, connectorsPath+"/"+existing.ID, http.StatusNotFound),
		}},
	})
}

// requestSummary counts the Graph requests for API connectors by method and status, for the test log.
func requestSummary(server *fakegraph.Server) string {
	counts := map[string]int{}
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, connectorsPath) {
			counts[fmt.Sprintf("%s %d", r.Method, r.Status)]++
		}
	}
	return fmt.Sprint(counts)
}
