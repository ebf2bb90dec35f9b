# The configuration `make demo` applies against the local Graph emulator. The provider block is empty:
# the tenant, the client and the endpoints come from the environment, as they would in a pipeline.
provider "entra" {}

# A connector a sign-up user flow calls to validate what the user entered, with HTTP basic authentication.
# The password is write-only: it reaches Graph but never the plan or the state.
resource "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
  target_url   = "https://api.contoso.com/validate"

  basic_auth {
    username            = "b2c-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}

# A connector that presents a client certificate to its API. The PKCS#12 file and its password are
# write-only; the plan shows the certificate Graph will hold (thumbprint and validity) before it is sent.
resource "entra_identity_api_connector" "enrich_claims" {
  display_name = "Enrich token claims"
  target_url   = "https://api.contoso.com/claims"

  pkcs12 {
    value_wo         = filebase64(var.pfx_file)
    password_wo      = var.pfx_password
    value_wo_version = 1
  }
}

# The user flow that calls these connectors at its sign-up steps belongs here, so that one apply creates the
# connectors and links them.

data "entra_identity_api_connectors" "all" {
  depends_on = [
    entra_identity_api_connector.signup_validation,
    entra_identity_api_connector.enrich_claims,
  ]
}

variable "api_password" {
  description = "The password the user flow presents to the validation API."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "pfx_file" {
  description = "Path to the PKCS#12 (PFX) file holding the client certificate and its private key."
  type        = string
}

variable "pfx_password" {
  description = "The password of the PKCS#12 file."
  type        = string
  sensitive   = true
  ephemeral   = true
}

output "signup_validation_id" {
  value = entra_identity_api_connector.signup_validation.id
}

output "enrich_claims_id" {
  value = entra_identity_api_connector.enrich_claims.id
}

output "enrich_claims_thumbprint" {
  description = "The certificate Graph presents to the claims API."
  value       = one([for c in entra_identity_api_connector.enrich_claims.certificates : c.thumbprint if c.is_active])
}

output "connector_names" {
  value = [for c in data.entra_identity_api_connectors.all.connectors : c.display_name]
}
