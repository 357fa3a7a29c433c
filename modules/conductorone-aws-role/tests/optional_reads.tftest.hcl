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
    condition     = !strcontains(aws_iam_role_policy.this["policy_sync"].policy, "Attach") && !strcontains(aws_iam_role_policy.this["policy_sync"].policy, "Delete") && !strcontains(aws_iam_role_policy.this["permission_set_sync"].policy, "CreateAccountAssignment")
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
