# Calling your API during sign-up: an API connector with a client certificate, called by an External ID
# self-service sign-up flow after the user submits the sign-up form. The provider block is left out: the
# tenant and the credentials come from the ARM_* environment variables.

terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
}

variable "user_flow_id" {
  description = "The sign-up flow that calls the API, as the entra_user_flows data source lists it."
  type        = string
  default     = "B2X_1_PartnerSignUp"
}

variable "certificate_file" {
  description = "The PKCS#12 (.pfx) file the connector presents to the API: its certificate and private key."
  type        = string
}

variable "certificate_password" {
  description = "The password of the .pfx file. Ephemeral: it is kept out of plan files as well as the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "certificate_version" {
  description = "Bump it with each new certificate file: the file is sent to Graph when this number changes."
  type        = number
  default     = 1
}

locals {
  # The certificate in the file, read locally: nothing is sent to compute it.
  certificate = provider::entra::pkcs12_certificate(filebase64(var.certificate_file), var.certificate_password)
}

# A warning in every plan from 30 days before the certificate expires.
check "certificate_lifetime" {
  assert {
    condition     = timecmp(local.certificate.not_after, timeadd(plantimestamp(), "720h")) > 0
    error_message = "The connector's certificate expires within 30 days: issue the next one, point certificate_file at it and bump certificate_version."
  }
}

resource "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
  target_url   = "https://api.contoso.com/signup/validate"

  pkcs12 {
    value_wo         = filebase64(var.certificate_file)
    password_wo      = var.certificate_password
    value_wo_version = var.certificate_version
    # A new certificate is added beside the current one: the API keeps being called with the old
    # certificate until the new one is valid.
    rotation = "append"
  }
}

resource "entra_user_flow_api_connectors" "signup" {
  user_flow_id              = var.user_flow_id
  post_attribute_collection = entra_identity_api_connector.signup_validation.id
}

output "connector_id" {
  value = entra_identity_api_connector.signup_validation.id
}

# The certificate Graph presents to the API now.
output "active_certificate" {
  value = one([for c in entra_identity_api_connector.signup_validation.certificates : c.thumbprint if c.is_active])
}
