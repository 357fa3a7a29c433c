/**
 * Check 4 on the role exactly as the HCL module renders it: real Terraform applies modules/conductorone-aws-role
 * with provisioning on and provisioning_group_path = "/conductorone/" into moto (its step off: this file judges
 * validate itself, as the step would run it), then validate runs against that role. It passes; each out-of-band
 * change a reviewer worries about fails it, and harmless extra Deny statements do not. The only validate test that
 * runs Terraform (one init and apply, ~20 s); the other cases build the role with fixture.ts.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { cpSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { runValidate } from '../../../connector/src/validate/run';
import type { CheckResult } from '../../../connector/src/validate/types';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../../harness/moto';
import { runAsync } from '../../harness/process';
import { tempDir, terraform, terraformInit } from '../../harness/terraform';
import { config, EXTERNAL_ID, ROLE_NAME } from './fixture';

const moto = useMoto({ resetBeforeEach: false });
const PROVISIONING = { organizations: false, identity_center: false, provisioning: true };
const SCOPE = { groupArns: [], groupPath: '/conductorone/' };
const GROUPS = (p: string) => `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:group${p}`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

let aws: AwsContext;

async function permissions(): Promise<CheckResult> {
  const report = await runValidate(config({ toggles: PROVISIONING, groupScope: SCOPE }));
  return report.checks.find((c) => c.id === 'permissions')!;
}

/** Attaches a new customer managed policy for the duration of `fn`. */
async function withManaged(name: string, document: string, fn: () => Promise<void>): Promise<void> {
  const arn = (await aws.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }))).Policy!.Arn!;
  await aws.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: arn }));
  try {
    await fn();
  } finally {
    await aws.iam.send(new DetachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: arn }));
  }
}

beforeAll(async () => {
  aws = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  const dir = tempDir('c1-validate-module-');
  cpSync(path.join(REPO_ROOT, 'modules/conductorone-aws-role'), path.join(dir, 'modules/conductorone-aws-role'), {
    recursive: true,
    filter: (src) => !/[/\\](\.terraform|tests)$/.test(src),
  });
  writeFileSync(
    path.join(dir, 'main.tf'),
    `provider "aws" {
  region = "${MOTO_REGION}"
}

variable "external_id" {
  type      = string
  sensitive = true
}

module "conductorone_role" {
  source                  = "./modules/conductorone-aws-role"
  external_id             = var.external_id
  enable_provisioning     = true
  provisioning_group_path = "/conductorone/"
  sync_step               = "off"
}
`,
  );
  terraformInit(dir);
  const apply = terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], { ...moto.env, TF_VAR_external_id: EXTERNAL_ID });
  if (apply.code !== 0) throw new Error(`terraform apply failed:\n${apply.output.slice(-4000).split(EXTERNAL_ID).join('[external ID]')}`);
}, 240000);

afterAll(() => aws?.destroy());

test('the module narrowed the group statement to /conductorone/, and validate given that scope passes', async () => {
  const doc = (await aws.iam.send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'ConductorOneIamProvisioning' }))).PolicyDocument!;
  expect(JSON.parse(decodeURIComponent(doc)).Statement[0].Resource).toEqual([GROUPS('/conductorone/*')]);
  expect(await permissions()).toMatchObject({ status: 'pass', details: { missing: [], excess: [] } });
});

test('the real CLI with the scope in the environment (as the Terraform step passes it) exits 0', async () => {
  const r = await runAsync(process.execPath, [path.join(REPO_ROOT, 'connector/bin/c1-aws.js'), 'validate'], {
    env: {
      ...process.env,
      ...moto.env,
      BATON_ROLE_ARN: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${ROLE_NAME}`,
      BATON_EXTERNAL_ID: EXTERNAL_ID,
      BATON_PROVISIONING: 'true',
      BATON_PROVISIONING_GROUP_PATH: '/conductorone/',
    },
  });
  expect(r.output).not.toContain(EXTERNAL_ID);
  expect(r.stdout).toMatch(/PASS {2}Permissions +13 needed actions allowed \(iam_provisioning, iam_sync, IAM groups only arn:aws:iam::123456789012:group\/conductorone\/\*\), nothing beyond them/);
  expect(r.code).toBe(0);
});

test('an out-of-band managed policy allowing AddUserToGroup on every group fails', async () => {
  await withManaged('WideGroups', policy({ Sid: 'AllGroups', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: GROUPS('/*') }), async () => {
    const p = await permissions();
    expect(p.status).toBe('fail');
    expect(p.message).toContain(`policy/WideGroups Sid "AllGroups" allows iam:AddUserToGroup on ${GROUPS('/*')}, wider than the needed resource ${GROUPS('/conductorone/*')}`);
  });
});

test('an out-of-band managed policy allowing GetSecretValue, GetObject and GetParameter on "*" fails, listing the three', async () => {
  await withManaged('Reader', policy({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 's3:GetObject', 'ssm:GetParameter'], Resource: '*' }), async () => {
    const p = await permissions();
    expect(p.status).toBe('fail');
    expect(p.message).toContain('policy/Reader Statement[0] allows 3 action(s) the enabled features do not need: s3:GetObject, secretsmanager:GetSecretValue, ssm:GetParameter');
  });
});

test('a permissions boundary without a needed action fails', async () => {
  const arn = (await aws.iam.send(new CreatePolicyCommand({ PolicyName: 'NoAddBoundary', PolicyDocument: policy({ Effect: 'Allow', NotAction: 'iam:AddUserToGroup', Resource: '*' }) }))).Policy!.Arn!;
  await aws.iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: ROLE_NAME, PermissionsBoundary: arn }));
  try {
    const p = await permissions();
    expect(p.status).toBe('fail');
    expect(p.message).toContain(`iam:AddUserToGroup on ${GROUPS('/conductorone/*')} (iam_provisioning: the permissions boundary does not allow it`);
  } finally {
    await aws.iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: ROLE_NAME }));
  }
});

test('extra Deny statements (inline and managed) still pass', async () => {
  const denies = policy(
    { Sid: 'NoAdmins', Effect: 'Deny', Action: 'iam:*', Resource: GROUPS('/Admins') },
    { Sid: 'NoData', Effect: 'Deny', Action: ['s3:*', 'secretsmanager:*'], Resource: '*' },
    { Sid: 'TlsOnly', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  );
  await aws.iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'Guardrails', PolicyDocument: denies }));
  try {
    await withManaged('OrgGuardrails', denies, async () => {
      expect(await permissions()).toMatchObject({ status: 'pass', details: { attachedPolicies: [expect.stringMatching(/policy\/OrgGuardrails$/)] } });
    });
  } finally {
    await aws.iam.send(new DeleteRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'Guardrails' }));
  }
});
