# OpenTofu 1.12 and Terraform 1.12 can name the connector by the resource's identity, its object id.
import {
  to       = entra_identity_api_connector.signup_validation
  identity = { id = "5f3c1a2e-7b4d-4e8a-9c61-2d0b8e4f7a93" }
}

variable "api_password" {
  type      = string
  sensitive = true
  ephemeral = true
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
