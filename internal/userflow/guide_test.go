package userflow_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
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

// TestAccGuide_callingYourAPIDuringSignUp runs the guide's example as a reader would: create the connector
// with a certificate and wire it into the flow, rotate the certificate with append (the link is left
// alone), import both resources, destroy.
func TestAccGuide_callingYourAPIDuringSignUp(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	seedFlow(t, server, partnerFlow, nil)
	configuration := guideConfiguration(t, server, "")
	current := testcert.New(t, testcert.Options{CommonName: "signup-validation-2025"})
	next := testcert.New(t, testcert.Options{CommonName: "signup-validation-2026"})
	files := map[string]string{"current.pfx": writePFX(t, current), "next.pfx": writePFX(t, next)}
	secrets := []string{current.Password, next.Password, current.Base64[:64], next.Base64[:64]}
	const connector, link = "entra_identity_api_connector.signup_validation", "entra_user_flow_api_connectors.signup"
	var connectorID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(server.Connectors()); n != 0 {
				return fmt.Errorf("after destroy the emulator holds %d connectors", n)
			}
			return expectSteps(server, partnerFlow, map[string]string{})
		},
		Steps: []resource.TestStep{
			{
				PreConfig:       server.ResetRequests,
				Config:          configuration,
				ConfigVariables: guideVariables(files["current.pfx"], current, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{acctest.NoSecretInPlan(secrets...)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("active_certificate", knownvalue.StringExact(current.Thumbprint)),
					acctest.NoSecretInState(secrets...),
				},
				Check: func(*terraform.State) error {
					connectors := server.Connectors()
					if len(connectors) != 1 {
						return fmt.Errorf("the emulator holds %d connectors", len(connectors))
					}
					connectorID = connectors[0].ID
					if err := expectPUTs(server, setStep("v1.0", "b2xUserFlows", partnerFlow, pac, connectorID)); err != nil {
						return err
					}
					return expectSteps(server, partnerFlow, map[string]string{pac: connectorID})
				},
			},
			{
				// Rotate: the next certificate is added beside the current one, and the flow is not touched.
				PreConfig:       server.ResetRequests,
				Config:          configuration,
				ConfigVariables: guideVariables(files["next.pfx"], next, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connector, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(link, plancheck.ResourceActionNoop),
						acctest.NoSecretInPlan(secrets...),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("active_certificate", knownvalue.StringExact(next.Thumbprint)),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if err := expectPUTs(server); err != nil {
							return fmt.Errorf("the rotation touched the flow: %w", err)
						}
						var uploads int
						for _, r := range server.Requests() {
							if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/uploadClientCertificate") {
								uploads++
							}
						}
						stored, _ := server.Connector(connectorID)
						if uploads != 1 || len(stored.Auth.Certificates) != 2 {
							return fmt.Errorf("%d uploads, %d certificates; want 1 upload and both certificates", uploads, len(stored.Auth.Certificates))
						}
						return expectSteps(server, partnerFlow, map[string]string{pac: connectorID})
					},
					acctest.CheckNoSecretOnDisk(secrets...),
				),
			},
			{
				// Import the link with an import block naming the flow's id: the plan changes nothing. (The
				// outputs keep `terraform import` steps from being checked here; the resource's own tests do.)
				Config:          configuration,
				ConfigVariables: guideVariables(files["next.pfx"], next, 2),
				ResourceName:    link,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Import the connector with an import block: Graph never returns the certificate, so the plan
				// sends it once.
				Config:             configuration,
				ConfigVariables:    guideVariables(files["next.pfx"], next, 2),
				ResourceName:       connector,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccGuide_importingWhatThePortalMade follows the guide's section of that name: the connector, holding
// its certificate, and the link were made in the portal; the guide's configuration with two import blocks
// adopts both. The connector already holds the configured certificate, so under rotation "append" the first
// apply uploads nothing (Graph refuses a certificate twice) and the next plan is empty.
func TestAccGuide_importingWhatThePortalMade(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	pfx := testcert.New(t, testcert.Options{CommonName: "signup-validation-2025"})
	made := server.PutConnector(fakegraph.Connector{DisplayName: "Sign-up validation", TargetURL: "https://api.contoso.com/signup/validate"})
	if err := server.UploadCertificate(made.ID, []byte(pfx.Base64), pfx.Password); err != nil {
		t.Fatal(err)
	}
	seedFlow(t, server, partnerFlow, map[string]string{pac: made.ID})
	imports := fmt.Sprintf(`
import {
  to = entra_identity_api_connector.signup_validation
  id = %q
}

import {
  to = entra_user_flow_api_connectors.signup
  id = %q
}
`, made.ID, partnerFlow)

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
