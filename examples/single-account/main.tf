provider "aws" {
  region = var.region
}

# IAM sync only: the smallest role ConductorOne can use.
module "conductorone_role" {
  source = "../../modules/conductorone-aws-role"

  external_id = var.external_id

  tags = {
    ManagedBy = "terraform"
  }
}
