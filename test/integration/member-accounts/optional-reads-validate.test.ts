/**
 * `c1-aws validate` with member accounts and ConductorOne's optional reads, as a user runs it (env only) against moto:
 * the CLI's `main` in this process with the same argv and environment (test/harness/cli-main.ts; no case here is about
 * the process or its exit code). ConductorOne's connector reads member accounts' policies and access keys through the member role
 * with per-principal calls (baton-aws 2156bebe pkg/connector/iam_policy.go:138, inline_policy.go:82, secrets.go:55),
 * so the module's enable_policy_sync / enable_access_key_sync put policy_sync / access_key_sync into the member role,
 * and the member-account check judges the role against them exactly when their types are asked for: a role without
 * them is "missing", a role with them while they are off "excess" (as iam_provisioning without --member-provisioning).
 * The estate (test/harness/seed-members.ts): member roles from the StackSet holding iam_sync + policy_sync only.
 */
import { useMoto } from '../../harness/moto';
import { runMain } from '../../harness/cli-main';
import { deployerCliEnv, MemberEstate, seedMemberEstate } from '../../harness/seed-members';
import type { MemberAccountRow } from '../../../connector/src/validate/check-member-accounts';
import { capability } from '../../../connector/src/policy/capabilities';

const moto = useMoto({ resetBeforeEach: false });
let estate: MemberEstate;

beforeAll(async () => {
  estate = await seedMemberEstate({ targeted: 2, users: 1, groups: 1, roles: 0, optionalReads: ['policy_sync'] });
}, 120_000);

const env = (extra: NodeJS.ProcessEnv = {}) => deployerCliEnv(moto.env, estate, extra);

async function memberCheck(extra: NodeJS.ProcessEnv) {
  const run = await runMain(['validate', '--json'], env(extra));
  const check = JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'member-accounts');
  const rows = check.details.accounts as MemberAccountRow[];
  // Every targeted account has the same role: one verdict for all.
  expect(rows.map((r) => r.accountId).sort()).toEqual([...estate.ready].sort());
  return { check, rows };
}

/** The actions of a capability document, for the "missing" wording. */
const actionsOf = (id: 'access_key_sync' | 'policy_sync') =>
  (capability(id).document as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat());

test('policies asked for (iam_policy, inline_policy): a member role holding policy_sync is ready', async () => {
  const { check, rows } = await memberCheck({ BATON_SYNC_RESOURCE_TYPES: 'iam_policy,inline_policy' });
  expect(check.details.capabilities).toEqual(['iam_sync', 'policy_sync']);
  expect(check.status).toBe('pass');
  for (const r of rows) expect(r).toMatchObject({ status: 'ready', reasons: [], verifiedBy: 'role' });
}, 120_000);

test('access keys asked for too: the member role without access_key_sync is missing exactly its actions', async () => {
  const { check, rows } = await memberCheck({ BATON_SYNC_RESOURCE_TYPES: 'iam_policy,inline_policy,access-key' });
  expect(check.details.capabilities).toEqual(['iam_sync', 'policy_sync', 'access_key_sync']);
  expect(check.status).toBe('fail');
  const wanted = actionsOf('access_key_sync').sort();
  for (const r of rows) {
    expect(r.status).toBe('not-ready');
    const missing = r.reasons.find((x) => x.startsWith('permissions: missing'));
    expect(missing).toMatch(/^permissions: missing 2 action\(s\) iam_sync \+ policy_sync \+ access_key_sync need: /);
    expect(missing!.replace(/^.* need: /, '').split(', ').sort()).toEqual(wanted);
    expect(r.reasons.join()).not.toMatch(/allow more than/);
  }
}, 120_000);

test('--sync-secrets alone: access keys missing, and policy_sync, now off, is excess', async () => {
  const { check, rows } = await memberCheck({ BATON_SYNC_SECRETS: 'true' });
  expect(check.details.capabilities).toEqual(['iam_sync', 'access_key_sync']);
  for (const r of rows) {
    expect(r.status).toBe('not-ready');
    expect(r.reasons).toEqual([
      expect.stringMatching(/^permissions: missing 2 action\(s\) iam_sync \+ access_key_sync need: /),
      expect.stringMatching(/^permissions: \d+ statement\(s\) allow more than iam_sync \+ access_key_sync: /),
    ]);
  }
}, 120_000);

test('no optional read asked for: the member role holding policy_sync allows more than iam_sync', async () => {
  const { check, rows } = await memberCheck({});
  expect(check.details.capabilities).toEqual(['iam_sync']);
  expect(check.status).toBe('fail');
  for (const r of rows) {
    expect(r.status).toBe('not-ready');
    expect(r.reasons).toEqual([expect.stringMatching(/^permissions: \d+ statement\(s\) allow more than iam_sync: /)]);
  }
  // Sanity of the fixture: the excess is policy_sync's reads, which the role really holds.
  expect(actionsOf('policy_sync')).toContain('iam:GetPolicyVersion');
}, 120_000);
