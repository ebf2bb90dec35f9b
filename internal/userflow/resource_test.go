package userflow_test

import (
	"fmt"
	"maps"
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

const (
	pfs = fakegraph.StepPostFederationSignup
	pac = fakegraph.StepPostAttributeCollection
	pti = fakegraph.StepPreTokenIssuance
)

func TestAccUserFlowAPIConnectors_attachMoveClear(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	first, second := seedConnector(server, "first"), seedConnector(server, "second")
	reset := func() { server.ResetRequests() }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectSteps(server, partnerFlow, map[string]string{})
		},
		Steps: []resource.TestStep{
			{
				// Attach: one PUT with the reference's @odata.id form.
				PreConfig: reset,
				Config:    linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": first}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("id"), knownvalue.StringExact(partnerFlow)),
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(first)),
					statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_federation_signup"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if err := expectPUTs(server, setStep("v1.0", "b2xUserFlows", partnerFlow, pac, first)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pac: first})
				},
			},
			{
				// Move the connector to the other step: set the new step, clear the old one.
				PreConfig: reset,
				Config:    linkConfig(server, partnerFlow, map[string]string{"post_federation_signup": first}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if err := expectPUTs(server,
						setStep("v1.0", "b2xUserFlows", partnerFlow, pfs, first),
						clearStep("v1.0", "b2xUserFlows", partnerFlow, pac)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pfs: first})
				},
			},
			{
				// A second connector at the other step: only that step is sent.
				PreConfig: reset,
				Config:    linkConfig(server, partnerFlow, map[string]string{"post_federation_signup": first, "post_attribute_collection": second}),
				Check: func(*terraform.State) error {
					if err := expectPUTs(server, setStep("v1.0", "b2xUserFlows", partnerFlow, pac, second)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pfs: first, pac: second})
				},
			},
			{
				// Clear a step by removing it from the configuration: {} and nothing else.
				PreConfig: reset,
				Config:    linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": second}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_federation_signup"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if err := expectPUTs(server, clearStep("v1.0", "b2xUserFlows", partnerFlow, pfs)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pac: second})
				},
			},
			{
				// Destroy clears what the resource manages; the next step begins from the log reset here.
				PreConfig: reset,
				Config:    linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": second}),
				Destroy:   true,
				Check: func(*terraform.State) error {
					return expectPUTs(server, clearStep("v1.0", "b2xUserFlows", partnerFlow, pac))
				},
			},
		},
	})
}

func TestAccUserFlowAPIConnectors_deleteClearsOnlyWhatItSet(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	portal, managed := seedConnector(server, "portal"), seedConnector(server, "managed")
	// The portal set postFederationSignup; the configuration manages postAttributeCollection only.
	seedFlow(t, server, partnerFlow, map[string]string{pfs: portal})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := expectSteps(server, partnerFlow, map[string]string{pfs: portal}); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
			var clears int
			for _, r := range server.Requests() {
				if r.Method == http.MethodPut && string(r.Body) == "{}" {
					clears++
				}
			}
			if clears != 1 {
				return fmt.Errorf("destroy and the steps before it sent %d clears, want 1 (postAttributeCollection only)", clears)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": managed}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				// A step the configuration leaves out is not the resource's: the state keeps it null.
				statecheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_federation_signup"), knownvalue.Null()),
			},
			Check: func(*terraform.State) error {
				return expectSteps(server, partnerFlow, map[string]string{pfs: portal, pac: managed})
			},
		}},
	})
}

// TestAccUserFlowAPIConnectors_driftInEachStep changes and clears each step of each kind of flow outside
// Terraform; the plan shows exactly the change that puts it back, and the apply sends exactly that PUT.
func TestAccUserFlowAPIConnectors_driftInEachStep(t *testing.T) {
	cases := []struct {
		flow, collection, version string
		step, attribute           string
	}{
		{partnerFlow, "b2xUserFlows", "v1.0", pfs, "post_federation_signup"},
		{partnerFlow, "b2xUserFlows", "v1.0", pac, "post_attribute_collection"},
		{b2cFlow, "b2cUserFlows", "beta", pfs, "post_federation_signup"},
		{b2cFlow, "b2cUserFlows", "beta", pac, "post_attribute_collection"},
		{b2cFlow, "b2cUserFlows", "beta", pti, "pre_token_issuance"},
	}
	for _, tc := range cases {
		t.Run(tc.flow+"/"+tc.step, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			seedFlow(t, server, tc.flow, nil)
			ours, theirs := seedConnector(server, "ours"), seedConnector(server, "theirs")
			config := linkConfig(server, tc.flow, map[string]string{tc.attribute: ours})
			portal := func(connector string) func() {
				return func() {
					server.EditUserFlow(tc.flow, func(f *fakegraph.UserFlow) {
						if connector == "" {
							delete(f.APIConnectors, tc.step)
						} else {
							f.APIConnectors[tc.step] = connector
						}
					})
					server.ResetRequests()
				}
			}
			restores := []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(linkAddress, tfjsonpath.New(tc.attribute), knownvalue.StringExact(ours)),
			}
			restored := func(*terraform.State) error {
				if err := expectPUTs(server, setStep(tc.version, tc.collection, tc.flow, tc.step, ours)); err != nil {
					return err
				}
				return expectSteps(server, tc.flow, map[string]string{tc.step: ours})
			}

			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: config},
					{
						// Someone points the step at another connector in the portal.
						PreConfig:        portal(theirs),
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: restores},
						Check:            restored,
					},
					{
						// Someone clears the step in the portal.
						PreConfig:        portal(""),
						Config:           config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: restores},
						Check:            restored,
					},
				},
			})
		})
	}
}

// TestAccUserFlowAPIConnectors_b2cOnBeta wires every step of an Azure AD B2C flow with the provider on
// v1.0: the calls go to beta, the only version that serves B2C flows, and so do the references.
func TestAccUserFlowAPIConnectors_b2cOnBeta(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, b2cFlow, nil)
	a, b, c := seedConnector(server, "a"), seedConnector(server, "b"), seedConnector(server, "c")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return expectSteps(server, b2cFlow, map[string]string{})
		},
		Steps: []resource.TestStep{{
			PreConfig: server.ResetRequests,
			Config: linkConfig(server, b2cFlow, map[string]string{
				"post_federation_signup": a, "post_attribute_collection": b, "pre_token_issuance": c,
			}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if err := expectPUTs(server,
					setStep("beta", "b2cUserFlows", b2cFlow, pfs, a),
					setStep("beta", "b2cUserFlows", b2cFlow, pac, b),
					setStep("beta", "b2cUserFlows", b2cFlow, pti, c)); err != nil {
					return err
				}
				for _, r := range server.Requests() {
					if strings.HasPrefix(r.Path, "/v1.0/identity/b2cUserFlows") {
						return fmt.Errorf("a B2C call went to v1.0: %s %s", r.Method, r.Path)
					}
				}
				return expectSteps(server, b2cFlow, map[string]string{pfs: a, pac: b, pti: c})
			},
		}},
	})
}

// TestAccUserFlowAPIConnectors_requestsPerOperation counts what each operation costs: create and update
// send one PUT per step that changes and read the flow back once, a refresh is one GET, destroy one PUT per
// managed step.
func TestAccUserFlowAPIConnectors_requestsPerOperation(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	a, b := seedConnector(server, "a"), seedConnector(server, "b")
	counts := map[string]map[string]int{}
	record := func(name string) func(*terraform.State) error {
		return func(*terraform.State) error {
			counts[name] = graphCalls(server)
			return nil
		}
	}
	both := map[string]string{"post_federation_signup": a, "post_attribute_collection": b}
	oneChanged := maps.Clone(both)
	oneChanged["post_attribute_collection"] = a

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: server.ResetRequests, Config: linkConfig(server, partnerFlow, both), Check: record("create (2 steps)")},
			{PreConfig: server.ResetRequests, Config: linkConfig(server, partnerFlow, oneChanged), Check: record("update (1 step)")},
			{PreConfig: server.ResetRequests, RefreshState: true, Check: record("refresh")},
		},
	})
	want := map[string]map[string]int{
		// What the step's plan and apply sent, before the testing framework's own refresh: one PUT per
		// step written and one GET that sees Graph show them; an update also reads the flow once for its
		// plan.
		"create (2 steps)": {http.MethodPut: 2, http.MethodGet: 1},
		"update (1 step)":  {http.MethodPut: 1, http.MethodGet: 2},
		"refresh":          {http.MethodGet: 1},
	}
	for name, w := range want {
		if !maps.Equal(counts[name], w) {
			t.Errorf("%s: %v, want %v", name, counts[name], w)
		}
	}
	t.Logf("requests per operation: %v", counts)
}

func TestAccUserFlowAPIConnectors_unknownIDs(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	existing := seedConnector(server, "existing")
	const missingConnector = "0b6e1b8c-1f4a-4d39-9a7e-7d3f5e2a9c41"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Stopped at plan: the id has no kind prefix.
				Config:      linkConfig(server, "PartnerSignUp", map[string]string{"post_attribute_collection": existing}),
				ExpectError: acctest.Wrapped("user_flow_id…must be a user flow id: B2X_1_"),
			},
			{
				// Stopped at plan: not a connector id.
				Config:      linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": "signup-validation"}),
				ExpectError: acctest.Wrapped(`post_attribute_collection…"signup-validation" is not an API connector id`),
			},
			{
				// Stopped at plan: External ID sign-up flows have no token step.
				Config:      linkConfig(server, partnerFlow, map[string]string{"pre_token_issuance": existing}),
				ExpectError: acctest.Wrapped("Step not in this kind of user flow…pre_token_issuance is a step of an Azure AD B2C user flow"),
			},
			{
				// Graph refuses a flow that does not exist; the error names user_flow_id.
				Config:      linkConfig(server, "B2X_1_Missing", map[string]string{"post_attribute_collection": existing}),
				ExpectError: acctest.Wrapped("User flow not found…No user flow has the id B2X_1_Missing"),
			},
			{
				// With no step to send, the flow is still looked up.
				Config:      linkConfig(server, "B2X_1_Missing", nil),
				ExpectError: acctest.Wrapped("User flow not found"),
			},
			{
				// Graph refuses a connector that does not exist; the error names the step's argument.
				Config:      linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": missingConnector}),
				ExpectError: acctest.Wrapped("API connector not found…post_attribute_collection…No API connector has the id " + missingConnector + ". List the tenant's connectors"),
			},
		},
	})
	if err := expectSteps(server, partnerFlow, map[string]string{}); err != nil {
		t.Error(err)
	}
}

// connectorAndLinkConfig is a connector made by Terraform and wired into the flow's postAttributeCollection.
func connectorAndLinkConfig(server *fakegraph.Server, flowID string) string {
	return linkConfig(server, flowID, map[string]string{"post_attribute_collection": "entra_identity_api_connector.test.id"}) +
		acctest.Connector{DisplayName: "Sign-up validation", TargetURL: "https://api.contoso.com/validate",
			Basic: &acctest.Basic{Username: "b2c", Password: "a-password-for-the-test"}}.HCL()
}

// TestAccUserFlowAPIConnectors_connectorDeletedWhileLinked deletes a connector that a flow calls, outside
// Terraform. Graph's reference documents no precondition on the DELETE (204), and the flow then calls no
// connector at that step: the plan makes the connector again and points the step at the new one.
func TestAccUserFlowAPIConnectors_connectorDeletedWhileLinked(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	var deleted string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: connectorAndLinkConfig(server, partnerFlow),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					connectors := server.Connectors()
					if len(connectors) != 1 {
						return fmt.Errorf("the emulator holds %d connectors", len(connectors))
					}
					deleted = connectors[0].ID
					return expectSteps(server, partnerFlow, map[string]string{pac: deleted})
				},
			},
			{
				PreConfig: func() {
					server.DeleteConnector(deleted)
					server.ResetRequests()
				},
				Config: connectorAndLinkConfig(server, partnerFlow),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("entra_identity_api_connector.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(linkAddress, tfjsonpath.New("post_attribute_collection")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					connectors := server.Connectors()
					if len(connectors) != 1 || connectors[0].ID == deleted {
						return fmt.Errorf("the emulator holds %v, want one new connector", connectors)
					}
					if err := expectPUTs(server, setStep("v1.0", "b2xUserFlows", partnerFlow, pac, connectors[0].ID)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pac: connectors[0].ID})
				},
			},
		},
	})
}

// TestAccUserFlowAPIConnectors_staleConnectorID keeps the id of a connector deleted outside Terraform in
// the configuration: the plan shows the step being put back, and the apply fails naming the argument.
func TestAccUserFlowAPIConnectors_staleConnectorID(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	gone := seedConnector(server, "soon-gone")
	config := linkConfig(server, partnerFlow, map[string]string{"post_attribute_collection": gone})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { server.DeleteConnector(gone) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(linkAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(linkAddress, tfjsonpath.New("post_attribute_collection"), knownvalue.StringExact(gone)),
					},
				},
				ExpectError: acctest.Wrapped("API connector not found…post_attribute_collection…No API connector has the id " + gone),
			},
		},
	})
}
