package apiconnector_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccIdentityAPIConnector_badInputStopsAtPlan plans each bad configuration and checks that it is
// refused with an error naming what is wrong, and that nothing reached Graph.
func TestAccIdentityAPIConnector_badInputStopsAtPlan(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	basic := `
  basic_auth {
    username    = "u"
    password_wo = "p"
  }`
	connector := func(name, url, auth string) string {
		return fmt.Sprintf(`
resource "entra_identity_api_connector" "test" {
  display_name = %s
  target_url   = %s
%s
}
`, name, url, auth)
	}
	good := func(auth string) string { return connector(`"n"`, `"https://api.contoso.com/x"`, auth) }
	pkcs12Block := func(body string) string { return "\n  pkcs12 {\n" + body + "\n  }" }
	basicBlock := func(body string) string { return "\n  basic_auth {\n" + body + "\n  }" }

	for name, tc := range map[string]struct {
		config string
		want   string
	}{
		"empty display name":              {connector(`""`, `"https://api.contoso.com/x"`, basic), `display_name string length must be between 1 and 256`},
		"control character in name":       {connector(`"bell\u0007"`, `"https://api.contoso.com/x"`, basic), `display_name contains the control character U\+0007`},
		"newline in name":                 {connector(`"two\nlines"`, `"https://api.contoso.com/x"`, basic), `display_name contains the control character U\+000A`},
		"oversized display name":          {connector(fmt.Sprintf("%q", strings.Repeat("n", 257)), `"https://api.contoso.com/x"`, basic), `display_name string length must be between 1 and 256`},
		"http URL":                        {connector(`"n"`, `"http://api.contoso.com/x"`, basic), `target_url must be an absolute https URL[\s\S]*got scheme "http"`},
		"relative URL":                    {connector(`"n"`, `"/validate"`, basic), `target_url must be an absolute https URL`},
		"URL without host":                {connector(`"n"`, `"https:///validate"`, basic), `target_url must name a host`},
		"credentials in the URL":          {connector(`"n"`, `"https://user:pass@api.contoso.com/x"`, basic), `target_url must not hold credentials`},
		"fragment in the URL":             {connector(`"n"`, `"https://api.contoso.com/x#frag"`, basic), `target_url must not have a #fragment`},
		"space in the URL":                {connector(`"n"`, `"https://api.contoso.com/a b"`, basic), `target_url must not contain spaces`},
		"oversized URL":                   {connector(`"n"`, fmt.Sprintf(`"https://api.contoso.com/%s"`, strings.Repeat("a", 2100)), basic), `target_url string length must be at most 2048`},
		"no auth block":                   {good(""), `Missing Attribute Configuration[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"both auth blocks":                {good(basic + pkcs12Block(`    value_wo = "AAAA"`)), `Invalid Attribute Combination[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"basic_auth without password":     {good(basicBlock(`    username = "u"`)), `basic_auth\[0\].password_wo" must be specified`},
		"basic_auth without username":     {good(basicBlock(`    password_wo = "p"`)), `basic_auth\[0\].username" must be specified`},
		"empty username":                  {good(basicBlock(`    username = ""` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username string length must be between 1 and 256`},
		"username with a tab":             {good(basicBlock(`    username = "a\tb"` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username contains the control character`},
		"empty password":                  {good(basicBlock(`    username = "u"` + "\n" + `    password_wo = ""`)), `basic_auth\[0\].password_wo string length must be between 1 and 1024`},
		"oversized password":              {good(basicBlock(`    username = "u"` + "\n" + fmt.Sprintf(`    password_wo = %q`, strings.Repeat("p", 1025)))), `basic_auth\[0\].password_wo string length must be between 1 and 1024`},
		"negative password version":       {good(basicBlock(`    username = "u"` + "\n" + `    password_wo = "p"` + "\n" + `    password_wo_version = -1`)), `password_wo_version value must be at least 0`},
		"pkcs12 without value":            {good(pkcs12Block(`    password_wo = "p"`)), `pkcs12\[0\].value_wo" must be specified`},
		"pkcs12 value not base64":         {good(pkcs12Block(`    value_wo = "%%% not base64"`)), `PKCS#12 value is not base64`},
		"pkcs12 value not a PKCS#12 file": {good(pkcs12Block(`    value_wo = "aGVsbG8gd29ybGQ="`)), `Not a PKCS#12 file`},
		"oversized pkcs12 value":          {good(pkcs12Block(fmt.Sprintf(`    value_wo = %q`, strings.Repeat("A", clientcert.MaxEncodedSize+4)))), `PKCS#12 value too large`},
		"unknown rotation":                {good(pkcs12Block(`    value_wo = "AAAA"` + "\n" + `    rotation = "sideways"`)), `pkcs12\[0\].rotation value must be one of`},
		"negative certificate version":    {good(pkcs12Block(`    value_wo = "AAAA"` + "\n" + `    value_wo_version = -3`)), `value_wo_version value must be at least 0`},
		"oversized pkcs12 password":       {good(pkcs12Block(`    value_wo = "AAAA"` + "\n" + fmt.Sprintf(`    password_wo = %q`, strings.Repeat("p", 1025)))), `pkcs12\[0\].password_wo string length must be at most 1024`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(server) + tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	t.Cleanup(func() {
		if n := graphRequests(server); n != 0 {
			t.Errorf("bad input reached Graph: %d requests", n)
		}
	})
}
