// Package idealprovider is the yardstick `make bench` measures the entra provider against: a provider
// with the same name, the same entra_identity_api_connector schema, validation and plan logic (it
// delegates those to the real resource), whose create, read, update and delete do nothing but wait the
// Graph latency for the minimal number of requests (2, 1, 1, 1). What the real provider takes beyond it
// is the cost of its Graph client and its mapping code; what it takes beyond the floor plus the CLI's own
// overhead is the cost of the plugin protocol and terraform-plugin-framework, which no provider avoids.
package idealprovider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/entra-iac/terraform-provider-entra/internal/apiconnector"
	entraprovider "github.com/entra-iac/terraform-provider-entra/internal/provider"
)

var (
	_ provider.Provider                     = (*idealProvider)(nil)
	_ resource.ResourceWithModifyPlan       = (*idealResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*idealResource)(nil)
	_ resource.ResourceWithConfigValidators = (*idealResource)(nil)
)

// New returns the provider. latency is what one Graph request would take.
func New(latency time.Duration) func() provider.Provider {
	return func() provider.Provider {
		return &idealProvider{real: entraprovider.New("ideal")(), latency: latency}
	}
}

type idealProvider struct {
	real    provider.Provider
	latency time.Duration
}

func (p *idealProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *idealProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

// Configure signs in nowhere: the ideal provider makes no requests.
func (p *idealProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *idealProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource {
		return &idealResource{real: apiconnector.NewResource(), latency: p.latency}
	}}
}

func (p *idealProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// idealResource is entra_identity_api_connector with the real schema, validation and plan, and CRUD that
// only waits.
type idealResource struct {
	real    resource.Resource
	latency time.Duration
}

func (r *idealResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *idealResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *idealResource) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	if v, ok := r.real.(resource.ResourceWithConfigValidators); ok {
		return v.ConfigValidators(ctx)
	}
	return nil
}

func (r *idealResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if v, ok := r.real.(resource.ResourceWithValidateConfig); ok {
		v.ValidateConfig(ctx, req, resp)
	}
}

func (r *idealResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if m, ok := r.real.(resource.ResourceWithModifyPlan); ok {
		m.ModifyPlan(ctx, req, resp)
	}
}

func (r *idealResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.wait(ctx, 2) {
		resp.Diagnostics.AddError("Cancelled", "the create was cancelled")
		return
	}
	r.applyPlan(req.Plan, &resp.State, resp)
}

func (r *idealResource) Read(ctx context.Context, _ resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.wait(ctx, 1) {
		resp.Diagnostics.AddError("Cancelled", "the read was cancelled")
	}
	// The response state starts as the prior state, which is what Graph would answer.
}

func (r *idealResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.wait(ctx, 1) {
		resp.Diagnostics.AddError("Cancelled", "the update was cancelled")
		return
	}
	r.applyPlan(req.Plan, &resp.State, nil)
}

func (r *idealResource) Delete(ctx context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.wait(ctx, 1) {
		resp.Diagnostics.AddError("Cancelled", "the delete was cancelled")
	}
}

// wait stands for n Graph requests one after another.
func (r *idealResource) wait(ctx context.Context, n int) bool {
	t := time.NewTimer(time.Duration(n) * r.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// applyPlan makes the planned values the new state, with a new id for an unknown one and null for any
// other value only known after apply.
func (r *idealResource) applyPlan(plan tfsdk.Plan, state *tfsdk.State, create *resource.CreateResponse) {
	known, err := tftypes.Transform(plan.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if len(p.Steps()) == 1 && p.Steps()[0].Equal(tftypes.AttributeName("id")) {
			return tftypes.NewValue(tftypes.String, newID()), nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
	if err != nil {
		if create != nil {
			create.Diagnostics.AddError("Cannot apply the plan", fmt.Sprint(err))
		}
		return
	}
	state.Raw = known
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
