package apiconnector

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/providerdata"
)

// clientFrom takes the Graph client the provider configured.
func clientFrom(providerData any, diags *diag.Diagnostics) *graph.Client {
	return providerdata.GraphClient(providerData, diags)
}
