# An Azure AD B2C flow (B2C_1_SignUpSignIn). Graph serves B2C flows on beta only: the provider calls beta for
# them whatever its api_version says. Its type and version are fixed when it is made; the two language
# settings change in place.
resource "entra_user_flow" "customer" {
  kind                   = "b2c"
  name                   = "SignUpSignIn"
  user_flow_type         = "signUpOrSignIn"
  user_flow_type_version = 3

  is_language_customization_enabled = true
  default_language_tag              = "en"

  identity_providers = ["Google-OAUTH", "Facebook-OAUTH"]

  # The sign-up page is left unset here: Graph's, and not managed.
}
