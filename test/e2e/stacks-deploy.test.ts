/**
 * `cdktf deploy` / `destroy` of the single-account stack with the real cdktf CLI, Terraform and AWS provider against
 * moto (offline: --skip-provider-lock), as the stacks' own user-facing claims beyond the README's deploy commands
 * (test/e2e/readme-cdktf.test.ts runs those, each with an empty second plan, the management stack included): inputs
 * given with --var reach the module, the validation step ran the real c1-aws CLI in sync mode with its table visible,
 * `cdktf diff` with the same arguments shows no changes (the suite's one `cdktf diff`), the step wrote the snapshot
 * where the output says, the role in moto is the module's, outputs keep the external ID
 * sensitive, an invalid external ID fails at plan without printing it, `cdktf destroy` leaves no role, and the
 * external ID appears in no captured output.
 *
 * The app runs in a cdktf project of its own (test/harness/stacks.ts), so its local state never touches the
 * repository's; the module, used where it lies, finds the CLI beside it (its default connector_command).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { CAPABILITY_IDS, capability } from '../../connector/src/policy/capabilities';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, Moto, startMoto } from '../harness/moto';
import { seedTestEstate, TestEstate } from '../harness/seed-estate';
import { RunResult, tempDir, terraform, terraformEnv } from '../harness/terraform';
import { CDKTF_CLI, cdktfProject, cdktfProvider } from '../harness/stacks';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import grammar from '../../modules/conductorone-aws-role/grammar.json';

const SECRET = 'Kx4-StackSecret-ExtId-9d2f6a1e3c8b7';
const ROLE = defaults.role_name;
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${ROLE}`;

let moto: Moto;
let aws: AwsContext;
let estate: TestEstate;
let out: string;
let project: string;
const captured: string[] = [];

function cdktf(args: string[], vars: Record<string, string> = {}): RunResult {
  const varArgs = Object.entries({ external_id: SECRET, ...vars }).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
  const env = { ...moto.env, CI: '1', FORCE_COLOR: '0' };
  const r = cdktfProvider(stackDir(args[1]), env).runSync((shared) =>
    spawnSync(CDKTF_CLI, [...args, '--output', out, '--skip-provider-lock', ...varArgs], {
      cwd: project,
      env: { ...process.env, ...terraformEnv(), ...env, ...shared },
      encoding: 'utf8',
      timeout: 300000,
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  const result = { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
  captured.push(result.output);
  return result;
}
const deploy = (stack: string, vars: Record<string, string> = {}) => cdktf(['deploy', stack, '--auto-approve'], vars);
/**
 * cdktf-cli 0.21 exits 1 after a successful apply when an output is null ("Cannot convert undefined or null to
 * object": Terraform drops null outputs from state). The stacks therefore never output null; a deploy must exit 0.
 */
function deployed(r: RunResult): boolean {
  return r.code === 0;
}
const stackDir = (stack: string) => path.join(out, 'stacks', stack);
const decode = (doc: string) => JSON.parse(decodeURIComponent(doc));

async function roleNames(): Promise<string[]> {
  return ((await aws.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!);
}

/** The inline policies in moto, parsed, by name; and what the stack declares for the capabilities. */
async function inlinePolicies(): Promise<Record<string, unknown>> {
  const names = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }))).PolicyNames ?? [];
  const docs: Record<string, unknown> = {};
  for (const n of names) docs[n] = decode((await aws.iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: n }))).PolicyDocument!);
  return docs;
}
function declared(ids: string[]): Record<string, unknown> {
  const docs: Record<string, unknown> = {};
  for (const id of ids) {
    const cap = capability(id as (typeof CAPABILITY_IDS)[number]);
    docs[cap.policyName] = JSON.parse(JSON.stringify(cap.document).replace(/\$\{partition\}/g, 'aws').replace(/\$\{account_id\}/g, MOTO_DEFAULT_ACCOUNT));
  }
  return docs;
}

function outputs(stack: string): Record<string, { sensitive: boolean; value: unknown }> {
  const r = terraform(stackDir(stack), ['output', '-json', '-no-color']);
  captured.push(r.stderr);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  // The estate includes the organization (the management stack needs it); moto has an Identity Center instance.
  estate = await seedTestEstate(aws);
  // A cdktf project of its own: the stacks' local state lands there, not in the repository's (a user's) state file.
  project = cdktfProject(tempDir('c1-stacks-deploy-'));
  out = path.join(project, 'cdktf.out');
}, 120000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  aws?.destroy();
  await moto?.stop();
});

describe('conductorone-aws (single account), sync step', () => {
  let r: RunResult;
  beforeAll(() => {
    r = deploy('conductorone-aws', { sync_step: 'sync' });
  }, 300000);

  it('deploys, and the step validated and synced with its report visible', () => {
    if (!deployed(r)) throw new Error(r.output.slice(-4000));
    expect(r.output).toContain(`c1-aws validate ${ROLE_ARN}`);
    expect(r.output).toMatch(/PASS\s+Role exists\s+found \S+, read as arn:aws:sts::123456789012:user\/moto/);
    expect(r.output).toContain('All checks passed.');
    expect(r.output).toMatch(/wrote \S*conductorone-snapshot\.json in/);
    expect(r.output).not.toContain('output suppressed');
  });

  it('cdktf diff with the same arguments: no changes', () => {
    const d = cdktf(['diff', 'conductorone-aws'], { sync_step: 'sync' });
    expect({ code: d.code, noChanges: /No changes/.test(d.output) }).toEqual({ code: 0, noChanges: true });
  }, 180000);

  it('moto holds the role, trust policy and inline policy the stack declares', async () => {
    const role = (await aws.iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!;
    expect({ arn: role.Arn, max: role.MaxSessionDuration }).toEqual({ arn: ROLE_ARN, max: defaults.max_session_duration });
    expect(decode(role.AssumeRolePolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: defaults.trusted_principal_arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': [SECRET] } } }],
    });
    expect(await inlinePolicies()).toEqual(declared(['iam_sync']));
  });

  it('the snapshot is where the output says and holds the seeded estate', () => {
    const o = outputs('conductorone-aws');
    const file = o.sync_snapshot_path.value as string;
    expect(file).toBe(path.join(stackDir('conductorone-aws'), defaults.sync_snapshot_path));
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    captured.push(text);
    const snapshot = JSON.parse(text) as { grants: { id: string }[]; resources: { displayName: string }[] };
    const ids = new Set(snapshot.grants.map((g) => g.id));
    expect(estate.expectedIamGrants.filter((g) => !ids.has(g))).toEqual([]);
    // Beyond the seeded grants, only the new role's own (its trust names ConductorOne's principal).
    expect(snapshot.grants.map((g) => g.id).filter((g) => !estate.expectedIamGrants.includes(g) && !g.includes(ROLE))).toEqual([]);
    expect(snapshot.resources.map((x) => x.displayName)).toEqual(expect.arrayContaining(['alice@example.com', 'carol', ROLE]));
  });

  it('no non-sensitive output holds the external ID; external_id is sensitive', () => {
    const o = outputs('conductorone-aws');
    expect(o.external_id.sensitive).toBe(true);
    for (const [name, v] of Object.entries(o)) if (!v.sensitive) expect({ name, leaks: JSON.stringify(v.value).includes(SECRET) }).toEqual({ name, leaks: false });
  });

  it('an invalid external ID fails at plan with the rule, without printing it, and creates nothing', () => {
    const dir = stackDir('conductorone-aws');
    const bad = `bad value ${SECRET}`;
    writeFileSync(path.join(dir, 'bad.tfvars.json'), JSON.stringify({ external_id: bad, role_name: 'NeverCreated' }));
    const p = terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-var-file=bad.tfvars.json'], moto.env);
    captured.push(p.output);
    expect(p.code).not.toBe(0);
    // ConductorOne's principal (the default): ConductorOne's external-ID rule.
    expect(p.output.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ')).toContain(`external_id ${grammar.rules.external_id_conductorone.rule}.`);
    expect(p.output).not.toContain(bad);
    expect(p.output).not.toMatch(/Creating\.\.\./);
  }, 120000);

  it('cdktf destroy leaves no role behind', async () => {
    const d = cdktf(['destroy', 'conductorone-aws', '--auto-approve'], { sync_step: 'sync' });
    if (d.code !== 0) throw new Error(d.output.slice(-3000));
    expect(await roleNames()).not.toContain(ROLE);
  }, 300000);
});

test('the external ID appears in none of the captured output of cdktf, Terraform and the CLI', () => {
  expect(captured.length).toBeGreaterThan(5);
  for (const text of captured) expect(text.includes(SECRET)).toBe(false);
});
