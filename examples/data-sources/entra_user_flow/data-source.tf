data "entra_user_flow" "partner_signup" {
  id = "B2X_1_PartnerSignUp"
}

# The id of the connector the flow calls after the sign-up form, or null.
output "partner_signup_validation" {
  value = data.entra_user_flow.partner_signup.post_attribute_collection
}
