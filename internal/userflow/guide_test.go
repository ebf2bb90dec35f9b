package userflow_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// guideExample is the configuration of the guide "Calling your API during sign-up".
const guideExample = "../../examples/guides/calling-your-api-during-sign-up/main.tf"

// TestAccGuide_callingYourAPIDuringSignUp runs the guide's example as a reader would, in a tenant with no user
// flow: one apply makes the custom attribute, the flow with its sign-up page and providers, the connector with
// a certificate and the link; the next plan is empty; the certificate is rotated with append (nothing else is
// touched); each of the four resources is imported; destroy leaves nothing behind.
func TestAccGuide_callingYourAPIDuringSignUp(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	configuration := guideConfiguration(t, server, "")
	current := testcert.New(t, testcert.Options{CommonName: "signup-validation-2025"})
	next := testcert.New(t, testcert.Options{CommonName: "signup-validation-2026"})
	files := map[string]string{"current.pfx": writePFX(t, current), "next.pfx": writePFX(t, next)}
	secrets := []string{current.Password, next.Password, current.Base64[:64], next.Base64[:64]}
	const (
		attribute = "entra_user_flow_attribute.loyalty_number"
		flow      = "entra_user_flow.partner_signup"
		connector = "entra_identity_api_connector.signup_validation"
		link      = "entra_user_flow_api_connectors.signup"
	)
	var connectorID, attributeID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(server.Connectors()); n != 0 {
				return fmt.Errorf("after destroy the emulator holds %d connectors", n)
			}
			if flows := server.UserFlows(); len(flows) != 0 {
				return fmt.Errorf("after destroy the emulator holds the user flow %s", flows[0].ID)
			}
			if custom := customAttributes(server); len(custom) != 0 {
				return fmt.Errorf("after destroy the emulator holds the custom attributes %v", custom)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if flows := server.UserFlows(); len(flows) != 0 {
						t.Fatalf("the tenant should start with no user flow, not %s", flows[0].ID)
					}
					server.ResetRequests()
				},
				Config:          configuration,
				ConfigVariables: guideVariables(files["current.pfx"], current, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(attribute, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(flow, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(connector, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(link, plancheck.ResourceActionCreate),
						acctest.NoSecretInPlan(secrets...),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("user_flow_id", knownvalue.StringExact(partnerFlow)),
					statecheck.ExpectKnownOutputValue("active_certificate", knownvalue.StringExact(current.Thumbprint)),
					acctest.NoSecretInState(secrets...),
				},
				Check: func(*terraform.State) error {
					connectors, custom := server.Connectors(), customAttributes(server)
					if len(connectors) != 1 || len(custom) != 1 {
						return fmt.Errorf("the emulator holds %d connectors and the custom attributes %v; want one of each", len(connectors), custom)
					}
					connectorID, attributeID = connectors[0].ID, custom[0]
					if err := expectGuideWrites(server, attributeID, connectorID); err != nil {
						return err
					}
					return errors.Join(
						expectProviders(server, partnerFlow, "AADSignup-OAUTH", "EmailOtpSignup-OAUTH"),
						expectPage(server, partnerFlow, "Email", "GivenName", "Surname", attributeID),
						expectSteps(server, partnerFlow, map[string]string{pac: connectorID}),
					)
				},
			},
			{
				// Rotate: the next certificate is added beside the current one; the flow, its page and its
				// attribute are not touched.
				PreConfig:       server.ResetRequests,
				Config:          configuration,
				ConfigVariables: guideVariables(files["next.pfx"], next, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connector, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(link, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(flow, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(attribute, plancheck.ResourceActionNoop),
						acctest.NoSecretInPlan(secrets...),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("active_certificate", knownvalue.StringExact(next.Thumbprint)),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if err := expectWrites(server, "", "POST /v1.0/identity/apiConnectors/"+connectorID+"/uploadClientCertificate"); err != nil {
							return fmt.Errorf("the rotation wrote more than the certificate: %w", err)
						}
						stored, _ := server.Connector(connectorID)
						if len(stored.Auth.Certificates) != 2 {
							return fmt.Errorf("the connector holds %d certificates; want both", len(stored.Auth.Certificates))
						}
						return expectSteps(server, partnerFlow, map[string]string{pac: connectorID})
					},
					acctest.CheckNoSecretOnDisk(secrets...),
				),
			},
			// Import each resource with an import block naming its id: the plan changes nothing, but for the
			// connector, to which Graph never returns the certificate, so the plan sends it once. (The outputs
			// keep `terraform import` steps from being checked here; the resources' own tests do.)
			guideImport(configuration, files["next.pfx"], next, attribute, false),
			guideImport(configuration, files["next.pfx"], next, flow, false),
			guideImport(configuration, files["next.pfx"], next, link, false),
			guideImport(configuration, files["next.pfx"], next, connector, true),
		},
	})
}

// guideImport is a step that imports the resource at address into the guide's configuration with an import
// block naming its id.
func guideImport(configuration, file string, pfx testcert.PFX, address string, sendsSecret bool) resource.TestStep {
	return resource.TestStep{
		Config:             configuration,
		ConfigVariables:    guideVariables(file, pfx, 2),
		ResourceName:       address,
		ImportState:        true,
		ImportStateKind:    resource.ImportBlockWithID,
		ExpectNonEmptyPlan: sendsSecret,
	}
}

// expectGuideWrites fails unless the writes of the guide's first apply are what the guide says they are:
// the attribute, the flow, the provider Graph does not give a new flow, the four fields of the sign-up page
// (already in order, so no setOrder), the connector with its certificate, and the step. Resources that do
// not depend on each other are made at the same time, so the writes are compared without their order.
func expectGuideWrites(server *fakegraph.Server, attributeID, connectorID string) error {
	const flowPath = "/v1.0/identity/b2xUserFlows/" + partnerFlow
	want := []string{
		"POST /v1.0/identity/userFlowAttributes",
		"POST /v1.0/identity/b2xUserFlows",
		"POST " + flowPath + "/userFlowIdentityProviders/$ref",
		"POST " + flowPath + "/userAttributeAssignments",
		"POST " + flowPath + "/userAttributeAssignments",
		"POST " + flowPath + "/userAttributeAssignments",
		"POST " + flowPath + "/userAttributeAssignments",
		"POST /v1.0/identity/apiConnectors",
		"PUT " + flowPath + "/apiConnectorConfiguration/postAttributeCollection/$ref",
	}
	var got []string
	for _, r := range graphRequests(server) {
		if !strings.HasPrefix(r, "GET ") {
			got = append(got, r)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("Graph received the writes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	return expectPUTs(server, setStep("v1.0", "b2xUserFlows", partnerFlow, pac, connectorID))
}

// customAttributes are the ids of the emulator's custom user-flow attributes.
func customAttributes(server *fakegraph.Server) []string {
	var ids []string
	for _, a := range server.UserFlowAttributes() {
		if !a.BuiltIn {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// TestAccGuide_importingWhatThePortalMade follows the guide's section of that name: the custom attribute, the
// flow with its providers and sign-up page, the connector holding its certificate, and the link were made in
// the portal; the guide's configuration with four import blocks adopts them all. The connector already holds
// the configured certificate, so under rotation "append" the first apply uploads nothing (Graph refuses a
// certificate twice), nothing else differs, and the next plan is empty.
func TestAccGuide_importingWhatThePortalMade(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	pfx := testcert.New(t, testcert.Options{CommonName: "signup-validation-2025"})
	made := server.PutConnector(fakegraph.Connector{DisplayName: "Sign-up validation", TargetURL: "https://api.contoso.com/signup/validate"})
	if err := server.UploadCertificate(made.ID, []byte(pfx.Base64), pfx.Password); err != nil {
		t.Fatal(err)
	}
	loyalty, err := server.PutUserFlowAttribute(fakegraph.UserFlowAttribute{
		DisplayName: "Loyalty number", DataType: "string", Description: "Your loyalty number; leave it empty and we look it up",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.PutUserFlow(fakegraph.UserFlow{
		ID:                partnerFlow,
		APIConnectors:     map[string]string{pac: made.ID},
		IdentityProviders: []string{"AADSignup-OAUTH", "EmailOtpSignup-OAUTH"},
		AttributeAssignments: []fakegraph.AttributeAssignment{
			{ID: "Email", UserInputType: "emailBox"}, {ID: "GivenName"}, {ID: "Surname"}, {ID: loyalty.ID, IsOptional: true},
		},
	}); err != nil {
		t.Fatal(err)
	}
	imports := fmt.Sprintf(`
import {
  to = entra_user_flow_attribute.loyalty_number
  id = %q
}

import {
  to = entra_user_flow.partner_signup
  id = %q
}

import {
  to = entra_identity_api_connector.signup_validation
  id = %q
}

import {
  to = entra_user_flow_api_connectors.signup
  id = %q
}
`, loyalty.ID, partnerFlow, made.ID, partnerFlow)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:       server.ResetRequests,
			Config:          guideConfiguration(t, server, imports),
			ConfigVariables: guideVariables(writePFX(t, pfx), pfx, 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				for _, r := range server.Requests() {
					if r.Method != http.MethodGet && strings.Contains(r.Path, "/identity/") {
						return fmt.Errorf("the import wrote %s %s; the portal's objects already match the configuration", r.Method, r.Path)
					}
				}
				if stored, _ := server.Connector(made.ID); len(stored.Auth.Certificates) != 1 {
					return fmt.Errorf("the connector holds %d certificates, want the one it had", len(stored.Auth.Certificates))
				}
				return expectSteps(server, partnerFlow, map[string]string{pac: made.ID})
			},
		}},
	})
}

// guideConfiguration is the guide's example, signed in to server, with extra configuration after it. The
// guide is a whole configuration, required_providers included; the tests serve the provider under another
// namespace.
func guideConfiguration(t *testing.T, server *fakegraph.Server, extra string) string {
	t.Helper()
	example, err := os.ReadFile(guideExample)
	if err != nil {
		t.Fatal(err)
	}
	const source, testSource = `source = "entra-iac/entra"`, `source = "hashicorp/entra"`
	if !strings.Contains(string(example), source) {
		t.Fatalf("%s does not name the provider's source (%s): it would not init as the guide shows it", guideExample, source)
	}
	return acctest.ProviderBlock(server) + strings.Replace(string(example), source, testSource, 1) + extra
}

// guideVariables are the guide's variables for the PKCS#12 file at file.
func guideVariables(file string, pfx testcert.PFX, version int) config.Variables {
	return config.Variables{
		"certificate_file":     config.StringVariable(file),
		"certificate_password": config.StringVariable(pfx.Password),
		"certificate_version":  config.IntegerVariable(version),
	}
}

// writePFX writes pfx as a .pfx file, as a reader of the guide has it, and returns its path.
func writePFX(t *testing.T, pfx testcert.PFX) string {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(pfx.Base64)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "client.pfx")
	if err := os.WriteFile(file, der, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
