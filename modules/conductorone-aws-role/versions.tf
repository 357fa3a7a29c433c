terraform {
  # 1.9: templatestring() (the group scope's path_resource), and a variable's validation may read other variables and
  # locals (enable_identity_center, grammar.json rules). Older features used: terraform_data (1.4), nullable (1.1);
  # the tests' mock_provider needs 1.7. No upper bound, as the Registry expects of a module: the root pins.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Lower bound only: 5.68.0 added aws_iam_role_policies_exclusive (and deprecated aws_iam_role.inline_policy).
      # The root module (an example, your configuration) chooses the exact version, in its lock file.
      version = ">= 5.68.0"
    }
  }
}
