# The privilege-escalation guard: the statements policies/capabilities.json lists in scoped_statements (by Sid) reach
# only the groups named, or those under a path (provisioning_group_scope.path_resource); every other statement is
# the capability file as written.

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
      aws_service_access_principals = ["member.org.stacksets.cloudformation.amazonaws.com"]
      roots                         = [{ id = "r-ab12", arn = "arn:aws:organizations::111111111111:root/o-exampleorgid/r-ab12", name = "Root", policy_types = [] }]
    }
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
  # The guard touches only the scoped statement: IAM sync still reads every group and role, although its
  # ReadIamGroupsAndRoles statement names the same group/* resource the provisioning file does.
  assert {
    condition     = contains(jsondecode(aws_iam_role_policy.this["iam_sync"].policy).Statement[1].Resource, "arn:aws:iam::111111111111:group/*")
    error_message = "iam_sync keeps its own resources."
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

# By Sid, for every capability: a statement listed in scoped_statements has exactly the group scope as Resource;
# every other statement, in every enabled policy, is its file as written (placeholders filled).
run "scoped_statements_by_sid_path" {
  command = plan
  variables {
    enable_organizations    = true
    enable_identity_center  = true
    enable_member_accounts  = true
    provisioning_group_path = "/conductorone/"
    # The optional reads too: the asserts below read every capability of capabilities.json.
    enable_policy_sync                 = true
    enable_access_key_sync             = true
    enable_permission_set_sync         = true
    enable_organization_hierarchy_sync = true
  }
  assert {
    condition     = length(aws_iam_role_policy.this) == length(jsondecode(file("${path.module}/policies/capabilities.json")).capabilities) && sum([for id, c in jsondecode(file("${path.module}/policies/capabilities.json")).capabilities : length(c.scoped_statements)]) > 0
    error_message = "Every capability is enabled and capabilities.json scopes at least one statement."
  }
  assert {
    condition = alltrue(flatten([
      for id, c in jsondecode(file("${path.module}/policies/capabilities.json")).capabilities : [
        for i, s in jsondecode(templatefile("${path.module}/policies/${id}.json", { partition = "aws", account_id = "111111111111", member_role_path = "/", member_role_name = "ConductorOneMemberAccess", organization_id = "o-exampleorgid" })).Statement :
        # jsonencode(): the two branches are objects of different types.
        jsonencode(jsondecode(aws_iam_role_policy.this[id].policy).Statement[i]) == (
          contains(c.scoped_statements, try(s.Sid, "")) ? jsonencode(merge(s, { Resource = ["arn:aws:iam::111111111111:group/conductorone/*"] })) : jsonencode(s)
        )
      ]
    ]))
    error_message = "Exactly the statements named in scoped_statements get the group scope; every other statement is unchanged."
  }
}

run "scoped_statements_by_sid_arns" {
  command = plan
  variables {
    enable_organizations    = true
    enable_identity_center  = true
    enable_member_accounts  = true
    provisioning_group_arns = ["arn:aws:iam::111111111111:group/Engineers"]
    # The optional reads too: the asserts below read every capability of capabilities.json.
    enable_policy_sync                 = true
    enable_access_key_sync             = true
    enable_permission_set_sync         = true
    enable_organization_hierarchy_sync = true
  }
  assert {
    condition = alltrue(flatten([
      for id, c in jsondecode(file("${path.module}/policies/capabilities.json")).capabilities : [
        for i, s in jsondecode(templatefile("${path.module}/policies/${id}.json", { partition = "aws", account_id = "111111111111", member_role_path = "/", member_role_name = "ConductorOneMemberAccess", organization_id = "o-exampleorgid" })).Statement :
        # jsonencode(): the two branches are objects of different types.
        jsonencode(jsondecode(aws_iam_role_policy.this[id].policy).Statement[i]) == (
          contains(c.scoped_statements, try(s.Sid, "")) ? jsonencode(merge(s, { Resource = ["arn:aws:iam::111111111111:group/Engineers"] })) : jsonencode(s)
        )
      ]
    ]))
    error_message = "Exactly the statements named in scoped_statements get provisioning_group_arns; every other statement is unchanged."
  }
}
