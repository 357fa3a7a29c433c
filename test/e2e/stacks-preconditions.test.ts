/**
 * The stacks' plan-time preconditions (the module's own, reached through the stacks' variables) fail with the
 * module's messages against moto: Organizations on in a member account
 * (ConductorOne would answer a 400 when the integration is saved), a trusted principal of another partition, and
 * inline policies over IAM's aggregate limit. The member account is reached the way a user would: credentials of an
 * assumed role in that account, given through the environment; the stack itself has no such settings.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateAccountCommand, CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { createAwsContext } from '../../connector/src/aws';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, Moto, startMoto } from '../harness/moto';
import { synthStacks } from '../harness/stacks';
import { tempDir, terraform, terraformInit } from '../harness/terraform';

const EXTERNAL_ID = 'precondition-external-id-0123456789';
let moto: Moto;
let memberEnv: NodeJS.ProcessEnv;
let memberAccount: string;
let dirs: Record<string, string> = {};

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const ctx = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  try {
    await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await ctx.organizations.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }));
    memberAccount = created.CreateAccountStatus!.AccountId!;
    const assumed = await ctx.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${memberAccount}:role/OrganizationAccountAccessRole`, RoleSessionName: 'precondition-test' }),
    );
    const c = assumed.Credentials!;
    memberEnv = { ...moto.env, AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
  } finally {
    ctx.destroy();
  }

  const root = tempDir('c1-stack-preconditions-');
  dirs = synthStacks(path.join(root, 'cdktf.out'), root);
  for (const dir of Object.values(dirs)) terraformInit(dir);
}, 300000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await moto?.stop();
});

function plan(stack: string, vars: Record<string, unknown>, env: NodeJS.ProcessEnv): { code: number; text: string } {
  writeFileSync(path.join(dirs[stack], 'case.tfvars.json'), JSON.stringify({ external_id: EXTERNAL_ID, ...vars }));
  const r = terraform(dirs[stack], ['plan', '-input=false', '-no-color', '-lock=false', '-var-file=case.tfvars.json'], env);
  return { code: r.code, text: r.output.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ') };
}

describe('stack preconditions (terraform plan against moto)', () => {
  it('management stack in a member account: says ConductorOne would answer 400 and names the management account', () => {
    const r = plan('conductorone-aws-management', {}, memberEnv);
    expect(r.code).not.toBe(0);
    expect(r.text).toContain(`enable_organizations is true but this role would be created in account ${memberAccount}, a member of an organization whose management account is ${MOTO_DEFAULT_ACCOUNT}`);
    expect(r.text).toContain('ConductorOne would answer with a 400 error when the integration is saved');
    expect(r.text).toContain(`Create the role in the management account (account ${MOTO_DEFAULT_ACCOUNT}) with a provider for that account, or set enable_organizations = false`);
  });

  it('management stack in a member account: apply fails the same way and creates nothing there', async () => {
    writeFileSync(path.join(dirs['conductorone-aws-management'], 'case.tfvars.json'), JSON.stringify({ external_id: EXTERNAL_ID, sync_step: 'off' }));
    const r = terraform(dirs['conductorone-aws-management'], ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', '-var-file=case.tfvars.json'], memberEnv);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('Resource precondition failed');
    const iam = new IAMClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: memberEnv.AWS_ACCESS_KEY_ID!, secretAccessKey: memberEnv.AWS_SECRET_ACCESS_KEY!, sessionToken: memberEnv.AWS_SESSION_TOKEN }, maxAttempts: 1 });
    try {
      const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
      expect(roles.map((x) => x.RoleName)).not.toContain('ConductorOneIntegration');
    } finally {
      iam.destroy();
    }
  });

  it('management stack in the management account plans', () => {
    const r = plan('conductorone-aws-management', {}, moto.env);
    expect({ code: r.code, text: r.code ? r.text.slice(-2000) : '' }).toEqual({ code: 0, text: '' });
  });

  it('rejects a trusted principal of another partition', () => {
    const r = plan('conductorone-aws', { trusted_principal_arn: 'arn:aws-us-gov:iam::123456789012:role/ConductorOneService' }, moto.env);
    expect(r.code).not.toBe(0);
    expect(r.text).toContain('trusted_principal_arn is in partition "aws-us-gov" but this role is in partition "aws": IAM cannot trust a principal of another partition');
  });

  it('rejects inline policies over the aggregate limit (10,240 characters)', () => {
    const groups = Array.from({ length: 250 }, (_, i) => `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:group/engineering/group-with-a-long-name-${i}`);
    const r = plan('conductorone-aws', { enable_provisioning: true, provisioning_group_arns: groups }, moto.env);
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(/The inline policies of the enabled capabilities total \d+ characters; IAM allows fewer than 10240 per role/);
  });

  it('rejects provisioning groups of another account', () => {
    const r = plan('conductorone-aws', { enable_provisioning: true, provisioning_group_arns: ['arn:aws:iam::999999999999:group/Eng'] }, moto.env);
    expect(r.code).not.toBe(0);
    expect(r.text).toContain(`Each provisioning_group_arns entry must be a group of this role's account (${MOTO_DEFAULT_ACCOUNT}) and partition (aws)`);
  });
});
