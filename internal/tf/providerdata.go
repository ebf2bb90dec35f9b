package tf

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// GraphClient takes the Graph client the provider configured, for a resource's or data source's Configure.
// A value of another type is a bug in the provider, reported loudly rather than ignored. Before the provider is configured there is none.
func GraphClient(providerData any, diags *diag.Diagnostics) *graph.Client {
	if providerData == nil {
		return nil
	}
	client, ok := providerData.(*graph.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected a *graph.Client and got %T. This is a bug in the provider; please report it.", providerData))
		return nil
	}
	return client
}
