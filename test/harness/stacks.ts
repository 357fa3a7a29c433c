/**
 * Synthesizes the CDKTF app as `cdktf synth` does (the app command of cdktf.json, CDKTF_OUTDIR set), run from `cwd`:
 * the stacks keep cdktf's default local state, terraform.<stack>.tfstate in the folder the app runs from, so a test
 * running in its own temp folder never touches the repository's state. Terraform runs each stack in place
 * (<outdir>/stacks/<stack>): the module source in cdk.tf.json is relative to that folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './moto';
import { declaresProviderAlias, providerLease } from './provider-server';
import { sharedBinary, terraformEnv } from './terraform';

/** cdktf.json's app command with its repository-relative paths made absolute, so it runs from any folder. */
export function appCommand(): string[] {
  const app = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app.split(/\s+/);
  return app.map((a, i) => (i > 0 && !a.startsWith('-') && existsSync(path.join(REPO_ROOT, a)) ? path.join(REPO_ROOT, a) : a));
}

/** Synthesizes both stacks into `outdir`, run from `cwd`; stack name -> the folder Terraform runs it in. */
export function synthStacks(outdir: string, cwd = path.dirname(outdir)): Record<string, string> {
  const [cmd, ...args] = appCommand();
  execFileSync(cmd === 'node' ? process.execPath : cmd, args, { cwd, env: { ...process.env, CDKTF_OUTDIR: outdir }, stdio: 'pipe', timeout: 180000 });
  const stacksDir = path.join(outdir, 'stacks');
  const out: Record<string, string> = {};
  for (const name of existsSync(stacksDir) ? readdirSync(stacksDir).sort() : []) {
    if (existsSync(path.join(stacksDir, name, 'cdk.tf.json'))) out[name] = path.join(stacksDir, name);
  }
  return out;
}

/** The cdktf CLI of this repository (never `npx cdktf` outside it: npx would fetch from the registry). */
export const CDKTF_CLI = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

/**
 * Makes `dir` a cdktf project running this repository's app (cdktf.json with the app command's paths absolute), so
 * `cdktf deploy` there keeps the stacks' local state (terraform.<stack>.tfstate) in `dir`, never in the repository,
 * where a user's own `cdktf deploy` keeps it.
 */
export function cdktfProject(dir: string): string {
  // The app only: no `cdktf get` runs here (terraformModules, codeMakerOutput name folders of the repository).
  const { terraformModules: _m, codeMakerOutput: _c, ...config } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8')) as Record<string, unknown>;
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  writeFileSync(path.join(dir, 'cdktf.json'), `${JSON.stringify({ ...config, app: appCommand().map(quote).join(' ') }, null, 2)}\n`);
  return dir;
}

/**
 * The shared AWS provider (provider-server.ts) for a cdktf command whose stack Terraform runs in `stackDir`, or {}.
 * A stack's first command (its folder not synthesized yet) starts its own provider. Later commands re-synthesize the
 * stack, so its provider blocks are checked again after each: a stack with provider aliases fails the test instead of
 * passing on one shared configuration. `terraform init` under cdktf
 * then installs no AWS provider in the stack's folder (Terraform skips reattached providers); the stacks' provider
 * requirements are resolved against the mirror by stacks-generated.test.ts and package.test.ts.
 */
export interface CdktfProvider {
  /** Runs an async cdktf command with the shared provider's environment (one command at a time per server). */
  run<T>(fn: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T>;
  /** The same for a synchronous command (without the server when another command holds it). */
  runSync<T>(fn: (env: NodeJS.ProcessEnv) => T): T;
}

export function cdktfProvider(stackDir: string, env: NodeJS.ProcessEnv): CdktfProvider {
  const lease = providerLease(sharedBinary(), stackDir, ['apply'], { ...process.env, ...terraformEnv(), ...env });
  const checkAfter = (shared: NodeJS.ProcessEnv) => {
    if (shared.TF_REATTACH_PROVIDERS && declaresProviderAlias(stackDir) !== false) {
      throw new Error(`${stackDir} declares AWS provider aliases: one shared provider cannot serve it (test/harness/provider-server.ts)`);
    }
  };
  return {
    run: async (fn) => {
      if (!lease) return fn({});
      const out = await lease.run(() => fn(lease.env));
      checkAfter(lease.env);
      return out;
    },
    runSync: (fn) => {
      const shared = lease?.tryNow() ?? {};
      const out = fn(shared);
      checkAfter(shared);
      return out;
    },
  };
}
