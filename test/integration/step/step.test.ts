/**
 * `c1-aws step` as Terraform's local-exec runs it: no shell, argv = [node, c1-aws.js, "step"], everything else in
 * the environment, against moto. The behaviour and exit codes of the shell script it replaced:
 *   set -e; c1 validate; if [ "$C1_SYNC_STEP" = sync ]; then
 *     if [ -n "${BATON_EXTERNAL_ID:-}" ]; then c1 sync --output "$C1_SNAPSHOT_PATH" 2>>"$C1_REPORT";
 *     else (unset BATON_ROLE_ARN; c1 sync --output "$C1_SNAPSHOT_PATH"); fi; fi
 * plus: a bad step environment exits 2 before anything runs, files are 0600, the report never follows a symlink.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, useMoto } from '../../harness/moto';
import { runAsync, RunResult } from '../../harness/process';
import { createRole, EXTERNAL_ID, roleArn } from '../validate/fixture';
import { runMain } from '../../harness/cli-main';

const moto = useMoto();
const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');
const DIGEST = createHash('sha256').update(EXTERNAL_ID).digest('hex');
let dir: string;
let savedUmask: number;

beforeAll(() => {
  // The children inherit it: files must come out 0600 under the usual 022.
  savedUmask = process.umask(0o022);
});
afterAll(() => process.umask(savedUmask));
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'c1-step-'));
});

/** The module's environment for the step: role, principal and features as main.tf sets them, plus `env`. */
async function step(env: NodeJS.ProcessEnv): Promise<RunResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_') && !k.startsWith('C1_')));
  const r = await runAsync(process.execPath, [BIN, 'step'], {
    env: { ...base, ...moto.env, BATON_ROLE_ARN: roleArn(), BATON_GLOBAL_AWS_ORGS_ENABLED: 'false', BATON_GLOBAL_AWS_SSO_ENABLED: 'false', BATON_PROVISIONING: 'false', ...env },
    timeoutMs: 120000,
  });
  expect(r.output).not.toContain(EXTERNAL_ID);
  return r;
}

const mode = (f: string) => statSync(f).mode & 0o777;

test('C1_SYNC_STEP=validate: validate only, its table on stdout, exit 0', async () => {
  await createRole();
  const snapshot = path.join(dir, 'snap.json');
  const r = await step({ C1_SYNC_STEP: 'validate', C1_SNAPSHOT_PATH: snapshot, BATON_EXTERNAL_ID_SHA256: DIGEST });
  expect(r.stdout).toMatch(/3\. PASS {2}Trust policy/);
  expect(r.stdout).toMatch(/All checks passed\.\n$/);
  expect(r.code).toBe(0);
  expect(existsSync(snapshot)).toBe(false);
});

test('a failing validate ends the step with its exit code; sync does not run', async () => {
  await createRole({ trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] } });
  const snapshot = path.join(dir, 'snap.json');
  const r = await step({ C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: snapshot, BATON_EXTERNAL_ID_SHA256: DIGEST });
  expect(r.stdout).toMatch(/3\. FAIL {2}Trust policy/);
  expect(r.code).toBe(1);
  expect(existsSync(snapshot)).toBe(false);
});

test("C1_SYNC_STEP=sync without the external ID: sync with the caller's own credentials (BATON_ROLE_ARN dropped), snapshot 0600", async () => {
  await createRole();
  // A path a shell would act on: it must be taken literally.
  const marker = path.join(dir, 'marker');
  const odd = path.join(dir, `v$(touch ${marker})v`, "it's; a `dir`");
  mkdirSync(odd, { recursive: true });
  const snapshot = path.join(odd, 'snap.json');
  const r = await step({ C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: snapshot, BATON_EXTERNAL_ID_SHA256: DIGEST });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/All checks passed\./);
  expect(r.stderr).toMatch(/synced as arn:aws:sts::123456789012:user\/moto: the caller's own credentials/);
  expect(mode(snapshot)).toBe(0o600);
  expect(JSON.parse(readFileSync(snapshot, 'utf8')).source.callerArn).toBe('arn:aws:sts::123456789012:user/moto');
  expect(existsSync(marker)).toBe(false);
});

test("C1_SYNC_STEP=sync with the external ID: validate's report and sync's messages go to C1_REPORT (0600), sync runs as the role", async () => {
  await createRole();
  const snapshot = path.join(dir, 'snap.json');
  const report = path.join(dir, 'report.txt');
  const r = await step({ C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: snapshot, C1_REPORT: report, BATON_EXTERNAL_ID: EXTERNAL_ID, BATON_VALIDATE_REPORT: report });
  expect(r.code).toBe(0);
  // Terraform hides this output (the environment holds a secret), but it is still printed.
  expect(r.stdout).toMatch(/All checks passed\./);
  expect(r.stderr).not.toMatch(/synced as/);
  const text = readFileSync(report, 'utf8');
  expect(text).toMatch(/^c1-aws validate arn:aws:iam::123456789012:role\/ConductorOneIntegration\n/);
  expect(text).toMatch(/synced as arn:aws:sts::123456789012:assumed-role\/ConductorOneIntegration\/[^:]+: the role, assumed with the external ID/);
  expect(text).not.toContain(EXTERNAL_ID);
  expect(mode(report)).toBe(0o600);
  expect(mode(snapshot)).toBe(0o600);
  expect(readFileSync(snapshot, 'utf8')).not.toContain(EXTERNAL_ID);
});

test('C1_REPORT as a symlink: never written through; sync does not run (exit 1), or validate --report replaces the link', async () => {
  await createRole();
  const victim = path.join(dir, 'victim');
  writeFileSync(victim, 'precious\n', { mode: 0o644 });
  const snapshot = path.join(dir, 'snap.json');
  const report = path.join(dir, 'report.txt');
  symlinkSync(victim, report);
  const refused = await step({ C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: snapshot, C1_REPORT: report, BATON_EXTERNAL_ID: EXTERNAL_ID });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/step: cannot append to C1_REPORT .*report\.txt: ELOOP/);
  expect(existsSync(snapshot)).toBe(false);
  expect(readFileSync(victim, 'utf8')).toBe('precious\n');

  const replaced = await step({ C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: snapshot, C1_REPORT: report, BATON_EXTERNAL_ID: EXTERNAL_ID, BATON_VALIDATE_REPORT: report });
  expect(replaced.code).toBe(0);
  expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  expect(mode(victim)).toBe(0o644);
  expect(lstatSync(report).isSymbolicLink()).toBe(false);
  expect(readFileSync(report, 'utf8')).toMatch(/synced as/);
});

describe('a bad step environment exits 2 naming the variable, before validate runs', () => {
  test('through the binary, as Terraform runs it', async () => {
    const r = await step({ BATON_EXTERNAL_ID_SHA256: DIGEST });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/C1_SYNC_STEP is not set/);
  });

  test.each([
    ['C1_SYNC_STEP unset', {}, /C1_SYNC_STEP is not set/],
    ['C1_SYNC_STEP empty', { C1_SYNC_STEP: '' }, /C1_SYNC_STEP must be validate or sync \(got ""\)/],
    ['C1_SYNC_STEP off', { C1_SYNC_STEP: 'off' }, /C1_SYNC_STEP must be validate or sync \(got "off"\)/],
    ['C1_SYNC_STEP Sync', { C1_SYNC_STEP: 'Sync' }, /C1_SYNC_STEP must be validate or sync/],
    ['C1_SYNC_STEP with a shell payload and an escape', { C1_SYNC_STEP: 'sync; touch /tmp/c1-step-x\x1b[2J' }, /C1_SYNC_STEP must be validate or sync \(got "sync; touch \/tmp\/c1-step-x\\x1b\[2J"\)/],
    ['sync without C1_SNAPSHOT_PATH', { C1_SYNC_STEP: 'sync' }, /C1_SYNC_STEP=sync needs C1_SNAPSHOT_PATH/],
    ['sync as the role without C1_REPORT', { C1_SYNC_STEP: 'sync', C1_SNAPSHOT_PATH: '/tmp/x.json', BATON_EXTERNAL_ID: EXTERNAL_ID }, /needs C1_REPORT/],
  ] as [string, NodeJS.ProcessEnv, RegExp][])('%s', async (_name, env, message) => {
    // In process (test/harness/cli-main.ts), with the environment step() gives the child: the step refuses before
    // it starts one. The child-process cases above prove the binary's exit codes.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_') && !k.startsWith('C1_')));
    const r = await runMain(['step'], {
      ...base,
      ...moto.env,
      BATON_ROLE_ARN: roleArn(),
      BATON_GLOBAL_AWS_ORGS_ENABLED: 'false',
      BATON_GLOBAL_AWS_SSO_ENABLED: 'false',
      BATON_PROVISIONING: 'false',
      BATON_EXTERNAL_ID_SHA256: env.BATON_EXTERNAL_ID ? undefined : DIGEST,
      ...env,
    });
    expect(r.stdout + r.stderr).not.toContain(EXTERNAL_ID);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\x1b/);
    expect(r.stdout).toBe('');
  });
});

test('an interrupted step passes the signal on: its child does not outlive it, exit 128 + signal', async () => {
  // No role: validate keeps retrying iam:GetRole for BATON_VALIDATE_WAIT seconds, long enough to interrupt it.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_') && !k.startsWith('C1_')));
  const stepProcess = spawn(process.execPath, [BIN, 'step'], {
    env: { ...base, ...moto.env, BATON_ROLE_ARN: roleArn(), BATON_EXTERNAL_ID_SHA256: DIGEST, BATON_VALIDATE_WAIT: '120', C1_SYNC_STEP: 'validate' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => stepProcess.on('close', (code) => resolve(code)));
  const children = () => {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(stepProcess.pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter(Boolean);
    } catch {
      return []; // ps exits 1 when there is none
    }
  };
  let child: number[] = [];
  for (let i = 0; i < 100 && child.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    child = children();
  }
  expect(child).toHaveLength(1);
  // Let the child start up before the signal (a node still loading dies of it either way).
  await new Promise((r) => setTimeout(r, 1500));
  stepProcess.kill('SIGTERM');
  expect(await exited).toBe(128 + 15);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && alive(child[0]); i++) await new Promise((r) => setTimeout(r, 100));
  expect(alive(child[0])).toBe(false);
});
