# Each toggle combination yields exactly the capabilities whose `requires` it satisfies (policies/capabilities.json),
# one inline policy each, all listed in aws_iam_role_policies_exclusive. Offline: mock_provider, no credentials.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:user/terraform", user_id = "AIDAEXAMPLE" }
  }
  # The caller is the management account unless a run overrides it.
  mock_data "aws_organizations_organization" {
    defaults = { id = "o-exampleorgid", master_account_id = "111111111111" }
  }
}

variables {
  external_id = "c1-external-id-0123456789abcdef0123456789"
}

run "defaults_iam_sync_only" {
  command = plan

  assert {
    condition     = output.enabled_capabilities == tolist(["iam_sync"])
    error_message = "With no toggle only iam_sync is enabled."
  }
  assert {
    condition     = keys(aws_iam_role_policy.this) == ["iam_sync"] && aws_iam_role_policy.this["iam_sync"].name == "ConductorOneIamSync"
    error_message = "One inline policy, named from capabilities.json."
  }
  assert {
    condition     = aws_iam_role_policies_exclusive.this.policy_names == toset(["ConductorOneIamSync"])
    error_message = "The exclusive resource lists exactly the enabled policies."
  }
  assert {
    condition     = length(data.aws_organizations_organization.this) == 0
    error_message = "The organization is read only when enable_organizations is true."
  }
  assert {
    condition     = aws_iam_role.this.name == "ConductorOneIntegration" && aws_iam_role.this.path == "/" && aws_iam_role.this.max_session_duration == 3600
    error_message = "Name, path and session duration are the defaults of variables.tf."
  }
  assert {
    condition     = aws_iam_role.this.permissions_boundary == null
    error_message = "No permissions boundary unless asked."
  }
}

# nullable = false: an explicit null (e.g. a wrapper module passing its own unset input through) means the default.
run "explicit_null_means_default" {
  command = plan
  variables {
    role_name               = null
    role_path               = null
    max_session_duration    = null
    trusted_principal_arn   = null
    identity_center_region  = null
    enable_provisioning     = true
    provisioning_group_path = null
    sync_step               = null
    sync_snapshot_path      = null
    connector_command       = ["true"]
  }

  assert {
    condition     = aws_iam_role.this.name == "ConductorOneIntegration" && aws_iam_role.this.path == "/" && aws_iam_role.this.max_session_duration == 3600
    error_message = "A null name, path or session duration means the default."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.AWS == "arn:aws:iam::765656841499:role/ConductorOneService"
    error_message = "A null trusted_principal_arn means ConductorOne's principal."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Resource == ["arn:aws:iam::111111111111:group/*"]
    error_message = "A null provisioning_group_path means every group (\"/\")."
  }
  assert {
    condition     = startswith(output.sync_step_status, "validate: ") && output.sync_snapshot_path == ""
    error_message = "A null sync_step means validate."
  }
}

run "trust_policy" {
  command = plan

  variables {
    additional_external_ids = ["c1-next-external-id-0123456789abcdef01234"]
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::765656841499:role/ConductorOneService" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = ["c1-external-id-0123456789abcdef0123456789", "c1-next-external-id-0123456789abcdef01234"] } }
      }]
    }
    error_message = "The trust policy allows ConductorOne's principal with any of the external IDs."
  }
}

run "organizations" {
  command = plan

  variables {
    enable_organizations = true
  }

  assert {
    condition     = output.enabled_capabilities == tolist(["iam_sync", "organizations_sync"])
    error_message = "enable_organizations adds organizations_sync."
  }
  assert {
    condition     = aws_iam_role_policies_exclusive.this.policy_names == toset(["ConductorOneIamSync", "ConductorOneOrganizationsSync"])
    error_message = "The exclusive resource lists exactly the enabled policies."
  }
}

run "organizations_and_identity_center" {
  command = plan

  variables {
    enable_organizations   = true
    enable_identity_center = true
  }

  assert {
    condition     = output.enabled_capabilities == tolist(["iam_sync", "identity_center_sync", "organizations_sync"])
    error_message = "enable_identity_center adds identity_center_sync."
  }
}

run "provisioning_without_identity_center" {
  command = plan

  variables {
    enable_provisioning = true
  }

  assert {
    condition     = output.enabled_capabilities == tolist(["iam_provisioning", "iam_sync"])
    error_message = "enable_provisioning alone adds IAM group provisioning only."
  }
}

run "everything" {
  command = plan

  variables {
    enable_organizations   = true
    enable_identity_center = true
    enable_provisioning    = true
  }

  assert {
    condition     = output.enabled_capabilities == tolist(["iam_provisioning", "iam_sync", "identity_center_provisioning", "identity_center_sync", "organizations_sync"])
    error_message = "All toggles enable all five capabilities."
  }
  assert {
    condition = aws_iam_role_policies_exclusive.this.policy_names == toset([
      "ConductorOneIamProvisioning", "ConductorOneIamSync", "ConductorOneIdentityCenterProvisioning",
      "ConductorOneIdentityCenterSync", "ConductorOneOrganizationsSync",
    ])
    error_message = "The exclusive resource lists exactly the enabled policies."
  }
  assert {
    condition     = alltrue([for p in aws_iam_role_policy.this : !strcontains(p.policy, "$${")])
    error_message = "No placeholder is left unrendered."
  }
  assert {
    condition     = output.inline_policy_names == tolist([for id in output.enabled_capabilities : aws_iam_role_policy.this[id].name])
    error_message = "inline_policy_names follows capability id order."
  }
}

run "role_settings" {
  command = plan

  variables {
    role_name                = "C1Integration"
    role_path                = "/integrations/"
    max_session_duration     = 7200
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/Boundary"
    tags                     = { team = "identity" }
  }

  assert {
    condition     = aws_iam_role.this.name == "C1Integration" && aws_iam_role.this.path == "/integrations/" && aws_iam_role.this.max_session_duration == 7200
    error_message = "Role settings are passed through."
  }
  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::111111111111:policy/Boundary" && aws_iam_role.this.tags == tomap({ team = "identity" })
    error_message = "Boundary and tags are passed through."
  }
}

# apply with the mock provider: computed attributes get mock values, so outputs can be checked.
run "outputs" {
  variables {
    sync_step              = "off" # tests/sync_step.tftest.hcl runs the step with a stand-in command
    enable_organizations   = true
    enable_identity_center = true
    identity_center_region = "eu-central-1"
  }

  assert {
    condition     = output.role_name == "ConductorOneIntegration" && output.role_arn != null && output.role_unique_id != null
    error_message = "Role outputs are set."
  }
  assert {
    condition     = output.external_id == "c1-external-id-0123456789abcdef0123456789"
    error_message = "external_id is returned (as a sensitive output)."
  }
  assert {
    condition     = output.conductorone_settings.aws_orgs_enable && output.conductorone_settings.aws_sso_enable && output.conductorone_settings.aws_sso_region == "eu-central-1"
    error_message = "conductorone_settings mirrors the toggles and the Identity Center region."
  }
}
