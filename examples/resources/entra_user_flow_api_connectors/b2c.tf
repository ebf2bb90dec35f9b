# An Azure AD B2C user flow (id B2C_1_…) also has the "Before sending the token" step. Graph serves B2C
# flows on beta only: the provider calls beta for them whatever its api_version says.
resource "entra_user_flow_api_connectors" "customer_signup" {
  user_flow_id              = "B2C_1_SignUpSignIn"
  post_attribute_collection = entra_identity_api_connector.signup_validation.id
  pre_token_issuance        = entra_identity_api_connector.token_claims.id
}
