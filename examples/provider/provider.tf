terraform {
  # Terraform 1.11 or later; OpenTofu 1.11.6 or later (a versions.tofu file can say so: see Compatibility).
  required_version = ">= 1.11"

  required_providers {
    entra = {
      source = "entra-iac/entra"
    }
  }
}

# The provider reads its credentials from the environment, as the azuread and msgraph providers do:
#   export ARM_TENANT_ID=... ARM_CLIENT_ID=... ARM_CLIENT_SECRET=...
# so the block can stay empty. Arguments set here win over their environment variables.
provider "entra" {}

# Sign in with a client certificate of the app registration instead (a PKCS#12 file).
provider "entra" {
  alias                       = "certificate"
  tenant_id                   = "00000000-0000-0000-0000-000000000000"
  client_id                   = "11111111-1111-1111-1111-111111111111"
  client_certificate_path     = "${path.module}/automation.pfx"
  client_certificate_password = var.certificate_password
}

# Sign in from GitHub Actions through workload identity federation: with `permissions: id-token: write`
# the job's ACTIONS_ID_TOKEN_REQUEST_* variables are picked up, and only the ids are needed.
provider "entra" {
  alias     = "github_actions"
  tenant_id = "00000000-0000-0000-0000-000000000000"
  client_id = "11111111-1111-1111-1111-111111111111"
  use_oidc  = true
}

# An Azure AD B2C tenant in the China cloud (operated by 21Vianet).
provider "entra" {
  alias       = "china"
  environment = "china"
}

variable "certificate_password" {
  description = "The password of automation.pfx."
  type        = string
  sensitive   = true
  ephemeral   = true
}
