/**
 * The provisioning guard on Identity Center groups (review finding F1: an IAM-only --allowed-groups used to let any
 * Identity Center group membership through). When a scope is set, every group membership change must match a
 * pattern of its kind, decided on the group as the API resolves it. Every refusal is checked to change nothing:
 * the memberships of every group in the identity store are read back through a separate client (`setup`), and the
 * guard's own client must have made no write call. Refusals that follow from the text alone come before any call
 * (UsageError, exit 2; the CLI runs point at a closed port to prove it); the rest after the reads (exit 1).
 */
import { CreateGroupCommand as CreateSsoGroupCommand, CreateGroupMembershipCommand, ListGroupMembershipsCommand, ListGroupsCommand } from '@aws-sdk/client-identitystore';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { UsageError } from '../../../connector/src/errors';
import { grant, ProvisionError, ProvisionIds, ProvisionOptions, revoke } from '../../../connector/src/provision';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../../harness/moto';
import { seedWorld, World } from './world';
import { runMain } from '../../harness/cli-main';

const moto = useMoto({ resetBeforeEach: false });
const IAM_SCOPE = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:group/c1-managed/*`;
const OTHER_STORE = 'd-9999999999';
const NOTE = 'note: --allowed-groups covers group memberships only; this permission-set assignment is not scoped';
const CLOSED_PORT = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

let w: World;
let setup: AwsContext;
/** A group named like the reviewer's: the kind of group a scope must keep out. */
let adminsGroupId: string;
const opened: AwsContext[] = [];

const ssoGroupId = (groupId: string, store = w.identityStoreId) => `arn:aws:identitystore:${MOTO_REGION}::${store}/group/${groupId}`;
const ssoUserId = (userId: string, store = w.identityStoreId) => `arn:aws:identitystore:${MOTO_REGION}::${store}/user/${userId}`;
const storePattern = (tail: string, store = w.identityStoreId) => `arn:aws:identitystore:${MOTO_REGION}::${store}/group/${tail}`;
const membership = (groupId: string, store = w.identityStoreId, userId = w.sso.aliceUserId): ProvisionIds => ({
  entitlement: `sso_group:${ssoGroupId(groupId, store)}:member`,
  principalType: 'sso_user',
  principal: ssoUserId(userId, store),
});

beforeEach(async () => {
  await moto.reset();
  setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(setup);
  adminsGroupId = (await setup.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: w.identityStoreId, DisplayName: 'awsadministrators' }))).GroupId!;
  // alice is already in ops: what an out-of-scope revoke must not take away. devs and awsadministrators: not a member.
  await setup.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: w.identityStoreId, GroupId: opsGroupId(), MemberId: { UserId: w.sso.aliceUserId } }));
});
afterEach(() => {
  for (const c of opened.splice(0)) c.destroy();
  setup.destroy();
});

const opsGroupId = () => w.sso.opsId.split('/').pop()!;

function ctxFor(): AwsContext {
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  opened.push(ctx);
  return ctx;
}

/** Every Identity Center group's member user ids, read through the seeding client. */
async function ssoState(): Promise<Record<string, string[]>> {
  const groups = (await setup.identityStore.send(new ListGroupsCommand({ IdentityStoreId: w.identityStoreId }))).Groups!;
  const state: Record<string, string[]> = {};
  for (const g of groups) {
    const ms = (await setup.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: g.GroupId! }))).GroupMemberships!;
    state[g.DisplayName!] = ms.map((m) => (m.MemberId as { UserId: string }).UserId).sort();
  }
  return state;
}
const writes = (calls: Record<string, number>) => Object.keys(calls).filter((c) => /:(Add|Remove|Create|Delete)[A-Z]/.test(c) && !/Status$/.test(c));

type Verb = 'grant' | 'revoke';
const run = (verb: Verb, ctx: AwsContext, ids: ProvisionIds, opts: ProvisionOptions) => (verb === 'grant' ? grant(ctx, ids, opts) : revoke(ctx, ids, opts));
/** grant: alice into devs (not a member); revoke: alice out of ops (a member). */
const groupFor = (verb: Verb) => (verb === 'grant' ? w.sso.devsGroupId : opsGroupId());
const nameFor = (verb: Verb) => (verb === 'grant' ? 'devs' : 'ops');

async function refusal(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    (r) => new Error(`not refused: ${JSON.stringify(r)}`),
    (e) => e as Error,
  );
  if (!(err instanceof UsageError) && !(err instanceof ProvisionError)) throw err;
  return err;
}

describe.each<Verb>(['grant', 'revoke'])('%s', (verb) => {
  test('an IAM-only scope refuses an Identity Center group by id before any call, saying how to allow it', async () => {
    const before = await ssoState();
    for (const group of [groupFor(verb), adminsGroupId]) {
      const ctx = ctxFor();
      const err = await refusal(run(verb, ctx, membership(group), { allowedGroups: [IAM_SCOPE] }));
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain(`Identity Center group ${ssoGroupId(group)} is outside the provisioning scope`);
      expect(err.message).toContain(IAM_SCOPE);
      expect(err.message).toMatch(/the scope names no Identity Center group; to allow Identity Center group changes add a pattern arn:<partition>:identitystore:<region>::<identityStoreId>\/group\/<groupId>/);
      expect(ctx.calls.count()).toBe(0);
    }
    expect(await ssoState()).toEqual(before);
  });

  test('an Identity Center pattern allows exactly its group, decided after resolving it; its neighbours are refused', async () => {
    const before = await ssoState();
    const scope = [IAM_SCOPE, storePattern(groupFor(verb))];
    // Another group of the same store: refused on the spelling, before any call.
    const other = ctxFor();
    const err = await refusal(run(verb, other, membership(verb === 'grant' ? adminsGroupId : w.sso.devsGroupId), { allowedGroups: scope }));
    expect(err).toBeInstanceOf(UsageError);
    expect(other.calls.count()).toBe(0);
    expect(await ssoState()).toEqual(before);
    // Its own group: resolved with sync reads, then changed.
    const ctx = ctxFor();
    const r = await run(verb, ctx, membership(groupFor(verb)), { allowedGroups: scope });
    expect(r.status).toBe(verb === 'grant' ? 'granted' : 'revoked');
    expect(ctx.calls.count('sso:ListInstances')).toBe(1);
    expect(ctx.calls.count('identitystore:ListGroups')).toBeGreaterThan(0);
    expect(writes(ctx.calls.toJSON())).toEqual([verb === 'grant' ? 'identitystore:CreateGroupMembership' : 'identitystore:DeleteGroupMembership']);
    const after = await ssoState();
    expect(after[nameFor(verb)]).toEqual(verb === 'grant' ? [w.sso.aliceUserId] : []);
    expect({ ...after, [nameFor(verb)]: before[nameFor(verb)] }).toEqual(before);
  });

  test('a wildcard group-id pattern allows the groups of its store only', async () => {
    const scope = [storePattern('*')];
    const before = await ssoState();
    // The same group id spelled in another identity store: outside the pattern's store, before any call.
    const spelled = ctxFor();
    expect(await refusal(run(verb, spelled, membership(groupFor(verb), OTHER_STORE), { allowedGroups: scope }))).toBeInstanceOf(UsageError);
    expect(spelled.calls.count()).toBe(0);
    // A group id in the pattern's store in another case: not the id ListGroups lists, so refused after reading.
    const cased = ctxFor();
    const err = await refusal(run(verb, cased, membership(groupFor(verb).toUpperCase()), { allowedGroups: scope }));
    expect(err).toMatchObject({ code: 'refused', message: expect.stringContaining(`lists the group as ${groupFor(verb)}`) });
    expect(writes(cased.calls.toJSON())).toEqual([]);
    expect(await ssoState()).toEqual(before);
    // A group of the store, including one the reviewer reached: allowed (the pattern says so).
    const ctx = ctxFor();
    expect((await run(verb, ctx, membership(groupFor(verb)), { allowedGroups: scope })).status).toBe(verb === 'grant' ? 'granted' : 'revoked');
    if (verb === 'grant') expect((await grant(ctxFor(), membership(adminsGroupId), { allowedGroups: scope })).status).toBe('granted');
  });

  test('a pattern for another identity store refuses, whether the ids name our store or claim the other one', async () => {
    const scope = [storePattern('*', OTHER_STORE)];
    const before = await ssoState();
    const ours = ctxFor();
    const err = await refusal(run(verb, ours, membership(groupFor(verb)), { allowedGroups: scope }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain(`Identity Center group ${ssoGroupId(groupFor(verb))} is outside the provisioning scope`);
    expect(ours.calls.count()).toBe(0);
    // Ids that claim the other store match the pattern on paper; the API says the store is not an instance's here.
    const claimed = ctxFor();
    const err2 = await refusal(run(verb, claimed, membership(groupFor(verb), OTHER_STORE), { allowedGroups: scope, dryRun: verb === 'revoke' }));
    expect(err2).toMatchObject({ code: 'refused', message: expect.stringContaining(`identity store ${OTHER_STORE} of ${ssoGroupId(groupFor(verb), OTHER_STORE)} is not the identity store of an Identity Center instance in ${MOTO_REGION}`) });
    expect(writes(claimed.calls.toJSON())).toEqual([]);
    expect(claimed.calls.count('identitystore:ListGroups')).toBe(0);
    expect(await ssoState()).toEqual(before);
  });
});

// The CLI as a user runs it (the reviewer's commands), pointed at moto through the environment: in process, except one
// child process each for exit 2, 1 and 0 (the way from `main`'s result to the binary's exit code).
const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
/** `c1-aws <args>` with this file's environment: in process (test/harness/cli-main.ts), or with `child` as the binary. */
function c1(args: string[], env: NodeJS.ProcessEnv = {}, { child = false } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  if (!child) return runMain(args, { ...base, ...moto.env, ...env });
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...moto.env, ...env }, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const idArgs = (ids: ProvisionIds) => ['--entitlement', ids.entitlement, '--principal-type', ids.principalType, '--principal', ids.principal];

describe('the CLI', () => {
  test('IAM-only scope: every Identity Center membership change exits 2 before any call, by id, by --grant id and by name', async () => {
    const before = await ssoState();
    const cases: [string, string[], NodeJS.ProcessEnv][] = [
      ['grant by id', ['grant', ...idArgs(membership(adminsGroupId)), '--allowed-groups', IAM_SCOPE], {}],
      ['revoke by id', ['revoke', ...idArgs(membership(opsGroupId())), '--allowed-groups', IAM_SCOPE], {}],
      ['revoke by --grant id', ['revoke', '--grant', `sso_group:${ssoGroupId(opsGroupId())}:member:sso_user:${ssoUserId(w.sso.aliceUserId)}`, '--allowed-groups', IAM_SCOPE], {}],
      ['grant by name', ['grant', '--sso-group', 'awsadministrators', '--sso-user', 'alice@example.com', '--allowed-groups', IAM_SCOPE], {}],
      ['revoke by name', ['revoke', '--sso-group', 'ops', '--sso-user', 'alice@example.com', '--allowed-groups', IAM_SCOPE], {}],
      ['grant by name, scope from the environment', ['grant', '--sso-group', 'awsadministrators', '--sso-user', 'alice@example.com'], { BATON_PROVISIONING_ALLOWED_GROUPS: IAM_SCOPE }],
    ];
    for (const [name, args, env] of cases) {
      // A closed port: any AWS call would fail with exit 1, not 2.
      const r = await c1(args, { ...env, ...CLOSED_PORT }, { child: name === 'grant by id' });
      expect({ name, code: r.code }).toEqual({ name, code: 2 });
      expect(r.stderr).toMatch(/outside the provisioning scope/);
      expect(r.stderr).toContain(IAM_SCOPE);
      expect(r.stderr).toMatch(/to allow Identity Center group changes add a pattern arn:<partition>:identitystore:/);
      if (args.includes('--sso-group')) expect(r.stderr).toContain(`--sso-group "${args[args.indexOf('--sso-group') + 1]}"`);
    }
    expect(await ssoState()).toEqual(before);
  });

  test('an Identity Center pattern: a name resolving inside it is changed, a name resolving outside exits 1 with reads only', async () => {
    const scope = `${IAM_SCOPE},${storePattern(w.sso.devsGroupId)}`;
    const before = await ssoState();
    const outside = await c1(['grant', '--json', '--sso-group', 'awsadministrators', '--sso-user', 'alice@example.com', '--allowed-groups', scope]);
    expect(outside.code).toBe(1);
    const out = JSON.parse(outside.stdout);
    expect(out).toMatchObject({ status: 'failed', error: { code: 'refused' } });
    expect(out.error.message).toContain(`--sso-group "awsadministrators" resolved to ${ssoGroupId(adminsGroupId)}`);
    expect(out.error.message).toContain(storePattern(w.sso.devsGroupId));
    expect(writes(out.calls)).toEqual([]);
    const revokeOutside = await c1(['revoke', '--sso-group', 'ops', '--sso-user', 'alice@example.com', '--allowed-groups', scope], {}, { child: true });
    expect(revokeOutside.code).toBe(1);
    expect(revokeOutside.stderr).toContain(`resolved to ${ssoGroupId(opsGroupId())}`);
    expect(await ssoState()).toEqual(before);
    const inside = await c1(['grant', '--json', '--sso-group', 'devs', '--sso-user', 'alice@example.com', '--allowed-groups', scope], {}, { child: true });
    expect(inside.code).toBe(0);
    expect(JSON.parse(inside.stdout)).toMatchObject({ status: 'granted', ids: { entitlement: w.entitlements.ssoGroup } });
    expect((await ssoState()).devs).toEqual([w.sso.aliceUserId]);
  });

  test('a permission-set assignment is not scoped: with a scope the CLI says so on stderr, without one it does not', async () => {
    const ids = idArgs({ entitlement: w.entitlements.assignment, principalType: 'sso_user', principal: w.sso.aliceId });
    const names = ['--account', 'workloads', '--permission-set', 'ReadOnly', '--sso-user', 'alice@example.com'];
    for (const args of [
      ['grant', '--dry-run', ...ids],
      ['revoke', ...ids],
      ['grant', '--dry-run', ...names],
    ]) {
      const scoped = await c1([...args, '--allowed-groups', IAM_SCOPE]);
      expect({ args, code: scoped.code }).toEqual({ args, code: 0 });
      expect(scoped.stderr.split('\n').filter((l) => l === NOTE)).toHaveLength(1);
      const plain = await c1(args);
      expect(plain.code).toBe(0);
      expect(plain.stderr).not.toContain('note:');
    }
  });

  test('--help says what the scope covers and that assignments are not covered', async () => {
    for (const verb of ['grant', 'revoke']) {
      const r = await c1([verb, '--help']);
      const help = r.stdout.replace(/\s+/g, ' ');
      expect(help).toContain('arn:<partition>:identitystore:<region>::<identityStoreId>/group/<groupId>');
      expect(help).toContain('Permission-set assignments are not group memberships and are NOT covered');
    }
  });
});

describe('revoke by MembershipId (baton-aws\'s membership grant id): only the groups the scope allows are searched', () => {
  const membershipIdOf = async (groupId: string) =>
    (await setup.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: groupId }))).GroupMemberships![0].MembershipId!;

  test('outside the scope (another group, another identity store\'s pattern): refused after reads, nothing changed', async () => {
    await setup.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: w.identityStoreId, GroupId: adminsGroupId, MemberId: { UserId: w.sso.aliceUserId } }));
    const admins = await membershipIdOf(adminsGroupId);
    const before = await ssoState();
    for (const allowedGroups of [[storePattern(opsGroupId())], [storePattern('*', OTHER_STORE)], [storePattern(`${opsGroupId().slice(0, -1)}?`)]]) {
      const ctx = ctxFor();
      const err = await refusal(revoke(ctx, { grant: admins }, { allowedGroups }));
      expect(err).toBeInstanceOf(ProvisionError);
      expect(err).toMatchObject({ code: 'refused', message: expect.stringContaining(`membership ${admins} is in none of the`) });
      expect(writes(ctx.calls.toJSON())).toEqual([]);
      // The admins group's memberships were never read: it is outside every one of these scopes.
      expect(ctx.calls.count('identitystore:ListGroupMemberships')).toBeLessThanOrEqual(1);
    }
    expect(await ssoState()).toEqual(before);
  });

  test('inside a wildcard scope: revoked, and the guard resolved the group again before the delete', async () => {
    const ops = await membershipIdOf(opsGroupId());
    const ctx = ctxFor();
    const r = await revoke(ctx, { grant: ops }, { allowedGroups: [IAM_SCOPE, storePattern('*')] });
    expect(r).toMatchObject({ status: 'revoked', resolved: membership(opsGroupId()) });
    expect(ctx.calls.count('sso:ListInstances')).toBe(2);
    expect(writes(ctx.calls.toJSON())).toEqual(['identitystore:DeleteGroupMembership']);
    expect((await ssoState()).ops).toEqual([]);
  });
});
