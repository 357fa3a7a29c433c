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

variable "enable_policy_sync" {
  description = "Let ConductorOne read managed and inline policies and who holds them (its connector's iam_policy and inline_policy resource types). Read-only: no attach or detach."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_access_key_sync" {
  description = "Let ConductorOne read IAM users' access keys: status and last use (its connector's access-key type, the \"sync secrets\" setting). Never the secret key."
  type        = bool
  default     = false
  nullable    = false
}

variable "enable_permission_set_sync" {
  description = "Let ConductorOne read Identity Center permission sets with their managed and inline policies (its connector's permission_set and permission_set_assignment types). Requires enable_identity_center."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.enable_permission_set_sync ? var.enable_identity_center : true
    error_message = "enable_permission_set_sync requires enable_identity_center = true: permission sets are Identity Center's. Set enable_identity_center = true or enable_permission_set_sync = false."
  }
}

variable "enable_organization_hierarchy_sync" {
  description = "Let ConductorOne read the organization's root and OUs and which OU holds each account (its connector's organization and organizational_unit types). Requires enable_organizations."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.enable_organization_hierarchy_sync ? var.enable_organizations : true
    error_message = "enable_organization_hierarchy_sync requires enable_organizations = true: the hierarchy is read through the organization's management account. Set enable_organizations = true or enable_organization_hierarchy_sync = false."
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
# Member accounts (a read-only member role in every targeted account, through a CloudFormation StackSet)
################################################################################

variable "enable_member_accounts" {
  description = "Put a member role into every targeted member account of the organization (a service-managed CloudFormation StackSet with auto-deployment: new accounts in a targeted OU get it too) and let this role assume it, so ConductorOne reads each member account's IAM. Requires enable_organizations and trusted access for CloudFormation StackSets in the organization (checked at plan). Type the member_accounts output's iam_assume_role_name into ConductorOne's \"IAM assume role name\" setting."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.enable_member_accounts ? var.enable_organizations : true
    error_message = "enable_member_accounts requires enable_organizations = true: the member roles are deployed through the organization from its management account. Set enable_organizations = true (and create the role in the management account) or enable_member_accounts = false."
  }
}

variable "enable_member_provisioning" {
  description = "Let ConductorOne change IAM group memberships in the member accounts too: the member role gets the IAM group provisioning policy, scoped by provisioning_group_path (group ARNs are per account, so provisioning_group_arns cannot scope it). Requires enable_member_accounts and enable_provisioning."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = var.enable_member_provisioning ? (var.enable_member_accounts ? var.enable_provisioning : false) : true
    error_message = "enable_member_provisioning requires enable_member_accounts = true and enable_provisioning = true. Set both, or enable_member_provisioning = false."
  }

  validation {
    condition     = var.enable_member_provisioning ? length(var.provisioning_group_arns) == 0 : true
    error_message = "enable_member_provisioning scopes the member accounts' groups by provisioning_group_path only: a group ARN names one account, so provisioning_group_arns cannot scope groups in every member account. Give the groups a common path and set provisioning_group_path (e.g. \"/conductorone/\") instead of provisioning_group_arns, or set enable_member_provisioning = false."
  }
}

variable "member_role_name" {
  description = "Name of the role the StackSet creates in each member account. ConductorOne assumes it by the name in its \"IAM assume role name\" setting (the member_accounts output's iam_assume_role_name)."
  type        = string
  default     = "ConductorOneMemberAccess"
  nullable    = false

  validation {
    condition     = length(var.member_role_name) >= local.rules.role_name.min_length && length(var.member_role_name) <= local.rules.role_name.max_length && can(regex(local.rules.role_name.pattern, var.member_role_name))
    error_message = "member_role_name ${local.rules.role_name.rule}."
  }
}

variable "member_role_path" {
  description = "Path of the member role, e.g. \"/conductorone/\". ConductorOne's setting then holds the path without its leading slash in front of the name (conductorone/ConductorOneMemberAccess): the member_accounts output's iam_assume_role_name."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    # The group-path rule: the path lands in the management role's sts:AssumeRole Resource, where *, ? and $ would be
    # wildcards and policy variables (any role of that name at any path).
    condition     = length(var.member_role_path) >= local.rules.group_path.min_length && length(var.member_role_path) <= local.rules.group_path.max_length && can(regex(local.rules.group_path.pattern, var.member_role_path))
    error_message = "member_role_path ${local.rules.group_path.rule}."
  }
}

variable "member_account_targets" {
  description = "Where the StackSet deploys the member role. organizational_unit_ids: OU ids (ou-...) or the root id (r-...); left out = the organization's root, i.e. every member account. account_ids with account_filter_type \"INTERSECTION\" (only these accounts of the OUs) or \"DIFFERENCE\" (every account of the OUs but these); account_filter_type \"NONE\" (the default) takes no account_ids. The management account never gets a stack instance: this role covers it."
  # One line with commas: the stacks copy the type expression as written (interface.json).
  type     = object({ organizational_unit_ids = optional(list(string)), account_ids = optional(list(string)), account_filter_type = optional(string, "NONE") })
  default  = {}
  nullable = false

  validation {
    condition     = var.member_account_targets.organizational_unit_ids == null ? true : length(var.member_account_targets.organizational_unit_ids) > 0
    error_message = "member_account_targets.organizational_unit_ids is an empty list, which would target no account: list OU ids (ou-...) or the root id (r-...), or leave it out to target the whole organization (its root)."
  }

  validation {
    condition     = alltrue([for v in coalesce(var.member_account_targets.organizational_unit_ids, []) : length(v) >= local.rules.organizational_unit_id.min_length && length(v) <= local.rules.organizational_unit_id.max_length && can(regex(local.rules.organizational_unit_id.pattern, v))])
    error_message = "Each member_account_targets.organizational_unit_ids entry ${local.rules.organizational_unit_id.rule}."
  }

  validation {
    condition     = var.member_account_targets.organizational_unit_ids == null ? true : length(distinct(var.member_account_targets.organizational_unit_ids)) == length(var.member_account_targets.organizational_unit_ids)
    error_message = "member_account_targets.organizational_unit_ids lists an OU more than once: list each OU once."
  }

  validation {
    condition     = var.member_account_targets.organizational_unit_ids == null ? true : (length(var.member_account_targets.organizational_unit_ids) == 1 ? true : length([for v in var.member_account_targets.organizational_unit_ids : v if startswith(v, "r-")]) == 0)
    error_message = "member_account_targets.organizational_unit_ids lists the root (r-...) with other OUs: the root already covers every OU, and a second deployment target would deploy into the same accounts again. List the root alone, or only OUs."
  }

  validation {
    condition     = alltrue([for v in coalesce(var.member_account_targets.account_ids, []) : length(v) >= local.rules.account_id.min_length && length(v) <= local.rules.account_id.max_length && can(regex(local.rules.account_id.pattern, v))])
    error_message = "Each member_account_targets.account_ids entry ${local.rules.account_id.rule}."
  }

  validation {
    condition     = var.member_account_targets.account_ids == null ? true : length(distinct(var.member_account_targets.account_ids)) == length(var.member_account_targets.account_ids)
    error_message = "member_account_targets.account_ids lists an account more than once: list each account once."
  }

  validation {
    condition     = contains(["NONE", "INTERSECTION", "DIFFERENCE"], var.member_account_targets.account_filter_type)
    error_message = "member_account_targets.account_filter_type must be \"NONE\" (every account of the OUs), \"INTERSECTION\" (only account_ids) or \"DIFFERENCE\" (all but account_ids)."
  }

  validation {
    condition     = var.member_account_targets.account_filter_type == "NONE" ? var.member_account_targets.account_ids == null : length(coalesce(var.member_account_targets.account_ids, [])) > 0
    error_message = "member_account_targets.account_ids and account_filter_type go together: with account_filter_type \"INTERSECTION\" or \"DIFFERENCE\" list at least one account id; with \"NONE\" (the default) leave account_ids out."
  }
}

variable "member_stack_set_name" {
  description = "Name of the CloudFormation StackSet that deploys the member role."
  type        = string
  default     = "ConductorOneMemberAccess"
  nullable    = false

  validation {
    condition     = length(var.member_stack_set_name) >= local.rules.stack_set_name.min_length && length(var.member_stack_set_name) <= local.rules.stack_set_name.max_length && can(regex(local.rules.stack_set_name.pattern, var.member_stack_set_name))
    error_message = "member_stack_set_name ${local.rules.stack_set_name.rule}."
  }
}

variable "member_stack_set_operation_preferences" {
  description = "How the StackSet rolls the member role out. The defaults suit organizations of hundreds of accounts: every account at once (max_concurrent_percentage 100), regions in parallel, and an account that fails does not stop the others (failure_tolerance_percentage 90; concurrency_mode SOFT_FAILURE_TOLERANCE, used when instances are created, keeps failures from lowering the concurrency)."
  type        = object({ failure_tolerance_percentage = optional(number, 90), max_concurrent_percentage = optional(number, 100), region_concurrency_type = optional(string, "PARALLEL"), concurrency_mode = optional(string, "SOFT_FAILURE_TOLERANCE") })
  default     = {}
  nullable    = false

  validation {
    condition     = var.member_stack_set_operation_preferences.failure_tolerance_percentage == null ? false : (var.member_stack_set_operation_preferences.failure_tolerance_percentage >= 0 && var.member_stack_set_operation_preferences.failure_tolerance_percentage <= 100 && floor(var.member_stack_set_operation_preferences.failure_tolerance_percentage) == var.member_stack_set_operation_preferences.failure_tolerance_percentage)
    error_message = "member_stack_set_operation_preferences.failure_tolerance_percentage must be a whole number from 0 to 100."
  }

  validation {
    condition     = var.member_stack_set_operation_preferences.max_concurrent_percentage == null ? false : (var.member_stack_set_operation_preferences.max_concurrent_percentage >= 1 && var.member_stack_set_operation_preferences.max_concurrent_percentage <= 100 && floor(var.member_stack_set_operation_preferences.max_concurrent_percentage) == var.member_stack_set_operation_preferences.max_concurrent_percentage)
    error_message = "member_stack_set_operation_preferences.max_concurrent_percentage must be a whole number from 1 to 100."
  }

  validation {
    condition     = contains(["PARALLEL", "SEQUENTIAL"], coalesce(var.member_stack_set_operation_preferences.region_concurrency_type, "-"))
    error_message = "member_stack_set_operation_preferences.region_concurrency_type must be \"PARALLEL\" or \"SEQUENTIAL\"."
  }

  validation {
    condition     = contains(["SOFT_FAILURE_TOLERANCE", "STRICT_FAILURE_TOLERANCE"], coalesce(var.member_stack_set_operation_preferences.concurrency_mode, "-"))
    error_message = "member_stack_set_operation_preferences.concurrency_mode must be \"SOFT_FAILURE_TOLERANCE\" or \"STRICT_FAILURE_TOLERANCE\"."
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
