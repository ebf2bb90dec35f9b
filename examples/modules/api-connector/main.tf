# An API connector that authenticates to its API with a client certificate, with a rotation policy:
# the certificate in use (current_*) and, during a rotation, the one that takes over (next_*). Only a
# new version sends a certificate; the files never reach the plan or the state.

locals {
  staging = var.next_certificate_version != null
  # The certificate this configuration sends: the next one while a rotation is under way.
  sent_version = local.staging ? var.next_certificate_version : var.current_certificate_version
  # Graph marks at most one certificate active: the most recently uploaded one that is valid now.
  active = one([for c in entra_identity_api_connector.this.certificates : c if c.is_active])
}

resource "entra_identity_api_connector" "this" {
  display_name = var.display_name
  target_url   = var.target_url

  pkcs12 {
    value_wo         = local.staging ? var.next_certificate.pfx_base64 : var.current_certificate.pfx_base64
    password_wo      = local.staging ? var.next_certificate.password : var.current_certificate.password
    value_wo_version = local.sent_version
    rotation         = var.rotation
  }

  lifecycle {
    precondition {
      condition     = !local.staging || var.next_certificate_version > var.current_certificate_version
      error_message = "next_certificate_version must be greater than current_certificate_version: a version that does not change sends nothing."
    }
  }
}
