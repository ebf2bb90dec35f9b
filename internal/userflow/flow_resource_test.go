package userflow_test

import (
	"encoding/json"
	"fmt"
	"slices"
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

// socialTenant is an emulator whose tenant has Google and Facebook configured as identity providers.
func socialTenant(t *testing.T, opts fakegraph.Options) *fakegraph.Server {
	t.Helper()
	server := acctest.StartEmulator(t, opts)
	for _, social := range []string{"Google", "Facebook"} {
		if _, err := server.PutIdentityProvider(fakegraph.IdentityProvider{Type: social}); err != nil {
			t.Fatal(err)
		}
	}
	return server
}

// The fields of the sign-up page the lifecycle test starts with: five attributes, one with choices.
var (
	cityField      = field("City")
	countryField   = field("Country", `display_name = "Country or region"`, "is_optional = true")
	emailField     = field("Email", `user_input_type = "emailBox"`, "requires_verification = true")
	givenNameField = field("GivenName")
	jobTitleField  = field("JobTitle", `user_input_type = "dropdownSingleSelect"`,
		`user_attribute_values = [{ name = "Engineer", value = "eng", is_default = true }, { name = "Sales", value = "sales" }]`)
)

// logRequests records what an operation cost, for the closing note of the change.
func logRequests(t *testing.T, server *fakegraph.Server, operation string) {
	t.Helper()
	reads, writes := countRequests(server)
	t.Logf("%s: %d writes, %d reads: %s", operation, writes, reads, strings.Join(graphRequests(server), ", "))
}

// TestAccUserFlow_b2xLifecycle makes an External ID flow with five fields and two providers, then changes
// it in each way the sign-up page and the providers can change, and destroys it. Each apply sends exactly
// the writes the change needs: setOrder only when the order changes, and nothing for another spelling.
func TestAccUserFlow_b2xLifecycle(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	const flowPath = "/v1.0/identity/b2xUserFlows/B2X_1_Partner"
	page, refs := "POST {flow}/userAttributeAssignments", "{flow}/userFlowIdentityProviders"
	config := func(providers string, fields ...string) string {
		return flowHCL(server, "b2x", "Partner", providers, pageArg(fields...))
	}
	applied := func(operation string, writes []string, check func() error) resource.TestCheckFunc {
		return func(*terraform.State) error {
			logRequests(t, server, operation)
			if err := expectWrites(server, flowPath, writes...); err != nil {
				return err
			}
			return check()
		}
	}
	empty := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Create: the flow, one $ref per provider to add or remove (Graph gives a new flow AADSignup-OAUTH),
				// one POST per field, in the configuration's order, so no setOrder.
				PreConfig: server.ResetRequests,
				Config:    config(providersArg("Google-OAUTH", "Facebook-OAUTH"), cityField, countryField, emailField, givenNameField, jobTitleField),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(flowAddress, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: empty,
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.ExpectID(flowAddress, "B2X_1_Partner"),
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("name"), knownvalue.StringExact("Partner")),
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("user_flow_type_version"), knownvalue.Float64Exact(1)),
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("default_language_tag"), knownvalue.Null()),
					// Labels left to Graph are the attributes' own.
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("user_attribute_assignments").AtSliceIndex(2).AtMapKey("display_name"),
						knownvalue.StringExact("Email Address")),
				},
				Check: applied("create with 5 attributes and 2 providers",
					[]string{"POST /v1.0/identity/b2xUserFlows", "POST " + refs + "/$ref", "POST " + refs + "/$ref",
						"DELETE " + refs + "/AADSignup-OAUTH/$ref", page, page, page, page, page},
					func() error {
						if err := createSentOnlyTheFlow(server); err != nil {
							return err
						}
						if err := expectProviders(server, "B2X_1_Partner", "Google-OAUTH", "Facebook-OAUTH"); err != nil {
							return err
						}
						return expectPage(server, "B2X_1_Partner", "City", "Country", "Email", "GivenName", "JobTitle")
					}),
			},
			{
				// A refresh reads the flow, its providers and its page: four requests, whatever the page holds.
				PreConfig:    server.ResetRequests,
				RefreshState: true,
				Check: func(*terraform.State) error {
					logRequests(t, server, "refresh")
					if reads, writes := countRequests(server); reads != 4 || writes != 0 {
						return fmt.Errorf("the refresh sent %d reads and %d writes, want 4 reads", reads, writes)
					}
					return nil
				},
			},
			{
				// Remove one field, add one, reorder: a DELETE, a POST (Graph puts it last), and the order.
				PreConfig: server.ResetRequests,
				Config:    config(providersArg("Google-OAUTH", "Facebook-OAUTH"), emailField, cityField, field("Surname"), givenNameField, jobTitleField),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "user_attribute_assignments")},
					PostApplyPostRefresh: empty,
				},
				Check: applied("remove, add and reorder fields",
					[]string{"DELETE {flow}/userAttributeAssignments/Country", page, page + "/setOrder"},
					func() error {
						return expectPage(server, "B2X_1_Partner", "Email", "City", "Surname", "GivenName", "JobTitle")
					}),
			},
			{
				// Change fields in place and add one at the end: PATCHes and a POST, no setOrder.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("Google-OAUTH", "Facebook-OAUTH"), emailField, field("City", `display_name = "Town"`),
					field("Surname"), field("GivenName", "is_optional = true"),
					strings.Replace(jobTitleField, "dropdownSingleSelect", "radioSingleSelect", 1), field("PostalCode")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "user_attribute_assignments")},
					PostApplyPostRefresh: empty,
				},
				Check: applied("change 3 fields in place and append 1",
					[]string{"PATCH {flow}/userAttributeAssignments/City", "PATCH {flow}/userAttributeAssignments/GivenName",
						"PATCH {flow}/userAttributeAssignments/JobTitle", page},
					func() error {
						flow, _ := server.UserFlow("B2X_1_Partner")
						if got := flow.AttributeAssignments[1]; got.DisplayName != "Town" {
							return fmt.Errorf("City is labelled %q, want Town", got.DisplayName)
						}
						if got := flow.AttributeAssignments[4]; got.UserInputType != "radioSingleSelect" || len(got.UserAttributeValues) != 2 {
							return fmt.Errorf("JobTitle is %+v, want a radioSingleSelect with two choices", got)
						}
						return expectPage(server, "B2X_1_Partner", "Email", "City", "Surname", "GivenName", "JobTitle", "PostalCode")
					}),
			},
			{
				// Only the order changes: setOrder alone.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("Google-OAUTH", "Facebook-OAUTH"), field("PostalCode"), emailField, field("City", `display_name = "Town"`),
					field("Surname"), field("GivenName", "is_optional = true"), strings.Replace(jobTitleField, "dropdownSingleSelect", "radioSingleSelect", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "user_attribute_assignments")},
					PostApplyPostRefresh: empty,
				},
				Check: applied("reorder only", []string{page + "/setOrder"},
					func() error {
						return expectPage(server, "B2X_1_Partner", "PostalCode", "Email", "City", "Surname", "GivenName", "JobTitle")
					}),
			},
			{
				// Providers: add one and remove one, a $ref each; the page is not read.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("Google-OAUTH", "EmailOtpSignup-OAUTH"), field("PostalCode"), emailField, field("City", `display_name = "Town"`),
					field("Surname"), field("GivenName", "is_optional = true"), strings.Replace(jobTitleField, "dropdownSingleSelect", "radioSingleSelect", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "identity_providers")},
					PostApplyPostRefresh: empty,
				},
				Check: applied("add and remove a provider", []string{"POST " + refs + "/$ref", "DELETE " + refs + "/Facebook-OAUTH/$ref"},
					func() error { return expectProviders(server, "B2X_1_Partner", "Google-OAUTH", "EmailOtpSignup-OAUTH") }),
			},
			{
				// Other spellings of what Graph compares without case (a provider id, an input type, an attribute
				// id): the state takes them, Graph is sent nothing, and the next plan is empty.
				PreConfig: server.ResetRequests,
				Config: config(providersArg("google-oauth", "EmailOtpSignup-OAUTH"), field("postalcode"),
					strings.Replace(emailField, "emailBox", "EmailBox", 1), field("City", `display_name = "Town"`),
					field("Surname"), field("GivenName", "is_optional = true"), strings.Replace(jobTitleField, "dropdownSingleSelect", "RadioSingleSelect", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: empty},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("identity_providers"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("google-oauth"), knownvalue.StringExact("EmailOtpSignup-OAUTH")})),
				},
				Check: applied("another spelling", nil, func() error { return nil }),
			},
			{
				// Destroy: one DELETE, read until Graph no longer serves the flow.
				PreConfig: server.ResetRequests,
				Config:    config(providersArg("Google-OAUTH")),
				Destroy:   true,
				Check: func(*terraform.State) error {
					logRequests(t, server, "destroy")
					if _, ok := server.UserFlow("B2X_1_Partner"); ok {
						return fmt.Errorf("the flow is still there")
					}
					return expectWrites(server, flowPath, "DELETE {flow}")
				},
			},
		},
	})
}

// createSentOnlyTheFlow fails unless the create of the flow sent its id, type and version and nothing
// else: no connector steps, no providers.
func createSentOnlyTheFlow(server *fakegraph.Server) error {
	for _, r := range server.Requests() {
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "UserFlows") {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return err
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range body {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"id", "userFlowType", "userFlowTypeVersion"}) || body["id"] != "Partner" {
			return fmt.Errorf("the create sent %s, want the bare name, the type and the version only", r.Body)
		}
		return nil
	}
	return fmt.Errorf("no create was sent")
}

// TestAccUserFlow_b2cOnBeta makes an Azure AD B2C flow: every call goes to beta whatever the provider's
// api_version, the language settings change in place with one PATCH, another case of the tag sends
// nothing, and a language setting changed in the portal is put back.
func TestAccUserFlow_b2cOnBeta(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	const flowPath = "/beta/identity/b2cUserFlows/B2C_1_Customer"
	config := func(languages ...string) string {
		return flowHCL(server, "b2c", "Customer", arg("user_flow_type", "signUp"), arg("user_flow_type_version", 3),
			strings.Join(languages, ""), providersArg("Google-OAUTH"), pageArg(field("City")))
	}
	onlyBeta := func() error {
		for _, r := range graphRequests(server) {
			if !strings.Contains(r, " /beta/identity/b2cUserFlows") {
				return fmt.Errorf("a B2C flow's call went elsewhere than beta: %s", r)
			}
		}
		return nil
	}
	applied := func(operation string, writes ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			logRequests(t, server, operation)
			if err := onlyBeta(); err != nil {
				return err
			}
			return expectWrites(server, flowPath, writes...)
		}
	}
	languages := func(enabled bool, tag string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("is_language_customization_enabled"), knownvalue.Bool(enabled)),
			statecheck.ExpectKnownValue(flowAddress, tfjsonpath.New("default_language_tag"), knownvalue.StringExact(tag)),
		}
	}
	empty := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Language customization left to Graph: off, as for every new B2C flow.
				PreConfig:         server.ResetRequests,
				Config:            config(arg("default_language_tag", "de")),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: empty},
				ConfigStateChecks: append(languages(false, "de"), acctest.ExpectID(flowAddress, "B2C_1_Customer")),
				Check: resource.ComposeAggregateTestCheckFunc(
					applied("create a B2C flow", "POST /beta/identity/b2cUserFlows", "POST {flow}/userFlowIdentityProviders/$ref",
						"POST {flow}/userAttributeAssignments"),
					func(*terraform.State) error {
						flow, _ := server.UserFlow("B2C_1_Customer")
						if flow.UserFlowType != "signUp" || flow.UserFlowTypeVersion != 3 || flow.DefaultLanguageTag != "de" {
							return fmt.Errorf("Graph holds %+v", flow)
						}
						return nil
					}),
			},
			{
				// Both language settings in one PATCH, nothing else.
				PreConfig: server.ResetRequests,
				Config:    config(arg("is_language_customization_enabled", true), arg("default_language_tag", "fr")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "is_language_customization_enabled", "default_language_tag")},
					PostApplyPostRefresh: empty,
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					applied("change both language settings", "PATCH {flow}"),
					func(*terraform.State) error {
						for _, r := range server.Requests() {
							if r.Method == "PATCH" && string(r.Body) != `{"isLanguageCustomizationEnabled":true,"defaultLanguageTag":"fr"}` {
								return fmt.Errorf("the PATCH sent %s", r.Body)
							}
						}
						return nil
					}),
			},
			{
				// Another case of the same tag: the state takes it, Graph is sent nothing.
				PreConfig:         server.ResetRequests,
				Config:            config(arg("is_language_customization_enabled", true), arg("default_language_tag", "FR")),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: empty},
				ConfigStateChecks: languages(true, "FR"),
				Check:             applied("another case of the tag"),
			},
			{
				// Drift: the tag changed in the portal shows as exactly that change, and one PATCH puts it back.
				PreConfig: func() {
					server.EditUserFlow("B2C_1_Customer", func(f *fakegraph.UserFlow) { f.DefaultLanguageTag = "en" })
					server.ResetRequests()
				},
				Config: config(arg("is_language_customization_enabled", true), arg("default_language_tag", "FR")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, "default_language_tag")},
					PostApplyPostRefresh: empty,
				},
				Check: applied("put back a language setting changed in the portal", "PATCH {flow}"),
			},
			{
				// Unset, the language settings are Graph's: no change planned.
				Config:           config(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: empty},
			},
			{
				PreConfig: server.ResetRequests,
				Config:    config(),
				Destroy:   true,
				Check:     applied("destroy a B2C flow", "DELETE {flow}"),
			},
		},
	})
}

// TestAccUserFlow_unknownAttributeSaysWhereAttributesComeFrom: a sign-up field naming an attribute the tenant
// lacks passes plan (only Graph knows the tenant's attributes) and Graph refuses it with 400; the error is on
// the field and says which attributes a field can name and where to list them.
func TestAccUserFlow_unknownAttributeSaysWhereAttributesComeFrom(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: flowHCL(server, "b2x", "Partner", pageArg(field("City"), field("Nickname"))),
			ExpectError: acctest.Wrapped(`Cannot add the Nickname field to user flow B2X_1_Partner…Graph answered 400…each ` +
				`user_attribute_id must name an attribute the tenant has…the entra_user_flow_attributes data source lists them`),
		}},
	})
}
