/**
 * Full syncs against moto over a seeded estate (test/harness/seed-estate.ts): every expected grant and none beyond,
 * the snapshot valid against its schema, byte-identical on a second sync, both assignment strategies agreeing.
 */
import Ajv from 'ajv';
import { createAwsContext } from '../../../connector/src/aws';
import { serializeSnapshot, syncAws, Snapshot } from '../../../connector/src/sync';
import schema from '../../../connector/src/sync/snapshot.schema.json';
import { Moto, MOTO_CREDENTIALS, startMoto } from '../../harness/moto';
import { seedTestEstate, TestEstate } from '../../harness/seed-estate';
import { startScimResponder } from '../../harness/scim-responder';

let moto: Moto;
let estate: TestEstate;
const ctxFor = () => createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 });
const FULL = { organizations: true, identityCenter: true, syncedAt: '2026-01-01T00:00:00.000Z' };
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const ctx = ctxFor();
  estate = await seedTestEstate(ctx);
  ctx.destroy();
});
afterAll(() => moto.stop());

async function sync(opts: Parameters<typeof syncAws>[1] = FULL) {
  const ctx = ctxFor();
  try {
    return await syncAws(ctx, opts);
  } finally {
    ctx.destroy();
  }
}

const find = (s: Snapshot, type: string, pred: (r: Snapshot['resources'][number]) => boolean) => s.resources.filter((r) => r.id.resourceType === type && pred(r));

test('a full sync yields exactly the expected grants, valid against the schema', async () => {
  const { snapshot, stats } = await sync();
  expect(validate(snapshot)).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
  expect(snapshot.grants.map((g) => g.id)).toEqual(estate.expectedGrants);
  expect(stats.counts).toEqual({ account: 3, group: 13, iam_user: 34, identity_provider: 2, role: 28, sso_group: 3, sso_user: 3 });
  // The suspended account is a warning, not a resource.
  expect(snapshot.warnings).toEqual([{ source: 'organizations:account', message: `account ${estate.accounts.suspended} (retired) is SUSPENDED: left out, with its Identity Center assignments` }]);
  expect(snapshot.resources.some((r) => r.id.resource === estate.accounts.suspended)).toBe(false);
});

test('a user allowed and then denied by the same trust policy is not granted the role', async () => {
  const { snapshot } = await sync();
  const role = find(snapshot, 'role', (r) => r.displayName === 'allowed-then-denied')[0];
  expect(role).toBeDefined();
  expect(snapshot.grants.filter((g) => g.entitlement === `role:${role.id.resource}:assignment`)).toEqual([]);
});

test('IAM calls are the GAAD crawl and the fixed list calls, never per entity', async () => {
  const { stats } = await sync();
  const iam = Object.entries(stats.calls).filter(([k]) => k.startsWith('iam:'));
  expect(Object.fromEntries(iam)).toEqual({
    'iam:GenerateCredentialReport': 1,
    'iam:GetAccountAuthorizationDetails': 1,
    'iam:GetCredentialReport': 1,
    'iam:ListAccountAliases': 1,
    'iam:ListOpenIDConnectProviders': 1,
    'iam:ListSAMLProviders': 1,
  });
});

test('profiles: emails, paths, aliases, trust details; no external ID in the snapshot', async () => {
  const { snapshot } = await sync();
  const text = serializeSnapshot(snapshot);
  expect(text).not.toContain('not-a-real-external-id');
  const alice = find(snapshot, 'iam_user', (r) => r.displayName === 'alice@example.com')[0];
  expect(alice.profile).toMatchObject({ aws_path: '/eng/', emails: [{ address: 'alice@example.com', primary: true }] });
  expect(alice.profile.aws_password_last_used).toBe('not_supported');
  const carol = find(snapshot, 'iam_user', (r) => r.displayName === 'carol')[0];
  expect(carol.profile.emails).toEqual([{ address: 'carol@example.com', primary: true }]);
  const odd = find(snapshot, 'iam_user', (r) => r.displayName === 'b.o+b=ops,1@corp-x')[0];
  expect(odd.id.resource).toBe('arn:aws:iam::123456789012:user/a+b=c,d.e@f-g/b.o+b=ops,1@corp-x');
  const cross = find(snapshot, 'role', (r) => r.displayName === 'cross-account-role')[0];
  expect(cross.profile.aws_trusted_accounts).toEqual(['210987654321']);
  expect(find(snapshot, 'role', (r) => r.displayName === 'service-role')[0].profile.aws_trusted_services).toEqual(['ec2.amazonaws.com']);
  const me = find(snapshot, 'account', (r) => r.id.resource === '123456789012')[0];
  expect(me.profile.aws_account_aliases).toEqual(['c1-test-estate']);
  expect(snapshot.source).toMatchObject({ accountId: '123456789012', partition: 'aws', accountAliases: ['c1-test-estate'] });
});

test('federated grants keep their audience conditions; role and group grants are expandable', async () => {
  const { snapshot } = await sync();
  const saml = snapshot.grants.find((g) => g.principal.resource === estate.samlArn)!;
  expect(saml.conditions).toEqual([{ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }]);
  const oidc = snapshot.grants.find((g) => g.principal.resource === estate.oidcArn)!;
  expect(oidc.conditions).toEqual([{ StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }]);
  const roleGrant = snapshot.grants.find((g) => g.principal.resourceType === 'role')!;
  expect(roleGrant.expandable).toEqual([`role:${roleGrant.principal.resource}:assignment`]);
  const groupAssignments = snapshot.grants.filter((g) => g.principal.resourceType === 'sso_group' && g.entitlement.includes('|'));
  expect(groupAssignments).toHaveLength(3);
  for (const g of groupAssignments) {
    expect(g.id).toBe(`grant:sso_group:${g.principal.resource}:${g.entitlement}`);
    expect(g.expandable).toEqual([`sso_group:${g.principal.resource}:member`]);
  }
  // An Identity Center membership's grant id is its MembershipId (baton-aws's), also kept as sourceId.
  const memberships = snapshot.grants.filter((g) => g.entitlement.startsWith('sso_group:'));
  expect(memberships).toHaveLength(3);
  for (const g of memberships) expect(g.id).toBe(g.sourceId);
  // Every grant names an entitlement and a principal that the snapshot holds.
  const ents = new Set(snapshot.entitlements.map((e) => e.id));
  const res = new Set(snapshot.resources.map((r) => `${r.id.resourceType}:${r.id.resource}`));
  for (const g of snapshot.grants) {
    expect(ents.has(g.entitlement)).toBe(true);
    expect(res.has(`${g.principal.resourceType}:${g.principal.resource}`)).toBe(true);
  }
  // One entitlement per permission set per active account.
  expect(snapshot.entitlements.filter((e) => e.resource.resourceType === 'account')).toHaveLength(3 * 3);
});

test('syncing twice gives byte-identical snapshots', async () => {
  const a = serializeSnapshot((await sync()).snapshot);
  const b = serializeSnapshot((await sync({ ...FULL, concurrency: 1 })).snapshot);
  expect(b).toBe(a);
});

test('per-principal and per-account assignment reads agree', async () => {
  const perAccount = await sync({ ...FULL, assignmentStrategy: 'per-account' });
  const perPrincipal = await sync({ ...FULL, assignmentStrategy: 'per-principal' });
  expect(perPrincipal.snapshot.grants).toEqual(perAccount.snapshot.grants);
  expect(perPrincipal.stats.calls['sso:ListAccountAssignmentsForPrincipal']).toBe(6);
  expect(perAccount.stats.calls['sso:ListAccountAssignments']).toBeGreaterThan(0);
  // auto: 6 principals vs 3 accounts -> lists the pairs (3 accounts x 2 provisioned = 6), a tie -> per account.
  const auto = await sync();
  expect(auto.stats.assignmentStrategy).toBe('per-account');
});

test('IAM only: no organization or Identity Center calls, the caller account stands alone', async () => {
  const { snapshot, stats } = await sync({ syncedAt: FULL.syncedAt });
  expect(validate(snapshot)).toBe(true);
  expect(snapshot.grants.map((g) => g.id)).toEqual(estate.expectedIamGrants);
  expect(Object.keys(stats.calls).filter((k) => !k.startsWith('iam:') && !k.startsWith('sts:'))).toEqual([]);
  expect(find(snapshot, 'account', () => true).map((r) => r.displayName)).toEqual(['c1-test-estate']);
});

test('SCIM gives the status of users the Identity Store gives none (moto never does)', async () => {
  const token = 'scim-token-0123456789abcdef';
  const ids = estate.ssoUserIds;
  const scim = await startScimResponder(token, { [ids['ic-alice@example.com']]: true, [ids['ic-bob']]: false });
  try {
    const { snapshot } = await sync({ ...FULL, scim: { endpoint: scim.endpoint, token } });
    const status = Object.fromEntries(find(snapshot, 'sso_user', () => true).map((r) => [r.profile.aws_user_name, r.status]));
    expect(status).toEqual({ 'ic-alice@example.com': 'enabled', 'ic-bob': 'disabled', 'ic-carol': undefined });
    expect(scim.requests).toHaveLength(3);
    expect(serializeSnapshot(snapshot)).not.toContain(token);
    // A wrong token is a denial of an optional source: a warning, and no status.
    const denied = await sync({ ...FULL, scim: { endpoint: scim.endpoint, token: 'wrong-token-0123456789' } });
    expect(denied.snapshot.warnings.map((w) => w.source)).toContain('SCIM user status');
    expect(JSON.stringify(denied.snapshot.warnings)).not.toContain('wrong-token');
  } finally {
    await scim.stop();
  }
});

test('Organizations enabled without an organization: a warning, the caller account alone', async () => {
  const other = await startMoto();
  const saved = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = other.endpoint;
  try {
    const { snapshot } = await sync(FULL);
    expect(snapshot.warnings.map((w) => w.source)).toEqual(['organizations:DescribeOrganization']);
    expect(snapshot.resources.filter((r) => r.id.resourceType === 'account').map((r) => r.id.resource)).toEqual(['123456789012']);
  } finally {
    process.env.AWS_ENDPOINT_URL = saved;
    await other.stop();
  }
});
