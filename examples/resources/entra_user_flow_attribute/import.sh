# A custom user-flow attribute is imported by its id, which the entra_user_flow_attributes data source lists.
tofu import entra_user_flow_attribute.loyalty_number extension_d09380e2b4c642b9a203fb816a04a7ad_Loyaltynumber
