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
    aws_sso_region  = var.enable_identity_center ? local.identity_center_region : null
  }
}
