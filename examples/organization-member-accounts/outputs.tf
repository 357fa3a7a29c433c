output "role_arn" {
  description = "Enter this in ConductorOne's AWS connector settings (\"Role ARN\")."
  value       = module.conductorone_role.role_arn
}

output "conductorone_settings" {
  description = "The values to enter in ConductorOne: role ARN and the Organizations switch."
  value       = module.conductorone_role.conductorone_settings
}

output "member_accounts" {
  description = "iam_assume_role_name goes into ConductorOne's \"IAM assume role name (child IAM accounts)\" setting; the rest says where the StackSet put the member role."
  value       = module.conductorone_role.member_accounts
}
