package userflowattribute_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// importBlock is an import block for the test resource naming it by id, or by identity.
func importBlock(key, id string) string {
	if key == "identity" {
		return fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { id = %q }\n}\n", attributeAddress, id)
	}
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", attributeAddress, id)
}

// TestAccUserFlowAttribute_importByID adopts an attribute made in the portal, named by its id in another
// case: the state and the identity take Graph's spelling, the import reads the attribute once and the plan
// changes nothing. `terraform import` and an import block with the id give the same state.
func TestAccUserFlowAttribute_importByID(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	hobby := seedAttribute(t, server, fakegraph.UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby", DataType: "string"})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string", Description: "Your hobby"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: server.ResetRequests,
				Config:    config + importBlock("id", strings.ToLower(hobby.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.ExpectID(attributeAddress, hobby.ID),
					statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("user_flow_attribute_type"), knownvalue.StringExact("custom")),
				},
				// The import's read for Graph's spelling, and the refresh after it.
				Check: func(*terraform.State) error { return expectCalls(server, map[string]int{http.MethodGet: 2}) },
			},
			{
				Config:            config,
				ResourceName:      attributeAddress,
				ImportState:       true,
				ImportStateId:     hobby.ID,
				ImportStateVerify: true,
				// The timeouts block is configuration only.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:          config,
				ResourceName:    attributeAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// TestAccUserFlowAttribute_importByIdentity names the attribute with `identity = { id = … }` in an import
// block (OpenTofu and Terraform 1.12 and later), and checks the identity the state holds.
func TestAccUserFlowAttribute_importByIdentity(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	size := seedAttribute(t, server, fakegraph.UserFlowAttribute{DisplayName: "Shoe size", DataType: "int64"})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Shoe size", DataType: "int64"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config: config + importBlock("identity", size.ID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(attributeAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(size.ID)}),
					statecheck.ExpectIdentityValueMatchesState(attributeAddress, tfjsonpath.New("id")),
				},
			},
			{
				// The identity the state holds imports the same attribute again.
				Config:          config,
				ResourceName:    attributeAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccUserFlowAttribute_identityAfterCreate: an attribute made by Terraform has Graph's id as its
// identity, and that identity imports it.
func TestAccUserFlowAttribute_identityAfterCreate(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config: attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string"}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(attributeAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact(hobbyID)}),
				},
			},
			{
				ResourceName:    attributeAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccUserFlowAttribute_importRefusals: a built-in attribute cannot be imported (the error points at
// the data source), and an id Graph does not know is no attribute to import.
func TestAccUserFlowAttribute_importRefusals(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Town", DataType: "string"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config + importBlock("id", "City"),
				ExpectError: acctest.Wrapped(`Not a custom user flow attribute…City ("City") is a builtIn user flow attribute…` +
					`Read it with the entra_user_flow_attributes data source`),
			},
			{
				Config:      config + importBlock("id", "extension_d09380e2b4c642b9a203fb816a04a7ad_Missing"),
				ExpectError: acctest.Wrapped("Cannot import non-existent remote object"),
			},
		},
	})
	if custom := customAttributes(server); len(custom) != 0 {
		t.Errorf("the refused imports made %v", custom)
	}
}
