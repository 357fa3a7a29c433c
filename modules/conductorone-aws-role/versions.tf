terraform {
  # 1.9: a variable's validation may read other variables and locals (enable_identity_center, grammar.json rules).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.68.0 added aws_iam_role_policies_exclusive (and deprecated aws_iam_role.inline_policy).
      version = ">= 5.68.0"
    }
  }
}
