terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "../../../../terraform.conductorone-aws.tfstate"
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

variable "enable_policy_sync" {
  description = "Let ConductorOne read managed and inline policies and who holds them (its connector's iam_policy and inline_policy resource types). Read-only: no attach or detach."
  type        = bool
  default     = false
}

variable "enable_access_key_sync" {
  description = "Let ConductorOne read IAM users' access keys: status and last use (its connector's access-key type, the \"sync secrets\" setting). Never the secret key."
  type        = bool
  default     = false
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

variable "member_role_name" {
  description = "Name of the role the StackSet creates in each member account. ConductorOne assumes it by the name in its \"IAM assume role name\" setting (the member_accounts output's iam_assume_role_name)."
  type        = string
  default     = "ConductorOneMemberAccess"
}

variable "member_role_path" {
  description = "Path of the member role, e.g. \"/conductorone/\". ConductorOne's setting then holds the path without its leading slash in front of the name (conductorone/ConductorOneMemberAccess): the member_accounts output's iam_assume_role_name."
  type        = string
  default     = "/"
}

variable "member_account_targets" {
  description = "Where the StackSet deploys the member role. organizational_unit_ids: OU ids (ou-...) or the root id (r-...); left out = the organization's root, i.e. every member account. account_ids with account_filter_type \"INTERSECTION\" (only these accounts of the OUs) or \"DIFFERENCE\" (every account of the OUs but these); account_filter_type \"NONE\" (the default) takes no account_ids. The management account never gets a stack instance: this role covers it."
  type        = object({ organizational_unit_ids = optional(list(string)), account_ids = optional(list(string)), account_filter_type = optional(string, "NONE") })
  default = {
    account_filter_type = "NONE"
  }
}

variable "member_stack_set_name" {
  description = "Name of the CloudFormation StackSet that deploys the member role."
  type        = string
  default     = "ConductorOneMemberAccess"
}

variable "member_stack_set_operation_preferences" {
  description = "How the StackSet rolls the member role out. The defaults suit organizations of hundreds of accounts: every account at once (max_concurrent_percentage 100), regions in parallel, and an account that fails does not stop the others (failure_tolerance_percentage 90; concurrency_mode SOFT_FAILURE_TOLERANCE, used when instances are created, keeps failures from lowering the concurrency)."
  type        = object({ failure_tolerance_percentage = optional(number, 90), max_concurrent_percentage = optional(number, 100), region_concurrency_type = optional(string, "PARALLEL"), concurrency_mode = optional(string, "SOFT_FAILURE_TOLERANCE") })
  default = {
    concurrency_mode             = "SOFT_FAILURE_TOLERANCE"
    failure_tolerance_percentage = 90
    max_concurrent_percentage    = 100
    region_concurrency_type      = "PARALLEL"
  }
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
  additional_external_ids                = var.additional_external_ids
  connector_command                      = var.connector_command
  enable_access_key_sync                 = var.enable_access_key_sync
  enable_identity_center                 = false
  enable_member_accounts                 = false
  enable_member_provisioning             = false
  enable_organization_hierarchy_sync     = false
  enable_organizations                   = false
  enable_permission_set_sync             = false
  enable_policy_sync                     = var.enable_policy_sync
  enable_provisioning                    = var.enable_provisioning
  external_id                            = var.external_id
  identity_center_region                 = var.identity_center_region
  max_session_duration                   = var.max_session_duration
  member_account_targets                 = var.member_account_targets
  member_role_name                       = var.member_role_name
  member_role_path                       = var.member_role_path
  member_stack_set_name                  = var.member_stack_set_name
  member_stack_set_operation_preferences = var.member_stack_set_operation_preferences
  permissions_boundary_arn               = var.permissions_boundary_arn
  provisioning_group_arns                = var.provisioning_group_arns
  provisioning_group_path                = var.provisioning_group_path
  role_name                              = var.role_name
  role_path                              = var.role_path
  sync_assume_role                       = var.sync_assume_role
  sync_snapshot_path                     = var.sync_snapshot_path
  sync_step                              = var.sync_step
  tags                                   = var.tags
  trusted_principal_arn                  = var.trusted_principal_arn
  source                                 = "../../../../modules/conductorone-aws-role"
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

output "member_accounts" {
  value       = module.conductorone_aws_role.member_accounts
  description = "The member-account roles (enable_member_accounts). iam_assume_role_name is what to type into ConductorOne's AWS v2 connector setting \"IAM assume role name (child IAM accounts)\" (the provider cannot set it). organizational_unit_ids are the StackSet's deployment targets (the root's id when member_account_targets names none). Empty strings and lists when off (not null: cdktf 0.21 cannot print null outputs)."
  sensitive   = false
}