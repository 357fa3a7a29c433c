variable "external_id" {
  description = "External ID from ConductorOne's AWS connector settings (\"External ID\"). Pass it as TF_VAR_external_id, not on the command line."
  type        = string
  sensitive   = true
}

variable "region" {
  description = "Region for the AWS provider. IAM is global; this only picks the API endpoint."
  type        = string
  default     = "us-east-1"
}

variable "identity_center_region" {
  description = "Region of your IAM Identity Center instance."
  type        = string
  default     = "us-east-1"
}
