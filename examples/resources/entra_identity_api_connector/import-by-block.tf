# Bring an existing connector under management with an import block (Terraform 1.5+, OpenTofu 1.6+).
# `tofu plan` shows the import; the apply that performs it also sends the configured password.
import {
  to = entra_identity_api_connector.signup_validation
  id = "5f3c1a2e-7b4d-4e8a-9c61-2d0b8e4f7a93"
}
