# The validation step (terraform_data.sync_step): when it runs, what it is given, and what triggers it again.
# "true" stands in for the c1-aws CLI so the local-exec provisioner runs offline; test/e2e runs the real CLI.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
}

variables {
  external_id       = "c1-external-id-0123456789abcdef0123456789"
  connector_command = "true"
}

run "off" {
  command = plan
  variables {
    sync_step = "off"
  }
  assert {
    condition     = length(terraform_data.sync_step) == 0 && startswith(output.sync_step_status, "off: sync_step")
    error_message = "sync_step = \"off\" plans no step and says so."
  }
}

run "validate_by_default" {
  command = plan
  assert {
    condition     = length(terraform_data.sync_step) == 1 && startswith(output.sync_step_status, "validate: ") && output.sync_snapshot_path == "" && output.sync_report_path == ""
    error_message = "The default step validates with the deployer's credentials; no snapshot, no report file."
  }
  assert {
    condition     = contains(terraform_data.sync_step[0].triggers_replace[3], sha256("c1-external-id-0123456789abcdef0123456789"))
    error_message = "The step is triggered by the external ID's digest."
  }
  assert {
    condition     = terraform_data.sync_step[0].triggers_replace[2]["iam_sync"] == sha256(aws_iam_role_policy.this["iam_sync"].policy)
    error_message = "The step is triggered by each policy document's digest."
  }
}

run "sync_applies" {
  variables {
    sync_step          = "sync"
    sync_snapshot_path = "snapshots/c1.json"
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1 && startswith(output.sync_snapshot_path, "/") && endswith(output.sync_snapshot_path, "/snapshots/c1.json")
    error_message = "In sync mode the step runs and the snapshot path is absolute, relative to the root module."
  }
}

run "assume_role_reports_to_a_file" {
  command = plan
  variables {
    sync_assume_role = true
  }
  assert {
    condition     = endswith(output.sync_report_path, "/conductorone-step-report.txt") && strcontains(output.sync_step_status, "assuming the role")
    error_message = "Assuming the role hides the step's output, so the report file is named."
  }
}

run "unknown_mode" {
  command = plan
  variables {
    sync_step = "always"
  }
  expect_failures = [var.sync_step]
}
