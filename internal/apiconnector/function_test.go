package apiconnector_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/entra-iac/terraform-provider-entra/internal/apiconnector"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// runPKCS12Function calls the function as the framework does and returns its result's attributes.
func runPKCS12Function(t *testing.T, value, password attr.Value) (map[string]attr.Value, *function.FuncError) {
	t.Helper()
	f := apiconnector.NewPKCS12CertificateFunction()
	var definition function.DefinitionResponse
	f.Definition(t.Context(), function.DefinitionRequest{}, &definition)
	resp := function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(map[string]attr.Type{
		"thumbprint": types.StringType, "not_before": types.StringType, "not_after": types.StringType,
		"subject": types.StringType, "has_private_key": types.BoolType,
	}))}
	f.Run(t.Context(), function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{value, password})}, &resp)
	if resp.Error != nil {
		return nil, resp.Error
	}
	object, ok := resp.Result.Value().(types.Object)
	if !ok {
		t.Fatalf("the result is a %T", resp.Result.Value())
	}
	return object.Attributes(), nil
}

func TestPKCS12CertificateFunction_describesTheCertificate(t *testing.T) {
	now := time.Now()
	empty := ""
	for name, tc := range map[string]struct {
		opts     testcert.Options
		password func(testcert.PFX) attr.Value
		key      bool
	}{
		"with its key":                   {opts: testcert.Options{CommonName: "signup-api"}, key: true},
		"without a key":                  {opts: testcert.Options{CommonName: "signup-api", WithoutKey: true}},
		"expired, described not refused": {opts: testcert.Options{CommonName: "signup-api", NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)}, key: true},
		"without a password, null password": {
			opts:     testcert.Options{CommonName: "signup-api", Encoder: pkcs12.Passwordless, Password: &empty},
			password: func(testcert.PFX) attr.Value { return types.StringNull() },
			key:      true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			pfx := testcert.New(t, tc.opts)
			password := attr.Value(types.StringValue(pfx.Password))
			if tc.password != nil {
				password = tc.password(pfx)
			}

			got, funcErr := runPKCS12Function(t, types.StringValue(pfx.Base64), password)

			if funcErr != nil {
				t.Fatal(funcErr)
			}
			want := map[string]attr.Value{
				"thumbprint":      types.StringValue(pfx.Thumbprint),
				"not_before":      types.StringValue(pfx.NotBefore.UTC().Format(time.RFC3339)),
				"not_after":       types.StringValue(pfx.NotAfter.UTC().Format(time.RFC3339)),
				"subject":         types.StringValue("CN=signup-api"),
				"has_private_key": types.BoolValue(tc.key),
			}
			for name, value := range want {
				if !got[name].Equal(value) {
					t.Errorf("%s = %s, want %s", name, got[name], value)
				}
			}
		})
	}
}

func TestPKCS12CertificateFunction_errorsNameTheArgumentAndRepeatNothing(t *testing.T) {
	pfx := testcert.New(t, testcert.Options{})
	wrongPassword := acctest.RandomSecret(t, "wrong")
	for name, tc := range map[string]struct {
		value, password attr.Value
		argument        int64
		want            string
	}{
		"wrong password": {types.StringValue(pfx.Base64), types.StringValue(wrongPassword), 1, "it does not open this PKCS#12 file"},
		"not base64":     {types.StringValue("not base64 " + pfx.Password), types.StringValue(pfx.Password), 0, "PKCS#12 value is not base64"},
		"a PEM file":     {types.StringValue("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"), types.StringValue(""), 0, "Not a PKCS#12 file"},
		"null value":     {types.StringNull(), types.StringValue(""), 0, "it is null"},
	} {
		t.Run(name, func(t *testing.T) {
			_, funcErr := runPKCS12Function(t, tc.value, tc.password)

			if funcErr == nil {
				t.Fatal("no error")
			}
			if funcErr.FunctionArgument == nil || *funcErr.FunctionArgument != tc.argument {
				t.Errorf("the error names argument %v, want %d", funcErr.FunctionArgument, tc.argument)
			}
			if !strings.Contains(funcErr.Text, tc.want) {
				t.Errorf("%q does not say %q", funcErr.Text, tc.want)
			}
			// The CLI prints `Invalid value for "value" parameter: TEXT.`: the name and the full stop are its own.
			if strings.HasSuffix(funcErr.Text, ".") || strings.HasPrefix(funcErr.Text, "value") || strings.HasPrefix(funcErr.Text, "password") {
				t.Errorf("%q repeats what the CLI adds (the argument's name, a final full stop)", funcErr.Text)
			}
			for _, secret := range []string{pfx.Password, wrongPassword, pfx.Base64[:40]} {
				if strings.Contains(funcErr.Text, secret) {
					t.Errorf("the error repeats a secret: %q", funcErr.Text)
				}
			}
		})
	}
}

// TestAccPKCS12CertificateFunction_inOutputsAndChecks calls the function through the CLI, in outputs and in
// a check block that warns about a certificate close to its expiry.
func TestAccPKCS12CertificateFunction_inOutputsAndChecks(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	pfx := testcert.New(t, testcert.Options{CommonName: "signup-api"})
	wrong := acctest.RandomSecret(t, "wrong")
	config := func(password string) string {
		return acctest.ProviderBlock(server) + fmt.Sprintf(`
locals {
  certificate = provider::entra::pkcs12_certificate(%q, %q)
}

check "certificate_lifetime" {
  assert {
    condition     = timecmp(local.certificate.not_after, timeadd(plantimestamp(), "720h")) > 0
    error_message = "The client certificate expires within 30 days."
  }
}

output "thumbprint" {
  value = local.certificate.thumbprint
}

output "certificate" {
  value = local.certificate
}
`, pfx.Base64, password)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(pfx.Password),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("thumbprint", knownvalue.StringExact(pfx.Thumbprint)),
					statecheck.ExpectKnownOutputValue("certificate", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"thumbprint":      knownvalue.StringExact(pfx.Thumbprint),
						"not_before":      knownvalue.StringExact(pfx.NotBefore.UTC().Format(time.RFC3339)),
						"not_after":       knownvalue.StringExact(pfx.NotAfter.UTC().Format(time.RFC3339)),
						"subject":         knownvalue.StringExact("CN=signup-api"),
						"has_private_key": knownvalue.Bool(true),
					})),
				},
			},
			{
				Config:      config(wrong),
				ExpectError: acctest.Wrapped(`Invalid value for "password" parameter: it does not open this PKCS#12 file`),
			},
		},
	})
}
