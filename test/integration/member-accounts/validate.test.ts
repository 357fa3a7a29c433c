/**
 * `c1-aws validate` with member accounts, as a user runs it (env only) against moto: the per-account
 * report judged from what the deployer sees (the StackSet's instances, and the member role read through
 * OrganizationAccountAccessRole). The estate (test/harness/seed-members.ts): member roles from a service-managed
 * StackSet over two OUs; one account outside the targets, one closed, one whose role was deleted out of band and one
 * whose trust was rewritten to another principal. Runs are the CLI's `main` in this process with the same argv and
 * environment (test/harness/cli-main.ts), except one child process each for exit 1 and 2 (the way from `main`'s result
 * to the binary's exit code; no case here asserts exit 0).
 */
import Ajv from 'ajv';
import * as path from 'node:path';
import schema from '../../../connector/src/validate/report.schema.json';
import { REPO_ROOT, useMoto } from '../../harness/moto';
import { runMain } from '../../harness/cli-main';
import { runAsync } from '../../harness/process';
import { deployerCliEnv, MANAGEMENT_ACCOUNT, MEMBER_ROLE_NAME, MemberEstate, seedMemberEstate } from '../../harness/seed-members';
import type { MemberAccountRow } from '../../../connector/src/validate/check-member-accounts';

const moto = useMoto({ resetBeforeEach: false });
let estate: MemberEstate;
const CLI = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
const validateSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);

beforeAll(async () => {
  estate = await seedMemberEstate({ targeted: 5, users: 2, groups: 1, roles: 1, edgeCases: true });
}, 120_000);

const env = (extra: NodeJS.ProcessEnv = {}) => deployerCliEnv(moto.env, estate, extra);
/** `c1-aws <args>` with the environment `e`: in process, or with `child` as `node connector/bin/c1-aws.js`. */
const c1 = (args: string[], e: NodeJS.ProcessEnv, { child = false } = {}) =>
  child ? runAsync(process.execPath, [CLI, ...args], { env: e, timeoutMs: 120_000 }) : runMain(args, e);

test('the report says exactly which member accounts are ready and why the others are not; closed ones skipped', async () => {
  // A child process: exit 1 of the binary.
  const run = await c1(['validate', '--json'], env(), { child: true });
  const report = JSON.parse(run.stdout);
  expect(validateSchema(report)).toBe(true);
  const check = report.checks.find((c: { id: string }) => c.id === 'member-accounts');
  // The management role itself (with member_accounts_access) passes; only the member accounts fail.
  expect(report.checks.find((c: { id: string }) => c.id === 'permissions').status).toBe('pass');
  expect(check.status).toBe('fail');
  expect(run.code).toBe(1);
  const rows = Object.fromEntries((check.details.accounts as MemberAccountRow[]).map((r) => [r.accountId, r]));
  for (const a of estate.ready) expect(rows[a]).toMatchObject({ status: 'ready', reasons: [], stackInstance: { status: 'CURRENT' }, verifiedBy: 'role' });
  expect(rows[estate.roleRemoved!].status).toBe('not-ready');
  expect(rows[estate.roleRemoved!].reasons.join()).toMatch(/no role named ConductorOneMemberAccess/);
  expect(rows[estate.wrongTrust!].reasons.join()).toMatch(/trust policy: .* not exactly the management role/);
  // Outside the targets: reported (ConductorOne will not read its IAM) but not a failure: the targets are the user's choice.
  expect(rows[estate.outsideTargets!]).toMatchObject({ status: 'not-targeted', reasons: [expect.stringMatching(/not a target of stack set ConductorOneMemberAccess/), expect.stringMatching(/no role named/)] });
  expect(rows[estate.suspended!]).toMatchObject({ status: 'skipped' });
  expect(rows[MANAGEMENT_ACCOUNT]).toBeUndefined();
  expect(check.message).toMatch(new RegExp(`not targeted by the stack set, so ConductorOne will not read their IAM: ${estate.outsideTargets} \\(outside-targets\\)`));
  expect(check.details).toMatchObject({ ready: estate.ready.length, active: estate.ready.length + 3, notTargeted: 1, iamAssumeRoleName: MEMBER_ROLE_NAME, organizationId: estate.organizationId });
  expect(check.message).toMatch(new RegExp(`^${estate.ready.length} of ${estate.ready.length + 3} active member account\\(s\\) ready`));
  // How to opt out: Organizations alone turns member accounts on (baton-aws's rule), which surprises older setups.
  expect(check.message).toContain('--global-aws-cross-account-iam-enabled=false');

  // The human form: the summary, then one row per account that is not ready, and the skipped one.
  const human = await c1(['validate'], env());
  expect(human.stdout).toMatch(/FAIL {2}Member accounts +\d of \d active member account\(s\) ready/);
  for (const a of [estate.roleRemoved!, estate.wrongTrust!]) expect(human.stdout).toMatch(new RegExp(`NOT READY +${a} `));
  expect(human.stdout).toMatch(new RegExp(`untargeted +${estate.outsideTargets} outside-targets: not a target`));
  expect(human.stdout).toMatch(new RegExp(`skipped +${estate.suspended} closed: the account is (SUSPENDED|PENDING_CLOSURE)`));
  for (const a of estate.ready) expect(human.stdout).not.toMatch(new RegExp(`NOT READY ${a}`));
}, 180_000);

test('where the caller cannot read the role, the stack instance is all validate goes on, and each row says so', async () => {
  // --member-inspect-role-name "" (as when the deployer has no role in the member accounts): no role is read.
  const run = await c1(['validate', '--json'], env({ BATON_MEMBER_INSPECT_ROLE_NAME: '' }));
  const check = JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'member-accounts');
  const rows = Object.fromEntries((check.details.accounts as MemberAccountRow[]).map((r) => [r.accountId, r]));
  // The removed role and the rewritten trust cannot be seen this way: their instances succeeded.
  for (const a of [...estate.ready, estate.roleRemoved!, estate.wrongTrust!]) {
    expect(rows[a]).toMatchObject({ status: 'ready', verifiedBy: 'stack-instance', note: expect.stringMatching(/the role was not read .*trust and permissions were not checked/) });
  }
  expect(rows[estate.outsideTargets!]).toMatchObject({ status: 'not-targeted' });
  expect(check.status).toBe('pass');
  expect(check.message).toMatch(/\(5 judged from the stack instance only: the role could not be read\)/);
}, 120_000);

test('the management role without member_accounts_access fails the permissions check naming the action', async () => {
  // A different member role name: the management role's sts:AssumeRole statement does not cover it.
  const run = await c1(['validate', '--json'], env({ BATON_IAM_ASSUME_ROLE_NAME: 'conductorone/Other' }));
  const perms = JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'permissions');
  expect(perms.status).toBe('fail');
  expect(perms.details.missing).toEqual([
    expect.objectContaining({ action: 'sts:AssumeRole', resource: 'arn:aws:iam::*:role/conductorone/Other', capability: 'member_accounts_access' }),
  ]);
}, 120_000);

test('member accounts off: no member check, and no member_accounts_access needed', async () => {
  const run = await c1(['validate', '--json'], env({ BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'false' }));
  const report = JSON.parse(run.stdout);
  expect(report.checks.find((c: { id: string }) => c.id === 'member-accounts').status).toBe('skip');
}, 120_000);

test.each([
  [['--iam-assume-role-name', 'bad name'], /--iam-assume-role-name \(its name after the last \/\) must be 1 to 64 characters/],
  [['--iam-assume-role-name', '/conductorone/X'], /--iam-assume-role-name takes the path without its leading \//],
  [['--iam-assume-role-name', `p/${'x'.repeat(65)}`], /--iam-assume-role-name \(its name after the last \/\) must be 1 to 64 characters .*\(got 65 characters\)/],
  [['--iam-assume-role-name', 'a b/X'], /--iam-assume-role-name \(its path, before the last \/\) must start and end with \/.*contains a space/],
  [['--member-stack-set-name', '1bad'], /--member-stack-set-name must be 1 to 128 characters: a letter, then letters, digits and hyphens/],
  [['--global-aws-orgs-enabled', 'false', '--global-aws-cross-account-iam-enabled'], /--global-aws-cross-account-iam-enabled requires --global-aws-orgs-enabled/],
])('bad input %j: exit 2 naming the input and the rule, before any AWS call', async (args, message) => {
  // An endpoint nothing listens on: any AWS call would fail differently (and slowly).
  // The first case as a child process: exit 2 of the binary.
  const run = await c1(['validate', ...args], env({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }), { child: args[1] === 'bad name' });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
});
