/**
 * Names from AWS reach the terminal through `sync`'s summary and `diff`. Identity Center accepts display and user
 * names with control and bidi characters (moto stores them as given), so an estate can hold a group named to fake
 * a line of our output ("0 added, 0 removed, 0 changed") or to hide the rest of it (ESC[8m). The CLI, as a user
 * runs it against moto: human output shows those characters escaped, --json keeps them exact. The CLI's `main` runs in
 * this process (test/harness/cli-main.ts: the same argv and environment, what it writes captured), except the sync
 * whose progress goes to stderr: a child, so its lines are checked as a real pipe gets them (and its exit 0).
 */
import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand } from '@aws-sdk/client-identitystore';
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAwsContext } from '../../../connector/src/aws';
import type { Snapshot } from '../../../connector/src/sync';
import { MOTO_CREDENTIALS, MOTO_REGION, REPO_ROOT, useMoto } from '../../harness/moto';
import { runMain } from '../../harness/cli-main';
import { runAsync } from '../../harness/process';

const moto = useMoto({ resetBeforeEach: false });
const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
const FEATURES = ['--global-aws-orgs-enabled', 'true', '--global-aws-sso-enabled', 'true', '--global-aws-sso-region', MOTO_REGION, '--synced-at', '2026-01-01T00:00:00Z'];
const FORGED = '0 added, 0 removed, 0 changed';
const GROUP = `ops\n${FORGED}\x1b[8m`;
const USER = `mallory\u202e\r\x1b]0;pwned\x07`;
/** What a terminal acts on, besides the line breaks the printer makes. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** `c1-aws <args>` with this file's environment: in process, or with `child` as `node connector/bin/c1-aws.js`. */
const c1 = (args: string[], { child = false } = {}) => {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  if (!child) return runMain(args, { ...base, ...moto.env });
  return runAsync(process.execPath, [BIN, ...args], { env: { ...base, ...moto.env }, cwd: REPO_ROOT, timeoutMs: 120000 });
};

test('sync and diff print hostile Identity Center names escaped; --json and the snapshot keep them exact', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'c1-hostile-names-'));
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  let group: string;
  let user: string;
  let store: string;
  try {
    await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    store = (await ctx.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0].IdentityStoreId!;
    group = (await ctx.identityStore.send(new CreateGroupCommand({ IdentityStoreId: store, DisplayName: GROUP }))).GroupId!;
    user = (await ctx.identityStore.send(new CreateUserCommand({ IdentityStoreId: store, UserName: USER, DisplayName: USER, Name: { GivenName: 'M', FamilyName: 'X' } }))).UserId!;
  } finally {
    ctx.destroy();
  }
  const before = path.join(dir, 'before.json');
  expect((await c1(['sync', '-o', before, '--quiet', ...FEATURES])).code).toBe(0);

  const ctx2 = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  try {
    await ctx2.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: store, GroupId: group, MemberId: { UserId: user } }));
  } finally {
    ctx2.destroy();
  }
  const after = path.join(dir, 'after.json');
  const synced = await c1(['sync', '-o', after, ...FEATURES], { child: true });
  expect(synced.code).toBe(0);
  expect(synced.stderr).not.toMatch(RAW_CONTROL);
  // The snapshot is exact: the names as AWS holds them.
  const snap = JSON.parse(readFileSync(after, 'utf8')) as Snapshot;
  expect(snap.resources.map((r) => r.displayName)).toEqual(expect.arrayContaining([GROUP, USER]));

  const diff = await c1(['diff', before, after]);
  expect(diff.code).toBe(0);
  expect(diff.stdout).not.toMatch(RAW_CONTROL);
  const lines = diff.stdout.trimEnd().split('\n');
  // One real summary line, the last; the group's forged one stays inside its entitlement's line.
  expect(lines.filter((l) => l === FORGED || l.startsWith(FORGED))).toEqual([]);
  expect(lines[lines.length - 1]).toBe('1 added, 0 removed, 0 changed');
  expect(diff.stdout).toContain('mallory\\u202e\\x0d\\x1b]0;pwned\\x07');
  expect(diff.stdout).toContain(`ops\\x0a${FORGED}\\x1b[8m`);

  const json = await c1(['diff', before, after, '--json']);
  const d = JSON.parse(json.stdout) as { added: { principalName: string; entitlementName: string }[] };
  expect(d.added).toHaveLength(1);
  expect(d.added[0].principalName).toBe(USER);
  expect(d.added[0].entitlementName).toContain(GROUP);
});
