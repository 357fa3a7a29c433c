/**
 * grant/revoke against moto, through the library API. Reads back with the AWS list calls (the sync library API does
 * not exist yet). The last test compares the calls this whole file made with the provisioning policy documents.
 */
import { GetGroupCommand } from '@aws-sdk/client-iam';
import { CreateGroupCommand as CreateSsoGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { UsageError } from '../../../connector/src/errors';
import { grantId } from '../../../connector/src/model/ids';
import { capability } from '../../../connector/src/policy/capabilities';
import { grant, ProvisionError, ProvisionIds, resolveNames, revoke } from '../../../connector/src/provision';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';
import { FaultRule, faultHandler } from './faults';
import { MEMBERSHIP_SEARCH_CONCURRENCY } from '../../../connector/src/provision/membership';
import { seedWorld, World } from './world';

let moto: Moto;
let w: World;
let setup: AwsContext;
const opened: { ctx: AwsContext; union: boolean }[] = [];
/** Calls made by provisioning (not seeding) against moto over the whole file. */
const union = new Set<string>();
const FAST_POLL = { initialDelayMs: 20, maxDelayMs: 50, timeoutMs: 5000 };

/** A context like the CLI's; `faults` rewrite or replace chosen answers. Replaced answers never reach moto, so
 * their calls stay out of the union the policy comparison uses. */
function ctxFor(faults?: Record<string, FaultRule>): AwsContext {
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1, ...(faults ? { requestHandler: faultHandler(faults) } : {}) });
  opened.push({ ctx, union: !faults || Object.values(faults).every((r) => !r.respond) });
  return ctx;
}

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
});
afterAll(() => moto.stop());
beforeEach(async () => {
  await moto.reset();
  setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(setup);
});
afterEach(() => {
  for (const { ctx, union: counts } of opened.splice(0)) {
    if (counts) for (const k of ctx.calls.calls.keys()) union.add(k);
    ctx.destroy();
  }
  setup.destroy();
});

const iamMembers = async (group: string) => (await setup.iam.send(new GetGroupCommand({ GroupName: group }))).Users!.map((u) => u.UserName);
const ssoMemberships = async (groupId: string) =>
  (await setup.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: groupId }))).GroupMemberships!;
const assignments = async (accountId = w.accounts.active) =>
  (await setup.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: w.instanceArn, AccountId: accountId, PermissionSetArn: w.permissionSetArn })))
    .AccountAssignments!;
const writes = (ctx: AwsContext) =>
  Object.keys(ctx.calls.toJSON()).filter((c) => /:(Add|Remove|Create|Delete)[A-Z]/.test(c) && !/Status$/.test(c));

describe('IAM group membership', () => {
  const bobToDevelopers = (): ProvisionIds => ({ entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.bobArn });

  test('grant adds the user and reports the request ID; a second grant is "already granted"', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, bobToDevelopers());
    expect(r.status).toBe('granted');
    expect(r.changes).toEqual([expect.objectContaining({ call: 'iam:AddUserToGroup', input: { GroupName: 'developers', UserName: 'bob' }, requestId: expect.any(String) })]);
    expect(r.message).toContain(r.changes[0].requestId);
    expect(await iamMembers('developers')).toEqual(expect.arrayContaining(['bob', 'carol']));
    const again = await grant(ctx, bobToDevelopers());
    expect(again).toMatchObject({ status: 'already-granted', changes: [] });
    expect(ctx.calls.count('iam:AddUserToGroup')).toBe(1);
    expect((await iamMembers('developers')).filter((u) => u === 'bob')).toHaveLength(1);
  });

  test('a membership that existed before is "already granted" without a write', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.carolArn });
    expect(r.status).toBe('already-granted');
    expect(writes(ctx)).toEqual([]);
  });

  test('revoke removes it, by the three ids or by the grant id; a second revoke is "already revoked"', async () => {
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: grantId(w.entitlements.iamGroup, { resourceType: 'iam_user', resource: w.iam.carolArn }) });
    expect(r).toMatchObject({ status: 'revoked', changes: [expect.objectContaining({ call: 'iam:RemoveUserFromGroup', requestId: expect.any(String) })] });
    expect(await iamMembers('developers')).toEqual([]);
    const again = await revoke(ctx, { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.carolArn });
    expect(again).toMatchObject({ status: 'already-revoked', changes: [] });
    expect(ctx.calls.count('iam:RemoveUserFromGroup')).toBe(1);
  });

  test('concurrent grants converge to one membership', async () => {
    const results = await Promise.all([grant(ctxFor(), bobToDevelopers()), grant(ctxFor(), bobToDevelopers())]);
    for (const r of results) expect(['granted', 'already-granted']).toContain(r.status);
    expect((await iamMembers('developers')).filter((u) => u === 'bob')).toHaveLength(1);
  });

  test('a group outside --allowed-groups is refused before any call', async () => {
    const ctx = ctxFor();
    const allowedGroups = ['arn:aws:iam::123456789012:group/c1-managed/*'];
    const req = { entitlement: w.entitlements.adminsGroup, principalType: 'iam_user', principal: w.iam.bobArn };
    await expect(grant(ctx, req, { allowedGroups })).rejects.toThrow(UsageError);
    await expect(revoke(ctx, req, { allowedGroups })).rejects.toThrow(`group ${w.iam.adminsGroupArn} is outside the provisioning scope`);
    await expect(grant(ctx, req, { allowedGroups })).rejects.toThrow('arn:aws:iam::123456789012:group/c1-managed/*');
    expect(ctx.calls.count()).toBe(0);
    expect(await iamMembers('Admins')).toEqual([]);
    // A group inside the scope goes through.
    expect((await grant(ctx, bobToDevelopers(), { allowedGroups })).status).toBe('granted');
  });

  test('--dry-run reads but does not write', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, bobToDevelopers(), { dryRun: true });
    expect(r).toMatchObject({ status: 'would-grant', changes: [{ call: 'iam:AddUserToGroup', input: { GroupName: 'developers', UserName: 'bob' } }] });
    expect(writes(ctx)).toEqual([]);
    expect(await iamMembers('developers')).toEqual(['carol']);
  });

  test('a user that does not exist fails (exit 1 in the CLI) and says which', async () => {
    const ctx = ctxFor();
    const ghost = w.iam.bobArn.replace('/bob', '/ghost');
    const err = await grant(ctx, { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: ghost }).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err).toMatchObject({ code: 'not-found', message: expect.stringContaining('ghost') });
  });
});

describe('Identity Center group membership', () => {
  const aliceToDevs = (): ProvisionIds => ({ entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId });

  test('grant creates one membership (GetGroupMembershipId is missing in moto: falls back to listing); grant twice stays one', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, aliceToDevs());
    expect(r.status).toBe('granted');
    const rows = await ssoMemberships(w.sso.devsGroupId);
    expect(rows).toHaveLength(1);
    expect(r.details.membershipId).toBe(rows[0].MembershipId);
    expect(r.changes[0]).toMatchObject({ call: 'identitystore:CreateGroupMembership', requestId: expect.any(String) });
    expect(ctx.calls.count('identitystore:GetGroupMembershipId')).toBe(1);
    expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBeGreaterThan(0);
    const again = await grant(ctx, aliceToDevs());
    expect(again).toMatchObject({ status: 'already-granted', details: { membershipId: rows[0].MembershipId } });
    expect(await ssoMemberships(w.sso.devsGroupId)).toHaveLength(1);
  });

  test('concurrent grants converge to one membership (moto accepts duplicates; the lowest id is kept)', async () => {
    const results = await Promise.all([0, 1, 2].map(() => grant(ctxFor(), aliceToDevs())));
    const rows = await ssoMemberships(w.sso.devsGroupId);
    expect(rows).toHaveLength(1);
    for (const r of results) expect(['granted', 'already-granted']).toContain(r.status);
    // The survivor is the lowest id any grant created; its creator reports it. A grant that listed before a lower
    // duplicate existed reports its own, which that later grant then removed: moto's duplicates make that race
    // possible (AWS refuses the duplicate with ConflictException instead).
    expect(results.map((r) => r.details.membershipId)).toContain(rows[0].MembershipId);
  });

  test('revoke deletes it, by grant id too; revoke twice is "already revoked"', async () => {
    await grant(ctxFor(), aliceToDevs());
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: grantId(w.entitlements.ssoGroup, { resourceType: 'sso_user', resource: w.sso.aliceId }) });
    expect(r).toMatchObject({ status: 'revoked', changes: [expect.objectContaining({ call: 'identitystore:DeleteGroupMembership', requestId: expect.any(String) })] });
    expect(await ssoMemberships(w.sso.devsGroupId)).toEqual([]);
    expect((await revoke(ctx, aliceToDevs())).status).toBe('already-revoked');
    expect(ctx.calls.count('identitystore:DeleteGroupMembership')).toBe(1);
  });

  test('--dry-run makes no write', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, aliceToDevs(), { dryRun: true });
    expect(r.status).toBe('would-grant');
    expect(writes(ctx)).toEqual([]);
    expect(await ssoMemberships(w.sso.devsGroupId)).toEqual([]);
  });

  test('AWS behaviour (stubbed): GetGroupMembershipId finds the membership, so no create and no listing', async () => {
    const ctx = ctxFor({ GetGroupMembershipId: { respond: () => ({ status: 200, body: { MembershipId: 'm-existing', IdentityStoreId: w.identityStoreId } }) } });
    const r = await grant(ctx, aliceToDevs());
    expect(r).toMatchObject({ status: 'already-granted', details: { membershipId: 'm-existing' } });
    expect(ctx.calls.toJSON()).toEqual({ 'identitystore:GetGroupMembershipId': 1 });
  });

  test('AWS behaviour (stubbed): a ConflictException on create (a concurrent grant won) is "already granted"', async () => {
    const ctx = ctxFor({
      GetGroupMembershipId: {
        respond: (n) => (n === 1 ? { status: 400, body: { __type: 'ResourceNotFoundException', Message: 'no membership' } } : { status: 200, body: { MembershipId: 'm-winner' } }),
      },
      CreateGroupMembership: { respond: () => ({ status: 400, body: { __type: 'ConflictException', Message: 'Member already exists in group' } }) },
    });
    const r = await grant(ctx, aliceToDevs());
    expect(r).toMatchObject({ status: 'already-granted', details: { membershipId: 'm-winner' } });
    expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBe(0);
  });

  test('AWS behaviour (stubbed): revoke of a membership AWS no longer has is "already revoked"', async () => {
    const ctx = ctxFor({
      GetGroupMembershipId: { respond: () => ({ status: 200, body: { MembershipId: 'm-gone' } }) },
      DeleteGroupMembership: { respond: () => ({ status: 400, body: { __type: 'ResourceNotFoundException', Message: 'gone' } }) },
    });
    expect((await revoke(ctx, aliceToDevs())).status).toBe('already-revoked');
  });
});

describe('revoke by MembershipId (baton-aws\'s Identity Center membership grant id)', () => {
  const join = async (groupId: string, userId = w.sso.aliceUserId) =>
    (await setup.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: w.identityStoreId, GroupId: groupId, MemberId: { UserId: userId } }))).MembershipId!;
  const moreGroups = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await setup.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: w.identityStoreId, DisplayName: `extra-${i}` }))).GroupId!);
    return ids;
  };

  test('the search stops after the wave of MEMBERSHIP_SEARCH_CONCURRENCY groups that lists it, whatever the response order', async () => {
    await moreGroups(12); // 14 groups; moto lists them in creation order, devs first
    const id = await join(w.sso.devsGroupId);
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: id });
    expect(r).toMatchObject({ status: 'revoked', resolved: { entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId } });
    expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBe(MEMBERSHIP_SEARCH_CONCURRENCY);
    expect(await ssoMemberships(w.sso.devsGroupId)).toEqual([]);
  });

  test('a membership in the second wave: two waves read, the third never', async () => {
    const extra = await moreGroups(12); // listed after the fixture's two groups: extra[3] is the sixth group, in the second wave
    const id = await join(extra[3]);
    const ctx = ctxFor();
    expect((await revoke(ctx, { grant: id })).status).toBe('revoked');
    expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBe(2 * MEMBERSHIP_SEARCH_CONCURRENCY);
    expect(await ssoMemberships(extra[3])).toEqual([]);
  });

  test('a MembershipId no group holds: every group read, then "already revoked" with no write', async () => {
    await moreGroups(6);
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff' });
    expect(r).toMatchObject({ status: 'already-revoked', changes: [] });
    expect(r.resolved).toBeUndefined();
    expect(r.message).toContain('over all 8 groups');
    expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBe(8);
    expect(writes(ctx)).toEqual([]);
  });

  test('only that membership: another of the same user in another group stays; a case-changed id is not it', async () => {
    const opsGroupId = w.sso.opsId.split('/').pop()!;
    const devs = await join(w.sso.devsGroupId);
    const ops = await join(opsGroupId);
    // moto's ids are lower-case UUIDs; the upper-case spelling fits the pattern but is not the id sync wrote.
    expect((await revoke(ctxFor(), { grant: devs.toUpperCase() })).status).toBe('already-revoked');
    expect(await ssoMemberships(w.sso.devsGroupId)).toHaveLength(1);
    expect((await revoke(ctxFor(), { grant: devs })).status).toBe('revoked');
    expect(await ssoMemberships(w.sso.devsGroupId)).toEqual([]);
    expect((await ssoMemberships(opsGroupId)).map((m) => m.MembershipId)).toEqual([ops]);
  });

  test('grant refuses a MembershipId before any call: it names a membership, not what to create', async () => {
    const ctx = ctxFor();
    await expect(grant(ctx, { grant: 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff' })).rejects.toThrow(UsageError);
    expect(ctx.calls.count()).toBe(0);
  });

  test('AWS behaviour (stubbed): the delete answers ResourceNotFound (a concurrent revoke won) -> "already revoked"', async () => {
    const id = await join(w.sso.devsGroupId);
    const ctx = ctxFor({ DeleteGroupMembership: { respond: () => ({ status: 400, body: { __type: 'ResourceNotFoundException', Message: 'gone' } }) } });
    expect((await revoke(ctx, { grant: id })).status).toBe('already-revoked');
  });
});

describe('permission-set assignment', () => {
  const aliceReadOnly = (): ProvisionIds => ({ entitlement: w.entitlements.assignment, principalType: 'sso_user', principal: w.sso.aliceId });
  const inProgress = (key: 'AccountAssignmentCreationStatus' | 'AccountAssignmentDeletionStatus'): FaultRule => ({
    // What AWS answers: the request is accepted and finishes in the background.
    rewrite: (b) => ({ ...b, [key]: { ...b[key], Status: 'IN_PROGRESS' } }),
  });

  test('grant checks the account, creates the assignment and reports both request IDs; grant twice stays one', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, aliceReadOnly(), { poll: FAST_POLL });
    expect(r).toMatchObject({ status: 'granted', details: { accountState: 'ACTIVE' } });
    expect(r.changes[0]).toMatchObject({ call: 'sso:CreateAccountAssignment', requestId: expect.any(String), operationRequestId: expect.any(String) });
    expect(await assignments()).toEqual([{ AccountId: w.accounts.active, PermissionSetArn: w.permissionSetArn, PrincipalType: 'USER', PrincipalId: w.sso.aliceUserId }]);
    expect(ctx.calls.count('organizations:DescribeAccount')).toBe(1);
    const again = await grant(ctx, aliceReadOnly());
    expect(again.status).toBe('already-granted');
    expect(ctx.calls.count('sso:CreateAccountAssignment')).toBe(1);
    expect(await assignments()).toHaveLength(1);
  });

  test('a group principal gets a GROUP assignment', async () => {
    const r = await grant(ctxFor(), { entitlement: w.entitlements.assignment, principalType: 'sso_group', principal: w.sso.opsId });
    expect(r.status).toBe('granted');
    expect(await assignments()).toEqual([expect.objectContaining({ PrincipalType: 'GROUP', PrincipalId: w.sso.opsId.split('/').pop() })]);
  });

  test('concurrent grants converge to one assignment (moto keeps duplicate rows)', async () => {
    const results = await Promise.all([0, 1, 2].map(() => grant(ctxFor(), aliceReadOnly(), { poll: FAST_POLL })));
    for (const r of results) expect(['granted', 'already-granted']).toContain(r.status);
    expect(await assignments()).toHaveLength(1);
  });

  test('revoke deletes it, by grant id too; revoke twice is "already revoked"', async () => {
    await grant(ctxFor(), aliceReadOnly());
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: `grant:sso_user:${w.sso.aliceId}:${w.entitlements.assignment}` });
    expect(r).toMatchObject({ status: 'revoked', changes: [expect.objectContaining({ call: 'sso:DeleteAccountAssignment', requestId: expect.any(String) })] });
    expect(await assignments()).toEqual([]);
    expect((await revoke(ctx, aliceReadOnly())).status).toBe('already-revoked');
    expect(ctx.calls.count('sso:DeleteAccountAssignment')).toBe(1);
  });

  test('an IN_PROGRESS request is polled until SUCCEEDED (creation and deletion)', async () => {
    const ctx = ctxFor({ CreateAccountAssignment: inProgress('AccountAssignmentCreationStatus'), DeleteAccountAssignment: inProgress('AccountAssignmentDeletionStatus') });
    expect((await grant(ctx, aliceReadOnly(), { poll: FAST_POLL })).status).toBe('granted');
    expect(ctx.calls.count('sso:DescribeAccountAssignmentCreationStatus')).toBe(1);
    expect((await revoke(ctx, aliceReadOnly(), { poll: FAST_POLL })).status).toBe('revoked');
    expect(ctx.calls.count('sso:DescribeAccountAssignmentDeletionStatus')).toBe(1);
    expect(await assignments()).toEqual([]);
  });

  test('a suspended account is refused with its state, before any write', async () => {
    const ctx = ctxFor();
    const err = await grant(ctx, { entitlement: w.entitlements.suspendedAssignment, principalType: 'sso_user', principal: w.sso.aliceId }).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err.code).toBe('account-not-active');
    expect(err.message).toContain(`account ${w.accounts.suspended} is SUSPENDED`);
    expect(writes(ctx)).toEqual([]);
    expect(await assignments(w.accounts.suspended)).toEqual([]);
  });

  test('a role that may not read the account (AccessDenied) still grants, with a warning, as baton-aws does', async () => {
    const ctx = ctxFor({ DescribeAccount: { respond: () => ({ status: 400, body: { __type: 'AccessDeniedException', Message: 'denied' } }) } });
    const r = await grant(ctx, aliceReadOnly(), { poll: FAST_POLL });
    expect(r.status).toBe('granted');
    expect(r.warnings).toEqual([expect.stringContaining(`organizations:DescribeAccount was denied, so account ${w.accounts.active} was not checked`)]);
  });

  test('a FAILED request reports AWS\'s failure reason', async () => {
    const reason = 'Received a 404 status error: Not supported policy arn:aws:iam::aws:policy/Nope.';
    const ctx = ctxFor({
      CreateAccountAssignment: inProgress('AccountAssignmentCreationStatus'),
      DescribeAccountAssignmentCreationStatus: {
        respond: () => ({ status: 200, body: { AccountAssignmentCreationStatus: { Status: 'FAILED', RequestId: 'req-1', FailureReason: reason } } }),
      },
    });
    const err = await grant(ctx, aliceReadOnly(), { poll: FAST_POLL }).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err.code).toBe('assignment-failed');
    expect(err.message).toContain(reason);
    expect(err.requestId).toEqual(expect.any(String));
  });

  test('a request that stays IN_PROGRESS times out with backoff and says how to follow it up', async () => {
    const ctx = ctxFor({
      CreateAccountAssignment: inProgress('AccountAssignmentCreationStatus'),
      DescribeAccountAssignmentCreationStatus: { respond: () => ({ status: 200, body: { AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: 'req-slow' } } }) },
    });
    const started = Date.now();
    const err = await grant(ctx, aliceReadOnly(), { poll: { initialDelayMs: 20, maxDelayMs: 80, timeoutMs: 400 } }).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/still IN_PROGRESS .*sso:DescribeAccountAssignmentCreationStatus/);
    expect(err.requestId).toEqual(expect.any(String));
    expect(Date.now() - started).toBeLessThan(3000);
    // Backoff: far fewer checks than 400 ms / 20 ms.
    const polls = ctx.calls.count('sso:DescribeAccountAssignmentCreationStatus');
    expect(polls).toBeGreaterThan(2);
    expect(polls).toBeLessThan(15);
  });

  test('--dry-run checks the account but makes no write', async () => {
    const ctx = ctxFor();
    const r = await grant(ctx, aliceReadOnly(), { dryRun: true });
    expect(r).toMatchObject({ status: 'would-grant', changes: [{ call: 'sso:CreateAccountAssignment' }] });
    expect(ctx.calls.count('organizations:DescribeAccount')).toBe(1);
    expect(writes(ctx)).toEqual([]);
    expect(await assignments()).toEqual([]);
  });
});

describe('Identity Center names instead of ids', () => {
  test('user name, email, group, account and permission-set names resolve to the snapshot ids', async () => {
    const ctx = ctxFor();
    expect(await resolveNames(ctx, { ssoGroup: 'devs', ssoUser: 'alice@example.com' })).toEqual({ entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId });
    expect(await resolveNames(ctx, { account: 'workloads', permissionSet: 'ReadOnly', ssoGroup: 'ops' })).toEqual({
      entitlement: w.entitlements.assignment,
      principalType: 'sso_group',
      principal: w.sso.opsId,
    });
    expect((await resolveNames(ctx, { account: w.accounts.active, permissionSet: 'ReadOnly', ssoUser: 'alice@example.com' })).principal).toBe(w.sso.aliceId);
    const ids = await resolveNames(ctx, { account: 'workloads', permissionSet: 'ReadOnly', ssoUser: 'alice@example.com' });
    expect((await grant(ctx, ids, { poll: FAST_POLL })).status).toBe('granted');
    expect(await assignments()).toHaveLength(1);
  });

  test('a user found by email when the user name is not an email', async () => {
    const ctx = ctxFor();
    await setup.identityStore.send(
      new CreateUserCommand({ IdentityStoreId: w.identityStoreId, UserName: 'dave', DisplayName: 'Dave', Name: { GivenName: 'D', FamilyName: 'E' }, Emails: [{ Value: 'Dave@Example.com', Primary: true }] }),
    );
    const ids = await resolveNames(ctx, { ssoGroup: 'devs', ssoUser: 'dave@example.com' });
    expect(ids.principal).toMatch(/\/user\/[0-9a-f-]+$/);
    expect(ids.principal).not.toBe(w.sso.aliceId);
  });

  test('unknown names fail with what was looked for; bad combinations are usage errors before any call', async () => {
    const ctx = ctxFor();
    await expect(resolveNames(ctx, { ssoGroup: 'nope', ssoUser: 'alice@example.com' })).rejects.toThrow('no Identity Center group named nope');
    await expect(resolveNames(ctx, { account: 'workloads', permissionSet: 'Nope', ssoUser: 'alice@example.com' })).rejects.toThrow('no permission set named Nope');
    await expect(resolveNames(ctx, { account: 'ghost', permissionSet: 'ReadOnly', ssoUser: 'alice@example.com' })).rejects.toThrow('no account named ghost');
    const calls = ctx.calls.count();
    await expect(resolveNames(ctx, { account: 'workloads', permissionSet: 'ReadOnly', ssoUser: 'a', ssoGroup: 'b' })).rejects.toThrow(UsageError);
    await expect(resolveNames(ctx, { ssoUser: 'a' })).rejects.toThrow(UsageError);
    expect(ctx.calls.count()).toBe(calls);
  });
});

// Must stay last: it reads what every test above called.
test('the calls made are exactly the provisioning documents\' actions, plus sync reads', () => {
  const provisioning = [...capability('iam_provisioning').actions, ...capability('identity_center_provisioning').actions].sort();
  const made = [...union].sort();
  // Every provisioning action is exercised, and nothing is called that no document allows.
  expect(made.filter((a) => provisioning.includes(a))).toEqual(provisioning);
  const reads = made.filter((a) => !provisioning.includes(a));
  // IAM reads come from iam_sync (always on); Identity Center reads from identity_center_sync, which provisioning
  // always comes with; name resolution's organizations:ListAccounts from organizations_sync, which Identity Center requires.
  // sts:GetCallerIdentity (the guard's "which account are these credentials in") needs no permission: AWS answers
  // it for any credentials, and no policy can deny it.
  const docOf = (a: string) => (a.startsWith('iam:') ? 'iam_sync' : a.startsWith('organizations:') ? 'organizations_sync' : 'identity_center_sync');
  expect(reads.filter((a) => a !== 'sts:GetCallerIdentity' && !capability(docOf(a)).actions.includes(a))).toEqual([]);
  // And the reads are the ones this design needs, no more: iam:GetGroup, identitystore:ListGroupMemberships,
  // sso:ListAccountAssignments and sts:GetCallerIdentity for grant/revoke, the rest for names.
  expect(reads).toEqual([
    'iam:GetGroup',
    'identitystore:ListGroupMemberships',
    'identitystore:ListGroups',
    'identitystore:ListUsers',
    'organizations:ListAccounts',
    'sso:DescribePermissionSet',
    'sso:ListAccountAssignments',
    'sso:ListInstances',
    'sso:ListPermissionSets',
    'sts:GetCallerIdentity',
  ]);
});
