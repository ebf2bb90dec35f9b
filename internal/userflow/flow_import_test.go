package userflow_test

import (
	"fmt"
	"regexp"
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

// portalFlow stores the flow B2X_1_Partner as if made in the portal, with two providers and two fields,
// and returns the configuration that describes it.
func portalFlow(t *testing.T, server *fakegraph.Server) string {
	t.Helper()
	_, err := server.PutUserFlow(fakegraph.UserFlow{
		ID: "B2X_1_Partner", IdentityProviders: []string{"AADSignup-OAUTH", "Google-OAUTH"},
		AttributeAssignments: []fakegraph.AttributeAssignment{
			{ID: "City", DisplayName: "Town", IsOptional: true},
			{ID: "Email", UserInputType: "emailBox", RequiresVerification: true},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return flowHCL(server, "b2x", "Partner", providersArg("Google-OAUTH", "AADSignup-OAUTH"),
		pageArg(field("City", `display_name = "Town"`, "is_optional = true"), field("Email", `user_input_type = "emailBox"`, "requires_verification = true")))
}

// importBlock names the flow to import by id or, when byIdentity, by identity.
func importBlock(id string, byIdentity bool) string {
	if byIdentity {
		return fmt.Sprintf("\nimport {\n  to       = %s\n  identity = { id = %q }\n}\n", flowAddress, id)
	}
	return fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", flowAddress, id)
}

// adopted are the checks of a step that imports the portal's flow: nothing to change, and nothing after.
var adopted = resource.ConfigPlanChecks{
	PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(flowAddress, plancheck.ResourceActionNoop)},
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

// TestAccUserFlow_importByID adopts a flow made in the portal, with an import block and with the import
// command: the import reads the flow (for Graph's spelling of its id), the refresh its parts, and nothing
// is written.
func TestAccUserFlow_importByID(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	config := portalFlow(t, server)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:        server.ResetRequests,
				Config:           config + importBlock("B2X_1_Partner", false),
				ConfigPlanChecks: adopted,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.ExpectID(flowAddress, "B2X_1_Partner"),
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("name"), knownvalue.StringExact("Partner")),
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("user_attribute_assignments").AtSliceIndex(1).AtMapKey("display_name"),
						knownvalue.StringExact("Email Address")),
				},
				Check: func(*terraform.State) error {
					logRequests(t, server, "import by an import block")
					if _, writes := countRequests(server); writes != 0 {
						return fmt.Errorf("the import sent %d writes", writes)
					}
					return nil
				},
			},
			{
				// `tofu import` gives the same state: one read of the flow, then the refresh's four.
				PreConfig:                            server.ResetRequests,
				Config:                               config,
				ResourceName:                         flowAddress,
				ImportState:                          true,
				ImportStateId:                        "B2X_1_Partner",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
				ImportStateCheck: func([]*terraform.InstanceState) error {
					logRequests(t, server, "import command")
					if reads, writes := countRequests(server); reads != 5 || writes != 0 {
						return fmt.Errorf("the import sent %d reads and %d writes, want 5 reads", reads, writes)
					}
					return nil
				},
			},
			{
				Config:          config,
				ResourceName:    flowAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// TestAccUserFlow_importByIdentity names the flow with `identity = { id = … }`, and checks the identity the
// state then holds.
func TestAccUserFlow_importByIdentity(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	config := portalFlow(t, server)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.RequiresResourceIdentity,
		Steps: []resource.TestStep{
			{
				Config:           config + importBlock("B2X_1_Partner", true),
				ConfigPlanChecks: adopted,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(flowAddress, map[string]knownvalue.Check{"id": knownvalue.StringExact("B2X_1_Partner")}),
					statecheck.ExpectIdentityValueMatchesState(flowAddress, tfjsonpath.New("id")),
				},
			},
			{
				Config:          config,
				ResourceName:    flowAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccUserFlow_importByAnotherSpelling: Graph matches flow ids without regard to case. A flow imported
// under another spelling of its id, by each of the three ways to import, is held under Graph's spelling,
// in its id and its identity, with its name as Graph spells it; a name in another case in the
// configuration changes the state only, and no plan replaces the flow.
func TestAccUserFlow_importByAnotherSpelling(t *testing.T) {
	lower := strings.ToLower("B2X_1_Partner")
	for _, importBy := range []string{"command", "block with an id", "block with an identity"} {
		t.Run(importBy, func(t *testing.T) {
			server := socialTenant(t, fakegraph.Options{})
			config := portalFlow(t, server)
			apply := resource.TestStep{
				Config:            config,
				ConfigPlanChecks:  adopted,
				ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectID(flowAddress, "B2X_1_Partner")},
			}
			test := resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories}
			switch importBy {
			case "command":
				test.Steps = append(test.Steps, resource.TestStep{
					Config: config, ResourceName: flowAddress, ImportState: true, ImportStateId: lower, ImportStatePersist: true,
				})
			case "block with an id":
				apply.Config += importBlock(lower, false)
			case "block with an identity":
				apply.Config += importBlock(lower, true)
				test.TerraformVersionChecks = acctest.RequiresResourceIdentity
			}
			rename := resource.TestStep{
				Config: strings.Replace(config, `name = "Partner"`, `name = "partner"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "name")},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectID(flowAddress, "B2X_1_Partner")},
			}
			test.Steps = append(test.Steps, apply, rename)
			resource.ParallelTest(t, test)
		})
	}
}

// TestAccUserFlow_generatedConfigOfAB2CFlowWithoutLanguageTag imports a B2C flow whose defaultLanguageTag
// Graph answers null, as the portal leaves it, with `plan -generate-config-out`: the tag is null in the
// state, so the generated configuration leaves it null, and a plan with that configuration imports the
// flow and changes nothing.
func TestAccUserFlow_generatedConfigOfAB2CFlowWithoutLanguageTag(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, b2cFlow, nil)
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", acctest.ProviderBlock(server)+importBlock(b2cFlow, false))
	cli.MustRun("init", "-input=false", "-no-color")

	cli.MustRun("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	generated := cli.Read("generated.tf")
	if !regexp.MustCompile(`default_language_tag\s*=\s*null`).MatchString(generated) {
		t.Fatalf("the generated configuration does not leave default_language_tag null:\n%s", generated)
	}
	out := cli.MustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(out, "1 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Fatalf("the plan with the generated configuration does more than import:\n%s", out)
	}
}
