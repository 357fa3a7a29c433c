/**
 * The opt-in policy and access-key data (toggles policies / access_keys) against moto over HTTP, seeded through real
 * SDK clients: AdministratorAccess attached to a user directly and to a group, inline policies, a user with two
 * access keys of which one is inactive. Ids as baton-aws builds them (literal strings below; the templates are in
 * test/unit/model/baton-aws-ids-policies.test.ts), the IAM calls the same as with the toggles off, `diff` naming
 * who gained a policy through a group.
 *
 * moto (5.2.1) lacks: AWS's "only attached AWS-managed policies" in GAAD's Policies list (moto returns every one it
 * loaded), PolicyName and PolicyId in that list (the name then comes from the ARN), and access-key use in the credential report (last_used_date stays N/A, region and service
 * not_supported): parsing of a report with those filled in is covered by the unit test of parseReportedAccessKeys.
 */
import Ajv from 'ajv';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { createAwsContext } from '../../../connector/src/aws';
import { serializeSnapshot, Snapshot, syncAws } from '../../../connector/src/sync';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import schema from '../../../connector/src/sync/snapshot.schema.json';
import { Moto, MOTO_CREDENTIALS, startMoto } from '../../harness/moto';

const A = '123456789012';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const user = (n: string) => `arn:aws:iam::${A}:user/${n}`;
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const SYNCED_AT = '2026-01-01T00:00:00.000Z';

let moto: Moto;
const ctxFor = () => createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1', maxAttempts: 1 });
let keys: { active: string; inactive: string };

async function sync(opts: Parameters<typeof syncAws>[1] = {}) {
  const ctx = ctxFor();
  try {
    return await syncAws(ctx, { syncedAt: SYNCED_AT, ...opts });
  } finally {
    ctx.destroy();
  }
}
const ON = { optIn: { policies: true, access_keys: true } };
const of = (s: Snapshot, type: string) => s.resources.filter((r) => r.id.resourceType === type);

beforeAll(async () => {
  // AWS-managed policies (AdministratorAccess) exist in moto only when it loads them.
  moto = await startMoto({ loadManagedPolicies: true });
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const ctx = ctxFor();
  const iam = ctx.iam;
  for (const u of ['alice', 'bob', 'carol', 'dave']) await iam.send(new CreateUserCommand({ UserName: u }));
  await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'bob' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: ADMIN }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'admins', PolicyArn: ADMIN }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 's3-read', PolicyDocument: DOC }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'admins', PolicyName: 'group-extra', PolicyDocument: DOC }));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'app-inline', PolicyDocument: DOC }));
  const attached = await iam.send(new CreatePolicyCommand({ PolicyName: 'app-policy', PolicyDocument: DOC, Description: 'for the app' }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: attached.Policy!.Arn! }));
  await iam.send(new CreatePolicyCommand({ PolicyName: 'unused', Path: '/team/', PolicyDocument: DOC }));
  const k1 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))).AccessKey!.AccessKeyId!;
  // A second apart, so the two keys' creation times differ (moto's report has second resolution).
  await new Promise((r) => setTimeout(r, 1100));
  const k2 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))).AccessKey!.AccessKeyId!;
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'dave', AccessKeyId: k1, Status: 'Inactive' }));
  keys = { inactive: k1, active: k2 };
  ctx.destroy();
}, 120000);
afterAll(() => moto.stop());

test('toggles off: no policy or key data, and the same IAM requests', async () => {
  const off = await sync();
  expect(off.snapshot.resourceTypes.map((t) => t.id)).not.toEqual(expect.arrayContaining(['iam_policy']));
  for (const t of ['iam_policy', 'inline_policy', 'access-key']) expect(of(off.snapshot, t)).toEqual([]);
  expect(off.snapshot.source.features).toEqual({ organizations: false, identityCenter: false, scim: false, memberAccounts: false });
  // Explicitly off is the same as absent, byte for byte.
  const explicit = await sync({ optIn: { policies: false, access_keys: false } });
  expect(serializeSnapshot(explicit.snapshot)).toBe(serializeSnapshot(off.snapshot));
});

test('managed policies: resources, the attached entitlement and grants with baton-aws ids; group grants expandable', async () => {
  const { snapshot } = await sync(ON);
  expect(validate(snapshot)).toBe(true);
  expect(validate.errors ?? []).toEqual([]);
  const admin = of(snapshot, 'iam_policy').find((r) => r.id.resource === ADMIN)!;
  expect(admin).toMatchObject({ displayName: 'AdministratorAccess', profile: { aws_policy_name: 'AdministratorAccess', aws_policy_arn: ADMIN, aws_managed: 'aws' } });
  // AWS-managed policies have no parent (the same object in every account); customer-managed ones the account.
  expect(admin.parent).toBeUndefined();
  expect(JSON.parse(admin.profile.policy_document as string)).toMatchObject({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const app = of(snapshot, 'iam_policy').find((r) => r.displayName === 'app-policy')!;
  expect(app).toMatchObject({ id: { resource: `arn:aws:iam::${A}:policy/app-policy` }, parent: { resourceType: 'account', resource: A }, profile: { aws_managed: 'customer', aws_attachment_count: 1 } });
  expect(snapshot.entitlements.find((e) => e.id === `iam_policy:${ADMIN}:attached`)).toEqual({
    id: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached',
    resource: { resourceType: 'iam_policy', resource: ADMIN },
    slug: 'attached',
    displayName: 'AdministratorAccess Managed Policy',
    description: 'Has the AdministratorAccess managed policy in AWS',
    grantableTo: ['iam_user', 'role', 'group', 'permission_set'],
  });
  const grants = snapshot.grants.filter((g) => g.entitlement.startsWith('iam_policy:'));
  expect(grants).toEqual([
    { id: 'iam_policy:arn:aws:iam::123456789012:policy/app-policy:attached:role:arn:aws:iam::123456789012:role/app', entitlement: 'iam_policy:arn:aws:iam::123456789012:policy/app-policy:attached', principal: { resourceType: 'role', resource: 'arn:aws:iam::123456789012:role/app' }, expandable: ['role:arn:aws:iam::123456789012:role/app:assignment'] },
    { id: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached:group:arn:aws:iam::123456789012:group/admins', entitlement: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', principal: { resourceType: 'group', resource: 'arn:aws:iam::123456789012:group/admins' }, expandable: ['group:arn:aws:iam::123456789012:group/admins:member'] },
    { id: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached:iam_user:arn:aws:iam::123456789012:user/alice', entitlement: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', principal: { resourceType: 'iam_user', resource: 'arn:aws:iam::123456789012:user/alice' } },
  ]);
  // bob holds AdministratorAccess only through the group: the expansion resolves to him.
  expect(snapshot.grants.find((g) => g.entitlement === 'group:arn:aws:iam::123456789012:group/admins:member')?.principal.resource).toBe(user('bob'));
  // moto returns every AWS-managed policy it loaded; the unattached customer policy is there too.
  expect(of(snapshot, 'iam_policy').some((r) => r.displayName === 'unused')).toBe(true);
});

test('--sync-only-attached-policies keeps only the policies someone holds', async () => {
  const { snapshot } = await sync({ ...ON, syncOnlyAttachedPolicies: true });
  expect(of(snapshot, 'iam_policy').map((r) => r.id.resource).sort()).toEqual([`arn:aws:iam::${A}:policy/app-policy`, ADMIN]);
  expect(snapshot.source.features).toMatchObject({ policies: true, onlyAttachedPolicies: true });
});

test('inline policies: one resource per holder and name, granted to the holder', async () => {
  const { snapshot } = await sync(ON);
  expect(of(snapshot, 'inline_policy').map((r) => [r.id.resource, r.parent, r.displayName])).toEqual([
    ['arn:aws:iam::123456789012:group/admins::inline::group-extra', { resourceType: 'group', resource: 'arn:aws:iam::123456789012:group/admins' }, 'group-extra'],
    ['arn:aws:iam::123456789012:role/app::inline::app-inline', { resourceType: 'role', resource: 'arn:aws:iam::123456789012:role/app' }, 'app-inline'],
    ['arn:aws:iam::123456789012:user/carol::inline::s3-read', { resourceType: 'iam_user', resource: 'arn:aws:iam::123456789012:user/carol' }, 's3-read'],
  ]);
  const carol = of(snapshot, 'inline_policy').find((r) => r.displayName === 's3-read')!;
  expect(JSON.parse(carol.profile.policy_document as string)).toEqual(JSON.parse(DOC));
  expect(snapshot.entitlements.find((e) => e.resource.resourceType === 'inline_policy' && e.resource.resource.endsWith('s3-read'))).toMatchObject({ slug: 'attached', displayName: 's3-read Inline Policy', grantableTo: ['iam_user'] });
  expect(snapshot.grants.filter((g) => g.entitlement.startsWith('inline_policy:')).map((g) => [g.id, g.expandable])).toEqual([
    ['inline_policy:arn:aws:iam::123456789012:group/admins::inline::group-extra:attached:group:arn:aws:iam::123456789012:group/admins', ['group:arn:aws:iam::123456789012:group/admins:member']],
    ['inline_policy:arn:aws:iam::123456789012:role/app::inline::app-inline:attached:role:arn:aws:iam::123456789012:role/app', ['role:arn:aws:iam::123456789012:role/app:assignment']],
    ['inline_policy:arn:aws:iam::123456789012:user/carol::inline::s3-read:attached:iam_user:arn:aws:iam::123456789012:user/carol', undefined],
  ]);
});

test('access keys from the credential report: both of dave\'s, the inactive one disabled, no key ids, no secret', async () => {
  const { snapshot } = await sync(ON);
  const ak = of(snapshot, 'access-key');
  expect(ak).toHaveLength(2);
  for (const k of ak) {
    expect(k.id.resource).toMatch(/^arn:aws:iam::123456789012:user\/dave::access-key::\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(k.displayName).toBe(`dave|${k.profile.created_at}`);
    expect(k.parent).toEqual({ resourceType: 'account', resource: A });
    expect(k.profile).toMatchObject({
      secret_credential_type: 'CREDENTIAL_TYPE_STATIC_SECRET',
      secret_detail: 'aws.access_key',
      secret_identity: { resourceType: 'iam_user', resource: user('dave') },
      secret_created_by: { resourceType: 'iam_user', resource: user('dave') },
      aws_user_name: 'dave',
    });
    // moto never records key use: no last-used fields.
    expect(k.profile.secret_last_used_at).toBeUndefined();
  }
  const byStatus = Object.fromEntries(ak.map((k) => [k.profile.aws_access_key_status as string, k]));
  expect(byStatus.Inactive.status).toBe('disabled');
  expect(byStatus.Active.status).toBe('enabled');
  expect(byStatus.Inactive.profile.aws_credential_report_slot).toBe(1);
  expect(snapshot.resourceTypes.find((t) => t.id === 'access-key')).toEqual({ id: 'access-key', displayName: 'Access Key', traits: ['secret'] });
  const text = serializeSnapshot(snapshot);
  expect(text).not.toContain(keys.active);
  expect(text).not.toContain(keys.inactive);
});

test('the toggles add no IAM call: GAAD and the credential report, as without them', async () => {
  const off = await sync();
  const on = await sync({ ...ON, syncOnlyAttachedPolicies: true });
  const iamCalls = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith('iam:')));
  expect(iamCalls(on.stats.calls)).toEqual(iamCalls(off.stats.calls));
  expect(Object.keys(iamCalls(on.stats.calls)).sort()).toEqual([
    'iam:GenerateCredentialReport',
    'iam:GetAccountAuthorizationDetails',
    'iam:GetCredentialReport',
    'iam:ListAccountAliases',
    'iam:ListOpenIDConnectProviders',
    'iam:ListSAMLProviders',
  ]);
  // With --credential-report=false, access keys still read the report (their only source).
  const keysOnly = await sync({ optIn: { access_keys: true }, credentialReport: false });
  expect(keysOnly.stats.calls['iam:GetCredentialReport']).toBe(1);
  expect(of(keysOnly.snapshot, 'access-key')).toHaveLength(2);
});

test('diff: a user added to the group gains AdministratorAccess through it, and the reverse loses it (last: it changes the estate)', async () => {
  const before = (await sync(ON)).snapshot;
  const ctx = ctxFor();
  await ctx.iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'carol' }));
  ctx.destroy();
  const after = (await sync(ON)).snapshot;
  const d = diffSnapshots(before, after);
  expect(d.added.map((c) => c.grant)).toEqual(['group:arn:aws:iam::123456789012:group/admins:member:iam_user:arn:aws:iam::123456789012:user/carol']);
  expect(d.effective?.added.map((c) => [c.principalName, c.entitlement, c.via])).toEqual([
    ['carol', `iam_policy:${ADMIN}:attached`, [[{ principal: 'group:arn:aws:iam::123456789012:group/admins', principalName: 'admins' }]]],
    ['carol', 'inline_policy:arn:aws:iam::123456789012:group/admins::inline::group-extra:attached', [[{ principal: 'group:arn:aws:iam::123456789012:group/admins', principalName: 'admins' }]]],
  ]);
  const text = formatDiff(d);
  expect(text).toContain('+ gained AdministratorAccess (managed policy) through group admins  [iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached]');
  expect(text).toContain('through groups and roles: 2 gained, 0 lost');
  // The reverse: carol loses both through the group.
  const back = diffSnapshots(after, before);
  expect(formatDiff(back)).toContain('- lost AdministratorAccess (managed policy) through group admins');
});
