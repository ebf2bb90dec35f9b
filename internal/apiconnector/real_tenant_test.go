package apiconnector_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// TestAccRealTenant_identityAPIConnector runs the whole life of a connector against a real tenant: create
// with basic authentication, rename, rotate the password, switch to a certificate, import, read it
// through both data sources, destroy. It signs in with the ARM_* variables and runs only when
// ENTRA_TEST_REAL_TENANT=1; the application needs APIConnectors.ReadWrite.All.
func TestAccRealTenant_identityAPIConnector(t *testing.T) {
	acctest.RequireRealTenant(t)
	name := acctest.RandomSecret(t, "tf-acc")
	password1 := acctest.RandomSecret(t, "password")
	password2 := acctest.RandomSecret(t, "password")
	pfx := testcert.New(t, testcert.Options{CommonName: name})
	const provider, url = "provider \"entra\" {}\n", "https://api.contoso.com/terraform-acceptance-test"
	basic := func(displayName, password string, version int) string {
		return provider + acctest.Connector{DisplayName: displayName, TargetURL: url,
			Basic: &acctest.Basic{Username: "tf-acc", Password: password, Version: version}}.HCL()
	}
	certificate := provider + acctest.Connector{DisplayName: name + "-renamed", TargetURL: url,
		PKCS12: &acctest.PKCS12{Value: pfx.Base64, Password: pfx.Password, Version: 1}}.HCL() + fmt.Sprintf(`
data "entra_identity_api_connector" "by_name" {
  display_name = entra_identity_api_connector.test.display_name
}

data "entra_identity_api_connectors" "ours" {
  display_name_prefix = %q
  depends_on          = [entra_identity_api_connector.test]
}
`, name)
	empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: basic(name, password1, 1), ConfigPlanChecks: empty},
			{Config: basic(name+"-renamed", password1, 1), ConfigPlanChecks: empty},
			{Config: basic(name+"-renamed", password2, 2), ConfigPlanChecks: empty},
			{
				Config:           certificate,
				ConfigPlanChecks: empty,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(connectorAddress, certificatesPath().AtSliceIndex(0).AtMapKey("thumbprint"), knownvalue.StringExact(pfx.Thumbprint)),
					statecheck.ExpectKnownValue("data.entra_identity_api_connector.by_name", tfjsonpath.New("auth_type"), knownvalue.StringExact("certificate")),
					statecheck.ExpectKnownValue("data.entra_identity_api_connectors.ours", tfjsonpath.New("connectors"), knownvalue.ListSizeExact(1)),
					acctest.NoSecretInState(password1, password2, pfx.Base64, pfx.Password),
				},
			},
			{
				ResourceName:            connectorAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"pkcs12.0.value_wo_version"},
			},
		},
	})
}
