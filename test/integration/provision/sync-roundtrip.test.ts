/**
 * grant, then sync shows the grant under the id revoke takes; revoke that id, then sync shows it gone. The ids
 * travel from the snapshot to revoke unchanged, for all three kinds.
 */
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { grantId } from '../../../connector/src/model/ids';
import { grant, ProvisionIds, revoke } from '../../../connector/src/provision';
import { syncAws } from '../../../connector/src/sync';
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
const grantIds = async () =>
  new Set((await syncAws(ctx, { organizations: true, identityCenter: true, credentialReport: false, assignmentStrategy: 'per-principal' })).snapshot.grants.map((g) => g.id));
const idOf = (r: ProvisionIds) => grantId(r.entitlement, { resourceType: r.principalType as 'iam_user', resource: r.principal });

test('grant -> sync shows it; revoke by the snapshot grant id -> sync shows it gone', async () => {
  const requests: ProvisionIds[] = [
    { entitlement: w.entitlements.iamGroup, principalType: 'iam_user', principal: w.iam.bobArn },
    { entitlement: w.entitlements.ssoGroup, principalType: 'sso_user', principal: w.sso.aliceId },
    { entitlement: w.entitlements.assignment, principalType: 'sso_user', principal: w.sso.aliceId },
    { entitlement: w.entitlements.assignment, principalType: 'sso_group', principal: w.sso.opsId },
  ];
  const before = await grantIds();
  for (const r of requests) expect(before.has(idOf(r))).toBe(false);

  for (const r of requests) expect((await grant(ctx, r)).status).toBe('granted');
  const granted = await grantIds();
  expect(requests.map(idOf).filter((id) => !granted.has(id))).toEqual([]);

  for (const r of requests) expect((await revoke(ctx, { grant: idOf(r) })).status).toBe('revoked');
  const revoked = await grantIds();
  for (const r of requests) expect(revoked.has(idOf(r))).toBe(false);
  // carol's membership, seeded before, was never touched.
  expect(revoked.has(grantId(w.entitlements.iamGroup, { resourceType: 'iam_user', resource: w.iam.carolArn }))).toBe(true);
});
