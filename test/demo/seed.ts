/**
 * The demo's estate: a small company ("Acme") as a newcomer would recognise it, seeded into moto through the SDK.
 * - Organizations: the management account (moto's default, where the deployer's dummy keys land) + two members.
 * - IAM (management account): users, groups with members, a SAML identity provider and a role federated through it,
 *   a role a user may assume, a service role.
 * - Identity Center (moto auto-creates one instance per account/region): users, groups, memberships, permission sets,
 *   and assignments of them to the accounts.
 * test/harness/seed-estate.ts seeds the tests' estate (edge-case names, closed accounts...); this one reads well.
 */
import { AddUserToGroupCommand, CreateAccountAliasCommand, CreateGroupCommand, CreateRoleCommand, CreateSAMLProviderCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateGroupCommand as CreateSsoGroupCommand, CreateGroupMembershipCommand, CreateUserCommand as CreateSsoUserCommand } from '@aws-sdk/client-identitystore';
import { CreateAccountCommand, CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { CreateAccountAssignmentCommand, CreatePermissionSetCommand, ListInstancesCommand, ProvisionPermissionSetCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../../connector/src/aws';
import { mapLimit } from '../../connector/src/sync/concurrency';

export interface DemoEstate {
  managementAccount: string;
  memberAccounts: Record<string, string>;
  /** What was created, by service and kind, for the demo to print. */
  counts: Record<string, Record<string, number>>;
}

const IAM_USERS: { name: string; path: string; groups: string[] }[] = [
  { name: 'alice', path: '/engineering/', groups: ['Admins', 'Developers'] },
  { name: 'bob', path: '/engineering/', groups: ['Developers'] },
  { name: 'carol', path: '/finance/', groups: ['Finance', 'ReadOnly'] },
  { name: 'dave', path: '/engineering/', groups: ['Developers', 'ReadOnly'] },
  { name: 'erin', path: '/security/', groups: ['Admins', 'ReadOnly'] },
  { name: 'ci-bot', path: '/service/', groups: [] },
];
const IAM_GROUPS = ['Admins', 'Developers', 'Finance', 'ReadOnly'];

const SSO_USERS = ['alice@acme.example', 'bob@acme.example', 'carol@acme.example', 'dave@acme.example', 'erin@acme.example'];
const SSO_GROUPS: Record<string, string[]> = {
  'platform-admins': ['alice@acme.example', 'erin@acme.example'],
  engineers: ['alice@acme.example', 'bob@acme.example', 'dave@acme.example'],
  finance: ['carol@acme.example'],
};
const PERMISSION_SETS = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess', 'Billing'];

// A SAML provider's metadata must be at least 1000 characters (AWS checks it; moto leaves it to the client).
const SAML_METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.example/exk1acme">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${'MIIDpDCCAoygAwIBAgIGAVRbKTtBMA0GCSqGSIb3DQEBCwUAMIGSMQswCQYDVQQGEwJVUzETMBEGA1UECAwKQ2FsaWZvcm5pYTEWMBQGA1UEBwwN'.repeat(8)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://acme.okta.example/app/amazon_aws/exk1acme/sso/saml"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

const trust = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });

export async function seedDemoEstate(ctx: AwsContext, managementAccount: string): Promise<DemoEstate> {
  // Organizations first: the management stack's precondition reads it.
  await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const memberAccounts: Record<string, string> = {};
  for (const name of ['acme-production', 'acme-staging']) {
    const out = await ctx.organizations.send(new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@acme.example` }));
    memberAccounts[name] = out.CreateAccountStatus!.AccountId!;
  }

  // IAM.
  await ctx.iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-management' }));
  await mapLimit(IAM_GROUPS, 4, (g) => ctx.iam.send(new CreateGroupCommand({ GroupName: g })));
  const userArns: Record<string, string> = {};
  await mapLimit(IAM_USERS, 4, async (u) => {
    userArns[u.name] = (await ctx.iam.send(new CreateUserCommand({ UserName: u.name, Path: u.path }))).User!.Arn!;
    for (const g of u.groups) await ctx.iam.send(new AddUserToGroupCommand({ GroupName: g, UserName: u.name }));
  });
  const samlArn = (await ctx.iam.send(new CreateSAMLProviderCommand({ Name: 'okta', SAMLMetadataDocument: SAML_METADATA }))).SAMLProviderArn!;
  const roles = [
    {
      name: 'OktaAdmin',
      doc: trust({ Principal: { Federated: samlArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }),
    },
    {
      name: 'OktaReadOnly',
      doc: trust({ Principal: { Federated: samlArn }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }),
    },
    { name: 'Deployer', doc: trust({ Principal: { AWS: userArns['ci-bot'] }, Action: 'sts:AssumeRole' }) },
    { name: 'BreakGlass', doc: trust({ Principal: { AWS: userArns['erin'] }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) },
    { name: 'lambda-orders', doc: trust({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }) },
  ];
  await mapLimit(roles, 4, (r) => ctx.iam.send(new CreateRoleCommand({ RoleName: r.name, AssumeRolePolicyDocument: r.doc })));

  // Identity Center.
  const inst = (await ctx.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0];
  const store = inst.IdentityStoreId!;
  const instanceArn = inst.InstanceArn!;
  const userIds: Record<string, string> = {};
  await mapLimit(SSO_USERS, 4, async (email) => {
    const [given] = email.split('@');
    const out = await ctx.identityStore.send(
      new CreateSsoUserCommand({
        IdentityStoreId: store,
        UserName: email,
        DisplayName: given[0].toUpperCase() + given.slice(1),
        Name: { GivenName: given[0].toUpperCase() + given.slice(1), FamilyName: 'Acme' },
        Emails: [{ Value: email, Primary: true, Type: 'work' }],
      }),
    );
    userIds[email] = out.UserId!;
  });
  const groupIds: Record<string, string> = {};
  let memberships = 0;
  for (const [group, members] of Object.entries(SSO_GROUPS)) {
    groupIds[group] = (await ctx.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: store, DisplayName: group }))).GroupId!;
    for (const m of members) {
      await ctx.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: store, GroupId: groupIds[group], MemberId: { UserId: userIds[m] } }));
      memberships++;
    }
  }
  const psArns: Record<string, string> = {};
  for (const name of PERMISSION_SETS) {
    psArns[name] = (await ctx.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: name, SessionDuration: 'PT4H' }))).PermissionSet!.PermissionSetArn!;
  }
  const prod = memberAccounts['acme-production'];
  const staging = memberAccounts['acme-staging'];
  const assignments: [string, string, 'GROUP' | 'USER', string][] = [
    [managementAccount, 'AdministratorAccess', 'GROUP', 'platform-admins'],
    [managementAccount, 'Billing', 'GROUP', 'finance'],
    [prod, 'AdministratorAccess', 'GROUP', 'platform-admins'],
    [prod, 'ReadOnlyAccess', 'GROUP', 'engineers'],
    [staging, 'PowerUserAccess', 'GROUP', 'engineers'],
    [staging, 'ReadOnlyAccess', 'USER', 'carol@acme.example'],
  ];
  await mapLimit(assignments, 4, ([account, ps, type, who]) =>
    ctx.ssoAdmin.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: instanceArn,
        TargetId: account,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: psArns[ps],
        PrincipalType: type,
        PrincipalId: type === 'GROUP' ? groupIds[who] : userIds[who],
      }),
    ),
  );
  // On AWS, CreateAccountAssignment provisions the permission set; on moto only ProvisionPermissionSet does.
  for (const ps of new Set(assignments.map(([, p]) => p))) {
    await ctx.ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: psArns[ps], TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
  }

  return {
    managementAccount,
    memberAccounts,
    counts: {
      IAM: { users: IAM_USERS.length, groups: IAM_GROUPS.length, 'group memberships': IAM_USERS.reduce((n, u) => n + u.groups.length, 0), roles: roles.length, 'SAML provider': 1 },
      'Identity Center': {
        users: SSO_USERS.length,
        groups: Object.keys(SSO_GROUPS).length,
        'group memberships': memberships,
        'permission sets': PERMISSION_SETS.length,
        'account assignments': assignments.length,
      },
    },
  };
}
