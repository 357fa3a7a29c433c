/**
 * ConductorOneRole: the IAM role ConductorOne's AWS connector assumes, one inline policy per enabled capability.
 * The same resources as modules/conductorone-aws-role (parity is tested on plans); permissions come only from the
 * module's policies/ files, read at synth time.
 */
import { Construct } from 'constructs';
import { DataResource, Fn, IResolvable, Op, TerraformLocal, Token, ref } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePoliciesExclusive } from '@cdktf/provider-aws/lib/iam-role-policies-exclusive';
import defaults from '../modules/conductorone-aws-role/defaults.json';
import grammar from '../modules/conductorone-aws-role/grammar.json';
import manifest from '../modules/conductorone-aws-role/policies/capabilities.json';
import { CAPABILITY_IDS, CapabilityId, PolicyDocument, Toggle, capability } from '../connector/src/policy/capabilities';

/** A feature switch: a constant decided at synth, or a Terraform boolean (a variable). */
export type Switch = boolean | IResolvable;

export interface ConductorOneRoleProps {
  /** External ID shown in ConductorOne's connector settings; required by the trust policy. */
  readonly externalId: string;
  /**
   * More external IDs the trust policy accepts.
   * @default []
   */
  readonly additionalExternalIds?: string[];
  /** @default "ConductorOneIntegration" (defaults.json) */
  readonly roleName?: string;
  /** @default "/" (defaults.json) */
  readonly rolePath?: string;
  /**
   * Managed policy ARN set as the permissions boundary.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
  /** @default 3600 (defaults.json) */
  readonly maxSessionDuration?: number;
  /** @default {} */
  readonly tags?: { [key: string]: string } | IResolvable;
  /**
   * Organizations sync; the role must be created in the management account (checked at plan).
   * @default false
   */
  readonly enableOrganizations?: Switch;
  /**
   * Identity Center sync; needs enableOrganizations.
   * @default false
   */
  readonly enableIdentityCenter?: Switch;
  /**
   * Region of the Identity Center instance. The role is global; ConductorOne's settings take the region.
   * @default "us-east-1" (defaults.json)
   */
  readonly identityCenterRegion?: string;
  /**
   * IAM group provisioning (and Identity Center provisioning when enableIdentityCenter is on).
   * @default false
   */
  readonly enableProvisioning?: Switch;
  /** @default "arn:aws:iam::765656841499:role/ConductorOneService" (defaults.json) */
  readonly trustedPrincipalArn?: string;
  /**
   * Groups ConductorOne may change the membership of.
   * @default [] - every group under provisioningGroupPath
   */
  readonly provisioningGroupArns?: string[];
  /**
   * Path of the groups ConductorOne may manage when provisioningGroupArns is empty.
   * @default "/" (defaults.json)
   */
  readonly provisioningGroupPath?: string;
  /**
   * What runs after the role and its policies change: "validate" (c1-aws validate), "sync" (validate, then
   * c1-aws sync --output syncSnapshotPath) or "off"; a constant or a Terraform string (a variable).
   * @default "validate" (defaults.json)
   */
  readonly syncStep?: string;
  /**
   * Snapshot file of the sync step; a relative path is relative to the stack directory (path.root).
   * @default "conductorone-snapshot.json" (defaults.json)
   */
  readonly syncSnapshotPath?: string;
  /**
   * The c1-aws CLI as an argv list, run without a shell with the argument `step` added, e.g. `["c1-aws"]` for a
   * CLI on PATH (a Terraform list may be null).
   * @default - `["node", "<repo>/connector/bin/c1-aws.js"]` when found from the synthesized stack directory
   *   (cdktf.out/stacks/<stack>/), else the step is off
   */
  readonly connectorCommand?: string[];
  /**
   * Let the step assume the role with the external ID (Terraform then hides the step's output; the report goes to
   * a file).
   * @default false
   */
  readonly syncAssumeRole?: Switch;
}

const IAM_POLICY_LIMIT: number = grammar.limits.role_inline_policies_aggregate;

export class ConductorOneRole extends Construct {
  readonly role: IamRole;
  /** The inline policy of each capability the toggles may enable (constant-off ones are absent). */
  readonly policies: Partial<Record<CapabilityId, IamRolePolicy>> = {};
  /** The document given to jsonencode() per capability (tokens for partition and account). */
  readonly documents: Partial<Record<CapabilityId, PolicyDocument>> = {};
  /** Sorted ids of the enabled capabilities (a list, or a Terraform expression when a toggle is a variable). */
  readonly enabledCapabilities: string[];
  /** Names of the enabled inline policies, in capability id order. */
  readonly inlinePolicyNames: string[];
  readonly exclusive: IamRolePoliciesExclusive;
  /** The validation step, unless syncStep is the constant "off". */
  readonly step?: DataResource;
  /** What the step does, or why it is off (a Terraform string). */
  readonly stepStatus: string;
  /** Absolute path of the sync step's snapshot, or null (a Terraform string). */
  readonly syncSnapshotPath: string;
  /** With syncAssumeRole, the step's report file, or null (a Terraform string). */
  readonly syncReportPath: string;

  constructor(scope: Construct, id: string, props: ConductorOneRoleProps) {
    super(scope, id);
    const toggles: Record<Toggle, Switch> = {
      organizations: props.enableOrganizations ?? false,
      identity_center: props.enableIdentityCenter ?? false,
      provisioning: props.enableProvisioning ?? false,
    };

    const partition = named(new DataAwsPartition(this, 'partition'), 'current');
    const caller = named(new DataAwsCallerIdentity(this, 'caller'), 'current');
    const accountId = caller.accountId;

    // Read only when enabled: the data source fails in an account without an organization.
    let masterAccountId: string | undefined;
    if (toggles.organizations !== false) {
      const counted = toggles.organizations !== true;
      const org = named(new DataAwsOrganizationsOrganization(this, 'organization', counted ? { count: when(toggles.organizations, 1, 0) } : {}), 'this');
      masterAccountId = counted ? Token.asString(ref(`one(data.${org.terraformResourceType}.this[*].master_account_id)`)) : org.masterAccountId;
    }

    const externalIds = props.additionalExternalIds
      ? Fn.concat([[props.externalId], props.additionalExternalIds])
      : [props.externalId];
    const trustedPrincipal = props.trustedPrincipalArn ?? defaults.trusted_principal_arn;
    // ConductorOne generates its external IDs and its connector refuses other lengths (external_id_conductorone);
    // a principal of the user's own keeps STS's rule (external_id). Decided at synth when the principal is constant.
    const idRule = externalIdRule(trustedPrincipal);
    const preconditions: { condition: unknown; errorMessage: string }[] = [
      // The external IDs are checked here, not in variable validations: Terraform 1.11 prints a sensitive variable's
      // value in a failed validation's diagnostic, not in a precondition's. Nothing is created before the role.
      { condition: `\${${idRule.check(hclExpr(props.externalId))}}`, errorMessage: `external_id ${idRule.text}.` },
      ...(props.additionalExternalIds
        ? [{ condition: `\${alltrue([for v in ${hclExpr(props.additionalExternalIds)} : ${idRule.check('v')}])}`, errorMessage: `Each additional_external_ids entry ${idRule.text}.` }]
        : []),
      {
        condition: Op.eq(Fn.element(Fn.split(':', trustedPrincipal), 1), partition.partition),
        errorMessage: `trusted_principal_arn is in partition ${Fn.element(Fn.split(':', trustedPrincipal), 1)} but this role is in partition ${partition.partition}: IAM cannot trust a principal of another partition. Use ConductorOne's principal for this partition.`,
      },
    ];
    if (masterAccountId !== undefined) {
      const sameAccount = Op.eq(masterAccountId, accountId);
      preconditions.push({
        condition: toggles.organizations === true ? sameAccount : when(toggles.organizations, sameAccount, true),
        errorMessage:
          `enable_organizations is on but this role would be created in member account ${accountId}: ConductorOne would answer a 400 when the integration is saved, because the role is in a member account (only the management account can list the organization's accounts). ` +
          `Create the role in the management account ${masterAccountId} or set enable_organizations = false.`,
      });
    }

    if (props.provisioningGroupArns) {
      // A group ARN of another account or partition would be a grant the role cannot use: fail at plan instead.
      preconditions.push({
        condition: `\${alltrue([for arn in ${Token.asString(Token.asAny(props.provisioningGroupArns))} : split(":", arn)[1] == ${partition.partition} && split(":", arn)[4] == ${accountId}])}`,
        errorMessage: `Each provisioning_group_arns entry must be a group of this role's account (${accountId}) and partition (${partition.partition}): the role can only change the membership of its own account's groups.`,
      });
    }

    this.role = named(
      new IamRole(this, 'role', {
        name: props.roleName ?? defaults.role_name,
        path: props.rolePath ?? defaults.role_path,
        maxSessionDuration: props.maxSessionDuration ?? defaults.max_session_duration,
        permissionsBoundary: props.permissionsBoundaryArn,
        tags: props.tags as { [key: string]: string } | undefined,
        assumeRolePolicy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: trustedPrincipal },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': externalIds } },
            },
          ],
        }),
        lifecycle: { precondition: preconditions as { condition: IResolvable; errorMessage: string }[] },
      }),
      'this',
    );

    const placeholders = { partition: partition.partition, account_id: accountId };
    const groupPath = props.provisioningGroupPath ?? defaults.provisioning_group_path;
    // The privilege-escalation guard: the scoped statements (capabilities.json, by Sid) get provisioningGroupArns,
    // else provisioning_group_scope.path_resource with the group path filled in.
    const pathGroups = [fill(manifest.provisioning_group_scope.path_resource, { ...placeholders, group_path: Token.isUnresolved(groupPath) ? groupPath : hclLiteral(groupPath) })];
    // A local keeps the policy readable; `>= 1` because cdktf's Op drops a literal 0 right operand.
    const groupResources = props.provisioningGroupArns
      ? named(new TerraformLocal(this, 'iam_group_resources', when(Op.gte(Fn.lengthOf(props.provisioningGroupArns), 1), props.provisioningGroupArns, pathGroups)), 'iam_group_resources').asList
      : pathGroups;

    const names: { name: string; on: Switch }[] = [];
    const ids: { id: string; on: Switch }[] = [];
    const sizes: unknown[] = [];
    for (const capId of CAPABILITY_IDS) {
      const cap = capability(capId);
      const on = all(cap.requires.map((t) => toggles[t]));
      if (on === false) continue;
      const document = renderDocument(capId, cap.document, placeholders, groupResources);
      this.documents[capId] = document;
      const policy = named(
        new IamRolePolicy(this, capId, {
          ...(on === true ? {} : { count: when(on, 1, 0) }),
          name: cap.policyName,
          role: this.role.id,
          policy: Fn.jsonencode(document),
        }),
        capId,
      );
      this.policies[capId] = policy;
      // A counted policy is a list: read it with a splat.
      const splat = (a: string) => Token.asList(ref(`${policy.terraformResourceType}.${capId}[*].${a}`));
      names.push({ name: on === true ? policy.name : Token.asString(splat('name')), on });
      ids.push({ id: capId, on });
      sizes.push(Fn.lengthOf(on === true ? policy.policy : Fn.join('', splat('policy'))));
    }
    this.enabledCapabilities = listOf(ids.map((i) => ({ value: i.id, on: i.on })));
    this.inlinePolicyNames = concatOf(names);

    const total = Fn.sum(sizes.length ? sizes : [0]);
    this.exclusive = named(
      new IamRolePoliciesExclusive(this, 'exclusive', {
        roleName: this.role.name,
        policyNames: this.inlinePolicyNames,
        lifecycle: {
          precondition: [
            {
              condition: Op.lt(total, IAM_POLICY_LIMIT),
              errorMessage: `The enabled capabilities' inline policies total ${Token.asString(total)} characters; IAM allows fewer than ${IAM_POLICY_LIMIT} per role. Name fewer groups in provisioning_group_arns (use provisioning_group_path) or disable a capability.`,
            },
          ],
        },
      }),
      'this',
    );

    // The validation step: c1-aws validate (and sync) after every change of the role or its policies.
    const syncStep = props.syncStep ?? defaults.sync_step;
    const assumeRole: Switch = props.syncAssumeRole ?? false;
    const local = (name: string, value: unknown) => named(new TerraformLocal(this, name, value), name);
    const bundled = '${path.module}/../../../connector/bin/c1-aws.js';
    // The CLI as an argv list, run without a shell (local-exec's interpreter): no input is ever parsed as a command.
    const bundledDefault = `fileexists("${bundled}") ? ["node", abspath("${bundled}")] : null`;
    const connectorArgv = local(
      'connector_argv',
      `\${${props.connectorCommand === undefined ? bundledDefault : `${hclExpr(props.connectorCommand)} != null ? ${hclExpr(props.connectorCommand)} : (${bundledDefault})`}}`,
    );
    const snapshot = hclExpr(props.syncSnapshotPath ?? defaults.sync_snapshot_path);
    const snapshotPath = local('sync_snapshot_path', `\${abspath(startswith(${snapshot}, "/") ? ${snapshot} : "\${path.root}/\${${snapshot}}")}`).asString;
    const reportPath = local('sync_report_path', `\${abspath("\${path.root}/${defaults.sync_report_file}")}`).asString;
    // Digests of every external ID, external_id first: validate compares them with the trust policy's
    // sts:ExternalId values (the rotation IDs too) and never sees the secret. Unsalted, so they confirm a guessed ID:
    // sensitive in triggers_replace; nonsensitive here because a marked environment hides the step's output.
    const idList = props.additionalExternalIds ? `concat([${hclExpr(props.externalId)}], ${hclExpr(props.additionalExternalIds)})` : `[${hclExpr(props.externalId)}]`;
    const digests = local('external_id_digests', `\${nonsensitive([for v in ${idList} : nonsensitive(sha256(v))])}`).asList;
    const flag = (v: Switch): string => (typeof v === 'boolean' ? String(v) : Fn.tostring(v));
    const base = {
      BATON_ROLE_ARN: this.role.arn,
      BATON_TRUSTED_PRINCIPAL_ARN: trustedPrincipal,
      BATON_EXTERNAL_ID_SHA256: Fn.join(',', digests),
      BATON_GLOBAL_AWS_ORGS_ENABLED: flag(toggles.organizations),
      BATON_GLOBAL_AWS_SSO_ENABLED: flag(toggles.identity_center),
      BATON_GLOBAL_AWS_SSO_REGION: props.identityCenterRegion ?? defaults.identity_center_region,
      BATON_PROVISIONING: flag(toggles.provisioning),
      // A role created seconds ago may not be visible yet (IAM eventual consistency): validate retries this long.
      BATON_VALIDATE_WAIT: '90',
      C1_SYNC_STEP: syncStep,
      C1_SNAPSHOT_PATH: snapshotPath,
    };
    // The group scope the scoped statements got, so validate judges them against it.
    const byPath = { BATON_PROVISIONING_GROUP_PATH: groupPath };
    const groupScope = props.provisioningGroupArns
      ? when(Op.gte(Fn.lengthOf(props.provisioningGroupArns), 1), { BATON_PROVISIONING_GROUP_ARNS: Fn.jsonencode(props.provisioningGroupArns) }, byPath)
      : byPath;
    // Assuming the role needs the external ID itself; Terraform then hides the step's output, so the reports go to a
    // file. Otherwise the step gets only the digests and its report stays visible.
    const assumed = { BATON_EXTERNAL_ID: props.externalId, BATON_VALIDATE_ASSUME: 'true', BATON_VALIDATE_REPORT: reportPath, C1_REPORT: reportPath };
    const environment = local('sync_step_environment', Fn.merge([base, when(toggles.provisioning, groupScope, {}), when(assumeRole, assumed, {})]));
    const enabled = `${hclExpr(syncStep)} != "off" && ${hclExpr(connectorArgv.asList)} != null`;
    const policies = Object.values(this.policies);
    if (syncStep !== 'off') {
      const digestOf = (capId: CapabilityId) => {
        const p = this.policies[capId]!;
        return p.count === undefined ? Fn.sha256(p.policy) : Token.asString(ref(`sha256(join("", ${p.terraformResourceType}.${capId}[*].policy))`));
      };
      this.step = named(
        new DataResource(this, 'sync_step', {
          count: Token.asNumber(`\${${enabled} ? 1 : 0}`),
          // What the step checked: the role, every policy document and the external IDs (digests, sensitive: plan and
          // state views must not confirm a guessed ID), the settings.
          triggersReplace: {
            role_arn: this.role.arn,
            trusted_principal_arn: trustedPrincipal,
            policies: Object.fromEntries((Object.keys(this.policies) as CapabilityId[]).map((id) => [id, digestOf(id)])),
            external_ids: Fn.sensitive(digests),
            settings: [syncStep, snapshotPath, assumeRole, props.identityCenterRegion ?? defaults.identity_center_region],
          },
          // No shell: local-exec runs interpreter[0] with interpreter[1:] and "step" as its arguments; every value
          // reaches the CLI through the environment. `c1-aws step` validates, then syncs when C1_SYNC_STEP = sync.
          provisioners: [{ type: 'local-exec', interpreter: connectorArgv.asList, command: 'step', environment: environment.asStringMap }],
          dependsOn: [...policies, this.exclusive],
        }),
        'sync_step',
      );
      // Drift Terraform repairs (trust policy, inline policies) changes these: validate again after the repair.
      // Plain references: Terraform's JSON syntax refuses "${...}" here, which is what lifecycle.replaceTriggeredBy emits.
      // Only policies that always exist: Terraform 1.11 fails the apply ("no change found for ...") on a counted
      // resource whose count is 0, so a toggle-counted policy's repaired drift is not re-validated (see README).
      const always = policies.filter((p) => p.count === undefined);
      this.step.addOverride('lifecycle.replace_triggered_by', [this.role, ...always, this.exclusive].map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`));
    }
    const sync = `${hclExpr(syncStep)} == "sync"`;
    const q = (text: string) => JSON.stringify(text);
    const off = q('off: sync_step = "off"');
    const missing = q(`off: connector_command is null and ${bundled.replace('${path.module}', '.')} does not exist (the stack was not synthesized in the c1-aws repository); set connector_command to the installed CLI (e.g. ["c1-aws"]) or sync_step = "off"`);
    const how = `${hclExpr(assumeRole)} ? "assuming the role with the external ID (report in sync_report_path)" : "with the deployer's credentials"`;
    const argv = hclExpr(connectorArgv.asList);
    const runs = `format("%s: runs %s (validate%s) %s", ${hclExpr(syncStep)}, jsonencode(concat(${argv}, ["step"])), ${sync} ? " and sync" : "", ${how})`;
    this.stepStatus = Token.asString(`\${${hclExpr(syncStep)} == "off" ? ${off} : ${argv} == null ? ${missing} : ${runs}}`);
    // "" rather than null: Terraform drops null outputs from state, and cdktf 0.21 then crashes printing outputs.
    this.syncSnapshotPath = Token.asString(`\${${enabled} && ${sync} ? ${hclExpr(snapshotPath)} : ""}`);
    this.syncReportPath = Token.asString(`\${${enabled} && ${hclExpr(assumeRole)} ? ${hclExpr(reportPath)} : ""}`);
  }
}

type StringRule = { pattern: string; min_length: number; max_length: number; rule: string };

/** One grammar rule's check of an HCL expression. */
function ruleCheck(r: StringRule, value: string): string {
  return `length(${value}) >= ${r.min_length} && length(${value}) <= ${r.max_length} && can(regex(${JSON.stringify(r.pattern)}, ${value}))`;
}

/**
 * The external-ID rule for this trusted principal: ConductorOne's (external_id_conductorone) when it is in
 * ConductorOne's account (the default principal's, however the principal is spelled), STS's (external_id) otherwise; a Terraform conditional when the principal is a variable.
 */
/** ConductorOne's AWS account: the default trusted principal's. */
const C1_ACCOUNT = defaults.trusted_principal_arn.split(':')[4];

function externalIdRule(principal: string): { check: (value: string) => string; text: string } {
  const c1: StringRule = grammar.rules.external_id_conductorone;
  const sts: StringRule = grammar.rules.external_id;
  if (!Token.isUnresolved(principal)) {
    const r = principal.split(':')[4] === C1_ACCOUNT ? c1 : sts;
    return { check: (v) => ruleCheck(r, v), text: r.rule };
  }
  const isC1 = `try(split(":", ${hclExpr(principal)})[4], "") == ${JSON.stringify(C1_ACCOUNT)}`;
  return {
    check: (v) => `(${isC1} ? (${ruleCheck(c1, v)}) : (${ruleCheck(sts, v)}))`,
    text: `\${${isC1} ? ${JSON.stringify(c1.rule)} : ${JSON.stringify(sts.rule)}}`,
  };
}

/** A constant string inside a cdktf string: `${` and `%{` escaped so Terraform reads them literally. */
function hclLiteral(s: string): string {
  return s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** A value as an HCL expression inside a `\${...}`: a token as its reference, a constant as a literal. */
function hclExpr(v: unknown): string {
  if (Token.isUnresolved(v)) return Token.asString(Token.asAny(v));
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  return JSON.stringify(v);
}

/** Gives a resource the logical id the HCL module uses, so the synthesized HCL reads like the module. */
function named<T extends { overrideLogicalId(id: string): void }>(r: T, logicalId: string): T {
  r.overrideLogicalId(logicalId);
  return r;
}

/** A constant's branch at synth, else a Terraform conditional. */
function when<A, B>(on: Switch, yes: A, no: B): any {
  if (on === true) return yes;
  if (on === false) return no;
  return Fn.conditional(on, yes, no);
}

/** Conjunction of switches; constants fold at synth. */
function all(switches: Switch[]): Switch {
  if (switches.some((s) => s === false)) return false;
  const vars = switches.filter((s): s is IResolvable => s !== true);
  return vars.length === 0 ? true : vars.reduce((a: IResolvable, b) => Op.and(a, b));
}

/** Replaces each `${name}` placeholder of `text` whose name is a key of `vars`. */
function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}/g, (m, name: string) => (name in vars ? vars[name] : m));
}

/**
 * The capability's document with placeholders replaced by tokens; the statements capabilities.json lists in
 * scoped_statements (by Sid) get the group scope as Resource. A listed Sid the document lacks fails the synth: that
 * statement would keep its unscoped Resource.
 */
export function renderDocument(id: CapabilityId, doc: PolicyDocument, vars: { partition: string; account_id: string }, groups: unknown): PolicyDocument {
  const scoped: string[] = manifest.capabilities[id].scoped_statements;
  const missing = scoped.filter((sid) => !doc.Statement.some((s) => s.Sid === sid));
  if (missing.length) throw new Error(`policies/capabilities.json: ${id}.scoped_statements names ${missing.join(', ')}, which policies/${id}.json does not have`);
  return {
    Version: doc.Version,
    Statement: doc.Statement.map((s) => ({
      ...s,
      Resource: s.Sid !== undefined && scoped.includes(s.Sid) ? (groups as string[]) : Array.isArray(s.Resource) ? s.Resource.map((r) => fill(r, vars)) : fill(s.Resource, vars),
    })),
  };
}

/** A list whose items are constant or conditional: a literal list, or compact([...]) of conditionals. */
function listOf(items: { value: string; on: Switch }[]): string[] {
  if (items.every((i) => i.on === true)) return items.map((i) => i.value);
  return Fn.compact(items.map((i) => when(i.on, i.value, '')));
}

/** Policy names: a literal list when every policy is constant, else concat() of single and splat lists. */
function concatOf(items: { name: string; on: Switch }[]): string[] {
  if (items.every((i) => i.on === true)) return items.map((i) => i.name);
  return Fn.concat(items.map((i) => (i.on === true ? [i.name] : i.name)));
}
