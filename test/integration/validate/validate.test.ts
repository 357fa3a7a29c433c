/**
 * `validate`'s checks against moto over HTTP. Each failure case breaks one thing and asserts that exactly the right
 * check fails with a message saying what to fix. The trust-policy verdicts come from our evaluator: moto cannot judge
 * them (it lets a missing external ID through and ignores account principals, offline-testing.md 1.4).
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import Ajv from 'ajv';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { CallCounter, createAwsContext } from '../../../connector/src/aws';
import schema from '../../../connector/src/validate/report.schema.json';
import { runValidate } from '../../../connector/src/validate/run';
import type { CheckId, ValidateReport } from '../../../connector/src/validate/types';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, useMoto } from '../../harness/moto';
import { ALL_ON, C1_PRINCIPAL, config, createRole, EXTERNAL_ID, roleArn, trustPolicy } from './fixture';

const moto = useMoto();

const validateReport = new Ajv({ strict: true }).compile(schema);
function statuses(report: ValidateReport): Record<CheckId, string> {
  expect(validateReport(report)).toBe(true);
  expect(JSON.stringify(report)).not.toContain(EXTERNAL_ID);
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status])) as Record<CheckId, string>;
}
const check = (report: ValidateReport, id: CheckId) => report.checks.find((c) => c.id === id)!;

describe('a correct role passes', () => {
  test('single account', async () => {
    await createRole();
    const calls = new CallCounter();
    const report = await runValidate(config({ access: { credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 3, calls } }));
    expect(statuses(report)).toEqual({
      'arn-syntax': 'pass',
      'role-exists': 'pass',
      'trust-policy': 'pass',
      permissions: 'pass',
      organizations: 'skip',
      'identity-center': 'skip',
      assume: 'skip',
    });
    expect(report.ok).toBe(true);
    // moto does not implement the simulator: the result says so instead of failing.
    expect(check(report, 'permissions').message).toMatch(/SimulatePrincipalPolicy unavailable: .*HTTP 500/);
    // ...after one attempt, though every other call may retry.
    expect(calls.attempts.get('iam:SimulatePrincipalPolicy')).toBe(1);
  });

  test('a trust policy that also pins aws:PrincipalArn and aws:PrincipalAccount', async () => {
    const condition = {
      StringEquals: { 'sts:ExternalId': EXTERNAL_ID, 'aws:PrincipalAccount': '765656841499' },
      ArnEquals: { 'aws:PrincipalArn': C1_PRINCIPAL },
    };
    await createRole({ trust: trustPolicy({ Principal: { AWS: 'arn:aws:iam::765656841499:root' }, Condition: condition }) });
    expect(check(await runValidate(config()), 'trust-policy')).toMatchObject({ status: 'pass' });
  });

  test('with Organizations, Identity Center and provisioning, in the management account', async () => {
    const setup = createAwsContext({ credentials: MOTO_CREDENTIALS });
    await setup.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    setup.destroy();
    await createRole({ toggles: ALL_ON });
    const report = await runValidate(config({ toggles: ALL_ON }));
    expect(statuses(report)).toMatchObject({ 'trust-policy': 'pass', permissions: 'pass', organizations: 'pass', 'identity-center': 'pass' });
    expect(check(report, 'organizations').details).toMatchObject({ managementAccountId: MOTO_DEFAULT_ACCOUNT });
    expect(check(report, 'identity-center').details!.identityStoreId).toMatch(/^d-/);
    expect(check(report, 'identity-center').message).toContain('identity store d-');
  });

  test('given only the SHA-256 of the external ID (as Terraform passes it)', async () => {
    await createRole();
    const digest = createHash('sha256').update(EXTERNAL_ID).digest('hex');
    const report = await runValidate(config({ externalId: undefined, externalIdSha256: [digest], assume: true }));
    expect(statuses(report)).toMatchObject({ 'trust-policy': 'pass', assume: 'pass' });
    const wrong = await runValidate(config({ externalId: undefined, externalIdSha256: ['0'.repeat(64)] }));
    expect(check(wrong, 'trust-policy')).toMatchObject({ status: 'fail', message: expect.stringMatching(/none of the 1 sts:ExternalId value\(s\).*first given SHA-256 digest/) });
  });

  test('rotation: every external ID in the trust policy is owned only when every digest is given', async () => {
    const ROTATED = 'rotated-external-id-0123456789abcdef0123';
    await createRole({ trust: trustPolicy({ Condition: { StringEquals: { 'sts:ExternalId': [EXTERNAL_ID, ROTATED] } } }) });
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    const both = await runValidate(config({ externalId: undefined, externalIdSha256: [sha(EXTERNAL_ID), sha(ROTATED)] }));
    expect(check(both, 'trust-policy').status).toBe('pass');
    const firstOnly = await runValidate(config({ externalId: undefined, externalIdSha256: [sha(EXTERNAL_ID)] }));
    expect(check(firstOnly, 'trust-policy')).toMatchObject({ status: 'fail', message: expect.stringMatching(/accepts 1 external ID value\(s\) that are neither/) });
    expect(JSON.stringify(firstOnly)).not.toContain(ROTATED);
  });
});

describe('each broken role fails the right check', () => {
  test('malformed ARN: fails before any AWS call, naming the rule', async () => {
    const calls = new CallCounter();
    const report = await runValidate(config({ roleArn: 'arn:aws:iam::123456789012:role/bad!name', access: { credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1, calls } }));
    expect(calls.count()).toBe(0);
    expect(statuses(report)).toEqual({
      'arn-syntax': 'fail',
      'role-exists': 'skip',
      'trust-policy': 'skip',
      permissions: 'skip',
      organizations: 'skip',
      'identity-center': 'skip',
      assume: 'skip',
    });
    expect(check(report, 'arn-syntax').message).toBe('--role-arn role name may hold only letters, digits and _+=,.@- (found "!")');
  });

  test('GovCloud ARN passes the syntax check (baton-aws refuses every partition but aws)', async () => {
    const report = await runValidate(config({ roleArn: 'arn:aws-us-gov:iam::123456789012:role/ConductorOneIntegration' }));
    expect(check(report, 'arn-syntax')).toMatchObject({ status: 'pass', details: { partition: 'aws-us-gov' } });
  });

  test('no such role', async () => {
    const report = await runValidate(config());
    expect(statuses(report)).toMatchObject({ 'role-exists': 'fail', 'trust-policy': 'skip', permissions: 'skip' });
    expect(check(report, 'role-exists').message).toBe(`no role named ConductorOneIntegration in account ${MOTO_DEFAULT_ACCOUNT}`);
  });

  test('credentials of another account', async () => {
    const report = await runValidate(config({ roleArn: roleArn('222222222222') }));
    expect(check(report, 'role-exists').message).toMatch(/credentials are for account 123456789012 .* role is in account 222222222222/);
  });

  test('wrong external ID in the trust policy', async () => {
    await createRole({ trust: trustPolicy({ Condition: { StringEquals: { 'sts:ExternalId': 'some-other-tenant-id-0123456789abcdef' } } }) });
    const report = await runValidate(config());
    expect(statuses(report)).toMatchObject({ 'role-exists': 'pass', 'trust-policy': 'fail', permissions: 'pass' });
    expect(check(report, 'trust-policy').message).toMatch(/cannot assume the role with the external ID: ImplicitlyDenied; .*holds a different value/);
    // Whoever holds that other value gets in: a hole in its own right, named without printing the value.
    expect(check(report, 'trust-policy').message).toMatch(/Sid "ConductorOne" accepts 1 external ID value\(s\) that are neither the given external ID nor one of the given digests/);
    expect(JSON.stringify(report)).not.toContain('some-other-tenant-id');
  });

  test('no external ID condition', async () => {
    await createRole({ trust: trustPolicy({ Condition: undefined }) });
    const report = await runValidate(config());
    expect(check(report, 'trust-policy').status).toBe('fail');
    expect(check(report, 'trust-policy').message).toBe('Sid "ConductorOne" has no Condition: it lets the principal in without the external ID (the confused-deputy guard is missing)');
  });

  test('Principal "*" (even with the external ID condition)', async () => {
    await createRole({ trust: trustPolicy({ Principal: '*' }) });
    const report = await runValidate(config());
    const trust = check(report, 'trust-policy');
    expect(trust.status).toBe('fail');
    expect(trust.message).toBe('Sid "ConductorOne" names Principal "*": it lets in anyone, any AWS account and anonymous callers');
    expect(trust.details!.findings).toEqual([{ statement: 'Sid "ConductorOne"', problem: expect.stringMatching(/lets in anyone/) }]);
  });

  test('trusting an extra account, in its own statement', async () => {
    const extra = { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole' };
    await createRole({ trust: trustPolicy({}, [extra]) });
    const report = await runValidate(config());
    expect(check(report, 'trust-policy').message).toBe(
      'Sid "Partner" lets in account 210987654321: any principal that account allows to assume the role; Sid "Partner" has no Condition: it lets the principal in without the external ID (the confused-deputy guard is missing)',
    );
  });

  test('a needed action missing', async () => {
    await createRole({ edit: (doc) => JSON.parse(JSON.stringify(doc).replace('"iam:ListRoles",', '')) });
    const report = await runValidate(config());
    expect(statuses(report)).toMatchObject({ 'trust-policy': 'pass', permissions: 'fail' });
    expect(check(report, 'permissions').message).toMatch(/^missing 1 action\(s\) the enabled features need: iam:ListRoles on \* \(iam_sync: no statement allows it/);
  });

  test('a stray write action (iam:CreateUser)', async () => {
    await createRole({ extra: { Extra: { Version: '2012-10-17', Statement: [{ Sid: 'Oops', Effect: 'Allow', Action: ['iam:CreateUser', 'iam:GetUser'], Resource: '*' }] } } });
    const report = await runValidate(config());
    expect(check(report, 'permissions')).toMatchObject({ status: 'fail', message: expect.stringMatching(/^1 write action\(s\) allowed beyond the enabled features: iam:CreateUser \(allowed by Extra Sid "Oops"\)/) });
  });

  test('provisioning actions while provisioning is off are stray', async () => {
    await createRole({ toggles: { organizations: false, identity_center: false, provisioning: true } });
    const report = await runValidate(config());
    expect(check(report, 'permissions').message).toMatch(/iam:AddUserToGroup, iam:RemoveUserFromGroup \(allowed by ConductorOneIamProvisioning/);
  });

  test('Organizations on, but no organization', async () => {
    await createRole({ toggles: { organizations: true, identity_center: false, provisioning: false } });
    const report = await runValidate(config({ toggles: { organizations: true, identity_center: false, provisioning: false } }));
    expect(check(report, 'organizations')).toMatchObject({ status: 'fail', message: expect.stringMatching(/not in an organization/) });
  });

  test('Organizations on, role in a member account', async () => {
    const setup = createAwsContext({ credentials: MOTO_CREDENTIALS });
    await setup.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await setup.organizations.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }));
    const member = created.CreateAccountStatus!.AccountId!;
    // moto lands every call made with these credentials in the member account (offline-testing.md 1.1).
    const assumed = await setup.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'setup' }));
    setup.destroy();
    const c = assumed.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const toggles = { organizations: true, identity_center: false, provisioning: false };
    await createRole({ toggles, credentials, account: member });
    const report = await runValidate(config({ roleArn: roleArn(member), toggles, access: { credentials, region: 'us-east-1', maxAttempts: 1 } }));
    expect(statuses(report)).toMatchObject({ 'role-exists': 'pass', 'trust-policy': 'pass', permissions: 'pass', organizations: 'fail' });
    expect(check(report, 'organizations').message).toMatch(
      new RegExp(`account ${member} is a member of o-\\w+, not its management account ${MOTO_DEFAULT_ACCOUNT}: .*400 error on save. Create the role in account ${MOTO_DEFAULT_ACCOUNT}`),
    );
  });
});

test('Identity Center on, but no instance in the region', async () => {
  // moto makes an instance in every account and region on first use, so the empty answer is mocked.
  const sso = mockClient(SSOAdminClient).on(ListInstancesCommand).resolves({ Instances: [] });
  try {
    await createRole({ toggles: ALL_ON });
    const report = await runValidate(config({ toggles: ALL_ON, ssoRegion: 'eu-west-1' }));
    expect(check(report, 'identity-center')).toMatchObject({ status: 'fail', message: expect.stringMatching(/no IAM Identity Center instance in eu-west-1: .*--global-aws-sso-region/) });
  } finally {
    sso.restore();
  }
});

describe('--assume', () => {
  test('assumes with the external ID and STS reports the role session', async () => {
    await createRole();
    const report = await runValidate(config({ assume: true }));
    expect(check(report, 'assume')).toMatchObject({
      status: 'pass',
      details: { callerArn: `arn:aws:sts::${MOTO_DEFAULT_ACCOUNT}:assumed-role/ConductorOneIntegration/c1-aws-connector` },
    });
  });

  test('with IAM authorization on, a wrong external ID is refused by STS itself', async () => {
    // moto checks trust only for exact-ARN principals in the caller's account: the caller is an IAM user here.
    const setup = createAwsContext({ credentials: MOTO_CREDENTIALS });
    const user = await setup.iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await setup.iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    const key = (await setup.iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
    setup.destroy();
    const userArn = user.User!.Arn!;
    await createRole({ trust: trustPolicy({ Principal: { AWS: userArn }, Condition: { StringEquals: { 'sts:ExternalId': 'not-the-id-we-give-0123456789abcdef' } } }) });
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await moto.setAuth(0);
    try {
      const report = await runValidate(config({ trustedPrincipalArn: userArn, assume: true, assumeTimeoutMs: 0, access: { credentials, region: 'us-east-1', maxAttempts: 1 } }));
      expect(statuses(report)).toMatchObject({ 'role-exists': 'pass', 'trust-policy': 'fail', assume: 'fail' });
      expect(check(report, 'assume').message).toMatch(/access denied/i);
    } finally {
      await moto.setAuth(Infinity);
    }
  });
});

test('C1_PRINCIPAL is the default trusted principal of the module', () => {
  expect(C1_PRINCIPAL).toBe(require('../../../modules/conductorone-aws-role/defaults.json').trusted_principal_arn);
});
