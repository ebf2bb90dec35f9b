# A connector that a sign-up user flow calls to validate what the user entered, with HTTP basic
# authentication. The password is write-only: it reaches Graph but never the plan or the state.
resource "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
  target_url   = "https://api.contoso.com/b2c/validate"

  basic_auth {
    username    = "b2c-signup"
    password_wo = var.api_password
    # Bump this whenever var.api_password changes: it is the only way to send the new password.
    password_wo_version = 1
  }
}

variable "api_password" {
  description = "The password the user flow presents to the validation API."
  type        = string
  sensitive   = true
  ephemeral   = true
}
