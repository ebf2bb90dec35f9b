# An API connector is imported by its Graph object id. The first apply after the import sends the
# configured password or certificate, since Graph never returns a secret to compare with.
tofu import entra_identity_api_connector.signup_validation 5f3c1a2e-7b4d-4e8a-9c61-2d0b8e4f7a93
