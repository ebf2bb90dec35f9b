package userflow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var _ datasource.DataSourceWithConfigure = (*flowListDataSource)(nil)

// NewListDataSource returns the entra_user_flows data source.
func NewListDataSource() datasource.DataSource {
	return &flowListDataSource{}
}

type flowListDataSource struct {
	client *graph.Client
}

type flowListModel struct {
	Kind      types.String   `tfsdk:"kind"`
	UserFlows []flowModel    `tfsdk:"user_flows"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (d *flowListDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flows"
}

func (d *flowListDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	kinds := make([]string, 0, 2)
	for _, kind := range graph.UserFlowKinds() {
		kinds = append(kinds, string(kind))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenant's user flows, across all of Graph's pages, each with its kind, type, the API connector " +
			"each of its steps calls, the identity providers it offers and its sign-up page: one request per page of each kind, and " +
			"four per flow: its `apiConnectorConfiguration`, its `userFlowIdentityProviders`, its `userAttributeAssignments` and " +
			"their `getOrder`. A tenant with many flows is read faster by `entra_user_flow` for the flows you need. " +
			"Azure AD B2C flows are listed on `beta`, the only version that serves them. Requires the Graph permission " +
			"`" + tf.UserFlows.ReadPermission + "` or `" + tf.UserFlows.Permission + "` (Graph's page for a flow's providers names only the latter).",
		Attributes: map[string]schema.Attribute{
			"kind": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "List only flows of this kind: `b2x` (External ID self-service sign-up flows) or `b2c` (Azure AD B2C " +
					"user flows). Unset lists both: a tenant holds one kind or the other, and Graph refuses to list the kind the tenant " +
					"cannot have (403), so that kind is left out as long as Graph lists the other; when Graph refuses both, the " +
					"error is the missing permission's.",
				Validators: []validator.String{stringvalidator.OneOf(kinds...)},
			},
			"user_flows": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The user flows: External ID self-service sign-up flows first, then Azure AD B2C flows, each in Graph's order.",
				NestedObject:        schema.NestedAttributeObject{Attributes: flowAttributes()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": tf.DataSourceTimeouts(ctx, linkTimeouts.Read)},
	}
}

func (d *flowListDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (d *flowListDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config flowListModel
	ctx, cancel, ok := tf.ReadConfig(ctx, req, &config, &config.Timeouts, linkTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	config.UserFlows = []flowModel{}
	// A tenant serves one kind of user flow, and Graph refuses the other with a 403. Without kind, a refused
	// kind is left out when the other kind was listed; when Graph refuses both, the caller lacks the permission.
	var refused error
	listed := 0
	for _, kind := range graph.UserFlowKinds() {
		if !config.Kind.IsNull() && config.Kind.ValueString() != string(kind) {
			continue
		}
		flows, err := d.client.ListUserFlows(ctx, kind)
		if graph.IsForbidden(err) && config.Kind.IsNull() && refused == nil {
			refused = err
			continue
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot list the "+string(kind)+" user flows",
				tf.Detail(err, tf.Call{Object: tf.UserFlows, Timeout: tf.DataSourceRead}))
			return
		}
		listed++
		for _, flow := range flows {
			model, err := readFlow(ctx, d.client, flow)
			if err != nil {
				resp.Diagnostics.AddError("Cannot read user flow "+flow.ID,
					tf.Detail(err, tf.Call{Object: tf.UserFlows, ID: flow.ID, Timeout: tf.DataSourceRead}))
				return
			}
			config.UserFlows = append(config.UserFlows, model)
		}
	}
	if listed == 0 && refused != nil {
		resp.Diagnostics.AddError("Cannot list the user flows", tf.Detail(refused, tf.Call{Object: tf.UserFlows, Timeout: tf.DataSourceRead}))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
