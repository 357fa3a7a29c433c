/**
 * examples/organization-member-accounts as its README runs it, against moto, with the module's validation step at
 * its default (the real c1-aws CLI): an organization with a root, three OUs and five member accounts (one closed,
 * one in an OU outside the targets), trusted access for StackSets enabled. One init, then:
 *   - plan-time refusals, before trusted access is on: no trusted access, and bad inputs, each naming the input and
 *     the rule (the rules' text from grammar.json);
 *   - the planned deployment targets of an account filter (moto cannot show its effect, see below);
 *   - apply (step on), then every member account read back through OrganizationAccountAccessRole with the SDK: the
 *     member role is in exactly the targeted accounts, with its trust and policies;
 *   - the example's module call gets enable_policy_sync and enable_access_key_sync through an override file
 *     (OPTIONAL_READS_OVERRIDE: Terraform merges it into the module block; the example itself is unchanged), so the
 *     member roles must hold those reads too (ConductorOne's connector reads member accounts' policies and keys
 *     through them) and the step validates with BATON_SYNC_SECRETS / BATON_SYNC_RESOURCE_TYPES set;
 *   - a second plan that differs only in the stack set attributes moto does not return (named below);
 *   - destroy: no member role, no stack set, the management account's IAM as before.
 */
import { CloudFormationClient, DeleteStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeAccountCommand,
  EnableAWSServiceAccessCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { flat, iamInventory, prepareRoot, stepTable, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../harness/moto';
import { RunResult, terraformAsync } from '../harness/terraform';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import grammar from '../../modules/conductorone-aws-role/grammar.json';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const SECRET = 'Mx7-MemberAccountsSecret-ExtId-3f9a0c2d81';
const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;
const STACKSETS_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

/**
 * What moto's DescribeStackSet does not return (moto 5.2.1): the provider then reads them as unset and the second
 * plan wants to set them again. moto's gap, not the module's; every other attribute must be unchanged.
 */
const MOTO_UNRETURNED_STACK_SET_ATTRIBUTES = ['auto_deployment', 'capabilities', 'managed_execution'];

/**
 * Two optional reads switched on for the whole run. moto 5.2.1's UpdateStackSet does not redeploy the instances'
 * template, so a later switch could not be seen in the member accounts: the reads are on from the first apply.
 */
const OPTIONAL_READS_OVERRIDE = `module "conductorone_role" {
  enable_policy_sync     = true
  enable_access_key_sync = true
}
`;
/** The member role's capabilities with those switches: the module's member_capability_ids. */
const MEMBER_CAPABILITIES = ['iam_sync', 'policy_sync', 'access_key_sync'] as const;

const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
let org: OrganizationsClient;
let root: TerraformRoot;
let organizationId: string;
let rootId: string;
const ou: Record<'engineering' | 'finance' | 'sandbox', string> = { engineering: '', finance: '', sandbox: '' };
/** Member accounts by label; `targeted` = in a targeted OU; `closed` = closed before the apply. */
const accounts: Record<string, { id: string; ou: keyof typeof ou; targeted: boolean; closed: boolean }> = {};
let before: Awaited<ReturnType<typeof iamInventory>>;

const tfVars = (ouIds: string[], extra: string[] = []) => ['-var', `organizational_unit_ids=${JSON.stringify(ouIds)}`, ...extra];

/** IAM of a member account, as its OrganizationAccountAccessRole (what moto gives every account Organizations made). */
async function memberIam(accountId: string): Promise<IAMClient> {
  const sts = new STSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
  const r = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'member-accounts-test' }));
  sts.destroy();
  const c = r.Credentials!;
  return new IAMClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken } });
}

async function memberRole(accountId: string) {
  const iam = await memberIam(accountId);
  try {
    const role = (await iam.send(new GetRoleCommand({ RoleName: defaults.member_role_name }))).Role!;
    const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: defaults.member_role_name }))).PolicyNames ?? [];
    const policies: Record<string, unknown> = {};
    for (const n of names) {
      const doc = decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: defaults.member_role_name, PolicyName: n }))).PolicyDocument!);
      policies[n] = parseMotoPolicy(doc);
    }
    return { role, trust: JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!)), policies };
  } catch (e) {
    if (e instanceof NoSuchEntityException) return null;
    throw e;
  } finally {
    iam.destroy();
  }
}

/**
 * A role policy as moto returns it. moto 5.2.1 stores the inline policies of a role CloudFormation created as the
 * template's object and returns them as Python's repr of it ({'Version': '2012-10-17', ...}), not JSON; AWS returns
 * (URL-encoded) JSON. Our documents hold no quote inside a string, so swapping the quotes reads the repr exactly;
 * anything else is refused rather than guessed.
 */
function parseMotoPolicy(text: string): unknown {
  if (text.startsWith('{"')) return JSON.parse(text);
  if (!text.startsWith("{'") || /\\|"|\b(True|False|None)\b/.test(text)) throw new Error(`unexpected policy text from moto: ${text.slice(0, 200)}`);
  return JSON.parse(text.replace(/'/g, '"'));
}

/** A capability document as the member role must hold it in `accountId` (policies/<id>.json, placeholders filled). */
const memberDocument = (id: string, accountId: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'modules/conductorone-aws-role/policies', `${id}.json`), 'utf8').replace(/\$\{partition\}/g, 'aws').replace(/\$\{account_id\}/g, accountId)) as {
    Statement: Array<{ Resource: string | string[] }>;
  };

/** A planned or stored value with its empty parts (null, 0, "", [], {}) left out; undefined when all of it is empty. */
function normalized(v: unknown): unknown {
  if (v === null || v === undefined || v === 0 || v === '') return undefined;
  if (Array.isArray(v)) {
    const items = v.map(normalized).filter((x) => x !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, normalized(x)] as const)
      .filter(([, x]) => x !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return v;
}

/** The plan's resource changes (`terraform show -json` of a saved plan). */
async function planJson(args: string[]): Promise<{ code: number; output: string; json?: {
    resource_changes: Array<{
      address: string;
      change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown>; replace_paths?: unknown[][] };
    }>;
  };
}> {
  const r = await root.tf(['plan', '-input=false', '-lock=false', '-out=check.plan', ...args]);
  if (r.code !== 0) return { code: r.code, output: r.output };
  // Not through root.tf: a saved plan holds every variable's value, the external ID too, and its JSON is for this
  // test only (root.captured is checked for the secret; this output is never printed).
  const show = await terraformAsync(root.dir, ['show', '-json', 'check.plan'], moto.env);
  return { code: show.code, output: r.output, json: JSON.parse(show.stdout) };
}

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  org = new OrganizationsClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
  organizationId = (await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!.Id!;
  rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
  for (const name of Object.keys(ou) as Array<keyof typeof ou>) {
    ou[name] = (await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: name }))).OrganizationalUnit!.Id!;
  }
  const plan: Array<[string, keyof typeof ou, boolean]> = [
    ['eng-a', 'engineering', false],
    ['eng-b', 'engineering', false],
    ['fin-a', 'finance', false],
    ['fin-closed', 'finance', true],
    ['sandbox-a', 'sandbox', false],
  ];
  for (const [label, unit, closed] of plan) {
    const status = (await org.send(new CreateAccountCommand({ AccountName: label, Email: `${label}@example.com` }))).CreateAccountStatus!;
    await org.send(new MoveAccountCommand({ AccountId: status.AccountId!, SourceParentId: rootId, DestinationParentId: ou[unit] }));
    accounts[label] = { id: status.AccountId!, ou: unit, targeted: unit !== 'sandbox', closed };
  }
  before = await iamInventory(aws);
  // moto's gap, by name: it returns the inline policies of roles CloudFormation made as Python text, not JSON, so
  // validate (rightly) finds no readable policy in the member roles. The step then judges the member accounts from
  // the StackSet's instances alone (BATON_MEMBER_INSPECT_ROLE_NAME empty: no role read through the inspect role);
  // the roles' trust and policies are read back with the SDK below instead.
  root = await prepareRoot(moto, {
    example: 'examples/organization-member-accounts',
    externalId: SECRET,
    env: { BATON_MEMBER_INSPECT_ROLE_NAME: '' },
    files: { 'optional_reads_override.tf': OPTIONAL_READS_OVERRIDE },
  });
}, 180000);
afterAll(() => {
  aws?.destroy();
  org?.destroy();
});

describe('refused at plan, naming the input and the rule (nothing created)', () => {
  test('without trusted access for StackSets: the precondition says how to turn it on', async () => {
    const r = await root.plan(tfVars([ou.engineering]));
    expect(r.code).toBe(1);
    const text = flat(r.output);
    expect(text).toContain(`enable_member_accounts needs trusted access for CloudFormation StackSets in organization ${organizationId}`);
    expect(text).toContain('aws cloudformation activate-organizations-access');
  }, 120000);

  test('malformed OU and account ids, a role name outside IAM\'s grammar, an empty OU list', async () => {
    const [bad, empty] = await Promise.all([
      root.plan(['-lock=false', ...tfVars(['ou-NOT-valid', 'sandbox'], ['-var', 'excluded_account_ids=["12345"]', '-var', 'member_role_name=has space'])]),
      root.plan(['-lock=false', ...tfVars([])]),
    ]);
    expect(bad.code).toBe(1);
    const text = flat(bad.output);
    expect(text).toContain(`Each member_account_targets.organizational_unit_ids entry ${grammar.rules.organizational_unit_id.rule}.`);
    expect(text).toContain(`Each member_account_targets.account_ids entry ${grammar.rules.account_id.rule}.`);
    expect(text).toContain(`member_role_name ${grammar.rules.role_name.rule}.`);
    expect(empty.code).toBe(1);
    expect(flat(empty.output)).toContain('member_account_targets.organizational_unit_ids is an empty list, which would target no account');
    expect(await iamInventory(aws)).toEqual(before);
  }, 180000);
});

describe('trusted access on', () => {
  let apply: RunResult;
  beforeAll(async () => {
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: STACKSETS_PRINCIPAL }));
    await org.send(new CloseAccountCommand({ AccountId: accounts['fin-closed'].id }));
  }, 60000);

  // moto ignores AccountFilterType (a DIFFERENCE filter still deploys into the excluded account) and does not
  // auto-deploy into accounts created or moved into a targeted OU later, so neither effect can be shown here: what
  // the module asks CloudFormation for is checked instead, in the plan.
  test('an excluded account: every OU\'s instance carries the DIFFERENCE filter; auto-deployment is asked for', async () => {
    const p = await planJson(tfVars([ou.engineering, ou.finance], ['-var', `excluded_account_ids=["${accounts['eng-b'].id}"]`]));
    expect({ code: p.code, tail: p.code ? p.output.slice(-3000) : '' }).toEqual({ code: 0, tail: '' });
    const changes = p.json!.resource_changes;
    const instances = changes.filter((c) => c.address.startsWith('module.conductorone_role.aws_cloudformation_stack_set_instance.member'));
    expect(instances.map((c) => c.change.after!.deployment_targets)).toEqual(
      [ou.engineering, ou.finance].sort().map((id) => [{ organizational_unit_ids: [id], accounts: [accounts['eng-b'].id], account_filter_type: 'DIFFERENCE', accounts_url: null }]),
    );
    const stackSet = changes.find((c) => c.address === 'module.conductorone_role.aws_cloudformation_stack_set.member[0]')!.change.after!;
    expect({ model: stackSet.permission_model, auto: stackSet.auto_deployment, capabilities: stackSet.capabilities, managed: stackSet.managed_execution }).toEqual({
      model: 'SERVICE_MANAGED',
      auto: [{ enabled: true, retain_stacks_on_account_removal: false }],
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managed: [{ active: true }],
    });
  }, 120000);

  // The step's Permissions check holds the management role's sts:AssumeRole on the member roles to exactly the
  // member_accounts_access capability; its member-accounts check reports the targeted accounts ready.
  test('apply exits 0 and the validation step passed every check', async () => {
    apply = await root.apply(tfVars([ou.engineering, ou.finance]));
    const table = stepTable(apply.output, MANAGEMENT_ROLE_ARN);
    const seen = { exit: apply.code, header: table.header, verdict: table.verdict, table: table.lines };
    if (JSON.stringify(seen) !== JSON.stringify({ ...seen, exit: 0, header: true, verdict: 'All checks passed.' })) {
      throw new Error(`${JSON.stringify(seen, null, 1)}\n--- output (end) ---\n${apply.output.slice(-4000)}`);
    }
    expect(Object.entries(table.checks).filter(([, st]) => st !== 'PASS' && st !== 'SKIP')).toEqual([]);
    expect(flat(apply.output)).toMatch(/\d+ of \d+ active member account\(s\) ready/);
  }, 400000);

  test('the member role is in exactly the targeted accounts, trusting exactly the management role in the organization', async () => {
    const found: Record<string, boolean> = {};
    const want: Record<string, boolean> = {};
    for (const [label, a] of Object.entries(accounts)) {
      // A closed account: AWS skips it (suspended); moto deploys regardless, so it is left out of the comparison.
      if (a.closed) continue;
      want[label] = a.targeted;
      const m = await memberRole(a.id);
      found[label] = m !== null;
      if (!m) continue;
      expect({ label, path: m.role.Path, trust: m.trust }).toEqual({
        label,
        path: defaults.member_role_path,
        trust: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: MANAGEMENT_ROLE_ARN }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } } }],
        },
      });
      // IAM sync and the two optional reads (enable_member_provisioning is off), the account's own ARNs filled in by
      // CloudFormation.
      expect({ label, policies: m.policies }).toEqual({ label, policies: Object.fromEntries(MEMBER_CAPABILITIES.map((id) => [manifest.capabilities[id].policy_name, memberDocument(id, a.id)])) });
    }
    expect(found).toEqual(want);
    expect(Object.values(want).filter(Boolean).length).toBe(3);
  }, 120000);

  test('the management role may assume exactly the member roles of its organization', async () => {
    const policy = JSON.parse(
      decodeURIComponent(
        (await aws.iam.send(new GetRolePolicyCommand({ RoleName: defaults.role_name, PolicyName: manifest.capabilities.member_accounts_access.policy_name }))).PolicyDocument!,
      ),
    );
    expect(policy.Statement).toEqual([
      {
        Sid: 'AssumeMemberAccountRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: `arn:aws:iam::*:role/${defaults.member_role_name}`,
        Condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
      },
    ]);
    // The management account gets no stack instance: its own role covers it.
    const roles = (await aws.iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    expect(roles).not.toContain(defaults.member_role_name);
    expect((await org.send(new DescribeAccountCommand({ AccountId: accounts['fin-closed'].id }))).Account!.Status).not.toBe('ACTIVE');
  }, 60000);

  test(`a second plan changes only what moto does not return: ${MOTO_UNRETURNED_STACK_SET_ATTRIBUTES.join(', ')} of the stack set`, async () => {
    const p = await planJson(tfVars([ou.engineering, ou.finance]));
    expect({ code: p.code, tail: p.code ? p.output.slice(-3000) : '' }).toEqual({ code: 0, tail: '' });
    const changed = p.json!.resource_changes.filter((c) => !(c.change.actions.length === 1 && ['no-op', 'read'].includes(c.change.actions[0])));
    // What the plan acts on: an attribute the configuration sets (known and not empty in the plan) to a value other
    // than the state's, and any attribute that forces a replacement. A replacement plans every attribute from the
    // configuration, so attributes it leaves unset (null where the state holds a default: 0, [], {}, or the
    // administration role CloudFormation filled in) and computed ones (known after apply) are no cause.
    const differing = changed.map((c) => ({
      address: c.address,
      actions: c.change.actions,
      attributes: [
        ...new Set([
          ...Object.keys({ ...c.change.before, ...c.change.after }).filter(
            (k) => c.change.after_unknown?.[k] !== true && normalized(c.change.after?.[k]) !== undefined && JSON.stringify(normalized(c.change.before?.[k])) !== JSON.stringify(normalized(c.change.after?.[k])),
          ),
          ...(c.change.replace_paths ?? []).map((p) => String(p[0])),
        ]),
      ].sort(),
    }));
    const detail = JSON.stringify(
      changed.map((c) => ({
        ...differing.find((d) => d.address === c.address),
        replace_paths: c.change.replace_paths,
        values: Object.fromEntries(differing.find((d) => d.address === c.address)!.attributes.map((k) => [k, { before: c.change.before?.[k], after: c.change.after?.[k] }])),
      })),
    );
    expect({ detail, addresses: differing.map((d) => d.address) }).toEqual({ detail, addresses: ['module.conductorone_role.aws_cloudformation_stack_set.member[0]'] });
    // Each differing attribute is one moto leaves out, and the plan sets it back to the module's value.
    expect({ detail, others: differing[0].attributes.filter((a) => !MOTO_UNRETURNED_STACK_SET_ATTRIBUTES.includes(a)) }).toEqual({ detail, others: [] });
    expect(differing[0].attributes.length).toBeGreaterThan(0);
  }, 120000);

  test('destroy exits 0: no member role in any account, the management account\'s IAM as before', async () => {
    // moto 5.2.1's DeleteStackInstances ignores DeploymentTargets and deletes by Accounts only, so the module's
    // OU-targeted deletion (right for AWS) would leave every instance and DeleteStackSet would answer "not empty".
    // Stand in for CloudFormation: delete the instances of every member account through moto's API, then destroy.
    const cfn = new CloudFormationClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    try {
      await cfn.send(new DeleteStackInstancesCommand({ StackSetName: defaults.member_stack_set_name, RetainStacks: false, Regions: [MOTO_REGION], Accounts: Object.values(accounts).map((a) => a.id) }));
    } finally {
      cfn.destroy();
    }
    const r = await root.destroy(tfVars([ou.engineering, ou.finance]));
    if (r.code !== 0) throw new Error(r.output.slice(-4000));
    for (const [label, a] of Object.entries(accounts)) {
      if (a.closed) continue;
      expect({ label, role: (await memberRole(a.id)) !== null }).toEqual({ label, role: false });
    }
    expect(await iamInventory(aws)).toEqual(before);
    // The stack set, its instances and the step are gone from state (DeleteStackSet succeeded: it refuses a non-empty set).
    const state = await root.tf(['state', 'list']);
    expect({ code: state.code, resources: state.stdout.trim() }).toEqual({ code: 0, resources: '' });
  }, 300000);
});

test('the external ID appears in none of the captured output', () => {
  expect(root.captured.length).toBeGreaterThanOrEqual(6);
  expect(root.captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
