import fc from 'fast-check';
import { UsageError } from '../../../connector/src/errors';
import { entitlementId, grantId, identityStoreResourceId, ResourceTypeId } from '../../../connector/src/model/ids';
import { parseGrantId, parseIdentityStoreArn, parseTarget, ProvisionIds } from '../../../connector/src/provision';

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
    const t = parseTarget({ entitlement: `account:210987654321:${PS}`, principalType: 'sso_group', principal: SSO_GROUP });
    expect(t).toMatchObject({ kind: 'assignment', accountId: '210987654321', instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef', principalType: 'GROUP', region: 'eu-west-1' });
    const moto = 'arn:aws:sso:::instance/ssoins-0d1uowvz5nbch1tp/ps-qpdnkinhxof9eocq';
    expect(parseTarget({ entitlement: `account:210987654321:${moto}`, principalType: 'sso_user', principal: SSO_USER })).toMatchObject({
      instanceArn: 'arn:aws:sso:::instance/ssoins-0d1uowvz5nbch1tp',
      principalType: 'USER',
    });
  });

  test.each<[string, ProvisionIds, RegExp]>([
    ['not an entitlement', { entitlement: 'nonsense', principalType: 'iam_user', principal: USER }, /not an entitlement id/],
    ['role entitlements are sync-only', { entitlement: 'role:arn:aws:iam::123456789012:role/x:assignment', principalType: 'iam_user', principal: USER }, /cannot be granted/],
    ['unknown principal type', { entitlement: `group:${GROUP}:member`, principalType: 'user', principal: USER }, /not a resource type/],
    ['wrong principal type', { entitlement: `group:${GROUP}:member`, principalType: 'sso_user', principal: SSO_USER }, /granted to iam_user, not sso_user/],
    ['wrong slug', { entitlement: `group:${GROUP}:owner`, principalType: 'iam_user', principal: USER }, /end in ":member"/],
    ['role ARN as a group', { entitlement: 'group:arn:aws:iam::123456789012:role/x:member', principalType: 'iam_user', principal: USER }, /not an IAM group ARN/],
    ['group ARN as a user', { entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: GROUP }, /not an IAM user ARN/],
    ['cross-account IAM', { entitlement: `group:${GROUP}:member`, principalType: 'iam_user', principal: USER.replace('123456789012', '210987654321') }, /one account/],
    ['SSO user from another store', { entitlement: `sso_group:${SSO_GROUP}:member`, principalType: 'sso_user', principal: SSO_USER.replace(STORE, 'd-0000000000') }, /different identity stores/],
    ['SSO group id as a user', { entitlement: `sso_group:${SSO_GROUP}:member`, principalType: 'sso_user', principal: SSO_GROUP }, /not an Identity Center user id/],
    ['short account id', { entitlement: `account:12345:${PS}`, principalType: 'sso_user', principal: SSO_USER }, /12-digit/],
    ['not a permission set', { entitlement: 'account:210987654321:arn:aws:iam::aws:policy/Admin', principalType: 'sso_user', principal: SSO_USER }, /not a permission set ARN/],
    ['IAM user on an account', { entitlement: `account:210987654321:${PS}`, principalType: 'iam_user', principal: USER }, /sso_user or sso_group/],
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
  test.each(cases)('splits what model/ids.ts grantId builds: %s / %s', (entitlement, principalType, principal) => {
    expect(parseGrantId(grantId(entitlement, { resourceType: principalType, resource: principal }))).toEqual({ entitlement, principalType, principal });
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
