/**
 * The real cdktf CLI plans the single-account stack offline: `cdktf diff` synthesizes with cdktf.json's app, then
 * terraform init (provider mirror) + plan against moto (--skip-provider-lock: `providers lock` asks the registry).
 * The stack carries no endpoint settings: AWS_ENDPOINT_URL points the provider at moto, as a user's setup at AWS.
 */
import { spawnSync } from 'node:child_process';
import { Moto, REPO_ROOT, startMoto } from '../harness/moto';
import { tempDir, terraformEnv } from '../harness/terraform';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

it('cdktf diff conductorone-aws plans the role and its IAM sync policy', () => {
  const externalId = 'e'.repeat(32);
  const out = tempDir('c1-cdktf-diff-');
  const r = spawnSync('npx', ['cdktf', 'diff', 'conductorone-aws', '--output', out, '--skip-provider-lock', '--var', `external_id=${externalId}`], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...terraformEnv(), ...moto.env, CI: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 240000,
  });
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`cdktf diff exited ${r.status}:\n${output.slice(-3000)}`);
  // cdktf adds the construct path: "# aws_iam_role.this (role/role) will be created".
  expect(output).toMatch(/aws_iam_role\.this \(role\/role\) will be created/);
  expect(output).toMatch(/aws_iam_role_policy\.iam_sync \(role\/iam_sync\) will be created/);
  expect(output).toMatch(/aws_iam_role_policies_exclusive\.this \(role\/exclusive\) will be created/);
  expect(output).not.toMatch(/aws_iam_role_policy\.iam_provisioning/);
  expect(output).toMatch(/Plan: 3 to add, 0 to change, 0 to destroy/);
  // The external ID is sensitive: the plan never shows it.
  expect(output).not.toContain(externalId);
}, 300000);
