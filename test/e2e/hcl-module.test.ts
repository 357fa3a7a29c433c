/**
 * The HCL module and its examples with real Terraform, offline: fmt, init + validate of the module and the module's
 * native tests (mock_provider). Every value of test/fixtures/input-cases.json goes through the module's validations
 * in hcl-module-cases.test.ts (a file of its own: jest runs the two on both workers). The examples are not validated
 * here: every one that can be planned offline is applied by an e2e test (examples-coverage.test.ts checks that),
 * which validates it and more.
 *
 * Everything runs in a temp copy of modules/ and examples/ (same relative layout), so parallel runs never write
 * .terraform/ into the shared working tree. Independent Terraform processes run concurrently to stay fast.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RunResult, SharedProvider, startMockProviderServer, tempDir, terraformAsync } from '../harness/terraform';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const REPO = path.resolve(__dirname, '../..');
const MODULE = 'modules/conductorone-aws-role';
/** Applied by the e2e tests (module-apply, examples-apply, example-provisioning, member-accounts-apply): fmt and an argument check here. */
const APPLIED_EXAMPLES = ['single-account', 'management-account-identity-center', 'provisioning', 'organization-member-accounts'];
/** Needs conductorone/conductorone, which the offline mirror lacks: fmt (a parse) and an argument check only. */
const FORMAT_ONLY_EXAMPLES = ['conductorone-provider'];
const EXAMPLES = [...APPLIED_EXAMPLES, ...FORMAT_ONLY_EXAMPLES];

const tf = terraformAsync;

let work: string;
let moduleDir: string;
const results: Record<string, Promise<RunResult>> = {};
let provider: Promise<SharedProvider> | undefined;

beforeAll(() => {
  work = tempDir('c1-hcl-module-');
  const skip = (src: string) => !/[/\\](\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate[^/]*)$/.test(src);
  cpSync(path.join(REPO, MODULE), path.join(work, MODULE), { recursive: true, filter: skip });
  for (const e of EXAMPLES) cpSync(path.join(REPO, 'examples', e), path.join(work, 'examples', e), { recursive: true, filter: skip });
  moduleDir = path.join(work, MODULE);

  // Start everything now; the tests below await their own part.
  results.fmt = tf(work, ['fmt', '-check', '-recursive', '-diff', '-no-color', MODULE, 'examples']);
  results.moduleValidate = (async () => {
    const init = await tf(moduleDir, ['init', '-backend=false', '-input=false', '-no-color']);
    if (init.code !== 0) return init;
    // The native tests use only mock providers: one shared provider process serves every run's schema.
    provider = startMockProviderServer(moduleDir);
    const env = await provider.then(
      (p) => p.env,
      (e: Error) => e,
    );
    if (env instanceof Error) return { code: -1, stdout: '', stderr: env.message, output: env.message };
    return tf(moduleDir, ['validate', '-no-color'], env);
  })();
  results.moduleTest = results.moduleValidate.then(async (v) => (v.code === 0 ? tf(moduleDir, ['test', '-no-color'], (await provider!).env) : v));
});

afterAll(async () => {
  await provider?.then(
    (p) => p.stop(),
    () => undefined,
  );
});

test('terraform fmt -check -recursive: module, its tests and every example', async () => {
  const r = await results.fmt;
  expect(r.output).not.toMatch(/\.tf/);
  expect(r.code).toBe(0);
});

test('terraform init + validate: module', async () => {
  const r = await results.moduleValidate;
  expect(r.output).toContain('The configuration is valid');
  expect(r.code).toBe(0);
});

// The native tests share one provider process (startMockProviderServer), sound only while Terraform never configures
// it: every test file mocks the AWS provider and none declares a real one, nor does the module.
test('the native tests use mock providers only (they share one provider process)', () => {
  const dir = path.join(REPO, MODULE, 'tests');
  const files = readdirSync(dir).filter((f) => f.endsWith('.tftest.hcl'));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    expect({ file: f, mock: /^mock_provider\s+"aws"/m.test(text), real: /^provider\s+"aws"/m.test(text) }).toEqual({ file: f, mock: true, real: false });
  }
  for (const f of readdirSync(path.join(REPO, MODULE)).filter((n) => n.endsWith('.tf'))) {
    expect({ file: f, real: /^provider\s+"aws"/m.test(readFileSync(path.join(REPO, MODULE, f), 'utf8')) }).toEqual({ file: f, real: false });
  }
});

// ~75 runs, each asking the shared provider process for the schema (a few apply with the step's stand-in).
test('terraform test: the module native tests pass (mock_provider, offline)', async () => {
  const r = await results.moduleTest;
  if (r.code !== 0) throw new Error(r.output);
  expect(r.output).toMatch(/Success! \d+ passed, 0 failed/);
}, 420000);

describe('documentation and examples agree with the module', () => {
  const read = (p: string) => readFileSync(path.join(REPO, p), 'utf8');
  const names = (text: string, kind: 'variable' | 'output') => [...text.matchAll(new RegExp(`^${kind} "([^"]+)"`, 'gm'))].map((m) => m[1]);
  const readme = () => read(`${MODULE}/README.md`);

  // The input and output tables are generated from variables.tf/outputs.tf: test/e2e/module-generated.test.ts.

  test('README "Permissions" lists every capability and every action of its policy', () => {
    const section = readme().split('## Permissions')[1].split('\n## ')[0];
    for (const [id, cap] of Object.entries(manifest.capabilities)) {
      expect(section).toContain(`\`${id}\``);
      expect(section).toContain(`\`${cap.policy_name}\``);
      const doc = JSON.parse(read(`${MODULE}/policies/${id}.json`)) as { Statement: { Action: string | string[] }[] };
      for (const action of doc.Statement.flatMap((s) => s.Action)) expect(section).toContain(`\`${action}\``);
    }
  });

  test('nothing suggests `npx c1-aws` (npx would fetch and run whatever registry package has that name)', () => {
    const files = [
      ...['README.md', 'main.tf', 'variables.tf', 'outputs.tf'].map((f) => `${MODULE}/${f}`),
      ...EXAMPLES.flatMap((e) => ['README.md', 'main.tf', 'variables.tf', 'outputs.tf'].map((f) => `examples/${e}/${f}`)),
      'stacks/conductorone-aws-role.ts',
      'stacks/role-stacks.ts',
      'examples/generated/stacks/conductorone-aws/cdk.tf',
      'examples/generated/stacks/conductorone-aws-management/cdk.tf',
    ];
    for (const f of files) expect({ file: f, npx: /npx\s+c1-aws/.test(read(f)) }).toEqual({ file: f, npx: false });
  });

  test('the module runs the step without a shell: interpreter = the CLI argv, command = "step"', () => {
    const main = read(`${MODULE}/main.tf`);
    const provisioner = main.split('provisioner "local-exec" {')[1].split('\n  }\n')[0];
    expect(provisioner.replace(/\s+/g, ' ').trim()).toBe('interpreter = local.connector_argv command = "step" environment = local.step_environment');
  });

  test.each(EXAMPLES)('examples/%s passes only known module inputs, and no emulator settings or credentials', (example) => {
    const variables = new Set(names(read(`${MODULE}/variables.tf`), 'variable'));
    const main = read(`examples/${example}/main.tf`);
    const block = main.split(/^module "conductorone_role" \{$/m)[1].split(/^\}$/m)[0];
    const args = [...block.matchAll(/^ {2}([a-z_]+)\s*=/gm)].map((m) => m[1]).filter((a) => a !== 'source');
    expect(args.filter((a) => !variables.has(a))).toEqual([]);
    expect(block).toContain('source = "../../modules/conductorone-aws-role"');
    const all = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'].map((f) => read(`examples/${example}/${f}`)).join('\n');
    expect(all).not.toMatch(/endpoints|skip_credentials_validation|access_key|secret_key|127\.0\.0\.1|localhost/);
  });
});
