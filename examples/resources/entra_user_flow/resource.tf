# An External ID self-service sign-up flow: people sign up with a Microsoft Entra ID account, Google or an
# email one-time passcode, and the sign-up page asks for these fields, in this order. Graph makes the flow
# B2X_1_PartnerSignUp from the name PartnerSignUp.
resource "entra_user_flow" "partner" {
  kind = "b2x"
  name = "PartnerSignUp"

  # AADSignup-OAUTH is the one Graph gives every new flow: list it to keep it.
  identity_providers = ["AADSignup-OAUTH", "Google-OAUTH", "EmailOtpSignup-OAUTH"]

  user_attribute_assignments = [
    { user_attribute_id = "Email", user_input_type = "emailBox", requires_verification = true },
    { user_attribute_id = "GivenName" },
    { user_attribute_id = "City", display_name = "Town", is_optional = true },
    {
      # A built-in attribute, offered as a list of choices. A custom attribute is named by its id instead:
      # user_attribute_id = entra_user_flow_attribute.<name>.id.
      user_attribute_id = "JobTitle"
      user_input_type   = "dropdownSingleSelect"
      user_attribute_values = [
        { name = "Engineer", value = "engineer", is_default = true },
        { name = "Sales", value = "sales" },
      ]
    },
  ]
}

variable "signup_validation_connector_id" {
  type        = string
  description = "The API connector that validates the sign-up form (entra_identity_api_connector.<name>.id)."
}

# The API the flow calls after the sign-up form is wired by the link resource: entra_user_flow never
# touches the steps, so the two manage one flow side by side.
resource "entra_user_flow_api_connectors" "partner" {
  user_flow_id              = entra_user_flow.partner.id
  post_attribute_collection = var.signup_validation_connector_id
}
