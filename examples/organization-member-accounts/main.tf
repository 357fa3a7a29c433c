# Run with credentials of the organization's management account. The organization needs all features and trusted
# access for CloudFormation StackSets (CloudFormation console > StackSets > "Activate trusted access", or
# `aws cloudformation activate-organizations-access`): the plan stops with that message otherwise.
provider "aws" {
  region = var.region
}

module "conductorone_role" {
  source = "../../modules/conductorone-aws-role"

  external_id          = var.external_id
  enable_organizations = true

  # A read-only member role in every targeted member account, through a service-managed StackSet: accounts created
  # or moved into a targeted OU later get it without a Terraform run.
  enable_member_accounts = true
  member_role_name       = var.member_role_name
  member_account_targets = {
    organizational_unit_ids = var.organizational_unit_ids
    account_ids             = length(var.excluded_account_ids) > 0 ? var.excluded_account_ids : null
    account_filter_type     = length(var.excluded_account_ids) > 0 ? "DIFFERENCE" : "NONE"
  }

  tags = {
    ManagedBy = "terraform"
  }
}
