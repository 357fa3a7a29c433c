/**
 * baton-sdk's --sync-resource-types against moto: a selection writes exactly the full sync's resources, entitlements
 * and grants of the selected types (nothing of the others), and the reads that feed none of them are not made (call
 * counts). The engine filter (sync/engine.ts) and each phase's resourceTypes (sync/aws/phases.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAwsContext } from '../../../connector/src/aws';
import { syncAws, Snapshot } from '../../../connector/src/sync';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';
import { runMain } from '../../harness/cli-main';
import { seedTestEstate } from '../../harness/seed-estate';

let moto: Moto;
let full: Snapshot;
let dir: string;
const ctxFor = () => createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
const FULL = { organizations: true, identityCenter: true, syncedAt: '2026-01-01T00:00:00.000Z' };

async function sync(resourceTypes?: string[]) {
  const ctx = ctxFor();
  try {
    return await syncAws(ctx, { ...FULL, ...(resourceTypes ? { resourceTypes } : {}) });
  } finally {
    ctx.destroy();
  }
}

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const ctx = ctxFor();
  await seedTestEstate(ctx);
  ctx.destroy();
  full = (await sync()).snapshot;
  dir = mkdtempSync(path.join(tmpdir(), 'c1-types-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  return moto.stop();
});

/** The full snapshot cut down to the types, by the type of each grant's entitlement's resource. */
function expected(types: string[]) {
  const entitlementType = new Map(full.entitlements.map((e) => [e.id, e.resource.resourceType as string]));
  return {
    resources: full.resources.filter((r) => types.includes(r.id.resourceType)),
    entitlements: full.entitlements.filter((e) => types.includes(e.resource.resourceType)),
    grants: full.grants.filter((g) => types.includes(entitlementType.get(g.entitlement)!)),
  };
}

const services = (calls: Record<string, number>) => [...new Set(Object.keys(calls).map((k) => k.split(':')[0]))].sort();

test('the full sync has every type the selections below cut from it', () => {
  expect([...new Set(full.resources.map((r) => r.id.resourceType))].sort()).toEqual(['account', 'group', 'iam_user', 'identity_provider', 'role', 'sso_group', 'sso_user']);
  expect(full.grants.length).toBeGreaterThan(0);
});

test.each([[['iam_user']], [['group', 'role']], [['identity_provider']], [['sso_group']], [['sso_user']], [['account']], [['account', 'iam_user', 'sso_group']]])(
  '%j: exactly the full sync\'s resources, entitlements and grants of those types',
  async (types) => {
    const { snapshot } = await sync(types);
    const want = expected(types);
    expect(want.resources.length).toBeGreaterThan(0);
    expect({ resources: snapshot.resources, entitlements: snapshot.entitlements, grants: snapshot.grants }).toEqual(want);
    expect(snapshot.resourceTypes.map((t) => t.id).sort()).toEqual([...types].sort());
    expect(snapshot.source.resourceTypes).toEqual(types);
  },
);

test('iam_user: only the IAM crawl and the credential report, no Organizations, Identity Center or provider reads', async () => {
  const { stats } = await sync(['iam_user']);
  expect(services(stats.calls)).toEqual(['iam', 'sts']);
  expect(Object.keys(stats.calls).filter((k) => k.startsWith('iam:')).sort()).toEqual(['iam:GenerateCredentialReport', 'iam:GetAccountAuthorizationDetails', 'iam:GetCredentialReport']);
});

test('sso_group: the Identity Store reads only, no IAM crawl, no accounts, no permission sets or assignments', async () => {
  const { stats } = await sync(['sso_group']);
  expect(services(stats.calls)).toEqual(['identitystore', 'sso', 'sts']);
  expect(Object.keys(stats.calls).filter((k) => k.startsWith('sso:'))).toEqual(['sso:ListInstances']);
  expect(stats.calls['identitystore:ListGroups']).toBe(1);
});

test('identity_provider: the provider lists, nothing else', async () => {
  const { stats } = await sync(['identity_provider']);
  expect(Object.keys(stats.calls).sort()).toEqual(['iam:ListOpenIDConnectProviders', 'iam:ListSAMLProviders', 'sts:GetCallerIdentity']);
});

test('account: the accounts, permission sets and assignments; no IAM crawl, no memberships', async () => {
  const { stats } = await sync(['account']);
  expect(stats.calls['iam:GetAccountAuthorizationDetails']).toBeUndefined();
  expect(stats.calls['iam:GenerateCredentialReport']).toBeUndefined();
  expect(stats.calls['identitystore:ListGroupMemberships'] ?? 0).toBe(0);
  expect(stats.calls['organizations:ListAccounts']).toBeGreaterThan(0);
  expect(stats.calls['sso:ListPermissionSets']).toBeGreaterThan(0);
});

test('no selection: every phase runs as before (the filter is off)', async () => {
  const { snapshot, stats } = await sync();
  expect(snapshot.source.resourceTypes).toBeUndefined();
  expect(services(stats.calls)).toEqual(['iam', 'identitystore', 'organizations', 'sso', 'sts']);
});

test('diff of a full and a selected snapshot: the types one side did not read are not compared, not "removed"', async () => {
  const { snapshot: groups } = await sync(['group']);
  const d = diffSnapshots(full, groups);
  expect({ added: d.added, removed: d.removed, changed: d.changed }).toEqual({ added: [], removed: [], changed: [] });
  expect(d.typesNotCompared).toEqual(['account', 'role', 'sso_group']);
  expect(formatDiff(d)).toBe('no grant changes\nnot compared (resource types one snapshot did not read, --sync-resource-types): account, role, sso_group\n');
  // The group grants themselves are still compared: one taken away shows.
  const fewer = { ...groups, grants: groups.grants.slice(1) };
  expect(diffSnapshots(full, fewer).removed.map((c) => c.grant)).toEqual([groups.grants[0].id]);
  // Two full snapshots: nothing left out.
  expect(diffSnapshots(full, full).typesNotCompared).toBeUndefined();
});

describe('c1-aws sync --sync-resource-types', () => {
  const env = () => ({ PATH: process.env.PATH, ...moto.env, AWS_EC2_METADATA_DISABLED: 'true' });
  const FEATURES = ['--global-aws-orgs-enabled', '--global-aws-sso-enabled=true', '--global-aws-cross-account-iam-enabled', 'false', '--global-aws-sso-region', MOTO_REGION];

  test('from the flag and from BATON_SYNC_RESOURCE_TYPES: the snapshot holds those types only', async () => {
    const out = path.join(dir, 'groups.json');
    const r = await runMain(['sync', '-o', out, '-q', ...FEATURES, '--sync-resource-types', 'group, sso_group'], env());
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
    expect(snap.resources).toEqual(expected(['group', 'sso_group']).resources);
    const fromEnv = path.join(dir, 'roles.json');
    const e = await runMain(['sync', '-o', fromEnv, '--quiet=true', ...FEATURES], { ...env(), BATON_SYNC_RESOURCE_TYPES: 'role' });
    expect(e.code).toBe(0);
    expect((JSON.parse(readFileSync(fromEnv, 'utf8')) as Snapshot).resources).toEqual(expected(['role']).resources);
  });

  test('permission_set_assignment is accepted and yields nothing (we do not produce it)', async () => {
    const out = path.join(dir, 'psa.json');
    const r = await runMain(['sync', '-o', out, '-q', ...FEATURES, '--sync-resource-types', 'permission_set_assignment'], env());
    expect(r.code).toBe(0);
    const snap = JSON.parse(readFileSync(out, 'utf8')) as Snapshot;
    expect({ resources: snap.resources, grants: snap.grants }).toEqual({ resources: [], grants: [] });
  });
});
