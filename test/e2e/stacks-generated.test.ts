/**
 * What `npm run generate:stacks` writes is fresh and usable: the typed binding `cdktf get` generates from the module
 * (stacks/generated/), and `cdktf synth --hcl` of the app (examples/generated/: each stack as HCL a user can read and
 * copy, the module call with its variables and outputs), which Terraform validates where it lies.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../harness/moto';
import { runAsync } from '../harness/process';
import { tempDir, terraform, terraformEnv, terraformInit } from '../harness/terraform';

const STACKS = ['conductorone-aws', 'conductorone-aws-management'];
const ENV = { ...process.env, ...terraformEnv(), CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };
const CDKTF = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdktf');

/** Every file under dir, relative, with its content. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('stacks/generated is what `cdktf get` generates from the module (run npm run generate:stacks)', async () => {
  const work = tempDir('c1-cdktf-get-');
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8')) as { codeMakerOutput: string };
  writeFileSync(path.join(work, 'cdktf.json'), JSON.stringify({ ...config, codeMakerOutput: 'gen' }));
  for (const d of ['node_modules', 'package.json']) symlinkSync(path.join(REPO_ROOT, d), path.join(work, d));
  // A copy: cdktf get does not follow a linked module folder.
  cpSync(path.join(REPO_ROOT, 'modules'), path.join(work, 'modules'), { recursive: true, filter: (src) => !/[/\\]\.terraform$/.test(src) });
  const r = await runAsync(CDKTF, ['get'], { cwd: work, env: ENV });
  if (r.code !== 0) throw new Error(r.output.slice(-3000));
  expect(files(path.join(REPO_ROOT, config.codeMakerOutput))).toEqual(files(path.join(work, 'gen')));
}, 180000);

test('examples/generated is `cdktf synth --hcl` of the app (run npm run generate:stacks)', async () => {
  // Beside examples/generated, at the same depth: the module source and state path are relative to the output folder.
  const fresh = mkdtempSync(path.join(REPO_ROOT, 'examples', '.generated-check-'));
  try {
    const r = await runAsync(CDKTF, ['synth', '--hcl', '--output', fresh], { cwd: REPO_ROOT, env: ENV });
    if (r.code !== 0) throw new Error(r.output.slice(-3000));
    const fmt = terraform(fresh, ['fmt', '-recursive', '-no-color']);
    expect(fmt.code).toBe(0);
    const { 'README.md': readme, ...committed } = files(path.join(REPO_ROOT, 'examples', 'generated'));
    expect(readme).toContain('npm run generate:stacks');
    expect(Object.keys(committed).sort()).toEqual(['manifest.json', ...STACKS.flatMap((s) => [`stacks/${s}/cdk.tf`, `stacks/${s}/metadata.json`])].sort());
    expect(committed).toEqual(files(fresh));
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}, 180000);

describe.each(STACKS)('examples/generated/stacks/%s', (stack) => {
  const text = () => readFileSync(path.join(REPO_ROOT, 'examples', 'generated', 'stacks', stack, 'cdk.tf'), 'utf8');

  it('reads as the module call with the variables and outputs, naming no path of this machine', () => {
    expect(text()).toContain('module "conductorone_aws_role" {');
    expect(text()).toMatch(/variable "external_id" \{[^}]*sensitive\s*=\s*true/);
    expect(text()).toMatch(/output "role_arn" \{/);
    expect(text()).not.toContain(REPO_ROOT);
    expect(text()).not.toMatch(/resource "/);
  });

  it('is valid where it lies (module source relative to it), with the provider mirror', () => {
    // A copy of the layout: <root>/examples/generated/... beside <root>/modules/...
    const root = tempDir(`c1-generated-${stack}-`);
    cpSync(path.join(REPO_ROOT, 'examples', 'generated'), path.join(root, 'examples', 'generated'), { recursive: true });
    mkdirSync(path.join(root, 'modules'));
    cpSync(path.join(REPO_ROOT, 'modules', 'conductorone-aws-role'), path.join(root, 'modules', 'conductorone-aws-role'), {
      recursive: true,
      filter: (src) => !/[/\\](\.terraform|tests)$/.test(src),
    });
    const dir = path.join(root, 'examples', 'generated', 'stacks', stack);
    const init = terraformInit(dir);
    expect(init.code).toBe(0);
    const validate = terraform(dir, ['validate', '-json', '-no-color']);
    const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics: unknown[] };
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  }, 120000);
});
