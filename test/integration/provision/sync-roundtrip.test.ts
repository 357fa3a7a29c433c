/**
 * grant, then sync shows the grant under baton-aws's id; revoke that id, then sync shows it gone. The ids travel
 * from the snapshot to revoke unchanged, an Identity Center membership's too: its grant id is the Identity Store
 * MembershipId (baton-aws's), which revoke resolves to its group and user with sync reads.
 */
import { ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { grantId } from '../../../connector/src/model/ids';
import { grant, planRequest, ProvisionIds, revoke } from '../../../connector/src/provision';
import { syncAws } from '../../../connector/src/sync';
import type { Grant } from '../../../connector/src/sync/types';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';
import { seedWorld, World } from './world';

let moto: Moto;
let ctx: AwsContext;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(ctx);
});
afterAll(async () => {
  ctx.destroy();
  await moto.stop();
});

// per-principal: AWS provisions the permission set to the account on CreateAccountAssignment, moto does not (its
// ListPermissionSetsProvisionedToAccount only reflects ProvisionPermissionSet), so the per-account read misses
// fresh assignments on moto only.
const grants = async () => (await syncAws(ctx, { organizations: true, identityCenter: true, credentialReport: false, assignmentStrategy: 'per-principal' })).snapshot.grants;
const holds = (gs: Grant[], r: ProvisionIds) => gs.find((g) => g.entitlement === r.entitlement && g.principal.resourceType === r.principalType && g.principal.resource === r.principal);

test('grant -> sync shows it under baton-aws\'s grant id; revoke by that id -> sync shows it gone', async () => {
  const requests: ProvisionIds[] = [
    { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.bobArn },
    { entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId },
    { entitlement: w.entitlements.assignment, principalType: 'sso_user', principal: w.sso.aliceId },
    { entitlement: w.entitlements.assignment, principalType: 'sso_group', principal: w.sso.opsId },
  ];
  const before = await grants();
  for (const r of requests) expect(holds(before, r)).toBeUndefined();

  for (const r of requests) expect((await grant(ctx, r)).status).toBe('granted');
  const after = await grants();
  const found = requests.map((r) => holds(after, r)!);
  const [iamGroup, membership, userAssignment, groupAssignment] = found;
  // The ids baton-aws writes (golden table: test/unit/model/baton-aws-ids.test.ts).
  expect(iamGroup.id).toBe(`${w.entitlements.iamGroup}:iam_user:${w.iam.bobArn}`);
  expect(membership.id).toBe(membership.sourceId);
  expect(membership.id).not.toContain(':');
  expect(userAssignment.id).toBe(`grant:sso_user:${w.sso.aliceId}:${w.entitlements.assignment}`);
  expect(groupAssignment.id).toBe(`grant:sso_group:${w.sso.opsId}:${w.entitlements.assignment}`);

  // An Identity Store MembershipId alone names no group: planned as a lookup, no call yet.
  expect(planRequest({ grant: membership.id })).toEqual({ kind: 'sso-membership-id', membershipId: membership.id });
  for (const g of found) {
    const r = await revoke(ctx, { grant: g.id });
    expect(r.status).toBe('revoked');
    // The MembershipId resolved to the grant's own entitlement and principal.
    if (g === membership) expect(r.resolved).toEqual({ entitlement: g.entitlement, principalType: g.principal.resourceType, principal: g.principal.resource });
  }
  // Read back through a client of its own, not the one that revoked.
  const checker = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  try {
    const left = await checker.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: w.sso.devsGroupId }));
    expect(left.GroupMemberships).toEqual([]);
  } finally {
    checker.destroy();
  }
  const revoked = await grants();
  for (const r of requests) expect(holds(revoked, r)).toBeUndefined();
  // carol's membership, seeded before, was never touched.
  expect(revoked.some((g) => g.id === grantId(w.entitlements.iamGroup, { resourceType: 'iam_user', resource: w.iam.carolArn }))).toBe(true);
});
