/**
 * One long-lived AWS provider process per environment, for the Terraform commands of a test file.
 *
 * Why: Terraform starts the provider (a 700 MB Go binary that builds every resource's schema on start, ~1 s CPU) 3-5
 * times per plan, apply, destroy or `show -json`. Terraform's own debug mode serves them all from one process
 * instead: the provider started with `-debug` prints a TF_REATTACH_PROVIDERS value, and Terraform reattaches to it
 * (measured on examples/single-account against moto: plan 5.7 s -> 3.2 s CPU, 5.8 s -> 3.0 s wall). It is the same
 * binary the mirror installs, so the tests still run the real provider.
 *
 * When sharing is sound, and so when it is used (otherwise Terraform starts its own provider, as for a user):
 * - The provider reads its environment (credentials, AWS_ENDPOINT_URL, region, ...) from its own process, not from
 *   Terraform's: one server per distinct environment, TF_VAR_* aside (Terraform's alone). A test that switches
 *   credentials through the environment gets another server.
 * - Terraform configures the server once per command walk. A second configuration in one process fails while
 *   AWS_CA_BUNDLE is set ("unable to add custom RootCAs HTTPClient"); the server gets no AWS_CA_BUNDLE, which is
 *   only allowed when every AWS endpoint of the environment is plain http (moto), where no CA is ever used.
 * - Provider aliases would share one configuration: a root that declares `alias` in any of its files or its
 *   modules' (as `terraform init` recorded them) never reattaches.
 * - One command at a time per server (the provider's configuration is the last command's): async callers queue,
 *   a synchronous caller that finds the server busy runs without it.
 * - One server per root directory too: the provider resolves its own relative paths (shared_config_files, a CA
 *   bundle, a resource's source file) against its working directory, the root's when Terraform starts it.
 * - A CA bundle is dropped only when the provider would have read it fine (a readable PEM file).
 * - `init`, `get`, `fmt`, `version`, `providers` and `test` never reattach: init would skip installing and locking
 *   a reattached provider, and `terraform test` runs use mock providers (startMockProviderServer).
 * Servers are stopped when the test file ends (afterAll), and by their shell when this process dies.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';
/** Subcommands that must start their own provider (or start none). */
const NEVER_REATTACH = new Set(['init', 'get', 'fmt', 'version', 'providers', 'test', 'login', 'logout', 'workspace']);
/** Servers kept per test file; the least recently used idle one is stopped beyond this (each holds ~0.5-0.8 GB). */
const MAX_SERVERS = 3;

export interface ProviderServer {
  /** TF_REATTACH_PROVIDERS for the terraform children that use it. */
  env: NodeJS.ProcessEnv;
  /** Ends the provider process; resolves when it has exited. */
  stop(): Promise<void>;
}

interface Server extends ProviderServer {
  key: string;
  child: ChildProcess;
  /** Commands queued or running on it: a server with any is never stopped, nor lent to a synchronous caller. */
  pending: number;
  queue: Promise<unknown>;
  lastUsed: number;
}

const servers = new Map<string, Server>();

/** Blocks this thread for `ms` (the start-up wait of a synchronous caller). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(child: ChildProcess): boolean {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return false;
  try {
    process.kill(child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `binary -debug` under a shell that kills it when its stdin closes (on stop(), or when this process dies),
 * and waits, synchronously, for the reattach value it prints.
 */
export function startProviderServerSync(binary: string, env: NodeJS.ProcessEnv, cwd?: string): { env: NodeJS.ProcessEnv; child: ChildProcess; stop(): Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c1-provider-'));
  const log = path.join(dir, 'out');
  const fd = openSync(log, 'w');
  const child = spawn('sh', ['-c', '"$0" -debug </dev/null & p=$!; read -r _; kill "$p" 2>/dev/null; wait "$p"', binary], { env, cwd, stdio: ['pipe', fd, fd] });
  closeSync(fd);
  // An unreferenced child and pipe: a server must never keep jest's worker alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const deadline = Date.now() + 120000;
  let reattach: string | undefined;
  for (;;) {
    const out = readFileSync(log, 'utf8');
    reattach = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(out)?.[1];
    if (reattach) break;
    if (!alive(child) || Date.now() > deadline) {
      child.stdin?.end();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the AWS provider did not start in debug mode:\n${out}`);
    }
    sleepSync(50);
  }
  // The children's env must name exactly this provider: JSON.parse checks the shape before anyone relies on it.
  const address = Object.keys(JSON.parse(reattach) as Record<string, unknown>);
  if (address.join() !== PROVIDER_ADDRESS) throw new Error(`unexpected reattach config: ${reattach}`);
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (!alive(child)) return done();
      child.on('exit', done);
      child.stdin?.end();
    });
  return { env: { TF_REATTACH_PROVIDERS: reattach }, child, stop };
}

/** The one hashicorp/aws binary of an unpacked filesystem mirror for this platform, or null. */
export function mirrorProviderBinary(mirror: string | null): string | null {
  if (!mirror) return null;
  const base = path.join(mirror, PROVIDER_ADDRESS);
  const platform = `${process.platform}_${({ x64: 'amd64', arm64: 'arm64', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch}`;
  const versions = existsSync(base) ? readdirSync(base) : [];
  // Two versions: the one a root's lock selects is not known here.
  if (versions.length !== 1) return null;
  const dir = path.join(base, versions[0], platform);
  const bins = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('terraform-provider-aws')) : [];
  return bins.length === 1 ? path.join(dir, bins[0]) : null;
}

/** True when the root at `cwd`, or a module `terraform init` recorded for it, declares a provider alias. */
export function declaresProviderAlias(cwd: string): boolean | 'unknown' {
  const dirs = [cwd];
  const manifest = path.join(cwd, '.terraform', 'modules', 'modules.json');
  if (existsSync(manifest)) {
    const mods = (JSON.parse(readFileSync(manifest, 'utf8')) as { Modules?: { Dir: string }[] }).Modules ?? [];
    dirs.push(...mods.map((m) => path.resolve(cwd, m.Dir)));
  }
  let callsModules = false;
  for (const dir of dirs) {
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      if (!/\.tf(\.json)?$/.test(f)) continue;
      const text = readFileSync(path.join(dir, f), 'utf8');
      if (f.endsWith('.json') ? /"alias"\s*:/.test(text) : /(^|[^\w])alias\s*=/m.test(text)) return true;
      if (dir === cwd && (f.endsWith('.json') ? /"module"\s*:/.test(text) : /^\s*module\s+"/m.test(text))) callsModules = true;
    }
  }
  // Modules called, but not yet installed: what they declare is not known.
  return callsModules && !existsSync(manifest) ? 'unknown' : false;
}

function readablePemBundle(file: string): boolean {
  try {
    return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/** The environment the server runs with, or null when no server can serve it soundly. */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | null {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('TF_VAR_') && k !== 'TF_REATTACH_PROVIDERS') out[k] = v;
  if (out.AWS_CA_BUNDLE !== undefined) {
    const endpoints = Object.entries(out).filter(([k]) => k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_'));
    if (endpoints.length === 0 || !endpoints.every(([, v]) => /^http:\/\//.test(v ?? ''))) return null;
    // The provider's own start reads the bundle and fails on a missing or broken file: dropped only when it would
    // have read it fine, so no command passes here that fails for a user.
    if (!readablePemBundle(out.AWS_CA_BUNDLE)) return null;
    delete out.AWS_CA_BUNDLE;
  }
  return out;
}

export interface Lease {
  env: NodeJS.ProcessEnv;
  /** Runs `fn` when no other command uses the server. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** For a synchronous command: the server, or null when another command holds it. */
  tryNow(): NodeJS.ProcessEnv | null;
}

/** A server for `terraform <args>` in `cwd` with `env`, or null: then Terraform starts its own provider. */
export function providerLease(binary: string | null, cwd: string, args: string[], env: NodeJS.ProcessEnv): Lease | null {
  if (!binary || env.TF_REATTACH_PROVIDERS || env.C1_TEST_NO_SHARED_PROVIDER) return null;
  const sub = args.find((a) => !a.startsWith('-'));
  if (!sub || NEVER_REATTACH.has(sub)) return null;
  // A folder not made yet (a cdktf stack before its first synth): what it will declare is not known.
  if (!existsSync(cwd) || declaresProviderAlias(cwd) !== false) return null;
  const penv = serverEnv(env);
  if (!penv) return null;
  // The directory too: the provider resolves relative paths of its own (shared_config_files, custom_ca_bundle,
  // a resource's source file) against its working directory, which is the root's for a provider Terraform starts.
  const dir = path.resolve(cwd);
  const key = JSON.stringify([dir, Object.entries(penv).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  let s = servers.get(key);
  if (s && !alive(s.child)) {
    servers.delete(key);
    s = undefined;
  }
  if (!s) {
    const idle = [...servers.values()].filter((x) => x.pending === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    while (servers.size >= MAX_SERVERS && idle.length) {
      const old = idle.shift()!;
      servers.delete(old.key);
      void old.stop();
    }
    const started = startProviderServerSync(binary, penv, dir);
    s = { ...started, key, pending: 0, queue: Promise.resolve(), lastUsed: Date.now() };
    servers.set(key, s);
  }
  const server = s;
  return {
    env: server.env,
    run: <T>(fn: () => Promise<T>) => {
      server.pending += 1;
      const next = server.queue.then(async () => {
        try {
          return await fn();
        } finally {
          server.pending -= 1;
          server.lastUsed = Date.now();
        }
      });
      server.queue = next.catch(() => undefined);
      return next;
    },
    tryNow: () => {
      if (server.pending > 0) return null;
      server.lastUsed = Date.now();
      return server.env;
    },
  };
}

/** Stops every server of this test file. */
export async function stopProviderServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map((s) => s.stop()));
}

// Registered when a test file loads this module: its servers end with the file.
if (typeof afterAll === 'function') afterAll(() => stopProviderServers(), 60000);
