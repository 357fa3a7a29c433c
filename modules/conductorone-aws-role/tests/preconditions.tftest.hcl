# Plan-time preconditions: nothing is created when the role could not work.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_organizations_organization" {
    defaults = { id = "o-exampleorgid", master_account_id = "999999999999" }
  }
}

variables {
  external_id = "c1-external-id-0123456789abcdef0123456789"
}

# ConductorOne answers 400 when Organizations is on and the role is in a member account.
run "organizations_in_member_account_fails" {
  command = plan
  variables {
    enable_organizations = true
  }
  expect_failures = [aws_iam_role.this]
}

run "organizations_in_management_account_passes" {
  command = plan
  variables {
    enable_organizations = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { master_account_id = "111111111111" }
  }
  assert {
    condition     = contains(output.enabled_capabilities, "organizations_sync")
    error_message = "In the management account the plan goes through."
  }
}

# Without Organizations, a member account is fine and the organization is never read.
run "member_account_without_organizations_passes" {
  command = plan
  assert {
    condition     = length(data.aws_organizations_organization.this) == 0
    error_message = "The organization is not read."
  }
}

run "cross_partition_principal_fails" {
  command = plan
  variables {
    trusted_principal_arn = "arn:aws-us-gov:iam::123456789012:role/ConductorOneService"
  }
  expect_failures = [aws_iam_role.this]
}

run "group_of_another_account_fails" {
  command = plan
  variables {
    enable_provisioning     = true
    provisioning_group_arns = ["arn:aws:iam::222222222222:group/Engineers"]
  }
  expect_failures = [aws_iam_role.this]
}

# 40 long group ARNs push the inline policies over IAM's 10,240-character aggregate quota.
run "inline_policies_over_quota_fail" {
  command = plan
  variables {
    enable_provisioning     = true
    provisioning_group_arns = [for i in range(40) : format("arn:aws:iam::111111111111:group/%s-%03d", join("", [for j in range(250) : "g"]), i)]
  }
  expect_failures = [aws_iam_role_policies_exclusive.this]
}
