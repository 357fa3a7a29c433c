/**
 * sync across the organization's member accounts, against moto over HTTP with its IAM authorization mode on (so a
 * missing member role or a trust policy that does not let the management role in is really refused, as on AWS;
 * without it moto hands out credentials for any role). The estate: test/harness/seed-members.ts.
 */
import Ajv from 'ajv';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runAsync } from '../../harness/process';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { capability, renderDocument } from '../../../connector/src/policy/capabilities';
import { createAwsContext, AwsContext } from '../../../connector/src/aws';
import { syncAws, Snapshot } from '../../../connector/src/sync';
import schema from '../../../connector/src/sync/snapshot.schema.json';
import { useMoto, MOTO_REGION, REPO_ROOT } from '../../harness/moto';
import { startMissingRoleProxy, MissingRoleProxy } from '../../harness/missing-role-proxy';
import { EXTERNAL_ID, MANAGEMENT_ACCOUNT, MANAGEMENT_ROLE_ARN, MEMBER_ROLE_NAME, MemberEstate, seedMemberEstate } from '../../harness/seed-members';

const moto = useMoto({ resetBeforeEach: false });
let estate: MemberEstate;
let proxy: MissingRoleProxy;
const validateSchema = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** The management role's session, as ConductorOne's connector has it (assumed with the external ID). */
const managementCtx = (): AwsContext =>
  createAwsContext({ credentials: estate.deployerKeys, region: MOTO_REGION, maxAttempts: 1, assume: { roleArn: MANAGEMENT_ROLE_ARN, externalId: EXTERNAL_ID, propagationTimeoutMs: 0 } });

beforeAll(async () => {
  estate = await seedMemberEstate({ targeted: 5, users: 4, groups: 2, roles: 2, edgeCases: true });
  await moto.setAuth(0);
  // AWS refuses AssumeRole of a removed role or one whose trust does not name the management role; moto does not
  // (see the proxy): the proxy answers those as AWS does.
  proxy = await startMissingRoleProxy(moto.endpoint, [estate.roleRemoved!, estate.wrongTrust!, estate.outsideTargets!].map((a) => `arn:aws:iam::${a}:role/${MEMBER_ROLE_NAME}`));
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
}, 120_000);
// Registered after useMoto's own afterAll (which stops moto), so nothing here may call moto.
afterAll(() => proxy?.stop());

async function sync(resourceTypes?: string[]): Promise<{ snapshot: Snapshot; calls: Record<string, number> }> {
  const ctx = managementCtx();
  try {
    const r = await syncAws(ctx, { organizations: true, memberAccounts: { iamAssumeRoleName: MEMBER_ROLE_NAME }, concurrency: 4, syncedAt: '2026-01-01T00:00:00.000Z', ...(resourceTypes ? { resourceTypes } : {}) });
    return { snapshot: r.snapshot, calls: r.stats.calls };
  } finally {
    ctx.destroy();
  }
}

const inAccount = (id: string, account: string) => id.includes(`:iam::${account}:`);

test('every reachable member account matches the seeded ground truth; the others are warnings and marked missing', async () => {
  const { snapshot } = await sync();
  expect(validateSchema(snapshot)).toBe(true);
  for (const account of estate.ready) {
    const resources = snapshot.resources
      .filter((r) => ['iam_user', 'group', 'role'].includes(r.id.resourceType) && inAccount(r.id.resource, account))
      .map((r) => `${r.id.resourceType}:${r.id.resource}`)
      .sort();
    expect(resources).toEqual(estate.expectedResources[account]);
    for (const r of snapshot.resources.filter((x) => inAccount(x.id.resource, account))) expect(r.parent).toEqual({ resourceType: 'account_iam', resource: account });
    const grants = snapshot.grants.filter((g) => g.id.startsWith('group:') && inAccount(g.id, account)).map((g) => g.id).sort();
    expect(grants).toEqual(estate.expectedGrants[account]);
  }
  const members = snapshot.source.memberAccounts as { accountId: string; data: string; reason?: string }[];
  const byId = Object.fromEntries(members.map((m) => [m.accountId, m]));
  for (const a of estate.ready) expect(byId[a].data).toBe('synced');
  for (const a of [estate.roleRemoved!, estate.wrongTrust!, estate.outsideTargets!]) {
    expect(byId[a]).toMatchObject({ data: 'missing', reason: expect.stringMatching(/cannot assume .*ConductorOneMemberAccess/) });
    expect(snapshot.resources.filter((r) => r.id.resourceType !== 'account' && r.id.resourceType !== 'account_iam' && inAccount(r.id.resource, a))).toEqual([]);
    expect(snapshot.warnings.some((w) => w.source === 'member-accounts' && w.message.includes(`account ${a} `) && /left out/.test(w.message))).toBe(true);
    expect(snapshot.resources.find((r) => r.id.resourceType === 'account_iam' && r.id.resource === a)).toMatchObject({ status: 'unknown', profile: { aws_iam_data: 'missing' } });
  }
  // Suspended accounts are not read (baton-aws skips accounts that are not ACTIVE) and get no account_iam.
  expect(byId[estate.suspended!]).toBeUndefined();
  expect(snapshot.resources.some((r) => r.id.resourceType === 'account_iam' && r.id.resource === MANAGEMENT_ACCOUNT)).toBe(false);
}, 120_000);

test('AWS calls per member account stay within 2 of a single-account sync', async () => {
  const single = managementCtx();
  let singleCalls: number;
  try {
    singleCalls = (await syncAws(single, { organizations: false })).stats.totalCalls;
  } finally {
    single.destroy();
  }
  const { calls } = await sync();
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  // The management account's own reads (single + the organization) are the baseline; the rest is per member account.
  const orgCalls = (calls['organizations:DescribeOrganization'] ?? 0) + (calls['organizations:ListAccounts'] ?? 0);
  const members = estate.ready.length + 3; // ready, role removed, wrong trust, outside targets: all attempted
  const perAccount = (total - singleCalls - orgCalls) / members;
  expect(perAccount).toBeLessThanOrEqual(singleCalls + 2);
  expect(calls['sts:AssumeRole']).toBeGreaterThanOrEqual(members);
}, 120_000);

test('the CLI as the Terraform step runs it (env only): exit 0, the member warnings, the summary line', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'c1-members-'));
  const out = path.join(dir, 'snapshot.json');
  const env = {
    ...process.env,
    ...moto.env,
    AWS_ENDPOINT_URL: proxy.endpoint,
    AWS_ACCESS_KEY_ID: estate.deployerKeys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: estate.deployerKeys.secretAccessKey,
    BATON_ROLE_ARN: MANAGEMENT_ROLE_ARN,
    BATON_EXTERNAL_ID: EXTERNAL_ID,
    BATON_GLOBAL_AWS_ORGS_ENABLED: 'true',
    BATON_IAM_ASSUME_ROLE_NAME: MEMBER_ROLE_NAME,
  };
  const run = await runAsync(process.execPath, [path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js'), 'sync', '-o', out], { env, timeoutMs: 120_000 });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(new RegExp(`member accounts: IAM read in ${estate.ready.length} of ${estate.ready.length + 3}`));
  expect(run.stderr).toMatch(new RegExp(`member-accounts: account ${estate.roleRemoved} \\(member-000\\): its IAM is left out: cannot assume`));
  const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
  expect(snap.resources.filter((r) => r.id.resourceType === 'account_iam')).toHaveLength(estate.ready.length + 3);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

test('a failing management-account read still fails the sync (member accounts are fail-soft, the management account is not)', async () => {
  // A management role without iam_sync: its own GetAccountAuthorizationDetails is denied (moto's authorization mode).
  const setup = createAwsContext({ credentials: estate.deployerKeys, region: MOTO_REGION, maxAttempts: 1 });
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:user/deployer` }, Action: 'sts:AssumeRole' }] };
  await setup.iam.send(new CreateRoleCommand({ RoleName: 'NoIamRead', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  const vars = { partition: 'aws', accountId: MANAGEMENT_ACCOUNT, memberRolePath: '/', memberRoleName: MEMBER_ROLE_NAME, organizationId: estate.organizationId };
  for (const id of ['organizations_sync', 'member_accounts_access'] as const) {
    await setup.iam.send(new PutRolePolicyCommand({ RoleName: 'NoIamRead', PolicyName: id, PolicyDocument: JSON.stringify(renderDocument(capability(id).document, vars)) }));
  }
  setup.destroy();
  const ctx = createAwsContext({ credentials: estate.deployerKeys, region: MOTO_REGION, maxAttempts: 1, assume: { roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/NoIamRead`, propagationTimeoutMs: 0 } });
  try {
    await expect(syncAws(ctx, { organizations: true, memberAccounts: { iamAssumeRoleName: MEMBER_ROLE_NAME } })).rejects.toMatchObject({ name: 'SyncError', phase: 'IAM users, groups and roles' });
    // It stopped there: no member account was tried.
    expect(ctx.calls.count('sts:AssumeRole')).toBe(1);
  } finally {
    ctx.destroy();
  }
}, 120_000);

test('--sync-resource-types: a member-account type still reads every member account (through the account list); account alone assumes no member role', async () => {
  const all = await sync();
  const groups = await sync(['group']);
  expect(groups.snapshot.resources).toEqual(all.snapshot.resources.filter((r) => r.id.resourceType === 'group'));
  expect(groups.snapshot.resources.some((r) => estate.ready.some((a) => inAccount(r.id.resource, a)))).toBe(true);
  expect(groups.calls['sts:AssumeRole']).toBe(all.calls['sts:AssumeRole']);
  const accountIam = await sync(['account_iam']);
  expect(accountIam.snapshot.resources).toEqual(all.snapshot.resources.filter((r) => r.id.resourceType === 'account_iam'));
  // account: the account list, no IAM crawl, and only the management role's own AssumeRole.
  const accounts = await sync(['account']);
  expect(accounts.calls['organizations:ListAccounts']).toBeGreaterThan(0);
  expect(accounts.calls['iam:GetAccountAuthorizationDetails']).toBeUndefined();
  expect(accounts.calls['sts:AssumeRole'] ?? 0).toBeLessThan(all.calls['sts:AssumeRole']);
});
