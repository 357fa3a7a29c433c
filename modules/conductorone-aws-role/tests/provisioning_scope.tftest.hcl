# The privilege-escalation guard: IAM group provisioning reaches only the groups named, or those under a path.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
}

variables {
  external_id         = "c1-external-id-0123456789abcdef0123456789"
  enable_provisioning = true
}

run "default_scope_is_every_group" {
  command = plan
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Resource == ["arn:aws:iam::111111111111:group/*"]
    error_message = "Without a guard the statement covers every group of the account."
  }
}

run "group_path_scope" {
  command = plan
  variables {
    provisioning_group_path = "/conductorone/"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Resource == ["arn:aws:iam::111111111111:group/conductorone/*"]
    error_message = "A group path narrows the statement to the groups under it."
  }
}

run "group_list_scope" {
  command = plan
  variables {
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/Engineers", "arn:aws:iam::111111111111:group/c1/Support"]
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Resource == ["arn:aws:iam::111111111111:group/Engineers", "arn:aws:iam::111111111111:group/c1/Support"]
    error_message = "A list of groups replaces the wildcard."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["iam_provisioning"].policy).Statement[0].Action == ["iam:AddUserToGroup", "iam:RemoveUserFromGroup"]
    error_message = "The actions come from policies/iam_provisioning.json unchanged."
  }
}

# The guard touches only the group statement: IAM sync still reads every group and role.
run "sync_statements_untouched" {
  command = plan
  variables {
    provisioning_group_path = "/conductorone/"
  }
  assert {
    condition     = contains(jsondecode(aws_iam_role_policy.this["iam_sync"].policy).Statement[1].Resource, "arn:aws:iam::111111111111:group/*")
    error_message = "iam_sync keeps its own resources."
  }
}
