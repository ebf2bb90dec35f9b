# A custom attribute the sign-up page of a user flow can collect. Graph gives it the id
# extension_<aad-extensions-app id>_<name>: the name of the claim an API connector receives and returns.
resource "entra_user_flow_attribute" "loyalty_number" {
  display_name = "Loyalty number"
  data_type    = "int64"
  description  = "The number on your loyalty card"

  # A flow's sign-up page collects it (entra_user_flow): a new display_name then makes the new attribute and
  # moves the flow's field to it before the old one is deleted, which Graph refuses while a flow collects it.
  lifecycle {
    create_before_destroy = true
  }
}

resource "entra_user_flow_attribute" "newsletter" {
  display_name = "Newsletter"
  data_type    = "boolean"
  description  = "Send me the monthly newsletter"
}

output "loyalty_number_claim" {
  value = entra_user_flow_attribute.loyalty_number.id
}
