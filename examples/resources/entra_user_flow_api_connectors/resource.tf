# Call a validation API after the user submits the sign-up form of an External ID self-service sign-up
# flow, and an enrichment API after they federate with Google or Facebook. Here the flow was made in the
# Entra admin center (the entra_user_flows data source lists the ids); for one made by entra_user_flow, name
# entra_user_flow.<name>.id.
resource "entra_user_flow_api_connectors" "partner_signup" {
  user_flow_id              = "B2X_1_PartnerSignUp"
  post_attribute_collection = entra_identity_api_connector.signup_validation.id
  post_federation_signup    = entra_identity_api_connector.federation_enrichment.id
}
