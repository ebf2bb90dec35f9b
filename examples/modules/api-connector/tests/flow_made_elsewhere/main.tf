# A configuration that makes a user flow itself and hands its id, known only at apply, to the module: the
# module must plan its link without knowing the id.
terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}

variable "basic_auth_password" {
  description = "The connector's password."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "entra_user_flow" "elsewhere" {
  kind = "b2x"
  name = "MadeElsewhere"
}

module "connector" {
  source = "../.."

  display_name        = "Module test: a flow made elsewhere"
  target_url          = "https://api.contoso.com/b2c/elsewhere"
  authentication      = "basic"
  basic_auth_username = "module-user"
  basic_auth_password = var.basic_auth_password
  user_flow           = { id = entra_user_flow.elsewhere.id }
}

output "connector_id" {
  value = module.connector.id
}

output "user_flow_id" {
  value = module.connector.user_flow_id
}
