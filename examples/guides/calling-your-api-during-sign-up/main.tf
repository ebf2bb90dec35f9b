# Calling your API during sign-up: a complete External ID self-service sign-up in one apply. A custom
# attribute your API fills in, the sign-up flow with its identity providers and sign-up page, an API connector
# with a client certificate, and the link that makes the flow call the API after the user submits the sign-up
# form. The provider block is left out: the tenant and the credentials come from the ARM_* environment
# variables.

terraform {
  required_providers {
    entra = { source = "entra-iac/entra" }
  }
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

# A custom attribute: Graph gives it the id extension_<appId>_<name>, the claim your API receives with the
# sign-up form and returns, filled in, in its answer.
resource "entra_user_flow_attribute" "loyalty_number" {
  display_name = "Loyalty number"
  data_type    = "string"
  description  = "Your loyalty number; leave it empty and we look it up"

  # The flow collects it: a new display_name makes the new attribute and moves the flow's field to it
  # before the old one is deleted, which Graph refuses while a flow collects it.
  lifecycle {
    create_before_destroy = true
  }
}

# The sign-up flow, B2X_1_PartnerSignUp: sign-up with a Microsoft Entra ID account or an email one-time
# passcode, and a sign-up page that asks for these fields, in this order.
resource "entra_user_flow" "partner_signup" {
  kind = "b2x"
  name = "PartnerSignUp"

  identity_providers = ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"]

  user_attribute_assignments = [
    { user_attribute_id = "Email", user_input_type = "emailBox" },
    { user_attribute_id = "GivenName" },
    { user_attribute_id = "Surname" },
    { user_attribute_id = entra_user_flow_attribute.loyalty_number.id, is_optional = true },
  ]
}

# Your API, called after the sign-up form: it validates the form and returns the loyalty number. The
# connector presents a client certificate to it; the file and its password are write-only.
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

# The link: the flow calls the API at its postAttributeCollection step.
resource "entra_user_flow_api_connectors" "signup" {
  user_flow_id              = entra_user_flow.partner_signup.id
  post_attribute_collection = entra_identity_api_connector.signup_validation.id
}

output "user_flow_id" {
  value = entra_user_flow.partner_signup.id
}

# The claim your API returns to fill in the loyalty number.
output "loyalty_number_claim" {
  value = entra_user_flow_attribute.loyalty_number.id
}

output "connector_id" {
  value = entra_identity_api_connector.signup_validation.id
}

# The certificate Graph presents to the API now.
output "active_certificate" {
  value = one([for c in entra_identity_api_connector.signup_validation.certificates : c.thumbprint if c.is_active])
}
