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

variable "user_flow" {
  description = "The user flow that calls the connector at user_flow_step: { id = \"B2X_1_PartnerSignUp\" } for an existing flow (the id may be known only at apply, such as another resource's), or { name = \"PartnerSignUp\", ... } for a flow the module creates, with its kind (\"b2x\", the default, or \"b2c\" with a user_flow_type_version), the identity providers it offers and the fields of its sign-up page, as in entra_user_flow (Graph adds the B2X_1_ or B2C_1_ prefix to the name). Null (the default): the connector is wired into no flow."
  type = object({
    id                     = optional(string)
    name                   = optional(string)
    kind                   = optional(string, "b2x")
    user_flow_type_version = optional(number)
    identity_providers     = optional(set(string))
    user_attribute_assignments = optional(list(object({
      user_attribute_id     = string
      display_name          = optional(string)
      is_optional           = optional(bool)
      requires_verification = optional(bool)
      user_input_type       = optional(string)
      user_attribute_values = optional(list(object({
        name       = string
        value      = string
        is_default = optional(bool)
      })))
    })))
  })
  default = null

  validation {
    # A conditional rather than ||, which evaluates both sides, the attributes of a null object included.
    condition     = var.user_flow == null ? true : (var.user_flow.id == null) != (var.user_flow.name == null)
    error_message = "user_flow takes an id (an existing flow) or a name (a flow to create), not both and not neither."
  }
  validation {
    condition = var.user_flow == null ? true : var.user_flow.id == null ? true : (
      var.user_flow.identity_providers == null && var.user_flow.user_attribute_assignments == null && var.user_flow.user_flow_type_version == null
    )
    error_message = "user_flow: identity_providers, user_attribute_assignments and user_flow_type_version describe a flow the module creates (with a name); an existing flow (id) is wired as it is."
  }
}

variable "user_flow_step" {
  description = "The step of the user flow that calls the connector: \"post_attribute_collection\" (the default: after the sign-up form), \"post_federation_signup\" (after the user signs in with an identity provider) or, in an Azure AD B2C flow, \"pre_token_issuance\"."
  type        = string
  default     = "post_attribute_collection"

  validation {
    condition     = contains(["post_attribute_collection", "post_federation_signup", "pre_token_issuance"], var.user_flow_step)
    error_message = "user_flow_step must be \"post_attribute_collection\", \"post_federation_signup\" or \"pre_token_issuance\"."
  }
}
