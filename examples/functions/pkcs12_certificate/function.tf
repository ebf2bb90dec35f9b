variable "certificate_file" {
  description = "The .pfx file the API connector presents."
  type        = string
}

variable "certificate_password" {
  type      = string
  sensitive = true
}

locals {
  certificate = provider::entra::pkcs12_certificate(filebase64(var.certificate_file), var.certificate_password)
}

# Warn at plan time, before anything is sent, when the certificate runs out within 30 days.
check "client_certificate_lifetime" {
  assert {
    condition     = timecmp(local.certificate.not_after, timeadd(plantimestamp(), "720h")) > 0
    error_message = "The client certificate expires within 30 days: issue the next one and rotate it in."
  }
}

# A thumbprint is public, but it comes from a call that took the password: say so to show it.
output "client_certificate_thumbprint" {
  value = nonsensitive(local.certificate.thumbprint)
}
