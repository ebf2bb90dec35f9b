# OpenTofu 1.12 and Terraform 1.12 can name the user flow by the resource's identity instead of an import id.
import {
  to       = entra_user_flow_api_connectors.partner_signup
  identity = { id = "B2X_1_PartnerSignUp" }
}

resource "entra_user_flow_api_connectors" "partner_signup" {
  user_flow_id              = "B2X_1_PartnerSignUp"
  post_attribute_collection = "be1f769b-9b13-437e-b540-79a905c4932c"
}
