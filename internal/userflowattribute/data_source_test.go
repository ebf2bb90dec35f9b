package userflowattribute_test

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

// TestAccUserFlowAttributesDataSource lists every attribute, built-in and custom, across Graph's pages,
// and with the filter on the kind, which Graph applies ($filter): a kind in any case is sent in Graph's
// spelling, and a kind that is none is a plan-time error.
func TestAccUserFlowAttributesDataSource(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{PageSize: 4})
	hobby := seedAttribute(t, server, fakegraph.UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby", DataType: "string"})
	seedAttribute(t, server, fakegraph.UserFlowAttribute{DisplayName: "Shoe size", DataType: "int64"})
	config := func(kind string) string {
		filter := ""
		if kind != "" {
			filter = fmt.Sprintf("  user_flow_attribute_type = %q\n", kind)
		}
		return acctest.ProviderBlock(server) + "\ndata \"entra_user_flow_attributes\" \"test\" {\n" + filter + "}\n"
	}
	const address = "data.entra_user_flow_attributes.test"
	listed := func(want int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("attributes"), knownvalue.ListSizeExact(want))
	}
	filtered := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, r := range server.Requests() {
				if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/identity/userFlowAttributes") && !strings.Contains(r.RawQuery, "skiptoken") {
					if got := r.RawQuery; !strings.Contains(got, want) {
						return fmt.Errorf("the first page was asked with %q, want %q", got, want)
					}
				}
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("extension"),
				PlanOnly:    true,
				ExpectError: acctest.Wrapped(`user_flow_attribute_type…value must be one of: ["builtIn" "custom"]…got: "extension"`),
			},
			{
				Config: config(""),
				ConfigStateChecks: []statecheck.StateCheck{
					listed(12),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("attributes").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("City"), "display_name": knownvalue.StringExact("City"), "description": knownvalue.StringExact("Your city"),
						"data_type": knownvalue.StringExact("string"), "user_flow_attribute_type": knownvalue.StringExact("builtIn"),
					})),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("attributes").AtSliceIndex(10), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact(hobby.ID), "display_name": knownvalue.StringExact("Hobby"), "description": knownvalue.StringExact("Your hobby"),
						"data_type": knownvalue.StringExact("string"), "user_flow_attribute_type": knownvalue.StringExact("custom"),
					})),
				},
			},
			{
				PreConfig:         server.ResetRequests,
				Config:            config("custom"),
				ConfigStateChecks: []statecheck.StateCheck{listed(2)},
				Check:             filtered("$filter=userFlowAttributeType%20eq%20%27custom%27"),
			},
			{
				PreConfig:         server.ResetRequests,
				Config:            config("builtIn"),
				ConfigStateChecks: []statecheck.StateCheck{listed(10)},
				Check:             filtered("$filter=userFlowAttributeType%20eq%20%27builtIn%27"),
			},
			{
				PreConfig:         server.ResetRequests,
				Config:            config("Custom"),
				ConfigStateChecks: []statecheck.StateCheck{listed(2)},
				Check:             filtered("$filter=userFlowAttributeType%20eq%20%27custom%27"),
			},
			{
				PreConfig:         server.ResetRequests,
				Config:            config("BUILTIN"),
				ConfigStateChecks: []statecheck.StateCheck{listed(10)},
				Check:             filtered("$filter=userFlowAttributeType%20eq%20%27builtIn%27"),
			},
		},
	})
}

// TestAccUserFlowAttribute_listedOnceMade: the data source lists the attribute a resource made in the same
// configuration, under the id Graph gave it.
func TestAccUserFlowAttribute_listedOnceMade(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string"}) + `
data "entra_user_flow_attributes" "custom" {
  user_flow_attribute_type = "custom"
  depends_on               = [entra_user_flow_attribute.test]
}

output "claim" {
  value = one([for a in data.entra_user_flow_attributes.custom.attributes : a.id if a.display_name == "Hobby"])
}
`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("claim", knownvalue.StringExact(hobbyID))},
		}},
	})
}
