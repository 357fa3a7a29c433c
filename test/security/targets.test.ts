/**
 * The security suite's bookkeeping, tested on fabricated trees so each rule is seen to fail:
 *   - targetProblems(): a named target that is missing, or an example that exists but is not named, is reported;
 *   - the plan cache key changes with every input that changes a plan (module, connector policy and grammar code and
 *     data, stacks, examples, Terraform, provider and moto versions) and with nothing else.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/moto';
import { PLAN_INPUT_DIRS, planCacheKey, PlanCacheInputs, planInputFiles, toolVersions } from '../harness/plan-cache';
import { tempDir } from '../harness/terraform';
import { definedStacks, EXPECTED_TARGETS, targetProblems } from './targets';

describe('targetProblems', () => {
  let root: string;
  beforeEach(() => {
    root = tempDir('c1-targets-');
    // A tree holding exactly the named targets (one Terraform file each is enough).
    mkdirSync(path.join(root, EXPECTED_TARGETS.module), { recursive: true });
    writeFileSync(path.join(root, EXPECTED_TARGETS.module, 'main.tf'), '');
    for (const ex of EXPECTED_TARGETS.examples) {
      mkdirSync(path.join(root, ex), { recursive: true });
      writeFileSync(path.join(root, ex, 'main.tf'), '');
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('the repository: every named target exists and every example is named', () => {
    expect(targetProblems()).toEqual([]);
    expect(definedStacks()).toEqual([...EXPECTED_TARGETS.stacks].sort());
  });

  test('a tree with exactly the named targets has no problem', () => {
    expect(targetProblems(root, EXPECTED_TARGETS.stacks)).toEqual([]);
  });

  test('a named example that is missing', () => {
    rmSync(path.join(root, 'examples/provisioning'), { recursive: true });
    expect(targetProblems(root, EXPECTED_TARGETS.stacks)).toEqual(['examples/provisioning is named but holds no Terraform files (missing?)']);
  });

  test('an example directory that exists but is not named (nested ones too)', () => {
    mkdirSync(path.join(root, 'examples/new-one/nested'), { recursive: true });
    writeFileSync(path.join(root, 'examples/new-one/nested/main.tf.json'), '{}');
    expect(targetProblems(root, EXPECTED_TARGETS.stacks)).toEqual([
      'examples/new-one/nested exists but is not in EXPECTED_TARGETS.examples: it would not be scanned',
    ]);
  });

  test('the module file is missing', () => {
    rmSync(path.join(root, EXPECTED_TARGETS.module, 'main.tf'));
    expect(targetProblems(root, EXPECTED_TARGETS.stacks)).toEqual([`${EXPECTED_TARGETS.module}/main.tf is missing`]);
  });

  test('a named stack the app does not define, and a defined stack that is not named', () => {
    expect(targetProblems(root, ['conductorone-aws', 'conductorone-aws-staging'])).toEqual([
      'stack conductorone-aws-management is named but the CDKTF app does not define it',
      'stack conductorone-aws-staging exists but is not in EXPECTED_TARGETS.stacks: it would not be scanned',
    ]);
  });
});

describe('plan cache key', () => {
  /** One file in each input area, copied from the repository where it exists (so the areas are real ones). */
  const AREA_FILES: Record<string, string> = {
    module: 'modules/conductorone-aws-role/policies/iam_provisioning.json',
    'module grammar': 'modules/conductorone-aws-role/grammar.json',
    'connector policy code': 'connector/src/policy/coverage.ts',
    'connector grammar code': 'connector/src/grammar/rules.ts',
    stacks: 'stacks/role-stacks.ts',
    examples: 'examples/provisioning/main.tf',
  };
  const TOOLS = { terraform: '1.11.4', provider: '5.100.0[linux_amd64]', moto: '5.2.1' };
  let root: string;
  const inputs = (tools = TOOLS, build = 'wrapper'): PlanCacheInputs => ({ files: planInputFiles(root), tools, build });

  beforeAll(() => {
    root = tempDir('c1-plan-key-');
    for (const rel of Object.values(AREA_FILES)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      cpSync(path.join(REPO_ROOT, rel), path.join(root, rel));
    }
    // A file outside every input area: changing it must not rebuild plans.
    mkdirSync(path.join(root, 'connector/src/sync'), { recursive: true });
    writeFileSync(path.join(root, 'connector/src/sync/engine.ts'), '// not a plan input\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('the areas are the ones the issue names', () => {
    expect(PLAN_INPUT_DIRS).toEqual(expect.arrayContaining(['modules/conductorone-aws-role', 'connector/src/policy', 'connector/src/grammar', 'stacks']));
    expect(Object.keys(planInputFiles(root)).sort()).toEqual(Object.values(AREA_FILES).sort());
  });

  test('the same inputs give the same key', () => {
    expect(planCacheKey(inputs())).toBe(planCacheKey(inputs()));
  });

  test.each(Object.entries(AREA_FILES))('changing a file of the %s changes the key', (_area, rel) => {
    const before = planCacheKey(inputs());
    const file = path.join(root, rel);
    const original = readFileSync(file);
    try {
      writeFileSync(file, Buffer.concat([original, Buffer.from('\n')]));
      expect(planCacheKey(inputs())).not.toBe(before);
    } finally {
      writeFileSync(file, original);
    }
    expect(planCacheKey(inputs())).toBe(before);
  });

  test('adding a file to an input area changes the key; a file elsewhere does not', () => {
    const before = planCacheKey(inputs());
    writeFileSync(path.join(root, 'connector/src/sync/other.ts'), '');
    expect(planCacheKey(inputs())).toBe(before);
    const added = path.join(root, 'connector/src/policy/new-rule.ts');
    writeFileSync(added, '');
    try {
      expect(planCacheKey(inputs())).not.toBe(before);
    } finally {
      rmSync(added);
    }
  });

  test.each(['terraform', 'provider', 'moto'] as const)('another %s version changes the key', (tool) => {
    expect(planCacheKey(inputs({ ...TOOLS, [tool]: `${TOOLS[tool]}-other` }))).not.toBe(planCacheKey(inputs()));
  });

  test('another build (e.g. wrapper configuration) changes the key', () => {
    expect(planCacheKey(inputs(TOOLS, 'wrapper 2'))).not.toBe(planCacheKey(inputs()));
  });

  test("this machine's versions are read, not guessed", () => {
    const v = toolVersions();
    expect(v.terraform).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.moto).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.provider).toMatch(/^(registry|\d+\.\d+\.\d+)/);
  });
});
