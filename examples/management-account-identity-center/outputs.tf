output "role_arn" {
  description = "Enter this in ConductorOne's AWS connector settings (\"Role ARN\")."
  value       = module.conductorone_role.role_arn
}

output "conductorone_settings" {
  description = "The values to enter in ConductorOne: role ARN, Organizations and Identity Center switches, Identity Center region."
  value       = module.conductorone_role.conductorone_settings
}
