terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "../../../../terraform.conductorone-aws-management.tfstate"
  }


}

variable "region" {
  description = "Region of the AWS provider; null = from the environment (AWS_REGION, profile). IAM itself is global."
  type        = string
  nullable    = true
  default     = null
}

provider "aws" {
  region = var.region
}

variable "external_id" {
  description = "External ID shown in ConductorOne's AWS connector settings (\"External ID\"). The trust policy requires it on every sts:AssumeRole."
  type        = string
  sensitive   = true
}

variable "additional_external_ids" {
  description = "More external IDs the trust policy accepts besides external_id, to rotate the external ID without downtime: add the new one here, switch ConductorOne, then make it external_id."
  type        = list(string)
  sensitive   = true
  default = [
  ]
}

variable "trusted_principal_arn" {
  description = "The ConductorOne principal allowed to assume the role. The default is ConductorOne's service role in the aws partition; GovCloud and China need ConductorOne's principal for that partition."
  type        = string
  default     = "arn:aws:iam::765656841499:role/ConductorOneService"
}

variable "role_name" {
  description = "Name of the IAM role (entered in ConductorOne as part of the role ARN)."
  type        = string
  default     = "ConductorOneIntegration"
}

variable "role_path" {
  description = "Path of the IAM role, e.g. \"/integrations/\"."
  type        = string
  default     = "/"
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy to set as the role's permissions boundary, or null for none."
  type        = string
  default     = null
}

variable "max_session_duration" {
  description = "Maximum session duration of the role, in seconds."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags of the IAM role."
  type        = map(string)
  default = {
  }
}

variable "identity_center_region" {
  description = "Region of the IAM Identity Center instance, to enter in ConductorOne's settings (the role itself is global)."
  type        = string
  default     = "us-east-1"
}

variable "enable_provisioning" {
  description = "Let ConductorOne change access: IAM group memberships (scoped by provisioning_group_arns / provisioning_group_path) and, with enable_identity_center, Identity Center group memberships and permission-set assignments."
  type        = bool
  default     = false
}

variable "provisioning_group_arns" {
  description = "IAM groups ConductorOne may add users to and remove them from. Empty: every group under provisioning_group_path. Keep admin groups out of this scope."
  type        = list(string)
  default = [
  ]
}

variable "provisioning_group_path" {
  description = "When provisioning_group_arns is empty, ConductorOne may manage the membership of the IAM groups under this path only, e.g. \"/conductorone/\". The default \"/\" covers every group of the account."
  type        = string
  default     = "/"
}

variable "sync_step" {
  description = "What runs after the role and its policies change: \"validate\" (c1-aws validate with the deployer's credentials), \"sync\" (validate, then c1-aws sync --output sync_snapshot_path) or \"off\"."
  type        = string
  default     = "validate"
}

variable "sync_snapshot_path" {
  description = "File the sync step writes its snapshot to (sync_step = \"sync\"); a relative path is relative to the root module (path.root)."
  type        = string
  default     = "conductorone-snapshot.json"
}

variable "connector_command" {
  description = "The c1-aws CLI as an argv list, run without a shell with the argument \"step\" added: [\"c1-aws\"] for a CLI on PATH, or [\"node\", \"/opt/c1-aws/connector/bin/c1-aws.js\"]. null: [\"node\", \"<root>/connector/bin/c1-aws.js\"], the CLI beside the module, when the module is used where it lies in this repository or in the npm package (node_modules/@c1-aws-kit/conductorone-aws-role); else (a copy, or a git or registry source Terraform downloaded) the step is off: see the sync_step_status output."
  type        = list(string)
  default     = null
}

variable "sync_assume_role" {
  description = "Let the step assume the role with the external ID (validate --assume; sync as the role) instead of using the deployer's own credentials. The external ID then reaches the step's environment, so Terraform hides the step's output: read the report file named by the sync_report_path output."
  type        = bool
  default     = false
}
module "conductorone_aws_role" {
  additional_external_ids  = var.additional_external_ids
  connector_command        = var.connector_command
  enable_identity_center   = true
  enable_organizations     = true
  enable_provisioning      = var.enable_provisioning
  external_id              = var.external_id
  identity_center_region   = var.identity_center_region
  max_session_duration     = var.max_session_duration
  permissions_boundary_arn = var.permissions_boundary_arn
  provisioning_group_arns  = var.provisioning_group_arns
  provisioning_group_path  = var.provisioning_group_path
  role_name                = var.role_name
  role_path                = var.role_path
  sync_assume_role         = var.sync_assume_role
  sync_snapshot_path       = var.sync_snapshot_path
  sync_step                = var.sync_step
  tags                     = var.tags
  trusted_principal_arn    = var.trusted_principal_arn
  source                   = "../../../../modules/conductorone-aws-role"
}

output "role_arn" {
  value       = module.conductorone_aws_role.role_arn
  description = "ARN of the role: enter it in ConductorOne's AWS connector settings (\"Role ARN\")."
  sensitive   = false
}

output "role_name" {
  value       = module.conductorone_aws_role.role_name
  description = "Name of the role."
  sensitive   = false
}

output "role_unique_id" {
  value       = module.conductorone_aws_role.role_unique_id
  description = "Stable unique ID of the role (changes if the role is recreated)."
  sensitive   = false
}

output "external_id" {
  value       = module.conductorone_aws_role.external_id
  description = "The external ID the trust policy requires (sensitive)."
  sensitive   = true
}

output "enabled_capabilities" {
  value       = module.conductorone_aws_role.enabled_capabilities
  description = "Sorted ids of the enabled capabilities (policies/capabilities.json)."
  sensitive   = false
}

output "inline_policy_names" {
  value       = module.conductorone_aws_role.inline_policy_names
  description = "Names of the role's inline policies, one per enabled capability, in capability id order."
  sensitive   = false
}

output "conductorone_settings" {
  value       = module.conductorone_aws_role.conductorone_settings
  description = "What to enter in ConductorOne's AWS connector settings, keyed as conductorone_integration_aws_v2's arguments."
  sensitive   = false
}

output "sync_step_status" {
  value       = module.conductorone_aws_role.sync_step_status
  description = "What the validation step does after each change of the role, or why it is off."
  sensitive   = false
}

output "sync_snapshot_path" {
  value       = module.conductorone_aws_role.sync_snapshot_path
  description = "Absolute path of the snapshot the sync step writes (sync_step = \"sync\"), else \"\" (not null: Terraform drops null outputs from state and cdktf 0.21 then fails printing them)."
  sensitive   = false
}

output "sync_report_path" {
  value       = module.conductorone_aws_role.sync_report_path
  description = "With sync_assume_role, the file the step writes its validate report (and sync summary) to, since Terraform hides the step's output; else \"\"."
  sensitive   = false
}