/**
 * Parity: for the inputs of each HCL example, the synthesized CDKTF stack and a root calling
 * modules/conductorone-aws-role plan the same role (name, path, max session, boundary, tags), the same parsed trust
 * policy, the same parsed inline policies and policy set, and the same known outputs. Both plan against one moto
 * (the management case needs an organization, made with the SDK); init once per directory, then one plan per case.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { createAwsContext } from '../../connector/src/aws';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, REPO_ROOT, startMoto } from '../harness/moto';
import { tempDir, terraform, terraformInit } from '../harness/terraform';

const MODULE = path.join(REPO_ROOT, 'modules', 'conductorone-aws-role');
const OUTPUTS = ['role_arn', 'role_name', 'role_unique_id', 'external_id', 'enabled_capabilities', 'inline_policy_names', 'conductorone_settings'];
const EXTERNAL_ID = 'parity-external-id-0123456789abcdef';
const TAGS = { ManagedBy: 'terraform' };

type Inputs = Record<string, unknown>;
interface Case {
  name: string;
  stack: 'conductorone-aws' | 'conductorone-aws-management';
  /** Module inputs; the stack gets the same minus the toggles it fixes. */
  inputs: Inputs;
  fixedByStack: string[];
}

const CASES: Case[] = [
  { name: 'single account (examples/single-account)', stack: 'conductorone-aws', inputs: { external_id: EXTERNAL_ID, tags: TAGS }, fixedByStack: [] },
  {
    name: 'management account with Identity Center (examples/management-account-identity-center)',
    stack: 'conductorone-aws-management',
    inputs: { external_id: EXTERNAL_ID, enable_organizations: true, enable_identity_center: true, identity_center_region: 'eu-west-1', tags: TAGS },
    fixedByStack: ['enable_organizations', 'enable_identity_center'],
  },
  {
    name: 'provisioning with a group path (examples/provisioning), every role input set',
    stack: 'conductorone-aws',
    inputs: {
      external_id: EXTERNAL_ID,
      additional_external_ids: ['parity-next-external-id-0123456789'],
      enable_provisioning: true,
      provisioning_group_path: '/conductorone/',
      role_name: 'C1Integration',
      role_path: '/integrations/',
      max_session_duration: 7200,
      permissions_boundary_arn: 'arn:aws:iam::123456789012:policy/Boundary',
      tags: { ...TAGS, Team: 'identity' },
    },
    fixedByStack: [],
  },
];

let moto: Moto;
let root: string;
const stackDirs: Record<string, string> = {};
let moduleDir: string;

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const ctx = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  try {
    // The caller (moto's default account) becomes the management account: the Organizations precondition passes.
    await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  } finally {
    ctx.destroy();
  }

  root = tempDir('c1-parity-');
  // The app exactly as cdktf.json runs it; the backend (an absolute path into the repo) is dropped so state and
  // locks stay in the temp dir.
  const app = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdktf.json'), 'utf8')).app as string;
  const out = path.join(root, 'cdktf.out');
  const synth = spawnSync('bash', ['-c', app], { cwd: REPO_ROOT, env: { ...process.env, CDKTF_OUTDIR: out }, encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
  for (const stack of new Set(CASES.map((c) => c.stack))) {
    const json = JSON.parse(readFileSync(path.join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    delete json.terraform.backend;
    stackDirs[stack] = path.join(root, stack);
    mkdirSync(stackDirs[stack]);
    writeFileSync(path.join(stackDirs[stack], 'cdk.tf.json'), JSON.stringify(json, null, 2));
    terraformInit(stackDirs[stack]);
  }
  moduleDir = path.join(root, 'module-root');
  mkdirSync(moduleDir);
  writeModuleRoot({ external_id: EXTERNAL_ID });
  terraformInit(moduleDir);
}, 300000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await moto?.stop();
});

/** A tiny root calling the module with literal inputs, re-exporting its outputs. */
function writeModuleRoot(inputs: Inputs) {
  const output: Record<string, unknown> = {};
  for (const o of OUTPUTS) output[o] = { value: `\${module.role.${o}}`, sensitive: o === 'external_id' };
  writeFileSync(
    path.join(moduleDir, 'main.tf.json'),
    JSON.stringify({ provider: { aws: {} }, module: { role: { source: MODULE, ...inputs } }, output }, null, 2),
  );
}

/** terraform plan -out + show -json; `vars` go through a tfvars.json file (lists, maps, numbers as typed). */
function planJson(dir: string, vars: Inputs): any {
  writeFileSync(path.join(dir, 'case.tfvars.json'), JSON.stringify(vars));
  const plan = terraform(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-out=plan.bin', '-var-file=case.tfvars.json'], moto.env);
  if (plan.code !== 0) throw new Error(`plan failed in ${dir}:\n${plan.output.slice(-4000)}`);
  const show = terraform(dir, ['show', '-json', 'plan.bin'], moto.env);
  if (show.code !== 0) throw new Error(`show failed:\n${show.output}`);
  return JSON.parse(show.stdout);
}

function resources(module: any): any[] {
  return [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(resources)];
}

/** What must be equal: the role, its trust policy and inline policies, parsed; the known outputs. */
function summary(plan: any) {
  const all = resources(plan.planned_values.root_module);
  const roles = all.filter((r) => r.type === 'aws_iam_role' && r.mode === 'managed');
  expect(roles).toHaveLength(1);
  const role = roles[0].values;
  const policies: Record<string, unknown> = {};
  for (const p of all.filter((r) => r.type === 'aws_iam_role_policy')) policies[p.values.name] = JSON.parse(p.values.policy);
  const exclusive = all.filter((r) => r.type === 'aws_iam_role_policies_exclusive');
  expect(exclusive).toHaveLength(1);
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries<any>(plan.planned_values.outputs ?? {})) if (v.value !== undefined && OUTPUTS.includes(k) && k !== 'external_id') outputs[k] = v.value;
  return {
    role: {
      name: role.name,
      path: role.path,
      max_session_duration: role.max_session_duration,
      permissions_boundary: role.permissions_boundary ?? null,
      tags: role.tags ?? {},
    },
    trust: JSON.parse(role.assume_role_policy),
    policies,
    exclusive_policy_names: [...exclusive[0].values.policy_names].sort(),
    outputs,
    // Data sources read at plan time are in the prior state, not in planned_values.
    data_sources: resources(plan.prior_state?.values?.root_module).filter((r) => r.mode === 'data').map((r) => r.type).sort(),
  };
}

describe('CDKTF stack and HCL module plan the same role', () => {
  it.each(CASES)('$name', (c) => {
    writeModuleRoot(c.inputs);
    const fromModule = summary(planJson(moduleDir, {}));
    const stackVars = Object.fromEntries(Object.entries(c.inputs).filter(([k]) => !c.fixedByStack.includes(k)));
    const fromStack = summary(planJson(stackDirs[c.stack], stackVars));

    expect(fromStack).toEqual(fromModule);
    // Sanity: the case really exercised what it claims.
    expect(fromStack.trust.Statement[0].Condition.StringEquals['sts:ExternalId']).toContain(EXTERNAL_ID);
    expect(fromStack.outputs).toHaveProperty('enabled_capabilities');
    expect(Object.keys(fromStack.policies).sort()).toEqual(fromStack.outputs.inline_policy_names);
    if (c.inputs.enable_identity_center) expect(fromStack.data_sources).toContain('aws_organizations_organization');
    if (c.inputs.enable_provisioning) {
      expect(JSON.stringify(fromStack.policies)).toContain(':group/conductorone/*');
    }
  }, 180000);
});
