package apiconnector_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// portalConnectors fills the emulator as if people had made connectors in the portal.
func portalConnectors(t *testing.T, server *fakegraph.Server, n int, pfx testcert.PFX) []fakegraph.Connector {
	t.Helper()
	var made []fakegraph.Connector
	for i := range n {
		made = append(made, server.PutConnector(fakegraph.Connector{
			DisplayName: fmt.Sprintf("Portal connector %02d", i),
			TargetURL:   fmt.Sprintf("https://api.contoso.com/portal/%d", i),
			Auth:        fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: fmt.Sprintf("user%d", i), Password: "portal-password"},
		}))
	}
	certified := server.PutConnector(fakegraph.Connector{
		DisplayName: "Certificate connector",
		TargetURL:   "https://api.contoso.com/certificate",
		Auth:        fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "placeholder", Password: "placeholder"},
	})
	if err := server.UploadCertificate(certified.ID, []byte(pfx.Base64), pfx.Password); err != nil {
		t.Fatal(err)
	}
	certified, _ = server.Connector(certified.ID)
	return append(made, certified)
}

func TestAccIdentityAPIConnectorDataSource_byIDAndName(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{PageSize: 2})
	pfx := testcert.New(t, testcert.Options{})
	made := portalConnectors(t, server, 4, pfx)
	basic, certified := made[1], made[len(made)-1]

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + fmt.Sprintf(`
data "entra_identity_api_connector" "by_id" {
  id = %q
}

data "entra_identity_api_connector" "by_name" {
  display_name = "Certificate connector"
}
`, basic.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_id", tfjsonpath.New("display_name"), knownvalue.StringExact(basic.DisplayName)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_id", tfjsonpath.New("target_url"), knownvalue.StringExact(basic.TargetURL)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_id", tfjsonpath.New("auth_type"), knownvalue.StringExact("basic")),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_id", tfjsonpath.New("username"), knownvalue.StringExact("user1")),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_id", tfjsonpath.New("certificates"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("id"), knownvalue.StringExact(certified.ID)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("auth_type"), knownvalue.StringExact("certificate")),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("username"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("certificates").AtSliceIndex(0).AtMapKey("thumbprint"),
					knownvalue.StringExact(pfx.Thumbprint)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("certificates").AtSliceIndex(0).AtMapKey("is_active"),
					knownvalue.Bool(true)),
				acctest.NoSecretInState("portal-password", pfx.Base64, pfx.Password),
			},
		}},
	})
}

func TestAccIdentityAPIConnectorsDataSource_everyPage(t *testing.T) {
	// Seven connectors on pages of two: the list must follow three next links.
	server := acctest.StartEmulator(t, fakegraph.Options{PageSize: 2})
	pfx := testcert.New(t, testcert.Options{})
	made := portalConnectors(t, server, 6, pfx)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(server) + `
data "entra_identity_api_connectors" "all" {}

data "entra_identity_api_connectors" "portal" {
  display_name_prefix = "Portal connector 0"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.entra_identity_api_connectors.all", tfjsonpath.New("connectors"), knownvalue.ListSizeExact(len(made))),
				statecheck.ExpectKnownValue("data.entra_identity_api_connectors.all", tfjsonpath.New("connectors").AtSliceIndex(6).AtMapKey("auth_type"),
					knownvalue.StringExact("certificate")),
				statecheck.ExpectKnownValue("data.entra_identity_api_connectors.portal", tfjsonpath.New("connectors"), knownvalue.ListSizeExact(6)),
				statecheck.ExpectKnownValue("data.entra_identity_api_connectors.portal", tfjsonpath.New("connectors").AtSliceIndex(5).AtMapKey("display_name"),
					knownvalue.StringExact("Portal connector 05")),
			},
			Check: func(*terraform.State) error {
				lists := 0
				for _, r := range server.Requests() {
					if r.Method == "GET" && strings.HasSuffix(r.Path, "/identity/apiConnectors") {
						lists++
					}
				}
				// Two data sources, four pages each, during the apply and the plans that follow it.
				if lists%4 != 0 || lists == 0 {
					return fmt.Errorf("got %d list requests, want a multiple of 4 pages", lists)
				}
				return nil
			},
		}},
	})
}

func TestAccIdentityAPIConnectorDataSource_lookupsThatFail(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	for range 2 {
		server.PutConnector(fakegraph.Connector{DisplayName: "Twin", TargetURL: "https://api.contoso.com/twin",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
	}
	server.PutConnector(fakegraph.Connector{DisplayName: "Only one", TargetURL: "https://api.contoso.com/one",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})

	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"unknown name lists the names found": {`display_name = "Missing"`, `no API connector is named "Missing"[\s\S]*"Only one"`},
		"ambiguous name lists the ids":       {`display_name = "Twin"`, `2 API connectors are named "Twin"`},
		"unknown id":                         {`id = "00000000-0000-0000-0000-00000000dead"`, `No API connector has the id`},
		"id that is not a GUID":              {`id = "../../users"`, `is not an API connector id`},
		"neither id nor name":                {``, `Invalid Attribute Combination|one of`},
		"both id and name":                   {`id = "00000000-0000-0000-0000-00000000dead"` + "\n" + `display_name = "Twin"`, `Invalid Attribute Combination`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(server) + "data \"entra_identity_api_connector\" \"test\" {\n" + tc.body + "\n}\n",
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// TestAccIdentityAPIConnectorDataSource_throttledPastItsReadTimeout: Graph asks for a five-minute wait and
// the data sources allow three seconds. Each fails at once, with one request, naming Graph's wait and the
// setting that would cover it; each case starts its own emulator and provider, so none depends on another.
func TestAccIdentityAPIConnectorDataSource_throttledPastItsReadTimeout(t *testing.T) {
	for _, tc := range []struct {
		name, body string
	}{
		{"by id", `data "entra_identity_api_connector" "test" {` + "\n" + `id = "00000000-0000-0000-0000-00000000beef"`},
		{"by name", `data "entra_identity_api_connector" "test" {` + "\n" + `display_name = "Anything"`},
		{"list", `data "entra_identity_api_connectors" "test" {`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			server.SetFaults(fakegraph.Faults{ThrottleAll: true, ThrottleRetryAfter: 5 * time.Minute})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(server) + tc.body + "\n" + `timeouts { read = "3s" }` + "\n}\n",
					ExpectError: regexp.MustCompile(wrappedText(`asked for a wait of 5m before the next request.`).String() + `[\s\S]*` +
						wrappedText(`Set timeouts { read = "6m" } or more on this data source`).String()),
				}},
			})
			graphRequests := 0
			for _, r := range server.Requests() {
				if strings.Contains(r.Path, connectorsPath) {
					graphRequests++
				}
			}
			if graphRequests != 1 {
				t.Errorf("Graph received %d requests, want 1: the wait cannot fit, so nothing is sent again", graphRequests)
			}
		})
	}
}

// wrappedText matches text however the CLI wrapped it into lines.
func wrappedText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(text)), `\s+`))
}
