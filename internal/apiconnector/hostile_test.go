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
		"leading space in name":           {connector(`" Sign-up"`, `"https://api.contoso.com/x"`, basic), `display_name has white space at its start or end`},
		"trailing space in name":          {connector(`"Sign-up "`, `"https://api.contoso.com/x"`, basic), `display_name has white space at its start or end`},
		"zero-width space in name":        {connector(`"Sign\u200bup"`, `"https://api.contoso.com/x"`, basic), `display_name contains the invisible character U\+200B`},
		"byte order mark in name":         {connector(`"\ufeffSign-up"`, `"https://api.contoso.com/x"`, basic), `display_name contains the invisible character U\+FEFF`},
		"line separator in name":          {connector(`"Sign\u2028up"`, `"https://api.contoso.com/x"`, basic), `display_name contains the invisible character U\+2028`},
		"paragraph separator in name":     {connector(`"Sign\u2029up"`, `"https://api.contoso.com/x"`, basic), `display_name contains the invisible character U\+2029`},
		"port 0":                          {connector(`"n"`, `"https://api.contoso.com:0/x"`, basic), `target_url has the port 0; a port is a number from 1 to 65535`},
		"port above 65535":                {connector(`"n"`, `"https://api.contoso.com:65536/x"`, basic), `target_url has the port 65536`},
		"colon without a port":            {connector(`"n"`, `"https://api.contoso.com:/x"`, basic), `target_url has a colon after the host but no port`},
		"host with a space":               {connector(`"n"`, `"https://api contoso.com/x"`, basic), `target_url must not contain spaces`},
		"empty label in the host":         {connector(`"n"`, `"https://api..contoso.com/x"`, basic), `target_url has the host "api..contoso.com", which is not a host name`},
		"hyphen starting the host":        {connector(`"n"`, `"https://-api.contoso.com/x"`, basic), `target_url has the host "-api.contoso.com", which is not a host name`},
		"underscore in the host":          {connector(`"n"`, `"https://api_v2.contoso.com/x"`, basic), `target_url has the host "api_v2.contoso.com", which is not a host name`},
		"port without a host":             {connector(`"n"`, `"https://:443/x"`, basic), `target_url must name a host`},
		"oversized URL":                   {connector(`"n"`, fmt.Sprintf(`"https://api.contoso.com/%s"`, strings.Repeat("a", 2100)), basic), `target_url string length must be at most 2048`},
		"no auth block":                   {good(""), `Missing Attribute Configuration[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"both auth blocks":                {good(basic + pkcs12Block(`    value_wo = "AAAA"`)), `Invalid Attribute Combination[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"basic_auth without password":     {good(basicBlock(`    username = "u"`)), `basic_auth\[0\].password_wo" must be specified`},
		"basic_auth without username":     {good(basicBlock(`    password_wo = "p"`)), `basic_auth\[0\].username" must be specified`},
		"empty username":                  {good(basicBlock(`    username = ""` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username string length must be between 1 and 256`},
		"username with a tab":             {good(basicBlock(`    username = "a\tb"` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username contains the control character`},
		"colon in the username":           {good(basicBlock(`    username = "b2c:user"` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username contains a colon[\s\S]*RFC 7617`},
		"leading space in the username":   {good(basicBlock(`    username = " b2c"` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username has white space at its start or end`},
		"trailing space in the username":  {good(basicBlock(`    username = "b2c "` + "\n" + `    password_wo = "p"`)), `basic_auth\[0\].username has white space at its start or end`},
		"control character in password":   {good(basicBlock(`    username = "u"` + "\n" + `    password_wo = "p\u0007w"`)), `basic_auth\[0\].password_wo contains the control character U\+0007`},
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

// TestAccIdentityAPIConnector_writeOnlyCheckedOnceKnown: a write-only value that is known only at apply
// (here a terraform_data output) gets the checks a literal gets at plan, when the CLI validates again at
// apply, still before any call to Graph.
func TestAccIdentityAPIConnector_writeOnlyCheckedOnceKnown(t *testing.T) {
	for name, tc := range map[string]struct {
		input, block, want string
	}{
		"password with a control character": {`"p\u0007w"`, "basic_auth {\n    username    = \"u\"\n    password_wo = terraform_data.secret.output\n  }",
			`basic_auth[0].password_wo contains the control character U+0007`},
		"username with a colon": {`"b2c:user"`, "basic_auth {\n    username    = terraform_data.secret.output\n    password_wo = \"p\"\n  }",
			`basic_auth[0].username contains a colon`},
		"a file that is not PKCS#12": {`"aGVsbG8gd29ybGQ="`, "pkcs12 {\n    value_wo = terraform_data.secret.output\n  }",
			`pkcs12.value_wo: The value decodes from base64 but is not a PKCS#12 file`},
	} {
		t.Run(name, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			cli := acctest.NewCLI(t)
			cli.Write("main.tf", acctest.ProviderBlock(server)+fmt.Sprintf(`
resource "terraform_data" "secret" {
  input = %s
}

resource "entra_identity_api_connector" "test" {
  display_name = "Known at apply"
  target_url   = "https://api.contoso.com/x"

  %s
}
`, tc.input, tc.block))
			cli.MustRun("init", "-input=false", "-no-color")
			// At plan the value is unknown: nothing to refuse yet.
			cli.MustRun("plan", "-input=false", "-no-color")
			out, err := cli.Run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
			if flat := strings.Join(strings.Fields(out), " "); err == nil || !strings.Contains(flat, tc.want) {
				t.Fatalf("want the apply refused with %q, got %v:\n%s", tc.want, err, out)
			}
			if n := graphRequests(server); n != 0 {
				t.Errorf("the bad value reached Graph: %d requests", n)
			}
		})
	}
}
