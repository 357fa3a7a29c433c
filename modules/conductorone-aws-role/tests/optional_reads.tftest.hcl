# ConductorOne's optional reads (enable_policy_sync, enable_access_key_sync, enable_permission_set_sync,
# enable_organization_hierarchy_sync): which policies they put on the role, what the step is told, and the refusals.
# tests/optional-reads-stand-in.sh stands in for `c1-aws step` (offline, mock provider) and checks the step's
# BATON_SYNC_SECRETS and BATON_SYNC_RESOURCE_TYPES. test/e2e/optional-reads.test.ts proves the rendered permissions
# for every combination against baton-aws's declared actions.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_organizations_organization" {
    defaults = {
      id                            = "o-exampleorgid"
      master_account_id             = "111111111111"
      feature_set                   = "ALL"
      aws_service_access_principals = []
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
  }
}

variables {
  external_id = "c1-external-id-0123456789abcdef0123456789"
  sync_step   = "off"
}

run "off_by_default" {
  command = plan
  assert {
    condition     = output.enabled_capabilities == tolist(["iam_sync"]) && keys(aws_iam_role_policy.this) == ["iam_sync"]
    error_message = "No optional read is on unless asked for."
  }
}

run "every_switch" {
  command = plan
  variables {
    enable_organizations               = true
    enable_identity_center             = true
    enable_policy_sync                 = true
    enable_access_key_sync             = true
    enable_permission_set_sync         = true
    enable_organization_hierarchy_sync = true
  }
  assert {
    condition     = output.enabled_capabilities == tolist(["access_key_sync", "iam_sync", "identity_center_sync", "organization_hierarchy_sync", "organizations_sync", "permission_set_sync", "policy_sync"])
    error_message = "The output lists the optional reads that are on."
  }
  assert {
    condition     = aws_iam_role_policy.this["policy_sync"].name == "ConductorOnePolicySync" && aws_iam_role_policy.this["access_key_sync"].name == "ConductorOneAccessKeySync" && aws_iam_role_policy.this["permission_set_sync"].name == "ConductorOnePermissionSetSync" && aws_iam_role_policy.this["organization_hierarchy_sync"].name == "ConductorOneOrganizationHierarchySync"
    error_message = "Each switch is one inline policy, named as capabilities.json names it."
  }
  assert {
    # By the action's prefix: iam:ListAttachedUserPolicies (a read) holds "Attach" too.
    condition     = !strcontains(aws_iam_role_policy.this["policy_sync"].policy, "\"iam:Attach") && !strcontains(aws_iam_role_policy.this["policy_sync"].policy, "\"iam:Detach") && !strcontains(aws_iam_role_policy.this["policy_sync"].policy, "\"iam:Delete") && !strcontains(aws_iam_role_policy.this["permission_set_sync"].policy, "CreateAccountAssignment")
    error_message = "A read switch grants none of the provisioning actions baton-aws declares for the same types."
  }
}

# apply: the stand-in checks the environment the step gets.
run "step_without_optional_reads" {
  variables {
    sync_step         = "validate"
    connector_command = ["sh", abspath("tests/optional-reads-stand-in.sh"), "unset", "unset"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

run "step_with_access_keys" {
  variables {
    sync_step              = "validate"
    enable_access_key_sync = true
    connector_command      = ["sh", abspath("tests/optional-reads-stand-in.sh"), "true", "access-key,account,group,iam_user,identity_provider,role"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

run "step_with_every_switch" {
  variables {
    sync_step                          = "validate"
    enable_organizations               = true
    enable_identity_center             = true
    enable_policy_sync                 = true
    enable_permission_set_sync         = true
    enable_organization_hierarchy_sync = true
    connector_command                  = ["sh", abspath("tests/optional-reads-stand-in.sh"), "unset", "account,group,iam_policy,iam_user,identity_provider,inline_policy,organization,organizational_unit,permission_set,permission_set_assignment,role,sso_group,sso_user"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

################################################################################
# The member role (enable_member_accounts): ConductorOne's connector reads member accounts' policies and access keys
# through it with per-principal calls (baton-aws 2156bebe pkg/connector/iam_policy.go:138, inline_policy.go:82,
# secrets.go:55), so those two switches put the same documents into its template; the other two read the management
# account only.
################################################################################

run "member_role_with_policy_and_access_key_reads" {
  command = plan
  variables {
    enable_organizations   = true
    enable_member_accounts = true
    enable_policy_sync     = true
    enable_access_key_sync = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = {
      id                            = "o-exampleorgid"
      master_account_id             = "111111111111"
      feature_set                   = "ALL"
      aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"]
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
  }
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync", "ConductorOnePolicySync", "ConductorOneAccessKeySync"]
    error_message = "With both switches on the member role holds the policy and access-key reads too, named as capabilities.json names them."
  }
  assert {
    condition     = [for s in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[1].PolicyDocument.Statement : s.Action] == [for s in jsondecode(file("policies/policy_sync.json")).Statement : s.Action] && [for s in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[2].PolicyDocument.Statement : s.Action] == [for s in jsondecode(file("policies/access_key_sync.json")).Statement : s.Action]
    error_message = "The member role's policy and access-key actions are policy_sync.json's and access_key_sync.json's."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies[2].PolicyDocument.Statement[0].Resource == [{ "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:user/*" }]
    error_message = "Each member account's stack fills in its own partition and account."
  }
  assert {
    condition     = !strcontains(aws_cloudformation_stack_set.member[0].template_body, "111111111111:user") && !strcontains(aws_cloudformation_stack_set.member[0].template_body, "111111111111:policy")
    error_message = "No member-role statement names the management account."
  }
}

run "member_role_with_policy_reads_only" {
  command = plan
  variables {
    enable_organizations               = true
    enable_identity_center             = true
    enable_member_accounts             = true
    enable_policy_sync                 = true
    enable_permission_set_sync         = true
    enable_organization_hierarchy_sync = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = {
      id                            = "o-exampleorgid"
      master_account_id             = "111111111111"
      feature_set                   = "ALL"
      aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"]
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
  }
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync", "ConductorOnePolicySync"]
    error_message = "Access keys off: no access-key reads; permission sets and the hierarchy never reach the member role."
  }
}

run "member_role_with_access_key_reads_only" {
  command = plan
  variables {
    enable_organizations   = true
    enable_member_accounts = true
    enable_access_key_sync = true
  }
  override_data {
    target = data.aws_organizations_organization.this[0]
    values = {
      id                            = "o-exampleorgid"
      master_account_id             = "111111111111"
      feature_set                   = "ALL"
      aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"]
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
  }
  assert {
    condition     = [for p in jsondecode(aws_cloudformation_stack_set.member[0].template_body).Resources.ConductorOneMemberRole.Properties.Policies : p.PolicyName] == ["ConductorOneIamSync", "ConductorOneAccessKeySync"]
    error_message = "Policies off: no policy reads in the member role."
  }
}

################################################################################
# Refused at plan
################################################################################

run "permission_sets_without_identity_center" {
  command = plan
  variables {
    enable_organizations       = true
    enable_permission_set_sync = true
  }
  expect_failures = [var.enable_permission_set_sync]
}

run "hierarchy_without_organizations" {
  command = plan
  variables {
    enable_organization_hierarchy_sync = true
  }
  expect_failures = [var.enable_organization_hierarchy_sync]
}
