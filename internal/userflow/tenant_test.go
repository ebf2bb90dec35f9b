package userflow_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlowAPIConnectors_b2xFlowInAnAzureADB2CTenant: an Azure AD B2C tenant answers every call on
// b2xUserFlows with 403 and a code beginning AADB2C. The error is on user_flow_id, the argument that names
// the object Graph refused, and says what an Azure AD B2C tenant has instead.
func TestAccUserFlowAPIConnectors_b2xFlowInAnAzureADB2CTenant(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{TenantKind: fakegraph.B2CTenant})
	connector := seedConnector(server, "validate")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": connector}),
			ExpectError: acctest.Wrapped(`Error: Graph refused user flow ` + partnerFlow + ` … user_flow_id = "` + partnerFlow + `" … ` +
				`Graph answered 403 AADB2C to PUT /v1.0/identity/b2xUserFlows/` + partnerFlow + `/apiConnectorConfiguration/postAttributeCollection/$ref … ` +
				`Or the tenant is an Azure AD B2C tenant, which has no External ID self-service sign-up flows (B2X_1_…): name one of its ` +
				`Azure AD B2C user flows (B2C_1_…) instead, which Graph serves on beta`),
		}},
	})
}

// TestAccUserFlowAPIConnectors_missingPermissionInAnAzureADB2CTenant: an Azure AD B2C tenant answers an
// application without the user-flow permission with 403 and the code AADB2C, not Authorization_RequestDenied:
// the error still names the permission and admin consent.
func TestAccUserFlowAPIConnectors_missingPermissionInAnAzureADB2CTenant(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{TenantKind: fakegraph.B2CTenant, Permissions: []string{"APIConnectors.ReadWrite.All"}})
	connector := seedConnector(server, "validate")
	seedFlow(t, server, b2cFlow, nil)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: linkConfig(server, b2cFlow, map[string]string{"pre_token_issuance": connector}),
			ExpectError: acctest.Wrapped(`Error: Graph refused user flow ` + b2cFlow + ` … user_flow_id = "` + b2cFlow + `" … Graph answered 403 AADB2C … ` +
				`give its app registration the Microsoft Graph application permission IdentityUserFlow.ReadWrite.All (API permissions, then Grant admin consent)`),
		}},
	})
}

// TestAccUserFlowsDataSource_listsTheKindTheTenantHas: a tenant serves one kind of user flow and Graph
// refuses to list the other with 403; without a kind, the data source lists the flows the tenant has.
func TestAccUserFlowsDataSource_listsTheKindTheTenantHas(t *testing.T) {
	for _, tenant := range []struct {
		kind fakegraph.TenantKind
		flow string
	}{{fakegraph.B2CTenant, b2cFlow}, {fakegraph.WorkforceTenant, partnerFlow}} {
		t.Run(string(tenant.kind), func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{TenantKind: tenant.kind})
			seedFlow(t, server, tenant.flow, nil)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(server) + `data "entra_user_flows" "all" {}` + "\n",
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.entra_user_flows.all", tfjsonpath.New("user_flows"), knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(tenant.flow)}),
						})),
					},
				}},
			})
		})
	}
}
