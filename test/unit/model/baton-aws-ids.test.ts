/**
 * The golden table: every id, slug and name template our sync writes for the resource types baton-aws also has,
 * against the literal baton-aws writes, read from its source at commit 2156bebe7fc2e24e20d5901ec13fc6a7d387756d
 * (ConductorOne/baton-aws, with baton-sdk v0.25.0 vendored under vendor/github.com/conductorone/baton-sdk). Each
 * row cites the file and line that builds the template there. The expected strings are written out by hand from
 * that source, never computed by our code; the examples are what our resource builders produce from one small
 * estate (the same builders `c1-aws sync` runs).
 *
 * baton-sdk's defaults, where baton-aws does not override them:
 *   entitlement id  `<resourceType>:<resourceId>:<slug>`  vendor/.../pkg/types/entitlement/entitlement.go:85-86
 *   slug = display name = the name given to NewAssignmentEntitlement  entitlement.go:104-111
 *   grant id  `<entitlementId>:<principalType>:<principalId>`  vendor/.../pkg/types/grant/grant.go:113
 * baton-aws's overrides: the permission set on an account (`<acct>|<psArn>`, slug `<name> access`: account.go:
 * 307-308, 1005-1007), its grants (`grant:<type>:<id>:<entitlementId>`: helpers.go:39,66-68; account.go:537,554),
 * and an Identity Center membership's grant (the Identity Store MembershipId: sso_group.go:130-134).
 *
 * The one departure: baton-aws writes partition `aws` into the Identity Center ids it makes up (arn.go:14,74,85); we
 * write the caller's partition (last test). Our extensions (no baton-aws row): the identity_provider type and the
 * role grants to it.
 */
import { RESOURCE_TYPES } from '../../../connector/src/model/ids';
import type { AwsSyncState } from '../../../connector/src/sync/aws/state';
import { emptyState } from '../../../connector/src/sync/aws/state';
import { accountIamSyncer } from '../../../connector/src/sync/resources/account-iam';
import { accountSyncer } from '../../../connector/src/sync/resources/account';
import { groupSyncer } from '../../../connector/src/sync/resources/group';
import { iamUserSyncer } from '../../../connector/src/sync/resources/iam-user';
import { identityProviderSyncer } from '../../../connector/src/sync/resources/identity-provider';
import { roleSyncer } from '../../../connector/src/sync/resources/role';
import { ssoGroupSyncer } from '../../../connector/src/sync/resources/sso-group';
import { ssoUserSyncer } from '../../../connector/src/sync/resources/sso-user';
import type { Entitlement, Grant, Resource } from '../../../connector/src/sync/types';

const MGMT = '111122223333';
const MEMBER = '444455556666';
const ALICE = `arn:aws:iam::${MGMT}:user/eng/alice`;
const DEVELOPERS = `arn:aws:iam::${MGMT}:group/teams/Developers`;
const DEPLOYER = `arn:aws:iam::${MGMT}:role/Deployer`;
const CI = `arn:aws:iam::${MGMT}:role/ci/CI`;
const SAML = `arn:aws:iam::${MGMT}:saml-provider/Okta`;
const STORE = 'd-9067a1b2c3';
const JANE_ID = '906752c1-a1b2-4c3d-8e9f-0a1b2c3d4e5f';
const ADMINS_ID = 'a4e8f2d0-1b2c-4d3e-9f8a-7b6c5d4e3f2a';
const MEMBERSHIP_ID = '7c5b9a1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d';
const PS = 'arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0123456789abcdef';

function estate(partition = 'aws'): AwsSyncState {
  const s = emptyState('eu-west-1');
  const trust = (aws: string[], federated?: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole' },
        ...(federated ? [{ Effect: 'Allow', Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithSAML' }] : []),
      ],
    });
  return {
    ...s,
    partition,
    accountId: MGMT,
    callerArn: `arn:aws:sts::${MGMT}:assumed-role/ConductorOne/c1`,
    users: [{ UserName: 'alice', Arn: ALICE, Path: '/eng/', GroupList: ['Developers'] }],
    groups: [{ GroupName: 'Developers', Arn: DEVELOPERS, Path: '/teams/' }],
    roles: [
      { RoleName: 'Deployer', Arn: DEPLOYER, Path: '/', AssumeRolePolicyDocument: trust([ALICE, CI], SAML) },
      { RoleName: 'CI', Arn: CI, Path: '/ci/', AssumeRolePolicyDocument: trust([]) },
    ],
    samlProviders: [{ arn: SAML }],
    organization: { id: 'o-a1b2c3d4e5', managementAccountId: MGMT },
    accounts: [
      { id: MGMT, name: 'management', status: 'ACTIVE' },
      { id: MEMBER, name: 'workloads', status: 'ACTIVE' },
    ],
    memberAccounts: [{ accountId: MEMBER, name: 'workloads', roleArn: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`, data: 'missing', reason: 'not in this table' }],
    identityCenter: { instanceArn: 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6', identityStoreId: STORE },
    ssoUsers: [{ userId: JANE_ID, userName: 'jane@example.com', displayName: 'Jane Doe', emails: [], externalIds: [] }],
    ssoGroups: [{ groupId: ADMINS_ID, displayName: 'Admins' }],
    memberships: [{ groupId: ADMINS_ID, userId: JANE_ID, membershipId: MEMBERSHIP_ID }],
    permissionSets: [{ arn: PS, name: 'AdministratorAccess', description: 'Full access to the account' }],
    assignments: [
      { accountId: MEMBER, permissionSetArn: PS, principalType: 'USER', principalId: JANE_ID },
      { accountId: MEMBER, permissionSetArn: PS, principalType: 'GROUP', principalId: ADMINS_ID },
    ],
  };
}

interface Built {
  resources: Resource[];
  entitlements: Entitlement[];
  grants: Grant[];
}

function build(s: AwsSyncState): Built {
  const out: Built = { resources: [], entitlements: [], grants: [] };
  for (const syncer of [accountSyncer, accountIamSyncer, iamUserSyncer, groupSyncer, roleSyncer, identityProviderSyncer, ssoUserSyncer, ssoGroupSyncer]) {
    const b = syncer.build(s);
    out.resources.push(...b.resources);
    out.entitlements.push(...b.entitlements);
    out.grants.push(...b.grants);
  }
  return out;
}

const built = build(estate());
const resource = (type: string, id: string) => built.resources.find((r) => r.id.resourceType === type && r.id.resource === id);
const entitlement = (id: string) => built.entitlements.find((e) => e.id === id);
const entitlementOf = (type: string, resourceId: string) => built.entitlements.find((e) => e.resource.resourceType === type && e.resource.resource === resourceId);
const grantTo = (ent: string | undefined, principal: string) => built.grants.find((g) => g.entitlement === ent && g.principal.resource === principal);

interface Row {
  type: string;
  /** What the row is about, and its template in baton-aws's terms. */
  what: string;
  template: string;
  /** Where baton-aws builds it: pkg/connector/<file>.go:<line> at 2156bebe (or the vendored baton-sdk helper). */
  batonAws: string;
  /** Built by our code from the estate above. */
  example: () => string | undefined;
  /** Written out from baton-aws's source. */
  expected: string;
}

const J = `arn:aws:identitystore:eu-west-1::${STORE}/user/${JANE_ID}`;
const A = `arn:aws:identitystore:eu-west-1::${STORE}/group/${ADMINS_ID}`;

const ROWS: Row[] = [
  // account
  { type: 'account', what: 'resource id', template: '<accountId>', batonAws: 'account.go:187,225-229', example: () => resource('account', MEMBER)?.id.resource, expected: '444455556666' },
  { type: 'account', what: 'display name', template: '<account name>', batonAws: 'account.go:186,225-226', example: () => resource('account', MEMBER)?.displayName, expected: 'workloads' },
  {
    type: 'account',
    what: 'entitlement id (permission set on the account)',
    template: '<accountId>|<permissionSetArn>',
    batonAws: 'account.go:292-295,307 (PermissionSetBinding.String, account.go:1005-1007)',
    example: () => entitlementOf('account', MEMBER)?.id,
    expected: '444455556666|arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0123456789abcdef',
  },
  { type: 'account', what: 'entitlement slug', template: '<permission set name> access', batonAws: 'account.go:308', example: () => entitlementOf('account', MEMBER)?.slug, expected: 'AdministratorAccess access' },
  { type: 'account', what: 'entitlement display name', template: '<permission set name> Permission Set', batonAws: 'account.go:301-302', example: () => entitlementOf('account', MEMBER)?.displayName, expected: 'AdministratorAccess Permission Set' },
  { type: 'account', what: 'entitlement description', template: '<permission set description>', batonAws: 'account.go:305', example: () => entitlementOf('account', MEMBER)?.description, expected: 'Full access to the account' },
  { type: 'account', what: 'entitlement grantable to', template: 'sso_user, sso_group', batonAws: 'account.go:303', example: () => entitlementOf('account', MEMBER)?.grantableTo.join(', '), expected: 'sso_user, sso_group' },
  {
    type: 'account',
    what: 'grant id, sso_user principal',
    template: 'grant:sso_user:<userId>:<entitlementId>',
    batonAws: 'account.go:554 (GrantID, helpers.go:39,66-68)',
    example: () => grantTo(entitlementOf('account', MEMBER)?.id, J)?.id,
    expected: `grant:sso_user:arn:aws:identitystore:eu-west-1::d-9067a1b2c3/user/906752c1-a1b2-4c3d-8e9f-0a1b2c3d4e5f:444455556666|arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0123456789abcdef`,
  },
  {
    type: 'account',
    what: 'grant id, sso_group principal',
    template: 'grant:sso_group:<groupId>:<entitlementId>',
    batonAws: 'account.go:537 (GrantID, helpers.go:39,66-68)',
    example: () => grantTo(entitlementOf('account', MEMBER)?.id, A)?.id,
    expected: `grant:sso_group:arn:aws:identitystore:eu-west-1::d-9067a1b2c3/group/a4e8f2d0-1b2c-4d3e-9f8a-7b6c5d4e3f2a:444455556666|arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0123456789abcdef`,
  },
  {
    type: 'account',
    what: 'group grant expands to',
    template: 'sso_group:<groupId>:member',
    batonAws: 'account.go:530-533',
    example: () => grantTo(entitlementOf('account', MEMBER)?.id, A)?.expandable?.join(','),
    expected: 'sso_group:arn:aws:identitystore:eu-west-1::d-9067a1b2c3/group/a4e8f2d0-1b2c-4d3e-9f8a-7b6c5d4e3f2a:member',
  },
  // account_iam
  { type: 'account_iam', what: 'resource id', template: '<accountId>', batonAws: 'account_iam.go:77-80', example: () => resource('account_iam', MEMBER)?.id.resource, expected: '444455556666' },
  { type: 'account_iam', what: 'display name', template: '<account name>', batonAws: 'account_iam.go:78', example: () => resource('account_iam', MEMBER)?.displayName, expected: 'workloads' },
  // iam_user
  { type: 'iam_user', what: 'resource id', template: '<user ARN>', batonAws: 'iam_user.go:96-98', example: () => resource('iam_user', ALICE)?.id.resource, expected: 'arn:aws:iam::111122223333:user/eng/alice' },
  { type: 'iam_user', what: 'display name', template: '<user name>', batonAws: 'iam_user.go:96', example: () => resource('iam_user', ALICE)?.displayName, expected: 'alice' },
  // group
  { type: 'group', what: 'resource id', template: '<group ARN>', batonAws: 'iam_group.go:74-77', example: () => resource('group', DEVELOPERS)?.id.resource, expected: 'arn:aws:iam::111122223333:group/teams/Developers' },
  { type: 'group', what: 'display name', template: '<group name>', batonAws: 'iam_group.go:75', example: () => resource('group', DEVELOPERS)?.displayName, expected: 'Developers' },
  {
    type: 'group',
    what: 'entitlement id',
    template: 'group:<group ARN>:member',
    batonAws: 'iam_group.go:110 (NewAssignmentEntitlement, entitlement.go:85-86,104-108)',
    example: () => entitlementOf('group', DEVELOPERS)?.id,
    expected: 'group:arn:aws:iam::111122223333:group/teams/Developers:member',
  },
  { type: 'group', what: 'entitlement slug', template: 'member', batonAws: 'iam_group.go:22,110 (entitlement.go:108)', example: () => entitlementOf('group', DEVELOPERS)?.slug, expected: 'member' },
  { type: 'group', what: 'entitlement display name', template: '<group name> Group Member', batonAws: 'iam_group.go:113', example: () => entitlementOf('group', DEVELOPERS)?.displayName, expected: 'Developers Group Member' },
  { type: 'group', what: 'entitlement description', template: 'Is member of the <group name> IAM group in AWS', batonAws: 'iam_group.go:111', example: () => entitlementOf('group', DEVELOPERS)?.description, expected: 'Is member of the Developers IAM group in AWS' },
  { type: 'group', what: 'entitlement grantable to', template: 'iam_user', batonAws: 'iam_group.go:110', example: () => entitlementOf('group', DEVELOPERS)?.grantableTo.join(', '), expected: 'iam_user' },
  {
    type: 'group',
    what: 'grant id (membership)',
    template: 'group:<group ARN>:member:iam_user:<user ARN>',
    batonAws: 'iam_group.go:174 (NewGrant, grant.go:113)',
    example: () => grantTo(entitlementOf('group', DEVELOPERS)?.id, ALICE)?.id,
    expected: 'group:arn:aws:iam::111122223333:group/teams/Developers:member:iam_user:arn:aws:iam::111122223333:user/eng/alice',
  },
  // role
  { type: 'role', what: 'resource id', template: '<role ARN>', batonAws: 'role.go:78-81', example: () => resource('role', DEPLOYER)?.id.resource, expected: 'arn:aws:iam::111122223333:role/Deployer' },
  { type: 'role', what: 'display name', template: '<role name>', batonAws: 'role.go:79', example: () => resource('role', DEPLOYER)?.displayName, expected: 'Deployer' },
  {
    type: 'role',
    what: 'entitlement id',
    template: 'role:<role ARN>:assignment',
    batonAws: 'role.go:115 (NewAssignmentEntitlement, entitlement.go:85-86,104-108)',
    example: () => entitlementOf('role', DEPLOYER)?.id,
    expected: 'role:arn:aws:iam::111122223333:role/Deployer:assignment',
  },
  { type: 'role', what: 'entitlement slug', template: 'assignment', batonAws: 'role.go:25,115 (entitlement.go:108)', example: () => entitlementOf('role', DEPLOYER)?.slug, expected: 'assignment' },
  { type: 'role', what: 'entitlement display name', template: '<role name> Role', batonAws: 'role.go:123', example: () => entitlementOf('role', DEPLOYER)?.displayName, expected: 'Deployer Role' },
  { type: 'role', what: 'entitlement description', template: 'Can assume the <role name> role in AWS', batonAws: 'role.go:121', example: () => entitlementOf('role', DEPLOYER)?.description, expected: 'Can assume the Deployer role in AWS' },
  { type: 'role', what: 'entitlement grantable to', template: 'iam_user, role, group, sso_user', batonAws: 'role.go:115-120', example: () => entitlementOf('role', DEPLOYER)?.grantableTo.join(', '), expected: 'iam_user, role, group, sso_user' },
  {
    type: 'role',
    what: 'grant id, iam_user principal (trust policy)',
    template: 'role:<role ARN>:assignment:iam_user:<user ARN>',
    batonAws: 'role.go:194-221 (NewGrant, grant.go:113)',
    example: () => grantTo(entitlementOf('role', DEPLOYER)?.id, ALICE)?.id,
    expected: 'role:arn:aws:iam::111122223333:role/Deployer:assignment:iam_user:arn:aws:iam::111122223333:user/eng/alice',
  },
  {
    type: 'role',
    what: 'grant id, role principal (trust policy)',
    template: 'role:<role ARN>:assignment:role:<role ARN>',
    batonAws: 'role.go:194-221 (NewGrant, grant.go:113)',
    example: () => grantTo(entitlementOf('role', DEPLOYER)?.id, CI)?.id,
    expected: 'role:arn:aws:iam::111122223333:role/Deployer:assignment:role:arn:aws:iam::111122223333:role/ci/CI',
  },
  {
    type: 'role',
    what: 'role grant expands to',
    template: 'role:<principal role ARN>:assignment',
    batonAws: 'role.go:209-215',
    example: () => grantTo(entitlementOf('role', DEPLOYER)?.id, CI)?.expandable?.join(','),
    expected: 'role:arn:aws:iam::111122223333:role/ci/CI:assignment',
  },
  // sso_user
  {
    type: 'sso_user',
    what: 'resource id',
    template: 'arn:aws:identitystore:<region>::<identityStoreId>/user/<userId>',
    batonAws: 'sso_user.go:73,96-99 (ssoUserToARN, arn.go:72-81)',
    example: () => resource('sso_user', J)?.id.resource,
    expected: 'arn:aws:identitystore:eu-west-1::d-9067a1b2c3/user/906752c1-a1b2-4c3d-8e9f-0a1b2c3d4e5f',
  },
  { type: 'sso_user', what: 'display name', template: '<user name>', batonAws: 'sso_user.go:97', example: () => resource('sso_user', J)?.displayName, expected: 'jane@example.com' },
  // sso_group
  {
    type: 'sso_group',
    what: 'resource id',
    template: 'arn:aws:identitystore:<region>::<identityStoreId>/group/<groupId>',
    batonAws: 'sso_group.go:65,70-73 (ssoGroupToARN, arn.go:83-92)',
    example: () => resource('sso_group', A)?.id.resource,
    expected: 'arn:aws:identitystore:eu-west-1::d-9067a1b2c3/group/a4e8f2d0-1b2c-4d3e-9f8a-7b6c5d4e3f2a',
  },
  { type: 'sso_group', what: 'display name', template: '<group display name>', batonAws: 'sso_group.go:71', example: () => resource('sso_group', A)?.displayName, expected: 'Admins' },
  {
    type: 'sso_group',
    what: 'entitlement id',
    template: 'sso_group:<groupId>:member',
    batonAws: 'sso_group.go:100 (NewAssignmentEntitlement, entitlement.go:85-86,104-108)',
    example: () => entitlementOf('sso_group', A)?.id,
    expected: 'sso_group:arn:aws:identitystore:eu-west-1::d-9067a1b2c3/group/a4e8f2d0-1b2c-4d3e-9f8a-7b6c5d4e3f2a:member',
  },
  { type: 'sso_group', what: 'entitlement slug', template: 'member', batonAws: 'sso_group.go:100 (iam_group.go:22; entitlement.go:108)', example: () => entitlementOf('sso_group', A)?.slug, expected: 'member' },
  { type: 'sso_group', what: 'entitlement display name', template: '<group display name> Group Member', batonAws: 'sso_group.go:103', example: () => entitlementOf('sso_group', A)?.displayName, expected: 'Admins Group Member' },
  { type: 'sso_group', what: 'entitlement description', template: 'Is member of the <group display name> SSO group in AWS', batonAws: 'sso_group.go:101', example: () => entitlementOf('sso_group', A)?.description, expected: 'Is member of the Admins SSO group in AWS' },
  { type: 'sso_group', what: 'entitlement grantable to', template: 'sso_user', batonAws: 'sso_group.go:100', example: () => entitlementOf('sso_group', A)?.grantableTo.join(', '), expected: 'sso_user' },
  {
    type: 'sso_group',
    what: 'grant id (membership)',
    template: '<Identity Store MembershipId>',
    batonAws: 'sso_group.go:130-134',
    example: () => grantTo(entitlementOf('sso_group', A)?.id, J)?.id,
    expected: '7c5b9a1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d',
  },
];

/** Ours only: no baton-aws template to hold them to (documented as extensions in model/ids.ts and the README). */
const EXTENSIONS = [
  { type: 'identity_provider', what: 'resource id', example: () => resource('identity_provider', SAML)?.id.resource, ours: 'arn:aws:iam::111122223333:saml-provider/Okta' },
  {
    type: 'role',
    what: 'grant id, identity_provider principal (trust policy Federated)',
    example: () => grantTo(entitlementOf('role', DEPLOYER)?.id, SAML)?.id,
    ours: 'role:arn:aws:iam::111122223333:role/Deployer:assignment:identity_provider:arn:aws:iam::111122223333:saml-provider/Okta',
  },
];

describe("baton-aws's ids, byte for byte (golden table, baton-aws 2156bebe)", () => {
  test.each(ROWS.map((r) => [`${r.type} ${r.what}: ${r.template}  [${r.batonAws}]`, r] as const))('%s', (_name, row) => {
    expect(row.example()).toBe(row.expected);
  });

  test.each(EXTENSIONS.map((r) => [`extension: ${r.type} ${r.what}`, r] as const))('%s', (_name, row) => {
    expect(row.example()).toBe(row.ours);
  });

  test('the table covers every resource, entitlement and grant id the builders wrote', () => {
    const covered = new Set([...ROWS, ...EXTENSIONS].map((r) => r.example()));
    const written = [
      ...built.resources.filter((r) => r.id.resourceType !== 'role' || r.id.resource === DEPLOYER).map((r) => r.id.resource),
      ...built.entitlements.filter((e) => e.resource.resourceType !== 'role' || e.resource.resource === DEPLOYER).map((e) => e.id),
      ...built.grants.map((g) => g.id),
    ];
    // account 111122223333 and its entitlement are the same templates as 444455556666's; iam_user, group and
    // sso types have one resource each.
    expect(written.filter((id) => !covered.has(id) && !id.startsWith(MGMT))).toEqual([]);
    expect(entitlement(`${MGMT}|${PS}`)).toBeDefined();
  });

  test('our resource types that baton-aws has carry its display names and traits (resource_types.go:23-182)', () => {
    expect(RESOURCE_TYPES.account).toMatchObject({ displayName: 'Account', traits: ['app'] });
    expect(RESOURCE_TYPES.account_iam).toMatchObject({ displayName: 'Account IAM', traits: ['app'] });
    expect(RESOURCE_TYPES.iam_user).toMatchObject({ displayName: 'IAM User', traits: ['user'] });
    expect(RESOURCE_TYPES.group).toMatchObject({ displayName: 'Group', traits: ['group'] });
    expect(RESOURCE_TYPES.role).toMatchObject({ displayName: 'IAM Role', traits: ['role'] });
    expect(RESOURCE_TYPES.sso_user).toMatchObject({ displayName: 'SSO User', traits: ['user'] });
    expect(RESOURCE_TYPES.sso_group).toMatchObject({ displayName: 'SSO Group', traits: ['group'] });
  });

  test('the one departure: outside the aws partition our Identity Center ids keep the partition (baton-aws: arn.go:14,74,85 write "aws")', () => {
    const gov = build(estate('aws-us-gov'));
    const user = gov.resources.find((r) => r.id.resourceType === 'sso_user')!;
    expect(user.id.resource).toBe('arn:aws-us-gov:identitystore:eu-west-1::d-9067a1b2c3/user/906752c1-a1b2-4c3d-8e9f-0a1b2c3d4e5f');
  });
});
