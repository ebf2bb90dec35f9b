# A custom attribute the sign-up page of a user flow can collect. Graph gives it the id
# extension_<aad-extensions-app id>_<name>: the name of the claim an API connector receives and returns.
resource "entra_user_flow_attribute" "loyalty_number" {
  display_name = "Loyalty number"
  data_type    = "int64"
  description  = "The number on your loyalty card"
}

resource "entra_user_flow_attribute" "newsletter" {
  display_name = "Newsletter"
  data_type    = "boolean"
  description  = "Send me the monthly newsletter"
}

output "loyalty_number_claim" {
  value = entra_user_flow_attribute.loyalty_number.id
}
