# Look a connector up by its exact display name (or by `id`: exactly one of the two).
data "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
}

output "signup_validation" {
  value = {
    id         = data.entra_identity_api_connector.signup_validation.id
    target_url = data.entra_identity_api_connector.signup_validation.target_url
    auth_type  = data.entra_identity_api_connector.signup_validation.auth_type
  }
}
