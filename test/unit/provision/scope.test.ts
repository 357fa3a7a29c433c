import { UsageError } from '../../../connector/src/errors';
import { checkGroupScope, groupArnMatches, parseAllowedGroups, pathSegmentProblem, planRequest, ProvisionError, scopePatternProblem } from '../../../connector/src/provision';
import { checkCallerAccount, checkNamedMembershipScope, checkRealGroup, checkRealSsoGroup, checkResolvedGroupScope } from '../../../connector/src/provision/scope';

const ACCT = '123456789012';
const arn = (rest: string, account = ACCT) => `arn:aws:iam::${account}:group/${rest}`;

test('patterns use IAM wildcards, case-sensitively, and * spans path segments', () => {
  const p = arn('c1-managed/*');
  expect(groupArnMatches(p, arn('c1-managed/devs'))).toBe(true);
  expect(groupArnMatches(p, arn('c1-managed/team/devs'))).toBe(true);
  expect(groupArnMatches(p, arn('Admins'))).toBe(false);
  expect(groupArnMatches(p, arn('C1-managed/devs'))).toBe(false);
  expect(groupArnMatches(arn('team-?'), arn('team-a'))).toBe(true);
  expect(groupArnMatches(arn('team-?'), arn('team-ab'))).toBe(false);
  // Regex metacharacters in names are literal.
  expect(groupArnMatches(arn('a.b'), arn('aXb'))).toBe(false);
});

test('parseAllowedGroups splits on commas and rejects what is not a concrete-account group ARN pattern', () => {
  expect(parseAllowedGroups(undefined)).toBeUndefined();
  // An empty scope would silently mean "no scope": refused.
  expect(() => parseAllowedGroups(' ')).toThrow(/is empty/);
  // So would a list of separators only.
  expect(() => parseAllowedGroups(',')).toThrow(/holds no pattern/);
  expect(() => parseAllowedGroups(' , ,')).toThrow(UsageError);
  expect(parseAllowedGroups(`${arn('a/*')}, ${arn('b')}`)).toEqual([arn('a/*'), arn('b')]);
  expect(() => parseAllowedGroups(`arn:aws:iam::${ACCT}:role/*`)).toThrow(UsageError);
  expect(() => parseAllowedGroups('c1-managed/*')).toThrow(/not an IAM group ARN pattern/);
});

test.each([
  ['a wildcard account', 'arn:aws:iam::*:group/c1-managed/*', /must name one 12-digit account, not "\*"/],
  ['a ? in the account', 'arn:aws:iam::12345678901?:group/*', /12-digit account/],
  ['an empty account', 'arn:aws:iam:::group/*', /12-digit account/],
  ['a short account', 'arn:aws:iam::1:group/*', /12-digit account/],
  ['a wildcard partition', `arn:*:iam::${ACCT}:group/*`, /must name one partition/],
  ['an unknown partition', `arn:aws-moon:iam::${ACCT}:group/*`, /must name one partition/],
  ['a ".." segment', arn('c1-managed/../*'), /path segment "\.\."/],
  ['a "." segment', arn('./*'), /path segment "\."/],
  ['an empty segment', arn('c1-managed//*'), /empty path segment/],
  ['a trailing slash', arn('c1-managed/'), /empty path segment/],
  ['a percent-encoded ".."', arn('c1-managed/%2E%2E/*'), /percent-encoded/],
  ['a double-encoded ".."', arn('c1-managed/%252e%252e/*'), /percent-encoded/],
  ['a non-ASCII look-alike', arn('c1‐managed/*'), /printable ASCII/],
  ['a region', `arn:aws:iam:us-east-1:${ACCT}:group/*`, /not an IAM group ARN pattern/],
  ['a role', `arn:aws:iam::${ACCT}:role/*`, /not an IAM group ARN pattern/],
])('a scope pattern with %s is refused, naming the pattern and the rule', (_name, pattern, rule) => {
  expect(scopePatternProblem(pattern)).toMatch(rule);
  expect(() => parseAllowedGroups(`${arn('ok/*')},${pattern}`)).toThrow(UsageError);
  expect(() => parseAllowedGroups(pattern)).toThrow(`--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS): "${pattern}"`);
});

test('plain paths pass the segment rules; wildcards in a segment are not dot segments', () => {
  for (const r of ['group/Admins', 'group/c1-managed/devs', 'group/a/b/c/d', 'group/*', 'group/c1-*/x?', 'group/.hidden/x', 'group/a.b/c..d', 'group/50%off/x']) {
    expect(pathSegmentProblem(r)).toBeUndefined();
  }
  expect(scopePatternProblem(`arn:aws-us-gov:iam::${ACCT}:group/c1-managed/*`)).toBeUndefined();
});

test('the library API checks scope patterns as the CLI does, before anything else', () => {
  const req = { entitlement: `group:${arn('c1-managed/devs')}:member`, principalType: 'iam_user', principal: `arn:aws:iam::${ACCT}:user/bob` };
  expect(() => planRequest(req, { allowedGroups: ['arn:aws:iam::*:group/c1-managed/*'] })).toThrow(/allowedGroups: .*12-digit account/);
  expect(planRequest(req, { allowedGroups: [arn('c1-managed/*')] })).toMatchObject({ kind: 'iam-group', groupArn: arn('c1-managed/devs') });
});

test('checkGroupScope names the group and the scope (the early refusal on the spelling)', () => {
  expect(() => checkGroupScope(arn('Admins'), undefined)).not.toThrow();
  expect(() => checkGroupScope(arn('c1/x'), [arn('c1/*')])).not.toThrow();
  expect(() => checkGroupScope(arn('Admins'), [arn('c1/*'), arn('ops')])).toThrow(
    `group ${arn('Admins')} is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${arn('c1/*')}, ${arn('ops')})`,
  );
});

describe('checkRealGroup: the decision on what iam:GetGroup says', () => {
  const caller = { partition: 'aws', accountId: ACCT };
  const admins = { Arn: arn('Admins'), Path: '/', GroupName: 'Admins' };
  const devs = { Arn: arn('c1-managed/devs'), Path: '/c1-managed/', GroupName: 'devs' };
  const refused = (f: () => unknown, message: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err).toMatchObject({ code: 'refused', message: expect.stringMatching(message) });
  };

  test('the real ARN equal to the spelling and inside the scope passes', () => {
    expect(checkRealGroup(devs.Arn, devs, caller, [arn('c1-managed/*')])).toBe(devs.Arn);
    expect(checkRealGroup(admins.Arn, admins, caller, undefined)).toBe(admins.Arn);
  });
  test('a spelling whose path is not the group\'s is refused naming both ARNs, scope or not', () => {
    refused(() => checkRealGroup(arn('c1-managed/Admins'), admins, caller, [arn('c1-managed/*')]), /real ARN .*group\/Admins .*differs from .*group\/c1-managed\/Admins/);
    refused(() => checkRealGroup(arn('c1-managed/Admins'), admins, caller, undefined), /differs/);
    // AWS finds names case-insensitively; the ARN comparison is exact.
    refused(() => checkRealGroup(arn('ADMINS'), admins, caller, undefined), /differs/);
  });
  test('the scope is matched against the real ARN', () => {
    refused(() => checkRealGroup(admins.Arn, admins, caller, [arn('c1-managed/*')]), /outside the provisioning scope/);
  });
  test('an answer that is inconsistent, incomplete or holds a dot segment is refused', () => {
    refused(() => checkRealGroup(arn('c1-managed/devs'), { ...devs, Path: '/' }, caller, undefined), /answered the ARN/);
    refused(() => checkRealGroup(arn('c1-managed/devs'), { GroupName: 'devs' }, caller, undefined), /did not return/);
    const dotted = { Arn: arn('c1-managed/../devs'), Path: '/c1-managed/../', GroupName: 'devs' };
    refused(() => checkRealGroup(dotted.Arn, dotted, caller, [arn('c1-managed/*')]), /path segment "\.\."/);
    refused(() => checkRealGroup(arn('Admins', '210987654321'), { ...admins, Arn: arn('Admins', '210987654321') }, caller, undefined), /answered the ARN/);
  });
  test('an ARN of another account or partition than the credentials\' is refused', () => {
    expect(() => checkCallerAccount('x', arn('Admins'), caller)).not.toThrow();
    refused(() => checkCallerAccount('the principal', `arn:aws:iam::210987654321:user/bob`, caller), /the principal .* account 210987654321, but the credentials are in partition aws, account 123456789012/);
    refused(() => checkCallerAccount('x', `arn:aws-cn:iam::${ACCT}:group/Admins`, caller), /partition aws-cn/);
  });
});

describe('Identity Center group patterns: the id sync writes for sso_group, wildcards in the group id only', () => {
  const STORE = 'd-1234567890';
  const sso = (groupId: string, store = STORE, region = 'us-east-1', partition = 'aws') => `arn:${partition}:identitystore:${region}::${store}/group/${groupId}`;
  const IAM_SCOPE = [arn('c1-managed/*')];
  const ssoReq = (group: string, store = STORE) => ({
    entitlement: `sso_group:${group}:member`,
    principalType: 'sso_user',
    principal: `arn:aws:identitystore:us-east-1::${store}/user/u-1`,
  });

  test('concrete partition, region and store are accepted, with * and ? in the group id', () => {
    for (const p of [sso('*'), sso('g-1234'), sso('906*-ab?d'), sso('*', 'd-abcdef0123', 'eu-west-1', 'aws-us-gov')]) expect(scopePatternProblem(p)).toBeUndefined();
    expect(parseAllowedGroups(`${arn('c1/*')}, ${sso('*')}`)).toEqual([arn('c1/*'), sso('*')]);
  });

  test.each([
    ['a wildcard identity store', sso('*', '*'), /must name one identity store id .*not "\*"/],
    ['a partly wildcard identity store', sso('*', 'd-12345*'), /must name one identity store id/],
    ['a ? in the identity store', sso('*', 'd-123456789?'), /must name one identity store id/],
    ['a wildcard partition', sso('*', STORE, 'us-east-1', '*'), /must name one partition/],
    ['a wildcard region', sso('*', STORE, '*'), /must name one region/],
    ['an empty region', sso('*', STORE, ''), /must name one region/],
    ['a ".." segment', sso('../*'), /path segment "\.\."/],
    ['a "." segment', sso('./x'), /path segment "\."/],
    ['a ".." group id', sso('..'), /path segment "\.\."/],
    ['a percent-encoded ".."', sso('%2E%2E/*'), /percent-encoded/],
    ['an empty segment', `arn:aws:identitystore:us-east-1::${STORE}//group/*`, /empty path segment/],
    ['a deeper path', sso('a/b'), /not an Identity Center group id pattern/],
    ['a user pattern', `arn:aws:identitystore:us-east-1::${STORE}/user/*`, /not an Identity Center group id pattern/],
    ['an account field', `arn:aws:identitystore:us-east-1:123456789012:${STORE}/group/*`, /not an Identity Center group id pattern/],
    ['a dot in the group id', sso('a.b'), /group id part "a\.b"/],
    ['a wildcard service', `arn:aws:*:us-east-1::${STORE}/group/*`, /not an IAM group ARN pattern .* or an Identity Center group id pattern/],
  ])('an Identity Center pattern with %s is refused, naming the pattern and the rule', (_name, pattern, rule) => {
    expect(scopePatternProblem(pattern)).toMatch(rule);
    expect(() => parseAllowedGroups(pattern)).toThrow(`--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS): "${pattern}"`);
  });

  test('a pattern allows only groups of its own kind: IAM-only scopes refuse Identity Center groups, saying how to allow them', () => {
    expect(() => planRequest(ssoReq(sso('g-1')), { allowedGroups: IAM_SCOPE })).toThrow(UsageError);
    expect(() => planRequest(ssoReq(sso('g-1')), { allowedGroups: IAM_SCOPE })).toThrow(
      new RegExp(`Identity Center group ${sso('g-1')} is outside the provisioning scope .*${arn('c1-managed/\\*').replace(/[/*]/g, '\\$&')}.*to allow Identity Center group changes add a pattern arn:<partition>:identitystore:`),
    );
    expect(() => checkGroupScope(arn('c1-managed/x'), [sso('*')])).toThrow(/the scope names no IAM group; to allow IAM group changes add a pattern arn:<partition>:iam::/);
    // A scope with both kinds: each group is held to its own kind only.
    const both = [...IAM_SCOPE, sso('g-1*')];
    expect(planRequest(ssoReq(sso('g-12')), { allowedGroups: both })).toMatchObject({ kind: 'sso-group', groupId: 'g-12', groupResourceId: sso('g-12') });
    expect(() => planRequest(ssoReq(sso('g-2')), { allowedGroups: both })).toThrow(/outside the provisioning scope/);
    expect(() => planRequest(ssoReq(sso('g-2')), { allowedGroups: both })).not.toThrow(/names no Identity Center group/);
    // Another store, region or partition than the pattern's: refused.
    expect(() => planRequest(ssoReq(sso('g-1', 'd-0000000000'), 'd-0000000000'), { allowedGroups: [sso('*')] })).toThrow(/outside the provisioning scope/);
    expect(() => checkGroupScope(sso('g-1', STORE, 'eu-west-1'), [sso('*')])).toThrow(/outside/);
    expect(() => checkGroupScope(sso('g-1', STORE, 'us-east-1', 'aws-cn'), [sso('*')])).toThrow(/outside/);
    // Wildcards never reach past the group id.
    expect(() => checkGroupScope(`${sso('g-1')}x/y`, [sso('*')])).toThrow(/outside/);
    expect(groupArnMatches(sso('*'), sso('g-1', 'd-1234567891'))).toBe(false);
    // Assignments are not group memberships: not held to the scope here (the CLI prints a note).
    const assignment = { entitlement: 'account:123456789012:arn:aws:sso:::permissionSet/ssoins-1/ps-1', principalType: 'sso_user', principal: `arn:aws:identitystore:us-east-1::${STORE}/user/u-1` };
    expect(planRequest(assignment, { allowedGroups: IAM_SCOPE })).toMatchObject({ kind: 'assignment' });
  });

  test('a MembershipId is refused before any call when the scope names no Identity Center group', () => {
    const id = 'a1b2c3d4-5678-4d5e-8f90-aabbccddeeff';
    expect(() => planRequest({ grant: id }, { allowedGroups: IAM_SCOPE })).toThrow(UsageError);
    expect(() => planRequest({ grant: id }, { allowedGroups: IAM_SCOPE })).toThrow(
      new RegExp(`--grant "${id}": an Identity Center group membership is outside the provisioning scope .*add a pattern arn:<partition>:identitystore:.*nothing was called`),
    );
    // A scope that names Identity Center groups: the lookup decides, among the groups it allows.
    expect(planRequest({ grant: id }, { allowedGroups: [...IAM_SCOPE, sso('g-1*')] })).toEqual({ kind: 'sso-membership-id', membershipId: id });
  });

  test('a membership by name is refused before any call when the scope names no Identity Center group', () => {
    expect(() => checkNamedMembershipScope(IAM_SCOPE, 'awsadministrators')).toThrow(UsageError);
    expect(() => checkNamedMembershipScope(IAM_SCOPE, 'awsadministrators')).toThrow(/--sso-group "awsadministrators": an Identity Center group membership is outside the provisioning scope .*add a pattern/);
    expect(() => checkNamedMembershipScope([...IAM_SCOPE, sso('*')], 'x')).not.toThrow();
    expect(() => checkNamedMembershipScope(undefined, 'x')).not.toThrow();
  });

  test('checkResolvedGroupScope refuses after reads (exit 1), naming the name, the group and the scope', () => {
    let err: unknown;
    try {
      checkResolvedGroupScope(sso('g-2'), [sso('g-1')], '--sso-group "ops"');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProvisionError);
    expect(err).toMatchObject({ code: 'refused', message: expect.stringContaining(`--sso-group "ops" resolved to ${sso('g-2')}: Identity Center group ${sso('g-2')} is outside the provisioning scope`) });
    expect(() => checkResolvedGroupScope(sso('g-1'), [sso('g-1')], 'x')).not.toThrow();
  });

  test('checkRealSsoGroup decides on the id the API resolves: equal to the spelling, and inside the scope', () => {
    const real = { partition: 'aws', region: 'us-east-1', identityStoreId: STORE, groupId: 'g-1' };
    expect(checkRealSsoGroup(sso('g-1'), real, [sso('*')])).toBe(sso('g-1'));
    expect(checkRealSsoGroup(sso('g-1'), real, undefined)).toBe(sso('g-1'));
    const refused = (f: () => unknown, m: RegExp) => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'refused', message: expect.stringMatching(m) });
    };
    refused(() => checkRealSsoGroup(sso('G-1'), real, [sso('*')]), /as the API resolves it, .*group\/g-1, differs from .*group\/G-1/);
    refused(() => checkRealSsoGroup(sso('g-1', STORE, 'us-east-1', 'aws-cn'), real, [sso('*', STORE, 'us-east-1', 'aws-cn')]), /differs/);
    refused(() => checkRealSsoGroup(sso('g-1'), real, [sso('g-2')]), /Identity Center group .*g-1 is outside the provisioning scope/);
    refused(() => checkRealSsoGroup(sso('g-1'), real, IAM_SCOPE), /names no Identity Center group/);
  });
});
