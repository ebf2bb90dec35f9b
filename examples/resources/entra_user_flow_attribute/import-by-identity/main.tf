# OpenTofu 1.12 and Terraform 1.12 can name the attribute by the resource's identity instead of an import id.
import {
  to       = entra_user_flow_attribute.loyalty_number
  identity = { id = "extension_d09380e2b4c642b9a203fb816a04a7ad_Loyaltynumber" }
}

resource "entra_user_flow_attribute" "loyalty_number" {
  display_name = "Loyalty number"
  data_type    = "int64"
  description  = "The number on your loyalty card"
}
