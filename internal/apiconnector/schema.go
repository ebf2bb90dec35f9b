package apiconnector

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

// resourceSchema describes entra_identity_api_connector. The auth blocks are lists of at most one block
// rather than single blocks: while a `dynamic` block's for_each is unknown, OpenTofu and Terraform pass a
// list block on as unknown, to be decided at apply, but a single block as an object that must exist
// after all, so a module could not choose the kind from a value known only at apply. Members of the auth
// blocks are Optional in the schema because the framework enforces Required even when a block is absent;
// the object validators require them whenever their block is present. Length limits stop a mistake (a file
// pasted into a name, say) at plan time rather than at Graph.
func resourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An API connector (Graph `identityApiConnector`): a REST API that Azure AD B2C and Microsoft Entra External ID " +
			"user flows call during sign-up, with the credentials they present to it. Requires the Graph permission " +
			"`" + tf.APIConnectors.Permission + "`.\n\n" +
			"The password and the certificate are **write-only**: they are sent to Graph and never stored in the plan or the state. " +
			"They are sent when the connector is created, when the kind of auth block or the username changes, when the block's " +
			"`*_wo_version` changes, and on the first apply after an import. Changing only the secret in the configuration sends " +
			"nothing: bump the version to rotate it.\n\n" +
			tf.TaintedAfterCreateRule(tf.APIConnectors, "Graph not serving it before the create timeout, say"),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The connector's Graph object id (a GUID).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the API connector, as shown in the portal and in user flows. " + tf.NameRule,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 256),
					tf.StringCheck{Rule: "a name that hides or reorders no text", Checks: []func(string) string{tf.CheckName}},
				},
			},
			"target_url": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The URL of the API endpoint to call: " + tf.TargetURLRule + ". " +
					"It is stored in the state and shown in plans, so a key in its query (such as an Azure Functions `?code=`) draws a " +
					"warning: give the API's credentials in `basic_auth` or `pkcs12` instead. The provider masks query values in its logs.",
				Validators: []validator.String{
					stringvalidator.LengthAtMost(2048),
					tf.StringCheck{Rule: "an https URL a client can call", Checks: []func(string) string{checkTargetURL}},
					credentialInQuery{},
				},
			},
			"certificates": schema.ListAttribute{
				Computed:    true,
				ElementType: certificateType,
				MarkdownDescription: "The client certificates the connector holds, as Graph reports them, ordered by `not_before`. " +
					"When an apply will upload a certificate, the plan shows its thumbprint and dates, computed locally from the file. " +
					"Empty for basic authentication. " + certificateMembers,
			},
		},
		Blocks: map[string]schema.Block{
			"basic_auth": basicAuthBlock(),
			"pkcs12":     pkcs12Block(),
			"timeouts":   tf.ResourceTimeouts(ctx, connectorTimeouts),
		},
	}
}

// basicAuthBlock is the basic_auth block: HTTP basic authentication with a write-only password.
func basicAuthBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "HTTP basic authentication. Exactly one of `basic_auth` and `pkcs12` must be set, once. " +
			"A module can choose between them with `dynamic` blocks, even on a value known only at apply.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Validators: []validator.Object{
			objectvalidator.AlsoRequires(path.MatchRelative().AtName("username"), path.MatchRelative().AtName("password_wo")),
		}, Attributes: map[string]schema.Attribute{
			"username": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The username sent to the API. Required in the block. Changing it sends the password again. " +
					"HTTP basic authentication (RFC 7617) cannot carry a colon in it. " + tf.NameRule,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 256),
					tf.StringCheck{Rule: "a username basic authentication can carry", Checks: usernameText},
				},
			},
			"password_wo": schema.StringAttribute{
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				MarkdownDescription: "The password sent to the API. Required in the block. **Write-only**: never stored in plan or state. " +
					"It is sent on create, when `username` changes, and when `password_wo_version` changes; to rotate it, change both.",
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 1024),
					tf.StringCheck{Rule: "no control characters", Checks: credentialText},
				},
			},
			"password_wo_version": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Any number; change it to send `password_wo` again. Terraform cannot see a change in a write-only " +
					"value, so this is how a new password reaches Graph.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		}},
	}
}

// pkcs12Block is the pkcs12 block: a client certificate as a write-only PKCS#12 file.
func pkcs12Block() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Client certificate authentication with a PKCS#12 (PFX) file. Exactly one of `basic_auth` and `pkcs12` must be set, once. " +
			"The file is checked at plan time when its value is known: base64, opened by `password_wo`, a private key with its " +
			"certificate. An expired certificate stops only an apply that would send it; otherwise the plan warns, so that a rename, " +
			"a refresh or a destroy still works once it has expired.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Validators: []validator.Object{
			objectvalidator.AlsoRequires(path.MatchRelative().AtName("value_wo")),
		}, Attributes: map[string]schema.Attribute{
			"value_wo": schema.StringAttribute{
				Optional:  true,
				WriteOnly: true,
				Sensitive: true,
				MarkdownDescription: "The base64-encoded PKCS#12 file holding the certificate and its private key, such as " +
					"`filebase64(\"client.pfx\")`. Required in the block. **Write-only**: never stored in plan or state. It is sent on " +
					"create and when `value_wo_version` changes; to rotate the certificate, change both.",
			},
			"password_wo": schema.StringAttribute{
				Optional:            true,
				WriteOnly:           true,
				Sensitive:           true,
				MarkdownDescription: "The password of the PKCS#12 file; leave unset for a file without one. **Write-only**.",
				Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
			},
			"value_wo_version": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Any number; change it to send `value_wo` again.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"rotation": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(rotationReplace),
				MarkdownDescription: "How a new certificate is sent. `replace` (the default) makes it the connector's only certificate. " +
					"`append` adds it to the list (Graph's `uploadClientCertificate`): the old certificate keeps working until the new one's " +
					"`not_before` passes, so a certificate can be staged before the old one expires.",
				Validators: []validator.String{stringvalidator.OneOf(rotationReplace, rotationAppend)},
			},
		}},
	}
}
