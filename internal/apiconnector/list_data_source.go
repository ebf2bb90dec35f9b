package apiconnector

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var _ datasource.DataSourceWithConfigure = (*connectorListDataSource)(nil)

// NewListDataSource returns the entra_identity_api_connectors data source.
func NewListDataSource() datasource.DataSource {
	return &connectorListDataSource{}
}

type connectorListDataSource struct {
	client *graph.Client
}

type connectorListModel struct {
	DisplayNamePrefix types.String         `tfsdk:"display_name_prefix"`
	Connectors        []connectorDataModel `tfsdk:"connectors"`
	Timeouts          timeouts.Value       `tfsdk:"timeouts"`
}

func (d *connectorListDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_api_connectors"
}

func (d *connectorListDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every API connector in the tenant, across all of Graph's pages. Secrets are never returned. " +
			"Requires the Graph permission `" + tf.APIConnectors.ReadPermission + "` or `" + tf.APIConnectors.Permission + "`.",
		Attributes: map[string]schema.Attribute{
			"display_name_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Keep only the connectors whose name starts with this text (case-sensitive).",
			},
			"connectors": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The connectors, in the order Graph lists them.",
				NestedObject:        schema.NestedAttributeObject{Attributes: connectorDataAttributes()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": tf.DataSourceTimeouts(ctx, connectorTimeouts.Read)},
	}
}

func (d *connectorListDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (d *connectorListDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config connectorListModel
	ctx, cancel, ok := tf.ReadConfig(ctx, req, &config, &config.Timeouts, connectorTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	all, err := d.client.ListAPIConnectors(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the API connectors", tf.Detail(err, tf.Call{Object: tf.APIConnectors, Timeout: tf.DataSourceRead}))
		return
	}
	prefix := config.DisplayNamePrefix.ValueString()
	config.Connectors = make([]connectorDataModel, 0, len(all))
	for i := range all {
		if !strings.HasPrefix(all[i].DisplayName, prefix) {
			continue
		}
		model, err := dataFromAPI(&all[i])
		if err != nil {
			resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
			return
		}
		config.Connectors = append(config.Connectors, model)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
