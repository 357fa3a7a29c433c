provider "aws" {
  region = var.region
}

# Credentials from the environment: CONDUCTORONE_CLIENT_ID and CONDUCTORONE_CLIENT_SECRET.
provider "conductorone" {
  server_url = var.conductorone_server_url
}

# The tenant's external ID, read from ConductorOne instead of copied by hand.
data "conductorone_aws_external_id" "this" {}

module "conductorone_role" {
  source = "../../modules/conductorone-aws-role"

  external_id            = data.conductorone_aws_external_id.this.external_id
  enable_organizations   = var.enable_organizations
  enable_identity_center = var.enable_identity_center
  identity_center_region = var.identity_center_region
}

resource "conductorone_integration_aws_v2" "this" {
  app_id   = var.app_id
  user_ids = var.owner_user_ids

  aws_role_arn    = module.conductorone_role.role_arn
  aws_orgs_enable = var.enable_organizations
  aws_sso_enable  = var.enable_identity_center
  aws_sso_region  = var.enable_identity_center ? var.identity_center_region : null

  # Save the integration only once every inline policy is on the role: ConductorOne checks the role when saving.
  depends_on = [module.conductorone_role]
}
