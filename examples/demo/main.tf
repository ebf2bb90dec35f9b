# The configuration `make demo` applies against the local Graph emulator, which starts with no user flow:
# one apply makes a self-service sign-up flow whole. A custom attribute the API fills in, the sign-up flow
# that collects it, the two APIs the flow calls and the link that wires them into the flow's steps. The
# provider block is empty: the tenant, the client and the endpoints come from the environment, as they
# would in a pipeline.
provider "entra" {}

# A custom attribute: the partner's loyalty number. Graph gives it the id extension_<appId>_<name>,
# the claim the loyalty API receives with the sign-up form and returns, filled in, in its answer.
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

# The sign-up flow (Graph makes B2X_1_PartnerSignUp from the name): partners sign up with their Microsoft
# Entra ID account or an email one-time passcode, and the sign-up page asks for these fields, in this order.
resource "entra_user_flow" "partner_signup" {
  kind = "b2x"
  name = "PartnerSignUp"

  # AADSignup-OAUTH is the provider Graph gives every new flow: listed, it is kept.
  identity_providers = ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"]

  user_attribute_assignments = [
    { user_attribute_id = "Email", user_input_type = "emailBox" },
    { user_attribute_id = "GivenName" },
    { user_attribute_id = "Surname" },
    { user_attribute_id = entra_user_flow_attribute.loyalty_number.id, is_optional = true },
  ]
}

# A connector the flow calls right after the partner signs in with an identity provider, to check the
# partner's organisation, with HTTP basic authentication. The password is write-only: it reaches Graph but
# never the plan or the state.
resource "entra_identity_api_connector" "partner_check" {
  display_name = "Partner check"
  target_url   = "https://api.contoso.com/signup/partner-check"

  basic_auth {
    username            = "b2x-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}

# A connector the flow calls after the sign-up form, which looks up the loyalty number and returns it. It
# presents a client certificate to its API: the PKCS#12 file and its password are write-only, and the plan
# shows the certificate Graph will hold (thumbprint and validity) before it is sent.
resource "entra_identity_api_connector" "loyalty_lookup" {
  display_name = "Loyalty lookup"
  target_url   = "https://api.contoso.com/signup/loyalty"

  pkcs12 {
    value_wo         = filebase64(var.pfx_file)
    password_wo      = var.pfx_password
    value_wo_version = 1
  }
}

# The link: which connector each step of the new flow calls.
resource "entra_user_flow_api_connectors" "partner_signup" {
  user_flow_id              = entra_user_flow.partner_signup.id
  post_federation_signup    = entra_identity_api_connector.partner_check.id
  post_attribute_collection = entra_identity_api_connector.loyalty_lookup.id
}

# The flow as Graph describes it once the link is made.
data "entra_user_flow" "partner_signup" {
  id         = entra_user_flow_api_connectors.partner_signup.user_flow_id
  depends_on = [entra_user_flow_api_connectors.partner_signup]
}

variable "api_password" {
  description = "The password the user flow presents to the partner check API."
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

output "partner_signup_id" {
  description = "The flow's id, as Graph made it from the name."
  value       = entra_user_flow.partner_signup.id
}

output "loyalty_number_id" {
  description = "The custom attribute's id: the claim the loyalty API returns."
  value       = entra_user_flow_attribute.loyalty_number.id
}

output "partner_check_id" {
  value = entra_identity_api_connector.partner_check.id
}

output "loyalty_lookup_id" {
  value = entra_identity_api_connector.loyalty_lookup.id
}

output "loyalty_lookup_thumbprint" {
  description = "The certificate Graph presents to the loyalty API."
  value       = one([for c in entra_identity_api_connector.loyalty_lookup.certificates : c.thumbprint if c.is_active])
}

output "partner_signup_calls" {
  description = "The connector Graph says each step of the flow calls."
  value = {
    post_federation_signup    = data.entra_user_flow.partner_signup.post_federation_signup
    post_attribute_collection = data.entra_user_flow.partner_signup.post_attribute_collection
  }
}

output "partner_signup_fields" {
  description = "The attributes the flow's sign-up page asks for, in order, as Graph lists them."
  value       = [for f in data.entra_user_flow.partner_signup.user_attribute_assignments : f.user_attribute_id]
}

output "partner_signup_providers" {
  description = "The identity providers the flow offers, as Graph lists them."
  value       = sort(data.entra_user_flow.partner_signup.identity_providers)
}
