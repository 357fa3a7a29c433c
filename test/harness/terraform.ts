/**
 * Real Terraform for tests, offline. Writes a CLI config that points at the machine's provider mirror (when there is
 * one) into a temp dir, and sets TF_CLI_CONFIG_FILE only for the child processes; a machine without a mirror keeps
 * Terraform's normal registry install.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunResult, runAsync } from './process';
import { mirrorProviderBinary, providerLease, startProviderServerSync } from './provider-server';

export type { RunResult } from './process';

const MIRROR_CANDIDATES = [process.env.TF_PROVIDER_MIRROR, '/opt/tf-plugins', '/usr/share/terraform/plugins', path.join(os.homedir(), '.terraform.d', 'plugins')];

/** The filesystem mirror that holds hashicorp/aws, or null. */
export function providerMirror(): string | null {
  for (const dir of MIRROR_CANDIDATES) {
    if (dir && existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws'))) return dir;
  }
  return null;
}

let cachedEnv: NodeJS.ProcessEnv | null = null;

/** Writes via temp file + rename so parallel workers never read a half-written config. */
function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Environment for every terraform/cdktf child: CLI config (mirror), no telemetry, less Go GC. */
export function terraformEnv(): NodeJS.ProcessEnv {
  if (cachedEnv) return cachedEnv;
  // One stable file per user and mirror, rewritten only when its content changes: per-process temp dirs piled up
  // (jest workers are killed, not exited, so cleanup hooks do not run).
  const dir = path.join(process.env.C1_TEST_CACHE_DIR ?? os.tmpdir(), `c1-tf-cli-${os.userInfo().uid}`);
  mkdirSync(dir, { recursive: true });
  const mirror = providerMirror();
  const env: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1' };
  // Terraform and the AWS provider are Go programs, and the provider starts 3-5 times per plan/apply/destroy (once per
  // `terraform test` run), building its whole schema each time: GOGC=400 collects less often, ~20% less CPU for
  // ~50 MB more per process (terraform plan: 5.8-6.3 s CPU -> 4.6-5.2 s, max RSS 330 -> 380 MB). A caller's own
  // GOGC is kept.
  if (!process.env.GOGC) env.GOGC = '400';
  if (mirror) {
    const cfg = path.join(dir, `terraform-${createHash('sha256').update(mirror).digest('hex').slice(0, 12)}.rc`);
    writeIfChanged(
      cfg,
      `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
    );
    env.TF_CLI_CONFIG_FILE = cfg;
  } else if (process.env.TF_CLI_CONFIG_FILE && !existsSync(process.env.TF_CLI_CONFIG_FILE)) {
    // A variable that points at nothing only produces a warning on every run; drop it for our children.
    env.TF_CLI_CONFIG_FILE = '';
  }
  cachedEnv = env;
  return env;
}


function result(r: SpawnSyncReturns<string>): RunResult {
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/** The mirror's provider binary, which a shared provider server runs (provider-server.ts), or null. */
let serverBinary: string | null | undefined;
export function sharedBinary(): string | null {
  if (serverBinary === undefined) serverBinary = mirrorProviderBinary(providerMirror());
  return serverBinary;
}

/** Runs `terraform <args>` in `cwd`. Never throws on a non-zero exit: callers assert on `code`. */
export function terraform(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300000): RunResult {
  const full = { ...process.env, ...terraformEnv(), ...env };
  const shared = providerLease(sharedBinary(), cwd, args, full)?.tryNow();
  return result(
    spawnSync('terraform', [...args], {
      cwd,
      env: { ...full, ...shared },
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}

/** `terraform <args>` via runAsync, with the offline CLI config. */
export function terraformAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const full = { ...process.env, ...terraformEnv(), ...env };
  const lease = providerLease(sharedBinary(), cwd, args, full);
  if (!lease) return runAsync('terraform', args, { cwd, env: full });
  return lease.run(() => runAsync('terraform', args, { cwd, env: { ...full, ...lease.env } }));
}

/** `terraform init` that never reaches the network when a mirror exists. */
export function terraformInit(cwd: string, env: NodeJS.ProcessEnv = {}): RunResult {
  const r = terraform(cwd, ['init', '-input=false', '-no-color'], env);
  if (r.code !== 0) throw new Error(`terraform init failed in ${cwd}:\n${r.output}`);
  return r;
}

/** A fresh working directory under the OS temp dir. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The hashicorp/aws provider binary `terraform init` installed in `dir` (its .terraform/providers). */
export function installedAwsProvider(dir: string): string {
  const base = path.join(dir, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws');
  const found: string[] = [];
  for (const version of existsSync(base) ? readdirSync(base) : []) {
    for (const platform of readdirSync(path.join(base, version))) {
      const p = path.join(base, version, platform);
      found.push(...readdirSync(p).filter((f) => f.startsWith('terraform-provider-aws')).map((f) => path.join(p, f)));
    }
  }
  if (found.length !== 1) throw new Error(`expected one hashicorp/aws provider under ${base} (run terraform init first), found ${found.length}`);
  return found[0];
}

export interface SharedProvider {
  /** TF_REATTACH_PROVIDERS for the terraform children that use it. */
  env: NodeJS.ProcessEnv;
  /** Ends the provider process; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * One AWS provider process for every `terraform test` run of a test file that only uses `mock_provider "aws"`.
 * Terraform starts the provider about twice per run block for its schema (the 700 MB binary builds every resource's
 * schema on start: ~0.45 s CPU each); attached to one long-lived process (TF_REATTACH_PROVIDERS, the provider's own
 * `-debug` mode) the runs only ask it for the schema. Terraform never configures the real provider behind a mock, so
 * the shared process holds no state. (Configured providers against moto are shared by terraform()/terraformAsync()
 * themselves, under the rules of provider-server.ts.) The provider is started from `dir`'s init (the version its lock
 * file selects).
 */
export async function startMockProviderServer(dir: string): Promise<SharedProvider> {
  const { env, stop } = startProviderServerSync(installedAwsProvider(dir), { ...process.env, ...terraformEnv() });
  return { env, stop };
}
