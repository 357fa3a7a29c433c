/**
 * `npm run demo`: the whole thing, end to end, in one command, without an AWS account.
 *   1. moto (a local AWS emulator) on 127.0.0.1, a free port. `ensure-python-tools.sh moto` installs the pinned moto
 *      alone into .venv when the machine has no moto_server of that version (one progress line; the scanners are the
 *      tests' business)
 *   2. a small estate in it (./seed.ts): an organization of three accounts, IAM users, groups, roles and a SAML
 *      provider, Identity Center users, groups, permission sets and assignments
 *   3. the real `cdktf deploy conductorone-aws-management` with sync_step=sync: the stack creates the role, then runs
 *      `c1-aws validate` and `c1-aws sync` with the deployer's credentials
 *   4. the role ARN, the validation table and a summary of the snapshot
 *   5. `cdktf destroy`, moto stopped, temp files removed, also on failure and Ctrl-C; then the time of each phase
 * cdktf runs in a temp directory holding a cdktf.json that points at this repository's app, so its synth output and
 * its local state never land in the working tree. The external ID is generated per run and reaches Terraform as
 * TF_VAR_external_id (cdktf drops TF_VAR_* only for the synth child), never argv; it is never printed.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsContext } from '../../connector/src/aws';
import { readSnapshot } from '../../connector/src/sync/snapshot';
import type { Snapshot } from '../../connector/src/sync/types';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, Moto, REPO_ROOT, startMoto } from '../harness/moto';
import { terraformEnv } from '../harness/terraform';
import { seedDemoEstate } from './seed';

const STACK = 'conductorone-aws-management';
const CDKTF = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf'); // what `npx cdktf` runs from the repo
// The stack finds the CLI from its synthesized directory when that is inside this repository; ours is in a temp dir.

// The SDK warns on every start that releases after Jan 2027 need Node 22; versions are pinned in the lockfile.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((w: string | Error, ...rest: unknown[]) =>
  String(w).includes('NodeVersionSupportWarning') || String(w).includes('node >=22') ? undefined : emitWarning(w as string, ...(rest as []))) as typeof process.emitWarning;

// ---------- output ----------
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const say = (s = '') => process.stdout.write(`${s}\n`);
const section = (title: string) => say(`\n${bold(`== ${title} ${'='.repeat(Math.max(3, 74 - title.length))}`)}`);

// ---------- phases ----------
class Interrupted extends Error {}
let interrupted = false;
const started = performance.now();
const phases: { name: string; ms: number }[] = [];
async function phase<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  if (interrupted) throw new Interrupted('interrupted');
  const start = performance.now();
  try {
    return await fn();
  } finally {
    phases.push({ name, ms: performance.now() - start });
  }
}
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---------- child processes ----------
let current: ChildProcess | null = null;

/** Runs a command in its own process group (Ctrl-C reaches it through us only), passing each output line to onLine. */
function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; onLine?: (line: string) => void }): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let output = '';
    const partial = { out: '', err: '' };
    const feed = (which: 'out' | 'err') => (b: Buffer) => {
      output += b.toString();
      const lines = (partial[which] + b.toString()).split('\n');
      partial[which] = lines.pop()!;
      for (const l of lines) opts.onLine?.(l);
    };
    child.stdout!.on('data', feed('out'));
    child.stderr!.on('data', feed('err'));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (current === child) current = null;
      for (const rest of Object.values(partial)) if (rest) opts.onLine?.(rest);
      resolve({ code: code ?? (signal ? 130 : 1), output });
    });
  });
}

/** Stops the running child's whole process group: SIGINT (Terraform stops cleanly), SIGKILL after 10 s. */
async function stopCurrent(): Promise<void> {
  const child = current;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // Already gone.
    }
  };
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  kill('SIGINT');
  const timer = setTimeout(() => kill('SIGKILL'), 10000);
  await closed;
  clearTimeout(timer);
}

// ---------- cdktf output ----------
// cdktf prefixes each chunk of Terraform output with the stack name and indents the chunk's further lines to match.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const PREFIX = new RegExp(`^(${STACK}\\s+|\\s{${STACK.length + 2}})`);
const clean = (line: string) => line.replace(ANSI, '').replace(PREFIX, '');
const LOCAL_EXEC = /\(local-exec\): ?(.*)$/;

/**
 * What of cdktf's output the demo streams: progress of each resource, the plan's one-line headers, the outcome, errors
 * and everything the sync step prints. The full text is kept and shown if the command fails.
 */
function interesting(line: string): string | null {
  const l = line.trimEnd();
  if (!l.trim() || /^\S?\s*(Starting|Synthesizing)\s*$/.test(l) || /^\d+ Stacks? (deploying|destroying)/.test(l)) return null;
  const exec = LOCAL_EXEC.exec(l);
  if (exec) return `  step | ${exec[1]}`;
  const planned = /^\s*# (\S+) .*will be (created|destroyed|replaced|updated in-place)/.exec(l);
  if (planned) return `  plan: ${planned[1]} will be ${planned[2]}`;
  if (/^(data\.|aws_|terraform_data\.)\S+ \([^)]*\)(\[\d+\])?: (Read complete|Creation complete|Destruction complete|Provisioning with|Still creating)/.test(l)) return l;
  if (/^(Terraform has been successfully initialized|Plan:|Apply complete!|Destroy complete!|Error:|│ Error)/.test(l.trim())) return l.trim();
  return null;
}
const stream = (raw: string) => {
  const shown = interesting(clean(raw));
  if (shown !== null) say(dim(shown));
};

// ---------- the demo ----------
async function main(): Promise<number> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'c1-aws-demo-'));
  const snapshotPath = path.join(work, 'snapshot.json');
  const outputsPath = path.join(work, 'outputs.json');
  const tfEnv = terraformEnv();
  // A demo ID of the grammar's shape (32 letters and digits), new each run.
  const externalId = `demo${randomBytes(14).toString('hex')}`;
  let moto: Moto | null = null;
  let cdktfEnv: NodeJS.ProcessEnv = {};
  let destroyFailed = false;

  const onSignal = (sig: NodeJS.Signals) => {
    if (!interrupted) say(`\n${red(`${sig}: stopping and cleaning up (destroy, stop moto, remove temp files)...`)}`);
    interrupted = true;
    void stopCurrent();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const body = async (): Promise<number> => {
    section('c1-aws demo: the ConductorOne role and connector against a local AWS emulator');
    say(`temp dir ${dim(work)} (removed at the end)`);

    await phase('python tools', () => {
      const r = spawnSync('bash', [path.join(REPO_ROOT, 'test', 'tools', 'ensure-python-tools.sh'), 'moto'], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('installing moto failed (test/tools/ensure-python-tools.sh moto, its message above)');
    });
    moto = await phase('start moto', () => startMoto());
    say(`moto listening on ${moto.endpoint}`);
    cdktfEnv = { ...process.env, ...tfEnv, ...moto.env, AWS_MAX_ATTEMPTS: '1', TF_VAR_external_id: externalId };

    section('seed: a small AWS estate, through the SDK');
    const estate = await phase('seed', async () => {
      process.env.AWS_ENDPOINT_URL = moto!.endpoint;
      const ctx = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
      try {
        return await seedDemoEstate(ctx, MOTO_DEFAULT_ACCOUNT);
      } finally {
        ctx.destroy();
      }
    });
    say(`organization: management account ${estate.managementAccount}, members ${Object.entries(estate.memberAccounts).map(([n, id]) => `${n} (${id})`).join(', ')}`);
    for (const [service, counts] of Object.entries(estate.counts)) say(`${service}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);

    writeFileSync(
      path.join(work, 'cdktf.json'),
      `${JSON.stringify({ language: 'typescript', app: `node --require ${path.join(REPO_ROOT, 'stacks', 'transpile.js')} ${path.join(REPO_ROOT, 'stacks', 'main.ts')}`, sendCrashReports: 'false' }, null, 2)}\n`,
    );
    const syncVars = ['--var', 'sync_step=sync', '--var', `sync_snapshot_path=${snapshotPath}`]; // the module finds the CLI beside it
    const deployArgs = ['deploy', STACK, '--auto-approve', '--skip-provider-lock', ...syncVars, '--outputs-file', outputsPath, '--no-color'];
    section(`deploy: cdktf deploy ${STACK}`);
    say(dim(`$ TF_VAR_external_id=<generated> npx cdktf ${shellLine(deployArgs)}`));
    const stepLines: string[] = [];
    const deploy = await phase('cdktf deploy', () =>
      run(CDKTF, deployArgs, {
        cwd: work,
        env: cdktfEnv,
        onLine: (raw) => {
          const exec = LOCAL_EXEC.exec(clean(raw));
          if (exec) stepLines.push(exec[1]);
          stream(raw);
        },
      }),
    );
    if (deploy.code !== 0) {
      if (interrupted) throw new Interrupted('interrupted');
      throw new Error(`cdktf deploy failed (exit ${deploy.code}); its output:\n${failure(deploy.output)}`);
    }
    const outputs = JSON.parse(readFileSync(outputsPath, 'utf8'))[STACK] as Record<string, unknown>;
    section('role');
    say(`role ARN:             ${bold(String(outputs.role_arn))}`);
    say(`role name:            ${String(outputs.role_name)}`);
    say(`enabled capabilities: ${(outputs.enabled_capabilities as string[]).join(', ')}`);
    say(`sync step:            ${String(outputs.sync_step_status)}`);
    if (!existsSync(snapshotPath)) throw new Error(`the sync step wrote no snapshot at ${snapshotPath} (sync_step_status above says why)`);

    section("validation: c1-aws validate, as the stack's sync step printed it");
    say(validateTable(stepLines) ?? red('(no validation table in the deploy output)'));

    section(`snapshot: c1-aws sync → ${snapshotPath}`);
    say(summarise(readSnapshot(snapshotPath)));
    return 0;
  };

  const cleanup = async () => {
    await stopCurrent();
    // Terraform's local state (cdktf's default backend: the app's working directory) says whether anything exists.
    const deployed = existsSync(path.join(work, `terraform.${STACK}.tfstate`));
    if (deployed && moto && (await alive(moto.endpoint))) {
      await phase('cdktf destroy', async () => {
        section(`destroy: cdktf destroy ${STACK}`);
        const r = await run(CDKTF, ['destroy', STACK, '--auto-approve', '--skip-provider-lock', '--skip-synth', '--no-color'], {
          cwd: work,
          env: cdktfEnv,
          onLine: stream,
        });
        if (r.code === 0) say(green('destroyed: the role and its policies are gone'));
        else {
          destroyFailed = true;
          say(red(`cdktf destroy failed (exit ${r.code}):\n${failure(r.output)}`));
        }
      }).catch(() => undefined);
    } else if (deployed) {
      say(dim('\nmoto is already gone (a Ctrl-C reaches it too), and whatever was deployed went with it: nothing to destroy'));
    }
    if (moto) await moto.stop();
    // The Terraform CLI config (terraformEnv) is shared with any test run going on: it stays.
    rmSync(work, { recursive: true, force: true });
  };

  let code: number;
  try {
    code = await body();
  } catch (e) {
    code = interrupted ? 130 : 1;
    if (!interrupted) say(`\n${red(`demo failed: ${(e as Error).message}`)}`);
  }
  let wasInterrupted = interrupted;
  interrupted = false; // let cleanup's phases run; a Ctrl-C now stops the destroy, the rest still happens
  await cleanup().catch((e) => say(red(`cleanup: ${(e as Error).message}`)));
  wasInterrupted ||= interrupted;
  if (wasInterrupted) code = 130;
  else if (destroyFailed && code === 0) code = 1;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  section('timings (wall clock)');
  for (const p of phases) say(`  ${p.name.padEnd(16)} ${secs(p.ms).padStart(7)}`);
  say(`  ${'total'.padEnd(16)} ${bold(secs(performance.now() - started).padStart(7))}`);
  const done = 'moto stopped, temp files removed.';
  say(code === 0 ? green(`\ndemo finished: ${done}`) : red(`\ndemo ${wasInterrupted ? 'interrupted' : 'failed'}: ${done}`));
  return code;
}

async function alive(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** What to show of a failed cdktf command: from its first error on (else its last lines), without cdktf's status lines. */
function failure(text: string, max = 60): string {
  const lines = text
    .split('\n')
    .map(clean)
    .filter((l) => !/^\d+ Stacks? (deploying|destroying)/.test(l) && !/^\S?\s*(Starting|Synthesizing)\s*$/.test(l));
  const first = lines.findIndex((l) => /^\s*(│\s*)?Error:/.test(l));
  const shown = first < 0 ? lines.slice(-max) : lines.slice(first, first + max);
  return shown.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd();
}

/** An argv as a shell would need it typed. */
const shellLine = (args: string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/** The `c1-aws validate` table among the sync step's lines. */
function validateTable(lines: string[]): string | null {
  const start = lines.findIndex((l) => l.startsWith('c1-aws validate '));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^(All checks passed\.|\d+ check\(s\) failed\.)/.test(l));
  return lines.slice(start, end < 0 ? undefined : end + 1).join('\n');
}

/** Counts per resource type, grants per kind of entitlement, warnings. */
function summarise(s: Snapshot): string {
  const typeName = Object.fromEntries(s.resourceTypes.map((t) => [t.id, t.displayName]));
  const tally = (keys: string[]) => keys.reduce<Map<string, number>>((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
  const entitlements = new Map(s.entitlements.map((e) => [e.id, e]));
  const resources = tally(s.resources.map((r) => typeName[r.id.resourceType] ?? r.id.resourceType));
  const grants = tally(
    s.grants.map((g) => {
      const e = entitlements.get(g.entitlement);
      if (!e) return 'other';
      const on = typeName[e.resource.resourceType] ?? e.resource.resourceType;
      // An account's entitlements are its permission sets (the slug is the set's name).
      return e.resource.resourceType === 'account' ? `${on}: permission set assignment` : `${on}: ${e.slug}`;
    }),
  );
  const rows = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.padEnd(40)} ${String(n).padStart(4)}`);
  return [
    `synced at ${s.syncedAt}`,
    `resources: ${s.resources.length}`,
    ...rows(resources),
    `entitlements: ${s.entitlements.length}`,
    `grants: ${s.grants.length}`,
    ...rows(grants),
    `warnings: ${s.warnings.length}`,
    ...s.warnings.map((w) => `  ${w.source}: ${w.message}`),
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
