# The API connectors of a user flow are imported by the flow's id. The import takes every step the flow
# calls a connector at; steps the configuration leaves out then show as cleared in the next plan.
tofu import entra_user_flow_api_connectors.partner_signup B2X_1_PartnerSignUp
