variable "display_name" {
  description = "The name of the API connector, as user flows show it."
  type        = string
}

variable "target_url" {
  description = "The https URL of the API the user flow calls."
  type        = string

  validation {
    condition     = startswith(var.target_url, "https://")
    error_message = "target_url must be an https:// URL."
  }
}

variable "authentication" {
  description = "How the connector signs in to the API: \"certificate\" (current_certificate, with rotation) or \"basic\" (basic_auth_username and basic_auth_password). It may be a value known only at apply."
  type        = string
  default     = "certificate"

  validation {
    condition     = contains(["certificate", "basic"], var.authentication)
    error_message = "authentication must be \"certificate\" or \"basic\"."
  }
}

variable "current_certificate" {
  description = "The client certificate the API trusts now: a base64 PKCS#12 (PFX) file, such as filebase64(\"client.pfx\") gives, and its password (\"\" for none). Required when authentication = \"certificate\"."
  type = object({
    pfx_base64 = string
    password   = optional(string, "")
  })
  default   = null
  sensitive = true
  ephemeral = true
}

variable "current_certificate_version" {
  description = "A number that names current_certificate. Give each new certificate a higher one: only a changed version sends a certificate to Graph. Required when authentication = \"certificate\"."
  type        = number
  default     = null

  validation {
    condition     = var.current_certificate_version == null ? var.authentication != "certificate" : var.current_certificate_version >= 1 && floor(var.current_certificate_version) == var.current_certificate_version
    error_message = "current_certificate_version must be a whole number, 1 or more, when authentication = \"certificate\"."
  }
}

variable "basic_auth_username" {
  description = "The username the connector presents with HTTP basic authentication. Required when authentication = \"basic\"."
  type        = string
  default     = null

  validation {
    condition     = var.basic_auth_username != null || var.authentication != "basic"
    error_message = "basic_auth_username (and basic_auth_password) must be set when authentication = \"basic\"."
  }
}

variable "basic_auth_password" {
  description = "The password the connector presents with HTTP basic authentication. Required when authentication = \"basic\"."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "basic_auth_password_version" {
  description = "A number that names basic_auth_password; change it to send a new password."
  type        = number
  default     = 1
}

variable "next_certificate" {
  description = "The certificate that takes over from current_certificate, uploaded ahead of time. With rotation = \"append\" both are kept and Graph switches to it once its validity starts; with \"replace\" it replaces every earlier certificate at once. Null when no rotation is under way."
  type = object({
    pfx_base64 = string
    password   = optional(string, "")
  })
  default   = null
  sensitive = true
  ephemeral = true
}

variable "next_certificate_version" {
  description = "The version of next_certificate, higher than current_certificate_version. Set it together with next_certificate. When the old certificate is retired, move both to current_* unchanged: nothing is sent again."
  type        = number
  default     = null
}

variable "rotation" {
  description = "How a new certificate reaches Graph: \"append\" (the default) keeps the ones already uploaded, so the next certificate can be staged before the current one expires; \"replace\" leaves the new certificate alone, as after a compromised key."
  type        = string
  default     = "append"

  validation {
    condition     = contains(["append", "replace"], var.rotation)
    error_message = "rotation must be \"append\" or \"replace\"."
  }
}

variable "renew_within_days" {
  description = "The output rotation_due turns true when the active certificate expires within this many days (or no certificate is active)."
  type        = number
  default     = 30

  validation {
    condition     = var.renew_within_days >= 0
    error_message = "renew_within_days must not be negative."
  }
}
