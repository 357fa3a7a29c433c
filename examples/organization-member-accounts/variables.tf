variable "external_id" {
  description = "External ID from ConductorOne's AWS connector settings (\"External ID\"). Pass it as TF_VAR_external_id, not on the command line."
  type        = string
  sensitive   = true
}

variable "region" {
  description = "Region for the AWS provider and the StackSet's instances. IAM is global: one region is enough."
  type        = string
  default     = "us-east-1"
}

variable "organizational_unit_ids" {
  description = "OUs (ou-...) whose accounts get the member role; null = the organization's root, i.e. every member account."
  type        = list(string)
  default     = null
}

variable "excluded_account_ids" {
  description = "Member accounts of those OUs that must not get the member role (12-digit ids)."
  type        = list(string)
  default     = []
}

variable "member_role_name" {
  description = "Name of the member role; null = the module's default. Type the member_accounts output's iam_assume_role_name into ConductorOne."
  type        = string
  default     = null
}
