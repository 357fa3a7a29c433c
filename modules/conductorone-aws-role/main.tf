################################################################################
# Shared data: defaults, input grammar and capability manifest (one source of truth with the CDKTF construct and
# the connector)
################################################################################

locals {
  defaults     = jsondecode(file("${path.module}/defaults.json"))
  grammar      = jsondecode(file("${path.module}/grammar.json"))
  rules        = local.grammar.rules
  numbers      = local.grammar.numbers
  capabilities = jsondecode(file("${path.module}/policies/capabilities.json")).capabilities

  # grammar.json has no group rule: an IAM group ARN is a role ARN with "group/" for "role/".
  group_arn_pattern = replace(local.rules.role_arn.pattern, ":role/", ":group/")
  group_arn_rule    = "must be an IAM group ARN arn:<partition>:iam::<12-digit account>:group/[<path>/]<name>, name of letters, digits and _+=,.@-"

  role_name              = coalesce(var.role_name, local.defaults.role_name)
  role_path              = coalesce(var.role_path, local.defaults.role_path)
  max_session_duration   = coalesce(var.max_session_duration, local.defaults.max_session_duration)
  trusted_principal_arn  = coalesce(var.trusted_principal_arn, local.defaults.trusted_principal_arn)
  identity_center_region = coalesce(var.identity_center_region, local.defaults.identity_center_region)
  group_path             = coalesce(var.provisioning_group_path, local.defaults.provisioning_group_path)

  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

# Read only when asked: in an account without an organization this data source fails.
data "aws_organizations_organization" "this" {
  count = var.enable_organizations ? 1 : 0
}

################################################################################
# Trust policy and role
################################################################################

locals {
  # try(): an ARN refused by its validation must not also fail here.
  trusted_principal_partition = try(split(":", local.trusted_principal_arn)[1], "")
  master_account_id           = one(data.aws_organizations_organization.this[*].master_account_id)

  trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = local.trusted_principal_arn }
        Action    = "sts:AssumeRole"
        # Any of the IDs may assume the role, so a new external ID can be rolled out before the old one is removed.
        Condition = { StringEquals = { "sts:ExternalId" = concat([var.external_id], var.additional_external_ids) } }
      }
    ]
  }
}

resource "aws_iam_role" "this" {
  name                 = local.role_name
  path                 = local.role_path
  assume_role_policy   = jsonencode(local.trust_policy)
  max_session_duration = local.max_session_duration
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = local.trusted_principal_partition == local.partition
      error_message = "trusted_principal_arn is in partition \"${local.trusted_principal_partition}\" but this role is in partition \"${local.partition}\": IAM cannot trust a principal of another partition. ConductorOne's default principal is in the aws partition; in GovCloud or China set trusted_principal_arn to ConductorOne's principal for that partition."
    }

    precondition {
      condition     = var.enable_organizations ? local.master_account_id == local.account_id : true
      error_message = "enable_organizations is true but this role would be created in account ${local.account_id}, a member of an organization whose management account is ${coalesce(local.master_account_id, "unknown")}. ConductorOne would answer with a 400 error when the integration is saved, because with AWS Organizations support the role must be in the management account. Create the role in the management account (account ${coalesce(local.master_account_id, "unknown")}) with a provider for that account, or set enable_organizations = false."
    }

    precondition {
      condition     = alltrue([for arn in var.provisioning_group_arns : try(split(":", arn)[1] == local.partition && split(":", arn)[4] == local.account_id, false)])
      error_message = "Each provisioning_group_arns entry must be a group of this role's account (${local.account_id}) and partition (${local.partition}): the role can only change the membership of its own account's groups."
    }
  }
}

################################################################################
# Permissions: one inline policy per enabled capability
################################################################################

locals {
  toggles = {
    organizations   = var.enable_organizations
    identity_center = var.enable_identity_center
    provisioning    = var.enable_provisioning
  }

  # A capability is on when every toggle it requires is on (capabilities.json "requires").
  enabled_capabilities = {
    for id, c in local.capabilities : id => c if alltrue([for t in c.requires : local.toggles[t]])
  }

  # The capability files grant IAM group provisioning on every group of the account; the guard narrows that
  # statement to provisioning_group_arns, or to the groups under provisioning_group_path.
  group_wildcard = "arn:${local.partition}:iam::${local.account_id}:group/*"
  group_resources = (
    length(var.provisioning_group_arns) > 0
    ? var.provisioning_group_arns
    : ["arn:${local.partition}:iam::${local.account_id}:group${local.group_path}*"]
  )

  rendered = {
    for id in keys(local.enabled_capabilities) :
    id => jsondecode(templatefile("${path.module}/policies/${id}.json", { partition = local.partition, account_id = local.account_id }))
  }

  policy_documents = {
    for id, doc in local.rendered : id => merge(doc, {
      # merge() with a filtered object, not a conditional: the two branches would be objects of different types.
      Statement = [for s in doc.Statement : merge(s, { for k, v in { Resource = local.group_resources } : k => v if s.Resource == local.group_wildcard })]
    })
  }

  policies = { for id, doc in local.policy_documents : id => jsonencode(doc) }

  # IAM counts a role's inline policies together (grammar.json limits.role_inline_policies_aggregate).
  policies_size  = sum(concat([0], [for p in values(local.policies) : length(p)]))
  policies_limit = local.grammar.limits.role_inline_policies_aggregate
}

resource "aws_iam_role_policy" "this" {
  for_each = local.policies

  name   = local.enabled_capabilities[each.key].policy_name
  role   = aws_iam_role.this.id
  policy = each.value
}

# Removes any inline policy added outside Terraform: the role holds exactly the enabled capabilities.
resource "aws_iam_role_policies_exclusive" "this" {
  role_name    = aws_iam_role.this.name
  policy_names = [for id in sort(keys(aws_iam_role_policy.this)) : aws_iam_role_policy.this[id].name]

  lifecycle {
    precondition {
      condition     = local.policies_size < local.policies_limit
      error_message = "The inline policies of the enabled capabilities total ${local.policies_size} characters; IAM allows fewer than ${local.policies_limit} per role. Name fewer groups in provisioning_group_arns (or scope them with provisioning_group_path instead) or disable a capability."
    }
  }
}
