# enable_member_accounts: the StackSet that puts the member role into the targeted member accounts, the member role's
# template (trust and policies from the capability documents), the management role's member_accounts_access policy,
# and the plan-time refusals. Offline: mock_provider, no credentials. test/e2e/member-accounts-apply.test.ts applies
# the example against moto.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  # The management account of an organization with all features and trusted access for StackSets.
  mock_data "aws_organizations_organization" {
    defaults = {
      id                            = "o-exampleorgid"
      master_account_id             = "111111111111"
      feature_set                   = "ALL"
      aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"]
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
  }
}

variables {
  external_id          = "c1-external-id-0123456789abcdef0123456789"
  enable_organizations = true
  sync_step            = "off"
}

run "off_by_default" {
  command = plan
  variables {
    enable_organizations = false
  }
  assert {
    condition     = length(aws_cloudformation_stack_set.member) == 0 && length(aws_cloudformation_stack_set_instance.member) == 0
    error_message = "No StackSet unless asked."
  }
  assert {
    condition     = !contains(output.enabled_capabilities, "member_accounts_access")
    error_message = "The management role may assume no member role unless asked."
  }
  assert {
    condition     = jsonencode(output.member_accounts) == jsonencode({ enabled = false, iam_assume_role_name = "", role_name = "", role_path = "", stack_set_name = "", organizational_unit_ids = [], account_ids = [] })
    error_message = "The output is null-free when off."
  }
}

run "whole_organization_by_default" {
  command = plan
  variables {
    enable_member_accounts = true
  }
  assert {
    condition     = aws_cloudformation_stack_set.member[0].permission_model == "SERVICE_MANAGED" && aws_cloudformation_stack_set.member[0].capabilities == toset(["CAPABILITY_NAMED_IAM"]) && aws_cloudformation_stack_set.member[0].name == "ConductorOneMemberAccess"
    error_message = "A service-managed StackSet that may name IAM roles."
  }
  assert {
    condition     = aws_cloudformation_stack_set.member[0].auto_deployment[0].enabled && !aws_cloudformation_stack_set.member[0].auto_deployment[0].retain_stacks_on_account_removal && aws_cloudformation_stack_set.member[0].managed_execution[0].active
    error_message = "Auto-deployment (new accounts get the role) and managed execution."
  }
  assert {
    condition     = aws_cloudformation_stack_set.member[0].operation_preferences[0].max_concurrent_percentage == 100 && aws_cloudformation_stack_set.member[0].operation_preferences[0].failure_tolerance_percentage == 90 && aws_cloudformation_stack_set.member[0].operation_preferences[0].region_concurrency_type == "PARALLEL"
    error_message = "Operation preferences for large organizations."
  }
  assert {
    condition     = keys(aws_cloudformation_stack_set_instance.member) == ["r-ab12"] && aws_cloudformation_stack_set_instance.member["r-ab12"].deployment_targets[0].organizational_unit_ids == toset(["r-ab12"]) && aws_cloudformation_stack_set_instance.member["r-ab12"].deployment_targets[0].account_filter_type == "NONE"
    error_message = "No targets given: one instance for the organization's root."
  }
  assert {
    condition     = aws_cloudformation_stack_set_instance.member["r-ab12"].operation_preferences[0].concurrency_mode == "SOFT_FAILURE_TOLERANCE"
    error_message = "A failing account does not lower the rollout's concurrency."
  }
  # The member role's trust: exactly the management role, in the organization, and no external ID (baton-aws sends none).
  assert {
    condition = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.AssumeRolePolicyDocument == {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111111111111:role/ConductorOneIntegration" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-exampleorgid" } }
      }]
    }
    error_message = "The member role trusts exactly the management role, narrowed by aws:PrincipalOrgID."
  }
  assert {
    condition     = !strcontains(aws_cloudformation_stack_set.member[0].template_body, "ExternalId")
    error_message = "No external-ID condition in the member role's template."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Type == "AWS::IAM::Role" && jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.RoleName == "ConductorOneMemberAccess" && jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Path == "/"
    error_message = "One IAM role of the default name and path."
  }
  # IAM sync only, from policies/iam_sync.json, with the pseudo parameters in place of the placeholders.
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync"]
    error_message = "The member role reads IAM and nothing else."
  }
  assert {
    condition = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[0].PolicyDocument.Statement[1].Resource == [
      { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:group/*" },
      { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:role/*" },
    ]
    error_message = "Partition and account are CloudFormation's pseudo parameters."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource == { "Fn::Sub" = "*" }
    error_message = "A Resource written as one string stays one (the document's shape is kept)."
  }
  assert {
    condition     = [for s in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[0].PolicyDocument.Statement : s.Action] == [for s in jsondecode(file("policies/iam_sync.json")).Statement : s.Action]
    error_message = "The member role's actions are iam_sync.json's."
  }
  # The management role may assume exactly the member roles of its organization.
  assert {
    condition = jsondecode(aws_iam_role_policy.this["member_accounts_access"].policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AssumeMemberAccountRoles"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Resource  = "arn:aws:iam::*:role/ConductorOneMemberAccess"
        Condition = { StringEquals = { "aws:ResourceOrgID" = "o-exampleorgid" } }
      }]
    }
    error_message = "sts:AssumeRole on the member role's path and name, in this organization only."
  }
  assert {
    condition     = aws_iam_role_policy.this["member_accounts_access"].name == "ConductorOneMemberAccountsAccess"
    error_message = "The policy is named from capabilities.json."
  }
  assert {
    condition     = jsonencode(output.member_accounts) == jsonencode({ enabled = true, iam_assume_role_name = "ConductorOneMemberAccess", role_name = "ConductorOneMemberAccess", role_path = "/", stack_set_name = "ConductorOneMemberAccess", organizational_unit_ids = ["r-ab12"], account_ids = [] })
    error_message = "The output names what to type into ConductorOne and where the role went."
  }
}

# A path goes in front of the name, without its leading slash, in ConductorOne's setting (baton-aws builds
# arn:aws:iam::<account>:role/<setting>); member provisioning gets the group path scope in every member account.
run "path_and_member_provisioning" {
  command = plan
  variables {
    enable_member_accounts     = true
    enable_provisioning        = true
    enable_member_provisioning = true
    provisioning_group_path    = "/conductorone/"
    member_role_path           = "/c1/"
    member_role_name           = "Reader"
    role_path                  = "/integrations/"
  }
  assert {
    condition     = output.member_accounts.iam_assume_role_name == "c1/Reader" && output.member_accounts.role_path == "/c1/"
    error_message = "iam_assume_role_name is the path without its leading slash, then the name."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["member_accounts_access"].policy).Statement[0].Resource == "arn:aws:iam::*:role/c1/Reader"
    error_message = "The management role may assume the member role at its path."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS == "arn:aws:iam::111111111111:role/integrations/ConductorOneIntegration"
    error_message = "The member role trusts the management role at its path."
  }
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync", "ConductorOneIamProvisioning"]
    error_message = "IAM sync and IAM group provisioning."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[1].PolicyDocument.Statement[0].Resource == [{ "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:group/conductorone/*" }]
    error_message = "The privilege-escalation guard: only groups under provisioning_group_path, in each member account."
  }
}

run "no_member_provisioning_without_asking" {
  command = plan
  variables {
    enable_member_accounts = true
    enable_provisioning    = true
  }
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync"]
    error_message = "Provisioning in the management account does not reach the member accounts by itself."
  }
}

run "ous_with_an_excluded_account" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = {
      organizational_unit_ids = ["ou-ab12-cd34ef56", "ou-ab12-99887766"]
      account_ids             = ["222222222222"]
      account_filter_type     = "DIFFERENCE"
    }
  }
  assert {
    condition     = keys(aws_cloudformation_stack_set_instance.member) == ["ou-ab12-99887766", "ou-ab12-cd34ef56"]
    error_message = "One instance per OU."
  }
  assert {
    condition     = alltrue([for id, i in aws_cloudformation_stack_set_instance.member : i.deployment_targets[0].organizational_unit_ids == toset([id]) && i.deployment_targets[0].accounts == toset(["222222222222"]) && i.deployment_targets[0].account_filter_type == "DIFFERENCE"])
    error_message = "Each instance carries the account filter."
  }
  assert {
    condition     = output.member_accounts.organizational_unit_ids == tolist(["ou-ab12-cd34ef56", "ou-ab12-99887766"]) && output.member_accounts.account_ids == tolist(["222222222222"])
    error_message = "The output lists the targets."
  }
}

run "step_environment" {
  command = plan
  variables {
    enable_member_accounts = true
    member_role_path       = "/c1/"
    sync_step              = "validate"
    connector_command      = ["true"]
  }
  assert {
    condition     = jsonencode(terraform_data.sync_step[0].triggers_replace[6]) == jsonencode([["r-ab12"], { organizational_unit_ids = null, account_ids = null, account_filter_type = "NONE" }])
    error_message = "A change of the targets runs validate again."
  }
}

################################################################################
# Refused at plan
################################################################################

run "member_accounts_without_organizations" {
  command = plan
  variables {
    enable_organizations   = false
    enable_member_accounts = true
  }
  expect_failures = [var.enable_member_accounts]
}

run "malformed_targets" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = {
      organizational_unit_ids = ["ou-AB12-cd34ef56", "12345", "r-ab12"]
      account_ids             = ["12345678901", "1234567890123"]
      account_filter_type     = "UNION"
    }
  }
  expect_failures = [var.member_account_targets]
}

run "empty_ou_list" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = { organizational_unit_ids = [] }
  }
  expect_failures = [var.member_account_targets]
}

run "filter_without_accounts" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = { account_filter_type = "INTERSECTION" }
  }
  expect_failures = [var.member_account_targets]
}

run "accounts_without_filter" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = { account_ids = ["222222222222"] }
  }
  expect_failures = [var.member_account_targets]
}

run "member_role_outside_iam_grammar" {
  command = plan
  variables {
    enable_member_accounts = true
    member_role_name       = "has space"
    member_role_path       = "no-slashes"
    member_stack_set_name  = "1-starts-with-a-digit"
  }
  expect_failures = [var.member_role_name, var.member_role_path, var.member_stack_set_name]
}

run "member_provisioning_needs_provisioning_and_a_path_scope" {
  command = plan
  variables {
    enable_member_accounts     = true
    enable_member_provisioning = true
    provisioning_group_arns    = ["arn:aws:iam::111111111111:group/Engineers"]
  }
  expect_failures = [var.enable_member_provisioning]
}

run "operation_preferences_out_of_range" {
  command = plan
  variables {
    enable_member_accounts = true
    member_stack_set_operation_preferences = {
      failure_tolerance_percentage = 101
      max_concurrent_percentage    = 0
      region_concurrency_type      = "ALL"
    }
  }
  expect_failures = [var.member_stack_set_operation_preferences]
}

run "without_trusted_access_for_stacksets" {
  command = plan
  variables {
    enable_member_accounts = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { id = "o-exampleorgid", master_account_id = "111111111111", roots = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }], aws_service_access_principals = ["sso.amazonaws.com"], feature_set = "ALL" }
  }
  expect_failures = [aws_cloudformation_stack_set.member]
}

run "without_all_features" {
  command = plan
  variables {
    enable_member_accounts = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { id = "o-exampleorgid", master_account_id = "111111111111", roots = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }], feature_set = "CONSOLIDATED_BILLING", aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"] }
  }
  expect_failures = [aws_cloudformation_stack_set.member]
}

run "member_role_path_without_wildcards" {
  # The path lands in the management role's sts:AssumeRole Resource: * or ? would reach any role of that name.
  command = plan
  variables {
    enable_member_accounts = true
    member_role_path       = "/*/"
  }
  expect_failures = [var.member_role_path]
}

run "an_account_listed_twice" {
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = { account_ids = ["222222222222", "222222222222"], account_filter_type = "DIFFERENCE" }
  }
  expect_failures = [var.member_account_targets]
}

run "the_management_account_as_a_target" {
  # StackSets never deploy into the management account: naming it selects nothing.
  command = plan
  variables {
    enable_member_accounts = true
    member_account_targets = { account_ids = ["111111111111"], account_filter_type = "INTERSECTION" }
  }
  expect_failures = [aws_cloudformation_stack_set.member]
}

run "member_provisioning_of_every_group_warns" {
  command = plan
  variables {
    enable_member_accounts     = true
    enable_provisioning        = true
    enable_member_provisioning = true
  }
  expect_failures = [check.member_provisioning_scope]
}
