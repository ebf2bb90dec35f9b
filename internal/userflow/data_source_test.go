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
	if _, err := server.PutIdentityProvider(fakegraph.IdentityProvider{Type: "Google"}); err != nil {
		t.Fatal(err)
	}
	a, b := seedConnector(server, "a"), seedConnector(server, "b")
	if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: partnerFlow, APIConnectors: map[string]string{pac: a},
		IdentityProviders: []string{"AADSignup-OAUTH", "EmailOtpSignup-OAUTH"},
		AttributeAssignments: []fakegraph.AttributeAssignment{
			{ID: "City", DisplayName: "Town", IsOptional: true},
			{ID: "Country", UserInputType: "radioSingleSelect", UserAttributeValues: []fakegraph.UserAttributeValue{{Name: "France", Value: "fr", IsDefault: true}, {Name: "Chile", Value: "cl"}}},
		}}); err != nil {
		t.Fatal(err)
	}
	seedFlow(t, server, "B2X_1_ContosoSignUp", nil)
	if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: "B2C_1_PasswordReset", UserFlowType: "passwordReset", UserFlowTypeVersion: 3,
		APIConnectors: map[string]string{pfs: a, pti: b}, IsLanguageCustomizationEnabled: true, DefaultLanguageTag: "fr",
		IdentityProviders: []string{"Google-OAUTH"}, AttributeAssignments: []fakegraph.AttributeAssignment{{ID: "Email", UserInputType: "emailBox"}}}); err != nil {
		t.Fatal(err)
	}
	value := func(id string) knownvalue.Check {
		if id == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(id)
	}
	field := func(id, label, inputType string, optional bool, choices ...knownvalue.Check) knownvalue.Check {
		var values knownvalue.Check = knownvalue.Null()
		if len(choices) > 0 {
			values = knownvalue.ListExact(choices)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"user_attribute_id": knownvalue.StringExact(id), "display_name": knownvalue.StringExact(label),
			"is_optional": knownvalue.Bool(optional), "requires_verification": knownvalue.Bool(false),
			"user_input_type": knownvalue.StringExact(inputType), "user_attribute_values": values,
		})
	}
	choice := func(name, v string, isDefault bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"name": knownvalue.StringExact(name), "value": knownvalue.StringExact(v), "is_default": knownvalue.Bool(isDefault),
		})
	}
	type parts struct {
		languages           bool
		tag                 string
		providers           []string
		page                []knownvalue.Check
		pfsID, pacID, ptiID string
	}
	flow := func(id, kind, typ string, version float64, p parts) knownvalue.Check {
		providers := make([]knownvalue.Check, len(p.providers))
		for i, id := range p.providers {
			providers[i] = knownvalue.StringExact(id)
		}
		var languages knownvalue.Check = knownvalue.Null()
		if kind == "b2c" {
			languages = knownvalue.Bool(p.languages)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "kind": knownvalue.StringExact(kind),
			"user_flow_type": knownvalue.StringExact(typ), "user_flow_type_version": knownvalue.Float64Exact(version),
			"post_federation_signup": value(p.pfsID), "post_attribute_collection": value(p.pacID), "pre_token_issuance": value(p.ptiID),
			"is_language_customization_enabled": languages, "default_language_tag": value(p.tag),
			"identity_providers": knownvalue.SetExact(providers), "user_attribute_assignments": knownvalue.ListExact(p.page),
		})
	}
	partner := flow(partnerFlow, "b2x", "signUpOrSignIn", 1, parts{pacID: a, providers: []string{"AADSignup-OAUTH", "EmailOtpSignup-OAUTH"},
		page: []knownvalue.Check{field("City", "Town", "textBox", true),
			field("Country", "Country/Region", "radioSingleSelect", false, choice("France", "fr", true), choice("Chile", "cl", false))}})
	contoso := flow("B2X_1_ContosoSignUp", "b2x", "signUpOrSignIn", 1, parts{page: []knownvalue.Check{}})
	reset := flow("B2C_1_PasswordReset", "b2c", "passwordReset", 3, parts{pfsID: a, ptiID: b, languages: true, tag: "fr",
		providers: []string{"Google-OAUTH"}, page: []knownvalue.Check{field("Email", "Email Address", "emailBox", false)}})

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
				statecheck.ExpectKnownValue("data.entra_user_flow.partner", tfjsonpath.New("identity_providers"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("AADSignup-OAUTH"), knownvalue.StringExact("EmailOtpSignup-OAUTH")})),
				statecheck.ExpectKnownValue("data.entra_user_flow.partner", tfjsonpath.New("user_attribute_assignments").AtSliceIndex(1).AtMapKey("user_input_type"),
					knownvalue.StringExact("radioSingleSelect")),
				statecheck.ExpectKnownValue("data.entra_user_flow.reset", tfjsonpath.New("pre_token_issuance"), knownvalue.StringExact(b)),
				statecheck.ExpectKnownValue("data.entra_user_flow.reset", tfjsonpath.New("user_flow_type_version"), knownvalue.Float64Exact(3)),
				statecheck.ExpectKnownValue("data.entra_user_flow.reset", tfjsonpath.New("default_language_tag"), knownvalue.StringExact("fr")),
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

// TestAccUserFlowDataSources_aB2CFlowWithoutLanguageTag: Graph answers null for the defaultLanguageTag of a
// B2C flow that has none, and both data sources show null, as their descriptions say, not "".
func TestAccUserFlowDataSources_aB2CFlowWithoutLanguageTag(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, b2cFlow, nil)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + `
data "entra_user_flow" "b2c" {
  id = "B2C_1_SignUpSignIn"
}

data "entra_user_flows" "b2c" {
  kind = "b2c"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_user_flow.b2c", tfjsonpath.New("default_language_tag"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.entra_user_flows.b2c", tfjsonpath.New("user_flows").AtSliceIndex(0).AtMapKey("default_language_tag"),
					knownvalue.Null()),
			},
		}},
	})
}
