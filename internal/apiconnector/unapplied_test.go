package apiconnector_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// unappliedWrites is the fault of a Graph that answers writes of these kinds as done and never applies them.
func unappliedWrites(server *fakegraph.Server, kinds ...string) func() {
	return func() { server.SetFaults(fakegraph.Faults{UnappliedWrites: kinds}) }
}

// TestAccIdentityAPIConnector_updateGraphNeverShows: Graph answers the PATCH of a rename and a new username
// with 204 and never applies it. The apply fails when its update timeout ends, naming each argument with
// what was sent and what Graph still shows; the state holds what Graph shows, so the next apply, on a
// Graph that applies writes, sends the change again and succeeds.
func TestAccIdentityAPIConnector_updateGraphNeverShows(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	password := acctest.RandomSecret(t, "password")
	renamed := acctest.Connector{DisplayName: "After", TargetURL: "https://api.contoso.com/validate",
		Basic: &acctest.Basic{Username: "new-user", Password: password, Version: 1}, Timeouts: map[string]string{"update": "3s"}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: basicConfig(server, "Before", "https://api.contoso.com/validate", "old-user", password, 1)},
			{
				PreConfig: unappliedWrites(server, fakegraph.WriteConnectorUpdate),
				Config:    acctest.ProviderBlock(server) + renamed.HCL(),
				ExpectError: acctest.WrappedInAnyOrder(
					`display_name: This apply sent "After", and Graph shows "Before". Graph answered PATCH /v1.0/identity/apiConnectors/`,
					`basic_auth: This apply sent "basic authentication as new-user", and Graph shows "basic authentication as old-user".`),
			},
			{
				PreConfig: unappliedWrites(server),
				Config:    acctest.ProviderBlock(server) + renamed.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(connectorAddress, tfjsonpath.New("display_name"), knownvalue.StringExact("After")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					stored := server.Connectors()[0]
					if stored.DisplayName != "After" || stored.Auth.Username != "new-user" || stored.Auth.Password != password {
						return fmt.Errorf("the emulator holds %q for %q; want the change applied at last", stored.DisplayName, stored.Auth.Username)
					}
					return nil
				},
			},
		},
	})
}

// TestAccIdentityAPIConnector_certificateUploadGraphNeverShows: under rotation "append", Graph answers the
// upload of the next certificate as done and lists only the current one, then and at every read after. The
// apply fails at its update timeout naming pkcs12's value_wo and both thumbprints; the next apply uploads it
// again.
func TestAccIdentityAPIConnector_certificateUploadGraphNeverShows(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	current := testcert.New(t, testcert.Options{CommonName: "current"})
	next := testcert.New(t, testcert.Options{CommonName: "next"})
	rotate := acctest.Connector{DisplayName: "Rotating", TargetURL: "https://api.contoso.com/rotate",
		PKCS12: &acctest.PKCS12{Value: next.Base64, Password: next.Password, Version: 2, Rotation: "append"}, Timeouts: map[string]string{"update": "3s"}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: certificateConfig(server, "Rotating", "https://api.contoso.com/rotate", current, 1, "append")},
			{
				PreConfig: unappliedWrites(server, fakegraph.WriteCertificateUpload),
				Config:    acctest.ProviderBlock(server) + rotate.HCL(),
				ExpectError: acctest.Wrapped(fmt.Sprintf(`pkcs12[0].value_wo: This apply sent "the certificate %s", `+
					`and Graph shows "the certificates %s". Graph answered POST /v1.0/identity/apiConnectors/…/uploadClientCertificate`,
					next.Thumbprint, current.Thumbprint)),
			},
			{
				PreConfig: unappliedWrites(server),
				Config:    acctest.ProviderBlock(server) + rotate.HCL(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(connectorAddress, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					stored := server.Connectors()[0]
					if n := len(stored.Auth.Certificates); n != 2 {
						return fmt.Errorf("the connector holds %d certificates, want both", n)
					}
					uploads := 0
					for _, r := range server.Requests() {
						if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/uploadClientCertificate") {
							uploads++
						}
					}
					if uploads != 2 {
						return fmt.Errorf("sent %d uploads, want the one Graph dropped and the one it applied", uploads)
					}
					return nil
				},
			},
		},
	})
}

// TestAccIdentityAPIConnector_createThatGraphNeverServesIsKeptByUntaint: Graph makes the connector and
// answers 404 for it past the create timeout. The apply fails, saying that Graph made the connector, that the
// state keeps it tainted and how untaint keeps it. While Graph still answers 404, a plan stops with an error
// and sends nothing, where forgetting the connector would make a second one; once Graph serves it, the plan
// replaces it, and after untaint the next apply writes nothing: one connector in Graph throughout.
func TestAccIdentityAPIConnector_createThatGraphNeverServesIsKeptByUntaint(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ReplicationLag: time.Hour})
	connector := acctest.Connector{DisplayName: "Slow", TargetURL: "https://api.contoso.com/slow",
		Basic:    &acctest.Basic{Username: "user", Password: acctest.RandomSecret(t, "password"), Version: 1},
		Timeouts: map[string]string{"create": "2s"}}
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", acctest.ProviderBlock(server)+connector.HCL())
	cli.MustRun("init", "-input=false", "-no-color")

	out, err := cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Graph has not served the new API connector…Graph answered POST /v1.0/identity/apiConnectors `+
		`with the API connector's id…Graph made the API connector …, and the state holds it marked tainted: the next apply `+
		`deletes it and creates it again. To keep it, run untaint with this resource's address (tofu untaint or terraform `+
		`untaint) before the next apply, which then writes only what this one did not.`).MatchString(out) {
		t.Fatalf("want the create to fail and say what follows, got %v:\n%s", err, out)
	}
	lag := fakegraph.Faults{ReplicationLag: time.Hour}

	// While Graph answers 404, the refresh of the tainted connector stops the plan.
	expectNoWrite(t, server, func() {
		if out, err := cli.Run(nil, "plan", "-input=false", "-no-color"); err == nil || !notServedYet.MatchString(out) {
			t.Errorf("want the plan under Graph's lag to stop at its refresh, got %v:\n%s", err, out)
		}
	})
	// Once Graph serves it, the plan replaces it, as the error said.
	server.SetFaults(fakegraph.Faults{})
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !acctest.Wrapped(connectorAddress + ` is tainted, so…must be replaced…` +
		`1 to add, 0 to change, 1 to destroy`).MatchString(out) {
		t.Fatalf("want the tainted connector replaced, got:\n%s", out)
	}
	// Untainted while Graph answers 404 again, an apply stops at its refresh and makes no second connector.
	server.SetFaults(lag)
	cli.MustRun("untaint", "-no-color", connectorAddress)
	expectNoWrite(t, server, func() {
		if out, err := cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve"); err == nil || !notServedYet.MatchString(out) {
			t.Errorf("want the apply under Graph's lag to stop at its refresh, got %v:\n%s", err, out)
		}
	})
	// Once Graph serves it, the apply writes nothing and the plan after it is empty.
	server.SetFaults(fakegraph.Faults{})
	expectNoWrite(t, server, func() { cli.MustRun("apply", "-input=false", "-no-color", "-auto-approve") })
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("want no changes after the apply, got:\n%s", out)
	}
	if n := len(server.Connectors()); n != 1 {
		t.Errorf("Graph holds %d connectors, want the one the failed create made", n)
	}
}

// notServedYet is the error of a refresh that finds no object Graph made at a create that ended before Graph
// served it.
var notServedYet = acctest.Wrapped(`Graph has not served the API connector … yet…The state keeps it, so that no second one is made`)

// expectNoWrite runs f and fails the test unless Graph received no write meanwhile.
func expectNoWrite(t *testing.T, server *fakegraph.Server, f func()) {
	t.Helper()
	server.ResetRequests()
	f()
	for _, r := range server.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("sent %s %s; want nothing written", r.Method, r.Path)
		}
	}
}
