package apiconnector

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var (
	_ datasource.DataSourceWithConfigure        = (*connectorDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*connectorDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*connectorListDataSource)(nil)
)

// NewDataSource returns the entra_identity_api_connector data source.
func NewDataSource() datasource.DataSource {
	return &connectorDataSource{}
}

type connectorDataSource struct{ connectorReader }

// connectorReader is what both data sources are configured with: the Graph client.
type connectorReader struct {
	client *graph.Client
}

func (d *connectorReader) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

// connectorDataModel is one connector as the data sources describe it.
type connectorDataModel struct {
	ID           types.String `tfsdk:"id"`
	DisplayName  types.String `tfsdk:"display_name"`
	TargetURL    types.String `tfsdk:"target_url"`
	AuthType     types.String `tfsdk:"auth_type"`
	Username     types.String `tfsdk:"username"`
	Certificates types.List   `tfsdk:"certificates"`
}

// connectorDataSourceModel is the entra_identity_api_connector data source: one connector and its timeouts.
type connectorDataSourceModel struct {
	connectorDataModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *connectorDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity_api_connector"
}

func (d *connectorDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := connectorDataAttributes()
	attributes["id"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The id of the connector to read. Exactly one of `id` and `display_name` must be set.",
		Validators:          []validator.String{tf.ConnectorIDValidator()},
	}
	attributes["display_name"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: "The exact name of the connector to read. It must match exactly one connector.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one API connector by `id` or by `display_name`. Secrets are never returned. Requires the Graph " +
			"permission `" + tf.APIConnectors.ReadPermission + "` or `" + tf.APIConnectors.Permission + "`.",
		Attributes: attributes,
		Blocks:     map[string]schema.Block{"timeouts": tf.DataSourceTimeouts(ctx, connectorTimeouts.Read)},
	}
}

func (d *connectorDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("display_name")),
	}
}

func (d *connectorDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config connectorDataSourceModel
	ctx, cancel, ok := tf.ReadConfig(ctx, req, &config, &config.Timeouts, connectorTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	var connector *graph.APIConnector
	var err error
	call := tf.Call{Object: tf.APIConnectors, ID: config.ID.ValueString(), Timeout: tf.DataSourceRead}
	if !config.ID.IsNull() {
		connector, err = d.client.GetAPIConnectorConfirmed(ctx, config.ID.ValueString())
		if graph.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "API connector not found", tf.Detail(err, call))
			return
		}
	} else {
		connector, err = d.findByName(ctx, config.DisplayName.ValueString())
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the API connector", tf.Detail(err, call))
		return
	}
	config.connectorDataModel, err = dataFromAPI(connector)
	if err != nil {
		resp.Diagnostics.AddError("Unexpected API connector from Graph", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}

// findByName returns the one connector with that exact name, or an error that says what was found. A
// tenant holds at most 20 connectors, so the error can list every name.
func (d *connectorDataSource) findByName(ctx context.Context, name string) (*graph.APIConnector, error) {
	all, err := d.client.ListAPIConnectors(ctx)
	if err != nil {
		return nil, err
	}
	var found *graph.APIConnector
	var ids, names []string
	for i, c := range all {
		if c.DisplayName == name {
			found = &all[i]
			ids = append(ids, c.ID)
		}
		names = append(names, fmt.Sprintf("%q", c.DisplayName))
	}
	switch {
	case len(ids) == 1:
		return found, nil
	case len(ids) > 1:
		return nil, fmt.Errorf("%d API connectors are named %q (ids %s); look one up by id instead", len(ids), name, strings.Join(ids, ", "))
	case len(names) == 0:
		return nil, fmt.Errorf("no API connector is named %q: the tenant has no API connectors", name)
	}
	slices.Sort(names)
	return nil, fmt.Errorf("no API connector is named %q (names match exactly, including case). The tenant has: %s",
		name, strings.Join(names, ", "))
}

// NewListDataSource returns the entra_identity_api_connectors data source.
func NewListDataSource() datasource.DataSource {
	return &connectorListDataSource{}
}

type connectorListDataSource struct{ connectorReader }

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
	config.Connectors = make([]connectorDataModel, 0, len(all))
	for i := range all {
		if !strings.HasPrefix(all[i].DisplayName, config.DisplayNamePrefix.ValueString()) {
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

// connectorDataAttributes are the computed attributes both data sources return for a connector.
func connectorDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The connector's Graph object id."},
		"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The name of the connector."},
		"target_url":   schema.StringAttribute{Computed: true, MarkdownDescription: "The URL of the API the connector calls."},
		"auth_type": schema.StringAttribute{Computed: true,
			MarkdownDescription: "How the connector signs in to the API: `basic` or `certificate`."},
		"username": schema.StringAttribute{Computed: true, MarkdownDescription: "The basic authentication username; null for certificates."},
		"certificates": schema.ListAttribute{
			Computed:    true,
			ElementType: certificateType,
			MarkdownDescription: "The client certificates the connector holds, ordered by `not_before`; empty for basic authentication. " +
				certificateMembers,
		},
	}
}

// dataFromAPI maps a connector for the data sources, through the resource's mapping: auth_type is `basic`
// for a basic_auth block and `certificate` for a pkcs12 block.
func dataFromAPI(c *graph.APIConnector) (connectorDataModel, error) {
	connector, err := fromAPI(c, connectorModel{})
	m := connectorDataModel{
		ID:           connector.ID,
		DisplayName:  connector.DisplayName,
		TargetURL:    connector.TargetURL,
		Certificates: connector.Certificates,
	}
	switch {
	case connector.BasicAuth != nil:
		m.AuthType = types.StringValue("basic")
		m.Username = connector.BasicAuth.Username
	case connector.PKCS12 != nil:
		m.AuthType = types.StringValue("certificate")
	}
	return m, err
}
