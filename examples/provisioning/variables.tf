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

variable "provisioning_group_path" {
  description = "Path of the IAM groups ConductorOne may manage, e.g. \"/conductorone/\"."
  type        = string
  default     = "/conductorone/"
}
