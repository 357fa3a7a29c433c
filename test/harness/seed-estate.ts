/**
 * Seeds moto with an AWS estate through the SDK (moto has no fixture format), for sync tests, demos and benchmarks.
 * - seedTestEstate: a small estate covering every case sync must handle, returning the grant ids it must produce.
 * - seedScaleEstate: a large, regular estate (N users, groups, roles, Identity Center...) seeded with concurrency.
 */
import {
  AddUserToGroupCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import {
  CreateGroupCommand as CreateSsoGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand as CreateSsoUserCommand,
} from '@aws-sdk/client-identitystore';
import { CloseAccountCommand, CreateAccountCommand, CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { CreateAccountAssignmentCommand, CreatePermissionSetCommand, ListInstancesCommand, ProvisionPermissionSetCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../../connector/src/aws';
import { mapLimit } from '../../connector/src/sync/concurrency';
import { assignmentGrantId, entitlementId, grantId, identityStoreResourceId, permissionSetEntitlementId, ResourceId } from '../../connector/src/model/ids';

export const OTHER_ACCOUNT = '210987654321';
const SAML_METADATA = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">${'<!-- padding -->'.repeat(70)}</md:EntityDescriptor>`;

const trust = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (principal: object, action = 'sts:AssumeRole', condition?: object) => ({ Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) });

export interface Identity {
  instanceArn: string;
  identityStoreId: string;
}

async function identityCenter(ctx: AwsContext): Promise<Identity> {
  const inst = (await ctx.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0];
  return { instanceArn: inst.InstanceArn!, identityStoreId: inst.IdentityStoreId! };
}

export interface TestEstate {
  accountId: string;
  accounts: { a: string; b: string; suspended: string };
  ic: Identity;
  ssoUserIds: Record<string, string>;
  /** Every grant id a full sync (Organizations + Identity Center) must produce, and no other. */
  expectedGrants: string[];
  /** The same, for an IAM-only sync. */
  expectedIamGrants: string[];
  samlArn: string;
  oidcArn: string;
}

/** The small estate of the integration tests: each case of the sync issue, with the grants it must yield. */
export async function seedTestEstate(ctx: AwsContext, accountId = '123456789012'): Promise<TestEstate> {
  // accountId: moto's default account, where the caller's keys land.
  const iamGrants: string[] = [];
  const member = (groupArn: string, userArn: string) => iamGrants.push(grantId(entitlementId({ resourceType: 'group', resource: groupArn }, 'member'), { resourceType: 'iam_user', resource: userArn }));
  const assume = (roleArn: string, principal: ResourceId) => iamGrants.push(grantId(entitlementId({ resourceType: 'role', resource: roleArn }, 'assignment'), principal));

  await ctx.iam.send(new CreateAccountAliasCommand({ AccountAlias: 'c1-test-estate' }));
  // Users: an email name, odd characters in name and path, an email tag, many groups, and fillers.
  const users: { name: string; path?: string; tags?: { Key: string; Value: string }[] }[] = [
    { name: 'alice@example.com', path: '/eng/' },
    { name: 'b.o+b=ops,1@corp-x', path: '/a+b=c,d.e@f-g/' },
    { name: 'carol', tags: [{ Key: 'email', Value: 'carol@example.com' }] },
    { name: 'dave' },
    ...Array.from({ length: 30 }, (_, i) => ({ name: `user-${String(i).padStart(3, '0')}` })),
  ];
  const userArn: Record<string, string> = {};
  await mapLimit(users, 8, async (u) => {
    const out = await ctx.iam.send(new CreateUserCommand({ UserName: u.name, Path: u.path, Tags: u.tags }));
    userArn[u.name] = out.User!.Arn!;
  });
  const groups = [{ name: 'empty-group' }, { name: 'eng', path: '/eng/' }, { name: 'g+=,.@-', path: '/x+=,.@-/' }, ...Array.from({ length: 10 }, (_, i) => ({ name: `group-${i}` }))];
  const groupArn: Record<string, string> = {};
  await mapLimit(groups, 8, async (g) => {
    groupArn[g.name] = (await ctx.iam.send(new CreateGroupCommand({ GroupName: g.name, Path: g.path }))).Group!.Arn!;
  });
  const add = async (group: string, user: string) => {
    await ctx.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    member(groupArn[group], userArn[user]);
  };
  // dave is in every group but the empty one.
  for (const g of groups.filter((g) => g.name !== 'empty-group')) await add(g.name, 'dave');
  await add('eng', 'alice@example.com');
  await add('g+=,.@-', 'b.o+b=ops,1@corp-x');
  await mapLimit(Array.from({ length: 30 }, (_, i) => i), 8, (i) => add(`group-${i % 10}`, `user-${String(i).padStart(3, '0')}`));

  const samlArn = (await ctx.iam.send(new CreateSAMLProviderCommand({ Name: 'corp-idp', SAMLMetadataDocument: SAML_METADATA }))).SAMLProviderArn!;
  const oidcArn = (
    await ctx.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: ['a'.repeat(40)] }))
  ).OpenIDConnectProviderArn!;

  const role = async (name: string, doc: string, path = '/') => (await ctx.iam.send(new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: doc }))).Role!.Arn!;
  const trustsUser = await role('trusts-user', trust([allow({ AWS: userArn['alice@example.com'] })]));
  assume(trustsUser, { resourceType: 'iam_user', resource: userArn['alice@example.com'] });
  const trustsRole = await role('trusts-role', trust([allow({ AWS: trustsUser })]));
  assume(trustsRole, { resourceType: 'role', resource: trustsUser });
  const saml = await role('saml-role', trust([allow({ Federated: samlArn }, 'sts:AssumeRoleWithSAML', { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } })]));
  assume(saml, { resourceType: 'identity_provider', resource: samlArn });
  const oidc = await role(
    'oidc-role',
    trust([allow({ Federated: oidcArn }, 'sts:AssumeRoleWithWebIdentity', { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } })]),
  );
  assume(oidc, { resourceType: 'identity_provider', resource: oidcArn });
  await role('service-role', trust([allow({ Service: 'ec2.amazonaws.com' })]));
  await role('cross-account-role', trust([allow({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, 'sts:AssumeRole', { StringEquals: { 'sts:ExternalId': 'not-a-real-external-id-0123456789' } })]));
  // Odd characters; two statements, one conditional; a Deny that grants nothing.
  const multi = await role(
    'r+=,.@-',
    trust([
      allow({ AWS: [userArn['b.o+b=ops,1@corp-x'], trustsUser] }),
      allow({ AWS: userArn['carol'] }, 'sts:AssumeRole', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
      { Effect: 'Deny', Principal: { AWS: userArn['dave'] }, Action: 'sts:AssumeRole' },
    ]),
    '/p+=,.@-/',
  );
  assume(multi, { resourceType: 'iam_user', resource: userArn['b.o+b=ops,1@corp-x'] });
  assume(multi, { resourceType: 'role', resource: trustsUser });
  assume(multi, { resourceType: 'iam_user', resource: userArn['carol'] });
  // Allowed by name and then denied by name: the Deny wins, so no grant (sync once reported one).
  await role('allowed-then-denied', trust([allow({ AWS: userArn['dave'] }), { Effect: 'Deny', Principal: { AWS: userArn['dave'] }, Action: 'sts:AssumeRole' }]));
  await mapLimit(Array.from({ length: 20 }, (_, i) => i), 8, (i) => role(`role-${String(i).padStart(3, '0')}`, trust([allow({ Service: 'lambda.amazonaws.com' })])));

  // Organizations: two member accounts and a closed (SUSPENDED) one.
  await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const account = async (name: string) => (await ctx.organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
  const a = await account('workloads-a');
  const b = await account('workloads-b');
  const suspended = await account('retired');
  await ctx.organizations.send(new CloseAccountCommand({ AccountId: suspended }));

  // Identity Center.
  const ic = await identityCenter(ctx);
  const store = { partition: 'aws', region: ctx.ssoRegion, identityStoreId: ic.identityStoreId };
  const ssoUserIds: Record<string, string> = {};
  for (const name of ['ic-alice@example.com', 'ic-bob', 'ic-carol']) {
    ssoUserIds[name] = (
      await ctx.identityStore.send(
        new CreateSsoUserCommand({ IdentityStoreId: ic.identityStoreId, UserName: name, DisplayName: name, Name: { GivenName: 'G', FamilyName: 'F' }, Emails: [{ Value: `${name.replace(/@.*/, '')}@mail.example.com`, Primary: true }] }),
      )
    ).UserId!;
  }
  const ssoGroupIds: Record<string, string> = {};
  for (const name of ['admins', 'readers', 'empty-sso']) {
    ssoGroupIds[name] = (await ctx.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: ic.identityStoreId, DisplayName: name }))).GroupId!;
  }
  const ssoGrants: string[] = [];
  const ssoUser = (n: string): ResourceId => ({ resourceType: 'sso_user', resource: identityStoreResourceId(store, 'user', ssoUserIds[n]) });
  const ssoGroup = (n: string): ResourceId => ({ resourceType: 'sso_group', resource: identityStoreResourceId(store, 'group', ssoGroupIds[n]) });
  for (const [g, u] of [['admins', 'ic-alice@example.com'], ['admins', 'ic-bob'], ['readers', 'ic-carol']]) {
    const m = await ctx.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: ic.identityStoreId, GroupId: ssoGroupIds[g], MemberId: { UserId: ssoUserIds[u] } }));
    // baton-aws's grant id of a membership is its MembershipId.
    ssoGrants.push(m.MembershipId!);
  }
  const ps: Record<string, string> = {};
  for (const name of ['Admin', 'ReadOnly', 'Unused']) {
    ps[name] = (await ctx.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: ic.instanceArn, Name: name }))).PermissionSet!.PermissionSetArn!;
  }
  const assign = async (accountId: string, psName: string, type: 'USER' | 'GROUP', name: string, expected = true) => {
    const principalId = type === 'USER' ? ssoUserIds[name] : ssoGroupIds[name];
    await ctx.ssoAdmin.send(
      new CreateAccountAssignmentCommand({ InstanceArn: ic.instanceArn, TargetId: accountId, TargetType: 'AWS_ACCOUNT', PermissionSetArn: ps[psName], PrincipalType: type, PrincipalId: principalId }),
    );
    if (expected) ssoGrants.push(assignmentGrantId(permissionSetEntitlementId(accountId, ps[psName]), type === 'USER' ? ssoUser(name) : ssoGroup(name)));
  };
  await assign(a, 'Admin', 'USER', 'ic-alice@example.com');
  await assign(a, 'ReadOnly', 'GROUP', 'readers');
  await assign(b, 'ReadOnly', 'GROUP', 'readers');
  await assign(b, 'Admin', 'GROUP', 'admins');
  await assign(b, 'Admin', 'GROUP', 'admins', false); // a duplicate row (moto keeps it; AWS would not): one grant
  await assign(suspended, 'Admin', 'USER', 'ic-bob', false); // left out with its account
  // CreateAccountAssignment provisions on AWS, not on moto.
  for (const name of ['Admin', 'ReadOnly']) {
    await ctx.ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: ps[name], TargetType: 'ALL_PROVISIONED_ACCOUNTS' }));
  }
  return {
    accountId,
    accounts: { a, b, suspended },
    ic,
    ssoUserIds,
    expectedGrants: [...iamGrants, ...ssoGrants].sort(),
    expectedIamGrants: [...iamGrants].sort(),
    samlArn,
    oidcArn,
  };
}

export interface IamScaleSpec {
  /** Users [fromUser, toUser) are created, so a larger scale can be reached by adding to a smaller one. */
  fromUser: number;
  toUser: number;
  groups: number;
  roles: number;
  membershipsPerUser: number;
  /** Create the groups and roles (the first call of an incremental series). */
  withGroupsAndRoles: boolean;
}

export interface IdentityCenterScaleSpec {
  users: number;
  groups: number;
  membershipsPerUser: number;
  permissionSets: number;
  /** Accounts in the organization, the management account included. */
  accounts: number;
  assignmentsPerAccount: number;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
const pad = (i: number) => String(i).padStart(5, '0');

/** A large regular IAM estate; calls run `concurrency` at a time (moto serves requests on threads). */
export async function seedIamScale(ctx: AwsContext, spec: IamScaleSpec, concurrency = 32): Promise<void> {
  if (spec.withGroupsAndRoles) {
    await mapLimit(range(0, spec.groups), concurrency, (i) => ctx.iam.send(new CreateGroupCommand({ GroupName: `group-${pad(i)}`, Path: '/bench/' })));
    await mapLimit(range(0, spec.roles), concurrency, (i) =>
      ctx.iam.send(
        new CreateRoleCommand({
          RoleName: `role-${pad(i)}`,
          // Half trust one of the first 1000 users (a grant each once it exists; moto does not check), half a service.
          AssumeRolePolicyDocument: trust([i % 2 ? allow({ AWS: `arn:aws:iam::123456789012:user/bench/user-${pad(i % 1000)}@example.com` }) : allow({ Service: 'lambda.amazonaws.com' })]),
        }),
      ),
    );
  }
  await mapLimit(range(spec.fromUser, spec.toUser), concurrency, async (i) => {
    const name = `user-${pad(i)}@example.com`;
    await ctx.iam.send(new CreateUserCommand({ UserName: name, Path: '/bench/' }));
    for (let k = 0; k < spec.membershipsPerUser; k++) {
      await ctx.iam.send(new AddUserToGroupCommand({ GroupName: `group-${pad((i + k * 7) % spec.groups)}`, UserName: name }));
    }
  });
}

/** An organization and a large Identity Center: users, groups, memberships, permission sets, assignments. */
export async function seedIdentityCenterScale(ctx: AwsContext, spec: IdentityCenterScaleSpec, concurrency = 32): Promise<void> {
  await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const accounts = await mapLimit(range(0, spec.accounts - 1), 4, async (i) => (await ctx.organizations.send(new CreateAccountCommand({ AccountName: `acct-${i}`, Email: `acct-${i}@example.com` }))).CreateAccountStatus!.AccountId!);
  accounts.push('123456789012');
  const ic = await identityCenter(ctx);
  const userIds = await mapLimit(range(0, spec.users), concurrency, async (i) =>
    (await ctx.identityStore.send(new CreateSsoUserCommand({ IdentityStoreId: ic.identityStoreId, UserName: `sso-${pad(i)}@example.com`, DisplayName: `SSO ${i}`, Name: { GivenName: 'S', FamilyName: `${i}` } }))).UserId!,
  );
  const groupIds = await mapLimit(range(0, spec.groups), concurrency, async (i) => (await ctx.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: ic.identityStoreId, DisplayName: `sso-group-${pad(i)}` }))).GroupId!);
  await mapLimit(range(0, spec.users * spec.membershipsPerUser), concurrency, (j) => {
    const i = j % spec.users;
    const k = Math.floor(j / spec.users);
    return ctx.identityStore.send(new CreateGroupMembershipCommand({ IdentityStoreId: ic.identityStoreId, GroupId: groupIds[(i + k * 13) % spec.groups], MemberId: { UserId: userIds[i] } }));
  });
  const psArns = await mapLimit(range(0, spec.permissionSets), 8, async (i) => (await ctx.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: ic.instanceArn, Name: `ps-${i}` }))).PermissionSet!.PermissionSetArn!);
  await mapLimit(range(0, accounts.length * spec.assignmentsPerAccount), concurrency, (j) => {
    const a = Math.floor(j / spec.assignmentsPerAccount);
    const k = j % spec.assignmentsPerAccount;
    const group = k % 2 === 0;
    return ctx.ssoAdmin.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: ic.instanceArn,
        TargetId: accounts[a],
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: psArns[(a + k) % psArns.length],
        PrincipalType: group ? 'GROUP' : 'USER',
        PrincipalId: group ? groupIds[(a * 31 + k) % groupIds.length] : userIds[(a * 97 + k) % userIds.length],
      }),
    );
  });
  await mapLimit(psArns, 8, (arn) => ctx.ssoAdmin.send(new ProvisionPermissionSetCommand({ InstanceArn: ic.instanceArn, PermissionSetArn: arn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' })));
}
