# Bring the steps someone set in the portal under management with an import block.
import {
  to = entra_user_flow_api_connectors.partner_signup
  id = "B2X_1_PartnerSignUp"
}
