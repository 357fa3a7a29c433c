/** A role's effective permissions against the capability documents, as (action, resource) pairs. */
import { capability, enabledCapabilities, GroupScope, renderCapability, renderDocument, Toggles } from '../../../connector/src/policy/capabilities';
import { checkCoverage, IdentityPolicy, neededActions } from '../../../connector/src/policy/coverage';

const ACCOUNT = '123456789012';
const VARS = { partition: 'aws', accountId: ACCOUNT };
const ALL_ON: Toggles = { organizations: true, identity_center: true, provisioning: true };
const NONE: Toggles = { organizations: false, identity_center: false, provisioning: false };
const PROVISIONING: Toggles = { organizations: false, identity_center: false, provisioning: true };
const EVERY_GROUP: GroupScope = { groupArns: [], groupPath: '/' };
const C1_GROUPS: GroupScope = { groupArns: [], groupPath: '/conductorone/' };
const GROUP = (p: string) => `arn:aws:iam::${ACCOUNT}:group${p}`;

/** The role's inline policies as the module renders them for these toggles and scope. */
const rendered = (toggles: Toggles, scope: GroupScope = EVERY_GROUP): IdentityPolicy[] =>
  enabledCapabilities(toggles).map((c) => ({ name: c.policyName, document: renderCapability(c, VARS, scope) }));
const needed = (toggles: Toggles, scope: GroupScope = EVERY_GROUP) => neededActions(enabledCapabilities(toggles), VARS, scope);
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const extra = (name: string, ...statements: object[]): IdentityPolicy => ({ name, document: doc(...statements) });
const judge = (identity: IdentityPolicy[], toggles: Toggles, scope: GroupScope = EVERY_GROUP, boundary?: IdentityPolicy) =>
  checkCoverage({ identity, boundary }, needed(toggles, scope));

describe('the role as the module renders it', () => {
  const scopes: GroupScope[] = [EVERY_GROUP, C1_GROUPS, { groupArns: [GROUP('/conductorone/Engineers'), GROUP('/Readers')], groupPath: '/' }];
  test.each([ALL_ON, NONE, PROVISIONING, { organizations: true, identity_center: false, provisioning: true }])('nothing missing, nothing beyond: %o', (toggles) => {
    for (const scope of scopes) expect(judge(rendered(toggles, scope), toggles, scope)).toEqual({ missing: [], excess: [] });
  });

  test('the needed set narrows exactly the statements capabilities.json marks', () => {
    const n = needed(PROVISIONING, C1_GROUPS);
    expect(n.filter((x) => x.capability === 'iam_provisioning')).toEqual([
      { action: 'iam:AddUserToGroup', resource: GROUP('/conductorone/*'), capability: 'iam_provisioning' },
      { action: 'iam:RemoveUserFromGroup', resource: GROUP('/conductorone/*'), capability: 'iam_provisioning' },
    ]);
    // iam_sync's GetGroup is not scoped: sync reads every group.
    expect(n).toContainEqual({ action: 'iam:GetGroup', resource: GROUP('/*'), capability: 'iam_sync' });
    // hosted-connector-only actions are needed too: ConductorOne's connector calls them.
    for (const a of capability('iam_sync').hostedConnectorOnly) expect(n.map((x) => x.action)).toContain(a);
  });
});

describe('missing', () => {
  test('a dropped action, named with its capability and resource', () => {
    const policies = rendered(ALL_ON).map((p) => ({ ...p, document: JSON.parse(JSON.stringify(p.document).replace('"iam:AddUserToGroup",', '')) }));
    expect(judge(policies, ALL_ON).missing).toEqual([{ action: 'iam:AddUserToGroup', resource: GROUP('/*'), capability: 'iam_provisioning', reason: 'no statement allows it on this resource' }]);
  });

  test('a narrower resource does not cover; "*" and a case-different action name do; URL-encoded documents parse', () => {
    const narrow = extra('p', { Effect: 'Allow', Action: 'iam:*UserToGroup', Resource: GROUP('/admins') }, { Effect: 'Allow', Action: 'iam:RemoveUserFromGroup', Resource: '*' });
    const one = (r: ReturnType<typeof judge>) => r.missing.filter((m) => m.capability === 'iam_provisioning').map((m) => m.action);
    expect(one(judge([...rendered(NONE), narrow], PROVISIONING))).toEqual(['iam:AddUserToGroup']);
    const wide = encodeURIComponent(JSON.stringify(doc({ Effect: 'Allow', Action: ['IAM:addusertogroup', 'iam:Remove*'], Resource: 'arn:aws:iam::*:group/*' })));
    expect(one(judge([...rendered(NONE), { name: 'p', document: wide }], PROVISIONING))).toEqual([]);
  });

  test('an unconditional Deny covering the pair, or an Allow only under a condition, leaves it missing', () => {
    const orgs: Toggles = { ...NONE, organizations: true };
    const denied = extra('P', { Effect: 'Allow', Action: 'organizations:*', Resource: '*' }, { Sid: 'NoList', Effect: 'Deny', Action: 'organizations:List*', Resource: '*' });
    expect(judge([...rendered(NONE), denied], orgs).missing).toEqual([expect.objectContaining({ action: 'organizations:ListAccounts', reason: 'denied by P Sid "NoList"' })]);
    const conditional = extra('P', { Effect: 'Allow', Action: ['organizations:Describe*', 'organizations:ListAccounts'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    expect(judge([...rendered(NONE), conditional], orgs).missing.map((m) => m.reason)).toEqual([
      'allowed only under a condition (P Statement[0])',
      'allowed only under a condition (P Statement[0])',
    ]);
  });

  test('extra Deny statements that leave the needed pairs alone change nothing', () => {
    const fence = extra(
      'Fence',
      { Sid: 'NoAdmins', Effect: 'Deny', Action: 'iam:*', Resource: GROUP('/Admins') },
      { Sid: 'NoSecrets', Effect: 'Deny', Action: ['secretsmanager:*', 's3:*'], Resource: '*' },
      { Sid: 'TlsOnly', Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'OneGroup', Effect: 'Deny', Action: 'iam:AddUserToGroup', Resource: GROUP('/conductorone/Breakglass') },
    );
    expect(judge([...rendered(ALL_ON, C1_GROUPS), fence], ALL_ON, C1_GROUPS)).toEqual({ missing: [], excess: [] });
  });
});

describe('beyond the needed set', () => {
  test('the un-narrowed group statement is wider than the scope, naming the statement and both resources', () => {
    const r = judge(rendered(PROVISIONING, EVERY_GROUP), PROVISIONING, C1_GROUPS);
    expect(r.missing).toEqual([]);
    expect(r.excess).toEqual([
      {
        statement: 'ConductorOneIamProvisioning Sid "ManageIamGroupMembership"',
        outsideActions: [],
        widerResources: [
          { action: 'iam:AddUserToGroup', allowed: GROUP('/*'), needed: [GROUP('/conductorone/*')] },
          { action: 'iam:RemoveUserFromGroup', allowed: GROUP('/*'), needed: [GROUP('/conductorone/*')] },
        ],
        unbounded: [],
      },
    ]);
  });

  test('a needed action on "*", on another account\'s groups, or under a policy variable is wider', () => {
    const p = extra(
      'Out',
      { Sid: 'Star', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: '*' },
      { Sid: 'AnyAccount', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: 'arn:aws:iam::*:group/conductorone/*' },
      { Sid: 'Variable', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: GROUP('/conductorone/${aws:username}') },
      { Sid: 'Fine', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: GROUP('/conductorone/Engineers') },
    );
    const r = judge([...rendered(PROVISIONING, C1_GROUPS), p], PROVISIONING, C1_GROUPS);
    // The variable stays inside the scope's "*": the widened pattern group/conductorone/* is covered.
    expect(r.excess.map((g) => [g.statement, g.widerResources.map((w) => w.allowed)])).toEqual([
      ['Out Sid "Star"', ['*']],
      ['Out Sid "AnyAccount"', ['arn:aws:iam::*:group/conductorone/*']],
    ]);
  });

  test('reads outside the needed set fail like writes: GetSecretValue, GetObject, GetParameter on "*"', () => {
    const p = extra('arn:aws:iam::123456789012:policy/Helpful', { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 's3:GetObject', 'ssm:GetParameter', 'iam:ListUsers'], Resource: '*' });
    const r = judge([...rendered(NONE), p], NONE);
    expect(r.excess).toEqual([
      {
        statement: 'arn:aws:iam::123456789012:policy/Helpful Statement[0]',
        outsideActions: [
          { action: 's3:GetObject', level: 'Read' },
          { action: 'secretsmanager:GetSecretValue', level: 'Read' },
          { action: 'ssm:GetParameter', level: 'Read' },
        ],
        widerResources: [],
        unbounded: [],
      },
    ]);
  });

  test('wildcards expand over the whole catalogue, strongest level first; they also grant actions AWS adds later', () => {
    const r = judge([...rendered(NONE), extra('W', { Sid: 'Get', Effect: 'Allow', Action: 's3:Get*', Resource: '*' })], NONE);
    const g = r.excess[0];
    expect(g.outsideActions.length).toBeGreaterThan(40);
    expect(g.outsideActions.every((a) => a.action.startsWith('s3:Get'))).toBe(true);
    expect(g.unbounded).toEqual(['it allows "s3:Get*", which also grants the matching actions AWS adds later']);
    const admin = judge([{ name: 'Admin', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], NONE);
    expect(admin.missing).toEqual([]);
    const all = admin.excess[0].outsideActions;
    expect(all.length).toBeGreaterThan(20000);
    expect(all[0].level).toBe('Permissions management');
    expect(all.map((a) => a.action)).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 's3:PutObject', 'secretsmanager:GetSecretValue']));
    // The needed actions are not outside the set, but "*" is wider than the resources they need.
    expect(admin.excess[0].widerResources.map((w) => w.action)).toEqual(['iam:GetGroup', 'iam:GetRole']);
  });

  test('a condition on an Allow does not narrow it, and the finding says so', () => {
    const p = extra('C', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:ResourceAccount': '111111111111' } } });
    expect(judge([...rendered(NONE), p], NONE).excess).toEqual([
      { statement: 'C Statement[0]', outsideActions: [{ action: 's3:GetObject', level: 'Read' }], widerResources: [], unbounded: ["its Condition is not counted as a limit: it may hold for ConductorOne's requests"] },
    ]);
    // A conditional Allow within the needed pairs is no finding.
    const inside = extra('C', { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    expect(judge([...rendered(NONE), inside], NONE).excess).toEqual([]);
  });

  test('an action AWS does not list is outside the set too, with level "unknown"', () => {
    const r = judge([...rendered(NONE), extra('N', { Effect: 'Allow', Action: 'newservice:DoThing', Resource: '*' })], NONE);
    expect(r.excess[0].outsideActions).toEqual([{ action: 'newservice:DoThing', level: 'unknown' }]);
  });

  test('NotAction allows everything else; NotResource counts as every resource; both are named in plain words', () => {
    const p = extra(
      'Not',
      { Sid: 'AllButIam', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      { Sid: 'AllButAdmins', Effect: 'Allow', Action: 'iam:AddUserToGroup', NotResource: GROUP('/Admins') },
    );
    const r = judge([...rendered(PROVISIONING, C1_GROUPS), p], PROVISIONING, C1_GROUPS);
    const [notAction, notResource] = r.excess;
    expect(notAction.statement).toBe('Not Sid "AllButIam"');
    expect(notAction.outsideActions.length).toBeGreaterThan(19000);
    expect(notAction.outsideActions.some((a) => a.action.startsWith('iam:'))).toBe(false);
    expect(notAction.unbounded).toEqual(['it allows every action except iam:*, which also grants the matching actions AWS adds later']);
    expect(notResource.widerResources).toEqual([{ action: 'iam:AddUserToGroup', allowed: `every resource except ${GROUP('/Admins')}`, needed: [GROUP('/conductorone/*')] }]);
  });

  test('a statement whose shape cannot be read counts as allowing everything, and says why', () => {
    const shapes = [
      { Sid: 'NoResource', Effect: 'Allow', Action: 's3:GetObject' },
      { Sid: 'Typo', Effect: 'Allow', Action: 's3:GetObject', Resources: 'arn:aws:s3:::b/*', Resource: 'arn:aws:s3:::b/*' },
      { Sid: 'Both', Effect: 'Allow', Action: 's3:GetObject', NotAction: 's3:PutObject', Resource: '*' },
      { Sid: 'Number', Effect: 'Allow', Action: [1], Resource: '*' },
    ];
    const r = judge([...rendered(NONE), extra('Odd', ...shapes)], NONE);
    expect(r.excess.map((g) => [g.statement, g.unbounded[0], g.outsideActions.length > 20000])).toEqual([
      ['Odd Sid "NoResource"', 'it needs exactly one of Resource and NotResource, so it counts as allowing everything', true],
      ['Odd Sid "Typo"', 'it has element(s) Resources that an identity policy does not take, so it counts as allowing everything', true],
      ['Odd Sid "Both"', 'it needs exactly one of Action and NotAction, so it counts as allowing everything', true],
      ['Odd Sid "Number"', 'its Action/NotAction is not a string or a list of strings, so it counts as allowing everything', true],
    ]);
    const broken = judge([...rendered(NONE), { name: 'Broken', document: '{"Statement": [' }], NONE);
    expect(broken.excess[0]).toMatchObject({ statement: 'Broken', unbounded: [expect.stringMatching(/^the policy cannot be read \(policy is not valid JSON/)] });
  });
});

describe('Deny takes away only what it provably covers', () => {
  const wide = extra('Wide', { Sid: 'All', Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: GROUP('/*') });

  test('Deny NotResource bounds the action to the scope; with a condition it proves nothing', () => {
    const bound = { Sid: 'OnlyC1', Effect: 'Deny', Action: 'iam:AddUserToGroup', NotResource: GROUP('/conductorone/*') };
    expect(judge([...rendered(PROVISIONING, C1_GROUPS), wide, extra('Guard', bound)], PROVISIONING, C1_GROUPS).excess).toEqual([]);
    const conditional = { ...bound, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } };
    expect(judge([...rendered(PROVISIONING, C1_GROUPS), wide, extra('Guard', conditional)], PROVISIONING, C1_GROUPS).excess.map((g) => g.statement)).toEqual(['Wide Sid "All"']);
  });

  test('a Deny on part of the wider resource does not remove it', () => {
    const part = extra('Guard', { Effect: 'Deny', Action: 'iam:AddUserToGroup', Resource: GROUP('/Admins') });
    expect(judge([...rendered(PROVISIONING, C1_GROUPS), wide, part], PROVISIONING, C1_GROUPS).excess.map((g) => g.statement)).toEqual(['Wide Sid "All"']);
  });

  test('a fence (Deny NotAction of the needed actions on "*") removes every other action, those AWS adds later included', () => {
    const n = needed(PROVISIONING, C1_GROUPS);
    const fence = extra('Fence', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', NotAction: [...new Set(n.map((x) => x.action))], Resource: '*' });
    const r = judge([...rendered(PROVISIONING, C1_GROUPS), fence], PROVISIONING, C1_GROUPS);
    expect(r.excess).toHaveLength(1);
    expect(r.excess[0]).toMatchObject({ statement: 'Fence Statement[0]', outsideActions: [], unbounded: [] });
    // What remains: the needed actions that need a narrower resource than "*".
    expect(r.excess[0].widerResources.map((w) => w.action)).toEqual(['iam:AddUserToGroup', 'iam:GetGroup', 'iam:GetRole', 'iam:RemoveUserFromGroup']);
  });

  test('a Deny of everything on "*" removes even a NotAction Allow; the same Deny under a condition removes nothing', () => {
    const allow = { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' };
    const deny = { Effect: 'Deny', Action: '*', Resource: '*' };
    const r = judge([...rendered(NONE), extra('D', allow, deny)], NONE);
    expect(r.excess).toEqual([]);
    // ... and every needed pair with it.
    expect(r.missing.map((m) => m.reason)).toEqual(needed(NONE).map(() => 'denied by D Statement[1]'));
    const conditional = { ...deny, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } };
    expect(judge([...rendered(NONE), extra('D', allow, conditional)], NONE).excess.map((g) => g.statement)).toEqual(['D Statement[0]']);
  });

  test('a Deny whose Resource holds a policy variable removes nothing', () => {
    const secrets = extra('S', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${aws:username}*' });
    expect(judge([...rendered(NONE), secrets], NONE).excess.map((g) => g.statement)).toEqual(['S Statement[0]']);
    const plain = extra('S', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' }, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*' });
    expect(judge([...rendered(NONE), plain], NONE).excess).toEqual([]);
  });
});

describe('permissions boundary', () => {
  const boundaryOf = (toggles: Toggles, scope: GroupScope): IdentityPolicy => ({
    name: 'permissions boundary B',
    document: doc(...enabledCapabilities(toggles).flatMap((c) => renderCapability(c, VARS, scope).Statement)),
  });

  test('an admin identity policy inside a boundary of exactly the needed pairs is effectively the needed set', () => {
    const admin = extra('Admin', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(judge([admin], ALL_ON, C1_GROUPS, boundaryOf(ALL_ON, C1_GROUPS))).toEqual({ missing: [], excess: [] });
  });

  test('a boundary without a needed action: missing, naming the boundary', () => {
    const b = boundaryOf(PROVISIONING, C1_GROUPS);
    const without = { ...b, document: JSON.parse(JSON.stringify(b.document).replace('"iam:AddUserToGroup",', '')) };
    expect(judge(rendered(PROVISIONING, C1_GROUPS), PROVISIONING, C1_GROUPS, without).missing).toEqual([
      { action: 'iam:AddUserToGroup', resource: GROUP('/conductorone/*'), capability: 'iam_provisioning', reason: 'the permissions boundary does not allow it (no statement allows it on this resource)' },
    ]);
  });

  test('a boundary with wildcards bounds only what it names; a wide boundary leaves the identity excess in place', () => {
    const admin = extra('Admin', { Effect: 'Allow', Action: '*', Resource: '*' });
    const iamOnly = { name: 'permissions boundary B', document: doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }) };
    const r = judge([admin], NONE, EVERY_GROUP, iamOnly);
    expect(r.excess[0].outsideActions.every((a) => a.action.startsWith('iam:'))).toBe(true);
    expect(r.excess[0].unbounded).toEqual(['it allows "*", which also grants the matching actions AWS adds later']);
  });
});

test('renderCapability narrows by Sid as the module does; renderDocument keeps every group', () => {
  const c = capability('iam_provisioning');
  expect(renderDocument(c.document, VARS).Statement[0].Resource).toBe(GROUP('/*'));
  expect(renderCapability(c, VARS, C1_GROUPS).Statement[0].Resource).toEqual([GROUP('/conductorone/*')]);
  expect(renderCapability(c, VARS, { groupArns: [GROUP('/a'), GROUP('/b')], groupPath: '/' }).Statement[0].Resource).toEqual([GROUP('/a'), GROUP('/b')]);
});
