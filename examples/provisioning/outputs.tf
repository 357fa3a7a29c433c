output "role_arn" {
  description = "Enter this in ConductorOne's AWS connector settings (\"Role ARN\")."
  value       = module.conductorone_role.role_arn
}

output "enabled_capabilities" {
  description = "Capabilities the role grants."
  value       = module.conductorone_role.enabled_capabilities
}

output "grantable_group_arn" {
  description = "A group inside the provisioning scope."
  value       = aws_iam_group.engineers.arn
}
