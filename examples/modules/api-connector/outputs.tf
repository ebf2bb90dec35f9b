output "id" {
  description = "The connector's Graph object id, for user flows that call it."
  value       = entra_identity_api_connector.this.id
}

output "certificates" {
  description = "The certificates Graph holds for the connector (thumbprint, not_before, not_after, is_active), oldest first."
  value       = entra_identity_api_connector.this.certificates
}

output "active_thumbprint" {
  description = "The thumbprint of the certificate Graph presents to the API now; null when none is valid."
  value       = local.active == null ? null : local.active.thumbprint
}

output "active_not_after" {
  description = "When the active certificate expires (RFC 3339); null when none is valid."
  value       = local.active == null ? null : local.active.not_after
}

output "rotation_due" {
  description = "Whether it is time to stage the next certificate: the active one expires within renew_within_days, or none is active. Always false for basic authentication."
  value       = !local.certificate ? false : local.active == null ? true : timecmp(local.active.not_after, timeadd(plantimestamp(), "${var.renew_within_days * 24}h")) <= 0
}

output "sent_version" {
  description = "The version of the secret this configuration last sent: next_certificate_version during a rotation, current_certificate_version otherwise, basic_auth_password_version for basic authentication."
  value       = local.sent_version
}

output "user_flow_id" {
  description = "The id of the user flow that calls the connector (the one created from user_flow, such as B2X_1_PartnerSignUp, or user_flow_id); null when no flow does."
  value       = one(entra_user_flow_api_connectors.this[*].user_flow_id)
}
