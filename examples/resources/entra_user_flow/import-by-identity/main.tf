# OpenTofu 1.12 and Terraform 1.12 can name the user flow by the resource's identity instead of an import id.
import {
  to       = entra_user_flow.partner
  identity = { id = "B2X_1_PartnerSignUp" }
}

resource "entra_user_flow" "partner" {
  kind               = "b2x"
  name               = "PartnerSignUp"
  identity_providers = ["AADSignup-OAUTH"]
}
