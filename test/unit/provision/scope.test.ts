import { UsageError } from '../../../connector/src/errors';
import { checkGroupScope, groupArnMatches, parseAllowedGroups, pathSegmentProblem, planRequest, ProvisionError, scopePatternProblem } from '../../../connector/src/provision';
import { checkCallerAccount, checkRealGroup } from '../../../connector/src/provision/scope';

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
