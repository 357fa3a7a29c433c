/**
 * Every invalid value of input-cases.json fails `terraform plan` of the synthesized stack with a message that names
 * the variable; every valid value passes validation. Real Terraform, no AWS: validation fails before any API call, and
 * the provider env points at a closed local port so nothing can leave the machine. Terraform reports every variable's
 * error at once, so one plan checks the i-th invalid value of every variable (init once, 12 plans, two at a time).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { ConductorOneStack } from '../../../stacks/role-stacks';
import { COMBINATION_CASES, NUMBER_CASES, STRING_CASES } from '../../fixtures/input-cases';
import { tempDir, terraformAsync, terraformInit } from '../../harness/terraform';
import grammar from '../../../modules/conductorone-aws-role/grammar.json';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';

const NO_AWS: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};
const VALID_EXTERNAL_ID = 'x'.repeat(32);
/**
 * Checked by preconditions of the role, not validations (Terraform 1.11 prints a sensitive variable's value in a
 * failed validation's diagnostic): reached only after the data sources are read, so test/e2e/stacks-deploy.test.ts
 * plans their invalid values against moto. Here: the synthesized preconditions.
 */
const PRECONDITION_CHECKED = new Set(['external_id']);
const TABLE = [...STRING_CASES, ...NUMBER_CASES].filter((c) => !PRECONDITION_CHECKED.has(c.variable));

/** The module-shaped stack: every toggle a variable, like modules/conductorone-aws-role. */
const stackJson = JSON.parse(Testing.synth(new ConductorOneStack(Testing.app() as App, 'all-variables')));
const messages: Record<string, string> = {};
for (const [name, v] of Object.entries<any>(stackJson.variable)) if (v.validation) messages[name] = v.validation[0].error_message;

let dir: string;
beforeAll(() => {
  dir = tempDir('c1-stack-validation-');
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(stackJson, null, 2));
  // Test-only override (the stack has no provider settings): no STS call at configure time and no retries, so a
  // plan ends in ~5 s instead of ~27 s of backoff against the closed port.
  writeFileSync(
    path.join(dir, 'provider_override.tf.json'),
    JSON.stringify({ provider: { aws: { skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true, max_retries: 1 } } }),
  );
  terraformInit(dir);
});

type Vars = Record<string, string | number | boolean>;

/** Terraform's diagnostics with the box drawing and line wrapping removed. */
function plan(vars: Vars): Promise<string> {
  const args = ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false'];
  for (const [k, v] of Object.entries({ external_id: VALID_EXTERNAL_ID, ...vars })) args.push('-var', `${k}=${v}`);
  return terraformAsync(dir, args, NO_AWS).then((r) => r.output.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' '));
}

/** Plans two at a time: the machine has two cores and each plan is mostly provider start-up. */
async function planAll(sets: Vars[]): Promise<string[]> {
  const results: string[] = new Array(sets.length);
  let next = 0;
  const worker = async () => {
    while (next < sets.length) {
      const i = next++;
      results[i] = await plan(sets[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}
const flat = (s: string) => s.replace(/\s+/g, ' ');

const batches = Math.max(...STRING_CASES.filter((c) => !PRECONDITION_CHECKED.has(c.variable)).map((c) => c.invalid.length), ...NUMBER_CASES.map((c) => c.invalid.length));
const validBatches = Math.max(...TABLE.map((c) => c.valid.length));

/** Invalid batch i: the i-th invalid value of every variable; the first batches also carry the cross-variable cases. */
const EXTRA_INVALID: { vars: Vars; fails: string; message: string }[] = [
  ...COMBINATION_CASES.map((c) => ({ vars: c.vars as Vars, fails: c.fails, message: '' })),
  {
    vars: { provisioning_group_arns: '["arn:aws:iam::123456789012:group/Eng"]', provisioning_group_path: '/c1/' },
    fails: 'provisioning_group_arns',
    message: 'provisioning_group_arns and provisioning_group_path are alternatives',
  },
  { vars: { provisioning_group_arns: '["arn:aws:iam::123456789012:role/NotAGroup"]' }, fails: 'provisioning_group_arns', message: 'Each provisioning_group_arns entry must be an IAM group ARN' },
  { vars: { connector_command: '["node", ""]' }, fails: 'connector_command', message: 'connector_command must be null or a non-empty list of non-empty strings' },
];
const invalidSets: { vars: Vars; expect: { variable: string; message: string }[] }[] = Array.from({ length: batches }, (_, i) => {
  const vars: Vars = {};
  for (const c of TABLE) if (i < c.invalid.length) vars[c.variable] = (c.invalid as (string | number)[])[i];
  const expectations = Object.keys(vars).map((variable) => ({ variable, message: messages[variable] }));
  const extra = EXTRA_INVALID[i];
  if (extra) {
    Object.assign(vars, extra.vars);
    expectations.push({ variable: extra.fails, message: extra.message || messages[extra.fails] });
  }
  return { vars, expect: expectations };
});
const validSets: Vars[] = Array.from({ length: validBatches }, (_, i) => {
  const vars: Vars = {};
  for (const c of TABLE) vars[c.variable] = (c.valid as (string | number)[])[i % c.valid.length];
  return vars;
});

let outputs: string[] = [];
beforeAll(async () => {
  outputs = await planAll([...invalidSets.map((s) => s.vars), ...validSets]);
}, 300000);

describe('stack variable validations (terraform plan)', () => {
  it("declares the HCL module's variables with messages that name the input", () => {
    for (const c of TABLE) expect(messages[c.variable]).toMatch(new RegExp(`^${c.variable} `));
    // The external IDs: no validation (it would print the value), a precondition of the role with the grammar's rule.
    expect(stackJson.variable.external_id.validation).toBeUndefined();
    expect(stackJson.variable.additional_external_ids.validation).toBeUndefined();
    const preconditions: { condition: string; error_message: string }[] = stackJson.resource.aws_iam_role.this.lifecycle.precondition;
    // The rule follows the trusted principal (a variable here): ConductorOne's 32 to 65 with its principal, else STS's.
    const rule = `\${try(split(":", var.trusted_principal_arn)[4], "") == "${defaults.trusted_principal_arn.split(':')[4]}" ? ${JSON.stringify(grammar.rules.external_id_conductorone.rule)} : ${JSON.stringify(grammar.rules.external_id.rule)}}`;
    expect(preconditions.map((p) => p.error_message)).toEqual(expect.arrayContaining([`external_id ${rule}.`, `Each additional_external_ids entry ${rule}.`]));
    for (const c of COMBINATION_CASES) expect(messages[c.fails]).toMatch(new RegExp(`^${c.fails} `));
    expect(stackJson.variable.external_id.sensitive).toBe(true);
    expect(stackJson.variable.additional_external_ids).toMatchObject({ sensitive: true, default: [] });
    expect(EXTRA_INVALID.length).toBeLessThanOrEqual(batches);
  });

  it.each(invalidSets.map((s, i) => [i, s] as const))('rejects invalid batch #%i, each message naming its variable', (i, set) => {
    const out = outputs[i];
    for (const e of set.expect) {
      expect({ variable: e.variable, value: set.vars[e.variable], found: out.includes(flat(e.message)) }).toEqual({ variable: e.variable, value: set.vars[e.variable], found: true });
    }
    expect(out.split('Invalid value for variable').length - 1).toBe(set.expect.length);
  });

  it.each(validSets.map((s, i) => [i, s] as const))('accepts valid batch #%i', (i) => {
    expect(outputs[invalidSets.length + i]).not.toContain('Invalid value for variable');
    // Validation passed and the plan went on to read the caller identity (refused: no AWS here).
    expect(outputs[invalidSets.length + i]).toContain('Caller Identity');
  });
});
