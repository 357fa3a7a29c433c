/**
 * The provisioning guard, attacked. Every spelling of a group outside the scope, for grant and for revoke, must
 * change nothing in moto: membership of every group is read back through a separate client (`setup`), and the
 * guard's own client must have made no write call. Spellings that can be refused from the text alone are refused
 * before any call (UsageError, exit 2); the rest after reading the group's real ARN with iam:GetGroup
 * (ProvisionError 'refused', exit 1). An in-scope grant still works. Identity Center names that match more than one
 * principal are refused, naming the candidates.
 */
import { GetGroupCommand, ListGroupsCommand } from '@aws-sdk/client-iam';
import { AddUserToGroupCommand } from '@aws-sdk/client-iam';
import { CreateGroupCommand as CreateSsoGroupCommand, CreateUserCommand, ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { UsageError } from '../../../connector/src/errors';
import { grant, ProvisionError, ProvisionIds, ProvisionOptions, resolveNames, revoke } from '../../../connector/src/provision';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../../harness/moto';
import { faultHandler } from './faults';
import { seedWorld, World } from './world';
import { runMain } from '../../harness/cli-main';

const moto = useMoto({ resetBeforeEach: false });
const ACCT = MOTO_DEFAULT_ACCOUNT;
const OTHER = '210987654321';
const SCOPE = `arn:aws:iam::${ACCT}:group/c1-managed/*`;
const groupArn = (rest: string, account = ACCT, partition = 'aws') => `arn:${partition}:iam::${account}:group/${rest}`;
const userArn = (name: string, account = ACCT, partition = 'aws') => `arn:${partition}:iam::${account}:user/${name}`;

let w: World;
let setup: AwsContext;
const opened: AwsContext[] = [];

beforeEach(async () => {
  await moto.reset();
  setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(setup);
  // carol is an admin too: what an out-of-scope revoke must not take away.
  await setup.iam.send(new AddUserToGroupCommand({ GroupName: 'Admins', UserName: 'carol' }));
});
afterEach(() => {
  for (const c of opened.splice(0)) c.destroy();
  setup.destroy();
});

function ctxFor(requestHandler?: unknown): AwsContext {
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1, ...(requestHandler ? { requestHandler } : {}) });
  opened.push(ctx);
  return ctx;
}

/** Every IAM group's members, read through the seeding client: the state a refusal must leave untouched. */
async function iamState(): Promise<Record<string, string[]>> {
  const groups = (await setup.iam.send(new ListGroupsCommand({}))).Groups!;
  const state: Record<string, string[]> = {};
  for (const g of groups) {
    state[g.Arn!] = (await setup.iam.send(new GetGroupCommand({ GroupName: g.GroupName! }))).Users!.map((u) => u.UserName!).sort();
  }
  return state;
}
const writes = (ctx: AwsContext) => Object.keys(ctx.calls.toJSON()).filter((c) => /:(Add|Remove|Create|Delete)[A-Z]/.test(c) && !/Status$/.test(c));

type Verb = 'grant' | 'revoke';
const run = (verb: Verb, ctx: AwsContext, ids: ProvisionIds, opts: ProvisionOptions) => (verb === 'grant' ? grant(ctx, ids, opts) : revoke(ctx, ids, opts));
// grant: bob into the group; revoke: carol (an admin) out of it.
const who = (verb: Verb, account = ACCT, partition = 'aws') => userArn(verb === 'grant' ? 'bob' : 'carol', account, partition);

interface Spelling {
  name: string;
  group: string;
  user?: (verb: Verb) => string;
  scope?: string[];
  /** 'usage': refused from the text, before any AWS call. 'refused': refused after reading AWS, before any write. */
  outcome: 'usage' | 'refused' | 'not-found';
  message: RegExp;
}

const SPELLINGS: Spelling[] = [
  { name: 'dot-dot segment', group: groupArn('c1-managed/../Admins'), outcome: 'usage', message: /path segment "\.\.", which is not allowed/ },
  { name: 'dot segment', group: groupArn('c1-managed/./Admins'), outcome: 'usage', message: /path segment "\.", which is not allowed/ },
  { name: 'empty segment', group: groupArn('c1-managed//Admins'), outcome: 'usage', message: /empty path segment/ },
  { name: 'URL-encoded dot-dot', group: groupArn('c1-managed/%2E%2E/Admins'), outcome: 'usage', message: /percent-encoded/ },
  { name: 'URL-encoded dot-dot, lower case', group: groupArn('c1-managed/%2e%2e/Admins'), outcome: 'usage', message: /percent-encoded/ },
  { name: 'URL-encoded slash', group: groupArn('c1-managed/x%2F/Admins'), outcome: 'usage', message: /percent-encoded/ },
  { name: 'the right name under the scope\'s path', group: groupArn('c1-managed/Admins'), outcome: 'refused', message: /real ARN .*group\/Admins.* differs from .*group\/c1-managed\/Admins/ },
  { name: 'a deeper path', group: groupArn('c1-managed/team/Admins'), outcome: 'refused', message: /real ARN .*group\/Admins.* differs/ },
  { name: 'path case variant', group: groupArn('C1-managed/Admins'), outcome: 'usage', message: /outside the provisioning scope/ },
  // moto looks names up case-sensitively: not found. AWS's case-insensitive lookup is the stubbed test below.
  { name: 'name case variant', group: groupArn('c1-managed/ADMINS'), outcome: 'not-found', message: /does not exist/ },
  {
    name: 'another account (group and user)',
    group: groupArn('c1-managed/Admins', OTHER),
    user: (v) => who(v, OTHER),
    scope: [`arn:aws:iam::${OTHER}:group/c1-managed/*`],
    outcome: 'refused',
    message: new RegExp(`account ${OTHER}.*credentials.*account ${ACCT}`),
  },
  { name: 'another account, no scope', group: groupArn('Admins', OTHER), user: (v) => who(v, OTHER), scope: [], outcome: 'refused', message: new RegExp(`account ${OTHER}`) },
  {
    name: 'another partition',
    group: groupArn('c1-managed/Admins', ACCT, 'aws-us-gov'),
    user: (v) => who(v, ACCT, 'aws-us-gov'),
    scope: [`arn:aws-us-gov:iam::${ACCT}:group/c1-managed/*`],
    outcome: 'refused',
    message: /partition aws-us-gov.*partition aws\b/,
  },
  { name: 'wildcard-account scope', group: groupArn('c1-managed/Admins', OTHER), user: (v) => who(v, OTHER), scope: ['arn:aws:iam::*:group/c1-managed/*'], outcome: 'usage', message: /12-digit account/ },
  { name: 'wildcard-account scope, own account', group: groupArn('c1-managed/Admins'), scope: ['arn:aws:iam::*:group/c1-managed/*'], outcome: 'usage', message: /12-digit account/ },
  { name: '? in the scope\'s account', group: groupArn('c1-managed/Admins'), scope: ['arn:aws:iam::12345678901?:group/c1-managed/*'], outcome: 'usage', message: /12-digit account/ },
  { name: 'wildcard-partition scope', group: groupArn('c1-managed/Admins'), scope: [`arn:*:iam::${ACCT}:group/c1-managed/*`], outcome: 'usage', message: /partition/ },
  { name: 'scope with a dot-dot segment', group: groupArn('Admins'), scope: [`arn:aws:iam::${ACCT}:group/c1-managed/../*`], outcome: 'usage', message: /path segment "\.\."/ },
  { name: 'no scope, path spelled wrong', group: groupArn('c1-managed/Admins'), scope: [], outcome: 'refused', message: /real ARN .*differs/ },
];

describe.each<Verb>(['grant', 'revoke'])('%s of an out-of-scope group changes nothing', (verb) => {
  test.each(SPELLINGS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const before = await iamState();
    const ctx = ctxFor();
    const ids = { entitlement: `group:${s.group}:member`, principalType: 'iam_user', principal: (s.user ?? who)(verb) };
    const err = await run(verb, ctx, ids, { allowedGroups: s.scope ?? [SCOPE] }).then(
      (r) => new Error(`not refused: ${r.status} ${r.message}`),
      (e) => e,
    );
    // An attack that went through surfaces as "not refused: granted ...".
    if (!(err instanceof UsageError) && !(err instanceof ProvisionError)) throw err;
    if (s.outcome === 'usage') {
      expect(err).toBeInstanceOf(UsageError);
      expect(ctx.calls.count()).toBe(0);
    } else {
      expect(err).toBeInstanceOf(ProvisionError);
      expect((err as ProvisionError).code).toBe(s.outcome);
    }
    expect(err.message).toMatch(s.message);
    expect(writes(ctx)).toEqual([]);
    expect(await iamState()).toEqual(before);
  });
});

test('AWS looks IAM names up case-insensitively (stubbed: moto does not); the real ARN still decides', async () => {
  // Rewrites GroupName in IAM's query requests to the stored spelling, as AWS resolves names.
  const real = new NodeHttpHandler();
  const caseInsensitive = {
    metadata: { handlerProtocol: 'http/1.1' },
    destroy: () => real.destroy(),
    handle: (req: { body?: unknown; headers: Record<string, string> }, o?: unknown) => {
      if (typeof req.body === 'string' && /(^|&)GroupName=admins(&|$)/i.test(req.body)) {
        req.body = req.body.replace(/(^|&)GroupName=admins(?=&|$)/i, '$1GroupName=Admins');
        req.headers['content-length'] = String(Buffer.byteLength(req.body as string));
      }
      return real.handle(req as never, o as never);
    },
  };
  for (const verb of ['grant', 'revoke'] as const) {
    for (const spelled of [groupArn('c1-managed/ADMINS'), groupArn('c1-managed/admins')]) {
      const before = await iamState();
      const ctx = ctxFor(caseInsensitive);
      const err = await run(verb, ctx, { entitlement: `group:${spelled}:member`, principalType: 'iam_user', principal: who(verb) }, { allowedGroups: [SCOPE] }).catch((e) => e);
      expect(err).toBeInstanceOf(ProvisionError);
      expect(err).toMatchObject({ code: 'refused', message: expect.stringContaining(`real ARN ${groupArn('Admins')}`) });
      expect(err.message).toContain(spelled);
      expect(ctx.calls.count('iam:GetGroup')).toBeGreaterThan(0);
      expect(writes(ctx)).toEqual([]);
      expect(await iamState()).toEqual(before);
    }
  }
  // The same stub with no scope: a case variant of a group's own ARN is still not that ARN.
  const ctx = ctxFor(caseInsensitive);
  await expect(grant(ctx, { entitlement: `group:${groupArn('ADMINS')}:member`, principalType: 'iam_user', principal: who('grant') })).rejects.toMatchObject({ code: 'refused' });
  expect(writes(ctx)).toEqual([]);
});

test('an in-scope grant and revoke still work, and make exactly the reads the guard needs', async () => {
  const ctx = ctxFor();
  const ids = { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.bobArn };
  const r = await grant(ctx, ids, { allowedGroups: [SCOPE] });
  expect(r.status).toBe('granted');
  expect(r.details).toMatchObject({ groupArn: w.iam.managedGroupArn });
  expect((await iamState())[w.iam.managedGroupArn]).toEqual(['bob', 'carol']);
  expect(ctx.calls.toJSON()).toEqual({ 'iam:AddUserToGroup': 1, 'iam:GetGroup': 1, 'sts:GetCallerIdentity': 1 });
  expect((await revoke(ctx, ids, { allowedGroups: [SCOPE] })).status).toBe('revoked');
  expect((await iamState())[w.iam.managedGroupArn]).toEqual(['carol']);
  // --dry-run runs the same guard.
  const dry = ctxFor();
  await expect(grant(dry, { ...ids, entitlement: `group:${groupArn('c1-managed/Admins')}:member` }, { dryRun: true })).rejects.toMatchObject({ code: 'refused' });
  expect(writes(dry)).toEqual([]);
});

describe('Identity Center names that match more than one principal are refused, naming the candidates', () => {
  const memberships = async (groupId: string) =>
    (await setup.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: groupId }))).GroupMemberships!;
  const newUser = async (userName: string, email?: string) =>
    (
      await setup.identityStore.send(
        new CreateUserCommand({
          IdentityStoreId: w.identityStoreId,
          UserName: userName,
          DisplayName: userName,
          Name: { GivenName: 'G', FamilyName: 'F' },
          ...(email ? { Emails: [{ Value: email, Primary: true }] } : {}),
        }),
      )
    ).UserId!;

  test('a user name equal to another user\'s email', async () => {
    const eve = await newUser('eve', 'ALICE@example.com');
    const ctx = ctxFor();
    const err = await resolveNames(ctx, { ssoGroup: 'devs', ssoUser: 'alice@example.com' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err.code).toBe('ambiguous');
    expect(err.message).toContain('--sso-user "alice@example.com" matches 2 Identity Center users');
    expect(err.message).toContain(`${w.sso.aliceUserId} (user name)`);
    expect(err.message).toContain(`${eve} (email)`);
    expect(writes(ctx)).toEqual([]);
    expect(await memberships(w.sso.devsGroupId)).toEqual([]);
  });

  test('user names that differ only in case', async () => {
    const a = await newUser('dave');
    const b = await newUser('Dave');
    const err = await resolveNames(ctxFor(), { ssoGroup: 'devs', ssoUser: 'dave' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ambiguous' });
    expect(err.message).toContain(`${a} (user name)`);
    expect(err.message).toContain(`${b} (user name)`);
  });

  test('group display names that differ only in case', async () => {
    const other = (await setup.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: w.identityStoreId, DisplayName: 'DEVS' }))).GroupId!;
    const err = await resolveNames(ctxFor(), { ssoGroup: 'devs', ssoUser: 'alice@example.com' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ambiguous' });
    expect(err.message).toContain('--sso-group "devs" matches 2 Identity Center groups');
    expect(err.message).toContain(`${w.sso.devsGroupId} (display name)`);
    expect(err.message).toContain(`${other} (display name)`);
  });

  test('an identical display name on two groups (stubbed: moto refuses the duplicate, a SCIM-fed store may not)', async () => {
    const ctx = ctxFor(
      faultHandler({
        ListGroups: { rewrite: (b) => ({ ...b, Groups: [...(b.Groups ?? []), ...(b.Groups ?? []).filter((g: { DisplayName?: string }) => g.DisplayName === 'devs').map((g: object) => ({ ...g, GroupId: 'g-twin' }))] }) },
      }),
    );
    const err = await resolveNames(ctx, { ssoGroup: 'devs', ssoUser: 'alice@example.com' }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ambiguous', message: expect.stringContaining('g-twin (display name)') });
  });

  test('one match still resolves; the CLI exits 1 on an ambiguous name and changes nothing', async () => {
    expect((await resolveNames(ctxFor(), { ssoGroup: 'devs', ssoUser: 'alice@example.com' })).principal).toBe(w.sso.aliceId);
    await newUser('eve', 'alice@example.com');
    const r = await c1(['grant', '--sso-group', 'devs', '--sso-user', 'alice@example.com']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('matches 2 Identity Center users');
    expect(await memberships(w.sso.devsGroupId)).toEqual([]);
  });
});

// The CLI as a user runs it: exit codes, messages, --json, and no secret printed. In process, except one child
// process each for exit 2, 1 and 0 (the way from `main`'s result to the binary's exit code).
const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
const EXTERNAL_ID = 'guard-test-external-id-0123456789abcdef';
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

describe('the CLI', () => {
  const bobTo = (group: string) => ['--entitlement', `group:${group}:member`, '--principal-type', 'iam_user', '--principal', userArn('bob')];

  test('a dot-dot spelling exits 2 before any call; the scope\'s path spelled over Admins exits 1 naming both ARNs', async () => {
    const before = await iamState();
    const dots = await c1(['grant', ...bobTo(groupArn('c1-managed/../Admins')), '--allowed-groups', SCOPE], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, { child: true });
    expect(dots.code).toBe(2);
    expect(dots.stderr).toMatch(/--entitlement.*path segment "\.\."/);
    const spoof = await c1(['grant', ...bobTo(groupArn('c1-managed/Admins')), '--allowed-groups', SCOPE, '--json']);
    expect(spoof.code).toBe(1);
    const out = JSON.parse(spoof.stdout);
    expect(out).toMatchObject({ status: 'failed', error: { code: 'refused' } });
    expect(out.error.message).toContain(groupArn('Admins'));
    expect(out.error.message).toContain(groupArn('c1-managed/Admins'));
    expect(Object.keys(out.calls).sort()).toEqual(['iam:GetGroup', 'sts:GetCallerIdentity']);
    // A grant id as a snapshot would never write it: revoking carol from Admins through the scope's path.
    const byGrantId = await c1(['revoke', '--grant', `group:${groupArn('c1-managed/Admins')}:member:iam_user:${userArn('carol')}`, '--allowed-groups', SCOPE], {}, { child: true });
    expect(byGrantId.code).toBe(1);
    expect(byGrantId.stderr).toContain(`real ARN ${groupArn('Admins')}`);
    const wildcard = await c1(['revoke', ...bobTo(groupArn('Admins')), '--allowed-groups', 'arn:aws:iam::*:group/*'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(wildcard.code).toBe(2);
    expect(wildcard.stderr).toMatch(/--allowed-groups.*"arn:aws:iam::\*:group\/\*".*12-digit/);
    expect(await iamState()).toEqual(before);
  });

  test('through an assumed role (external ID in the environment): refused, and the ID is printed nowhere', async () => {
    const roleArn = `arn:aws:iam::${ACCT}:role/ConductorOneIntegration`;
    const r = await c1(['grant', ...bobTo(groupArn('c1-managed/Admins')), '--role-arn', roleArn], { BATON_EXTERNAL_ID: EXTERNAL_ID });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('real ARN');
    expect(r.stdout + r.stderr).not.toContain(EXTERNAL_ID);
    const ok = await c1(['grant', ...bobTo(w.iam.managedGroupArn), '--role-arn', roleArn, '--allowed-groups', SCOPE], { BATON_EXTERNAL_ID: EXTERNAL_ID }, { child: true });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(EXTERNAL_ID);
    expect((await iamState())[w.iam.adminsGroupArn]).toEqual(['carol']);
    expect((await iamState())[w.iam.managedGroupArn]).toEqual(['bob', 'carol']);
  });
});
