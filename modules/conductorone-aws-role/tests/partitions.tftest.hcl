# GovCloud: every ARN the module builds follows data.aws_partition, and the principal must be in that partition.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws-us-gov", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_organizations_organization" {
    defaults = { id = "o-exampleorgid", master_account_id = "111111111111" }
  }
}

variables {
  external_id            = "c1-external-id-0123456789abcdef0123456789"
  trusted_principal_arn  = "arn:aws-us-gov:iam::123456789012:role/ConductorOneService"
  enable_organizations   = true
  enable_identity_center = true
  enable_provisioning    = true
  identity_center_region = "us-gov-west-1"
}

run "govcloud_renders_aws_us_gov_arns" {
  command = plan

  assert {
    condition     = alltrue([for p in aws_iam_role_policy.this : !strcontains(p.policy, "arn:aws:")])
    error_message = "No policy names the aws partition."
  }
  assert {
    condition     = alltrue([for id in ["iam_sync", "identity_center_sync", "identity_center_provisioning", "iam_provisioning"] : strcontains(aws_iam_role_policy.this[id].policy, "arn:aws-us-gov:")])
    error_message = "Every policy with ARNs uses the aws-us-gov partition."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Resource == ["arn:aws-us-gov:iam::111111111111:group/*"]
    error_message = "The IAM group scope is built in the role's partition."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.AWS == "arn:aws-us-gov:iam::123456789012:role/ConductorOneService"
    error_message = "The trust policy names the GovCloud principal."
  }
}

run "govcloud_with_default_principal_fails" {
  command = plan
  variables {
    trusted_principal_arn = null
  }
  expect_failures = [aws_iam_role.this]
}

run "group_of_another_partition_fails" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/Engineers"]
  }
  expect_failures = [aws_iam_role.this]
}
