# Run with credentials of the organization's management account: with enable_organizations the plan fails in a
# member account (ConductorOne would answer 400 when the integration is saved).
provider "aws" {
  region = var.region
}

module "conductorone_role" {
  source = "../../modules/conductorone-aws-role"

  external_id            = var.external_id
  enable_organizations   = true
  enable_identity_center = true
  identity_center_region = var.identity_center_region

  tags = {
    ManagedBy = "terraform"
  }
}
