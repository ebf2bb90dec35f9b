# Reads a user flow as Graph describes it, for the user_flow tests to check what the module left in Graph.
terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}

variable "id" {
  description = "The flow to read."
  type        = string
}

variable "connector" {
  description = "The connector the test expects the flow to call, for its assertions."
  type        = string
  default     = null
}

data "entra_user_flow" "this" {
  id = var.id
}

output "post_attribute_collection" {
  value = data.entra_user_flow.this.post_attribute_collection
}

output "post_federation_signup" {
  value = data.entra_user_flow.this.post_federation_signup
}

output "fields" {
  value = [for f in data.entra_user_flow.this.user_attribute_assignments : f.user_attribute_id]
}

output "identity_providers" {
  value = data.entra_user_flow.this.identity_providers
}
