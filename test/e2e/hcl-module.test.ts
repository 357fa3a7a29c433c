/**
 * The HCL module and its examples with real Terraform, offline: fmt, init + validate of the module, the module's
 * native tests (mock_provider), and every value of test/fixtures/input-cases.json through the module's variable
 * validations. The examples are not validated here: every one that can be planned offline is applied by an e2e test
 * (examples-coverage.test.ts checks that), which validates it and more.
 *
 * Everything runs in a temp copy of modules/ and examples/ (same relative layout), so parallel runs never write
 * .terraform/ into the shared working tree. Independent Terraform processes run concurrently to stay fast.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { RunResult, tempDir, terraformAsync } from '../harness/terraform';
import { COMBINATION_CASES, NUMBER_CASES, STRING_CASES } from '../fixtures/input-cases';
import grammar from '../../modules/conductorone-aws-role/grammar.json';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const REPO = path.resolve(__dirname, '../..');
const MODULE = 'modules/conductorone-aws-role';
/** Applied by the e2e tests (module-apply, examples-apply, example-provisioning, member-accounts-apply): fmt and an argument check here. */
const APPLIED_EXAMPLES = ['single-account', 'management-account-identity-center', 'provisioning', 'organization-member-accounts'];
/** Needs conductorone/conductorone, which the offline mirror lacks: fmt (a parse) and an argument check only. */
const FORMAT_ONLY_EXAMPLES = ['conductorone-provider'];
const EXAMPLES = [...APPLIED_EXAMPLES, ...FORMAT_ONLY_EXAMPLES];
const VALID_EXTERNAL_ID = 'c1-external-id-0123456789abcdef0123456789';

const tf = terraformAsync;

async function initAndValidate(dir: string): Promise<RunResult> {
  const init = await tf(dir, ['init', '-backend=false', '-input=false', '-no-color']);
  if (init.code !== 0) return init;
  return tf(dir, ['validate', '-no-color']);
}

/** An HCL string literal: JSON escapes minus the ones HCL lacks, and template sequences escaped. */
function hclString(s: string): string {
  const json = JSON.stringify(s).replace(/\\[bf]/g, (e) => (e === '\\b' ? '\\u0008' : '\\u000c'));
  // Function replacements: in a replacement string `$$` is itself an escape (for one `$`).
  return json.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
const hclValue = (v: unknown): string => (typeof v === 'string' ? hclString(v) : JSON.stringify(v));
const label = (v: unknown): string => {
  const s = typeof v === 'string' ? v : String(v);
  return s.length > 40 ? `${JSON.stringify(s.slice(0, 20))}…(${s.length} chars)` : JSON.stringify(s);
};

interface GeneratedRun {
  name: string;
  /** variable -> value and the line of its assignment in the run's file */
  vars: Map<string, { value: unknown; line: number }>;
  /** Variables whose validation must fail; empty = the plan must pass. */
  failing: string[];
  /** The failure is a precondition of the role (external IDs), not a variable validation. */
  precondition?: boolean;
  /** The input-cases.json entry a precondition run checks (its rule text); batched runs use the variable's name. */
  caseName?: string;
}

/**
 * Inputs checked by preconditions of the role instead of variable validations (Terraform 1.11 prints a sensitive
 * variable's value in a failed validation's diagnostic). A precondition is only reached when every variable is
 * valid, so each of their invalid values gets a run of its own, and each valid value a run with its entry's `with`
 * inputs (the external ID's rule depends on the trusted principal).
 */
const PRECONDITION_CHECKED = new Set(['external_id']);

const MOCK_PROVIDER = [
  'mock_provider "aws" {',
  '  mock_data "aws_partition" {',
  '    defaults = { partition = "aws" }',
  '  }',
  '  mock_data "aws_caller_identity" {',
  '    defaults = { account_id = "111111111111" }',
  '  }',
  '}',
];

/**
 * Test files for the whole table. Terraform reports every failing variable of a plan, so run k sets every variable
 * to its k-th invalid value at once: 8 plans cover all ~40 invalid values. A run that errors skips the rest of its
 * file, so each failing run gets a file of its own; the passing runs share one. Valid values are batched the same
 * way, each run setting the partition to the trusted principal's (the module refuses cross-partition trust by
 * design, which is not what these runs test).
 */
function generateCaseFiles(): { files: Map<string, string>; runs: GeneratedRun[] } {
  const files = new Map<string, string[]>();
  const runs: GeneratedRun[] = [];
  const table = [
    ...STRING_CASES.map((c) => ({ ...c, valid: c.valid as unknown[], invalid: c.invalid as unknown[] })),
    ...NUMBER_CASES.map((c) => ({ ...c, name: c.variable, with: {} as Record<string, string> })),
  ];
  // Batched runs set many variables at once: only the entries that need no other input and no precondition.
  const batched = table.filter((c) => !PRECONDITION_CHECKED.has(c.variable) && Object.keys(c.with).length === 0);

  const addRun = (name: string, values: Record<string, unknown>, failing: string[], precondition = false, caseName?: string) => {
    const file = failing.length ? `${name}.tftest.hcl` : 'valid.tftest.hcl';
    if (!files.has(file)) files.set(file, ['# Generated by test/e2e/hcl-module.test.ts from test/fixtures/input-cases.json.', ...MOCK_PROVIDER]);
    const lines = files.get(file)!;
    const run: GeneratedRun = { name, vars: new Map(), failing, precondition, caseName };
    lines.push('', `run "${name}" {`, '  command = plan', '  variables {');
    for (const [variable, value] of Object.entries({ external_id: VALID_EXTERNAL_ID, ...values })) {
      lines.push(`    ${variable} = ${hclValue(value)}`);
      run.vars.set(variable, { value, line: lines.length });
    }
    lines.push('  }');
    const principal = values.trusted_principal_arn;
    if (typeof principal === 'string' && failing.length === 0) {
      lines.push('  override_data {', '    target = data.aws_partition.current', `    values = { partition = ${hclString(principal.split(':')[1])} }`, '  }');
    }
    lines.push('}');
    runs.push(run);
  };

  const most = (key: 'valid' | 'invalid') => Math.max(...batched.map((c) => c[key].length));
  for (let k = 0; k < most('invalid'); k++) {
    const values: Record<string, unknown> = {};
    for (const c of batched) if (k < c.invalid.length) values[c.variable] = c.invalid[k];
    addRun(`invalid_${k}`, values, Object.keys(values));
  }
  for (let k = 0; k < most('valid'); k++) {
    const values: Record<string, unknown> = {};
    for (const c of batched) if (k < c.valid.length) values[c.variable] = c.valid[k];
    addRun(`valid_${k}`, values, []);
  }
  for (const c of table.filter((t) => !batched.includes(t))) {
    c.invalid.forEach((v, k) => addRun(`${c.name}_invalid_${k}`, { ...c.with, [c.variable]: v }, [c.variable], true, c.name));
    c.valid.forEach((v, k) => addRun(`${c.name}_valid_${k}`, { ...c.with, [c.variable]: v }, [], false, c.name));
  }
  COMBINATION_CASES.forEach((c, i) => addRun(`combination_${i}`, c.vars, [c.fails]));

  // Precondition messages, read in full (the native tests' expect_failures only see that a check failed).
  const precondition = (name: string, body: string[]) =>
    files.set(`${name}.tftest.hcl`, ['# Generated by test/e2e/hcl-module.test.ts.', ...MOCK_PROVIDER, '', `run "${name}" {`, '  command = plan', '  variables {', `    external_id = ${hclString(VALID_EXTERNAL_ID)}`, ...body, '}']);
  precondition('member_account', [
    '    enable_organizations = true',
    '  }',
    '  override_data {',
    '    target = data.aws_organizations_organization.this[0]',
    '    values = { master_account_id = "999999999999" }',
    '  }',
  ]);
  precondition('cross_partition', ['    trusted_principal_arn = "arn:aws-cn:iam::123456789012:role/ConductorOneService"', '  }']);
  return { files: new Map([...files].map(([f, lines]) => [f, `${lines.join('\n')}\n`])), runs };
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  range?: { filename: string; start: { line: number } };
}

/** `terraform test -json` output: each run's status and diagnostics. */
function parseTestJson(stdout: string) {
  const status = new Map<string, string>();
  const diagnostics = new Map<string, Diagnostic[]>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    const run: string | undefined = msg['@testrun'];
    if (!run) continue;
    if (msg.type === 'test_run' && msg.test_run.progress === 'complete') status.set(run, msg.test_run.status);
    if (msg.type === 'diagnostic') diagnostics.set(run, [...(diagnostics.get(run) ?? []), msg.diagnostic]);
  }
  return { status, diagnostics };
}

/** The grammar.json rule text each table entry's message must quote, by entry name (a batched entry's variable). */
const RULE_TEXT = new Map<string, string>(
  [...STRING_CASES.map((c) => ({ name: c.name, rule: c.rule })), ...NUMBER_CASES.map((c) => ({ name: c.variable, rule: c.rule }))].map((c) => [
    c.name,
    ({ ...grammar.rules, ...grammar.numbers } as Record<string, { rule: string }>)[c.rule].rule,
  ]),
);

let work: string;
let moduleDir: string;
const results: Record<string, Promise<RunResult>> = {};
const GENERATED = generateCaseFiles();

beforeAll(() => {
  work = tempDir('c1-hcl-module-');
  const skip = (src: string) => !/[/\\](\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate[^/]*)$/.test(src);
  cpSync(path.join(REPO, MODULE), path.join(work, MODULE), { recursive: true, filter: skip });
  for (const e of EXAMPLES) cpSync(path.join(REPO, 'examples', e), path.join(work, 'examples', e), { recursive: true, filter: skip });
  moduleDir = path.join(work, MODULE);

  // A second copy of the module whose only test files are the generated case table.
  const casesDir = path.join(work, 'cases');
  const nativeTests = path.join(moduleDir, 'tests');
  cpSync(moduleDir, casesDir, { recursive: true, filter: (src) => src !== nativeTests && !src.startsWith(nativeTests + path.sep) });
  mkdirSync(path.join(casesDir, 'tests'));
  for (const [file, text] of GENERATED.files) writeFileSync(path.join(casesDir, 'tests', file), text);

  // Start everything now; the tests below await their own part.
  results.fmt = tf(work, ['fmt', '-check', '-recursive', '-diff', '-no-color', MODULE, 'examples']);
  results.moduleValidate = initAndValidate(moduleDir);
  results.moduleTest = results.moduleValidate.then((v) => (v.code === 0 ? tf(moduleDir, ['test', '-no-color']) : v));
  results.cases = initAndValidate(casesDir).then((v) => (v.code === 0 ? tf(casesDir, ['test', '-json', '-no-color']) : v));
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

// ~60 runs, a provider start each (a few of them apply with the step's stand-in): minutes on a loaded machine.
test('terraform test: the module native tests pass (mock_provider, offline)', async () => {
  const r = await results.moduleTest;
  if (r.code !== 0) throw new Error(r.output);
  expect(r.output).toMatch(/Success! \d+ passed, 0 failed/);
}, 420000);

describe('input-cases.json through the module validations (generated terraform test files)', () => {
  let status: Map<string, string>;
  let diagnostics: Map<string, Diagnostic[]>;
  beforeAll(async () => {
    const r = await results.cases;
    ({ status, diagnostics } = parseTestJson(r.stdout));
    if (status.size === 0) throw new Error(`terraform test produced no run results:\n${r.output}`);
  });

  const invalid = GENERATED.runs.flatMap((run) => run.failing.map((variable) => ({ run: run.name, variable, value: run.vars.get(variable)!.value })));
  const valid = GENERATED.runs.filter((run) => run.failing.length === 0);

  test.each(invalid.map((c) => [c.variable, label(c.value), c]))('%s refuses %s, naming the input and the rule', (_v, _l, c) => {
    const run = GENERATED.runs.find((r) => r.name === c.run)!;
    expect(status.get(c.run)).toBe('error');
    const errors = (diagnostics.get(c.run) ?? []).filter((d) => d.severity === 'error');
    if (run.precondition) {
      expect(errors.map((d) => d.summary)).toEqual(['Resource precondition failed']);
      expect(errors[0].detail).toMatch(new RegExp(`^(Each )?${c.variable} `));
      expect(errors[0].detail).toContain(RULE_TEXT.get(run.caseName!)!);
      if ((c.value as string).length >= 8) expect(errors[0].detail).not.toContain(c.value as string);
      return;
    }
    const line = run.vars.get(c.variable)?.line;
    // The diagnostic points at the run's assignment of the variable; a run failing on a variable it does not
    // set (no case does today) is matched by message.
    const mine = errors.filter((d) => d.summary === 'Invalid value for variable' && (line !== undefined ? d.range?.start.line === line : d.detail.startsWith(`${c.variable} `)));
    expect(mine).toHaveLength(1);
    // The module's message without Terraform's "checked by" note. (The diagnostic's snippet, not checked here, shows
    // the run's own values as written in the test file: a terraform test artifact; a real plan hides them.)
    const message = mine[0].detail.split('\n\nThis was checked by')[0];
    expect(message).toMatch(new RegExp(`^(Each )?${c.variable} `));
    const rule = RULE_TEXT.get(c.variable);
    if (rule) expect(message).toContain(rule);
    // The external ID is a secret: its message must not repeat it (values too short to tell are skipped).
    if (c.variable === 'external_id' && (c.value as string).length >= 8) expect(message).not.toContain(c.value as string);
  });

  test('each invalid run fails on its variables only, not on something else', () => {
    for (const run of GENERATED.runs.filter((r) => r.failing.length > 0)) {
      const errors = (diagnostics.get(run.name) ?? []).filter((d) => d.severity === 'error');
      const summary = run.precondition ? 'Resource precondition failed' : 'Invalid value for variable';
      expect({ run: run.name, errors: errors.map((d) => d.summary) }).toEqual({ run: run.name, errors: run.failing.map(() => summary) });
    }
  });

  test.each(valid.map((run) => [run.name, [...run.vars.entries()].map(([k, v]) => `${k}=${label(v.value)}`).join(', '), run]))(
    '%s passes: %s',
    (name) => {
      const errors = (diagnostics.get(name as string) ?? []).filter((d) => d.severity === 'error');
      expect(errors).toEqual([]);
      expect(status.get(name as string)).toBe('pass');
    },
  );
});

describe('precondition messages say what ConductorOne would answer and what to do', () => {
  let diagnostics: Map<string, Diagnostic[]>;
  beforeAll(async () => {
    ({ diagnostics } = parseTestJson((await results.cases).stdout));
  });
  const message = (run: string) => {
    const errors = (diagnostics.get(run) ?? []).filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.summary)).toEqual(['Resource precondition failed']);
    return errors[0].detail;
  };

  test('Organizations in a member account: the 400, the management account, the way out', () => {
    const m = message('member_account');
    expect(m).toContain('enable_organizations');
    expect(m).toContain('account 111111111111');
    expect(m).toContain('400 error when the integration is saved');
    expect(m).toContain('Create the role in the management account (account 999999999999)');
    expect(m).toContain('set enable_organizations = false');
  });

  test('a principal of another partition: named, with both partitions', () => {
    const m = message('cross_partition');
    expect(m).toMatch(/^trusted_principal_arn is in partition "aws-cn" but this role is in partition "aws"/);
  });
});

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
