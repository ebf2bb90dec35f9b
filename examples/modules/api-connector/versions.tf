terraform {
  # Write-only arguments and ephemeral variables: OpenTofu 1.11, Terraform 1.11.
  required_version = ">= 1.11"

  required_providers {
    entra = {
      source = "entra-iac/entra"
    }
  }
}
