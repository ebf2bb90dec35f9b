# Bring an attribute made in the portal under management with an import block.
import {
  to = entra_user_flow_attribute.loyalty_number
  id = "extension_d09380e2b4c642b9a203fb816a04a7ad_Loyaltynumber"
}
