/**
 * `validate`'s checks against moto over HTTP. Each failure case breaks one thing and asserts that exactly the right
 * check fails with a message saying what to fix. The trust-policy verdicts come from our evaluator: moto cannot judge
 * them (it lets a missing external ID through and ignores account principals, offline-testing.md 1.4).
 */
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, PutUserPolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
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
      'member-accounts': 'skip',
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

  test("an ID known only by its digest still meets ConductorOne's length rule", async () => {
    await createRole({ trust: trustPolicy({ Condition: { StringEquals: { 'sts:ExternalId': 'ab' } } }) });
    const report = await runValidate(config({ externalId: undefined, externalIdSha256: [createHash('sha256').update('ab').digest('hex')] }));
    expect(check(report, 'trust-policy')).toMatchObject({ status: 'fail', message: expect.stringMatching(/1 external ID\(s\) in the trust policy \(of lengths 2\) break the rule for ConductorOne's principal: must be 32 to 65/) });
    // A short ID is not revealed by redaction inside ordinary words.
    expect(JSON.stringify(report)).not.toContain('[external ID]le');
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
      'member-accounts': 'skip',
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

  test('a stray action, read or write (iam:CreateUser, iam:GetUser)', async () => {
    await createRole({ extra: { Extra: { Version: '2012-10-17', Statement: [{ Sid: 'Oops', Effect: 'Allow', Action: ['iam:CreateUser', 'iam:GetUser'], Resource: '*' }] } } });
    const report = await runValidate(config());
    expect(check(report, 'permissions')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/^1 statement\(s\) allow more than the enabled features need: Extra Sid "Oops" allows 2 action\(s\) the enabled features do not need: iam:CreateUser, iam:GetUser \(/),
    });
  });

  test('another role of the account that trusts this role: its permissions would be ConductorOne\'s too', async () => {
    await createRole();
    const setup = createAwsContext({ credentials: MOTO_CREDENTIALS });
    const trusting = (name: string, statement: object) =>
      setup.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }));
    // Trusts the ConductorOne role by name: reachable. Trusts the account only: needs sts:AssumeRole in the role's own
    // policies, which check 4 refuses anyway. Trusts it but denies it: not reachable.
    await trusting('AdminTrustsC1', { Effect: 'Allow', Principal: { AWS: roleArn() }, Action: 'sts:AssumeRole' });
    await trusting('AccountAdmins', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
    await setup.iam.send(
      new CreateRoleCommand({
        RoleName: 'DeniesC1',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: { AWS: roleArn() }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    // Found by review: a perimeter Deny keyed on a policy variable, and a trust naming one session of the role.
    await trusting('PerimeterDeny', { Effect: 'Allow', Principal: { AWS: roleArn() }, Action: 'sts:AssumeRole' });
    await setup.iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'PerimeterDeny',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: roleArn() }, Action: 'sts:AssumeRole' },
            { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } } },
          ],
        }),
      }),
    );
    await trusting('TrustsASession', { Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${MOTO_DEFAULT_ACCOUNT}:assumed-role/ConductorOneIntegration/c1-aws-connector` }, Action: 'sts:AssumeRole' });
    const report = await runValidate(config());
    setup.destroy();
    const permissions = check(report, 'permissions');
    expect(permissions.status).toBe('fail');
    expect((permissions.details!.rolesItCanAssume as { arn: string }[]).map((r) => r.arn.split('/').pop()).sort()).toEqual(['AdminTrustsC1', 'PerimeterDeny', 'TrustsASession']);
    expect(permissions.message).toMatch(
      /the role can assume 3 other role\(s\) of its account, whose trust policy lets it in, and would hold their permissions too: arn:aws:iam::123456789012:role\/AdminTrustsC1, arn:aws:iam::123456789012:role\/PerimeterDeny, arn:aws:iam::123456789012:role\/TrustsASession \(/,
    );
    expect(permissions.details!.rolesItCanAssume).toContainEqual({ arn: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/AdminTrustsC1`, conditional: false });
    expect(validateReport(report)).toBe(true);
  });

  test('provisioning actions while provisioning is off are outside the needed set', async () => {
    await createRole({ toggles: { organizations: false, identity_center: false, provisioning: true } });
    const report = await runValidate(config());
    expect(check(report, 'permissions').message).toMatch(/ConductorOneIamProvisioning Sid "ManageIamGroupMembership" allows 2 action\(s\) the enabled features do not need: iam:AddUserToGroup, iam:RemoveUserFromGroup/);
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

describe('permissions with provisioning, IAM groups scoped to /conductorone/', () => {
  const PROVISIONING = { organizations: false, identity_center: false, provisioning: true };
  const SCOPE = { groupArns: [], groupPath: '/conductorone/' };
  const GROUPS = (p: string) => `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:group${p}`;
  const scoped = () => config({ toggles: PROVISIONING, groupScope: SCOPE });
  const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
  const permissions = async () => check(await runValidate(scoped()), 'permissions');

  test('the role as the module renders it passes, and says which groups', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE });
    const report = await runValidate(scoped());
    expect(statuses(report)).toMatchObject({ 'trust-policy': 'pass', permissions: 'pass' });
    expect(check(report, 'permissions').message).toMatch(new RegExp(`^13 needed actions allowed \\(iam_provisioning, iam_sync, IAM groups only ${GROUPS('/conductorone/\\*')}\\), nothing beyond them`));
    expect(check(report, 'permissions').details).toMatchObject({ groupScope: { groupPath: '/conductorone/', resources: [GROUPS('/conductorone/*')] }, missing: [], excess: [] });
  });

  test('judged against the default scope (every group), the narrowed role misses group/*: the step must pass the scope', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE });
    const p = check(await runValidate(config({ toggles: PROVISIONING })), 'permissions');
    expect(p.message).toMatch(new RegExp(`^missing 2 action\\(s\\) the enabled features need: iam:AddUserToGroup on ${GROUPS('/\\*')} \\(iam_provisioning: no statement allows it on this resource\\)`));
  });

  test('an out-of-band managed policy allowing AddUserToGroup on group/* fails, naming the policy and both resources', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE, managed: { WideGroups: policy({ Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: GROUPS('/*') }) } });
    const p = await permissions();
    expect(p.status).toBe('fail');
    expect(p.message).toBe(
      `1 statement(s) allow more than the enabled features need: arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:policy/WideGroups Statement[0] allows iam:AddUserToGroup on ${GROUPS('/*')}, wider than the needed resource ${GROUPS('/conductorone/*')} (iam:SimulatePrincipalPolicy unavailable: HTTP 500; judged from the policy documents only)`,
    );
  });

  test('the group statement widened to "*" in the inline policy fails', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE, edit: (doc) => JSON.parse(JSON.stringify(doc).replace(JSON.stringify([GROUPS('/conductorone/*')]), '"*"')) });
    expect((await permissions()).message).toMatch(/ConductorOneIamProvisioning Sid "ManageIamGroupMembership" allows iam:AddUserToGroup, iam:RemoveUserFromGroup on every resource \("\*"\), wider than/);
  });

  test.each(['secretsmanager:GetSecretValue', 's3:GetObject', 'ssm:GetParameter'])('an attached managed policy allowing %s on "*" fails', async (action) => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE, managed: { Reader: policy({ Sid: 'Read', Effect: 'Allow', Action: action, Resource: '*' }) } });
    const p = await permissions();
    expect(p.status).toBe('fail');
    expect(p.message).toContain(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:policy/Reader Sid "Read" allows 1 action(s) the enabled features do not need: ${action} (`);
    expect(p.details!.excess).toEqual([{ statement: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:policy/Reader Sid "Read"`, outsideActionCount: 1, outsideActions: [{ action, level: 'Read' }], widerResources: [], unbounded: [] }]);
  });

  test('an administrator policy: the message caps the list, the JSON keeps a capped list and the count', async () => {
    await createRole({ toggles: PROVISIONING, scope: SCOPE, managed: { Admin: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) } });
    const p = await permissions();
    expect(p.message).toMatch(/policy\/Admin Statement\[0\] allows \d{5} action\(s\) the enabled features do not need: (\S+, ){9}\S+ and \d{5} more; allows .* on every resource \("\*"\), wider than .*; cannot be bounded: it allows "\*", which also grants the matching actions AWS adds later/);
    const [excess] = p.details!.excess as { outsideActionCount: number; outsideActions: unknown[] }[];
    expect(excess.outsideActionCount).toBeGreaterThan(20000);
    expect(excess.outsideActions).toHaveLength(200);
  });

  test('a permissions boundary without a needed action fails, naming the boundary', async () => {
    // A boundary that allows everything but the one action the role needs most.
    const boundary = policy({ Effect: 'Allow', NotAction: 'iam:AddUserToGroup', Resource: '*' });
    await createRole({ toggles: PROVISIONING, scope: SCOPE, boundary });
    const report = await runValidate(scoped());
    expect(check(report, 'role-exists').details).toMatchObject({ permissionsBoundaryArn: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:policy/Boundary` });
    expect(check(report, 'permissions').message).toMatch(
      new RegExp(`^missing 1 action\\(s\\) the enabled features need: iam:AddUserToGroup on ${GROUPS('/conductorone/\\*')} \\(iam_provisioning: the permissions boundary does not allow it \\(no statement allows it on this resource\\)\\)`),
    );
  });

  test('an administrator policy held inside a boundary of exactly the needed pairs passes', async () => {
    const n = [
      { Effect: 'Allow', Action: ['iam:AddUserToGroup', 'iam:RemoveUserFromGroup'], Resource: GROUPS('/conductorone/*') },
      ...JSON.parse(JSON.stringify(require('../../../modules/conductorone-aws-role/policies/iam_sync.json').Statement).replace(/\$\{partition\}/g, 'aws').replace(/\$\{account_id\}/g, MOTO_DEFAULT_ACCOUNT)),
    ];
    await createRole({ toggles: PROVISIONING, scope: SCOPE, boundary: policy(...n), managed: { Admin: policy({ Effect: 'Allow', Action: '*', Resource: '*' }) } });
    expect(await permissions()).toMatchObject({ status: 'pass', details: { permissionsBoundary: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:policy/Boundary` } });
  });

  test('extra Deny statements, inline and managed, still pass', async () => {
    const denies = policy(
      { Sid: 'NoAdmins', Effect: 'Deny', Action: 'iam:*', Resource: [GROUPS('/Admins'), GROUPS('/conductorone/Breakglass')] },
      { Sid: 'NoData', Effect: 'Deny', Action: ['s3:*', 'secretsmanager:*', 'ssm:*'], Resource: '*' },
      { Sid: 'TlsOnly', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    await createRole({ toggles: PROVISIONING, scope: SCOPE, extra: { Guardrails: denies }, managed: { OrgGuardrails: denies } });
    expect(await permissions()).toMatchObject({ status: 'pass', details: { excess: [], missing: [] } });
  });

  test('listed group ARNs instead of a path: the role narrowed to them passes, a path-wide statement fails', async () => {
    const arns = { groupArns: [GROUPS('/conductorone/Engineers'), GROUPS('/Readers')], groupPath: '/' };
    await createRole({ toggles: PROVISIONING, scope: arns });
    expect(check(await runValidate(config({ toggles: PROVISIONING, groupScope: arns })), 'permissions').status).toBe('pass');
    const p = check(await runValidate(config({ toggles: PROVISIONING, groupScope: { groupArns: [GROUPS('/Readers')], groupPath: '/' } })), 'permissions');
    expect(p.message).toMatch(/allows iam:AddUserToGroup, iam:RemoveUserFromGroup on arn:aws:iam::123456789012:group\/conductorone\/Engineers, wider than the needed resource arn:aws:iam::123456789012:group\/Readers/);
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
