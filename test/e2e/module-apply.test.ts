/**
 * The HCL module through examples/single-account, applied with real Terraform and the AWS provider against moto:
 * the role, trust and inline policies in moto equal what the module declares; the validation step ran the real
 * c1-aws CLI (`c1-aws step`, no shell) with its table visible; a second plan is empty; drift is repaired and
 * re-validated; an invalid external ID fails at plan without printing it; neither the secret nor its digest appears
 * in a plan, the state view, any captured output or any non-sensitive output; destroy leaves no role.
 *
 * The example and the module are copied to a temp dir with the repository's layout, under a directory whose name
 * holds a shell command substitution (`$(touch <marker>)`): a module that put its path into a shell command would
 * create the marker. `connector` is a symlink to the repository's, so the module finds the CLI as it does in the
 * repository. Moto is reached through the environment only (AWS_ENDPOINT_URL, dummy keys, AWS_MAX_ATTEMPTS=1): the
 * example carries no emulator settings (prepareRoot, test/harness/example-root.ts, shared with the other example tests). Test-only choices go in override files (Terraform merges `*_override.tf`
 * into the module block).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, Moto, REPO_ROOT, startMoto } from '../harness/moto';
import { iamInventory, prepareRoot } from '../harness/example-root';
import { RunResult, terraform } from '../harness/terraform';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import grammar from '../../modules/conductorone-aws-role/grammar.json';

/** Distinctive, so any leak is found by a plain substring search; 32 to 65 characters (ConductorOne's rule). */
const SECRET = 'Zq7-ModuleSecret-ExtId-4b9e1c77a2d0f';
/** A rotation ID: its digest reaches the step too, and must not be shown either. */
const NEXT_SECRET = 'Zq7-ModuleSecret-NextId-93e0a5d1c6b7f';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Created by the shell, in its working directory, if anything ever runs the work directory's name as a command. */
const MARKER = 'c1-shell-injection-marker';
/** A directory name that is a harmless name to exec(), and `touch` to a shell. */
const HOSTILE_DIR = `v$(touch ${MARKER})v`;
const ROLE = defaults.role_name;
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${ROLE}`;

let moto: Moto;
let aws: AwsContext;
let work: string;
let dir: string;
/** Everything Terraform and the CLI printed in this file, searched for the secret at the end. */
const captured: string[] = [];

function tf(args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const r = terraform(dir, [...args, '-no-color'], { ...moto.env, TF_VAR_external_id: SECRET, ...env });
  captured.push(r.output);
  return r;
}
const flat = (s: string) => s.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');
const override = (body: string) => writeFileSync(path.join(dir, 'step_override.tf'), `module "conductorone_role" {\n${body}\n}\n`);

async function roleExists(): Promise<boolean> {
  const roles = await aws.iam.send(new ListRolesCommand({}));
  return (roles.Roles ?? []).some((r) => r.RoleName === ROLE);
}

/** The module's policy document of one capability for moto's account, as a parsed object. */
function declaredPolicy(id: string): unknown {
  const text = readFileSync(path.join(REPO_ROOT, 'modules/conductorone-aws-role/policies', `${id}.json`), 'utf8');
  return JSON.parse(text.replace(/\$\{partition\}/g, 'aws').replace(/\$\{account_id\}/g, MOTO_DEFAULT_ACCOUNT));
}
const decode = (doc: string) => JSON.parse(decodeURIComponent(doc));

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint; // the SDK reads it (createAwsContext has no endpoint option)
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  // The shared copy + init of test/harness/example-root.ts, under the hostile directory name.
  const root = await prepareRoot(moto, { example: 'examples/single-account', externalId: SECRET, workName: HOSTILE_DIR });
  dir = root.dir;
  work = root.work;
}, 120000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  aws?.destroy();
  await moto?.stop();
});

describe('examples/single-account against moto', () => {
  let apply: RunResult;
  beforeAll(() => {
    apply = tf(['apply', '-auto-approve', '-input=false']);
  }, 180000);

  it('applies, and the validation step ran the real CLI with its table visible', () => {
    if (apply.code !== 0) throw new Error(apply.output.slice(-4000));
    expect(apply.output).toContain('module.conductorone_role.terraform_data.sync_step[0] (local-exec)');
    // exec'd as an argv list (no shell): node, the CLI by absolute path (under the hostile directory name), step.
    expect(apply.output).toContain(`(local-exec): Executing: ["node" "${path.join(work, 'connector/bin/c1-aws.js')}" "step"]`);
    expect(apply.output).toContain(`c1-aws validate ${ROLE_ARN}`);
    expect(apply.output).toMatch(/PASS\s+Role exists\s+found arn:aws:iam::123456789012:role\/ConductorOneIntegration, read as arn:aws:sts::123456789012:user\/moto/);
    expect(apply.output).toMatch(/PASS\s+Trust policy/);
    expect(apply.output).toMatch(/PASS\s+Permissions/);
    expect(apply.output).toContain('All checks passed.');
    expect(apply.output).not.toContain('output suppressed');
  });

  it('the role, trust policy and inline policies in moto are what the module declares', async () => {
    const role = (await aws.iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!;
    expect({ arn: role.Arn, path: role.Path, max: role.MaxSessionDuration }).toEqual({ arn: ROLE_ARN, path: '/', max: defaults.max_session_duration });
    expect(decode(role.AssumeRolePolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: defaults.trusted_principal_arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': [SECRET] } } }],
    });
    const names = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }))).PolicyNames;
    expect(names).toEqual(['ConductorOneIamSync']);
    const doc = (await aws.iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'ConductorOneIamSync' }))).PolicyDocument!;
    expect(decode(doc)).toEqual(declaredPolicy('iam_sync'));
  });

  it('a second plan shows no changes (-detailed-exitcode 0)', () => {
    const r = tf(['plan', '-detailed-exitcode', '-input=false']);
    expect({ code: r.code, tail: r.code ? r.output.slice(-3000) : '' }).toEqual({ code: 0, tail: '' });
  }, 120000);

  it('drift: Terraform repairs the inline policy and re-runs the step, which fails on the managed policy it cannot remove', async () => {
    // Out of band: widen the inline policy, and attach a managed policy allowing iam:CreateUser.
    await aws.iam.send(
      new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'ConductorOneIamSync', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }) }),
    );
    const policy = await aws.iam.send(
      new CreatePolicyCommand({ PolicyName: 'OutOfBand', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }] }) }),
    );
    const arn = policy.Policy!.Arn!;
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: arn }));

    const r = tf(['apply', '-auto-approve', '-input=false']);
    expect(r.code).not.toBe(0);
    // The inline policy is put back, the step is replaced because of it (replace_triggered_by) ...
    expect(r.output).toMatch(/aws_iam_role_policy\.this\["iam_sync"\] will be updated in-place/);
    expect(r.output).toMatch(/terraform_data\.sync_step\[0\] will be replaced/);
    expect(r.output).toContain('replace_triggered_by');
    expect(decode((await aws.iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'ConductorOneIamSync' }))).PolicyDocument!)).toEqual(declaredPolicy('iam_sync'));
    // ... and validate fails on what Terraform does not manage: the attached managed policy.
    expect(flat(r.output)).toMatch(/FAIL\s+Permissions\s+1 statement\(s\) allow more than the enabled features need: arn:aws:iam::123456789012:policy\/OutOfBand Statement\[0\] allows 1 action\(s\) the enabled features do not need: iam:CreateUser/);
    expect(r.output).toContain('local-exec provisioner error');

    // Detached, the next apply re-runs the step (its resource was tainted by the failure) and passes.
    await aws.iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: arn }));
    const again = tf(['apply', '-auto-approve', '-input=false']);
    if (again.code !== 0) throw new Error(again.output.slice(-4000));
    expect(again.output).toContain('All checks passed.');
  }, 240000);

  // Every other invalid external ID (too short for ConductorOne's principal, ...) is refused with this message by the
  // same precondition: hcl-module-cases.test.ts runs the whole table of input-cases.json through it.
  it('an invalid external ID fails at plan with the rule, without printing the value', () => {
    const bad = `bad value ${SECRET}`;
    const r = tf(['plan', '-input=false'], { TF_VAR_external_id: bad });
    expect(r.code).not.toBe(0);
    expect(flat(r.output)).toContain(`external_id ${grammar.rules.external_id_conductorone.rule}.`);
    expect(r.output).not.toContain(bad);
    expect(r.output).not.toContain(SECRET);
  }, 120000);

  it('a plan that changes the external IDs shows neither an ID nor its digest; nor does the state view', () => {
    override(`  additional_external_ids = ["${NEXT_SECRET}"]`);
    try {
      const r = tf(['plan', '-input=false', '-detailed-exitcode']);
      // 2 = changes: the trust policy and the step's triggers (the digests) change.
      expect({ code: r.code, tail: r.code === 2 ? '' : r.output.slice(-3000) }).toEqual({ code: 2, tail: '' });
      expect(r.output).toMatch(/terraform_data\.sync_step\[0\] (must|will) be replaced/);
      // The digests' element of triggers_replace changes, and is shown only as sensitive.
      expect(r.output).toMatch(/~ triggers_replace = \[[^\]]*~ \(sensitive value\),/);
      for (const secret of [SECRET, NEXT_SECRET]) {
        expect({ secret: secret.slice(0, 12), id: r.output.includes(secret), digest: r.output.includes(sha256(secret)) }).toEqual({ secret: secret.slice(0, 12), id: false, digest: false });
      }
    } finally {
      unlinkSync(path.join(dir, 'step_override.tf'));
    }
    const show = tf(['show']);
    expect(show.code).toBe(0);
    expect(show.output).toContain('terraform_data');
    expect(show.output.includes(sha256(SECRET))).toBe(false);
    expect(show.output.includes(SECRET)).toBe(false);
  }, 120000);

  it('sync_assume_role: output hidden by Terraform, the report and the snapshot go to files named by outputs', () => {
    override('  sync_step        = "sync"\n  sync_assume_role = true');
    writeFileSync(path.join(dir, 'step_outputs.tf'), 'output "step" {\n  value = { report = module.conductorone_role.sync_report_path, snapshot = module.conductorone_role.sync_snapshot_path }\n}\n');
    try {
      const r = tf(['apply', '-auto-approve', '-input=false']);
      if (r.code !== 0) throw new Error(r.output.slice(-4000));
      expect(r.output).toContain('(output suppressed due to sensitive value in config)');
      const out = JSON.parse(tf(['output', '-json']).stdout);
      expect(out.step.value.report).toBe(path.join(dir, defaults.sync_report_file));
      expect(out.step.value.snapshot).toBe(path.join(dir, defaults.sync_snapshot_path));
      const report = readFileSync(out.step.value.report, 'utf8');
      captured.push(report);
      expect(report).toMatch(/PASS\s+Assume the role\s+assumed with the external ID; STS reports arn:aws:sts::123456789012:assumed-role\/ConductorOneIntegration\/c1-aws-connector/);
      expect(report).toContain('All checks passed.');
      expect(report).toMatch(/wrote .*conductorone-snapshot\.json/);
      const snapshot = readFileSync(out.step.value.snapshot, 'utf8');
      captured.push(snapshot);
      expect(JSON.parse(snapshot).resources.some((x: { displayName: string }) => x.displayName === ROLE)).toBe(true);
    } finally {
      unlinkSync(path.join(dir, 'step_override.tf'));
      unlinkSync(path.join(dir, 'step_outputs.tf'));
    }
  }, 240000);

  it('no non-sensitive output holds the external ID or its digest', () => {
    const r = tf(['output', '-json']);
    const outputs = JSON.parse(r.stdout) as Record<string, { sensitive: boolean; value: unknown }>;
    for (const [name, o] of Object.entries(outputs)) {
      if (!o.sensitive) expect({ name, leaks: JSON.stringify(o.value).includes(SECRET) || JSON.stringify(o.value).includes(sha256(SECRET)) }).toEqual({ name, leaks: false });
    }
  });

  it('destroy leaves no role behind', async () => {
    const r = tf(['destroy', '-auto-approve', '-input=false']);
    if (r.code !== 0) throw new Error(r.output.slice(-4000));
    expect(await roleExists()).toBe(false);
    // Nothing else either: the only thing left is the drift test's own out-of-band policy (detached).
    expect(await iamInventory(aws)).toEqual({ roles: [], groups: [], users: [], policies: ['OutOfBand'] });
  }, 180000);

  it('the external ID and its digest appear in none of the captured output of Terraform and the CLI', () => {
    expect(captured.length).toBeGreaterThan(5);
    for (const text of captured) expect({ id: text.includes(SECRET), digest: text.includes(sha256(SECRET)) }).toEqual({ id: false, digest: false });
  });

  it('no shell ever ran the directory name: no marker file anywhere', () => {
    const found: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.name === MARKER) found.push(path.join(d, e.name));
        // The connector symlink is the repository's own tree, checked below.
        if (e.isDirectory() && !e.isSymbolicLink() && e.name !== '.terraform') walk(path.join(d, e.name));
      }
    };
    walk(path.dirname(work));
    for (const d of [REPO_ROOT, path.join(REPO_ROOT, 'connector'), process.cwd(), os.tmpdir(), os.homedir()]) if (existsSync(path.join(d, MARKER))) found.push(path.join(d, MARKER));
    expect(found).toEqual([]);
    // The directory name did reach the step: the CLI ran from under it.
    expect(captured.join('\n')).toContain(HOSTILE_DIR);
  });
});

describe('c1-aws validate --wait', () => {
  it('retries a role IAM does not show yet, then says how long it waited', () => {
    const started = Date.now();
    const r = spawnSync('node', [path.join(REPO_ROOT, 'connector/bin/c1-aws.js'), 'validate', '--wait', '2'], {
      env: { ...process.env, ...moto.env, BATON_ROLE_ARN: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/NotYetVisible`, BATON_EXTERNAL_ID_SHA256: 'a'.repeat(64) },
      encoding: 'utf8',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+Role exists\s+no role named NotYetVisible in account 123456789012 \(waited 2 s for IAM to propagate\)/);
  }, 60000);
});
