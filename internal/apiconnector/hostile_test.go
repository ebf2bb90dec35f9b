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
	const url = "https://api.contoso.com/x"
	basic := &acctest.Basic{Username: "u", Password: "p"}
	named := func(name, url string) string {
		return acctest.Connector{DisplayName: name, TargetURL: url, Basic: basic}.HCL()
	}
	withBasic := func(b acctest.Basic) string {
		return acctest.Connector{DisplayName: "n", TargetURL: url, Basic: &b}.HCL()
	}
	withPKCS12 := func(p acctest.PKCS12) string {
		return acctest.Connector{DisplayName: "n", TargetURL: url, PKCS12: &p}.HCL()
	}

	for name, tc := range map[string]struct {
		config string
		want   string
	}{
		"empty display name":              {named("", url), `display_name string length must be between 1 and 256`},
		"control character in name":       {named("bell\u0007", url), `display_name contains the control character U\+0007`},
		"newline in name":                 {named("two\nlines", url), `display_name contains the control character U\+000A`},
		"oversized display name":          {named(strings.Repeat("n", 257), url), `display_name string length must be between 1 and 256`},
		"http URL":                        {named("n", "http://api.contoso.com/x"), `target_url must be an absolute https URL[\s\S]*got scheme "http"`},
		"relative URL":                    {named("n", "/validate"), `target_url must be an absolute https URL`},
		"URL without host":                {named("n", "https:///validate"), `target_url must name a host`},
		"credentials in the URL":          {named("n", "https://user:pass@api.contoso.com/x"), `target_url must not hold credentials`},
		"fragment in the URL":             {named("n", "https://api.contoso.com/x#frag"), `target_url must not have a #fragment`},
		"space in the URL":                {named("n", "https://api.contoso.com/a b"), `target_url must not contain spaces`},
		"leading space in name":           {named(" Sign-up", url), `display_name has white space at its start or end`},
		"trailing space in name":          {named("Sign-up ", url), `display_name has white space at its start or end`},
		"zero-width space in name":        {named("Sign\u200bup", url), `display_name contains the invisible character U\+200B`},
		"byte order mark in name":         {named("\ufeffSign-up", url), `display_name contains the invisible character U\+FEFF`},
		"line separator in name":          {named("Sign\u2028up", url), `display_name contains the separator U\+2028 LINE SEPARATOR`},
		"paragraph separator in name":     {named("Sign\u2029up", url), `display_name contains the separator U\+2029 PARAGRAPH SEPARATOR`},
		"word joiner in name":             {named("Sign\u2060up", url), `display_name contains the invisible character U\+2060 WORD JOINER`},
		"override in name":                {named("Sign-up \u202etset", url), `display_name contains the bidirectional control U\+202E RIGHT-TO-LEFT OVERRIDE[\s\S]*CVE-2021-42574`},
		"isolate in name":                 {named("Sign\u2066up\u2069", url), `display_name contains the bidirectional control U\+2066 LEFT-TO-RIGHT ISOLATE`},
		"joiner at the end of the name":   {named("Sign-up\u200d", url), `display_name contains U\+200D ZERO WIDTH JOINER at byte 7[\s\S]*end of the name`},
		"tag letters hiding text in name": {named("Sign-up\U000E0068\U000E0069\U000E007F", url), `display_name contains the tag character U\+E0068 TAG LATIN SMALL LETTER H`},
		"joiner beside a space in user":   {withBasic(acctest.Basic{Username: "b2c\u200c user", Password: "p"}), `basic_auth\[0\].username contains U\+200C ZERO WIDTH NON-JOINER[\s\S]*beside white space`},
		"port 0":                          {named("n", "https://api.contoso.com:0/x"), `target_url has the port 0; a port is a number from 1 to 65535`},
		"port above 65535":                {named("n", "https://api.contoso.com:65536/x"), `target_url has the port 65536`},
		"colon without a port":            {named("n", "https://api.contoso.com:/x"), `target_url has a colon after the host but no port`},
		"host with a space":               {named("n", "https://api contoso.com/x"), `target_url must not contain spaces`},
		"empty label in the host":         {named("n", "https://api..contoso.com/x"), `target_url has the host "api..contoso.com", which is not a host name`},
		"hyphen starting the host":        {named("n", "https://-api.contoso.com/x"), `target_url has the host "-api.contoso.com", which is not a host name`},
		"underscore in the host":          {named("n", "https://api_v2.contoso.com/x"), `target_url has the host "api_v2.contoso.com", which is not a host name`},
		"port without a host":             {named("n", "https://:443/x"), `target_url must name a host`},
		"oversized URL":                   {named("n", "https://api.contoso.com/"+strings.Repeat("a", 2100)), `target_url string length must be at most 2048`},
		"no auth block":                   {acctest.Connector{DisplayName: "n", TargetURL: url}.HCL(), `Missing Attribute Configuration[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"both auth blocks":                {acctest.Connector{DisplayName: "n", TargetURL: url, Basic: basic, PKCS12: &acctest.PKCS12{Value: "AAAA"}}.HCL(), `Invalid Attribute Combination[\s\S]*Exactly one of these attributes must be configured: \[basic_auth\[\*\],pkcs12\[\*\]\]`},
		"basic_auth without password":     {withBasic(acctest.Basic{Username: "u"}), `basic_auth\[0\].password_wo" must be specified`},
		"basic_auth without username":     {withBasic(acctest.Basic{Password: "p"}), `basic_auth\[0\].username" must be specified`},
		"empty username":                  {withBasic(acctest.Basic{Username: "", Password: "p"}), `basic_auth\[0\].username string length must be between 1 and 256`},
		"username with a tab":             {withBasic(acctest.Basic{Username: "a\tb", Password: "p"}), `basic_auth\[0\].username contains the control character`},
		"colon in the username":           {withBasic(acctest.Basic{Username: "b2c:user", Password: "p"}), `basic_auth\[0\].username contains a colon[\s\S]*RFC 7617`},
		"leading space in the username":   {withBasic(acctest.Basic{Username: " b2c", Password: "p"}), `basic_auth\[0\].username has white space at its start or end`},
		"trailing space in the username":  {withBasic(acctest.Basic{Username: "b2c ", Password: "p"}), `basic_auth\[0\].username has white space at its start or end`},
		"control character in password":   {withBasic(acctest.Basic{Username: "u", Password: "p\u0007w"}), `basic_auth\[0\].password_wo contains the control character U\+0007`},
		"empty password":                  {withBasic(acctest.Basic{Username: "u", Password: ""}), `basic_auth\[0\].password_wo string length must be between 1 and 1024`},
		"oversized password":              {withBasic(acctest.Basic{Username: "u", Password: strings.Repeat("p", 1025)}), `basic_auth\[0\].password_wo string length must be between 1 and 1024`},
		"negative password version":       {withBasic(acctest.Basic{Username: "u", Password: "p", Version: -1}), `password_wo_version value must be at least 0`},
		"pkcs12 without value":            {withPKCS12(acctest.PKCS12{Password: "p"}), `pkcs12\[0\].value_wo" must be specified`},
		"pkcs12 value not base64":         {withPKCS12(acctest.PKCS12{Value: "%%% not base64"}), `PKCS#12 value is not base64`},
		"pkcs12 value not a PKCS#12 file": {withPKCS12(acctest.PKCS12{Value: "aGVsbG8gd29ybGQ="}), `Not a PKCS#12 file`},
		"oversized pkcs12 value":          {withPKCS12(acctest.PKCS12{Value: strings.Repeat("A", clientcert.MaxEncodedSize+4)}), `PKCS#12 value too large`},
		"unknown rotation":                {withPKCS12(acctest.PKCS12{Value: "AAAA", Rotation: "sideways"}), `pkcs12\[0\].rotation value must be one of`},
		"negative certificate version":    {withPKCS12(acctest.PKCS12{Value: "AAAA", Version: -3}), `value_wo_version value must be at least 0`},
		"oversized pkcs12 password":       {withPKCS12(acctest.PKCS12{Value: "AAAA", Password: strings.Repeat("p", 1025)}), `pkcs12\[0\].password_wo string length must be at most 1024`},
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
	fromApply := acctest.Expr("terraform_data.secret.output")
	for name, tc := range map[string]struct {
		input string // the HCL of terraform_data's input
		auth  acctest.Connector
		want  string
	}{
		"password with a control character": {`"p\u0007w"`, acctest.Connector{Basic: &acctest.Basic{Username: "u", Password: fromApply}},
			`basic_auth[0].password_wo contains the control character U+0007`},
		"username with a colon": {`"b2c:user"`, acctest.Connector{Basic: &acctest.Basic{Username: fromApply, Password: "p"}},
			`basic_auth[0].username contains a colon`},
		"a file that is not PKCS#12": {`"aGVsbG8gd29ybGQ="`, acctest.Connector{PKCS12: &acctest.PKCS12{Value: fromApply}},
			`pkcs12.value_wo: The value decodes from base64 but is not a PKCS#12 file`},
	} {
		t.Run(name, func(t *testing.T) {
			server := acctest.StartEmulator(t, fakegraph.Options{})
			cli := acctest.NewCLI(t)
			connector := tc.auth
			connector.DisplayName, connector.TargetURL = "Known at apply", "https://api.contoso.com/x"
			cli.Write("main.tf", acctest.ProviderBlock(server)+fmt.Sprintf(`
resource "terraform_data" "secret" {
  input = %s
}
`, tc.input)+connector.HCL())
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
