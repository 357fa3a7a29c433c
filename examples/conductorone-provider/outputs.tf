output "role_arn" {
  description = "ARN of the role ConductorOne assumes."
  value       = module.conductorone_role.role_arn
}

output "integration_id" {
  description = "ID of the ConductorOne AWS v2 integration."
  value       = conductorone_integration_aws_v2.this.id
}
