package apiconnector_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
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
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// certificateEntry is what certificates should show for pfx.
func certificateEntry(pfx testcert.PFX, active bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"thumbprint": knownvalue.StringExact(pfx.Thumbprint),
		"not_before": knownvalue.StringExact(pfx.NotBefore.UTC().Format(time.RFC3339)),
		"not_after":  knownvalue.StringExact(pfx.NotAfter.UTC().Format(time.RFC3339)),
		"is_active":  knownvalue.Bool(active),
	})
}

func certificatesPath() tfjsonpath.Path { return tfjsonpath.New("certificates") }

// certificateFromVariables is a certificate connector whose file and password come from ephemeral
// variables, as they should in real use: the CLI then never prints them, even in a diagnostic's source
// excerpt.
func certificateFromVariables(server *fakegraph.Server, name string) string {
	return acctest.ProviderBlock(server) + pfxVariablesHCL + acctest.Connector{DisplayName: name, TargetURL: "https://api.contoso.com/certificate",
		PKCS12: pkcs12FromVariables}.HCL()
}

// pkcs12FromVariables is the pkcs12 block that reads the variables of pfxVariablesHCL.
var pkcs12FromVariables = &acctest.PKCS12{Value: acctest.Expr("var.pfx_value"), Password: acctest.Expr("var.pfx_password"), Version: 1}

const pfxVariablesHCL = `
variable "pfx_value" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "pfx_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
`

// pfxVariables passes a file to certificateFromVariables.
func pfxVariables(pfx testcert.PFX) []string {
	return []string{"TF_VAR_pfx_value=" + pfx.Base64, "TF_VAR_pfx_password=" + pfx.Password}
}

func TestAccIdentityAPIConnector_certificateEncryptions(t *testing.T) {
	for name, opts := range testcert.Encryptions() {
		t.Run(name, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			pfx := testcert.New(t, opts)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: certificateConfig(server, "Certificate "+name, "https://api.contoso.com/cert", pfx, 1, ""),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							// The plan shows the certificate that will be installed, computed locally.
							plancheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(0).AtMapKey("thumbprint"),
								knownvalue.StringExact(pfx.Thumbprint)),
							acctest.NoSecretInPlan(pfx.Base64, pfx.Password),
						},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(pfx, true)})),
						acctest.NoSecretInState(pfx.Base64),
					},
					Check: func(*terraform.State) error {
						stored, err := onlyConnector(server)
						if err != nil {
							return err
						}
						if len(stored.Auth.Certificates) != 1 || stored.Auth.Certificates[0].Thumbprint != pfx.Thumbprint {
							return fmt.Errorf("the emulator holds %+v", stored.Auth.Certificates)
						}
						return nil
					},
				}},
			})
		})
	}
}

// TestAccIdentityAPIConnector_badCertificatesStopAtPlan runs `plan` on each bad file and checks that the
// error names pkcs12.value_wo and says what is wrong, that no part of the file or its password is
// repeated, and that Graph was never called.
func TestAccIdentityAPIConnector_badCertificatesStopAtPlan(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	good := testcert.New(t, testcert.Options{})
	wrongPassword := good
	wrongPassword.Password = acctest.RandomSecret(t, "wrong")
	garbage := good
	garbage.Base64 = base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE----- this is a PEM file, not PKCS#12"))
	notBase64 := good
	notBase64.Base64 = "not base64 at all!" + good.Password

	for name, tc := range map[string]struct {
		pfx  testcert.PFX
		want string
	}{
		"wrong password": {wrongPassword, "password does not open this PKCS#12 file"},
		"no private key": {testcert.New(t, testcert.Options{WithoutKey: true}), "no private key"},
		"mismatched key": {testcert.New(t, testcert.Options{MismatchedKey: true}), "belongs to none of its certificates"},
		"expired": {testcert.New(t, testcert.Options{
			NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}), "expired on"},
		"not base64":         {notBase64, "must be the base64 encoding of a PKCS#12"},
		"not a PKCS#12 file": {garbage, "is not a PKCS#12 file"},
	} {
		t.Run(name, func(t *testing.T) {
			cli := acctest.NewCLI(t)
			cli.Write("main.tf", certificateFromVariables(server, "Bad certificate"))
			cli.MustRun("init", "-input=false", "-no-color")
			server.ResetRequests()
			out, err := cli.Run(pfxVariables(tc.pfx), "plan", "-input=false", "-no-color")
			if err == nil {
				t.Fatalf("plan succeeded with a bad certificate:\n%s", out)
			}
			flat := strings.Join(strings.Fields(out), " ")
			if !strings.Contains(flat, "pkcs12.value_wo") || !strings.Contains(flat, tc.want) {
				t.Errorf("the error does not name pkcs12.value_wo and say %q:\n%s", tc.want, out)
			}
			for _, secret := range []string{tc.pfx.Password, tc.pfx.Base64[:40]} {
				if secret != "" && strings.Contains(out, secret) {
					t.Errorf("the error repeats part of the secret %.6s…", secret)
				}
			}
			if n := graphRequests(server); n != 0 {
				t.Errorf("a bad certificate reached Graph: %d requests", n)
			}
		})
	}
}

func TestAccIdentityAPIConnector_notYetValidCertificateWarns(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	future := testcert.New(t, testcert.Options{NotBefore: time.Now().Add(7 * 24 * time.Hour)})
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", certificateFromVariables(server, "Future certificate"))
	cli.MustRun("init", "-input=false", "-no-color")
	out, err := cli.Run(pfxVariables(future), "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if !strings.Contains(out, "PKCS#12 certificate is not valid yet") {
		t.Errorf("no warning for a certificate that is not valid yet:\n%s", out)
	}
	stored, err := onlyConnector(server)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Auth.Certificates) != 1 {
		t.Fatalf("the emulator holds %d certificates", len(stored.Auth.Certificates))
	}
	if out, err := cli.Run(pfxVariables(future), "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// TestAccIdentityAPIConnector_appendRotation stages a certificate a week before it becomes valid: the
// old one stays active meanwhile, so the connector always has one that works.
func TestAccIdentityAPIConnector_appendRotation(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	current := testcert.New(t, testcert.Options{CommonName: "current"})
	next := testcert.New(t, testcert.Options{CommonName: "next", NotBefore: time.Now().Add(7 * 24 * time.Hour)})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificateConfig(server, "Rotating", "https://api.contoso.com/rotate", current, 1, "append")},
			{
				PreConfig: server.ResetRequests,
				Config:    certificateConfig(server, "Rotating", "https://api.contoso.com/rotate", next, 2, "append"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(0).AtMapKey("thumbprint"), knownvalue.StringExact(current.Thumbprint)),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(1).AtMapKey("thumbprint"), knownvalue.StringExact(next.Thumbprint)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{
						certificateEntry(current, true),
						certificateEntry(next, false),
					})),
				},
				Check: func(*terraform.State) error {
					var uploads, patches int
					for _, r := range server.Requests() {
						switch {
						case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/uploadClientCertificate"):
							uploads++
						case r.Method == http.MethodPatch:
							patches++
						}
					}
					if uploads != 1 || patches != 0 {
						return fmt.Errorf("got %d uploads and %d PATCHes, want one upload and no PATCH", uploads, patches)
					}
					return nil
				},
			},
			{
				// Switching to "replace" alone clears out the others in the same apply: the configured
				// certificate is sent again as the only one.
				PreConfig: server.ResetRequests,
				Config:    certificateConfig(server, "Rotating", "https://api.contoso.com/rotate", next, 2, "replace"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListSizeExact(1)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(next, false)})),
				},
				Check: func(*terraform.State) error {
					if n := len(graphWrites(server, http.MethodPatch)); n != 1 {
						return fmt.Errorf("got %d PATCHes, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccIdentityAPIConnector_appendResendsNothingItHolds bumps value_wo_version under rotation "append"
// without a new file, as the first apply after an import also does: the connector holds that certificate
// already, so nothing is uploaded (a second upload of one certificate is refused) and the list stays.
func TestAccIdentityAPIConnector_appendResendsNothingItHolds(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	current := testcert.New(t, testcert.Options{CommonName: "current"})
	config := func(version int) string {
		return certificateConfig(server, "Holding", "https://api.contoso.com/hold", current, version, "append")
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(1)},
			{
				PreConfig: server.ResetRequests,
				Config:    config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(current, true)})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(current, true)})),
				},
				Check: func(*terraform.State) error {
					if writes := append(graphWrites(server, http.MethodPost), graphWrites(server, http.MethodPatch)...); len(writes) != 0 {
						return fmt.Errorf("sent %d writes (first: %s %s), want none: the connector holds the certificate", len(writes), writes[0].Method, writes[0].Path)
					}
					return nil
				},
			},
		},
	})
}

func TestAccIdentityAPIConnector_replaceRotation(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	current := testcert.New(t, testcert.Options{CommonName: "current"})
	next := testcert.New(t, testcert.Options{CommonName: "next"})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificateConfig(server, "Replacing", "https://api.contoso.com/replace", current, 1, "")},
			{
				PreConfig: server.ResetRequests,
				Config:    certificateConfig(server, "Replacing", "https://api.contoso.com/replace", next, 2, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListSizeExact(1)),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(0).AtMapKey("thumbprint"), knownvalue.StringExact(next.Thumbprint)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(next, true)})),
				},
				Check: func(*terraform.State) error {
					if n := len(graphWrites(server, http.MethodPatch)); n != 1 {
						return fmt.Errorf("got %d PATCHes, want 1", n)
					}
					stored, err := onlyConnector(server)
					if err != nil {
						return err
					}
					if len(stored.Auth.Certificates) != 1 {
						return fmt.Errorf("the emulator holds %d certificates after a replace", len(stored.Auth.Certificates))
					}
					return nil
				},
			},
		},
	})
}

// TestAccIdentityAPIConnector_certificateUploadedOutsideTerraform: with rotation "replace" the connector
// must hold exactly the configured certificate, so one uploaded in the portal shows in the next plan,
// which sends the configured one again.
func TestAccIdentityAPIConnector_certificateUploadedOutsideTerraform(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	configured := testcert.New(t, testcert.Options{CommonName: "configured"})
	intruder := testcert.New(t, testcert.Options{CommonName: "uploaded in the portal"})
	config := certificateConfig(server, "Guarded", "https://api.contoso.com/guarded", configured, 1, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					stored, err := onlyConnector(server)
					if err != nil {
						t.Fatal(err)
					}
					if err := server.UploadCertificate(stored.ID, []byte(intruder.Base64), intruder.Password); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListSizeExact(1)),
						plancheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(0).AtMapKey("thumbprint"), knownvalue.StringExact(configured.Thumbprint)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(configured, true)})),
				},
			},
		},
	})
}

func TestAccIdentityAPIConnector_switchKindsBothWays(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	pfx := testcert.New(t, testcert.Options{})
	password := acctest.RandomSecret(t, "password")
	certificate := certificateConfig(server, "Switching", "https://api.contoso.com/switch", pfx, 1, "")
	basic := basicConfig(server, "Switching", "https://api.contoso.com/switch", "switch-user", password, 1)
	emptyAfter := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificate, ConfigPlanChecks: emptyAfter},
			{
				Config:           basic,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("pkcs12"), knownvalue.ListSizeExact(0)),
				},
				Check: func(*terraform.State) error {
					stored, err := onlyConnector(server)
					if err != nil {
						return err
					}
					if stored.Auth.Kind != fakegraph.AuthBasic || stored.Auth.Password != password || len(stored.Auth.Certificates) != 0 {
						return fmt.Errorf("the connector was not switched to basic authentication: %+v", stored.Auth.Kind)
					}
					return nil
				},
			},
			{
				Config:           certificate,
				ConfigPlanChecks: emptyAfter,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath(), knownvalue.ListExact([]knownvalue.Check{certificateEntry(pfx, true)})),
				},
			},
		},
	})
}
