package apiconnector_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccIdentityAPIConnector_namesInEveryScript: names in many scripts and emoji sequences (the unit
// tests' real names) are accepted at plan and reach Graph byte for byte, and connectors made in the portal
// under names with joiners or tags are imported and managed under those names. One apply does it all.
func TestAccIdentityAPIConnector_namesInEveryScript(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	const url = "https://api.contoso.com/validate"
	basic := &acctest.Basic{Username: "b2c", Password: "p", Version: 1}
	names := make([]string, len(acctest.RealNames))
	for i, n := range acctest.RealNames {
		names[i] = n.Name
	}

	config := acctest.ProviderBlock(server)
	var planChecks []plancheck.PlanCheck
	for i, name := range names {
		c := acctest.Connector{Name: fmt.Sprintf("created_%d", i), DisplayName: name, TargetURL: url, Basic: basic}
		config += c.HCL()
		planChecks = append(planChecks,
			plancheck.ExpectResourceAction(c.Address(), plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(c.Address(), tfjsonpath.New("display_name"), knownvalue.StringExact(name)))
	}

	var portal []fakegraph.Connector
	for _, name := range names {
		if strings.ContainsAny(name, "\u200c\u200d\U000E007F") {
			portal = append(portal, server.PutConnector(fakegraph.Connector{DisplayName: name, TargetURL: url,
				Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "b2c", Password: "typed-in-the-portal"}}))
		}
	}
	for i, existing := range portal {
		c := acctest.Connector{Name: fmt.Sprintf("imported_%d", i), DisplayName: existing.DisplayName, TargetURL: url, Basic: basic}
		config += fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", c.Address(), existing.ID) + c.HCL()
		// Imported, the connector changes only by the password it is sent once.
		planChecks = append(planChecks,
			plancheck.ExpectResourceAction(c.Address(), plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(c.Address(), tfjsonpath.New("display_name"), knownvalue.StringExact(existing.DisplayName)))
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             planChecks,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				var sent []string
				for _, r := range graphWrites(server, http.MethodPost) {
					if strings.HasSuffix(r.Path, connectorsPath) {
						name, _ := bodyOf(t, r)["displayName"].(string)
						sent = append(sent, name)
					}
				}
				for _, name := range names {
					if i := slices.Index(sent, name); i >= 0 {
						sent = slices.Delete(sent, i, i+1)
					} else {
						return fmt.Errorf("no create sent the name %+q byte for byte", name)
					}
				}
				if len(sent) != 0 {
					return fmt.Errorf("creates sent names not in the configuration: %+q", sent)
				}
				patches := graphWrites(server, http.MethodPatch)
				if len(patches) != len(portal) {
					return fmt.Errorf("got %d PATCHes, want one for each of the %d imported connectors", len(patches), len(portal))
				}
				for _, r := range patches {
					if keys := bodyKeys(t, r); !slices.Equal(keys, []string{"authenticationConfiguration"}) {
						return fmt.Errorf("%s sent %v after an import, want only the authentication", r.Path, keys)
					}
				}
				for _, existing := range portal {
					if stored, _ := server.Connector(existing.ID); stored.DisplayName != existing.DisplayName {
						return fmt.Errorf("the portal's connector is now named %+q, want %+q", stored.DisplayName, existing.DisplayName)
					}
				}
				return nil
			},
		}},
	})
}
