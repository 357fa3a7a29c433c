/**
 * `c1-aws validate` as a user runs it, with env, against moto. Exit codes 0/1/2, --json parsable and valid against the
 * published schema, and the external ID never in stdout or stderr.
 *
 * Runs are the CLI's `main` in this process with the same argv and environment (test/harness/cli-main.ts): a child
 * process adds only its start-up (~1 s each); the way from `main`'s exit code to the process's is proven by the
 * child-process cases here (`{ child: true }`: exit 0, 1, and 2 for a missing external ID).
 */
import Ajv from 'ajv';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../../connector/src/cli';
import { runMain } from '../../harness/cli-main';
import schema from '../../../connector/src/validate/report.schema.json';
import { REPO_ROOT, useMoto } from '../../harness/moto';
import { createRole, EXTERNAL_ID, roleArn, trustPolicy } from './fixture';

const moto = useMoto();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `c1-aws validate <args>`: in process (`usage`), or with `child` as `node connector/bin/c1-aws.js`. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, { child = false } = {}): Promise<Run> {
  if (!child) return usage(args, env);
  return new Promise((resolve) => {
    // Start from a clean environment: no BATON_* of the developer's shell may leak in.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'connector/bin/c1-aws.js'), 'validate', ...args], {
      env: { ...base, ...moto.env, BATON_ROLE_ARN: roleArn(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => {
      expect(stdout + stderr).not.toContain(EXTERNAL_ID);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The same run as a child, through the CLI's `main` in this process (test/harness/cli-main.ts). */
async function usage(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  const r = await runMain(['validate', ...args], { ...base, ...moto.env, BATON_ROLE_ARN: roleArn(), ...env });
  expect(r.stdout + r.stderr).not.toContain(EXTERNAL_ID);
  return r;
}

const validReport = new Ajv({ strict: true }).compile(schema);

test('a correct role: exit 0 and a table', async () => {
  await createRole();
  const r = await cli([], { BATON_EXTERNAL_ID: EXTERNAL_ID }, { child: true });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/1\. PASS {2}Role ARN syntax/);
  expect(r.stdout).toMatch(/3\. PASS {2}Trust policy +only arn:aws:iam::765656841499:role\/ConductorOneService may assume the role/);
  expect(r.stdout).toMatch(/7\. SKIP {2}Assume the role +not asked/);
  expect(r.stdout).toMatch(/All checks passed\.\n$/);
  expect(r.code).toBe(0);
});

test('the external ID from a file, or only its SHA-256 (as Terraform passes it), with --assume', async () => {
  await createRole();
  const dir = mkdtempSync(path.join(tmpdir(), 'c1-validate-'));
  writeFileSync(path.join(dir, 'id'), `${EXTERNAL_ID}\n`);
  expect((await cli(['--json'], { BATON_EXTERNAL_ID_FILE: path.join(dir, 'id') })).code).toBe(0);
  const digest = createHash('sha256').update(EXTERNAL_ID).digest('hex');
  const r = await cli(['--json', '--assume'], { BATON_EXTERNAL_ID_SHA256: digest });
  const report = JSON.parse(r.stdout);
  expect(report.checks.find((c: { id: string }) => c.id === 'assume')).toMatchObject({ status: 'pass' });
  expect(r.code).toBe(0);
});

test('a failing check: exit 1, --json parsable and valid against the schema', async () => {
  await createRole({ trust: trustPolicy({ Principal: '*' }) });
  const r = await cli(['--json'], { BATON_EXTERNAL_ID: EXTERNAL_ID }, { child: true });
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout);
  expect(validReport(report)).toBe(true);
  expect(report.ok).toBe(false);
  expect(report.checks.map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'fail', 'pass', 'skip', 'skip', 'skip', 'skip']);
});

describe('provisioning group scope: --provisioning-group-path / --provisioning-group-arns and their env variables', () => {
  const SCOPE = { groupArns: [], groupPath: '/conductorone/' };
  const PROVISIONING = { organizations: false, identity_center: false, provisioning: true };
  const env = { BATON_EXTERNAL_ID: EXTERNAL_ID, BATON_PROVISIONING: 'true' };

  test('the role narrowed to /conductorone/ passes with the path from the environment (as the Terraform step passes it), and fails without it', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE });
    const ok = await cli([], { ...env, BATON_PROVISIONING_GROUP_PATH: '/conductorone/' });
    expect(ok.stdout).toMatch(/4\. PASS {2}Permissions +13 needed actions allowed \(iam_provisioning, iam_sync, IAM groups only arn:aws:iam::123456789012:group\/conductorone\/\*\)/);
    expect(ok.code).toBe(0);
    const flag = await cli(['--provisioning-group-path', '/conductorone/', '--json'], env);
    expect(flag.code).toBe(0);
    const defaulted = await cli([], env);
    expect(defaulted.stdout).toMatch(/4\. FAIL {2}Permissions +missing 2 action\(s\)/);
    expect(defaulted.code).toBe(1);
    // Listed groups are narrower than the path: the role's /conductorone/* statement is then too wide.
    // (A group name may hold a comma: the list splits only where the next ARN starts.)
    const arns = await cli([], { ...env, BATON_PROVISIONING_GROUP_ARNS: 'arn:aws:iam::123456789012:group/conductorone/Engineers, arn:aws:iam::123456789012:group/conductorone/Ops,Readers' });
    expect(arns.stdout).toContain('on arn:aws:iam::123456789012:group/conductorone/*, wider than the needed resources arn:aws:iam::123456789012:group/conductorone/Engineers, arn:aws:iam::123456789012:group/conductorone/Ops,Readers');
    expect(arns.code).toBe(1);
    // As the Terraform step passes them: a JSON array, so a name holding ",arn:" is still one group.
    const json = await cli([], { ...env, BATON_PROVISIONING_GROUP_ARNS: JSON.stringify(['arn:aws:iam::123456789012:group/conductorone/x,arn:aws:iam::123456789012:group/Admins']) });
    expect(json.stdout).toContain('wider than the needed resource arn:aws:iam::123456789012:group/conductorone/x,arn:aws:iam::123456789012:group/Admins');
    expect((await cli([], { ...env, BATON_PROVISIONING_GROUP_ARNS: '["arn:aws:iam::123456789012:group/a", 7]' })).stderr).toMatch(/not a JSON array of strings/);
  });

  test('refused before any AWS call, naming the input and the rule', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--provisioning-group-path', 'conductorone'], env, /--provisioning-group-path must start and end with \//],
      [[], { ...env, BATON_PROVISIONING_GROUP_ARNS: 'arn:aws:iam::123456789012:user/x' }, /--provisioning-group-arns entry 1 must be an IAM group ARN/],
      [[], { ...env, BATON_PROVISIONING_GROUP_ARNS: 'arn:aws:iam::123456789012:group/a,arn:aws:iam::210987654321:group/b' }, /--provisioning-group-arns entry 2 must be a group of the role's account 123456789012 and partition aws \(got account 210987654321, partition aws\)/],
      [[], { ...env, BATON_PROVISIONING_GROUP_ARNS: 'arn:aws-cn:iam::123456789012:group/a' }, /entry 1 must be a group of the role's account 123456789012 and partition aws \(got account 123456789012, partition aws-cn\)/],
      [['--provisioning-group-path', '/c1/', '--provisioning-group-arns', 'arn:aws:iam::123456789012:group/a'], env, /are alternatives .* not both/],
      [['--provisioning-group-path', '/c1/'], { BATON_EXTERNAL_ID: EXTERNAL_ID }, /--provisioning-group-path only applies with --provisioning/],
    ];
    for (const [args, e, message] of cases) {
      const r = await usage(args, e);
      expect({ args, e, code: r.code, stdout: r.stdout }).toEqual({ args, e, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });

  test('from the environment without provisioning the scope is ignored (the Terraform step passes it whatever the toggle)', async () => {
    await createRole();
    const r = await cli([], { BATON_EXTERNAL_ID: EXTERNAL_ID, BATON_PROVISIONING_GROUP_PATH: '/conductorone/' });
    expect(r.code).toBe(0);
  });
});

describe('usage and configuration errors: exit 2 before any AWS call', () => {
  // Through the real binary: its exit code 2 (the others run `main` in process).
  test('no external ID', async () => {
    const r = await cli([], {}, { child: true });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/validate needs the external ID \(BATON_EXTERNAL_ID or --external-id-file\) or its SHA-256/);
  });
  test('an external ID outside the grammar is refused without echoing it', async () => {
    const r = await usage([], { BATON_EXTERNAL_ID: 'has a space 0123456789abcdefghijklmn' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/external ID must be .* \(contains a space\)/);
    expect(r.stderr).not.toContain('has a space');
  });
  test("the external ID's length follows the trusted principal: 32 to 65 for ConductorOne's, STS's 2 to 1224 otherwise", async () => {
    const short = 'short-external-id-31-characters';
    const c1 = await usage([], { BATON_EXTERNAL_ID: short });
    expect(c1.code).toBe(2);
    expect(c1.stderr).toMatch(/external ID must be 32 to 65 characters .* when ConductorOne's principal is trusted.* \(got 31 characters\)/);
    expect(c1.stderr).not.toContain(short);
    const other = await usage([], { BATON_EXTERNAL_ID: short, BATON_TRUSTED_PRINCIPAL_ARN: 'arn:aws:iam::123456789012:role/SelfHosted' });
    expect(other.stderr).not.toMatch(/external ID must be/);
  });
  test('a malformed digest, alone or in a list', async () => {
    for (const value of ['xyz', `${'a'.repeat(64)},`, `${'a'.repeat(64)},xyz`]) {
      const r = await usage(['--external-id-sha256', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--external-id-sha256 must be one or more comma-separated SHA-256 digests/);
    }
  });
  test('a malformed role ARN: the report names the rule, exit 2', async () => {
    const r = await usage(['--json'], { BATON_EXTERNAL_ID: EXTERNAL_ID, BATON_ROLE_ARN: 'arn:aws:iam:us-east-1:123456789012:role/X' });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).checks[0]).toMatchObject({ id: 'arn-syntax', status: 'fail', message: expect.stringMatching(/empty region field/) });
  });
  test('Identity Center without Organizations', async () => {
    const r = await usage(['--global-aws-sso-enabled'], { BATON_EXTERNAL_ID: EXTERNAL_ID });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/requires --global-aws-orgs-enabled/);
  });
});

test('--help lists every flag with its env variable', async () => {
  const cmd = buildProgram().commands.find((c) => c.name() === 'validate')!;
  const r = await cli(['--help']);
  expect(r.code).toBe(0);
  const help = r.stdout.replace(/\s+/g, ' ');
  const flags = cmd.options.map((o) => [o.long!, o.envVar] as const);
  expect(flags.map(([f]) => f)).toEqual(
    expect.arrayContaining(['--role-arn', '--external-id', '--external-id-file', '--external-id-sha256', '--trusted-principal-arn', '--global-aws-orgs-enabled', '--global-aws-sso-enabled', '--global-aws-sso-region', '--provisioning', '--provisioning-group-arns', '--provisioning-group-path', '--assume', '--json']),
  );
  for (const [flag, env] of flags) {
    expect(env).toBeDefined();
    expect(help).toContain(`${flag} `);
    expect(help).toContain(`env: ${env}`);
  }
});
