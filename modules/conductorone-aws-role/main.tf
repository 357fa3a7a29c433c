################################################################################
# Shared data: defaults, input grammar and capability manifest (one source of truth with the CDKTF construct and
# the connector)
################################################################################

locals {
  # Generated from variables.tf (npm run generate:defaults); read here only for what is not a variable's value:
  # ConductorOne's account (of the default trusted_principal_arn) and the step's report file name.
  defaults     = jsondecode(file("${path.module}/defaults.json"))
  grammar      = jsondecode(file("${path.module}/grammar.json"))
  rules        = local.grammar.rules
  numbers      = local.grammar.numbers
  manifest     = jsondecode(file("${path.module}/policies/capabilities.json"))
  capabilities = local.manifest.capabilities

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
  trusted_principal_partition = try(split(":", var.trusted_principal_arn)[1], "")
  master_account_id           = one(data.aws_organizations_organization.this[*].master_account_id)
  organization_id             = try(data.aws_organizations_organization.this[0].id, "")

  # ConductorOne generates its external IDs and its connector refuses other lengths (grammar.json
  # external_id_conductorone): any principal of ConductorOne's account, however spelled, gets that rule; a principal
  # of the user's own keeps STS's 2 to 1224 (external_id).
  external_id_rule = local.rules[try(split(":", var.trusted_principal_arn)[4], "") == split(":", local.defaults.trusted_principal_arn)[4] ? "external_id_conductorone" : "external_id"]

  trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = var.trusted_principal_arn }
        Action    = "sts:AssumeRole"
        # Any of the IDs may assume the role, so a new external ID can be rolled out before the old one is removed.
        Condition = { StringEquals = { "sts:ExternalId" = concat([var.external_id], var.additional_external_ids) } }
      }
    ]
  }
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  path                 = var.role_path
  assume_role_policy   = jsonencode(local.trust_policy)
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  lifecycle {
    # The external IDs are checked here rather than in variable validations: Terraform 1.11 prints a sensitive
    # variable's value in a failed validation's diagnostic, but not in a precondition's. Nothing is created before
    # the role, so an invalid ID still fails at plan before anything exists.
    precondition {
      condition     = length(var.external_id) >= local.external_id_rule.min_length && length(var.external_id) <= local.external_id_rule.max_length && can(regex(local.external_id_rule.pattern, var.external_id))
      error_message = "external_id ${local.external_id_rule.rule}."
    }

    precondition {
      condition     = alltrue([for v in var.additional_external_ids : length(v) >= local.external_id_rule.min_length && length(v) <= local.external_id_rule.max_length && can(regex(local.external_id_rule.pattern, v))])
      error_message = "Each additional_external_ids entry ${local.external_id_rule.rule}."
    }

    precondition {
      condition     = local.trusted_principal_partition == local.partition
      error_message = "trusted_principal_arn is in partition \"${local.trusted_principal_partition}\" but this role is in partition \"${local.partition}\": IAM cannot trust a principal of another partition. ConductorOne's default principal is in the aws partition; in GovCloud or China set trusted_principal_arn to ConductorOne's principal for that partition."
    }

    precondition {
      condition     = var.enable_organizations ? local.master_account_id == local.account_id : true
      error_message = "enable_organizations is true but this role would be created in account ${local.account_id}, a member of an organization whose management account is ${coalesce(local.master_account_id, "unknown")}. ConductorOne would answer with a 400 error when the integration is saved, because with AWS Organizations support the role must be in the management account. Create the role in the management account (account ${coalesce(local.master_account_id, "unknown")}) with a provider for that account, or set enable_organizations = false."
    }

    # Checked before anything is created: a missing Sid would leave a statement without the group scope.
    precondition {
      condition     = length(local.unscoped_sids) == 0
      error_message = "policies/capabilities.json lists scoped_statements that the capability documents do not have (${join(", ", local.unscoped_sids)}): the provisioning group scope would not apply. Fix the Sid in capabilities.json or the document."
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
    member_accounts = var.enable_member_accounts
    # The opt-in reads (capabilities.json "opt_in"): ConductorOne's opt-in resource types.
    policies               = var.enable_policy_sync
    access_keys            = var.enable_access_key_sync
    permission_sets        = var.enable_permission_set_sync
    organization_hierarchy = var.enable_organization_hierarchy_sync
  }

  # A capability is on when every toggle it requires is on (capabilities.json "requires").
  enabled_capabilities = {
    for id, c in local.capabilities : id => c if alltrue([for t in c.requires : local.toggles[t]])
  }

  # The opt-in reads switched on, and the baton-aws resource types the enabled capabilities serve (the step's
  # BATON_SYNC_RESOURCE_TYPES).
  enabled_opt_in      = [for id, c in local.enabled_capabilities : id if try(c.opt_in, false)]
  sync_resource_types = sort(distinct(flatten([for c in values(local.enabled_capabilities) : c.resource_types])))

  # The privilege-escalation guard: the statements capabilities.json lists in scoped_statements (by Sid) get the
  # provisioning group scope as their Resource: provisioning_group_arns, else provisioning_group_scope.path_resource
  # with the group path filled in.
  group_scope_resources = (
    length(var.provisioning_group_arns) > 0
    ? var.provisioning_group_arns
    : [templatestring(local.manifest.provisioning_group_scope.path_resource, { partition = local.partition, account_id = local.account_id, group_path = var.provisioning_group_path })]
  )

  # Every placeholder a capability document may hold (member_accounts_access: the member roles it may assume).
  document_variables = {
    partition        = local.partition
    account_id       = local.account_id
    member_role_path = var.member_role_path
    member_role_name = var.member_role_name
    organization_id  = local.organization_id
  }

  rendered = {
    for id in keys(local.enabled_capabilities) :
    id => jsondecode(templatefile("${path.module}/policies/${id}.json", local.document_variables))
  }

  policy_documents = {
    for id, doc in local.rendered : id => merge(doc, {
      # merge() with a filtered object, not a conditional: the two branches would be objects of different types.
      Statement = [for s in doc.Statement : merge(s, { for k, v in { Resource = local.group_scope_resources } : k => v if contains(local.capabilities[id].scoped_statements, try(s.Sid, "")) })]
    })
  }

  # Scoped Sids missing from their document (refused by a precondition of the role).
  unscoped_sids = flatten([
    for id, doc in local.rendered : [
      for sid in local.capabilities[id].scoped_statements : "${id}.${sid}" if !contains([for s in doc.Statement : try(s.Sid, "")], sid)
    ]
  ])

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

################################################################################
# Member accounts: a read-only member role in every targeted account, through a service-managed StackSet
################################################################################

locals {
  # The path goes in front of the name without its leading slash: baton-aws assumes
  # arn:aws:iam::<member account>:role/<IAM assume role name> (pkg/connector/aws_client_factory.go).
  iam_assume_role_name = "${trimprefix(var.member_role_path, "/")}${var.member_role_name}"

  # Left out = the organization's root: every member account, and every account created later.
  root_id       = try(data.aws_organizations_organization.this[0].roots[0].id, "")
  member_ou_ids = var.enable_member_accounts ? (var.member_account_targets.organizational_unit_ids != null ? var.member_account_targets.organizational_unit_ids : [local.root_id]) : []

  # The member role's policies: the same capability documents as this role's (iam_sync; iam_provisioning when asked;
  # the optional reads of policies and access keys when switched on, because ConductorOne's connector reads member
  # accounts' policies and keys with per-principal calls through the member role: pkg/connector/iam_policy.go:138,
  # inline_policy.go:82, secrets.go:55 at baton-aws 2156bebe), with CloudFormation's pseudo parameters where the
  # documents hold ${partition} and ${account_id}, so each member account's stack fills in its own partition and
  # account (Fn::Sub). Permission sets and the hierarchy live in the management account only.
  member_capability_ids = concat(
    ["iam_sync"],
    var.enable_member_provisioning ? ["iam_provisioning"] : [],
    var.enable_policy_sync ? ["policy_sync"] : [],
    var.enable_access_key_sync ? ["access_key_sync"] : [],
  )
  member_document_variables = merge(local.document_variables, {
    partition  = "$${AWS::Partition}"
    account_id = "$${AWS::AccountId}"
  })
  member_rendered = {
    for id in local.member_capability_ids :
    id => jsondecode(templatefile("${path.module}/policies/${id}.json", local.member_document_variables))
  }
  # The privilege-escalation guard in every member account: group ARNs name one account, so only the path scopes.
  member_group_scope = templatestring(local.manifest.provisioning_group_scope.path_resource, {
    partition  = "$${AWS::Partition}"
    account_id = "$${AWS::AccountId}"
    group_path = var.provisioning_group_path
  })
  member_policies = [
    for id in local.member_capability_ids : {
      PolicyName = local.capabilities[id].policy_name
      PolicyDocument = merge(local.member_rendered[id], {
        Statement = [for s in local.member_rendered[id].Statement : merge(s, {
          # The document's shape kept (a string stays one Fn::Sub, a list a list; a scoped statement gets the scope as
          # a list, as this role's does). A tuple indexed, not a conditional: the two shapes are different types.
          Resource = [
            { "Fn::Sub" = flatten([s.Resource])[0] },
            [for r in(contains(local.capabilities[id].scoped_statements, try(s.Sid, "")) ? [local.member_group_scope] : flatten([s.Resource])) : { "Fn::Sub" = r }],
          ][can(tolist(s.Resource)) || contains(local.capabilities[id].scoped_statements, try(s.Sid, "")) ? 1 : 0]
        })]
      })
    }
  ]
  # IAM counts the member role's inline policies together, as this role's. Measured on the template's documents, whose
  # Fn::Sub wrappers and pseudo parameters (17 characters) are longer than what each stack fills in (a partition, a
  # 12-digit account): an upper bound of the size in every member account.
  member_policies_size = sum(concat([0], [for p in local.member_policies : length(jsonencode(p.PolicyDocument))]))
  # Only Resource goes through Fn::Sub: a placeholder anywhere else would reach IAM unfilled (refused by a
  # precondition of the stack set).
  member_unfilled = [
    for id in local.member_capability_ids : id
    if strcontains(jsonencode([for s in local.member_rendered[id].Statement : { for k, v in s : k => v if k != "Resource" }]), "{AWS::")
  ]

  # ConductorOne's connector assumes the member role from this role's session with no external ID (baton-aws), so
  # the trust is exactly this role, within the organization. Built from its inputs (the stack set depends on the
  # role), so the template is known at plan.
  management_role_arn = "arn:${local.partition}:iam::${local.account_id}:role${var.role_path}${var.role_name}"
  member_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = local.management_role_arn }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = local.organization_id } }
      }
    ]
  }

  member_template = {
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "ConductorOne's member-account role, deployed from the management account (${local.account_id}) by the StackSet ${var.member_stack_set_name}. Managed by Terraform: change it there."
    Resources = {
      ConductorOneMemberRole = {
        Type = "AWS::IAM::Role"
        Properties = {
          RoleName                 = var.member_role_name
          Path                     = var.member_role_path
          Description              = var.enable_member_provisioning ? "Lets ConductorOne's role in the management account read this account's IAM and change the membership of its groups under ${var.provisioning_group_path}." : "Lets ConductorOne's role in the management account read this account's IAM."
          AssumeRolePolicyDocument = local.member_trust_policy
          Policies                 = local.member_policies
          Tags                     = [for k in sort(keys(var.tags)) : { Key = k, Value = var.tags[k] }]
        }
      }
    }
  }

  stack_set_trusted_access = "member.org.stacksets.cloudformation.amazonaws.com"
  organization             = one(data.aws_organizations_organization.this)
}

resource "aws_cloudformation_stack_set" "member" {
  count = var.enable_member_accounts ? 1 : 0

  name             = var.member_stack_set_name
  description      = "ConductorOne's member-account role (${local.iam_assume_role_name}) in every targeted account of the organization."
  permission_model = "SERVICE_MANAGED"
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = jsonencode(local.member_template)
  tags             = var.tags

  # A new account in a targeted OU gets the role without a Terraform run; an account that leaves loses it.
  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  managed_execution {
    active = true
  }

  operation_preferences {
    failure_tolerance_percentage = var.member_stack_set_operation_preferences.failure_tolerance_percentage
    max_concurrent_percentage    = var.member_stack_set_operation_preferences.max_concurrent_percentage
    region_concurrency_type      = var.member_stack_set_operation_preferences.region_concurrency_type
  }

  # The member roles trust this role: IAM refuses a trust policy naming a role that does not exist yet.
  depends_on = [aws_iam_role.this]

  lifecycle {
    # CloudFormation fills it in for service-managed stack sets.
    ignore_changes = [administration_role_arn]

    precondition {
      condition     = try(local.organization.feature_set, "") == "ALL"
      error_message = "enable_member_accounts needs an organization with all features enabled (service-managed StackSets); organization ${try(local.organization.id, "unknown")} has feature set \"${try(local.organization.feature_set, "unknown")}\". Enable all features in the Organizations console (Settings), or set enable_member_accounts = false."
    }

    precondition {
      condition     = var.member_account_targets.account_ids == null ? true : !contains(var.member_account_targets.account_ids, try(local.organization.master_account_id, ""))
      error_message = "member_account_targets.account_ids names the management account ${try(local.organization.master_account_id, "unknown")}: StackSets never deploy there (this role covers it), so it selects nothing. Leave it out."
    }

    precondition {
      condition     = contains(try(local.organization.aws_service_access_principals, []), local.stack_set_trusted_access)
      error_message = "enable_member_accounts needs trusted access for CloudFormation StackSets in organization ${try(local.organization.id, "unknown")} (${local.stack_set_trusted_access} is not among its enabled services), or the StackSet cannot deploy into member accounts. Activate it once from the management account: CloudFormation console > StackSets > \"Activate trusted access\", or `aws cloudformation activate-organizations-access`; then plan again. Or set enable_member_accounts = false."
    }

    precondition {
      condition     = local.member_policies_size < local.policies_limit
      error_message = "The member role's inline policies (${join(", ", local.member_capability_ids)}) total up to ${local.member_policies_size} characters; IAM allows fewer than ${local.policies_limit} per role. Shorten provisioning_group_path or turn off enable_member_provisioning, enable_policy_sync or enable_access_key_sync."
    }

    precondition {
      condition     = length(local.member_unfilled) == 0
      error_message = "The capability documents ${join(", ", local.member_unfilled)} hold $${partition} or $${account_id} outside Resource, which the member role's template does not fill in. Move the placeholder into Resource or fill it in main.tf."
    }
  }
}

# One instance per OU (in the provider's region: IAM is global), so adding an OU creates its stacks without
# replacing the others'.
resource "aws_cloudformation_stack_set_instance" "member" {
  for_each = toset(local.member_ou_ids)

  stack_set_name = aws_cloudformation_stack_set.member[0].name
  retain_stack   = false

  deployment_targets {
    organizational_unit_ids = [each.key]
    account_filter_type     = var.member_account_targets.account_filter_type
    accounts                = var.member_account_targets.account_ids
  }

  operation_preferences {
    failure_tolerance_percentage = var.member_stack_set_operation_preferences.failure_tolerance_percentage
    max_concurrent_percentage    = var.member_stack_set_operation_preferences.max_concurrent_percentage
    region_concurrency_type      = var.member_stack_set_operation_preferences.region_concurrency_type
    concurrency_mode             = var.member_stack_set_operation_preferences.concurrency_mode
  }
}

################################################################################
# Validation step: c1-aws validate (and sync) after every change of the role or its policies
################################################################################

locals {
  # The CLI as an argv list, run without a shell: connector_command, else the CLI beside the module (this repository
  # or the npm package) when the module is used where it lies, else the step is off. A copy Terraform downloaded
  # (git or registry source, under .terraform/modules/) holds the CLI's file but not its installed dependencies.
  bundled_connector = abspath("${path.module}/../../connector/bin/c1-aws.js")
  module_downloaded = strcontains(abspath(path.module), "/.terraform/modules/")
  connector_argv    = var.connector_command != null ? var.connector_command : (!local.module_downloaded && fileexists(local.bundled_connector) ? ["node", local.bundled_connector] : null)
  step_enabled      = var.sync_step != "off" && local.connector_argv != null

  sync_snapshot_path = abspath(startswith(var.sync_snapshot_path, "/") ? var.sync_snapshot_path : "${path.root}/${var.sync_snapshot_path}")
  sync_report_path   = abspath("${path.root}/${local.defaults.sync_report_file}")

  # Digests of every external ID, external_id first: validate compares them with the trust policy's sts:ExternalId
  # values (the rotation IDs too) and never sees the secret. Unsalted, so they confirm a guessed ID: shown nowhere
  # (sensitive in triggers_replace; a provisioner's environment is not printed). nonsensitive() on the list and each
  # element, because a marked environment would make Terraform hide the step's output.
  external_id_digests = nonsensitive([for v in concat([var.external_id], var.additional_external_ids) : nonsensitive(sha256(v))])

  step_environment = merge(
    {
      BATON_ROLE_ARN                = aws_iam_role.this.arn
      BATON_TRUSTED_PRINCIPAL_ARN   = var.trusted_principal_arn
      BATON_EXTERNAL_ID_SHA256      = join(",", local.external_id_digests)
      BATON_GLOBAL_AWS_ORGS_ENABLED = tostring(var.enable_organizations)
      BATON_GLOBAL_AWS_SSO_ENABLED  = tostring(var.enable_identity_center)
      BATON_GLOBAL_AWS_SSO_REGION   = var.identity_center_region
      BATON_PROVISIONING            = tostring(var.enable_provisioning)
      # A role created seconds ago may not be visible yet (IAM eventual consistency): validate retries this long.
      BATON_VALIDATE_WAIT = "90"
      C1_SYNC_STEP        = var.sync_step
      C1_SNAPSHOT_PATH    = local.sync_snapshot_path
      # baton-aws's names: read member accounts' IAM through the member role (also with Identity Center on).
      BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED = tostring(var.enable_member_accounts)
    },
    # The member roles as the module made them, so validate judges the StackSet and the roles against them.
    var.enable_member_accounts ? {
      BATON_IAM_ASSUME_ROLE_NAME  = local.iam_assume_role_name
      BATON_MEMBER_STACK_SET_NAME = var.member_stack_set_name
      BATON_MEMBER_PROVISIONING   = tostring(var.enable_member_provisioning)
    } : {},
    # The group scope the module gave the scoped statements, so validate judges them against it.
    var.enable_provisioning ? (
      length(var.provisioning_group_arns) > 0
      # JSON, not a comma list: a group path or name may itself hold ",arn:".
      ? { BATON_PROVISIONING_GROUP_ARNS = jsonencode(var.provisioning_group_arns) }
      : { BATON_PROVISIONING_GROUP_PATH = var.provisioning_group_path }
    ) : {},
    # ConductorOne's opt-in reads, by baton-aws's names: access keys are its "sync secrets"; the resource types are the
    # sorted union of the enabled capabilities' resource_types (capabilities.json), so validate and sync produce what
    # the role now allows, the opt-in types included. Only with an opt-in switch on: otherwise every type syncs.
    var.enable_access_key_sync ? { BATON_SYNC_SECRETS = "true" } : {},
    length(local.enabled_opt_in) > 0 ? { BATON_SYNC_RESOURCE_TYPES = join(",", local.sync_resource_types) } : {},
    # Assuming the role needs the external ID itself; Terraform then hides the step's output, so the reports go to
    # a file. Otherwise the step gets only the digests and its report stays visible.
    var.sync_assume_role ? { BATON_EXTERNAL_ID = var.external_id, BATON_VALIDATE_ASSUME = "true", BATON_VALIDATE_REPORT = local.sync_report_path, C1_REPORT = local.sync_report_path } : {},
  )
}

resource "terraform_data" "sync_step" {
  count = local.step_enabled ? 1 : 0

  # What the step checked: the role, every policy document and the external IDs (digests, sensitive: plan and state
  # views must not confirm a guessed ID), and the step's settings.
  triggers_replace = [
    aws_iam_role.this.arn,
    var.trusted_principal_arn,
    { for id, p in local.policies : id => sha256(p) },
    sensitive(local.external_id_digests),
    [var.sync_step, local.sync_snapshot_path, var.sync_assume_role, var.identity_center_region],
    # The member role's template and targets: validate checks the member accounts again after they change.
    # From the configuration, not the stack set's attribute: known at plan even when the stack set is replaced.
    var.enable_member_accounts ? sha256(jsonencode(local.member_template)) : "",
    [local.member_ou_ids, var.member_account_targets],
  ]

  # No shell: local-exec runs interpreter[0] with interpreter[1:] and "step" as its arguments, and every value
  # reaches the CLI through the environment, so no input (the module's path included) is ever parsed as a command.
  # `c1-aws step` validates, then syncs when C1_SYNC_STEP = sync.
  provisioner "local-exec" {
    interpreter = local.connector_argv
    command     = "step"
    environment = local.step_environment
  }

  depends_on = [aws_iam_role_policy.this, aws_iam_role_policies_exclusive.this, aws_cloudformation_stack_set_instance.member]

  lifecycle {
    # Drift Terraform repairs (the trust policy, an inline policy) changes these: validate again after the repair.
    replace_triggered_by = [aws_iam_role.this, aws_iam_role_policy.this, aws_iam_role_policies_exclusive.this]
  }
}

# A warning, not a refusal: member provisioning scoped to "/" lets ConductorOne change every group of every member
# account, administrators' groups included.
check "member_provisioning_scope" {
  assert {
    condition     = !(var.enable_member_provisioning && var.provisioning_group_path == "/")
    error_message = "enable_member_provisioning with provisioning_group_path = \"/\" lets ConductorOne change the membership of every IAM group in every member account, administrators' groups included. Put the groups ConductorOne may manage under a path (e.g. \"/conductorone/\") and set provisioning_group_path to it."
  }
}
