# Every connector whose name starts with "Sign-up", across all of Graph's pages.
data "entra_identity_api_connectors" "signup" {
  display_name_prefix = "Sign-up"
}

# Certificates that expire within 30 days, across those connectors: a rotation to-do list.
locals {
  expiring_certificates = flatten([
    for c in data.entra_identity_api_connectors.signup.connectors : [
      for cert in c.certificates : {
        connector  = c.display_name
        id         = c.id
        thumbprint = cert.thumbprint
        not_after  = cert.not_after
      }
      if timecmp(cert.not_after, timeadd(plantimestamp(), "720h")) < 0
    ]
  ])
}

output "expiring_certificates" {
  value = local.expiring_certificates
}
