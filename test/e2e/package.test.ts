/**
 * The npm package as a user gets it, far from this checkout: `npm pack` into a temp dir, `npm install <tarball>` into
 * a fresh temp project (peers come with it), then
 *   - `c1-aws --help` and `c1-aws validate` from node_modules/.bin (tsx compiles the shipped TypeScript there);
 *   - a scratch CDKTF app (plain node) imports the construct from the package, synthesizes, and `terraform plan`s;
 *   - HCL that sources the module from node_modules plans the step with the CLI beside the module;
 *   - the design card's main user: examples/single-account and the module copied out of the installed package into a
 *     fresh folder (the example's `../../modules/...` source kept valid), `connector_command` set to the installed CLI,
 *     applied against moto with the validation step on, planned again (empty), destroyed.
 * Every node process after the install runs with test/harness/read-recorder.js: no file may be read from the checkout,
 * and every file read from the installed package must be one the tarball lists.
 * One pack and one install are shared by the whole file; `timings` are printed at the end.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { flat, prepareRoot, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../harness/moto';
import { RunResult, runAsync } from '../harness/process';
import { rootLifecycle } from '../harness/root-lifecycle';
import { tempDir, terraformAsync } from '../harness/terraform';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import pkgJson from '../../package.json';

const SECRET = 'Mg8-PackageSecret-ExtId-5c2e8a1f7b3d9';
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;
/** The construct class the package's entry exports (stacks/index.ts). */
const CONSTRUCT = 'ConductorOneAwsRole';

const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
const timings: Record<string, number> = {};
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await run();
  } finally {
    timings[name] = (Date.now() - start) / 1000;
  }
}

interface Installed {
  /** The temp dir holding the tarball, the project and the read log. */
  dir: string;
  /** The fresh project the tarball was installed into. */
  project: string;
  /** node_modules/<package name> in it. */
  packageDir: string;
  /** What `npm pack` put in the tarball (paths relative to the package root). */
  packed: Set<string>;
  /** Environment of every node process run after the install: the read recorder. */
  recordEnv: NodeJS.ProcessEnv;
  readLog: string;
}
let pkg: Installed;
let hcl: TerraformRoot;
let scratch: ScratchApp;
let fromNodeModules: RunResult;

const npm = (args: string[], cwd: string) => runAsync('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, timeoutMs: 600000 });
const must = (what: string, r: RunResult) => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.output.slice(-4000)}`);
  return r;
};

async function packAndInstall(): Promise<Installed> {
  const dir = tempDir('c1-package-');
  const packed = await timed('npm pack (prepack build included)', () => npm(['pack', '--json', '--pack-destination', dir], REPO_ROOT));
  const report = JSON.parse(must('npm pack', packed).stdout) as { filename: string; files: { path: string }[] }[];
  const project = path.join(dir, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }, null, 2)}\n`);
  must('npm install', await timed('npm install <tarball>', () => npm(['install', path.join(dir, report[0].filename), '--prefer-offline', '--no-audit', '--no-fund'], project)));
  const readLog = path.join(dir, 'reads.log');
  // The recorder is copied out too: nothing a recorded process loads comes from the checkout.
  copyFileSync(path.join(REPO_ROOT, 'test/harness/read-recorder.js'), path.join(dir, 'read-recorder.js'));
  return {
    dir,
    project,
    packageDir: path.join(project, 'node_modules', pkgJson.name),
    packed: new Set(report[0].files.map((f) => f.path)),
    recordEnv: { NODE_OPTIONS: `--require ${path.join(dir, 'read-recorder.js')}`, C1_READ_LOG: readLog },
    readLog,
  };
}

/** The copied example's module call, with connector_command pointing at the installed CLI (as the team would edit it). */
function withConnectorCommand(mainTf: string, cli: string): string {
  const edited = mainTf.replace(/(module "conductorone_role" \{\n\s*source\s*=\s*"[^"]+"\n)/, `$1  connector_command = [${JSON.stringify(cli)}]\n`);
  if (edited === mainTf) throw new Error('examples/single-account/main.tf: no module "conductorone_role" block with a source line to add connector_command to');
  return edited;
}

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  pkg = await packAndInstall();
  const example = 'examples/single-account';
  const cli = path.join(pkg.project, 'node_modules', '.bin', 'c1-aws');
  // Independent preparations at once: the two cores are mostly waiting on process start-up.
  [hcl, scratch, fromNodeModules] = await timed('the three preparations at once (wall)', () => Promise.all([
    timed('copied HCL: terraform init', () =>
      prepareRoot(moto, {
        from: pkg.packageDir,
        example,
        linkConnector: false,
        files: { 'main.tf': withConnectorCommand(readFileSync(path.join(pkg.packageDir, example, 'main.tf'), 'utf8'), cli) },
        env: pkg.recordEnv,
        externalId: SECRET,
      }),
    ),
    scratchApp(),
    planFromNodeModules(),
  ]));
}, 600000);
afterAll(() => {
  aws?.destroy();
  // The project holds a full install (~430 MB with the provider bindings): not left behind in the temp dir.
  if (pkg) rmSync(pkg.dir, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  console.log(`package.test.ts timings (s): ${JSON.stringify(timings)}`);
});

const c1aws = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  // No BATON_* of the developer's shell may leak in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_')));
  return runAsync(path.join(pkg.project, 'node_modules', '.bin', 'c1-aws'), args, { cwd: pkg.project, env: { ...base, ...moto.env, ...pkg.recordEnv, ...env } });
};

test('the tarball holds the CLI, the compiled construct, the module with its data, the examples; no tests, no state', () => {
  const required = [
    'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md',
    'connector/bin/c1-aws.js', 'connector/src/cli.ts', 'connector/src/package-root.ts',
    'connector/src/validate/report.schema.json', 'connector/src/sync/snapshot.schema.json', 'connector/src/policy/actions.json',
    'dist/stacks/index.js', 'dist/stacks/index.d.ts',
    'modules/conductorone-aws-role/main.tf', 'modules/conductorone-aws-role/variables.tf', 'modules/conductorone-aws-role/outputs.tf',
    'modules/conductorone-aws-role/versions.tf', 'modules/conductorone-aws-role/README.md', 'modules/conductorone-aws-role/LICENSE',
    'modules/conductorone-aws-role/grammar.json', 'modules/conductorone-aws-role/defaults.json',
    'modules/conductorone-aws-role/policies/capabilities.json',
    'examples/single-account/main.tf',
  ];
  expect(required.filter((f) => !pkg.packed.has(f))).toEqual([]);
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'modules/conductorone-aws-role/policies/capabilities.json'), 'utf8')) as { capabilities: Record<string, unknown> };
  expect(Object.keys(manifest.capabilities).filter((id) => !pkg.packed.has(`modules/conductorone-aws-role/policies/${id}.json`))).toEqual([]);
  // An allow-list packs only source files: nothing a run leaves behind (state, plans, tfvars, snapshots, reports,
  // .env) ships. Every packed file outside dist/ is a file git tracks; dist/ holds only the compiled construct.
  const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n'));
  expect([...pkg.packed].filter((f) => !f.startsWith('dist/') && !tracked.has(f))).toEqual([]);
  expect([...pkg.packed].filter((f) => f.startsWith('dist/') && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  expect([...pkg.packed].filter((f) => /^(test|scripts|stacks)\/|\/tests\/|^examples\/generated\//.test(f))).toEqual([]);
  // The entry points of package.json exist in the tarball.
  const installed = JSON.parse(readFileSync(path.join(pkg.packageDir, 'package.json'), 'utf8')) as { main: string; types: string; bin: Record<string, string> };
  expect([installed.main, installed.types, ...Object.values(installed.bin)].filter((f) => !pkg.packed.has(f))).toEqual([]);
});

test('c1-aws --help from node_modules/.bin', async () => {
  const r = await timed('c1-aws --help', () => c1aws(['--help']));
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  for (const command of ['validate', 'sync', 'diff', 'grant', 'revoke', 'step']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
});

interface ScratchApp {
  typeCheck: RunResult;
  synth: RunResult;
  stackDir: string;
  plan: RunResult | null;
}

/**
 * A user's CDKTF app in the scratch project: plain node requires the package (its own stack, the role
 * from the package), synthesizes, and Terraform plans the stack; beside it, the same exports type-checked as a
 * TypeScript user sees them (the package's .d.ts, strict, no skipLibCheck, no extra options).
 */
async function scratchApp(): Promise<ScratchApp> {
  writeFileSync(
    path.join(pkg.project, 'typed.ts'),
    `import { App, TerraformStack } from 'cdktf';
import { ${CONSTRUCT}, ${CONSTRUCT}Props } from ${JSON.stringify(pkgJson.name)};
const app = new App();
const props: ${CONSTRUCT}Props = { externalId: 'x', enableProvisioning: true, provisioningGroupPath: '/conductorone/' };
const role = new ${CONSTRUCT}(new TerraformStack(app, 'typed'), 'role', props);
const arn: string = role.roleArnOutput;
void arn;
`,
  );
  writeFileSync(path.join(pkg.project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, noEmit: true, types: [] }, files: ['typed.ts'] }));
  // The compiler is a tool (the repository's copy); what it type-checks resolves from the scratch project only.
  const typeCheck = timed('TypeScript app: tsc --noEmit', () => runAsync(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', pkg.project], { cwd: pkg.project }));
  const app = path.join(pkg.project, 'app.js');
  writeFileSync(
    app,
    `// A user's CDKTF app: its own stack, the role from the package. No provider package: the module's AWS provider
// takes its settings from the environment, as Terraform does for any module without a provider block.
const { App, TerraformStack, TerraformVariable } = require('cdktf');
const { ${CONSTRUCT} } = require(${JSON.stringify(pkgJson.name)});
const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'mine');
const externalId = new TerraformVariable(stack, 'external_id', { type: 'string', sensitive: true });
new ${CONSTRUCT}(stack, 'role', { externalId: externalId.stringValue });
app.synth();
`,
  );
  const synth = await timed('CDKTF app: synth (node app.js)', () => runAsync(process.execPath, [app], { cwd: pkg.project, env: { ...process.env, ...pkg.recordEnv } }));
  const stackDir = path.join(pkg.project, 'cdktf.out', 'stacks', 'mine');
  let plan: RunResult | null = null;
  if (synth.code === 0) {
    const env = { ...moto.env, ...pkg.recordEnv, TF_VAR_external_id: SECRET };
    const init = await timed('CDKTF app: terraform init', () => terraformAsync(stackDir, ['init', '-input=false', '-no-color'], env));
    plan = init.code === 0 ? await timed('CDKTF app: terraform plan', () => terraformAsync(stackDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], env)) : init;
  }
  return { typeCheck: await typeCheck, synth, stackDir, plan };
}

/** HCL in the scratch project that sources the module inside node_modules (the README's first way), planned. */
async function planFromNodeModules(): Promise<RunResult> {
  const root = path.join(pkg.project, 'infra');
  mkdirSync(root);
  writeFileSync(
    path.join(root, 'main.tf'),
    `variable "external_id" {
  type      = string
  sensitive = true
}
module "conductorone_role" {
  source      = "../node_modules/${pkgJson.name}/modules/conductorone-aws-role"
  external_id = var.external_id
}
output "sync_step_status" { value = module.conductorone_role.sync_step_status }
`,
  );
  const env = { ...moto.env, ...pkg.recordEnv, TF_VAR_external_id: SECRET };
  const init = await terraformAsync(root, ['init', '-input=false', '-no-color'], env);
  if (init.code !== 0) return init;
  return timed('HCL from node_modules: terraform plan', () => terraformAsync(root, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], env));
}

describe('a scratch CDKTF app imports the construct from the package, synthesizes and plans', () => {
  it('a TypeScript app type-checks against the package\'s declarations', () => {
    expect({ code: scratch.typeCheck.code, output: scratch.typeCheck.output.trim() }).toEqual({ code: 0, output: '' });
  });

  it('node app.js synthesized a stack holding the role', () => {
    expect({ code: scratch.synth.code, stderr: scratch.synth.stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(path.join(scratch.stackDir, 'cdk.tf.json'))).toBe(true);
  });

  it('plan exits 2 (changes): the role, its policy and the validation step are to be created', () => {
    const plan = scratch.plan;
    if (!plan) throw new Error(`nothing to plan: node app.js exited ${scratch.synth.code}`);
    expect({ code: plan.code, tail: plan.code === 2 ? '' : plan.output.slice(-3000) }).toEqual({ code: 2, tail: '' });
    const text = flat(plan.output);
    expect(text).toMatch(/aws_iam_role\.[\w.[\]"]+ will be created/);
    // The step finds the installed CLI: a construct that looked for it where only a checkout has it would plan none.
    expect(text).toMatch(/terraform_data\.sync_step[\w.[\]"]* will be created/);
    expect(plan.output).not.toContain(SECRET);
  });
});

test('HCL that uses the module inside node_modules plans the step with the CLI beside it (the README says so)', () => {
  const plan = fromNodeModules;
  expect({ code: plan.code, tail: plan.code === 2 ? '' : plan.output.slice(-3000) }).toEqual({ code: 2, tail: '' });
  const text = flat(plan.output);
  expect(text).toMatch(/module\.conductorone_role\.terraform_data\.sync_step\[0\] will be created/);
  // The module's sync_step_status output, as plan prints a string (quotes escaped).
  const argv = JSON.stringify(['node', path.join(pkg.packageDir, 'connector', 'bin', 'c1-aws.js'), 'step']).replace(/[\\"]/g, '\\$&');
  expect(text).toContain(`validate: runs ${argv}`);
});

rootLifecycle('the copied-HCL repository (examples/single-account + the module from the package, connector_command = the installed CLI)', {
  root: () => hcl,
  aws: () => aws,
  roleArn: ROLE_ARN,
  mustPass: ['Role exists', 'Trust policy', 'Permissions'],
  afterApply: async (apply) => {
    // The step ran the installed CLI (its table is in the apply's output), and the user can run it too.
    expect(apply.output).toContain(`c1-aws validate ${ROLE_ARN}`);
    const r = await timed('c1-aws validate', () => c1aws(['validate'], { BATON_ROLE_ARN: ROLE_ARN, BATON_EXTERNAL_ID: SECRET }));
    expect({ code: r.code, stderr: r.stderr, verdict: /All checks passed\.\n$/.test(r.stdout) }).toEqual({ code: 0, stderr: '', verdict: true });
    expect(r.stdout).toMatch(/PASS {2}Permissions/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  },
});

test('no node process read a file of the checkout; every file read from the package is in the tarball', () => {
  const lines = readFileSync(pkg.readLog, 'utf8').split('\n').filter(Boolean);
  const entries = lines.map((l) => {
    const [op, file] = l.split('\t');
    return { op, file };
  });
  const checkout = [REPO_ROOT, realpathSync(REPO_ROOT), realpathSync(path.join(REPO_ROOT, 'node_modules'))].map((d) => d + path.sep);
  expect([...new Set(entries.filter((e) => checkout.some((d) => e.file.startsWith(d))).map((e) => e.file))]).toEqual([]);
  const root = pkg.packageDir + path.sep;
  const fromPackage = entries.filter((e) => e.op === 'read' && e.file.startsWith(root)).map((e) => path.relative(pkg.packageDir, e.file));
  expect([...new Set(fromPackage.filter((f) => !pkg.packed.has(f)))]).toEqual([]);
  // The recorder saw what it must have: the CLI, the construct and the module's policy data, read from the package.
  for (const f of ['connector/bin/c1-aws.js', 'dist/stacks/index.js', 'modules/conductorone-aws-role/policies/iam_sync.json']) expect(fromPackage).toContain(f);
});

test('the external ID appears in none of the captured Terraform output', () => {
  expect(hcl.captured.length).toBeGreaterThanOrEqual(4);
  expect(hcl.captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
