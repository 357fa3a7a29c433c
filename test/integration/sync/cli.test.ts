/**
 * `c1-aws sync` and `c1-aws diff` as a user runs them, pointed at moto through the environment: the CLI's `main` in
 * this process (test/harness/cli-main.ts), except child processes for the progress lines on a real pipe and for one
 * exit 0, 1 and 2 each (the way from `main`'s result to the binary's exit code).
 * Covers assume-role vs ambient credentials, fail-soft denials (moto's IAM authorization on), a required source
 * failing (exit 1, the old snapshot untouched), the JSON summary, and secrets never printed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createAwsContext } from '../../../connector/src/aws';
import type { Snapshot } from '../../../connector/src/sync';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, REPO_ROOT, startMoto } from '../../harness/moto';
import { seedTestEstate, TestEstate } from '../../harness/seed-estate';
import { runMain } from '../../harness/cli-main';

const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
const EXTERNAL_ID = 'c1-external-id-0123456789abcdefABCDEF';
const AT = '2026-01-01T00:00:00Z';
let moto: Moto;
let estate: TestEstate;
let dir: string;

/** `c1-aws <args>` with this file's environment: in process, or with `child` as `node connector/bin/c1-aws.js`. */
function c1(args: string[], env: NodeJS.ProcessEnv = {}, { child = false } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  if (!child) return runMain(args, { ...base, ...moto.env, ...env });
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...moto.env, ...env }, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  estate = await seedTestEstate(ctx);
  ctx.destroy();
  dir = mkdtempSync(path.join(tmpdir(), 'c1-sync-'));
});
afterAll(() => moto.stop());

const FEATURES = ['--global-aws-orgs-enabled', 'true', '--global-aws-sso-enabled', 'true', '--global-aws-sso-region', MOTO_REGION];

test('sync writes the snapshot, plain progress lines without a TTY, a summary; --synced-at makes runs byte-identical', async () => {
  const out = path.join(dir, 'a.json');
  // A child process: the progress lines as a real pipe gets them, and exit 0 of the binary.
  const run = await c1(['sync', '--output', out, '--synced-at', AT, ...FEATURES], {}, { child: true });
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^sync: caller identity\.\.\.$/m);
  expect(run.stderr).toMatch(/^sync: Identity Center assignments: ok/m);
  expect(run.stderr).toMatch(/wrote .*a\.json/);
  // Without --role-arn the caller's own credentials read the estate, and the summary says so.
  expect(run.stderr).toMatch(/^synced as arn:aws:sts::123456789012:user\/moto: the caller's own credentials \(the role was not assumed/m);
  expect(run.stderr).toMatch(/iam:GetAccountAuthorizationDetails\s+1/);
  const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
  expect(snap.grants.map((g) => g.id)).toEqual(estate.expectedGrants);
  const again = path.join(dir, 'b.json');
  expect((await c1(['sync', '-o', again, '--quiet', ...FEATURES], { BATON_SYNCED_AT: AT })).stderr).toBe('');
  expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
});

test('--json prints a machine summary; with --role-arn and the external ID every call is made as the role', async () => {
  const out = path.join(dir, 'assumed.json');
  const run = await c1(['sync', '-o', out, '--json', '--role-arn', 'arn:aws:iam::123456789012:role/ConductorOneIntegration'], { BATON_EXTERNAL_ID: EXTERNAL_ID });
  expect(run.code).toBe(0);
  const summary = JSON.parse(run.stdout);
  expect(summary).toMatchObject({ ok: true, output: out, assumedRole: true, counts: { iam_user: 34, role: 28 }, calls: { 'sts:AssumeRole': 1 } });
  expect(summary.callerArn).toMatch(/assumed-role\/ConductorOneIntegration\//);
  expect(JSON.parse(readFileSync(out, 'utf8')).source.callerArn).toMatch(/assumed-role\/ConductorOneIntegration\//);
  expect(run.stdout + run.stderr + readFileSync(out, 'utf8')).not.toContain(EXTERNAL_ID);
  // --role-arn without the external ID is a usage error, before any call.
  // A child process: exit 2 of the binary.
  expect((await c1(['sync', '-o', out, '--role-arn', 'arn:aws:iam::123456789012:role/X'], {}, { child: true })).code).toBe(2);
});

test('SCIM flags: the endpoint format is checked, a local one needs the test switch, the token is never printed', async () => {
  const out = path.join(dir, 'scim.json');
  const token = 'scim-secret-token-abcdef0123456789';
  const bad = await c1(['sync', '-o', out, '--scim-endpoint', 'https://scim.us-east-1.amazonaws.com/bad id/scim/v2'], { BATON_SCIM_TOKEN: token });
  expect(bad.code).toBe(2);
  const local = await c1(['sync', '-o', out, '--scim-endpoint', 'http://127.0.0.1:9/scim/v2'], { BATON_SCIM_TOKEN: token });
  expect(local).toMatchObject({ code: 2 });
  expect(local.stderr).toMatch(/--scim-allow-local/);
  const noToken = await c1(['sync', '-o', out, '--scim-endpoint', 'https://scim.us-east-1.amazonaws.com/a1b2-c3/scim/v2']);
  expect(noToken.stderr).toMatch(/BATON_SCIM_TOKEN/);
  for (const r of [bad, local, noToken]) expect(r.stdout + r.stderr).not.toContain(token);
});

test('diff: grants added and removed by principal and entitlement, human and --json', async () => {
  const before = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8')) as Snapshot;
  const after: Snapshot = { ...before, grants: before.grants.filter((g) => !g.principal.resource.endsWith('user/dave')) };
  const removed = before.grants.length - after.grants.length;
  const b = path.join(dir, 'after.json');
  writeFileSync(b, JSON.stringify(after));
  const human = await c1(['diff', path.join(dir, 'a.json'), b]);
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^dave \(iam_user:arn:aws:iam::123456789012:user\/dave\)$/m);
  expect(human.stdout).toMatch(/^ {2}- eng Group Member {2}\[group:arn:aws:iam::123456789012:group\/eng\/eng:member\]$/m);
  expect(human.stdout).toContain(`0 added, ${removed} removed, 0 changed`);
  const json = JSON.parse((await c1(['diff', b, path.join(dir, 'a.json'), '--json'])).stdout);
  expect(json.added).toHaveLength(removed);
  expect(json.removed).toEqual([]);
  expect((await c1(['diff', path.join(dir, 'a.json'), path.join(dir, 'a.json')])).stdout).toBe('no grant changes\n');
});

describe('with IAM authorization on', () => {
  const keys = async (name: string, actions: string[]) => {
    const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
    await ctx.iam.send(new CreateUserCommand({ UserName: name }));
    await ctx.iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }) }));
    const k = (await ctx.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    ctx.destroy();
    return { AWS_ACCESS_KEY_ID: k.AccessKeyId!, AWS_SECRET_ACCESS_KEY: k.SecretAccessKey! };
  };
  let partial: NodeJS.ProcessEnv;
  let none: NodeJS.ProcessEnv;
  beforeAll(async () => {
    partial = await keys('partial-reader', ['sts:GetCallerIdentity', 'iam:GetAccountAuthorizationDetails', 'organizations:*', 'sso:*', 'identitystore:*']);
    none = await keys('no-reader', ['sts:GetCallerIdentity']);
    await moto.setAuth(0);
  });
  afterAll(() => moto.setAuth(Infinity));

  test('optional sources denied: warnings naming the permission and what is left out; exit 0', async () => {
    const out = path.join(dir, 'partial.json');
    const run = await c1(['sync', '-o', out, '--json', ...FEATURES], partial);
    expect(run.code).toBe(0);
    const warnings = JSON.parse(run.stdout).warnings.map((w: { message: string }) => w.message).join('\n');
    expect(warnings).toMatch(/needs iam:ListAccountAliases; left out: the account aliases/);
    expect(warnings).toMatch(/needs iam:ListSAMLProviders; left out: SAML providers/);
    expect(warnings).toMatch(/needs iam:ListOpenIDConnectProviders/);
    expect(warnings).toMatch(/needs iam:GenerateCredentialReport, iam:GetCredentialReport/);
    const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
    expect(snap.resources.some((r) => r.id.resourceType === 'identity_provider')).toBe(false);
    expect(snap.resources.filter((r) => r.id.resourceType === 'sso_user')).toHaveLength(3);
  });

  test('a required source denied: exit 1 and the previous snapshot left whole, no temp file behind', async () => {
    const out = path.join(dir, 'kept.json');
    writeFileSync(out, '{"previous":true}\n');
    // A child process: exit 1 of the binary.
    const run = await c1(['sync', '-o', out, ...FEATURES], none, { child: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/sync failed, .*kept\.json left as it was: IAM users, groups and roles failed/);
    expect(readFileSync(out, 'utf8')).toBe('{"previous":true}\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(out)).toBe(true);
  });
});
