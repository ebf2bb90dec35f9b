# Bring a flow made in the portal under management with an import block.
import {
  to = entra_user_flow.partner
  id = "B2X_1_PartnerSignUp"
}
