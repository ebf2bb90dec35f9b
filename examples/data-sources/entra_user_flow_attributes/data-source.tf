data "entra_user_flow_attributes" "all" {}

# The id of each attribute by its display name, built-in (City) and custom (extension_…_Hobby) alike: what a
# flow's sign-up page names.
output "attribute_ids" {
  value = { for a in data.entra_user_flow_attributes.all.attributes : a.display_name => a.id }
}

# Only the tenant's own attributes; Graph applies the filter.
data "entra_user_flow_attributes" "custom" {
  user_flow_attribute_type = "custom"

  timeouts {
    read = "2m"
  }
}
