provider "aws" {
  region = var.region
}

# ConductorOne may add users to and remove them from the groups under provisioning_group_path only; keep
# administrator groups outside that path (see the module README, "Provisioning and privilege escalation").
module "conductorone_role" {
  source = "../../modules/conductorone-aws-role"

  external_id             = var.external_id
  enable_provisioning     = true
  provisioning_group_path = var.provisioning_group_path

  tags = {
    ManagedBy = "terraform"
  }
}

# A group ConductorOne can grant: it lives under the scoped path.
resource "aws_iam_group" "engineers" {
  name = "Engineers"
  path = var.provisioning_group_path
}
