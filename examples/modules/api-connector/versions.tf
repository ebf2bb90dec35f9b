terraform {
  # Terraform reads this file: write-only arguments and ephemeral variables came in Terraform 1.11.
  # OpenTofu reads versions.tofu instead, which names its own floor.
  required_version = ">= 1.11"

  required_providers {
    entra = {
      source = "entra-iac/entra"
    }
  }
}
