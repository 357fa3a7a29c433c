/**
 * A cache for work made from Terraform plans against moto (the security suite's plans, the module's rendered policies
 * for the validate fixtures). A plan depends on more than the module: the connector's policy and grammar code and data
 * (the step, what validate accepts), the stacks, the examples, and the versions of Terraform, the AWS provider (the
 * offline mirror) and moto. The key hashes all of them, so a change to any one builds afresh instead of reusing a
 * stale plan. Builds are shared between jest workers through the OS temp dir; a lock directory serialises the first
 * build of a key.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { motoServerBinary, REPO_ROOT } from './moto';
import { providerMirror } from './terraform';

/** Directories (relative to the repository) whose every file can change a plan or what is built from it. */
export const PLAN_INPUT_DIRS = ['modules/conductorone-aws-role', 'connector/src/policy', 'connector/src/grammar', 'stacks', 'examples'];
/** Single files that can change a plan. */
export const PLAN_INPUT_FILES = ['cdktf.json', 'package-lock.json'];

export interface ToolVersions {
  terraform: string;
  /** hashicorp/aws versions the offline mirror holds ("registry" when there is no mirror). */
  provider: string;
  moto: string;
}

export interface PlanCacheInputs {
  /** Path (relative to the root) -> content. */
  files: Record<string, string | Buffer>;
  tools: ToolVersions;
  /** What the caller builds (e.g. the text of a wrapper configuration): different builds never share a key. */
  build: string;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    // .terraform/ and lock files of local runs, editor files: not inputs.
    if (e.name.startsWith('.') || e.name === 'node_modules' || e.name === 'cdktf.out') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every input file under `root` (the repository by default), by relative path. */
export function planInputFiles(root = REPO_ROOT): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const all = [...PLAN_INPUT_DIRS.flatMap((d) => walk(path.join(root, d))), ...PLAN_INPUT_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f))];
  for (const f of all.sort()) files[path.relative(root, f)] = readFileSync(f);
  return files;
}

let versions: ToolVersions | null = null;

/** The versions of Terraform, the mirrored AWS provider and moto on this machine (read once per process). */
export function toolVersions(): ToolVersions {
  if (versions) return versions;
  const tf = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  const terraform = tf.status === 0 ? (JSON.parse(tf.stdout) as { terraform_version: string }).terraform_version : `unknown (${tf.error?.message ?? tf.stderr})`;
  const mirror = providerMirror();
  const awsDir = mirror ? path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws') : null;
  // Version directories, and the platform packages inside them (a re-built package of the same version counts too).
  const provider = awsDir
    ? readdirSync(awsDir)
        .sort()
        .map((v) => `${v}[${statSync(path.join(awsDir, v)).isDirectory() ? readdirSync(path.join(awsDir, v)).sort().join(',') : 'file'}]`)
        .join(';')
    : 'registry';
  // The Python next to moto_server (a venv's) knows which moto it runs.
  const server = motoServerBinary();
  const python = path.isAbsolute(server) && existsSync(path.join(path.dirname(server), 'python')) ? path.join(path.dirname(server), 'python') : 'python3';
  const m = spawnSync(python, ['-c', 'import importlib.metadata as m; print(m.version("moto"))'], { encoding: 'utf8' });
  const moto = m.status === 0 ? m.stdout.trim() : `unknown (${m.error?.message ?? m.stderr.trim()})`;
  versions = { terraform, provider, moto };
  return versions;
}

/** The inputs of a build right now: the repository's input files and this machine's tool versions. */
export function currentPlanCacheInputs(build: string): PlanCacheInputs {
  return { files: planInputFiles(), tools: toolVersions(), build };
}

/** A short hash of every input: file paths and contents, tool versions, the build. */
export function planCacheKey(inputs: PlanCacheInputs): string {
  const h = createHash('sha256');
  for (const name of Object.keys(inputs.files).sort()) h.update('file\0').update(name).update('\0').update(inputs.files[name]).update('\0');
  h.update(`terraform\0${inputs.tools.terraform}\0provider\0${inputs.tools.provider}\0moto\0${inputs.tools.moto}\0build\0`).update(inputs.build);
  return h.digest('hex').slice(0, 16);
}

/**
 * Runs `build(dir)` once per key (under <tmp>/<name>/<key>) and returns the directory and the JSON value it
 * produced; later calls, in any jest worker, read the stored value. Builds of other keys over a day old are removed.
 */
export async function cachedBuild<T>(name: string, key: string, build: (dir: string) => Promise<T>): Promise<{ dir: string; value: T }> {
  // Outlives the run's own temp dir (test/tools/temp-root.js): a rerun with the same inputs reuses the build.
  const base = path.join(process.env.C1_TEST_CACHE_DIR ?? os.tmpdir(), name);
  mkdirSync(base, { recursive: true });
  const dir = path.join(base, key);
  const done = path.join(dir, 'result.json');
  const lock = path.join(base, `${key}.lock`);
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    if (existsSync(done)) break;
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is building; a lock older than 15 minutes is stale.
      if (Date.now() - statSync(lock).mtimeMs > 15 * 60 * 1000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      for (const d of readdirSync(base)) {
        const p = path.join(base, d);
        if (d !== key && !d.endsWith('.lock') && Date.now() - statSync(p).mtimeMs > 24 * 3600 * 1000) rmSync(p, { recursive: true, force: true });
      }
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const value = await build(dir);
      writeFileSync(done, JSON.stringify(value));
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return { dir, value: JSON.parse(readFileSync(done, 'utf8')) as T };
}
