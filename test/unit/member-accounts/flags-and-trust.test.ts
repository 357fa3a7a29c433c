/**
 * Member accounts, offline: when member-account IAM is read (baton-aws's rule), how --iam-assume-role-name splits
 * into IAM path and name, the member role's trust judgement, the management role's needed member_accounts_access
 * statement with its condition, and diff across accounts whose IAM was not read.
 */
import { parseIamAssumeRoleName, resolveFeatures } from '../../../connector/src/commands/options';
import { UsageError } from '../../../connector/src/errors';
import { capability, renderCapability } from '../../../connector/src/policy/capabilities';
import { checkCoverage, neededActions } from '../../../connector/src/policy/coverage';
import { memberTrustProblems } from '../../../connector/src/policy/member-trust';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import type { Snapshot } from '../../../connector/src/sync';

describe('baton-aws: member-account IAM is read when Organizations is on and (Identity Center off or the flag on)', () => {
  test.each([
    // orgs, sso, cross-account flag -> read
    [false, false, undefined, false],
    [true, false, undefined, true],
    [true, true, undefined, false],
    [true, true, true, true],
    [true, false, true, true],
    // c1-aws's one departure: an explicit false turns it off with Identity Center off too.
    [true, false, false, false],
    [true, true, false, false],
  ])('orgs %s, sso %s, cross-account %s -> %s', (orgs, sso, cross, read) => {
    const f = resolveFeatures({ globalAwsOrgsEnabled: orgs, globalAwsSsoEnabled: sso, globalAwsCrossAccountIamEnabled: cross });
    expect(f.toggles.member_accounts).toBe(read);
    expect(f.memberRole !== undefined).toBe(read);
    if (read) expect(f.memberRole).toEqual({ iamAssumeRoleName: 'OrganizationAccountAccessRole', path: '/', name: 'OrganizationAccountAccessRole' });
  });

  test('the flag without Organizations is refused, naming both flags', () => {
    expect(() => resolveFeatures({ globalAwsCrossAccountIamEnabled: true })).toThrow(/--global-aws-cross-account-iam-enabled requires --global-aws-orgs-enabled/);
  });

  test('a bad role name is refused even while member accounts are off (a typo fails now)', () => {
    expect(() => resolveFeatures({ iamAssumeRoleName: 'no spaces' })).toThrow(UsageError);
  });
});

test('--iam-assume-role-name: a path goes before the name, without its leading slash (baton-aws puts it after role/)', () => {
  expect(parseIamAssumeRoleName('ConductorOneMemberAccess')).toEqual({ iamAssumeRoleName: 'ConductorOneMemberAccess', path: '/', name: 'ConductorOneMemberAccess' });
  expect(parseIamAssumeRoleName('conductorone/sub/X')).toEqual({ iamAssumeRoleName: 'conductorone/sub/X', path: '/conductorone/sub/', name: 'X' });
  expect(() => parseIamAssumeRoleName('')).toThrow(/--iam-assume-role-name \(its name after the last \/\) must be 1 to 64/);
  expect(() => parseIamAssumeRoleName('p/')).toThrow(/its name after the last/);
  expect(() => parseIamAssumeRoleName('/p/X')).toThrow(/without its leading \//);
  expect(() => parseIamAssumeRoleName(`${'p'.repeat(600)}/X`)).toThrow(/--iam-assume-role-name \(its path, .*\) must start and end with \//);
  // The path lands in the management role's sts:AssumeRole Resource: a wildcard or policy variable would widen it.
  for (const v of ['*/X', 'a?/X', '${aws:PrincipalAccount}/X']) expect(() => parseIamAssumeRoleName(v)).toThrow(/its path, before the last \/\) must .*without \*, \? or \$/);
});

describe('the member role trust: exactly the management role, aws:PrincipalOrgID, no external ID', () => {
  const MGMT = 'arn:aws:iam::111111111111:role/ConductorOneIntegration';
  const ORG = 'o-abcdefghij';
  const good = { Effect: 'Allow', Principal: { AWS: MGMT }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } };
  const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

  test('the contract trust passes, in list and URL-encoded forms too', () => {
    expect(memberTrustProblems(doc(good), MGMT, ORG)).toEqual([]);
    expect(memberTrustProblems(doc({ ...good, Principal: { AWS: [MGMT] }, Action: ['sts:AssumeRole'] }), MGMT, ORG)).toEqual([]);
    expect(memberTrustProblems(encodeURIComponent(doc(good)), MGMT, ORG)).toEqual([]);
    // IAM's action names are case-insensitive.
    expect(memberTrustProblems(doc({ ...good, Action: 'STS:assumerole' }), MGMT, ORG)).toEqual([]);
    // A Deny that does not hit the management role only narrows.
    expect(memberTrustProblems(doc(good, { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG } } }), MGMT, ORG)).toEqual([]);
  });

  test.each([
    ['an external ID condition (baton-aws sends none)', { ...good, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'sts:ExternalId': 'x'.repeat(32) } } }, /sts:ExternalId condition/],
    ["the docs' ConductorOneService principal", { ...good, Principal: { AWS: 'arn:aws:iam::111111111111:role/ConductorOneService' } }, /not exactly the management role/],
    ['the whole management account', { ...good, Principal: { AWS: 'arn:aws:iam::111111111111:root' } }, /not exactly the management role/],
    ['an extra principal', { ...good, Principal: { AWS: [MGMT, 'arn:aws:iam::222222222222:root'] } }, /not exactly the management role/],
    ['no organization condition', { Effect: 'Allow', Principal: { AWS: MGMT }, Action: 'sts:AssumeRole' }, /not exactly StringEquals aws:PrincipalOrgID/],
    ['another organization', { ...good, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-other00000' } } }, /not exactly StringEquals/],
    ['a wider action', { ...good, Action: 'sts:*' }, /not exactly sts:AssumeRole/],
    ['a second action', { ...good, Action: ['sts:AssumeRole', 'sts:TagSession'] }, /not exactly sts:AssumeRole/],
    ['NotPrincipal', { Effect: 'Allow', NotPrincipal: { AWS: MGMT }, Action: 'sts:AssumeRole', Condition: good.Condition }, /has NotPrincipal/],
  ])('%s fails', (_name, statement, problem) => {
    expect(memberTrustProblems(doc(statement), MGMT, ORG).join('; ')).toMatch(problem);
  });

  test('a condition value (it may be the external ID) never appears in a problem', () => {
    const secret = 'tenant-external-id-0123456789abcdef0123';
    const problems = memberTrustProblems(doc({ ...good, Condition: { StringEquals: { 'sts:ExternalId': secret } } }), MGMT, ORG).join('; ');
    expect(problems).toMatch(/the condition StringEquals on sts:ExternalId, not exactly/);
    expect(problems).not.toContain(secret);
  });

  test('a Deny of the management role fails: it cannot get in', () => {
    expect(memberTrustProblems(doc(good, { Effect: 'Deny', Principal: { AWS: MGMT }, Action: 'sts:AssumeRole' }), MGMT, ORG).join()).toMatch(/cannot assume it: ExplicitlyDenied/);
  });
  test('no Allow at all fails; unreadable JSON fails', () => {
    expect(memberTrustProblems(doc({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }), MGMT, ORG).join()).toMatch(/no Allow statement/);
    expect(memberTrustProblems('{"Statement": [', MGMT, ORG).join()).toMatch(/cannot be judged/);
  });
});

describe('member_accounts_access: the needed statement and its condition', () => {
  const vars = { partition: 'aws-us-gov', accountId: '111111111111', memberRolePath: '/conductorone/', memberRoleName: 'Member', organizationId: 'o-abcdefghij' };
  const cap = capability('member_accounts_access');
  const needed = neededActions([cap], vars, { groupArns: [], groupPath: '/' });
  const policy = (statement: object) => [{ name: 'p', document: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) }];

  test('placeholders are filled from the member role and the organization', () => {
    expect(renderCapability(cap, vars, { groupArns: [], groupPath: '/' }).Statement[0]).toMatchObject({
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws-us-gov:iam::*:role/conductorone/Member',
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } },
    });
    expect(needed).toEqual([expect.objectContaining({ action: 'sts:AssumeRole', resource: 'arn:aws-us-gov:iam::*:role/conductorone/Member', capability: 'member_accounts_access' })]);
  });
  test('the module\'s statement (with exactly its condition) covers it and grants nothing more', () => {
    const rendered = renderCapability(cap, vars, { groupArns: [], groupPath: '/' }).Statement[0];
    expect(checkCoverage({ identity: policy(rendered) }, needed)).toEqual({ missing: [], excess: [] });
  });
  test('without its aws:ResourceOrgID condition it covers the pair but grants it into any organization: excess, named', () => {
    const rendered = renderCapability(cap, vars, { groupArns: [], groupPath: '/' }).Statement[0];
    const r = checkCoverage({ identity: policy({ ...rendered, Condition: undefined }) }, needed);
    expect(r.missing).toEqual([]);
    expect(r.excess).toEqual([expect.objectContaining({ unbounded: [expect.stringMatching(/sts:AssumeRole on arn:aws-us-gov:iam::\*:role\/conductorone\/Member without exactly the Condition .*aws:ResourceOrgID/)] })]);
  });
  test('another condition does not: the pair is missing, named', () => {
    const rendered = renderCapability(cap, vars, { groupArns: [], groupPath: '/' }).Statement[0];
    const other = { ...rendered, Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-zzzzzzzzzz' } } };
    expect(checkCoverage({ identity: policy(other) }, needed).missing).toEqual([expect.objectContaining({ action: 'sts:AssumeRole', reason: expect.stringMatching(/only under a condition/) })]);
    expect(checkCoverage({ identity: policy(other) }, needed).excess).toHaveLength(1);
  });
  test('every account\'s every role is wider than the member role: excess, named', () => {
    const wide = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws-us-gov:iam::*:role/*' };
    expect(checkCoverage({ identity: policy(wide) }, needed).excess).toHaveLength(1);
  });
});

describe('diff across member accounts', () => {
  const A = '111111111111';
  const B = '222222222222';
  const grant = (account: string, user: string) => {
    const e = `group:arn:aws:iam::${account}:group/devs:member`;
    const p = `arn:aws:iam::${account}:user/${user}`;
    return { id: `${e}:iam_user:${p}`, entitlement: e, principal: { resourceType: 'iam_user' as const, resource: p } };
  };
  const snap = (grants: ReturnType<typeof grant>[], missing: string[] = []): Snapshot => ({
    version: 1,
    syncedAt: 'x',
    source: { accountId: '999999999999', partition: 'aws', memberAccounts: [A, B].map((id) => ({ accountId: id, roleArn: `arn:aws:iam::${id}:role/M`, data: missing.includes(id) ? 'missing' : 'synced' })) },
    resourceTypes: [],
    resources: [],
    entitlements: [],
    grants,
    warnings: [],
  });

  test('an account whose IAM a snapshot could not read is not compared: its grants are not "removed"', () => {
    const before = snap([grant(A, 'alice'), grant(B, 'bob')]);
    const after = snap([grant(A, 'alice'), grant(A, 'carol')], [B]);
    const d = diffSnapshots(before, after);
    expect(d.removed).toEqual([]);
    expect(d.added.map((c) => c.principal)).toEqual([`iam_user:arn:aws:iam::${A}:user/carol`]);
    expect(d.notCompared).toEqual([B]);
    expect(formatDiff(d)).toMatch(new RegExp(`not compared \\(member accounts whose IAM a snapshot could not read\\): ${B}`));
  });

  test('read in both: a grant gone is removed', () => {
    const d = diffSnapshots(snap([grant(B, 'bob')]), snap([]));
    expect(d.removed.map((c) => c.principal)).toEqual([`iam_user:arn:aws:iam::${B}:user/bob`]);
    expect(d.notCompared).toEqual([]);
  });
});
