/**
 * The stacks are the HCL module and nothing else: each declares the module's inputs as variables (as Terraform reads
 * them from variables.tf: interface.json, checked fresh by test/e2e/module-generated.test.ts), fixes its toggles,
 * calls the module where it lies, and re-exports every output with the module's sensitivity. In-process synth only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { ManagementAccountStack, SingleAccountStack, stackDefault } from '../../../stacks/role-stacks';
import { REPO_ROOT } from '../../harness/moto';
import moduleInterface from '../../../modules/conductorone-aws-role/interface.json';

const MODULE_DIR = path.join(REPO_ROOT, 'modules', 'conductorone-aws-role');
type Synth = {
  variable: Record<string, { type: string; description: string; sensitive?: boolean; default?: unknown }>;
  module: Record<string, Record<string, unknown>>;
  output: Record<string, { value: string; description: string; sensitive: boolean }>;
  terraform: { backend: { local: { path: string } } };
};

function synth(kind: 'single' | 'management'): { json: Synth; stackDir: string; stack: TerraformStack } {
  const app = Testing.app() as App;
  const id = kind === 'single' ? 'conductorone-aws' : 'conductorone-aws-management';
  const stack = kind === 'single' ? new SingleAccountStack(app, id) : new ManagementAccountStack(app, id);
  return { json: JSON.parse(Testing.synth(stack)) as Synth, stackDir: path.resolve(app.outdir, 'stacks', id), stack };
}

describe.each([
  [
    'single',
    {
      enable_organizations: false,
      enable_identity_center: false,
      enable_member_accounts: false,
      enable_member_provisioning: false,
      // One account has no Identity Center and no organization to read.
      enable_permission_set_sync: false,
      enable_organization_hierarchy_sync: false,
    },
  ],
  ['management', { enable_organizations: true, enable_identity_center: true }],
] as const)('%s-account stack', (kind, fixed) => {
  const { json, stackDir, stack } = synth(kind);
  const call = json.module.conductorone_aws_role;

  it('calls the module where it lies (source relative to the folder Terraform runs the stack in)', () => {
    const source = call.source as string;
    expect(source).toMatch(/^\.\.?\//);
    expect(path.resolve(stackDir, source)).toBe(MODULE_DIR);
  });

  it('passes every module input: a variable of the same name, type, sensitivity and default, or the fixed toggle', () => {
    for (const input of moduleInterface.inputs) {
      if (input.name in fixed) {
        expect({ [input.name]: call[input.name] }).toEqual({ [input.name]: fixed[input.name as keyof typeof fixed] });
        expect(json.variable[input.name]).toBeUndefined();
        continue;
      }
      expect({ [input.name]: call[input.name] }).toEqual({ [input.name]: `\${var.${input.name}}` });
      const v = json.variable[input.name];
      expect({ name: input.name, type: v.type, sensitive: v.sensitive === true, required: !('default' in v) }).toEqual({
        name: input.name,
        type: input.type,
        sensitive: input.sensitive,
        required: input.required,
      });
      // Nulls inside objects are left out (stackDefault): the same value to Terraform for optional attributes.
      if (!input.required) expect({ [input.name]: v.default }).toEqual({ [input.name]: stackDefault(input.default) });
    }
    const passed = Object.keys(call).filter((k) => !['source', '//'].includes(k));
    expect(passed.sort()).toEqual(moduleInterface.inputs.map((i) => i.name).sort());
    expect(Object.keys(json.variable).sort()).toEqual(['region', ...moduleInterface.inputs.map((i) => i.name).filter((n) => !(n in fixed))].sort());
  });

  it('re-exports every module output with its sensitivity (external_id stays sensitive)', () => {
    expect(Object.keys(json.output).sort()).toEqual(moduleInterface.outputs.map((o) => o.name).sort());
    for (const o of moduleInterface.outputs) {
      expect({ name: o.name, value: json.output[o.name].value, sensitive: json.output[o.name].sensitive }).toEqual({
        name: o.name,
        value: `\${module.conductorone_aws_role.${o.name}}`,
        sensitive: o.sensitive,
      });
    }
    expect(json.output.external_id.sensitive).toBe(true);
  });

  it('exposes the optional reads it can have as variables (default off, as the module)', () => {
    const optional = ['enable_policy_sync', 'enable_access_key_sync', 'enable_permission_set_sync', 'enable_organization_hierarchy_sync'];
    for (const name of optional.filter((n) => !(n in fixed))) expect({ name, default: json.variable[name]?.default }).toEqual({ name, default: false });
    expect(optional.filter((n) => !(n in fixed))).toEqual(kind === 'single' ? ['enable_policy_sync', 'enable_access_key_sync'] : optional);
  });

  it('names each output construct as the output: cdktf deploy --outputs-file and its summary print construct ids', () => {
    for (const o of moduleInterface.outputs) expect({ [o.name]: stack.node.tryFindChild(o.name) instanceof TerraformOutput }).toEqual({ [o.name]: true });
  });

  it("keeps cdktf's default state file (the project folder's terraform.<stack>.tfstate) without naming a path of this machine", () => {
    const state = json.terraform.backend.local.path;
    expect(state).toMatch(/^\.\.?\//);
    expect(path.resolve(stackDir, state)).toBe(path.resolve(`terraform.${kind === 'single' ? 'conductorone-aws' : 'conductorone-aws-management'}.tfstate`));
  });
});

describe('stacks/ holds no part of the role', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? walk(path.join(dir, f)) : [path.join(dir, f)]));
  const stacksText = walk(path.join(REPO_ROOT, 'stacks')).map((f) => readFileSync(f, 'utf8')).join('\n');
  const main = readFileSync(path.join(MODULE_DIR, 'main.tf'), 'utf8');
  /** The literal parts (20+ characters) of every error_message of main.tf, interpolations cut out. */
  const messages = [...main.matchAll(/error_message\s*=\s*"((?:[^"\\]|\\.)*)"/g)].flatMap((m) => m[1].split(/\$\{[^}]*\}/)).filter((p) => p.length >= 20);

  it('no precondition message of main.tf', () => {
    expect(messages.length).toBeGreaterThan(5);
    expect(messages.filter((m) => stacksText.includes(m))).toEqual([]);
  });

  it('no output description of outputs.tf, no resource, no step environment', () => {
    expect(moduleInterface.outputs.filter((o) => stacksText.includes(o.description))).toEqual([]);
    expect(stacksText).not.toMatch(/aws_iam_role|BATON_|C1_SYNC_STEP|local-exec|error_message/);
  });
});
