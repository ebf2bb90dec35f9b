package userflow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var _ datasource.DataSourceWithConfigure = (*flowDataSource)(nil)

// NewDataSource returns the entra_user_flow data source.
func NewDataSource() datasource.DataSource {
	return &flowDataSource{}
}

type flowDataSource struct {
	client *graph.Client
}

// flowModel is one user flow as the data sources describe it.
type flowModel struct {
	ID                      types.String  `tfsdk:"id"`
	Kind                    types.String  `tfsdk:"kind"`
	UserFlowType            types.String  `tfsdk:"user_flow_type"`
	UserFlowTypeVersion     types.Float64 `tfsdk:"user_flow_type_version"`
	PostFederationSignup    types.String  `tfsdk:"post_federation_signup"`
	PostAttributeCollection types.String  `tfsdk:"post_attribute_collection"`
	PreTokenIssuance        types.String  `tfsdk:"pre_token_issuance"`
}

type flowDataSourceModel struct {
	flowModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *flowDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flow"
}

func (d *flowDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := flowAttributes()
	attributes["id"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "The id of the user flow to read, such as `B2X_1_PartnerSignUp` (External ID self-service sign-up) or " +
			"`B2C_1_SignUpSignIn` (Azure AD B2C, read on `beta` whatever the provider's `api_version`).",
		Validators: []validator.String{stringvalidator.RegexMatches(userFlowIDPattern, userFlowIDForm)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one user flow and the API connector each of its steps calls: two requests, the flow and its " +
			"`apiConnectorConfiguration`. Requires the Graph permission `" + tf.UserFlows.ReadPermission + "` or `" + tf.UserFlows.Permission + "`.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": tf.DataSourceTimeouts(ctx, linkTimeouts.Read)},
	}
}

func (d *flowDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (d *flowDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config flowDataSourceModel
	ctx, cancel, ok := tf.ReadConfig(ctx, req, &config, &config.Timeouts, linkTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := config.ID.ValueString()
	flow, err := d.client.GetUserFlowConfirmed(ctx, id)
	call := tf.Call{Object: tf.UserFlows, ID: id, Timeout: tf.DataSourceRead}
	if graph.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "User flow not found", tf.Detail(err, call))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read user flow "+id, tf.Detail(err, call))
		return
	}
	connectors, err := d.client.GetAPIConnectorConfigurationConfirmed(ctx, flow.ID)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the API connectors of user flow "+id, tf.Detail(err, call))
		return
	}
	config.flowModel = flowFromAPI(*flow, connectors)
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// flowAttributes are the computed attributes both data sources return for a flow.
func flowAttributes() map[string]schema.Attribute {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The user flow's id, such as `B2X_1_PartnerSignUp`."},
		"kind": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`b2x` for an External ID self-service sign-up flow (Graph `b2xIdentityUserFlow`), `b2c` for an Azure AD B2C " +
				"user flow (`b2cIdentityUserFlow`)."},
		"user_flow_type": schema.StringAttribute{Computed: true,
			MarkdownDescription: "Graph's `userFlowType`, such as `signUpOrSignIn`, `signUp`, `signIn`, `passwordReset` or `profileUpdate`."},
		"user_flow_type_version": schema.Float64Attribute{Computed: true,
			MarkdownDescription: "Graph's `userFlowTypeVersion`: the version of the flow type, such as `1` or `3`."},
	}
	for _, s := range steps {
		attributes[s.attribute] = schema.StringAttribute{Computed: true,
			MarkdownDescription: s.stepDescription() + " Null when the step calls no connector, or the flow's kind has no such step."}
	}
	return attributes
}

// flowFromAPI maps a flow and its connectors for the data sources.
func flowFromAPI(flow graph.UserFlow, connectors graph.APIConnectorConfiguration) flowModel {
	m := flowModel{
		ID:                  types.StringValue(flow.ID),
		Kind:                types.StringValue(string(flow.Kind)),
		UserFlowType:        types.StringValue(flow.UserFlowType),
		UserFlowTypeVersion: types.Float64Value(flow.UserFlowTypeVersion),
	}
	for _, s := range steps {
		*s.flow(&m) = stringOrNull(connectors[s.graph])
	}
	return m
}
