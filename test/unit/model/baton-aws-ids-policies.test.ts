/**
 * Golden ids of the opt-in policy and access-key types against baton-aws at 2156bebe7fc2e24e20d5901ec13fc6a7d387756d
 * (2026-08-22). Each row: our builder's output, the literal string baton-aws builds for the same input, and the
 * baton-aws file:line its template comes from. baton-sdk's helpers: entitlement `<type>:<resourceId>:<slug>`, grant
 * `<entitlementId>:<principalType>:<principalId>` (reference conductorone-aws.md, "Identifier conventions").
 * Partition aside: baton-aws takes the ARN AWS gives, as we do, so a GovCloud ARN stays GovCloud.
 */
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '@aws-sdk/client-iam';
import { parseEntitlementId, RESOURCE_TYPES } from '../../../connector/src/model/ids';
import { parseReportedAccessKeys } from '../../../connector/src/sync/aws/iam';
import { AwsSyncState, emptyState } from '../../../connector/src/sync/aws/state';
import { diffSnapshots, effectivePolicyHolders } from '../../../connector/src/sync/diff';
import { accessKeySyncer } from '../../../connector/src/sync/resources/access-key';
import { buildIamPolicies } from '../../../connector/src/sync/resources/iam-policy';
import { inlinePolicySyncer } from '../../../connector/src/sync/resources/inline-policy';
import type { Snapshot } from '../../../connector/src/sync/types';

function estate(partition: string, account: string): AwsSyncState {
  const arn = (rest: string) => `arn:${partition}:iam::${account}:${rest}`;
  const admin = `arn:${partition}:iam::aws:policy/AdministratorAccess`;
  const s: AwsSyncState = { ...emptyState('us-east-1'), accountId: account, partition, optIn: { policies: true, onlyAttachedPolicies: false, accessKeys: true } };
  s.users = [
    { UserName: 'alice', UserId: 'AIDAALICE', Arn: arn('user/eng/alice'), AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }], UserPolicyList: [{ PolicyName: 's3-read', PolicyDocument: '%7B%7D' }] } as UserDetail,
  ];
  s.groups = [{ GroupName: 'admins', Arn: arn('group/admins'), AttachedManagedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }] } as GroupDetail];
  s.roles = [{ RoleName: 'app', Arn: arn('role/svc/app'), RolePolicyList: [{ PolicyName: 'app-inline', PolicyDocument: '%7B%7D' }] } as RoleDetail];
  s.policies = [{ PolicyName: 'AdministratorAccess', Arn: admin, AttachmentCount: 2 } as ManagedPolicyDetail];
  s.accessKeys = new Map([[arn('user/eng/alice'), [{ slot: 1, active: true, lastRotated: '2026-03-04T05:06:07+00:00' }]]]);
  return s;
}

const aws = estate('aws', '123456789012');
const gov = estate('aws-us-gov', '111122223333');
const policies = buildIamPolicies(aws);
const govPolicies = buildIamPolicies(gov);
const inline = inlinePolicySyncer.build(aws);
const keys = accessKeySyncer.build(aws);

// [what, ours, baton-aws's (literal), where baton-aws builds it]
const ROWS: [string, string | undefined, string, string][] = [
  ['iam_policy type id', RESOURCE_TYPES.iam_policy.id, 'iam_policy', 'pkg/connector/resource_types.go:284'],
  ['iam_policy display name', RESOURCE_TYPES.iam_policy.displayName, 'IAM Managed Policy', 'pkg/connector/resource_types.go:285'],
  ['inline_policy type id', RESOURCE_TYPES.inline_policy.id, 'inline_policy', 'pkg/connector/resource_types.go:303'],
  ['inline_policy display name', RESOURCE_TYPES.inline_policy.displayName, 'Inline Policy', 'pkg/connector/resource_types.go:304'],
  ['access-key type id', RESOURCE_TYPES['access-key'].id, 'access-key', 'pkg/connector/resource_types.go:177'],
  ['access-key display name', RESOURCE_TYPES['access-key'].displayName, 'Access Key', 'pkg/connector/resource_types.go:178'],
  ['iam_policy resource id = policy ARN', policies.resources[0]?.id.resource, 'arn:aws:iam::aws:policy/AdministratorAccess', 'pkg/connector/iam_policy.go:176-179'],
  ['iam_policy resource id, GovCloud', govPolicies.resources[0]?.id.resource, 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess', 'pkg/connector/iam_policy.go:176-179 (ARN as AWS gives it)'],
  ['iam_policy display name = policy name', policies.resources[0]?.displayName, 'AdministratorAccess', 'pkg/connector/iam_policy.go:177'],
  ['iam_policy entitlement slug', policies.entitlements[0]?.slug, 'attached', 'pkg/connector/iam_policy.go:29'],
  ['iam_policy entitlement id', policies.entitlements[0]?.id, 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', 'pkg/connector/iam_policy.go:208-210'],
  ['iam_policy entitlement display name', policies.entitlements[0]?.displayName, 'AdministratorAccess Managed Policy', 'pkg/connector/iam_policy.go:224'],
  [
    'iam_policy grant to a user',
    policies.grants.find((g) => g.principal.resourceType === 'iam_user')?.id,
    'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached:iam_user:arn:aws:iam::123456789012:user/eng/alice',
    'pkg/connector/iam_policy.go:444-448',
  ],
  [
    'iam_policy grant to a group',
    policies.grants.find((g) => g.principal.resourceType === 'group')?.id,
    'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached:group:arn:aws:iam::123456789012:group/admins',
    'pkg/connector/iam_policy.go:444-448',
  ],
  [
    'iam_policy grant to a group, GovCloud',
    govPolicies.grants.find((g) => g.principal.resourceType === 'group')?.id,
    'iam_policy:arn:aws-us-gov:iam::aws:policy/AdministratorAccess:attached:group:arn:aws-us-gov:iam::111122223333:group/admins',
    'pkg/connector/iam_policy.go:444-448',
  ],
  ['group grant expands to group members', policies.grants.find((g) => g.principal.resourceType === 'group')?.expandable?.join(), 'group:arn:aws:iam::123456789012:group/admins:member', 'pkg/connector/iam_policy.go:410-416'],
  ['inline_policy resource id', inline.resources.find((r) => r.displayName === 's3-read')?.id.resource, 'arn:aws:iam::123456789012:user/eng/alice::inline::s3-read', 'pkg/connector/inline_policy.go:31, :483-485'],
  ['inline_policy entitlement id', inline.entitlements.find((e) => e.displayName === 's3-read Inline Policy')?.id, 'inline_policy:arn:aws:iam::123456789012:user/eng/alice::inline::s3-read:attached', 'pkg/connector/inline_policy.go:30, :341-345'],
  ['inline_policy entitlement description', inline.entitlements.find((e) => e.resource.resource.endsWith('app-inline'))?.description, 'Has the app-inline inline policy in AWS', 'pkg/connector/inline_policy.go:346'],
  ['iam_policy entitlement description', policies.entitlements[0]?.description, 'Has the AdministratorAccess managed policy in AWS', 'pkg/connector/iam_policy.go:223'],
  ['iam_policy entitlement grantable to (permission_set_assignment: a type c1-aws does not produce)', policies.entitlements[0]?.grantableTo.join(), 'iam_user,role,group,permission_set', 'pkg/connector/iam_policy.go:211-221'],
  ['inline_policy entitlement display name', inline.entitlements.find((e) => e.resource.resource.endsWith('app-inline'))?.displayName, 'app-inline Inline Policy', 'pkg/connector/inline_policy.go:347'],
  [
    'inline_policy grant to its role',
    inline.grants.find((g) => g.principal.resourceType === 'role')?.id,
    'inline_policy:arn:aws:iam::123456789012:role/svc/app::inline::app-inline:attached:role:arn:aws:iam::123456789012:role/svc/app',
    'pkg/connector/inline_policy.go:362-367',
  ],
  ['role grant expands to the role assignees', inline.grants.find((g) => g.principal.resourceType === 'role')?.expandable?.join(), 'role:arn:aws:iam::123456789012:role/svc/app:assignment', 'pkg/connector/iam_policy.go:404-409'],
];

describe('baton-aws ids: iam_policy, inline_policy, access-key', () => {
  test.each(ROWS)('%s', (_what, ours, batonAws) => {
    expect(ours).toBe(batonAws);
  });

  test('entitlement ids parse back into resource and slug (inline ids hold "::")', () => {
    expect(parseEntitlementId('inline_policy:arn:aws:iam::123456789012:user/eng/alice::inline::s3-read:attached')).toEqual({
      kind: 'sdk',
      resourceType: 'inline_policy',
      resource: 'arn:aws:iam::123456789012:user/eng/alice::inline::s3-read',
      slug: 'attached',
    });
    expect(parseEntitlementId('iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached')).toEqual({
      kind: 'sdk',
      resourceType: 'iam_policy',
      resource: 'arn:aws:iam::aws:policy/AdministratorAccess',
      slug: 'attached',
    });
  });

  // The departure: baton-aws's id is the access key id (secrets.go:103-105, display name "<user>|<keyId>"); the
  // credential report has none, so ours is the user ARN and the key's creation time.
  test('access-key: our id (a documented departure from baton-aws\'s key id)', () => {
    expect(keys.resources.map((r) => [r.id.resource, r.displayName, r.status])).toEqual([
      ['arn:aws:iam::123456789012:user/eng/alice::access-key::2026-03-04T05:06:07+00:00', 'alice|2026-03-04T05:06:07+00:00', 'enabled'],
    ]);
    expect(keys.entitlements).toEqual([]);
    expect(keys.grants).toEqual([]);
  });

  test('toggles off: the builders produce nothing', () => {
    const off = { ...aws, optIn: { policies: false, onlyAttachedPolicies: false, accessKeys: false } };
    for (const b of [buildIamPolicies(off), inlinePolicySyncer.build(off), accessKeySyncer.build(off)]) expect(b).toEqual({ resources: [], entitlements: [], grants: [] });
  });

  test('an AWS-managed policy seen by two accounts is one resource, without a parent', () => {
    const member = estate('aws', '210987654321');
    const two = buildIamPolicies({ ...aws, memberAccounts: [{ accountId: '210987654321', name: 'm', roleArn: 'r', data: 'synced', iam: member }] });
    expect(two.resources.map((r) => [r.id.resource, r.parent])).toEqual([['arn:aws:iam::aws:policy/AdministratorAccess', undefined]]);
    expect(two.grants).toHaveLength(4);
  });
});

describe('credential report access-key columns (what moto cannot fill: last use, region, service)', () => {
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const csv = [
    header,
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-01T00:00:00+00:00,not_supported,not_supported,true,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
    'ann,arn:aws:iam::123456789012:user/ann,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-02-03T04:05:06+00:00,2026-11-30T10:00:00+00:00,eu-west-1,s3,false,2024-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A',
    // A user name with a comma: the report does not quote it.
    'b,c,arn:aws:iam::123456789012:user/b,c,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  ].join('\n');

  test('keys with a creation date, their status and last use; no key: no entry; the root left out', () => {
    expect([...parseReportedAccessKeys(csv)]).toEqual([
      [
        'arn:aws:iam::123456789012:user/ann',
        [
          { slot: 1, active: true, lastRotated: '2025-02-03T04:05:06+00:00', lastUsed: '2026-11-30T10:00:00+00:00', lastUsedRegion: 'eu-west-1', lastUsedService: 's3' },
          { slot: 2, active: false, lastRotated: '2024-01-01T00:00:00+00:00' },
        ],
      ],
    ]);
  });
});

describe('diff expansion: policy holders through groups and roles', () => {
  const g = (entitlement: string, type: 'iam_user' | 'group' | 'role', resource: string, expandable?: string[]) => ({ id: `${entitlement}:${type}:${resource}`, entitlement, principal: { resourceType: type, resource }, ...(expandable ? { expandable } : {}) });
  const snap = (grants: Snapshot['grants']): Snapshot => ({ version: 1, syncedAt: '', source: {}, resourceTypes: [], resources: [], entitlements: [], grants, warnings: [] });
  const P = 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached';

  test('a member account a snapshot could not read: its AWS-managed policy grants are not reported lost', () => {
    const B = '210987654321';
    const withSource = (grants: Snapshot['grants'], data: string): Snapshot => ({ ...snap(grants), source: { memberAccounts: [{ accountId: B, roleArn: 'r', data }] } });
    const held = g(P, 'iam_user', `arn:aws:iam::${B}:user/bob`);
    const d = diffSnapshots(withSource([held], 'synced'), withSource([], 'missing'));
    expect(d.removed).toEqual([]);
    expect(d.notCompared).toEqual([B]);
  });

  test('a role holding a policy: who may assume it holds it, and on through a role that may assume that one; loops end', () => {
    const held = effectivePolicyHolders(
      snap([
        g(P, 'role', 'R1', ['role:R1:assignment']),
        g('role:R1:assignment', 'role', 'R2', ['role:R2:assignment']),
        g('role:R2:assignment', 'iam_user', 'U'),
        g('role:R2:assignment', 'role', 'R1', ['role:R1:assignment']),
      ]),
    );
    expect([...held.values()].map((h) => [h.principal.resource, h.via.map((p) => p.map((x) => x.resource))])).toEqual([
      ['R2', [['R1']]],
      ['U', [['R1', 'R2']]],
      ['R1', [['R1', 'R2']]],
    ]);
  });
});
