# The configuration `make demo` applies against the local Graph emulator. The provider block is empty:
# the tenant, the client and the endpoints come from the environment, as they would in a pipeline.
terraform {
  required_providers {
    entra = {
      source = "entra-iac/entra"
    }
  }
}

provider "entra" {}

variable "api_password" {
  description = "The password the user flow presents to the validation API."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
  target_url   = "https://api.contoso.com/validate"

  basic_auth {
    username            = "b2c-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}

data "entra_identity_api_connectors" "all" {
  depends_on = [entra_identity_api_connector.signup_validation]
}

output "connector_id" {
  value = entra_identity_api_connector.signup_validation.id
}

output "connector_names" {
  value = [for c in data.entra_identity_api_connectors.all.connectors : c.display_name]
}
