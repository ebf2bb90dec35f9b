# A connector that presents a client certificate to the API. The PKCS#12 file and its password are
# write-only; the certificates Graph holds (thumbprint and validity, never the key) are in `certificates`.
resource "entra_identity_api_connector" "enrich_claims" {
  display_name = "Enrich token claims"
  target_url   = "https://api.contoso.com/b2c/claims"

  pkcs12 {
    value_wo    = filebase64(var.pfx_file)
    password_wo = var.pfx_password
    # Point pfx_file at the new file and bump the version together to rotate the certificate.
    value_wo_version = 1
    # "append" keeps the certificates already uploaded, so a new one can be staged before the old expires.
    rotation = "append"
  }
}

variable "pfx_file" {
  description = "Path to the PKCS#12 (PFX) file holding the client certificate and its private key."
  type        = string
}

variable "pfx_password" {
  description = "The password of the PKCS#12 file."
  type        = string
  sensitive   = true
  ephemeral   = true
}

output "active_certificate" {
  description = "The thumbprint of the certificate Graph presents to the API now."
  value       = one([for c in entra_identity_api_connector.enrich_claims.certificates : c.thumbprint if c.is_active])
}
