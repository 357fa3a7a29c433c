/**
 * Golden ids of the permission-set and organization-hierarchy types against baton-aws at
 * 2156bebe7fc2e24e20d5901ec13fc6a7d387756d: each row is a literal string and the baton-aws file:line its template
 * comes from. Entitlement ids are baton-sdk's `<type>:<resource>:<slug>`, grant ids `<entitlement>:<type>:<resource>`
 * (baton-sdk's NewEntitlementID / NewGrant, which baton-aws calls at the cited lines). Ids carry the partition of the
 * ARNs AWS returns (a GovCloud row proves it); root and OU ids have none.
 */
import { emptyState } from '../../../connector/src/sync/aws/state';
import type { AwsSyncState } from '../../../connector/src/sync/aws/state';
import { accountSyncer } from '../../../connector/src/sync/resources/account';
import { organizationSyncer } from '../../../connector/src/sync/resources/organization';
import { organizationalUnitSyncer } from '../../../connector/src/sync/resources/organizational-unit';
import { permissionSetInlinePolicySyncer, permissionSetSyncer } from '../../../connector/src/sync/resources/permission-set';
import { RESOURCE_TYPES } from '../../../connector/src/model/ids';

const PS = 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222';
const PS_GOV = 'arn:aws-us-gov:sso:::permissionSet/ssoins-1111111111111111/ps-3333333333333333';

function state(): AwsSyncState {
  const s = emptyState('us-east-1');
  s.accountId = '123456789012';
  s.identityCenter = { instanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111', identityStoreId: 'd-1111111111' };
  s.permissionSets = [
    { arn: PS, name: 'Admin', description: 'admins' },
    { arn: PS_GOV, name: 'GovRead' },
  ];
  s.permissionSetPolicies = new Map([
    [PS, { managed: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' }], customerManaged: [{ name: 'boundary', path: '/' }], inline: '{"Version":"2012-10-17","Statement":[]}' }],
    [PS_GOV, { managed: [{ arn: 'arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' }], customerManaged: [], inline: '' }],
  ]);
  s.accounts = [
    { id: '123456789012', name: 'management', status: 'ACTIVE' },
    { id: '111111111111', name: 'prod', status: 'ACTIVE' },
  ];
  s.orgHierarchy = {
    roots: [{ id: 'r-abc1', name: 'Root' }],
    units: [
      { id: 'ou-abc1-11111111', name: 'Workloads', parent: { resourceType: 'organization', resource: 'r-abc1' } },
      { id: 'ou-abc1-22222222', name: 'Prod', parent: { resourceType: 'organizational_unit', resource: 'ou-abc1-11111111' } },
    ],
    accountParent: new Map([
      ['123456789012', { resourceType: 'organization', resource: 'r-abc1' }],
      ['111111111111', { resourceType: 'organizational_unit', resource: 'ou-abc1-22222222' }],
    ]),
  };
  return s;
}

const s = state();
const ps = permissionSetSyncer.build(s);
const inline = permissionSetInlinePolicySyncer.build(s);
const roots = organizationSyncer.build(s);
const units = organizationalUnitSyncer.build(s);
const accounts = accountSyncer.build(s);

// [what, ours, baton-aws's (literal), cited at]
const GOLDEN: [string, string | undefined, string, string][] = [
  ['permission_set resource id', ps.resources[0].id.resource, 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222', 'pkg/connector/permission_set.go:28'],
  ['permission_set display name', ps.resources[0].displayName, 'Admin', 'pkg/connector/permission_set.go:105'],
  ['permission_set resource id (GovCloud)', ps.resources[1].id.resource, 'arn:aws-us-gov:sso:::permissionSet/ssoins-1111111111111111/ps-3333333333333333', 'pkg/connector/permission_set.go:28'],
  [
    'permission_set managed-policy grant',
    ps.grants[0].id,
    'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached:permission_set:arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
    'pkg/connector/permission_set.go:174',
  ],
  ['permission_set managed-policy grant: entitlement', ps.grants[0].entitlement, 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', 'pkg/connector/iam_policy.go:29'],
  [
    'permission_set managed-policy grant (GovCloud)',
    ps.grants[1].id,
    'iam_policy:arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess:attached:permission_set:arn:aws-us-gov:sso:::permissionSet/ssoins-1111111111111111/ps-3333333333333333',
    'pkg/connector/permission_set.go:174',
  ],
  ['permission-set inline_policy resource id', inline.resources[0].id.resource, 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222::inline::inline', 'pkg/connector/inline_policy.go:185'],
  ['permission-set inline_policy display name', inline.resources[0].displayName, 'inline', 'pkg/connector/inline_policy.go:183'],
  ['permission-set inline_policy parent', inline.resources[0].parent?.resourceType, 'permission_set', 'pkg/connector/inline_policy.go:191'],
  [
    'permission-set inline_policy entitlement',
    inline.entitlements[0].id,
    'inline_policy:arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222::inline::inline:attached',
    'pkg/connector/inline_policy.go:341',
  ],
  ['permission-set inline_policy entitlement display name', inline.entitlements[0].displayName, 'inline Inline Policy', 'pkg/connector/inline_policy.go:347'],
  [
    'permission-set inline_policy grant',
    inline.grants[0].id,
    'inline_policy:arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222::inline::inline:attached:permission_set:arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
    'pkg/connector/inline_policy.go:362',
  ],
  ['organization resource id', roots.resources[0].id.resource, 'r-abc1', 'pkg/connector/organization.go:51'],
  ['organization display name', roots.resources[0].displayName, 'Root', 'pkg/connector/organization.go:44'],
  ['organizational_unit resource id', units.resources[0].id.resource, 'ou-abc1-11111111', 'pkg/connector/organization.go:146'],
  ['organizational_unit parent (root)', `${units.resources[0].parent?.resourceType}:${units.resources[0].parent?.resource}`, 'organization:r-abc1', 'pkg/connector/organization.go:147'],
  ['organizational_unit parent (OU)', `${units.resources[1].parent?.resourceType}:${units.resources[1].parent?.resource}`, 'organizational_unit:ou-abc1-11111111', 'pkg/connector/organization.go:147'],
  ['account parent (root)', `${accounts.resources[0].parent?.resourceType}:${accounts.resources[0].parent?.resource}`, 'organization:r-abc1', 'pkg/connector/organization.go:251'],
  ['account parent (OU)', `${accounts.resources[1].parent?.resourceType}:${accounts.resources[1].parent?.resource}`, 'organizational_unit:ou-abc1-22222222', 'pkg/connector/organization.go:253'],
  ['permission_set type display name', RESOURCE_TYPES.permission_set.displayName, 'Permission Set', 'pkg/connector/resource_types.go:197'],
  ['permission_set type trait', RESOURCE_TYPES.permission_set.traits.join(','), 'role', 'pkg/connector/resource_types.go:198'],
  ['organization type display name', RESOURCE_TYPES.organization.displayName, 'Organization Root', 'pkg/connector/resource_types.go:251'],
  ['organizational_unit type display name', RESOURCE_TYPES.organizational_unit.displayName, 'Organizational Unit', 'pkg/connector/resource_types.go:272'],
];

test.each(GOLDEN)('%s is baton-aws\'s', (_what, ours, theirs) => {
  expect(ours).toBe(theirs);
});

test('the builders emit exactly the rows above (nothing unlisted)', () => {
  expect(ps.resources.map((r) => r.id.resource).sort()).toEqual([PS, PS_GOV].sort());
  expect(ps.entitlements).toEqual([]); // permission_set.go:121: no entitlements of its own
  expect(ps.grants.map((g) => g.id)).toEqual([GOLDEN[3][2], GOLDEN[5][2]]);
  expect(inline.resources).toHaveLength(1); // an empty inline document yields no resource (inline_policy.go:173)
  expect(roots.entitlements.length + roots.grants.length + units.entitlements.length + units.grants.length).toBe(0);
  // Without the hierarchy (toggle off: no orgHierarchy), accounts are flat.
  expect(accountSyncer.build({ ...s, orgHierarchy: undefined }).resources.map((r) => r.parent)).toEqual([undefined, undefined]);
  // Without permission sets (toggle off: no permissionSetPolicies), neither type yields anything.
  expect(permissionSetSyncer.build({ ...s, permissionSetPolicies: undefined }).resources).toEqual([]);
  expect(permissionSetInlinePolicySyncer.build({ ...s, permissionSetPolicies: undefined }).resources).toEqual([]);
});
