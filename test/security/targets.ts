/**
 * What the security tests scan: the HCL module, every example, and the two CDKTF stacks, both as source
 * (module/examples directories, synthesized cdk.tf.json) and as Terraform plans against moto (`terraform show -json`),
 * where every policy is a rendered JSON string. What must be scanned is named in EXPECTED_TARGETS: a named target
 * that is missing, or an example directory that exists but is not named, fails the suite (targetProblems()).
 *
 * Plans are made once per key and cached under the OS temp dir (test/harness/plan-cache.ts: the key covers the
 * module, the connector's policy and grammar code, the stacks, the examples, this file, and the Terraform, provider
 * and moto versions), so checkov.test.ts and trust-policy.test.ts share them, also when run in parallel.
 */
import { CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto } from '../harness/moto';
import { synthStacks } from '../harness/stacks';
import { cachedBuild, currentPlanCacheInputs, planCacheKey } from '../harness/plan-cache';
import { terraformAsync } from '../harness/terraform';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const MODULE_DIR = path.join(REPO_ROOT, 'modules', 'conductorone-aws-role');

/** Fake values for the plans: the trusted principal is ConductorOne's default; the external IDs are test strings. */
export const PLAN_INPUTS = {
  externalId: 'c1-security-test-external-id-0123456789abcdef',
  additionalExternalId: 'c1-security-test-external-id-rotation-fedcba9876543210',
  trustedPrincipalArn: 'arn:aws:iam::765656841499:role/ConductorOneService',
};

/**
 * Everything the security suite must scan, by name. Adding an example means adding it here (the suite fails until
 * then); a name here that does not exist fails too, so a target can never drop out of the scans silently.
 */
export const EXPECTED_TARGETS = {
  module: 'modules/conductorone-aws-role',
  examples: [
    'examples/conductorone-provider',
    'examples/management-account-identity-center',
    'examples/organization-member-accounts',
    'examples/provisioning',
    'examples/single-account',
  ],
  stacks: ['conductorone-aws', 'conductorone-aws-management'],
  /**
   * `cdktf synth --hcl` of the stacks (examples/generated/stacks/<stack>): the stacks' own configuration, scanned and
   * deployed as the stacks (stack:<name>, test/e2e/stacks-deploy), kept fresh and valid by test/e2e/stacks-generated.
   */
  generated: 'examples/generated',
  /** Plan targets that cannot be planned offline, and why (checked: planning them must fail for exactly that reason). */
  unplannable: { 'example:examples/conductorone-provider': 'conductorone/conductorone' } as Record<string, string>,
};

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** True when a directory holds Terraform configuration of its own (*.tf or *.tf.json). */
const hasTf = (dir: string) => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'));

/**
 * What is wrong with the list of targets: a named module/example that is missing or holds no Terraform files, a
 * named stack the CDKTF app does not define, or an example directory that exists but is not named. Empty = all fine.
 */
export function targetProblems(root = REPO_ROOT, stackNames: string[] = definedStacks()): string[] {
  const problems: string[] = [];
  const mod = path.join(root, EXPECTED_TARGETS.module);
  if (!existsSync(path.join(mod, 'main.tf'))) problems.push(`${EXPECTED_TARGETS.module}/main.tf is missing`);
  for (const ex of EXPECTED_TARGETS.examples) if (!hasTf(path.join(root, ex))) problems.push(`${ex} is named but holds no Terraform files (missing?)`);
  const examplesDir = path.join(root, 'examples');
  const found = new Set<string>();
  for (const f of walk(examplesDir)) if (f.endsWith('.tf') || f.endsWith('.tf.json')) found.add(path.relative(root, path.dirname(f)));
  const generatedStack = (dir: string) => EXPECTED_TARGETS.stacks.some((st) => dir === `${EXPECTED_TARGETS.generated}/stacks/${st}`);
  for (const ex of [...found].sort()) if (!EXPECTED_TARGETS.examples.includes(ex) && !generatedStack(ex)) problems.push(`${ex} exists but is not in EXPECTED_TARGETS.examples: it would not be scanned`);
  for (const st of EXPECTED_TARGETS.stacks) if (!stackNames.includes(st)) problems.push(`stack ${st} is named but the CDKTF app does not define it`);
  for (const st of stackNames) if (!EXPECTED_TARGETS.stacks.includes(st)) problems.push(`stack ${st} exists but is not in EXPECTED_TARGETS.stacks: it would not be scanned`);
  return problems;
}

/** The stacks the app defines, read from the source (`new <X>Stack(<app>, "<name>"`), without a synth. */
export function definedStacks(root = REPO_ROOT): string[] {
  const names = new Set<string>();
  for (const f of walk(path.join(root, 'stacks'))) {
    if (!f.endsWith('.ts')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/new\s+\w+Stack\(\s*\w+\s*,\s*['"]([\w-]+)['"]/g)) names.add(m[1]);
  }
  return [...names].sort();
}

export function cdktfApp(): string | null {
  const f = path.join(REPO_ROOT, 'cdktf.json');
  if (!existsSync(f) || !existsSync(path.join(REPO_ROOT, 'stacks'))) return null;
  return (JSON.parse(readFileSync(f, 'utf8')) as { app: string }).app;
}

export interface PlanTarget {
  /** module:all, module:defaults, example:<dir>, stack:<name> */
  name: string;
  /** Where the configuration came from, relative to the repo. */
  source: string;
  /** The root the plan ran in (a temp copy or wrapper). */
  dir: string;
  /** `terraform show -json` of the plan (undefined when planning failed: see error). */
  planFile?: string;
  plan?: TerraformPlan;
  error?: string;
  /** Set when the target cannot be planned offline (a provider missing from the mirror): scanned as source only. */
  unplannable?: string;
}

export interface PlannedResource {
  address: string;
  type: string;
  name: string;
  values: Record<string, unknown>;
}
export interface TerraformPlan {
  planned_values?: { root_module?: PlanModule };
}
interface PlanModule {
  resources?: PlannedResource[];
  child_modules?: PlanModule[];
}

export function plannedResources(plan: TerraformPlan): PlannedResource[] {
  const out: PlannedResource[] = [];
  const visit = (m?: PlanModule) => {
    if (!m) return;
    out.push(...(m.resources ?? []));
    for (const c of m.child_modules ?? []) visit(c);
  };
  visit(plan.planned_values?.root_module);
  return out;
}

const moduleWrapper = (vars: Record<string, unknown>) => `
provider "aws" {
  region = "${MOTO_REGION}"
}

module "role" {
  source = ${JSON.stringify(MODULE_DIR)}
${Object.entries(vars)
  .map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`)
  .join('\n')}
}
`;

/** Values for roots that declare their own variables; undeclared ones only warn in a var file. */
const rootVars = {
  external_id: PLAN_INPUTS.externalId,
  additional_external_ids: [PLAN_INPUTS.additionalExternalId],
  enable_provisioning: true,
  region: MOTO_REGION,
};


/** A provider that is neither in the offline mirror nor reachable: the target cannot be planned on this machine. */
function missingProvider(output: string): string | null {
  if (!/Failed to query available provider packages|could not connect to registry|Failed to install provider/.test(output)) return null;
  const m = /provider\s+([\w.-]+\/[\w.-]+)/.exec(output.replace(/\s+/g, ' '));
  return m ? m[1] : 'a provider';
}

async function planIn(target: PlanTarget, env: NodeJS.ProcessEnv, varFile?: string): Promise<PlanTarget> {
  const init = await terraformAsync(target.dir, ['init', '-input=false', '-no-color'], env);
  if (init.code !== 0) {
    const missing = missingProvider(init.output);
    if (missing) return { ...target, unplannable: `needs ${missing}, which is not in the offline provider mirror` };
    return { ...target, error: `terraform init failed:\n${init.output}` };
  }
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-out=plan.bin'];
  if (varFile) args.push(`-var-file=${varFile}`);
  const p = await terraformAsync(target.dir, args, env);
  if (p.code !== 0) return { ...target, error: `terraform plan failed:\n${p.output}` };
  const sh = await terraformAsync(target.dir, ['show', '-json', 'plan.bin'], env);
  if (sh.code !== 0) return { ...target, error: `terraform show failed:\n${sh.output}` };
  const planFile = path.join(target.dir, 'plan.json');
  writeFileSync(planFile, sh.stdout);
  return { ...target, planFile };
}

/** Runs the jobs with at most `n` at a time, keeping their order in the result. */
async function pool<T>(jobs: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]();
      }
    }),
  );
  return out;
}

async function buildPlans(root: string): Promise<PlanTarget[]> {
  const moto = await startMoto();
  try {
    // The management stack and the module's organizations toggle read the organization.
    const org = new OrganizationsClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    // Trusted access for StackSets: examples/organization-member-accounts refuses to plan without it.
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }));
    org.destroy();
    const env = { ...moto.env, TF_VAR_region: MOTO_REGION };
    const jobs: Array<() => Promise<PlanTarget>> = [];
    const varFile = path.join(root, 'vars.json');
    writeFileSync(varFile, JSON.stringify(rootVars));

    {
      const variants: Record<string, Record<string, unknown>> = {
        all: {
          external_id: PLAN_INPUTS.externalId,
          additional_external_ids: [PLAN_INPUTS.additionalExternalId],
          enable_organizations: true,
          enable_identity_center: true,
          enable_provisioning: true,
        },
        defaults: { external_id: PLAN_INPUTS.externalId },
      };
      for (const [v, vars] of Object.entries(variants)) {
        const dir = path.join(root, `module-${v}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, 'main.tf'), moduleWrapper(vars));
        jobs.push(() => planIn({ name: `module:${v}`, source: 'modules/conductorone-aws-role', dir }, env));
      }
    }
    for (const rel of EXPECTED_TARGETS.examples) {
      const ex = path.join(REPO_ROOT, rel);
      const dir = path.join(root, rel.replace(/[\\/]/g, '_'));
      // A copy, so init/plan never write into the tree; module sources relative to the example are made absolute.
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(ex)) {
        const src = path.join(ex, f);
        if (!statSync(src).isFile() || !/\.(tf|tf\.json|tfvars|tfvars\.json)$/.test(f) || /\.auto\.tfvars/.test(f)) continue;
        const text = readFileSync(src, 'utf8').replace(/source\s*=\s*"(\.{1,2}\/[^"]*)"/g, (_m, rel2: string) => `source = ${JSON.stringify(path.resolve(ex, rel2))}`);
        writeFileSync(path.join(dir, f), text);
      }
      jobs.push(() => planIn({ name: `example:${rel}`, source: rel, dir }, env, varFile));
    }
    // Planned in place: the module source is relative to the stack's folder; state stays in root (the app's cwd).
    const stacks = cdktfApp() ? synthStacks(path.join(root, 'synth'), root) : {};
    const unsynthesized = EXPECTED_TARGETS.stacks.filter((n) => !stacks[n]);
    for (const name of unsynthesized) jobs.push(async () => ({ name: `stack:${name}`, source: `stacks (${name})`, dir: root, error: 'the CDKTF app did not synthesize this stack' }));
    for (const [name, dir] of Object.entries(stacks)) {
      jobs.push(() => planIn({ name: `stack:${name}`, source: `stacks (${name})`, dir }, env, varFile));
    }
    // Three at a time: terraform plan is mostly waiting on the provider plugin, moto answers in milliseconds.
    return await pool(jobs, 3);
  } finally {
    await moto.stop();
  }
}

export interface Plans {
  /** The cache directory: <root>/synth/stacks/<name>/cdk.tf.json is the synthesized app. */
  root: string;
  targets: PlanTarget[];
}

/** Plans of every target (refusing to start when a named target is missing), built once per key and cached. */
export async function plans(): Promise<Plans> {
  const problems = targetProblems();
  if (problems.length) throw new Error(`security targets are missing or unnamed:\n  ${problems.join('\n  ')}`);
  const key = planCacheKey(currentPlanCacheInputs(readFileSync(__filename, 'utf8')));
  const { dir, value } = await cachedBuild('c1-security-plans', key, async (root) => (await buildPlans(root)).map(({ plan: _p, ...t }) => t));
  return { root: dir, targets: value.map((t) => (t.planFile ? { ...t, plan: JSON.parse(readFileSync(t.planFile, 'utf8')) as TerraformPlan } : t)) };
}

/** Runs a command quietly and returns its stdout; for small helpers. */
export function run(cmd: string, args: string[], cwd = REPO_ROOT, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 600000 });
}
