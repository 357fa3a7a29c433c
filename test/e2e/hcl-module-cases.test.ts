/**
 * Every value of test/fixtures/input-cases.json through the HCL module's variable validations and preconditions, with
 * real Terraform, offline (mock_provider).
 *
 * Cost: a `terraform test` run starts the AWS provider and loads its schema (~1 s CPU), an extra module instance in a
 * plan costs ~0.2 s. So the cases are module instances in three generated wrapper configurations, one plan each:
 * - invalid/: values refused by a variable validation. Instance k sets every variable to its k-th invalid value (plus
 *   one instance per combination case); Terraform reports every failing variable of every instance, each at the line
 *   of its argument, so each diagnostic names its case.
 * - precondition/: values refused by a precondition of the role (the external IDs: Terraform 1.11 prints a sensitive
 *   variable's value in a failed validation's diagnostic), and the combination cases, whose cross-variable
 *   validations Terraform checks only in the plan walk (in invalid/ they go unreported: the validate walk's errors
 *   end the run first). A precondition's diagnostic names no module instance, so it cannot say which case it belongs
 *   to; but each instance fails a precondition at most once, so as many diagnostics of a rule's message as instances
 *   with an invalid value for that rule prove that every one of them failed. The two precondition messages read in
 *   full (member account, cross-partition principal) are one instance each, told apart by their text.
 * - valid/: accepted values, batched as for the invalid ones (the external IDs one instance each); the plan must pass.
 * When a configuration's plan does not come out exactly as expected, the cases it holds are planned again one by one
 * (one configuration and run each), so a failure still names its case, and only then pays a run per case.
 * Every run gets the provider's schema from one shared provider process (harness/terraform.ts
 * startMockProviderServer): the plans use mock providers only.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SharedProvider, startMockProviderServer, tempDir, terraformAsync } from '../harness/terraform';
import { COMBINATION_CASES, NUMBER_CASES, STRING_CASES } from '../fixtures/input-cases';
import grammar from '../../modules/conductorone-aws-role/grammar.json';

const REPO = path.resolve(__dirname, '../..');
const MODULE = 'modules/conductorone-aws-role';
const VALID_EXTERNAL_ID = 'c1-external-id-0123456789abcdef0123456789';
const tf = terraformAsync;

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

type CaseSet = 'invalid' | 'precondition' | 'valid';

/**
 * The mock providers an instance can use: the data sources' answers (the module refuses cross-partition trust by
 * design, so a valid principal of another partition gets a provider of its partition; `elsewhere` is an account whose
 * organization is managed from another account).
 */
const MOCKS: Record<string, { partition: string; account: string; management?: string }> = {
  aws: { partition: 'aws', account: '111111111111' },
  aws_us_gov: { partition: 'aws-us-gov', account: '111111111111' },
  aws_cn: { partition: 'aws-cn', account: '111111111111' },
  elsewhere: { partition: 'aws', account: '111111111111', management: '999999999999' },
};

/** The mock providers `instances` use (each one loads the provider's schema). */
const aliasesOf = (instances: Instance[]) => [...new Set(['aws', ...instances.map((i) => i.provider)])];

function mockProviders(aliases: string[]): string[] {
  return aliases.map((a) => [a, MOCKS[a]] as const).flatMap(([alias, m]) => [
    'mock_provider "aws" {',
    ...(alias === 'aws' ? [] : [`  alias = "${alias}"`]),
    '  mock_data "aws_partition" {',
    `    defaults = { partition = "${m.partition}" }`,
    '  }',
    '  mock_data "aws_caller_identity" {',
    `    defaults = { account_id = "${m.account}" }`,
    '  }',
    ...(m.management ? ['  mock_data "aws_organizations_organization" {', `    defaults = { master_account_id = "${m.management}" }`, '  }'] : []),
    '}',
  ]);
}

/** One module block of a wrapper configuration. */
interface Instance {
  label: string;
  /** variable -> value and the line of its argument in the wrapper's main.tf (set by `writeWrapper`) */
  vars: Map<string, { value: unknown; line: number }>;
  provider: keyof typeof MOCKS;
}

/** One test: a value of the table (or a whole combination), and the instance that holds it in its set's plan. */
interface Case {
  set: CaseSet;
  /** How the batched plan attributes its failure: the diagnostic's line (a validation), or the count (a precondition). */
  check: 'line' | 'count';
  /** The input-cases.json entry (its rule text is what the message must quote); a combination's failing variable. */
  entry: string;
  variable: string;
  value: unknown;
  instance: Instance;
  /** The same case alone (for a second plan when the batched one cannot tell). */
  alone: Omit<Instance, 'label'>;
}

const instance = (labelText: string, values: Record<string, unknown>, provider: keyof typeof MOCKS = 'aws'): Instance => ({
  label: labelText,
  vars: new Map(Object.entries({ external_id: VALID_EXTERNAL_ID, ...values }).map(([k, v]) => [k, { value: v, line: 0 }])),
  provider,
});

/** The mock provider whose partition is a (valid) trusted principal's. */
const providerFor = (values: Record<string, unknown>): keyof typeof MOCKS => {
  const principal = values.trusted_principal_arn;
  const partition = typeof principal === 'string' ? principal.split(':')[1] : 'aws';
  return partition === 'aws-us-gov' ? 'aws_us_gov' : partition === 'aws-cn' ? 'aws_cn' : 'aws';
};

/** Inputs checked by preconditions of the role instead of variable validations. */
const PRECONDITION_CHECKED = new Set(['external_id']);

function generateCases(): { instances: Record<CaseSet, Instance[]>; cases: Case[] } {
  const instances: Record<CaseSet, Instance[]> = { invalid: [], precondition: [], valid: [] };
  const cases: Case[] = [];
  const table = [
    ...STRING_CASES.map((c) => ({ ...c, valid: c.valid as unknown[], invalid: c.invalid as unknown[] })),
    ...NUMBER_CASES.map((c) => ({ ...c, name: c.variable, with: {} as Record<string, string> })),
  ];
  const alone = (values: Record<string, unknown>, provider: keyof typeof MOCKS) => {
    const { vars } = instance('', values, provider);
    return { vars, provider };
  };
  // Batched instances set many variables at once: only the entries that need no other input and no precondition.
  const batched = table.filter((c) => !PRECONDITION_CHECKED.has(c.variable) && Object.keys(c.with).length === 0);
  for (const key of ['invalid', 'valid'] as const) {
    const most = Math.max(...batched.map((c) => c[key].length));
    for (let k = 0; k < most; k++) {
      const values: Record<string, unknown> = {};
      for (const c of batched) if (k < c[key].length) values[c.variable] = c[key][k];
      const inst = instance(`${key}_${k}`, values, key === 'valid' ? providerFor(values) : 'aws');
      instances[key].push(inst);
      for (const c of batched) {
        if (k >= c[key].length) continue;
        const one = { [c.variable]: c[key][k] };
        cases.push({ set: key, check: 'line', entry: c.name, variable: c.variable, value: c[key][k], instance: inst, alone: alone(one, key === 'valid' ? providerFor(one) : 'aws') });
      }
    }
  }
  for (const c of table.filter((t) => !batched.includes(t))) {
    for (const key of ['invalid', 'valid'] as const) {
      const set: CaseSet = key === 'valid' ? 'valid' : PRECONDITION_CHECKED.has(c.variable) ? 'precondition' : 'invalid';
      c[key].forEach((v, k) => {
        const values = { ...c.with, [c.variable]: v };
        const provider = key === 'valid' ? providerFor(values) : 'aws';
        const inst = instance(`${c.name}_${key}_${k}`, values, provider);
        instances[set].push(inst);
        cases.push({ set, check: set === 'precondition' ? 'count' : 'line', entry: c.name, variable: c.variable, value: v, instance: inst, alone: alone(values, provider) });
      });
    }
  }
  COMBINATION_CASES.forEach((c, i) => {
    const inst = instance(`combination_${i}`, c.vars);
    instances.precondition.push(inst);
    cases.push({ set: 'precondition', check: 'line', entry: c.fails, variable: c.fails, value: c.name, instance: inst, alone: alone(c.vars, 'aws') });
  });
  instances.precondition.push(...MESSAGE_INSTANCES.map((m) => m.instance));
  return { instances, cases };
}

/**
 * The precondition messages read in full (the native tests' expect_failures only see that a check failed), each
 * told from the others in the same plan by its opening words.
 */
const MESSAGE_INSTANCES: { instance: Instance; opening: string }[] = [
  { instance: instance('member_account', { enable_organizations: true }, 'elsewhere'), opening: 'enable_organizations is true but this role would be created in account ' },
  { instance: instance('cross_partition', { trusted_principal_arn: 'arn:aws-cn:iam::123456789012:role/ConductorOneService' }), opening: 'trusted_principal_arn is in partition ' },
];
const messageErrors = (errors: Diagnostic[], opening: string) => errors.filter((d) => d.summary === 'Resource precondition failed' && d.detail.startsWith(opening));

/** A wrapper configuration (main.tf) holding `instances`; records each argument's line. */
function writeWrapper(dir: string, instances: Instance[]): void {
  const lines = [
    '# Generated by test/e2e/hcl-module-cases.test.ts from test/fixtures/input-cases.json.',
    'terraform {',
    '  required_providers {',
    '    aws = { source = "hashicorp/aws" }',
    '  }',
    '}',
    ...aliasesOf(instances)
      .filter((a) => a !== 'aws')
      .map((a) => `provider "aws" {\n  alias = "${a}"\n}`),
  ];
  for (const inst of instances) {
    lines.push('', `module "${inst.label}" {`, `  source = "../../${MODULE}"`);
    if (inst.provider !== 'aws') lines.push(`  providers = { aws = aws.${inst.provider} }`);
    for (const [variable, v] of inst.vars) {
      lines.push(`  ${variable} = ${hclValue(v.value)}`);
      v.line = lines.join('\n').split('\n').length;
    }
    lines.push('}');
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'main.tf'), `${lines.join('\n')}\n`);
}

/** A directory of wrapper configurations, each planned by a run of its own test file; returns each run's result. */
async function planWrappers(work: string, wrappers: Record<string, Instance[]>): Promise<{ status: Map<string, string>; diagnostics: Map<string, Diagnostic[]>; output: string }> {
  mkdirSync(path.join(work, 'tests'), { recursive: true });
  writeFileSync(path.join(work, 'versions.tf'), 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n');
  for (const [name, insts] of Object.entries(wrappers)) {
    writeWrapper(path.join(work, name), insts);
    // A run that errors skips the rest of its file: one file per run.
    const test = ['# Generated by test/e2e/hcl-module-cases.test.ts.', ...mockProviders(aliasesOf(insts)), '', `run "${name}" {`, '  command = plan', '  module {', `    source = "./${name}"`, '  }', '}'];
    writeFileSync(path.join(work, 'tests', `${name}.tftest.hcl`), `${test.join('\n')}\n`);
  }
  const init = await tf(work, ['init', '-backend=false', '-input=false', '-no-color']);
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  // Mock providers only: one shared provider process serves the schema to every run (the first init starts it).
  provider ??= startMockProviderServer(work);
  const r = await tf(work, ['test', '-json', '-no-color'], (await provider).env);
  const parsed = parseTestJson(r.stdout);
  if (parsed.status.size === 0) throw new Error(`terraform test produced no run results:\n${r.output}`);
  return { ...parsed, output: r.output };
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

const errorsOf = (diagnostics: Map<string, Diagnostic[]>, run: string) => (diagnostics.get(run) ?? []).filter((d) => d.severity === 'error');

/** The grammar.json rule text each table entry's message must quote, by entry name (a batched entry's variable). */
const RULE_TEXT = new Map<string, string>(
  [...STRING_CASES.map((c) => ({ name: c.name, rule: c.rule })), ...NUMBER_CASES.map((c) => ({ name: c.variable, rule: c.rule }))].map((c) => [
    c.name,
    ({ ...grammar.rules, ...grammar.numbers } as Record<string, { rule: string }>)[c.rule].rule,
  ]),
);

/** The validation diagnostics at the line of `variable`'s argument in `inst`, of the set's wrapper. */
const validationErrorsAt = (errors: Diagnostic[], set: string, inst: Instance, variable: string) =>
  errors.filter((d) => d.summary === 'Invalid value for variable' && d.range?.filename === `${set}/main.tf` && d.range.start.line === inst.vars.get(variable)?.line);

/** The external ID's precondition diagnostics quoting an entry's rule (the message starts with the input's name). */
const preconditionErrorsFor = (errors: Diagnostic[], c: Pick<Case, 'variable' | 'entry'>) =>
  errors.filter((d) => d.summary === 'Resource precondition failed' && new RegExp(`^(Each )?${c.variable} `).test(d.detail) && d.detail.includes(RULE_TEXT.get(c.entry)!));

/**
 * Whether a set's batched plan accounts for each of its cases: a passing plan without errors for the valid set; for
 * the others, every line-checked case with exactly one error at its line, per counted rule as many precondition
 * errors as cases, each message instance's error once, and no error left over.
 */
function batchAccountsForAll(set: CaseSet, cases: Case[], status: string | undefined, errors: Diagnostic[]): boolean {
  const mine = cases.filter((c) => c.set === set);
  if (set === 'valid') return status === 'pass' && errors.length === 0;
  if (status !== 'error') return false;
  const claimed = new Set<Diagnostic>();
  const claim = (found: Diagnostic[], expected: number) => {
    found.forEach((d) => claimed.add(d));
    return found.length === expected;
  };
  const byLine = mine.filter((c) => c.check === 'line').every((c) => claim(validationErrorsAt(errors, set, c.instance, c.variable), 1));
  const counted = mine.filter((c) => c.check === 'count');
  const byCount = [...new Set(counted.map((c) => c.entry))].every((e) =>
    claim(preconditionErrorsFor(errors, counted.find((c) => c.entry === e)!), counted.filter((c) => c.entry === e).length),
  );
  const messages = set !== 'precondition' || MESSAGE_INSTANCES.every((m) => claim(messageErrors(errors, m.opening), 1));
  return byLine && byCount && messages && errors.every((d) => claimed.has(d));
}

let work: string;
let provider: Promise<SharedProvider> | undefined;
const GENERATED = generateCases();
let batched: Promise<Awaited<ReturnType<typeof planWrappers>>>;
const aloneResults = new Map<CaseSet, Promise<Awaited<ReturnType<typeof planWrappers>>>>();

/** The set's cases planned one by one (only when the batched plan could not account for them). */
function planAlone(set: CaseSet) {
  if (!aloneResults.has(set)) {
    const dir = path.join(work, `alone-${set}`);
    cpSync(path.join(work, 'modules'), path.join(dir, 'modules'), { recursive: true });
    const wrappers = Object.fromEntries(
      GENERATED.cases.filter((c) => c.set === set).map((c, i) => [`${set}_${i}`, [{ label: 'case', ...c.alone, vars: new Map([...c.alone.vars].map(([k, v]) => [k, { ...v }])) }]]),
    );
    aloneResults.set(set, planWrappers(path.join(dir, 'cases'), wrappers).then((r) => ({ ...r, wrappers })));
  }
  return aloneResults.get(set)! as Promise<Awaited<ReturnType<typeof planWrappers>> & { wrappers: Record<string, Instance[]> }>;
}

beforeAll(() => {
  work = tempDir('c1-hcl-cases-');
  const skip = (src: string) => !/[/\\](\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate[^/]*|tests)$/.test(src);
  cpSync(path.join(REPO, MODULE), path.join(work, MODULE), { recursive: true, filter: skip });
  batched = planWrappers(path.join(work, 'cases'), GENERATED.instances);
});

afterAll(async () => {
  await provider?.then(
    (p) => p.stop(),
    () => undefined,
  );
});

/** The errors that decide case `c`: from the batched plan when it accounts for its whole set, else from its own. */
async function errorsForCase(c: Case): Promise<{ status: string | undefined; errors: Diagnostic[]; run: string; inst: Instance }> {
  const b = await batched;
  const errors = errorsOf(b.diagnostics, c.set);
  if (batchAccountsForAll(c.set, GENERATED.cases, b.status.get(c.set), errors)) return { status: b.status.get(c.set), errors, run: c.set, inst: c.instance };
  const a = await planAlone(c.set);
  const run = `${c.set}_${GENERATED.cases.filter((m) => m.set === c.set).indexOf(c)}`;
  return { status: a.status.get(run), errors: errorsOf(a.diagnostics, run), run, inst: a.wrappers[run][0] };
}

describe('input-cases.json through the module validations (generated wrapper configurations)', () => {
  const invalid = GENERATED.cases.filter((c) => c.set !== 'valid');
  const valid = GENERATED.cases.filter((c) => c.set === 'valid');

  test.each(invalid.map((c) => [c.variable, label(c.value), c]))('%s refuses %s, naming the input and the rule', async (_v, _l, c) => {
    const { status, errors, run, inst } = await errorsForCase(c);
    expect(status).toBe('error');
    if (c.check === 'count') {
      const mine = preconditionErrorsFor(errors, c);
      expect(mine.length).toBeGreaterThan(0);
      if (run !== c.set) expect(errors.map((d) => d.summary)).toEqual(['Resource precondition failed']);
      if ((c.value as string).length >= 8) for (const d of mine) expect(d.detail).not.toContain(c.value as string);
      return;
    }
    const mine = validationErrorsAt(errors, run, inst, c.variable);
    expect(mine).toHaveLength(1);
    // The module's message without Terraform's "checked by" note.
    const message = mine[0].detail.split('\n\nThis was checked by')[0];
    expect(message).toMatch(new RegExp(`^(Each )?${c.variable} `));
    const rule = RULE_TEXT.get(c.entry);
    if (rule) expect(message).toContain(rule);
    // A case alone fails on its variable only, not on something else.
    if (run !== c.set) expect(errors.map((d) => d.summary)).toEqual(['Invalid value for variable']);
  });

  test('each refusing plan fails on its cases only, not on something else', async () => {
    const b = await batched;
    for (const set of ['invalid', 'precondition'] as const) {
      const errors = errorsOf(b.diagnostics, set);
      const errorText = errors.map((d) => `${d.range?.filename}:${d.range?.start.line} ${d.summary}: ${d.detail.split('\n')[0]}`);
      expect({ set, accounted: batchAccountsForAll(set, GENERATED.cases, b.status.get(set), errors), errors: errorText }).toEqual({ set, accounted: true, errors: errorText });
    }
  });

  test.each(valid.map((c) => [c.variable, label(c.value), c]))('%s accepts %s', async (_v, _l, c) => {
    const { status, errors } = await errorsForCase(c);
    expect(errors).toEqual([]);
    expect(status).toBe('pass');
  });
});

describe('precondition messages say what ConductorOne would answer and what to do', () => {
  const message = async (opening: string) => {
    const b = await batched;
    expect(b.status.get('precondition')).toBe('error');
    // One instance per message; its opening words tell it from every other error of the plan.
    const mine = messageErrors(errorsOf(b.diagnostics, 'precondition'), opening);
    expect(mine).toHaveLength(1);
    return mine[0].detail;
  };

  test('Organizations in a member account: the 400, the management account, the way out', async () => {
    const m = await message(MESSAGE_INSTANCES[0].opening);
    expect(m).toContain('enable_organizations');
    expect(m).toContain('account 111111111111');
    expect(m).toContain('400 error when the integration is saved');
    expect(m).toContain('Create the role in the management account (account 999999999999)');
    expect(m).toContain('set enable_organizations = false');
  });

  test('a principal of another partition: named, with both partitions', async () => {
    const m = await message(MESSAGE_INSTANCES[1].opening);
    expect(m).toMatch(/^trusted_principal_arn is in partition "aws-cn" but this role is in partition "aws"/);
  });
});
