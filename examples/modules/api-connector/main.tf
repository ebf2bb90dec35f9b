# An API connector that authenticates to its API with a client certificate, with a rotation policy:
# the certificate in use (current_*) and, during a rotation, the one that takes over (next_*); or with
# HTTP basic authentication. Only a new version sends a certificate or a password; neither reaches the
# plan or the state. Optionally, a user flow calls it at one step: an existing flow (user_flow.id) or one
# the module creates (user_flow.name).

locals {
  certificate = var.authentication == "certificate"
  staging     = local.certificate && var.next_certificate_version != null
  # The certificate this configuration sends: the next one while a rotation is under way.
  sent_version = !local.certificate ? var.basic_auth_password_version : local.staging ? var.next_certificate_version : var.current_certificate_version
  # Graph marks at most one certificate active: the most recently uploaded one that is valid now.
  active = one([for c in entra_identity_api_connector.this.certificates : c if c.is_active])
}

resource "entra_identity_api_connector" "this" {
  display_name = var.display_name
  target_url   = var.target_url

  # One of the two blocks, chosen by var.authentication; that may be a value known only at apply.
  dynamic "pkcs12" {
    for_each = local.certificate ? [1] : []
    content {
      value_wo         = local.staging ? var.next_certificate.pfx_base64 : try(var.current_certificate.pfx_base64, null)
      password_wo      = local.staging ? var.next_certificate.password : try(var.current_certificate.password, null)
      value_wo_version = local.sent_version
      rotation         = var.rotation
    }
  }

  dynamic "basic_auth" {
    for_each = local.certificate ? [] : [1]
    content {
      username            = var.basic_auth_username
      password_wo         = var.basic_auth_password
      password_wo_version = var.basic_auth_password_version
    }
  }

  lifecycle {
    precondition {
      # A conditional rather than ||, which Terraform evaluates on both sides, null included.
      condition     = local.staging ? var.next_certificate_version > var.current_certificate_version : true
      error_message = "next_certificate_version must be greater than current_certificate_version: a version that does not change sends nothing."
    }
  }
}

# The user flow the module creates when user_flow has a name.
resource "entra_user_flow" "this" {
  count = var.user_flow == null ? 0 : var.user_flow.name == null ? 0 : 1

  kind                       = var.user_flow.kind
  name                       = var.user_flow.name
  user_flow_type_version     = var.user_flow.user_flow_type_version
  identity_providers         = var.user_flow.identity_providers
  user_attribute_assignments = var.user_flow.user_attribute_assignments
}

# The step of the flow, existing or created here, that calls the connector. Destroying it clears only that
# step. Its count depends only on whether user_flow is set, so an id known only at apply works too.
resource "entra_user_flow_api_connectors" "this" {
  count = var.user_flow == null ? 0 : 1

  user_flow_id              = var.user_flow.name == null ? var.user_flow.id : one(entra_user_flow.this[*].id)
  post_attribute_collection = var.user_flow_step == "post_attribute_collection" ? entra_identity_api_connector.this.id : null
  post_federation_signup    = var.user_flow_step == "post_federation_signup" ? entra_identity_api_connector.this.id : null
  pre_token_issuance        = var.user_flow_step == "pre_token_issuance" ? entra_identity_api_connector.this.id : null
}
