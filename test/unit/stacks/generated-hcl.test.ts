/**
 * examples/generated/ is `cdktf synth --hcl` of the stacks, cleaned: fails when the committed copy is stale (run
 * `npm run generate:hcl`), and checks each stack is `terraform fmt`-clean and valid with the provider mirror.
 */
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/moto';
import { tempDir, terraform, terraformEnv, terraformInit } from '../../harness/terraform';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generate } = require('../../../stacks/generate-hcl.js') as { generate: (out: string, env?: NodeJS.ProcessEnv) => string[] };

const COMMITTED = path.join(REPO_ROOT, 'examples', 'generated');
const STACKS = ['conductorone-aws', 'conductorone-aws-management'];

describe('generated HCL (examples/generated)', () => {
  it('is up to date with stacks/ (npm run generate:hcl)', () => {
    const fresh = tempDir('c1-generated-');
    expect(generate(fresh, terraformEnv())).toEqual(STACKS);
    expect(readdirSync(COMMITTED).filter((f) => !f.startsWith('.')).sort()).toEqual(STACKS);
    for (const stack of STACKS) {
      const want = readFileSync(path.join(fresh, stack, 'main.tf'), 'utf8');
      const have = readFileSync(path.join(COMMITTED, stack, 'main.tf'), 'utf8');
      expect({ stack, upToDate: have === want }).toEqual({ stack, upToDate: true });
    }
  }, 120000);

  it.each(STACKS)('%s reads like hand-written HCL: no absolute paths, no wrapped interpolations', (stack) => {
    const text = readFileSync(path.join(COMMITTED, stack, 'main.tf'), 'utf8');
    expect(text).not.toContain(REPO_ROOT);
    expect(text).not.toMatch(/backend "local"/);
    expect(text).not.toMatch(/= "\$\{[^"]*\}"\n/);
    expect(text).not.toMatch(/precondition = \[/);
    expect(text).not.toMatch(/depends_on\s*=\s*\[\s*"/);
    expect(text).not.toMatch(/inline_policy\s*\{/);
  });

  it.each(STACKS)('%s is terraform fmt-clean and valid', (stack) => {
    const dir = tempDir(`c1-generated-${stack}-`);
    copyFileSync(path.join(COMMITTED, stack, 'main.tf'), path.join(dir, 'main.tf'));
    const fmt = terraform(dir, ['fmt', '-check', '-diff', '-no-color']);
    expect(fmt.output.trim()).toBe('');
    expect(fmt.code).toBe(0);
    terraformInit(dir);
    const validate = terraform(dir, ['validate', '-json', '-no-color']);
    const result = JSON.parse(validate.stdout);
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  }, 120000);
});
