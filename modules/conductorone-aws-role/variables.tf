# Rules and messages come from grammar.json (local.rules), shared with the CDKTF construct and the connector.
# The defaults here are the only ones: defaults.json, which the CDKTF construct and the connector read, is generated
# from this file (`npm run generate:defaults`), and so are the README's tables (`npm run generate:docs`).
# nullable = false with a default: an explicit null means the default.
# Terraform 1.11 does not short-circuit `||`, so null guards use the conditional operator.

################################################################################
# Trust
################################################################################

variable "external_id" {
  description = "External ID shown in ConductorOne's AWS connector settings (\"External ID\"). The trust policy requires it on every sts:AssumeRole."
  type        = string
  sensitive   = true
  nullable    = false
  # Checked by a precondition of the role (main.tf), not a validation: Terraform 1.11 prints a sensitive variable's
  # value in a failed validation's diagnostic, not in a precondition's.
}

variable "additional_external_ids" {
  description = "More external IDs the trust policy accepts besides external_id, to rotate the external ID without downtime: add the new one here, switch ConductorOne, then make it external_id."
  type        = list(string)
  default     = []
  sensitive   = true
  nullable    = false
  # Checked by a precondition of the role, like external_id.
}

variable "trusted_principal_arn" {
  description = "The ConductorOne principal allowed to assume the role. The default is ConductorOne's service role in the aws partition; GovCloud and China need ConductorOne's principal for that partition."
  type        = string
  default     = "arn:aws:iam::765656841499:role/ConductorOneService"
  nullable    = false

  validation {
    condition     = length(var.trusted_principal_arn) >= local.rules.trusted_principal_arn.min_length && length(var.trusted_principal_arn) <= local.rules.trusted_principal_arn.max_length && can(regex(local.rules.trusted_principal_arn.pattern, var.trusted_principal_arn))
    error_message = "trusted_principal_arn ${local.rules.trusted_principal_arn.rule}."
  }
}

################################################################################
# Role
################################################################################

variable "role_name" {
  description = "Name of the IAM role (entered in ConductorOne as part of the role ARN)."
  type        = string
  default     = "ConductorOneIntegration"
  nullable    = false

  validation {
    condition     = length(var.role_name) >= local.rules.role_name.min_length && length(var.role_name) <= local.rules.role_name.max_length && can(regex(local.rules.role_name.pattern, var.role_name))
    error_message = "role_name ${local.rules.role_name.rule}."
  }
}

variable "role_path" {
  description = "Path of the IAM role, e.g. \"/integrations/\"."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.role_path) >= local.rules.role_path.min_length && length(var.role_path) <= local.rules.role_path.max_length && can(regex(local.rules.role_path.pattern, var.role_path))
    error_message = "role_path ${local.rules.role_path.rule}."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy to set as the role's permissions boundary, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null ? true : (length(var.permissions_boundary_arn) >= local.rules.policy_arn.min_length && length(var.permissions_boundary_arn) <= local.rules.policy_arn.max_length && can(regex(local.rules.policy_arn.pattern, var.permissions_boundary_arn)))
    error_message = "permissions_boundary_arn ${local.rules.policy_arn.rule}."
  }
}

variable "max_session_duration" {
  description = "Maximum session duration of the role, in seconds."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= local.numbers.max_session_duration.min && var.max_session_duration <= local.numbers.max_session_duration.max && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration ${local.numbers.max_session_duration.rule}."
  }
}

variable "tags" {
  description = "Tags of the IAM role."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Capabilities
################################################################################

variable "enable_organizations" {
  description = "Let ConductorOne list the organization's accounts. The role must then be in the organization's management account (checked at plan)."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_identity_center" {
  description = "Let ConductorOne sync IAM Identity Center users, groups, permission sets and assignments. Requires enable_organizations."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.enable_identity_center ? var.enable_organizations : true
    error_message = "enable_identity_center requires enable_organizations = true: Identity Center is read through the organization's management account. Set enable_organizations = true (and create the role in the management account) or enable_identity_center = false."
  }
}

variable "identity_center_region" {
  description = "Region of the IAM Identity Center instance, to enter in ConductorOne's settings (the role itself is global)."
  type        = string
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = length(var.identity_center_region) >= local.rules.region.min_length && length(var.identity_center_region) <= local.rules.region.max_length && can(regex(local.rules.region.pattern, var.identity_center_region))
    error_message = "identity_center_region ${local.rules.region.rule}."
  }
}

variable "enable_provisioning" {
  description = "Let ConductorOne change access: IAM group memberships (scoped by provisioning_group_arns / provisioning_group_path) and, with enable_identity_center, Identity Center group memberships and permission-set assignments."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Provisioning scope (privilege-escalation guard)
################################################################################

variable "provisioning_group_arns" {
  description = "IAM groups ConductorOne may add users to and remove them from. Empty: every group under provisioning_group_path. Keep admin groups out of this scope."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for v in var.provisioning_group_arns : length(v) >= local.rules.group_arn.min_length && length(v) <= local.rules.group_arn.max_length && can(regex(local.rules.group_arn.pattern, v))])
    error_message = "Each provisioning_group_arns entry ${local.rules.group_arn.rule}."
  }

  validation {
    condition     = length(var.provisioning_group_arns) == 0 ? true : var.provisioning_group_path == "/"
    error_message = "provisioning_group_arns and provisioning_group_path are alternatives: list the groups, or give the path of the groups, not both."
  }
}

variable "provisioning_group_path" {
  description = "When provisioning_group_arns is empty, ConductorOne may manage the membership of the IAM groups under this path only, e.g. \"/conductorone/\". The default \"/\" covers every group of the account."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.provisioning_group_path) >= local.rules.group_path.min_length && length(var.provisioning_group_path) <= local.rules.group_path.max_length && can(regex(local.rules.group_path.pattern, var.provisioning_group_path))
    error_message = "provisioning_group_path ${local.rules.group_path.rule}."
  }
}

################################################################################
# Validation step (c1-aws validate / sync after every change of the role)
################################################################################

variable "sync_step" {
  description = "What runs after the role and its policies change: \"validate\" (c1-aws validate with the deployer's credentials), \"sync\" (validate, then c1-aws sync --output sync_snapshot_path) or \"off\"."
  type        = string
  default     = "validate"
  nullable    = false

  validation {
    condition     = contains(["off", "validate", "sync"], var.sync_step)
    error_message = "sync_step must be \"off\", \"validate\" or \"sync\"."
  }
}

variable "sync_snapshot_path" {
  description = "File the sync step writes its snapshot to (sync_step = \"sync\"); a relative path is relative to the root module (path.root)."
  type        = string
  default     = "conductorone-snapshot.json"
  nullable    = false
}

variable "connector_command" {
  description = "The c1-aws CLI as an argv list, run without a shell with the argument \"step\" added: [\"c1-aws\"] for a CLI on PATH, or [\"node\", \"/opt/c1-aws/connector/bin/c1-aws.js\"]. null: [\"node\", \"<root>/connector/bin/c1-aws.js\"], the CLI beside the module, when the module is used where it lies in this repository or in the npm package (node_modules/@c1-aws-kit/conductorone-aws-role); else (a copy, or a git or registry source Terraform downloaded) the step is off: see the sync_step_status output."
  type        = list(string)
  default     = null

  validation {
    condition     = var.connector_command == null ? true : (length(var.connector_command) > 0 && alltrue([for a in var.connector_command : length(a) > 0]))
    error_message = "connector_command must be null or a non-empty list of non-empty strings: the program, then its arguments (e.g. [\"c1-aws\"] or [\"node\", \"/opt/c1-aws/connector/bin/c1-aws.js\"]); it runs without a shell."
  }
}

variable "sync_assume_role" {
  description = "Let the step assume the role with the external ID (validate --assume; sync as the role) instead of using the deployer's own credentials. The external ID then reaches the step's environment, so Terraform hides the step's output: read the report file named by the sync_report_path output."
  type        = bool
  default     = false
  nullable    = false
}
