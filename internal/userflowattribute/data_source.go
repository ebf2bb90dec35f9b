package userflowattribute

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

var _ datasource.DataSourceWithConfigure = (*listDataSource)(nil)

// NewListDataSource returns the entra_user_flow_attributes data source.
func NewListDataSource() datasource.DataSource {
	return &listDataSource{}
}

type listDataSource struct {
	client *graph.Client
}

type listModel struct {
	UserFlowAttributeType types.String         `tfsdk:"user_flow_attribute_type"`
	Attributes            []attributeDataModel `tfsdk:"attributes"`
	Timeouts              timeouts.Value       `tfsdk:"timeouts"`
}

// attributeDataModel is one attribute of the list.
type attributeDataModel struct {
	ID                    types.String `tfsdk:"id"`
	DisplayName           types.String `tfsdk:"display_name"`
	Description           types.String `tfsdk:"description"`
	DataType              types.String `tfsdk:"data_type"`
	UserFlowAttributeType types.String `tfsdk:"user_flow_attribute_type"`
}

func (d *listDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_flow_attributes"
}

func (d *listDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenant's user-flow attributes, built-in and custom, across all of Graph's pages " +
			"(`GET /identity/userFlowAttributes`): the ids a flow's sign-up page names. Requires the Graph permission " +
			"`IdentityUserFlow.Read.All` or `" + tf.UserFlowAttributes.Permission + "`.",
		Attributes: map[string]schema.Attribute{
			"user_flow_attribute_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "List only attributes of this kind: `" + strings.Join(graph.UserFlowAttributeTypes(), "` or `") +
					"`, in any case, sent to Graph in the enum's spelling as `$filter=userFlowAttributeType eq '<kind>'`. Unset lists both.",
				Validators: []validator.String{stringvalidator.OneOfCaseInsensitive(graph.UserFlowAttributeTypes()...)},
			},
			"attributes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The attributes, in the order Graph lists them.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                       computed("The attribute's id: a built-in one's name (`City`), or a custom one's `extension_<appId>_<name>`."),
					"display_name":             computed("The attribute's name, shown at sign-up."),
					"description":              computed("What the attribute is, shown to the user at sign-up."),
					"data_type":                computed("The type of the values: `string`, `boolean`, `int64` (and, for some built-in attributes, `stringCollection` or `dateTime`)."),
					"user_flow_attribute_type": computed(kindDescription),
				}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": tf.DataSourceTimeouts(ctx, attributeTimeouts.Read)},
	}
}

func (d *listDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = tf.GraphClient(req.ProviderData, &resp.Diagnostics)
}

func (d *listDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config listModel
	ctx, cancel, ok := tf.ReadConfig(ctx, req, &config, &config.Timeouts, attributeTimeouts.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	all, err := d.client.ListUserFlowAttributes(ctx, config.UserFlowAttributeType.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the user flow attributes", tf.Detail(err, tf.Call{Object: tf.UserFlowAttributes, Timeout: tf.DataSourceRead}))
		return
	}
	config.Attributes = make([]attributeDataModel, len(all))
	for i, a := range all {
		config.Attributes[i] = attributeDataModel{
			ID:                    types.StringValue(a.ID),
			DisplayName:           types.StringValue(a.DisplayName),
			Description:           types.StringValue(a.Description),
			DataType:              types.StringValue(a.DataType),
			UserFlowAttributeType: types.StringValue(a.UserFlowAttributeType),
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
