import fc from 'fast-check';
import { UsageError } from '../../../connector/src/errors';
import { assignmentGrantId, entitlementId, grantId, identityStoreResourceId, permissionSetEntitlementId, ResourceTypeId } from '../../../connector/src/model/ids';
import { isMembershipId, parseGrantId, parseIdentityStoreArn, parseTarget, planRequest, ProvisionIds } from '../../../connector/src/provision';

const GROUP = 'arn:aws:iam::123456789012:group/c1-managed/developers';
const USER = 'arn:aws:iam::123456789012:user/people/bob';
const STORE = 'd-1234567890';
const SSO_USER = `arn:aws:identitystore:eu-west-1::${STORE}/user/9067e2b4-1234-4d5e-8f90-aabbccddeeff`;
const SSO_GROUP = `arn:aws:identitystore:eu-west-1::${STORE}/group/a1b2c3d4-5678-4d5e-8f90-aabbccddeeff`;
const PS = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0123456789abcdef';

describe('parseTarget', () => {
  test('IAM group membership: names from the last ARN segment, paths allowed', () => {
    expect(parseTarget({ entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: USER })).toEqual({
      kind: 'iam-group',
      groupArn: GROUP,
      groupName: 'developers',
      userArn: USER,
      userName: 'bob',
      accountId: '123456789012',
    });
  });

  test('Identity Center group membership', () => {
    expect(parseTarget({ entitlement: `sso_group:${SSO_GROUP}:member`, principalType: 'sso_user', principal: SSO_USER })).toEqual({
      kind: 'sso-group',
      groupResourceId: SSO_GROUP,
      region: 'eu-west-1',
      identityStoreId: STORE,
      groupId: 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff',
      userId: '9067e2b4-1234-4d5e-8f90-aabbccddeeff',
    });
  });

  test('permission-set assignment: the instance comes from the permission set ARN (AWS and moto shapes)', () => {
    const t = parseTarget({ entitlement: `210987654321|${PS}`, principalType: 'sso_group', principal: SSO_GROUP });
    expect(t).toMatchObject({ kind: 'assignment', accountId: '210987654321', instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', principalType: 'GROUP', region: 'eu-west-1' });
    const moto = 'arn:aws:sso:::instance/ssoins-0d1uowvz5nbch1tp/ps-qpdnkinhxof9eocq';
    expect(parseTarget({ entitlement: `210987654321|${moto}`, principalType: 'sso_user', principal: SSO_USER })).toMatchObject({
      instanceArn: 'arn:aws:sso:::instance/ssoins-0d1uowvz5nbch1tp',
      principalType: 'USER',
    });
  });

  test('our earlier account:<accountId>:<permissionSetArn> still names the same assignment', () => {
    const ids = { principalType: 'sso_user', principal: SSO_USER };
    expect(parseTarget({ entitlement: `account:210987654321:${PS}`, ...ids })).toEqual(parseTarget({ entitlement: `210987654321|${PS}`, ...ids }));
  });

  test.each<[string, ProvisionIds, RegExp]>([
    ['not an entitlement', { entitlement: 'nonsense', principalType: 'iam_user', principal: USER }, /not an entitlement id/],
    ['role entitlements are sync-only', { entitlement: 'role:arn:aws:iam::123456789012:role/x:assignment', principalType: 'iam_user', principal: USER }, /c1-aws does not provision role entitlements \(c1-aws syncs them\)/],
    ['unknown principal type', { entitlement: `group:${GROUP}:member`, principalType: 'user', principal: USER }, /not a resource type/],
    ['wrong principal type', { entitlement: `group:${GROUP}:member`, principalType: 'sso_user', principal: SSO_USER }, /granted to iam_user, not sso_user/],
    ['wrong slug', { entitlement: `group:${GROUP}:owner`, principalType: 'iam_user', principal: USER }, /end in ":member"/],
    ['role ARN as a group', { entitlement: 'group:arn:aws:iam::123456789012:role/x:member', principalType: 'iam_user', principal: USER }, /not an IAM group ARN/],
    ['group ARN as a user', { entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: GROUP }, /not an IAM user ARN/],
    ['cross-account IAM', { entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: USER.replace('123456789012', '210987654321') }, /one account/],
    ['SSO user from another store', { entitlement: `sso_group:${SSO_GROUP}:member`, principalType: 'sso_user', principal: SSO_USER.replace(STORE, 'd-0000000000') }, /different identity stores/],
    ['SSO group id as a user', { entitlement: `sso_group:${SSO_GROUP}:member`, principalType: 'sso_user', principal: SSO_GROUP }, /not an Identity Center user id/],
    ['short account id (earlier form)', { entitlement: `account:12345:${PS}`, principalType: 'sso_user', principal: SSO_USER }, /12-digit/],
    ['not a permission set (earlier form)', { entitlement: 'account:210987654321:arn:aws:iam::aws:policy/Admin', principalType: 'sso_user', principal: SSO_USER }, /not a permission set ARN/],
    ['short account id', { entitlement: `12345|${PS}`, principalType: 'sso_user', principal: SSO_USER }, /the account id "12345" \(before the '\|'\) is not a 12-digit AWS account id/],
    ['letters in the account id', { entitlement: `21098765432x|${PS}`, principalType: 'sso_user', principal: SSO_USER }, /account id "21098765432x" \(before the '\|'\)/],
    ['no account id', { entitlement: `|${PS}`, principalType: 'sso_user', principal: SSO_USER }, /account id "" \(before the '\|'\)/],
    ['a policy ARN after the |', { entitlement: '210987654321|arn:aws:iam::aws:policy/AdministratorAccess', principalType: 'sso_user', principal: SSO_USER }, /"arn:aws:iam::aws:policy\/AdministratorAccess" \(after the '\|'\) is not a permission set ARN/],
    ['a permission set id, not its ARN', { entitlement: '210987654321|ps-0123456789abcdef', principalType: 'sso_user', principal: SSO_USER }, /\(after the '\|'\) is not a permission set ARN/],
    ['no | (colon instead)', { entitlement: `210987654321:${PS}`, principalType: 'sso_user', principal: SSO_USER }, /has no '\|' between the account id and the permission set ARN/],
    ['no | at all', { entitlement: `210987654321${PS}`, principalType: 'sso_user', principal: SSO_USER }, /has no '\|'/],
    ['IAM user on an account', { entitlement: `210987654321|${PS}`, principalType: 'iam_user', principal: USER }, /sso_user or sso_group/],
    ['iam_policy (baton-aws)', { entitlement: 'iam_policy:arn:aws:iam::aws:policy/AdministratorAccess:attached', principalType: 'iam_user', principal: USER }, /c1-aws does not provision iam_policy entitlements/],
    ['inline_policy (baton-aws)', { entitlement: 'inline_policy:arn:aws:iam::123456789012:user/bob#inline:attached', principalType: 'iam_user', principal: USER }, /c1-aws does not provision inline_policy entitlements/],
    ['access-key (baton-aws)', { entitlement: 'access-key:AKIAEXAMPLE:owner', principalType: 'iam_user', principal: USER }, /c1-aws does not provision access-key entitlements/],
    ['permission_set (baton-aws)', { entitlement: `permission_set:${PS}:assigned`, principalType: 'sso_user', principal: SSO_USER }, /c1-aws does not provision permission_set entitlements/],
    ['a malformed permission_set_assignment binding (baton-aws)', { entitlement: `permission_set_assignment:210987654321|${PS}:assigned`, principalType: 'sso_user', principal: SSO_USER }, /is not baton-aws's permission_set_assignment:<permissionSetArn>-<12-digit accountId>:assigned/],
    ['an unknown type', { entitlement: 'bucket:arn:aws:s3:::b:read', principalType: 'iam_user', principal: USER }, /unknown resource type "bucket"/],
    ['a baton-aws type as principal type', { entitlement: `group:${GROUP}:member`, principalType: 'iam_policy', principal: USER }, /baton-aws's iam_policy is not a principal c1-aws provisions to/],
    ['a ".." group path segment', { entitlement: 'group:arn:aws:iam::123456789012:group/c1-managed/../Admins:member', principalType: 'iam_user', principal: USER }, /--entitlement group ARN .*path segment "\.\."/],
    ['a "." group path segment', { entitlement: 'group:arn:aws:iam::123456789012:group/./Admins:member', principalType: 'iam_user', principal: USER }, /path segment "\."/],
    ['an empty group path segment', { entitlement: 'group:arn:aws:iam::123456789012:group/c1-managed//Admins:member', principalType: 'iam_user', principal: USER }, /empty path segment/],
    ['a group named ".."', { entitlement: 'group:arn:aws:iam::123456789012:group/c1-managed/..:member', principalType: 'iam_user', principal: USER }, /path segment "\.\."/],
    ['a percent-encoded dot segment', { entitlement: 'group:arn:aws:iam::123456789012:group/c1-managed/%2e%2E/Admins:member', principalType: 'iam_user', principal: USER }, /percent-encoded/],
    ['a ".." user path segment', { entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: 'arn:aws:iam::123456789012:user/people/../bob' }, /--principal user ARN .*path segment "\.\."/],
  ])('%s is a UsageError', (_name, ids, message) => {
    expect(() => parseTarget(ids)).toThrow(UsageError);
    expect(() => parseTarget(ids)).toThrow(message);
  });
});

test('parseIdentityStoreArn reads baton-aws\'s synthetic ARN and nothing else', () => {
  expect(parseIdentityStoreArn(SSO_USER, 'user')).toEqual({ partition: 'aws', region: 'eu-west-1', identityStoreId: STORE, id: '9067e2b4-1234-4d5e-8f90-aabbccddeeff' });
  expect(parseIdentityStoreArn(SSO_USER, 'group')).toBeNull();
  expect(parseIdentityStoreArn('9067e2b4-1234-4d5e-8f90-aabbccddeeff', 'user')).toBeNull();
  // The inverse of what sync writes.
  const store = { partition: 'aws-us-gov', region: 'us-gov-west-1', identityStoreId: STORE };
  expect(parseIdentityStoreArn(identityStoreResourceId(store, 'group', 'g-1'), 'group')).toEqual({ ...store, id: 'g-1' });
});

describe('parseGrantId', () => {
  const cases: [string, ResourceTypeId, string][] = [
    [`group:${GROUP}:member`, 'iam_user', USER],
    [`sso_group:${SSO_GROUP}:member`, 'sso_user', SSO_USER],
    [`account:210987654321:${PS}`, 'sso_user', SSO_USER],
    [`account:210987654321:${PS}`, 'sso_group', SSO_GROUP],
  ];
  test.each(cases)('splits baton-sdk\'s form (our earlier ids too): %s / %s', (entitlement, principalType, principal) => {
    expect(parseGrantId(grantId(entitlement, { resourceType: principalType, resource: principal }))).toEqual({ entitlement, principalType, principal });
  });

  test.each<[ResourceTypeId, string]>([
    ['sso_user', SSO_USER],
    ['sso_group', SSO_GROUP],
  ])('splits baton-aws\'s account assignment grant id (what sync writes): %s', (principalType, principal) => {
    const entitlement = permissionSetEntitlementId('210987654321', PS);
    const id = assignmentGrantId(entitlement, { resourceType: principalType, resource: principal });
    expect(id).toBe(`grant:${principalType}:${principal}:210987654321|${PS}`);
    expect(parseGrantId(id)).toEqual({ entitlement, principalType, principal });
  });

  test('takes baton-aws\'s permission_set_assignment binding grant as the same account assignment (permission_set_assignment.go:34-36, account.go via helpers.go:39)', () => {
    // Written out: grant:<type>:<id>:permission_set_assignment:<psArn>-<accountId>:assigned.
    const id = `grant:sso_user:${SSO_USER}:permission_set_assignment:${PS}-210987654321:assigned`;
    const ids = parseGrantId(id);
    expect(ids).toEqual({ entitlement: `permission_set_assignment:${PS}-210987654321:assigned`, principalType: 'sso_user', principal: SSO_USER });
    expect(parseTarget(ids)).toEqual(parseTarget({ entitlement: `210987654321|${PS}`, principalType: 'sso_user', principal: SSO_USER }));
    // Malformed bindings are refused, naming the id: no 12-digit account after the last '-', another slug.
    expect(() => parseGrantId(`grant:sso_user:${SSO_USER}:permission_set_assignment:${PS}-2109876:assigned`)).toThrow(UsageError);
    expect(() => parseGrantId(`grant:sso_user:${SSO_USER}:permission_set_assignment:${PS}-210987654321:member`)).toThrow(UsageError);
  });

  test.each<[string, string, RegExp]>([
    ['a MembershipId (planRequest takes it, with reads)', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff', /is an Identity Store MembershipId: it names neither the group nor the user until the Identity Store is read/],
    ['a near-MembershipId (one hex digit short)', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeef', /has no resource type and is not an Identity Store MembershipId/],
    ['an iam_user principal in grant: form', `grant:iam_user:${USER}:210987654321|${PS}`, /principal type is sso_user or sso_group, not "iam_user"/],
    ['no | in grant: form', `grant:sso_user:${SSO_USER}:210987654321:${PS}`, /has no '\|' between the account id and the permission set ARN/],
    ['bad account in grant: form', `grant:sso_user:${SSO_USER}:2109876|${PS}`, /the account id "2109876" \(before the '\|'\) is not a 12-digit/],
    ['bad ARN in grant: form', `grant:sso_user:${SSO_USER}:210987654321|arn:aws:sso:::instance/ssoins-1`, /\(after the '\|'\) is not a permission set ARN/],
    ['a group principal id for a user in grant: form', `grant:sso_user:${SSO_GROUP}:210987654321|${PS}`, /not an Identity Center user id/],
    ['an iam_policy grant', `iam_policy:arn:aws:iam::aws:policy/ReadOnlyAccess:attached:iam_user:${USER}`, /c1-aws does not provision iam_policy grants/],
    ['an inline_policy grant', `inline_policy:${USER}#p:attached:iam_user:${USER}`, /c1-aws does not provision inline_policy grants/],
    ['a role grant', `role:arn:aws:iam::123456789012:role/x:assignment:iam_user:${USER}`, /c1-aws does not provision role grants \(c1-aws syncs them\)/],
    ['an unknown type', `bucket:x:read:iam_user:${USER}`, /unknown resource type "bucket"/],
  ])('refuses %s, naming the part', (_name, id, message) => {
    expect(() => parseGrantId(id)).toThrow(UsageError);
    expect(() => parseGrantId(id)).toThrow(message);
  });

  test('round-trips any IAM names and paths', () => {
    // "." and ".." are IAM-legal names but refused as path segments (scope.test.ts).
    const name = fc.stringMatching(/^[\w+=,.@-]{1,20}$/).filter((n) => n !== '.' && n !== '..');
    const path = fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), { maxLength: 3 }).map((p) => (p.length ? `/${p.join('/')}/` : '/'));
    fc.assert(
      fc.property(name, path, name, path, (g, gp, u, up) => {
        const entitlement = entitlementId({ resourceType: 'group', resource: `arn:aws:iam::123456789012:group${gp}${g}` }, 'member');
        const principal = `arn:aws:iam::123456789012:user${up}${u}`;
        expect(parseGrantId(grantId(entitlement, { resourceType: 'iam_user', resource: principal }))).toEqual({ entitlement, principalType: 'iam_user', principal });
      }),
    );
  });

  test('a grant id refused for its path segments says so, not "not a grant id"', () => {
    const id = grantId('group:arn:aws:iam::123456789012:group/c1-managed/../Admins:member', { resourceType: 'iam_user', resource: USER });
    expect(() => parseGrantId(id)).toThrow(/^--grant: --entitlement group ARN .*path segment "\.\."/);
  });

  test('anything else is a UsageError', () => {
    expect(() => parseGrantId('grant:iam_user:x')).toThrow(UsageError);
    expect(() => parseGrantId(`group:${GROUP}:member`)).toThrow(/not a grant id/);
  });
});

describe('Identity Store MembershipId (baton-aws\'s membership grant id, sso_group.go:130-134)', () => {
  // The API reference's pattern: ([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}
  test.each([
    'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff',
    'A1B2C3D4-5678-4D5E-8F90-AABBCCDDEEFF',
    '9067a1b2c3-a1b2c3d4-5678-4d5e-8f90-aabbccddeeff',
  ])('%s is one: planRequest takes it for a lookup, before any call', (id) => {
    expect(isMembershipId(id)).toBe(true);
    expect(planRequest({ grant: id })).toEqual({ kind: 'sso-membership-id', membershipId: id });
  });

  test.each([
    ['empty', ''],
    ['one digit short', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeef'],
    ['one digit long', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff0'],
    ['a non-hex digit', 'g1b2c3d4-5678-4d5e-8f90-aabbccddeeff'],
    ['an upper-case store prefix (lower-case only there)', '9067A1B2C3-a1b2c3d4-5678-4d5e-8f90-aabbccddeeff'],
    ['a 9-digit prefix', '9067a1b2c-a1b2c3d4-5678-4d5e-8f90-aabbccddeeff'],
    ['a space', ' a1b2c3d4-5678-4d5e-8f90-aabbccddeeff'],
    ['a newline after it', 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff\n'],
    ['no dashes', 'a1b2c3d456784d5e8f90aabbccddeeff'],
    ['braces', '{a1b2c3d4-5678-4d5e-8f90-aabbccddeeff}'],
  ])('%s is not one: today\'s parse error, exit 2', (_name, id) => {
    expect(isMembershipId(id)).toBe(false);
    expect(() => planRequest({ grant: id })).toThrow(UsageError);
    expect(() => planRequest({ grant: id })).toThrow(/not an Identity Store MembershipId|not a grant id c1-aws can revoke|unknown resource type/);
  });

  test('property: a UUID is one; any other character spliced in is not', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 36 }), fc.constantFrom('g', 'Z', ':', '/', ' ', '.', '_', '\u00e9'), (uuid, at, ch) => {
        expect(isMembershipId(uuid)).toBe(true);
        expect(isMembershipId(uuid.slice(0, at) + ch + uuid.slice(at))).toBe(false);
      }),
    );
  });
});
