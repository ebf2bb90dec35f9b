# A user flow is imported by its id, in any case; the state takes Graph's spelling, and name is the id
# without its prefix. The import takes the flow's providers and sign-up page as Graph has them.
tofu import entra_user_flow.partner B2X_1_PartnerSignUp
