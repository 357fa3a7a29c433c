# Every input's validation refuses a representative bad value (the full table of
# test/fixtures/input-cases.json runs from test/e2e/hcl-module.test.ts). Variables are validated before any
# resource is planned, so nothing here needs AWS.

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

run "external_id_too_short" {
  command = plan
  variables {
    external_id = "a"
  }
  expect_failures = [var.external_id]
}

run "external_id_with_space" {
  command = plan
  variables {
    external_id = "has a space in it 1234567890"
  }
  expect_failures = [var.external_id]
}

run "additional_external_id_with_shell" {
  command = plan
  variables {
    additional_external_ids = ["ok-next-id-1234567890", "$(whoami)-1234567890"]
  }
  expect_failures = [var.additional_external_ids]
}

run "role_name_too_long" {
  command = plan
  variables {
    role_name = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
  }
  expect_failures = [var.role_name]
}

run "role_path_without_trailing_slash" {
  command = plan
  variables {
    role_path = "/integrations"
  }
  expect_failures = [var.role_path]
}

run "permissions_boundary_not_a_policy" {
  command = plan
  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/NotAPolicy"
  }
  expect_failures = [var.permissions_boundary_arn]
}

run "max_session_duration_too_short" {
  command = plan
  variables {
    max_session_duration = 900
  }
  expect_failures = [var.max_session_duration]
}

run "max_session_duration_fraction" {
  command = plan
  variables {
    max_session_duration = 3600.5
  }
  expect_failures = [var.max_session_duration]
}

run "identity_center_without_organizations" {
  command = plan
  variables {
    enable_identity_center = true
  }
  expect_failures = [var.enable_identity_center]
}

run "identity_center_region_uppercase" {
  command = plan
  variables {
    identity_center_region = "US-EAST-1"
  }
  expect_failures = [var.identity_center_region]
}

run "trusted_principal_wildcard" {
  command = plan
  variables {
    trusted_principal_arn = "*"
  }
  expect_failures = [var.trusted_principal_arn]
}

run "provisioning_group_arn_is_a_role" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:role/Admins"]
  }
  expect_failures = [var.provisioning_group_arns]
}

run "provisioning_group_arns_and_path" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/c1/Engineers"]
    provisioning_group_path = "/c1/"
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
