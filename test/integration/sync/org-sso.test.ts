/**
 * The opt-in permission-set and organization-hierarchy reads against moto over HTTP (moto 5.2.1 serves every call
 * they make: ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ListManagedPoliciesInPermissionSet,
 * ListCustomerManagedPolicyReferencesInPermissionSet, GetInlinePolicyForPermissionSet). The seed: the test estate
 * (seed-estate.ts) plus nested OUs holding its accounts (one OU with more children than a page), and permission sets
 * with an AWS-managed policy, a customer-managed reference and an inline policy.
 */
import Ajv from 'ajv';
import { CreateOrganizationalUnitCommand, ListRootsCommand, MoveAccountCommand } from '@aws-sdk/client-organizations';
import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  ListPermissionSetsCommand,
  DescribePermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { createAwsContext, AwsContext } from '../../../connector/src/aws';
import { serializeSnapshot, syncAws, Snapshot, SyncOptions } from '../../../connector/src/sync';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import schema from '../../../connector/src/sync/snapshot.schema.json';
import { Moto, MOTO_CREDENTIALS, startMoto } from '../../harness/moto';
import { seedTestEstate, TestEstate } from '../../harness/seed-estate';

let moto: Moto;
let estate: TestEstate;
const ctxFor = () => createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 });
const BASE = { organizations: true, identityCenter: true, syncedAt: '2026-01-01T00:00:00.000Z' };
const ON = { ...BASE, optIn: { permission_sets: true, organization_hierarchy: true } };
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const NEW_ACTIONS = [
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'sso:ListManagedPoliciesInPermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:GetInlinePolicyForPermissionSet',
];
const INLINE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** What the seed built beyond the test estate. */
let root: string;
let ou: { workloads: string; prod: string; sandbox: string; sandboxChildren: string[] };
let ps: Record<string, string>;
/** The toggles-off snapshot before the hierarchy and policies were seeded. */
let offBefore: string;

async function sync(opts: SyncOptions) {
  const ctx = ctxFor();
  try {
    return await syncAws(ctx, opts);
  } finally {
    ctx.destroy();
  }
}

async function seedHierarchyAndPolicies(ctx: AwsContext): Promise<void> {
  root = (await ctx.organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
  const createOu = async (parent: string, name: string) => (await ctx.organizations.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!.Id!;
  const workloads = await createOu(root, 'Workloads');
  const prod = await createOu(workloads, 'Prod');
  const sandbox = await createOu(root, 'Sandbox');
  // 21 children: more than one page of ListOrganizationalUnitsForParent (moto's and AWS's page: 20).
  const sandboxChildren: string[] = [];
  for (let i = 0; i < 21; i++) sandboxChildren.push(await createOu(sandbox, `team-${String(i).padStart(2, '0')}`));
  ou = { workloads, prod, sandbox, sandboxChildren };
  await ctx.organizations.send(new MoveAccountCommand({ AccountId: estate.accounts.a, SourceParentId: root, DestinationParentId: prod }));
  await ctx.organizations.send(new MoveAccountCommand({ AccountId: estate.accounts.b, SourceParentId: root, DestinationParentId: workloads }));

  const InstanceArn = estate.ic.instanceArn;
  ps = {};
  for (const arn of (await ctx.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn }))).PermissionSets!) {
    ps[(await ctx.ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn: arn }))).PermissionSet!.Name!] = arn;
  }
  await ctx.ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn: ps.Admin, ManagedPolicyArn: ADMIN_POLICY }));
  await ctx.ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn: ps.ReadOnly, ManagedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  await ctx.ssoAdmin.send(new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({ InstanceArn, PermissionSetArn: ps.Admin, CustomerManagedPolicyReference: { Name: 'c1-boundary', Path: '/c1/' } }));
  await ctx.ssoAdmin.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn: ps.Admin, InlinePolicy: INLINE }));
}

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const ctx = ctxFor();
  estate = await seedTestEstate(ctx);
  offBefore = serializeSnapshot((await sync(BASE)).snapshot);
  await seedHierarchyAndPolicies(ctx);
  ctx.destroy();
});
afterAll(() => moto.stop());

const byType = (s: Snapshot, type: string) => s.resources.filter((r) => r.id.resourceType === type);

test('with the toggles off nothing changes: same bytes, and none of the new calls', async () => {
  const { snapshot, stats } = await sync(BASE);
  // The hierarchy and the policies exist now, but a sync that did not ask for them neither reads nor writes them.
  expect(serializeSnapshot(snapshot)).toBe(offBefore);
  expect(Object.keys(stats.calls).filter((k) => NEW_ACTIONS.includes(k))).toEqual([]);
});

test('the organization root, the OU tree and each account parent, with baton-aws ids', async () => {
  const { snapshot } = await sync(ON);
  expect(validate(snapshot)).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
  expect(byType(snapshot, 'organization').map((r) => ({ id: r.id, parent: r.parent, name: r.displayName }))).toEqual([{ id: { resourceType: 'organization', resource: root }, parent: undefined, name: 'Root' }]);
  const units = new Map(byType(snapshot, 'organizational_unit').map((r) => [r.id.resource, r]));
  expect(units.size).toBe(3 + 21);
  expect(units.get(ou.workloads)!.parent).toEqual({ resourceType: 'organization', resource: root });
  expect(units.get(ou.prod)!.parent).toEqual({ resourceType: 'organizational_unit', resource: ou.workloads });
  expect(units.get(ou.prod)!.displayName).toBe('Prod');
  for (const child of ou.sandboxChildren) expect(units.get(child)!.parent).toEqual({ resourceType: 'organizational_unit', resource: ou.sandbox });
  const accountParent = Object.fromEntries(byType(snapshot, 'account').map((r) => [r.id.resource, r.parent]));
  expect(accountParent).toEqual({
    [estate.accountId]: { resourceType: 'organization', resource: root },
    [estate.accounts.a]: { resourceType: 'organizational_unit', resource: ou.prod },
    [estate.accounts.b]: { resourceType: 'organizational_unit', resource: ou.workloads },
  });
  // The types carry baton-aws's display names and traits (resource_types.go:195-281).
  expect(snapshot.resourceTypes.filter((t) => ['organization', 'organizational_unit', 'permission_set', 'inline_policy'].includes(t.id))).toEqual([
    { id: 'inline_policy', displayName: 'Inline Policy', traits: ['role'] },
    { id: 'organization', displayName: 'Organization Root', traits: [] },
    { id: 'organizational_unit', displayName: 'Organizational Unit', traits: [] },
    { id: 'permission_set', displayName: 'Permission Set', traits: ['role'] },
  ]);
});

test('permission sets with their managed policies as grants, the customer-managed reference and the inline policy', async () => {
  const { snapshot } = await sync(ON);
  const sets = byType(snapshot, 'permission_set');
  expect(sets.map((r) => [r.id.resource, r.displayName]).sort()).toEqual(Object.entries(ps).map(([name, arn]) => [arn, name]).sort());
  expect(sets.find((r) => r.id.resource === ps.Admin)!.profile.aws_customer_managed_policies).toEqual([{ name: 'c1-boundary', path: '/c1/' }]);
  expect(sets.find((r) => r.id.resource === ps.Unused)!.profile.aws_customer_managed_policies).toBeUndefined();
  const psGrants = snapshot.grants.filter((g) => g.principal.resourceType === 'permission_set').map((g) => g.id);
  const inlineId = `${ps.Admin}::inline::inline`;
  expect(psGrants).toEqual(
    [
      `iam_policy:${ADMIN_POLICY}:attached:permission_set:${ps.Admin}`,
      `iam_policy:arn:aws:iam::aws:policy/ReadOnlyAccess:attached:permission_set:${ps.ReadOnly}`,
      `inline_policy:${inlineId}:attached:permission_set:${ps.Admin}`,
    ].sort(),
  );
  const inline = snapshot.resources.filter((r) => r.id.resourceType === 'inline_policy');
  expect(inline).toEqual([
    { id: { resourceType: 'inline_policy', resource: inlineId }, parent: { resourceType: 'permission_set', resource: ps.Admin }, displayName: 'inline', profile: { aws_parent_arn: ps.Admin, aws_policy_name: 'inline', policy_document: INLINE } },
  ]);
  expect(snapshot.entitlements.filter((e) => e.resource.resourceType === 'inline_policy')).toEqual([
    { id: `inline_policy:${inlineId}:attached`, resource: { resourceType: 'inline_policy', resource: inlineId }, slug: 'attached', displayName: 'inline Inline Policy', description: 'Has the inline inline policy in AWS', grantableTo: ['permission_set'] },
  ]);
  // The opt-in types leave the rest as it was: the same grants as without them, plus the permission-set ones.
  const off = await sync(BASE);
  expect(snapshot.grants.filter((g) => g.principal.resourceType !== 'permission_set').map((g) => g.id)).toEqual(off.snapshot.grants.map((g) => g.id));
  expect(snapshot.source.features).toEqual({ ...(off.snapshot.source.features as object), permissionSets: true, organizationHierarchy: true });
});

test('calls: 1 ListRoots, one ListOrganizationalUnitsForParent and one ListAccountsForParent per parent and page, three reads per permission set', async () => {
  const { stats } = await sync(ON);
  const parents = 1 + 3 + 21;
  expect(Object.fromEntries(NEW_ACTIONS.map((a) => [a, stats.calls[a]]))).toEqual({
    'organizations:ListRoots': 1,
    // Sandbox's 21 children take two pages.
    'organizations:ListOrganizationalUnitsForParent': parents + 1,
    'organizations:ListAccountsForParent': parents,
    'sso:ListManagedPoliciesInPermissionSet': 3,
    'sso:ListCustomerManagedPolicyReferencesInPermissionSet': 3,
    'sso:GetInlinePolicyForPermissionSet': 3,
  });
  // No per-account ListParents (baton-aws's way): one call per parent instead.
  expect(stats.calls['organizations:ListParents']).toBeUndefined();
});

test('each toggle alone reads only its own data', async () => {
  const hierarchyOnly = await sync({ ...BASE, optIn: { organization_hierarchy: true } });
  expect(byType(hierarchyOnly.snapshot, 'permission_set')).toEqual([]);
  expect(Object.keys(hierarchyOnly.stats.calls).filter((k) => k.startsWith('sso:') && NEW_ACTIONS.includes(k))).toEqual([]);
  const setsOnly = await sync({ ...BASE, optIn: { permission_sets: true } });
  expect(byType(setsOnly.snapshot, 'organizational_unit')).toEqual([]);
  expect(byType(setsOnly.snapshot, 'account').every((r) => r.parent === undefined)).toBe(true);
  expect(Object.keys(setsOnly.stats.calls).filter((k) => k.startsWith('organizations:') && NEW_ACTIONS.includes(k))).toEqual([]);
  // A toggle without its feature does nothing: permission sets need Identity Center, the hierarchy Organizations.
  const iamOnly = await sync({ syncedAt: BASE.syncedAt, optIn: { permission_sets: true, organization_hierarchy: true } });
  expect(Object.keys(iamOnly.stats.calls).filter((k) => NEW_ACTIONS.includes(k))).toEqual([]);
});

test('a type selection without organizational_unit parents accounts to roots only; without organization, no tree (baton-aws account.go:206-221)', async () => {
  const rootsOnly = await sync({ ...ON, resourceTypes: ['account', 'organization'] });
  const parents = Object.fromEntries(byType(rootsOnly.snapshot, 'account').map((r) => [r.id.resource, r.parent]));
  expect(parents).toEqual({ [estate.accountId]: { resourceType: 'organization', resource: root }, [estate.accounts.a]: undefined, [estate.accounts.b]: undefined });
  expect(rootsOnly.stats.calls['organizations:ListOrganizationalUnitsForParent']).toBeUndefined();
  expect(rootsOnly.stats.calls['organizations:ListAccountsForParent']).toBe(1);
  const noRoot = await sync({ ...ON, resourceTypes: ['account', 'organizational_unit'] });
  expect(byType(noRoot.snapshot, 'account').every((r) => r.parent === undefined)).toBe(true);
  expect(Object.keys(noRoot.stats.calls).filter((k) => k.startsWith('organizations:') && NEW_ACTIONS.includes(k))).toEqual([]);
});

test('a type selection without iam_policy writes no managed-policy grants and skips their list (baton-aws connector.go:268)', async () => {
  const { snapshot, stats } = await sync({ ...ON, resourceTypes: ['permission_set', 'inline_policy'] });
  expect(snapshot.grants.filter((g) => g.principal.resourceType === 'permission_set').map((g) => g.entitlement)).toEqual([`inline_policy:${ps.Admin}::inline::inline:attached`]);
  expect(stats.calls['sso:ListManagedPoliciesInPermissionSet']).toBeUndefined();
  expect(stats.calls['sso:ListCustomerManagedPolicyReferencesInPermissionSet']).toBe(3);
  // A selection without permission_set reads none of its policies, the toggle notwithstanding.
  const without = await sync({ ...ON, resourceTypes: ['account', 'organization', 'organizational_unit'] });
  expect(Object.keys(without.stats.calls).filter((k) => k.startsWith('sso:') && NEW_ACTIONS.includes(k))).toEqual([]);
});

test('diff reports an account moved between OUs and a permission set gaining a managed policy', async () => {
  const before = (await sync(ON)).snapshot;
  const ctx = ctxFor();
  try {
    await ctx.organizations.send(new MoveAccountCommand({ AccountId: estate.accounts.b, SourceParentId: ou.workloads, DestinationParentId: ou.sandbox }));
    await ctx.ssoAdmin.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: estate.ic.instanceArn, PermissionSetArn: ps.ReadOnly, ManagedPolicyArn: ADMIN_POLICY }));
    await ctx.ssoAdmin.send(
      new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({ InstanceArn: estate.ic.instanceArn, PermissionSetArn: ps.ReadOnly, CustomerManagedPolicyReference: { Name: 'extra' } }),
    );
  } finally {
    ctx.destroy();
  }
  const after = (await sync(ON)).snapshot;
  const d = diffSnapshots(before, after);
  expect(d.added.map((c) => [c.principal, c.entitlement])).toEqual([[`permission_set:${ps.ReadOnly}`, `iam_policy:${ADMIN_POLICY}:attached`]]);
  expect(d.removed).toEqual([]);
  expect(d.resourceChanges).toEqual([
    { resource: `account:${estate.accounts.b}`, resourceName: 'workloads-b', field: 'parent', before: `organizational_unit:${ou.workloads}`, after: `organizational_unit:${ou.sandbox}` },
    { resource: `permission_set:${ps.ReadOnly}`, resourceName: 'ReadOnly', field: 'aws_customer_managed_policies', before: undefined, after: [{ name: 'extra', path: '/' }] },
  ]);
  const text = formatDiff(d);
  expect(text).toContain(`ReadOnly (permission_set:${ps.ReadOnly})`);
  expect(text).toContain(`workloads-b (account:${estate.accounts.b}) moved: organizational_unit:${ou.workloads} -> organizational_unit:${ou.sandbox}`);
  // Without changes, no resourceChanges key at all (earlier diff output keeps its bytes).
  expect('resourceChanges' in diffSnapshots(after, after)).toBe(false);
});
