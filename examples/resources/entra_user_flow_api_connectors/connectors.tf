variable "api_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "entra_identity_api_connector" "signup_validation" {
  display_name = "Sign-up validation"
  target_url   = "https://api.contoso.com/signup/validate"

  basic_auth {
    username            = "b2c-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}

resource "entra_identity_api_connector" "federation_enrichment" {
  display_name = "Federation enrichment"
  target_url   = "https://api.contoso.com/signup/enrich"

  basic_auth {
    username            = "b2c-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}

resource "entra_identity_api_connector" "token_claims" {
  display_name = "Token claims"
  target_url   = "https://api.contoso.com/token/claims"

  basic_auth {
    username            = "b2c-signup"
    password_wo         = var.api_password
    password_wo_version = 1
  }
}
