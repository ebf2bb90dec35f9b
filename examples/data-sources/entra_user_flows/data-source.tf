data "entra_user_flows" "all" {}

# Every flow that calls no API after the sign-up form.
output "flows_without_validation" {
  value = [for f in data.entra_user_flows.all.user_flows : f.id if f.post_attribute_collection == null]
}

# Every flow that offers sign-up with Google.
output "flows_with_google" {
  value = [for f in data.entra_user_flows.all.user_flows : f.id if contains([for p in f.identity_providers : lower(p)], "google-oauth")]
}

# In an Azure AD B2C tenant, list the B2C flows only.
data "entra_user_flows" "b2c" {
  kind = "b2c"

  timeouts {
    read = "2m"
  }
}
