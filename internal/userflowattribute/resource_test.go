package userflowattribute_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
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

// TestAccUserFlowAttribute_lifecycle creates an attribute with the id Graph gives it, changes its
// description in place with one PATCH, replaces it for a new display_name and a new data_type, and
// destroys it. Every step counts its requests: the plan's refresh and the apply.
func TestAccUserFlowAttribute_lifecycle(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	hobby := acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string", Description: "Your hobby"}
	described := hobby
	described.Description = "What you do for fun"
	renamed := described
	renamed.DisplayName = "Pastime"
	retyped := renamed
	retyped.DataType = "int64"
	state := func(id, name, dataType, description string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			acctest.ExpectID(attributeAddress, id),
			statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
			statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("data_type"), knownvalue.StringExact(dataType)),
			statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("description"), knownvalue.StringExact(description)),
			statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("user_flow_attribute_type"), knownvalue.StringExact("custom")),
		}
	}
	pastimeID := "extension_d09380e2b4c642b9a203fb816a04a7ad_Pastime"
	step := func(a acctest.UserFlowAttribute, action plancheck.ResourceActionType, checks []statecheck.StateCheck, calls map[string]int,
		bodies func() error) resource.TestStep {
		return resource.TestStep{
			PreConfig: server.ResetRequests,
			Config:    attributeConfig(server, a),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(attributeAddress, action)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectCalls(server, calls) },
				func(*terraform.State) error { return bodies() },
			),
		}
	}
	sent := func(method string, want ...map[string]any) func() error {
		return func() error {
			if got := writeBodies(t, server, method); !reflect.DeepEqual(got, want) {
				return fmt.Errorf("%s bodies %v, want %v", method, got, want)
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if custom := customAttributes(server); len(custom) != 0 {
				return fmt.Errorf("the tenant still has %v", custom)
			}
			return nil
		},
		Steps: []resource.TestStep{
			step(hobby, plancheck.ResourceActionCreate, state(hobbyID, "Hobby", "string", "Your hobby"),
				map[string]int{http.MethodPost: 1, http.MethodGet: 1},
				sent(http.MethodPost, map[string]any{"displayName": "Hobby", "description": "Your hobby", "dataType": "string"})),
			step(described, plancheck.ResourceActionUpdate, state(hobbyID, "Hobby", "string", "What you do for fun"),
				map[string]int{http.MethodGet: 2, http.MethodPatch: 1},
				sent(http.MethodPatch, map[string]any{"description": "What you do for fun"})),
			step(renamed, plancheck.ResourceActionDestroyBeforeCreate, state(pastimeID, "Pastime", "string", "What you do for fun"),
				map[string]int{http.MethodGet: 3, http.MethodDelete: 1, http.MethodPost: 1},
				sent(http.MethodPost, map[string]any{"displayName": "Pastime", "description": "What you do for fun", "dataType": "string"})),
			step(retyped, plancheck.ResourceActionDestroyBeforeCreate, state(pastimeID, "Pastime", "int64", "What you do for fun"),
				map[string]int{http.MethodGet: 3, http.MethodDelete: 1, http.MethodPost: 1},
				sent(http.MethodPost, map[string]any{"displayName": "Pastime", "description": "What you do for fun", "dataType": "int64"})),
		},
	})
}

// TestAccUserFlowAttribute_descriptionDefaultsToNone: an attribute without a description is created with
// "", and a description added outside Terraform shows in the plan as the change that takes it away.
func TestAccUserFlowAttribute_descriptionDefaultsToNone(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Shoe size", DataType: "int64"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if !server.EditUserFlowAttribute("extension_d09380e2b4c642b9a203fb816a04a7ad_Shoesize", func(a *fakegraph.UserFlowAttribute) {
						a.Description = "Added in the portal"
					}) {
						t.Fatal("no attribute to edit")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("description"), knownvalue.StringExact("")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccUserFlowAttribute_drift: a description changed outside Terraform is put back with one PATCH of
// the description; an attribute deleted outside Terraform is made again.
func TestAccUserFlowAttribute_drift(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string", Description: "Your hobby"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if !server.EditUserFlowAttribute(hobbyID, func(a *fakegraph.UserFlowAttribute) { a.Description = "Changed in the portal" }) {
						t.Fatal("no attribute to edit")
					}
					server.ResetRequests()
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := writeBodies(t, server, http.MethodPatch); !reflect.DeepEqual(got, []map[string]any{{"description": "Your hobby"}}) {
						return fmt.Errorf("PATCH bodies %v, want the description put back", got)
					}
					if a, _ := server.UserFlowAttribute(hobbyID); a.Description != "Your hobby" {
						return fmt.Errorf("the description is %q", a.Description)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if !server.DeleteUserFlowAttribute(hobbyID) {
						t.Fatal("no attribute to delete")
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectID(attributeAddress, hobbyID)},
			},
		},
	})
}

// TestAccUserFlowAttribute_badInputAtPlan: every argument Graph would refuse, or that names a built-in
// attribute, is an error at plan time naming the argument, and Graph hears nothing.
func TestAccUserFlowAttribute_badInputAtPlan(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	bad := func(a acctest.UserFlowAttribute, want string) resource.TestStep {
		return resource.TestStep{Config: attributeConfig(server, a), PlanOnly: true, ExpectError: acctest.Wrapped(want)}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			bad(acctest.UserFlowAttribute{DisplayName: "Shoe size", DataType: "float"},
				`data_type…value must be one of: ["string" "boolean" "int64"], got: "float"`),
			bad(acctest.UserFlowAttribute{DisplayName: "Shoe size", DataType: "String"}, `data_type…got: "String"`),
			bad(acctest.UserFlowAttribute{DisplayName: "city", DataType: "string"},
				`display_name…is the name of the built-in attribute "City", which every tenant has`),
			bad(acctest.UserFlowAttribute{DisplayName: "Country/Region", DataType: "string"}, `display_name…built-in attribute "Country/Region"`),
			bad(acctest.UserFlowAttribute{DisplayName: "Shoe\u200bsize", DataType: "string"}, "display_name…U+200B ZERO WIDTH SPACE"),
			bad(acctest.UserFlowAttribute{DisplayName: "", DataType: "string"}, "display_name…at least 1"),
			bad(acctest.UserFlowAttribute{DisplayName: "Shoe size"}, `The argument "data_type" is required`),
		},
	})
	if n := len(server.Requests()); n != 0 {
		t.Errorf("the emulator answered %d requests, want none: bad input must stop at plan", n)
	}
}

// TestAccUserFlowAttribute_descriptionGraphNeverApplies: Graph acknowledges the PATCH and never applies it.
// The update reads it back until its timeout and fails naming description, what was sent and what Graph
// shows; the state keeps what Graph shows, so the next plan proposes the change again.
func TestAccUserFlowAttribute_descriptionGraphNeverApplies(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	a := acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string", Description: "Your hobby", Timeouts: map[string]string{"update": "3s"}}
	changed := a
	changed.Description = "What you do for fun"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: attributeConfig(server, a)},
			{
				PreConfig: func() {
					server.SetFaults(fakegraph.Faults{UnappliedWrites: []string{fakegraph.WriteUserFlowAttributeUpdate}})
				},
				Config: attributeConfig(server, changed),
				ExpectError: acctest.Wrapped(`Graph did not apply the user flow attribute's change…description: This apply sent "What you do for fun", and ` +
					`Graph shows "Your hobby"…timeouts { update }`),
			},
			{
				// The state holds what Graph shows: the change is proposed again.
				PreConfig: func() { server.SetFaults(fakegraph.Faults{}) },
				Config:    attributeConfig(server, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(attributeAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(attributeAddress, tfjsonpath.New("description"), knownvalue.StringExact("What you do for fun")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccUserFlowAttribute_deleteWhileAFlowCollectsIt: Graph refuses to delete an attribute a flow's
// sign-up page still collects; the error says to remove it from the page first, and once it is, the
// destroy goes through.
func TestAccUserFlowAttribute_deleteWhileAFlowCollectsIt(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	config := attributeConfig(server, acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_PartnerSignUp",
						AttributeAssignments: []fakegraph.AttributeAssignment{{ID: "City"}, {ID: hobbyID}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      acctest.ProviderBlock(server),
				ExpectError: acctest.Wrapped("User flow attribute still in use…because a user flow still collects it…remove the attribute from the sign-up page"),
			},
			{
				PreConfig: func() {
					server.EditUserFlow("B2X_1_PartnerSignUp", func(f *fakegraph.UserFlow) {
						f.AttributeAssignments = slices.DeleteFunc(f.AttributeAssignments, func(a fakegraph.AttributeAssignment) bool { return a.ID == hobbyID })
					})
				},
				Config: acctest.ProviderBlock(server),
				Check: func(*terraform.State) error {
					if custom := customAttributes(server); len(custom) != 0 {
						return fmt.Errorf("the tenant still has %v", custom)
					}
					return nil
				},
			},
		},
	})
}

// TestAccUserFlowAttribute_replicationLag: for a while after a create or a delete, Graph's replicas answer
// as before it. Each apply waits until Graph shows its write, so the plan after it is empty.
func TestAccUserFlowAttribute_replicationLag(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ReplicationLag: 1500 * time.Millisecond, Seed: acctest.FaultSeed(t)})
	a := acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string"}
	renamed := a
	renamed.DisplayName = "Pastime"
	empty := resource.ConfigPlanChecks{
		PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: attributeConfig(server, a), ConfigPlanChecks: empty,
				Check: func(*terraform.State) error {
					for _, r := range server.Requests() {
						if r.Method == http.MethodGet && r.Status == http.StatusNotFound {
							return nil
						}
					}
					return fmt.Errorf("no read met the replication lag; the test proves nothing")
				},
			},
			{Config: attributeConfig(server, renamed), ConfigPlanChecks: empty},
		},
	})
}

// TestAccUserFlowAttribute_requestsPerOperation counts what each operation costs, plan and apply together:
// a create is the POST and one GET that sees Graph serve the attribute; a refresh one GET; an update the
// plan's GET, the PATCH and one GET that sees the description; a destroy the plan's GET, the DELETE and one
// GET that sees the attribute gone; the data source one GET per page.
func TestAccUserFlowAttribute_requestsPerOperation(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	a := acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string"}
	described := a
	described.Description = "Your hobby"
	counts := map[string]map[string]int{}
	record := func(name string) func(*terraform.State) error {
		return func(*terraform.State) error {
			counts[name] = graphCalls(server)
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: server.ResetRequests, Config: attributeConfig(server, a), Check: record("create")},
			{PreConfig: server.ResetRequests, RefreshState: true, Check: record("refresh")},
			{PreConfig: server.ResetRequests, Config: attributeConfig(server, described), Check: record("update")},
			{PreConfig: server.ResetRequests, Config: acctest.ProviderBlock(server), Check: record("destroy")},
			{
				PreConfig: server.ResetRequests,
				Config:    acctest.ProviderBlock(server) + "\ndata \"entra_user_flow_attributes\" \"all\" {}\n",
				Check:     record("data source (10 built-in attributes, one page)"),
			},
		},
	})
	want := map[string]map[string]int{
		"create":  {http.MethodPost: 1, http.MethodGet: 1},
		"refresh": {http.MethodGet: 1},
		"update":  {http.MethodGet: 2, http.MethodPatch: 1},
		"destroy": {http.MethodGet: 2, http.MethodDelete: 1},
		"data source (10 built-in attributes, one page)": {http.MethodGet: 1},
	}
	for name, w := range want {
		if !reflect.DeepEqual(counts[name], w) {
			t.Errorf("%s: %v, want %v", name, counts[name], w)
		}
	}
	t.Logf("requests per operation: %v", counts)
}

// TestAccUserFlowAttribute_renameWhileAFlowCollectsIt: a new display_name replaces the attribute. When a flow
// in the same configuration collects it, the default order deletes the old attribute first, which Graph
// refuses; the error says what create_before_destroy changes. With it, the new attribute is made, the
// flow's field moves to it, the old one is deleted, and the plan after is empty. A new data_type alone
// cannot be made beside the old attribute, which holds the name: that error says so.
func TestAccUserFlowAttribute_renameWhileAFlowCollectsIt(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	const (
		address = "entra_user_flow_attribute.hobby"
		flowID  = "B2X_1_PartnerSignUp"
	)
	hobbiesID := "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobbies"
	config := func(name, dataType, lifecycle string) string {
		return acctest.ProviderBlock(server) + fmt.Sprintf(`
resource "entra_user_flow_attribute" "hobby" {
  display_name = %q
  data_type    = %q
%s}

resource "entra_user_flow" "partner" {
  kind = "b2x"
  name = "PartnerSignUp"
  user_attribute_assignments = [
    { user_attribute_id = "Email", user_input_type = "emailBox" },
    { user_attribute_id = entra_user_flow_attribute.hobby.id },
  ]
}
`, name, dataType, lifecycle)
	}
	const createBeforeDestroy = "  lifecycle {\n    create_before_destroy = true\n  }\n"
	collected := func(want ...string) error {
		flow, ok := server.UserFlow(flowID)
		if !ok {
			return fmt.Errorf("no flow %s", flowID)
		}
		var got []string
		for _, a := range flow.AttributeAssignments {
			got = append(got, a.ID)
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("the flow collects %v, want %v", got, want)
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config("Hobby", "string", "")},
			{
				Config: config("Hobbies", "string", ""),
				ExpectError: acctest.Wrapped("User flow attribute still in use…Graph refused to delete Hobby (" + hobbyID + ")…409…" +
					"lifecycle { create_before_destroy = true }…the flow's sign-up page moves to it"),
			},
			{
				PreConfig: server.ResetRequests,
				Config:    config("Hobbies", "string", createBeforeDestroy),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(address, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectResourceAction("entra_user_flow.partner", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.ExpectID(address, hobbiesID)},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error { return collected("Email", hobbiesID) },
					func(*terraform.State) error {
						if custom := customAttributes(server); !slices.Equal(custom, []string{"Hobbies"}) {
							return fmt.Errorf("the tenant has the custom attributes %v, want Hobbies only", custom)
						}
						return nil
					},
				),
			},
			{
				// A new data_type alone keeps the name, which the old attribute still holds when the new one is made.
				Config: config("Hobbies", "int64", createBeforeDestroy),
				ExpectError: acctest.Wrapped("Cannot create the user flow attribute…409…has this display_name…" +
					"change the name as well, or remove the attribute from the sign-up page of every flow first"),
			},
		},
	})
}

// TestAccUserFlowAttribute_createThatGraphNeverServesIsKeptByUntaint: Graph makes the attribute and answers
// 404 for it past the create timeout. The apply fails, saying that the attribute is kept tainted and how
// untaint keeps it. While Graph still answers 404, an apply stops at its refresh and sends nothing, where
// forgetting the attribute would send its create again; once Graph serves it, the plan replaces it, and after
// untaint the next apply writes nothing.
func TestAccUserFlowAttribute_createThatGraphNeverServesIsKeptByUntaint(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	lag := fakegraph.Faults{ReplicationLag: time.Hour}
	server.SetFaults(lag)
	a := acctest.UserFlowAttribute{DisplayName: "Hobby", DataType: "string", Timeouts: map[string]string{"create": "2s"}}
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", attributeConfig(server, a))
	cli.MustRun("init", "-input=false", "-no-color")

	out, err := cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Graph has not served the new user flow attribute…Graph answered POST `+
		`/v1.0/identity/userFlowAttributes with the user flow attribute's id, `+hobbyID+`…Graph made the user flow attribute `+
		hobbyID+`, and the state holds it marked tainted: the next apply deletes it and creates it again. To keep it, run untaint`).MatchString(out) {
		t.Fatalf("want the create to fail and say what follows, got %v:\n%s", err, out)
	}

	server.ResetRequests()
	out, err = cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Graph has not served the user flow attribute `+hobbyID+` yet…The state keeps it, so that no `+
		`second one is made`).MatchString(out) {
		t.Errorf("want the apply under Graph's lag to stop at its refresh, got %v:\n%s", err, out)
	}
	if calls := graphCalls(server); len(calls) != 1 || calls[http.MethodGet] == 0 {
		t.Errorf("the apply under Graph's lag sent %v; want reads only", calls)
	}

	server.SetFaults(fakegraph.Faults{})
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !acctest.Wrapped(attributeAddress + ` is tainted, so…must be replaced`).MatchString(out) {
		t.Fatalf("want the tainted attribute replaced, got:\n%s", out)
	}
	cli.MustRun("untaint", "-no-color", attributeAddress)
	server.ResetRequests()
	cli.MustRun("apply", "-input=false", "-no-color", "-auto-approve")
	if err := expectCalls(server, map[string]int{http.MethodGet: 1}); err != nil {
		t.Errorf("the apply after untaint: %v", err)
	}
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("want no changes after the apply, got:\n%s", out)
	}
}
