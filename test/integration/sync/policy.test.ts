/**
 * Policy rule: every AWS call sync makes is an action of an enabled capability document, and every sync document
 * action is called by c1-aws (sync, or the reads grant/revoke make before writing) or listed as
 * hosted_connector_only (ConductorOne's own connector calls it). Calls are recorded (ctx.calls) over full syncs
 * against moto with each assignment strategy, an IAM group grant and revoke, plus the per-permission-set pair
 * listing, which only a stub can show (see test/unit/sync/aws-sources.test.ts).
 */
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { createAwsContext } from '../../../connector/src/aws';
import { grant, revoke } from '../../../connector/src/provision';
import { capability, CapabilityId } from '../../../connector/src/policy/capabilities';
import { syncAws } from '../../../connector/src/sync';
import { Moto, MOTO_CREDENTIALS, startMoto } from '../../harness/moto';
import { seedTestEstate } from '../../harness/seed-estate';

/** Calls that need no permission of the role: GetCallerIdentity never does; AssumeRole is made by the caller. */
const NEEDS_NO_ROLE_PERMISSION = new Set(['sts:GetCallerIdentity', 'sts:AssumeRole']);
/** Called only on the per-permission-set path, which moto cannot serve (stub-tested). */
const STUB_ONLY_CALLS = ['sso:ListAccountsForProvisionedPermissionSet'];

const CAPABILITY_OF: Record<string, CapabilityId> = { iam: 'iam_sync', organizations: 'organizations_sync', sso: 'identity_center_sync', identitystore: 'identity_center_sync' };
/** The opt-in reads' actions belong to their own capability, not their service's base one. */
const OPT_IN_CAPABILITY_OF: Record<string, CapabilityId> = {
  'sso:ListManagedPoliciesInPermissionSet': 'permission_set_sync',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet': 'permission_set_sync',
  'sso:GetInlinePolicyForPermissionSet': 'permission_set_sync',
  'organizations:ListRoots': 'organization_hierarchy_sync',
  'organizations:ListOrganizationalUnitsForParent': 'organization_hierarchy_sync',
  'organizations:ListAccountsForParent': 'organization_hierarchy_sync',
};
const SYNC_CAPABILITIES: CapabilityId[] = ['iam_sync', 'organizations_sync', 'identity_center_sync', 'permission_set_sync', 'organization_hierarchy_sync'];

let moto: Moto;
/** Every call c1-aws made here; syncCalls: those of sync alone. */
const called = new Set<string>();
let syncCalls = new Set<string>();

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 });
  await seedTestEstate(setup);
  setup.destroy();
  for (const assignmentStrategy of ['per-account', 'per-principal'] as const) {
    const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1, assume: { roleArn: 'arn:aws:iam::123456789012:role/C1', externalId: 'e'.repeat(32) } });
    // With the opt-in permission-set and hierarchy reads (toggles.permission_sets, toggles.organization_hierarchy).
    await syncAws(ctx, { organizations: true, identityCenter: true, assignmentStrategy, optIn: { permission_sets: true, organization_hierarchy: true } });
    for (const k of Object.keys(ctx.calls.toJSON())) called.add(k);
    ctx.destroy();
  }
  for (const k of STUB_ONLY_CALLS) called.add(k);
  syncCalls = new Set(called);
  // grant/revoke read iam_sync's iam:GetGroup before writing (their writes are checked in test/integration/provision).
  const user = await setup2().iam.send(new CreateUserCommand({ UserName: 'policy-probe' }));
  const group = await setup2().iam.send(new CreateGroupCommand({ GroupName: 'policy-probe' }));
  await setup2().iam.send(new AddUserToGroupCommand({ UserName: 'policy-probe', GroupName: 'policy-probe' }));
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 });
  const ids = { entitlement: `group:${group.Group!.Arn}:member`, principalType: 'iam_user', principal: user.User!.Arn! };
  await revoke(ctx, ids);
  await grant(ctx, ids);
  for (const k of Object.keys(ctx.calls.toJSON())) if (k.split(':')[0] === 'iam' && !/^iam:(AddUserToGroup|RemoveUserFromGroup)$/.test(k)) called.add(k);
  ctx.destroy();
});
let setupCtx: ReturnType<typeof createAwsContext> | undefined;
const setup2 = () => (setupCtx ??= createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 }));
afterAll(() => setupCtx?.destroy());
afterAll(() => moto.stop());

test('every call sync makes is in its capability document', () => {
  const stray: string[] = [];
  for (const action of syncCalls) {
    if (NEEDS_NO_ROLE_PERMISSION.has(action)) continue;
    const cap = OPT_IN_CAPABILITY_OF[action] ?? CAPABILITY_OF[action.split(':')[0]];
    if (!cap || !capability(cap).actions.includes(action)) stray.push(action);
  }
  expect(stray).toEqual([]);
});

test('every sync document action is called by c1-aws or is hosted-connector-only', () => {
  for (const id of SYNC_CAPABILITIES) {
    const c = capability(id);
    const unused = c.actions.filter((a) => !called.has(a) && !c.hostedConnectorOnly.includes(a));
    expect({ id, unused }).toEqual({ id, unused: [] });
    // And hosted-only actions are really not ours.
    expect({ id, ours: c.hostedConnectorOnly.filter((a) => called.has(a)) }).toEqual({ id, ours: [] });
  }
});
