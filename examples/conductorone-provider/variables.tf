variable "region" {
  description = "Region for the AWS provider. IAM is global; this only picks the API endpoint."
  type        = string
  default     = "us-east-1"
}

variable "conductorone_server_url" {
  description = "Your ConductorOne tenant URL, e.g. \"https://example.conductor.one\"; null derives it from the client ID."
  type        = string
  default     = null
}

variable "app_id" {
  description = "ID of the ConductorOne app the AWS integration belongs to."
  type        = string
}

variable "owner_user_ids" {
  description = "ConductorOne user IDs that own the integration; null lets ConductorOne choose (the creator). Not [] : the provider's read replaces an empty list with the owners the API returns, and the apply would end in \"Provider produced inconsistent result after apply\"."
  type        = list(string)
  default     = null
}

variable "enable_organizations" {
  description = "Sync the organization's accounts (run with management-account credentials)."
  type        = bool
  default     = false
}

variable "enable_identity_center" {
  description = "Sync IAM Identity Center (requires enable_organizations)."
  type        = bool
  default     = false
}

variable "identity_center_region" {
  description = "Region of your IAM Identity Center instance."
  type        = string
  default     = "us-east-1"
}
