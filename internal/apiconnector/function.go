package apiconnector

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
)

var _ function.Function = (*pkcs12Function)(nil)

// NewPKCS12CertificateFunction returns provider::entra::pkcs12_certificate.
func NewPKCS12CertificateFunction() function.Function {
	return &pkcs12Function{}
}

type pkcs12Function struct{}

// pkcs12ResultTypes are the attributes of the function's result.
var pkcs12ResultTypes = map[string]attr.Type{
	"thumbprint":      types.StringType,
	"not_before":      types.StringType,
	"not_after":       types.StringType,
	"subject":         types.StringType,
	"has_private_key": types.BoolType,
}

// The arguments, by position.
const (
	argumentValue    int64 = 0
	argumentPassword int64 = 1
)

func (f *pkcs12Function) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "pkcs12_certificate"
}

func (f *pkcs12Function) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Describe the certificate a PKCS#12 (PFX) file holds",
		MarkdownDescription: "Opens a base64 PKCS#12 file with its password, as the `pkcs12` block of `entra_identity_api_connector` does, " +
			"and returns the certificate it holds, without calling Graph: `thumbprint` (uppercase hex SHA-1, as Graph reports it), " +
			"`not_before` and `not_after` (RFC 3339, UTC), `subject` and `has_private_key`. A file without a private key describes its " +
			"first certificate, and an expired certificate is described rather than refused, so that `check` blocks and module " +
			"conditions can warn about expiry before anything is sent. A file that cannot be opened is an error naming the argument " +
			"at fault; no error repeats the file or the password.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "value",
				MarkdownDescription: "The base64-encoded PKCS#12 file, such as `filebase64(\"client.pfx\")`.",
			},
			function.StringParameter{
				Name:                "password",
				AllowNullValue:      true,
				MarkdownDescription: "The file's password; `\"\"` or `null` for a file without one.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: pkcs12ResultTypes},
	}
}

func (f *pkcs12Function) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var value, password types.String
	resp.Error = req.Arguments.Get(ctx, &value, &password)
	if resp.Error != nil {
		return
	}
	contents, err := clientcert.Open(value.ValueString(), password.ValueString())
	var problem *clientcert.Problem
	switch {
	case value.IsNull():
		resp.Error = argumentError(argumentValue, "it is null: pass the base64 of a PKCS#12 file, such as filebase64(\"client.pfx\")")
	case errors.As(err, &problem) && problem.PasswordAtFault:
		resp.Error = argumentError(argumentPassword, "it does not open this PKCS#12 file; pass the file's password, or \"\" for a file without one")
	case errors.As(err, &problem):
		resp.Error = argumentError(argumentValue, problem.Summary+". "+problem.Detail)
	case err != nil:
		resp.Error = argumentError(argumentValue, "it cannot be opened as a PKCS#12 file")
	default:
		resp.Error = resp.Result.Set(ctx, types.ObjectValueMust(pkcs12ResultTypes, map[string]attr.Value{
			"thumbprint":      types.StringValue(contents.Thumbprint),
			"not_before":      types.StringValue(contents.NotBefore.Format(time.RFC3339)),
			"not_after":       types.StringValue(contents.NotAfter.Format(time.RFC3339)),
			"subject":         types.StringValue(contents.Subject),
			"has_private_key": types.BoolValue(contents.HasPrivateKey),
		}))
	}
}

// argumentError is an error about one argument. OpenTofu and Terraform print it as `Invalid value for
// "value" parameter: TEXT.`, so the text neither names the argument nor ends with a full stop.
func argumentError(argument int64, text string) *function.FuncError {
	return function.NewArgumentFuncError(argument, strings.TrimRight(text, ". "))
}
