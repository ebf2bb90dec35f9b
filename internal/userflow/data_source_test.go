package userflow_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

func TestAccUserFlowDataSources_bothKinds(t *testing.T) {
	// One flow per page, so that every list follows its next links.
	server := acctest.StartEmulator(t, fakegraph.Options{PageSize: 1})
	a, b := seedConnector(server, "a"), seedConnector(server, "b")
	seedFlow(t, server, partnerFlow, map[string]string{pac: a})
	seedFlow(t, server, "B2X_1_ContosoSignUp", nil)
	if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: "B2C_1_PasswordReset", UserFlowType: "passwordReset", UserFlowTypeVersion: 3,
		APIConnectors: map[string]string{pfs: a, pti: b}}); err != nil {
		t.Fatal(err)
	}
	flow := func(id, kind, typ string, version float64, pfsID, pacID, ptiID string) knownvalue.Check {
		value := func(id string) knownvalue.Check {
			if id == "" {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(id)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "kind": knownvalue.StringExact(kind),
			"user_flow_type": knownvalue.StringExact(typ), "user_flow_type_version": knownvalue.Float64Exact(version),
			"post_federation_signup": value(pfsID), "post_attribute_collection": value(pacID), "pre_token_issuance": value(ptiID),
		})
	}
	partner := flow(partnerFlow, "b2x", "signUpOrSignIn", 1, "", a, "")
	contoso := flow("B2X_1_ContosoSignUp", "b2x", "signUpOrSignIn", 1, "", "", "")
	reset := flow("B2C_1_PasswordReset", "b2c", "passwordReset", 3, a, "", b)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: server.ResetRequests,
			Config: acctest.ProviderBlock(server) + `
data "entra_user_flow" "partner" {
  id = "B2X_1_PartnerSignUp"
}

data "entra_user_flow" "reset" {
  id = "B2C_1_PasswordReset"
  timeouts {
    read = "2m"
  }
}

data "entra_user_flows" "all" {}

data "entra_user_flows" "b2c" {
  kind = "b2c"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_user_flow.partner", tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(a)),
				statecheck.ExpectKnownValue("data.entra_user_flow.partner", tfjsonpath.New("kind"), knownvalue.StringExact("b2x")),
				statecheck.ExpectKnownValue("data.entra_user_flow.reset", tfjsonpath.New("pre_token_issuance"), knownvalue.StringExact(b)),
				statecheck.ExpectKnownValue("data.entra_user_flow.reset", tfjsonpath.New("user_flow_type_version"), knownvalue.Float64Exact(3)),
				statecheck.ExpectKnownValue("data.entra_user_flows.all", tfjsonpath.New("user_flows"), knownvalue.ListExact([]knownvalue.Check{partner, contoso, reset})),
				statecheck.ExpectKnownValue("data.entra_user_flows.b2c", tfjsonpath.New("user_flows"), knownvalue.ListExact([]knownvalue.Check{reset})),
			},
			Check: func(*terraform.State) error {
				// Every B2C call went to beta; the list of b2x flows took two pages.
				var b2xPages int
				for _, r := range server.Requests() {
					if strings.HasPrefix(r.Path, "/v1.0/identity/b2cUserFlows") {
						return fmt.Errorf("a B2C call went to v1.0: %s", r.Path)
					}
					if r.Method == http.MethodGet && r.Path == "/v1.0/identity/b2xUserFlows" {
						b2xPages++
					}
				}
				// The list is read once, during the plan; the flow by id is no list.
				if b2xPages != 2 {
					return fmt.Errorf("read %d pages of b2x flows, want 2", b2xPages)
				}
				return nil
			},
		}},
	})
}

func TestAccUserFlowDataSources_unknownFlow(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderBlock(server) + `
data "entra_user_flow" "missing" {
  id = "B2X_1_Missing"
}
`,
				ExpectError: acctest.Wrapped("User flow not found…No user flow has the id B2X_1_Missing"),
			},
			{
				Config: acctest.ProviderBlock(server) + `
data "entra_user_flow" "missing" {
  id = "SignUp"
}
`,
				ExpectError: acctest.Wrapped("must be a user flow id"),
			},
		},
	})
}
