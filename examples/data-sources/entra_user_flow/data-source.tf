data "entra_user_flow" "partner_signup" {
  id = "B2X_1_PartnerSignUp"
}

# The id of the connector the flow calls after the sign-up form, or null.
output "partner_signup_validation" {
  value = data.entra_user_flow.partner_signup.post_attribute_collection
}

# The identity providers the flow offers, and the attributes its sign-up page asks for, in order.
output "partner_signup_providers" {
  value = data.entra_user_flow.partner_signup.identity_providers
}

output "partner_signup_fields" {
  value = [for f in data.entra_user_flow.partner_signup.user_attribute_assignments : f.user_attribute_id]
}
