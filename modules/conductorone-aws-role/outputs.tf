output "role_arn" {
  description = "ARN of the role: enter it in ConductorOne's AWS connector settings (\"Role ARN\")."
  value       = try(aws_iam_role.this.arn, null)
}

output "role_name" {
  description = "Name of the role."
  value       = try(aws_iam_role.this.name, null)
}

output "role_unique_id" {
  description = "Stable unique ID of the role (changes if the role is recreated)."
  value       = try(aws_iam_role.this.unique_id, null)
}

output "external_id" {
  description = "The external ID the trust policy requires (sensitive)."
  value       = var.external_id
  sensitive   = true
}

output "enabled_capabilities" {
  description = "Sorted ids of the enabled capabilities (policies/capabilities.json)."
  value       = sort(keys(local.enabled_capabilities))
}

output "inline_policy_names" {
  description = "Names of the role's inline policies, one per enabled capability, in capability id order."
  value       = tolist([for id in sort(keys(aws_iam_role_policy.this)) : aws_iam_role_policy.this[id].name])
}

output "conductorone_settings" {
  description = "What to enter in ConductorOne's AWS connector settings, keyed as conductorone_integration_aws_v2's arguments."
  value = {
    aws_role_arn    = try(aws_iam_role.this.arn, null)
    aws_orgs_enable = var.enable_organizations
    aws_sso_enable  = var.enable_identity_center
    aws_sso_region  = var.enable_identity_center ? var.identity_center_region : null
  }
}

output "sync_step_status" {
  description = "What the validation step does after each change of the role, or why it is off."
  value = (
    var.sync_step == "off" ? "off: sync_step = \"off\"" :
    local.connector_argv == null ? (local.module_downloaded ? "off: connector_command is null and this module is a copy Terraform downloaded (${abspath(path.module)}), which has no installed CLI; set connector_command to the installed CLI (e.g. [\"c1-aws\"]) or sync_step = \"off\"" : "off: connector_command is null and ${local.bundled_connector} does not exist (the module is not in the c1-aws repository or package); set connector_command to the installed CLI (e.g. [\"c1-aws\"]) or sync_step = \"off\"") :
    format("%s: runs %s (validate%s) %s", var.sync_step, jsonencode(concat(local.connector_argv, ["step"])), var.sync_step == "sync" ? " and sync" : "", var.sync_assume_role ? "assuming the role with the external ID (report in sync_report_path)" : "with the deployer's credentials")
  )
}

output "sync_snapshot_path" {
  description = "Absolute path of the snapshot the sync step writes (sync_step = \"sync\"), else \"\" (not null: Terraform drops null outputs from state and cdktf 0.21 then fails printing them)."
  value       = local.step_enabled && var.sync_step == "sync" ? local.sync_snapshot_path : ""
}

output "sync_report_path" {
  description = "With sync_assume_role, the file the step writes its validate report (and sync summary) to, since Terraform hides the step's output; else \"\"."
  value       = local.step_enabled && var.sync_assume_role ? local.sync_report_path : ""
}

output "member_accounts" {
  description = "The member-account roles (enable_member_accounts). iam_assume_role_name is what to type into ConductorOne's AWS v2 connector setting \"IAM assume role name (child IAM accounts)\" (the provider cannot set it). organizational_unit_ids are the StackSet's deployment targets (the root's id when member_account_targets names none). Empty strings and lists when off (not null: cdktf 0.21 cannot print null outputs)."
  value = {
    enabled                 = var.enable_member_accounts
    iam_assume_role_name    = var.enable_member_accounts ? local.iam_assume_role_name : ""
    role_name               = var.enable_member_accounts ? var.member_role_name : ""
    role_path               = var.enable_member_accounts ? var.member_role_path : ""
    stack_set_name          = var.enable_member_accounts ? var.member_stack_set_name : ""
    organizational_unit_ids = local.member_ou_ids
    account_ids             = var.enable_member_accounts ? coalesce(var.member_account_targets.account_ids, []) : []
  }
}
