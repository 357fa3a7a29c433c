# The validation step (terraform_data.sync_step): when it runs, what it is given, and what triggers it again.
# tests/step-stand-in.sh stands in for `c1-aws step` so the local-exec provisioner runs offline (the mock provider's
# role does not exist anywhere): it checks the argv and the environment the module gives the CLI, and fails the run
# on any difference. test/e2e/module-apply.test.ts runs the real CLI.

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
  connector_command = ["sh", abspath("tests/step-stand-in.sh"), sha256("c1-external-id-0123456789abcdef0123456789"), "none"]
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
    condition     = length(terraform_data.sync_step) == 1 && startswith(output.sync_step_status, "validate: runs [\"sh\",") && endswith(output.sync_step_status, ",\"none\",\"step\"] (validate) with the deployer's credentials") && output.sync_snapshot_path == "" && output.sync_report_path == ""
    error_message = "The default step validates with the deployer's credentials; no snapshot, no report file."
  }
  assert {
    condition     = issensitive(terraform_data.sync_step[0].triggers_replace[3]) && contains(nonsensitive(terraform_data.sync_step[0].triggers_replace[3]), sha256("c1-external-id-0123456789abcdef0123456789"))
    error_message = "The step is triggered by the external ID's digest, which plan and state views show as sensitive."
  }
  assert {
    condition     = terraform_data.sync_step[0].triggers_replace[2]["iam_sync"] == sha256(aws_iam_role_policy.this["iam_sync"].policy)
    error_message = "The step is triggered by each policy document's digest."
  }
}

# The default command: this repository's CLI when it sits beside the module, by absolute path; else the step is off.
run "bundled_cli_or_off" {
  command = plan
  variables {
    connector_command = null
  }
  assert {
    condition = (
      fileexists("${path.module}/../../connector/bin/c1-aws.js")
      ? length(terraform_data.sync_step) == 1 && startswith(output.sync_step_status, "validate: runs [\"node\",\"/") && strcontains(output.sync_step_status, "/connector/bin/c1-aws.js\",\"step\"]")
      : length(terraform_data.sync_step) == 0 && startswith(output.sync_step_status, "off: connector_command is null and /")
    )
    error_message = "connector_command = null runs node with the repository's CLI by absolute path, or turns the step off and says why."
  }
}

# apply: the stand-in runs and checks the environment (all digests in order, no group scope without provisioning).
run "step_gets_every_digest" {
  variables {
    additional_external_ids = ["c1-next-external-id-0123456789abcdef01234"]
    connector_command       = ["sh", abspath("tests/step-stand-in.sh"), "${sha256("c1-external-id-0123456789abcdef0123456789")},${sha256("c1-next-external-id-0123456789abcdef01234")}", "none"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

run "step_gets_the_group_path" {
  variables {
    enable_provisioning     = true
    provisioning_group_path = "/conductorone/"
    connector_command       = ["sh", abspath("tests/step-stand-in.sh"), sha256("c1-external-id-0123456789abcdef0123456789"), "path=/conductorone/"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

run "step_gets_the_default_group_path" {
  variables {
    enable_provisioning = true
    connector_command   = ["sh", abspath("tests/step-stand-in.sh"), sha256("c1-external-id-0123456789abcdef0123456789"), "path=/"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
  }
}

run "step_gets_the_group_arns" {
  variables {
    enable_provisioning     = true
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/Engineers", "arn:aws:iam::111111111111:group/c1/Support"]
    connector_command       = ["sh", abspath("tests/step-stand-in.sh"), sha256("c1-external-id-0123456789abcdef0123456789"), "arns=${jsonencode(["arn:aws:iam::111111111111:group/Engineers", "arn:aws:iam::111111111111:group/c1/Support"])}"]
  }
  assert {
    condition     = length(terraform_data.sync_step) == 1
    error_message = "The step ran."
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

# An argv list: a program and its arguments, none empty.
run "connector_command_empty_list" {
  command = plan
  variables {
    connector_command = []
  }
  expect_failures = [var.connector_command]
}

run "connector_command_empty_argument" {
  command = plan
  variables {
    connector_command = ["node", ""]
  }
  expect_failures = [var.connector_command]
}
