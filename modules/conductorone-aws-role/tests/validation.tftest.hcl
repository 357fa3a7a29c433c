# Every input's validation refuses a representative bad value. Runs group inputs, since Terraform reports every
# failing variable of a plan and each plan costs a provider start; expect_failures requires each listed failure.
# The full table of test/fixtures/input-cases.json runs from test/e2e/hcl-module.test.ts, message by message.
# Variables are validated before anything is planned, so nothing here needs AWS.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
}

variables {
  external_id = "c1-external-id-0123456789abcdef0123456789"
}

run "trust_inputs" {
  command = plan
  variables {
    trusted_principal_arn = "*"
  }
  expect_failures = [var.trusted_principal_arn]
}

# The external IDs are checked by preconditions of the role (a failed variable validation would print the value).
run "external_id_with_space" {
  command = plan
  variables {
    external_id = "has a space in it 1234567890abcdef"
  }
  expect_failures = [aws_iam_role.this]
}

run "external_id_too_short" {
  command = plan
  variables {
    external_id = "a"
  }
  expect_failures = [aws_iam_role.this]
}

run "additional_external_id_invalid" {
  command = plan
  variables {
    additional_external_ids = ["ok-next-id-0123456789abcdef0123456789", "$(whoami)-0123456789abcdef0123456789"]
  }
  expect_failures = [aws_iam_role.this]
}

# With ConductorOne's principal (the default) the IDs are ConductorOne's: 32 to 65 characters
# (grammar.json external_id_conductorone).
run "conductorone_external_id_32_and_65_pass" {
  command = plan
  variables {
    external_id             = "abcdefghijklmnopqrstuvwxyz012345"
    additional_external_ids = ["abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012"]
  }
  assert {
    condition     = length(var.external_id) == 32 && length(var.additional_external_ids[0]) == 65
    error_message = "The bounds of the rule pass."
  }
}

run "conductorone_external_id_31_fails" {
  command = plan
  variables {
    external_id = "abcdefghijklmnopqrstuvwxyz01234"
  }
  expect_failures = [aws_iam_role.this]
}

run "conductorone_external_id_66_fails" {
  command = plan
  variables {
    external_id = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123"
  }
  expect_failures = [aws_iam_role.this]
}

run "conductorone_external_id_two_characters_fail" {
  command = plan
  variables {
    external_id = "ab"
  }
  expect_failures = [aws_iam_role.this]
}

# ConductorOne's account however its principal is spelled (its root, its role in another case): still ConductorOne.
run "conductorone_account_root_two_characters_fail" {
  command = plan
  variables {
    external_id           = "ab"
    trusted_principal_arn = "arn:aws:iam::765656841499:root"
  }
  expect_failures = [aws_iam_role.this]
}

run "conductorone_additional_external_id_short_fails" {
  command = plan
  variables {
    additional_external_ids = ["ab"]
  }
  expect_failures = [aws_iam_role.this]
}

# A principal of the user's own keeps STS's 2 to 1224 characters (grammar.json external_id).
run "own_principal_two_characters_pass" {
  command = plan
  variables {
    trusted_principal_arn   = "arn:aws:iam::111111111111:role/OwnBroker"
    external_id             = "ab"
    additional_external_ids = ["cd", replace(format("%1224s", ""), " ", "z")]
  }
  assert {
    condition     = length(var.additional_external_ids[1]) == 1224
    error_message = "The bounds of the rule pass."
  }
}

run "own_principal_one_character_fails" {
  command = plan
  variables {
    trusted_principal_arn = "arn:aws:iam::111111111111:role/OwnBroker"
    external_id           = "a"
  }
  expect_failures = [aws_iam_role.this]
}

run "own_principal_1225_characters_fail" {
  command = plan
  variables {
    trusted_principal_arn   = "arn:aws:iam::111111111111:role/OwnBroker"
    additional_external_ids = [replace(format("%1225s", ""), " ", "z")]
  }
  expect_failures = [aws_iam_role.this]
}

run "role_inputs" {
  command = plan
  variables {
    role_name                = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr" # 65 characters
    role_path                = "/integrations"
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/NotAPolicy"
    max_session_duration     = 900
  }
  expect_failures = [var.role_name, var.role_path, var.permissions_boundary_arn, var.max_session_duration]
}

run "max_session_duration_fraction" {
  command = plan
  variables {
    max_session_duration = 3600.5
  }
  expect_failures = [var.max_session_duration]
}

run "capability_inputs" {
  command = plan
  variables {
    enable_identity_center = true # without enable_organizations
    identity_center_region = "US-EAST-1"
  }
  expect_failures = [var.enable_identity_center, var.identity_center_region]
}

# Separate runs: provisioning_group_arns's validation reads provisioning_group_path, and Terraform skips it
# while that variable is itself invalid.
run "provisioning_group_arn_is_a_role" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:role/Admins"]
  }
  expect_failures = [var.provisioning_group_arns]
}

run "provisioning_group_path_relative" {
  command = plan
  variables {
    provisioning_group_path = "conductorone/"
  }
  expect_failures = [var.provisioning_group_path]
}

run "provisioning_group_arns_and_path" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/c1/Engineers"]
    provisioning_group_path = "/c1/"
  }
  expect_failures = [var.provisioning_group_arns]
}

# In a policy's Resource, * and ? are wildcards and ${...} a policy variable: a scope holding them would be wider
# than the groups it names.
run "provisioning_group_path_wildcards_and_variables" {
  command = plan
  variables {
    provisioning_group_path = "/team*/${"$"}{aws:username}/"
  }
  expect_failures = [var.provisioning_group_path]
}

run "provisioning_group_arn_wildcard_path" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/c1?/Engineers"]
  }
  expect_failures = [var.provisioning_group_arns]
}
