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

# The sign-up flow that calls the validation connector after the user submits the sign-up form. User flows
# are made in the portal (the emulator starts with this one); the provider wires connectors into their steps.
resource "entra_user_flow_api_connectors" "partner_signup" {
  user_flow_id              = "B2X_1_PartnerSignUp"
  post_attribute_collection = entra_identity_api_connector.signup_validation.id
}

# The flow as Graph describes it once the link is made.
data "entra_user_flow" "partner_signup" {
  id         = entra_user_flow_api_connectors.partner_signup.user_flow_id
  depends_on = [entra_user_flow_api_connectors.partner_signup]
}

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

output "partner_signup_calls" {
  description = "The connector Graph says the sign-up flow calls after the sign-up form."
  value       = data.entra_user_flow.partner_signup.post_attribute_collection
}

output "connector_names" {
  value = [for c in data.entra_identity_api_connectors.all.connectors : c.display_name]
}
