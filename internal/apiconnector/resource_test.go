package apiconnector_test

import (
	"encoding/json"
	"fmt"
	"net/http"
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
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

const connectorAddress = "entra_identity_api_connector.test"

// connectorsPath is Graph's API connector collection, in the emulator's request log.
const connectorsPath = "/identity/apiConnectors"

// basicConfig is a connector with basic authentication.
func basicConfig(server *fakegraph.Server, name, url, username, password string, version int) string {
	return acctest.ProviderBlock(server) + acctest.Connector{DisplayName: name, TargetURL: url,
		Basic: &acctest.Basic{Username: username, Password: password, Version: version}}.HCL()
}

// certificateConfig is a connector with a client certificate; rotation "" leaves the argument out.
func certificateConfig(server *fakegraph.Server, name, url string, pfx testcert.PFX, version int, rotation string) string {
	certificate := &acctest.PKCS12{Value: pfx.Base64, Password: pfx.Password, Version: version}
	if rotation != "" {
		certificate.Rotation = rotation
	}
	return acctest.ProviderBlock(server) + acctest.Connector{DisplayName: name, TargetURL: url, PKCS12: certificate}.HCL()
}

// graphWrites returns the writes the emulator received for API connectors, in order.
func graphWrites(server *fakegraph.Server, method string) []fakegraph.Request {
	var out []fakegraph.Request
	for _, r := range server.Requests() {
		if r.Method == method && strings.Contains(r.Path, connectorsPath) {
			out = append(out, r)
		}
	}
	return out
}

// bodyOf decodes a logged JSON request body.
func bodyOf(t *testing.T, r fakegraph.Request) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", r.Method, r.Path, err)
	}
	return body
}

// sentAuthentication is the authenticationConfiguration of the one write of method the emulator received.
func sentAuthentication(t *testing.T, server *fakegraph.Server, method string) (map[string]any, error) {
	writes := graphWrites(server, method)
	if len(writes) != 1 {
		return nil, fmt.Errorf("got %d %s requests, want 1", len(writes), method)
	}
	auth, _ := bodyOf(t, writes[0])["authenticationConfiguration"].(map[string]any)
	return auth, nil
}

// onlyConnector returns the emulator's single connector.
func onlyConnector(server *fakegraph.Server) (fakegraph.Connector, error) {
	all := server.Connectors()
	if len(all) != 1 {
		return fakegraph.Connector{}, fmt.Errorf("the emulator holds %d connectors, want 1", len(all))
	}
	return all[0], nil
}

func TestAccIdentityAPIConnector_basicLifecycle(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	password1 := acctest.RandomSecret(t, "password1")
	password2 := acctest.RandomSecret(t, "password2")
	pfx := testcert.New(t, testcert.Options{})
	secrets := []string{password1, password2, pfx.Base64, pfx.Password, server.Options().ClientSecret}
	var id string

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(server.Connectors()); n != 0 {
				return fmt.Errorf("after destroy the emulator still holds %d connectors", n)
			}
			if len(graphWrites(server, http.MethodDelete)) == 0 {
				return fmt.Errorf("destroy sent no DELETE")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Create: Graph receives the password; the plan and the state never hold it.
				Config: basicConfig(server, "Sign-up validation", "https://api.contoso.com/validate", "b2c", password1, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionCreate),
						acctest.NoSecretInPlan(secrets...),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.NoSecretInState(secrets...),
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("basic_auth").AtSliceIndex(0).AtMapKey("password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("basic_auth").AtSliceIndex(0).AtMapKey("password_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("certificates"), knownvalue.ListSizeExact(0)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith(connectorAddress, "id", func(value string) error {
						id = value
						return nil
					}),
					func(*terraform.State) error {
						auth, err := sentAuthentication(t, server, http.MethodPost)
						if err != nil {
							return err
						}
						if auth["@odata.type"] != "#microsoft.graph.basicAuthentication" || auth["username"] != "b2c" || auth["password"] != password1 {
							return fmt.Errorf("POST sent authenticationConfiguration %v", auth)
						}
						stored, err := onlyConnector(server)
						if err != nil {
							return err
						}
						if stored.Auth.Kind != "basic" || stored.Auth.Password != password1 {
							return fmt.Errorf("the emulator stored auth kind %q with the wrong password", stored.Auth.Kind)
						}
						return nil
					},
					acctest.CheckNoSecretOnDisk(secrets...),
				),
			},
			{
				// Renaming and moving the connector sends exactly those two properties, never the password.
				PreConfig: server.ResetRequests,
				Config:    basicConfig(server, "Sign-up validation v2", "https://api.contoso.com/v2/validate", "b2c", password1, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					patches := graphWrites(server, http.MethodPatch)
					if len(patches) != 1 {
						return fmt.Errorf("got %d PATCHes, want 1", len(patches))
					}
					body := bodyOf(t, patches[0])
					if keys := bodyKeys(t, patches[0]); !slices.Equal(keys, []string{"displayName", "targetUrl"}) {
						return fmt.Errorf("PATCH sent %v, want exactly displayName and targetUrl", keys)
					}
					if body["displayName"] != "Sign-up validation v2" || body["targetUrl"] != "https://api.contoso.com/v2/validate" {
						return fmt.Errorf("PATCH sent %v", body)
					}
					return nil
				},
			},
			{
				// A new password alone is invisible to Terraform: nothing to do.
				PreConfig: server.ResetRequests,
				Config:    basicConfig(server, "Sign-up validation v2", "https://api.contoso.com/v2/validate", "b2c", password2, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if n := len(graphWrites(server, http.MethodPatch)); n != 0 {
						return fmt.Errorf("got %d PATCHes for a plan without changes", n)
					}
					stored, err := onlyConnector(server)
					if err != nil {
						return err
					}
					if stored.Auth.Password != password1 {
						return fmt.Errorf("the password changed without a version bump")
					}
					return nil
				},
			},
			{
				// Bumping the version sends the new password.
				PreConfig: server.ResetRequests,
				Config:    basicConfig(server, "Sign-up validation v2", "https://api.contoso.com/v2/validate", "b2c", password2, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						acctest.NoSecretInPlan(secrets...),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{acctest.NoSecretInState(secrets...)},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						auth, err := sentAuthentication(t, server, http.MethodPatch)
						if err == nil && (auth["@odata.type"] != "#microsoft.graph.basicAuthentication" || auth["password"] != password2) {
							err = fmt.Errorf("PATCH did not send the new password with its type")
						}
						return err
					},
					acctest.CheckNoSecretOnDisk(secrets...),
				),
			},
			{
				// Switching to a certificate: the plan already shows its thumbprint, and the next plan is
				// empty although Graph now answers clientCertificateAuthentication.
				PreConfig: server.ResetRequests,
				Config:    certificateConfig(server, "Sign-up validation v2", "https://api.contoso.com/v2/validate", pfx, 1, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("certificates").AtSliceIndex(0).AtMapKey("thumbprint"),
							knownvalue.StringExact(pfx.Thumbprint)),
						acctest.NoSecretInPlan(secrets...),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.NoSecretInState(secrets...),
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(pfx, true)})),
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("basic_auth"), knownvalue.ListSizeExact(0)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						auth, err := sentAuthentication(t, server, http.MethodPatch)
						if err == nil && (auth["@odata.type"] != "#microsoft.graph.pkcs12Certificate" || auth["pkcs12Value"] != pfx.Base64 || auth["password"] != pfx.Password) {
							err = fmt.Errorf("PATCH did not send the certificate with its type")
						}
						return err
					},
					acctest.CheckNoSecretOnDisk(secrets...),
				),
			},
			{
				// Import by id reads back the same state, but for the versions only the configuration knows.
				ResourceName:                         connectorAddress,
				ImportState:                          true,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"pkcs12.0.value_wo_version", "basic_auth.0.password_wo_version"},
			},
			{
				// Deleted outside Terraform: the next plan creates it again.
				PreConfig: func() {
					if !server.DeleteConnector(id) {
						t.Fatalf("connector %s is not in the emulator", id)
					}
				},
				Config: certificateConfig(server, "Sign-up validation v2", "https://api.contoso.com/v2/validate", pfx, 1, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionCreate)},
				},
				Check: func(*terraform.State) error {
					_, err := onlyConnector(server)
					return err
				},
			},
		},
	})
}
