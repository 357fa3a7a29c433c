/**
 * `c1-aws grant` / `revoke` as a user runs them, pointed at moto through the environment. Most runs are the CLI's
 * `main` in this process (test/harness/cli-main.ts: the same argv and environment, no ~1 s child start-up); one
 * child-process case each for exit 0, 1 and 2 proves the way from `main`'s result to the binary's exit code.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetGroupCommand } from '@aws-sdk/client-iam';
import { CreateGroupMembershipCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { grantId } from '../../../connector/src/model/ids';
import { MOTO_CREDENTIALS, MOTO_REGION, REPO_ROOT, useMoto } from '../../harness/moto';
import { startFaultProxy } from '../../harness/fault-proxy';
import { seedWorld, World } from './world';
import { runMain } from '../../harness/cli-main';

const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
// Reset is part of this file's own beforeEach (it reseeds after resetting).
const moto = useMoto({ resetBeforeEach: false });
let w: World;
let setup: AwsContext;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `c1-aws <args>` with this file's environment: in process, or with `child` as `node connector/bin/c1-aws.js`. */
function c1(args: string[], env: NodeJS.ProcessEnv = {}, { child = false } = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  if (!child) return runMain(args, { ...base, ...moto.env, ...env });
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...moto.env, ...env }, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeEach(async () => {
  await moto.reset();
  setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(setup);
});
afterEach(() => setup.destroy());

const members = async () => (await setup.iam.send(new GetGroupCommand({ GroupName: 'developers' }))).Users!.map((u) => u.UserName).sort();
const bob = () => ['--entitlement', w.entitlements.iamGroup, '--principal-type', 'iam_user', '--principal', w.iam.bobArn];

test('grant prints the request ID and exits 0; again prints "already granted" and exits 0', async () => {
  // A child process: exit 0 of the binary.
  const first = await c1(['grant', ...bob()], {}, { child: true });
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toMatch(/^granted: IAM user bob in IAM group developers .*request ID \S+/);
  expect(first.stdout).toMatch(/iam:AddUserToGroup: request ID \S+/);
  expect(await members()).toEqual(['bob', 'carol']);
  const again = await c1(['grant', ...bob()]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/^already granted: /);
});

test('--json is one parsable document with the status, the changes and the calls made', async () => {
  const r = await c1(['grant', ...bob(), '--json']);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ verb: 'grant', status: 'granted', dryRun: false, calls: { 'iam:GetGroup': 1, 'iam:AddUserToGroup': 1 } });
  expect(out.changes[0]).toMatchObject({ call: 'iam:AddUserToGroup', requestId: expect.any(String) });
});

test('--dry-run says what it would call and makes no write call', async () => {
  const r = await c1(['grant', '--dry-run', '--json', '--entitlement', w.entitlements.assignment, '--principal-type', 'sso_user', '--principal', w.sso.aliceId]);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ status: 'would-grant', dryRun: true, changes: [{ call: 'sso:CreateAccountAssignment', input: { TargetId: w.accounts.active } }] });
  expect(Object.keys(out.calls).sort()).toEqual(['organizations:DescribeAccount', 'sso:ListAccountAssignments']);
  const rows = await setup.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: w.instanceArn, AccountId: w.accounts.active, PermissionSetArn: w.permissionSetArn }));
  expect(rows.AccountAssignments).toEqual([]);
  const text = await c1(['grant', '--dry-run', ...bob()]);
  expect(text.stdout).toContain('would call iam:AddUserToGroup {"GroupName":"developers","UserName":"bob"}');
  expect(await members()).toEqual(['carol']);
});

test('revoke --grant takes a snapshot grant id; revoking twice says "already revoked"; both exit 0', async () => {
  const id = grantId(w.entitlements.iamGroup, { resourceType: 'iam_user', resource: w.iam.carolArn });
  const first = await c1(['revoke', '--grant', id]);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/^revoked: .*request ID/);
  expect(await members()).toEqual([]);
  const again = await c1(['revoke', '--grant', id, '--json']);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout).status).toBe('already-revoked');
});

test('baton-aws\'s ids as ConductorOne shows them: grant <acct>|<psArn>, revoke grant:sso_user:<arn>:<acct>|<psArn>', async () => {
  // Literal, as baton-aws writes them (account.go:1005, helpers.go:39,67): not built by our code.
  const entitlement = `${w.accounts.active}|${w.permissionSetArn}`;
  const granted = await c1(['grant', '--json', '--entitlement', entitlement, '--principal-type', 'sso_user', '--principal', w.sso.aliceId]);
  expect(granted.code).toBe(0);
  expect(JSON.parse(granted.stdout)).toMatchObject({ status: 'granted', ids: { entitlement } });
  const rows = () => setup.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: w.instanceArn, AccountId: w.accounts.active, PermissionSetArn: w.permissionSetArn }));
  expect((await rows()).AccountAssignments).toHaveLength(1);
  const grantIdFromC1 = `grant:sso_user:${w.sso.aliceId}:${entitlement}`;
  const revoked = await c1(['revoke', '--json', '--grant', grantIdFromC1]);
  expect(revoked.code).toBe(0);
  expect(JSON.parse(revoked.stdout)).toMatchObject({ status: 'revoked', ids: { entitlement, principalType: 'sso_user', principal: w.sso.aliceId } });
  expect((await rows()).AccountAssignments).toEqual([]);
});

test('bad baton-aws ids exit 2 before any AWS call: none reaches the endpoint', async () => {
  // A counting proxy in front of moto (never faulting): its request count proves no call was made.
  const proxy = await startFaultProxy({ target: moto.endpoint, disarmed: true });
  try {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
    const env = { ...base, ...proxy.env };
    const ps = w.permissionSetArn;
    const refused: [string[], RegExp][] = [
      [['grant', '--entitlement', `12345|${ps}`, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], /account id "12345" \(before the '\|'\)/],
      [['grant', '--entitlement', `${w.accounts.active}|arn:aws:iam::aws:policy/AdministratorAccess`, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], /\(after the '\|'\) is not a permission set ARN/],
      [['grant', '--entitlement', `${w.accounts.active}${ps}`, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], /has no '\|'/],
      [['grant', '--entitlement', 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', '--principal-type', 'iam_user', '--principal', w.iam.bobArn], /does not provision iam_policy entitlements/],
      [['grant', '--entitlement', `permission_set:${ps}:assigned`, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], /does not provision permission_set entitlements/],
      [['revoke', '--grant', `grant:sso_user:${w.sso.aliceId}:${w.accounts.active}:${ps}`], /has no '\|' between the account id and the permission set ARN/],
      [['revoke', '--grant', `grant:iam_user:${w.iam.bobArn}:${w.accounts.active}|${ps}`], /not "iam_user"/],
      [['revoke', '--grant', `inline_policy:${w.iam.bobArn}#p:attached:iam_user:${w.iam.bobArn}`], /does not provision inline_policy grants/],
      [['revoke', '--grant', `access-key:AKIAEXAMPLE:owner:iam_user:${w.iam.bobArn}`], /does not provision access-key grants/],
    ];
    for (const [args, message] of refused) {
      const r = await runMain(args, env);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    expect(proxy.stats().requests).toBe(0);
    // The control: a good id through the same proxy is counted.
    expect((await runMain(['grant', '--dry-run', '--entitlement', `${w.accounts.active}|${ps}`, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], env)).code).toBe(0);
    expect(proxy.stats().requests).toBeGreaterThan(0);
  } finally {
    await proxy.stop();
  }
});

test('Identity Center membership end to end', async () => {
  const ids = ['--entitlement', w.entitlements.ssoGroup, '--principal-type', 'sso_user', '--principal', w.sso.aliceId];
  expect(JSON.parse((await c1(['grant', ...ids, '--json'])).stdout).status).toBe('granted');
  expect(JSON.parse((await c1(['grant', ...ids, '--json'])).stdout).status).toBe('already-granted');
  expect(JSON.parse((await c1(['revoke', ...ids, '--json'])).stdout).status).toBe('revoked');
  expect(JSON.parse((await c1(['revoke', ...ids, '--json'])).stdout).status).toBe('already-revoked');
});

describe('revoke --grant <MembershipId>: baton-aws\'s Identity Center membership grant id (sso_group.go:130-134)', () => {
  const SSO = ['--global-aws-orgs-enabled', 'true', '--global-aws-sso-enabled', 'true', '--global-aws-sso-region', MOTO_REGION];
  let dir: string;
  let checker: AwsContext;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c1-membership-'));
    // Reads back through a client of its own: nothing the CLI's process did is taken on trust.
    checker = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  });
  afterEach(() => {
    checker.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const memberships = async (groupId: string) =>
    (await checker.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: groupId }))).GroupMemberships ?? [];
  /** alice joins devs; `c1-aws sync` writes the membership's grant; its id, as the snapshot has it. */
  async function syncedMembershipId(): Promise<string> {
    await setup.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: w.identityStoreId, GroupId: w.sso.devsGroupId, MemberId: { UserId: w.sso.aliceUserId } }));
    const out = path.join(dir, 'snapshot.json');
    const synced = await c1(['sync', '-o', out, '--quiet', ...SSO]);
    expect(synced.code).toBe(0);
    const snapshot = JSON.parse(fs.readFileSync(out, 'utf8')) as { grants: { id: string; entitlement: string; principal: { resourceType: string; resource: string } }[] };
    const grant = snapshot.grants.find((g) => g.entitlement === w.entitlements.ssoGroup && g.principal.resource === w.sso.aliceId);
    expect(grant).toBeDefined();
    return grant!.id;
  }

  test('sync, revoke by the snapshot\'s grant id: the membership is gone; again: already revoked, exit 0', async () => {
    const id = await syncedMembershipId();
    const [row] = await memberships(w.sso.devsGroupId);
    expect(id).toBe(row.MembershipId);
    const r = await c1(['revoke', '--grant', id, '--json', ...SSO]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: 'revoked',
      ids: { entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId },
      changes: [{ call: 'identitystore:DeleteGroupMembership', input: { IdentityStoreId: w.identityStoreId, MembershipId: id } }],
      details: { groupId: w.sso.devsGroupId, userId: w.sso.aliceUserId, membershipId: id },
    });
    // The calls of one revoke by MembershipId, no scope: the instance, the groups (one page), the memberships of the
    // groups searched (devs and ops, at most one each), the delete. GetGroupMembershipId is not needed: the listing found it.
    expect(Object.keys(out.calls).sort()).toEqual(['identitystore:DeleteGroupMembership', 'identitystore:ListGroupMemberships', 'identitystore:ListGroups', 'sso:ListInstances']);
    expect(out.calls).toMatchObject({ 'sso:ListInstances': 1, 'identitystore:ListGroups': 1, 'identitystore:DeleteGroupMembership': 1 });
    expect(out.calls['identitystore:ListGroupMemberships']).toBeLessThanOrEqual(2);
    expect(await memberships(w.sso.devsGroupId)).toEqual([]);

    const again = await c1(['revoke', '--grant', id, ...SSO]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^already revoked: no Identity Center group of identity store ${w.identityStoreId} \\(${MOTO_REGION}\\) holds membership ${id} \\(identitystore:ListGroupMemberships over all 2 groups\\)`));
  });

  test('--dry-run names the delete and makes none', async () => {
    const id = await syncedMembershipId();
    const r = await c1(['revoke', '--grant', id, '--json', '--dry-run', ...SSO]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'would-revoke', changes: [{ call: 'identitystore:DeleteGroupMembership', input: { MembershipId: id } }] });
    expect(JSON.parse(r.stdout).calls['identitystore:DeleteGroupMembership']).toBeUndefined();
    expect((await memberships(w.sso.devsGroupId)).map((m) => m.MembershipId)).toEqual([id]);
  });

  test('with --allowed-groups: inside, revoked through the guard; outside, refused (exit 1) before any write', async () => {
    const id = await syncedMembershipId();
    const onlyOps = w.sso.opsId;
    const refused = await c1(['revoke', '--grant', id, '--json', '--allowed-groups', onlyOps, ...SSO]);
    expect(refused.code).toBe(1);
    const out = JSON.parse(refused.stdout);
    expect(out.error).toMatchObject({ code: 'refused', message: expect.stringContaining(`membership ${id} is in none of the 1 Identity Center groups of identity store ${w.identityStoreId}`) });
    expect(out.error.message).toContain('nothing was changed');
    // Only the group the scope allows was read; no write call was made.
    expect(out.calls).toEqual({ 'sso:ListInstances': 1, 'identitystore:ListGroups': 1, 'identitystore:ListGroupMemberships': 1 });
    expect((await memberships(w.sso.devsGroupId)).map((m) => m.MembershipId)).toEqual([id]);

    const text = await c1(['revoke', '--grant', id, '--allowed-groups', onlyOps, ...SSO]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('either it is in a group outside the provisioning scope or it no longer exists');

    // devs allowed: found, and the guard resolves the group again (its own sso:ListInstances and ListGroups) and lets it through.
    const allowed = await c1(['revoke', '--grant', id, '--json', '--allowed-groups', `${onlyOps},${w.sso.devsId}`, ...SSO]);
    expect(allowed.code).toBe(0);
    const done = JSON.parse(allowed.stdout);
    expect(done).toMatchObject({ status: 'revoked', calls: { 'sso:ListInstances': 2, 'identitystore:ListGroups': 2, 'identitystore:DeleteGroupMembership': 1 } });
    expect(await memberships(w.sso.devsGroupId)).toEqual([]);
  });

  test('a scope of IAM patterns only, or a malformed id: exit 2 before any AWS call', async () => {
    const id = await syncedMembershipId();
    // A counting proxy in front of moto (never faulting): its request count proves no call was made.
    const proxy = await startFaultProxy({ target: moto.endpoint, disarmed: true });
    try {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
      const env = { ...base, ...proxy.env };
      const refused: [string[], RegExp][] = [
        [['revoke', '--grant', id, '--allowed-groups', 'arn:aws:iam::123456789012:group/c1-managed/*', ...SSO], /an Identity Center group membership is outside the provisioning scope .*add a pattern arn:<partition>:identitystore:/],
        [['revoke', '--grant', id.slice(0, -1), ...SSO], /has no resource type and is not an Identity Store MembershipId/],
        [['revoke', '--grant', `${id}0`, ...SSO], /has no resource type and is not an Identity Store MembershipId/],
        [['revoke', '--grant', `x${id.slice(1)}`, ...SSO], /has no resource type and is not an Identity Store MembershipId/],
        [['revoke', '--grant', ` ${id}`, ...SSO], /has no resource type and is not an Identity Store MembershipId/],
        [['revoke', '--grant', `sso_group:${id}`, ...SSO], /not a grant id c1-aws can revoke/],
      ];
      for (const [args, message] of refused) {
        const r = await runMain(args, env);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(message);
      }
      expect(proxy.stats().requests).toBe(0);
      // The control: the good id through the same proxy is counted, and revokes.
      expect((await runMain(['revoke', '--grant', id, ...SSO], env)).code).toBe(0);
      expect(proxy.stats().requests).toBeGreaterThan(0);
      expect(await memberships(w.sso.devsGroupId)).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

test('Identity Center names: grant by names prints the snapshot ids in --json', async () => {
  const names = ['--account', 'workloads', '--permission-set', 'ReadOnly', '--sso-user', 'alice@example.com'];
  const r = await c1(['grant', ...names, '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'granted', ids: { entitlement: w.entitlements.assignment, principalType: 'sso_user', principal: w.sso.aliceId } });
  expect((await c1(['revoke', ...names])).stdout).toMatch(/^revoked: /);
  const unknown = await c1(['grant', '--sso-group', 'nope', '--sso-user', 'alice@example.com']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no Identity Center group named nope');
});

test('a suspended account exits 1, and --json says why', async () => {
  const r = await c1(['grant', '--json', '--entitlement', w.entitlements.suspendedAssignment, '--principal-type', 'sso_user', '--principal', w.sso.aliceId]);
  expect(r.code).toBe(1);
  const out = JSON.parse(r.stdout);
  expect(out).toMatchObject({ status: 'failed', error: { code: 'account-not-active', message: expect.stringContaining('SUSPENDED') } });
  expect(out.calls['sso:CreateAccountAssignment']).toBeUndefined();
  // A child process: exit 1 of the binary.
  const text = await c1(['grant', '--entitlement', w.entitlements.suspendedAssignment, '--principal-type', 'sso_user', '--principal', w.sso.aliceId], {}, { child: true });
  expect(text.code).toBe(1);
  expect(text.stderr).toContain(`c1-aws: grant failed: account ${w.accounts.suspended} is SUSPENDED`);
});

test('a group outside BATON_PROVISIONING_ALLOWED_GROUPS exits 2 before any call', async () => {
  const scope = 'arn:aws:iam::123456789012:group/c1-managed/*';
  // Credentials that could not sign anything: the refusal must come first. A child process: exit 2 of the binary.
  const r = await c1(['grant', '--entitlement', w.entitlements.adminsGroup, '--principal-type', 'iam_user', '--principal', w.iam.bobArn], {
    BATON_PROVISIONING_ALLOWED_GROUPS: scope,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  }, { child: true });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`group ${w.iam.adminsGroupArn} is outside the provisioning scope`);
  expect(r.stderr).toContain(scope);
  expect((await c1(['grant', ...bob(), '--allowed-groups', scope])).code).toBe(0);
});

test('with --role-arn and the external ID it assumes the role for every call', async () => {
  const roleArn = 'arn:aws:iam::123456789012:role/ConductorOneIntegration';
  const r = await c1(['grant', ...bob(), '--json', '--role-arn', roleArn], { BATON_EXTERNAL_ID: 'x'.repeat(32) });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).calls).toMatchObject({ 'sts:AssumeRole': 1, 'iam:AddUserToGroup': 1 });
  const missingId = await c1(['grant', ...bob(), '--role-arn', roleArn]);
  expect(missingId.code).toBe(2);
  expect(missingId.stderr).toContain('external ID');
});

test.each([
  ['missing ids', ['grant', '--entitlement', 'group:x:member'], /needs --entitlement, --principal-type and --principal/],
  ['both forms', ['revoke', '--grant', 'g', '--entitlement', 'e'], /either --grant or/],
  ['bad principal type', ['grant', '--entitlement', 'group:arn:aws:iam::123456789012:group/g:member', '--principal-type', 'user', '--principal', 'x'], /not a resource type/],
  ['bad grant id', ['revoke', '--grant', 'nonsense:x'], /unknown resource type "nonsense"/],
  ['a near-MembershipId', ['revoke', '--grant', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeef'], /has no resource type and is not an Identity Store MembershipId/],
  ['bad scope pattern', ['grant', '--allowed-groups', 'c1-managed/*', '--entitlement', 'e', '--principal-type', 'iam_user', '--principal', 'p'], /not an IAM group ARN pattern/],
  ['names and ids', ['grant', '--sso-user', 'a', '--sso-group', 'b', '--entitlement', 'e'], /either ids or names/],
  ['half an assignment', ['grant', '--account', 'workloads', '--sso-user', 'a'], /both --account and --permission-set/],
  ['bad wait timeout', ['grant', '--wait-timeout', '0'], /seconds/],
  ['provisioning turned off', ['grant', '--provisioning', 'false', '--entitlement', 'group:arn:aws:iam::123456789012:group/g:member', '--principal-type', 'iam_user', '--principal', 'arn:aws:iam::123456789012:user/u'], /provisioning is turned off/],
])('usage error (%s) exits 2', async (_name, args, message) => {
  // In process (test/harness/cli-main.ts): the child-process cases above prove the exit codes 0, 1 and 2 of the binary.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  const r = await runMain(args as string[], { ...base, ...moto.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});
