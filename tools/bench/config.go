package bench

import (
	"fmt"
	"strings"
)

// Kind is what a scenario manages: API connectors through the provider, the same through the ideal
// provider, or terraform_data resources that need no provider at all and so measure the CLI's own overhead.
type Kind string

// The kinds of scenario.
const (
	KindConnectors Kind = "entra_identity_api_connector"
	KindData       Kind = "terraform_data"
	// KindIdeal is the connectors' configuration served by the ideal provider (package idealprovider).
	KindIdeal Kind = "ideal entra_identity_api_connector"
	// KindTenant is the connectors, each linked to a user flow of its own (entra_user_flow_api_connectors)
	// as the step after attribute collection: what a tenant's API connectors are for.
	KindTenant Kind = "entra_identity_api_connector and entra_user_flow_api_connectors"
)

// Configuration is the root module a scenario applies. Both kinds take the same variables, n and
// generation: changing generation renames every resource, which is the update phase.
func Configuration(kind Kind) string {
	var b strings.Builder
	b.WriteString(`variable "n" {
  type = number
}

variable "generation" {
  type = number
}
`)
	switch kind {
	case KindConnectors, KindIdeal, KindTenant:
		b.WriteString(`
terraform {
  required_providers {
    entra = {
      source = "entra-iac/entra"
    }
  }
}

# The tenant, the client and the endpoints come from the environment.
provider "entra" {}

variable "api_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "entra_identity_api_connector" "bench" {
  count        = var.n
  display_name = "bench-${count.index}-gen${var.generation}"
  target_url   = "https://api.contoso.com/validate/${count.index}"

  basic_auth {
    username            = "bench"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}
`)
		if kind == KindTenant {
			b.WriteString(tenantLinks)
		}
	case KindData:
		b.WriteString(`
resource "terraform_data" "bench" {
  count = var.n
  input = "bench-${count.index}-gen${var.generation}"
}
`)
	default:
		panic(fmt.Sprintf("bench: unknown kind %q", kind))
	}
	return b.String()
}

// DisplayName is the name the configuration gives resource i in a generation.
func DisplayName(i, generation int) string {
	return fmt.Sprintf("bench-%d-gen%d", i, generation)
}

// flowIDPrefix starts the id of each user flow a KindTenant scenario links a connector into.
const flowIDPrefix = "B2X_1_Bench"

// tenantLinks links each connector of a KindTenant scenario into its user flow.
const tenantLinks = `
resource "entra_user_flow_api_connectors" "bench" {
  count                     = var.n
  user_flow_id              = "` + flowIDPrefix + `${count.index}"
  post_attribute_collection = entra_identity_api_connector.bench[count.index].id
}
`

// FlowID is the user flow KindTenant links resource i into.
func FlowID(i int) string {
	return fmt.Sprintf("%s%d", flowIDPrefix, i)
}
