/** Action coverage of identity policies against the capability documents. */
import { enabledCapabilities, renderDocument } from '../../../connector/src/policy/capabilities';
import { checkCoverage, neededActions } from '../../../connector/src/policy/coverage';

const VARS = { partition: 'aws', accountId: '123456789012' };
const ALL_ON = { organizations: true, identity_center: true, provisioning: true };
const rendered = (toggles = ALL_ON) => enabledCapabilities(toggles).map((c) => ({ name: c.policyName, document: renderDocument(c.document, VARS) }));
const needed = (toggles = ALL_ON) => neededActions(enabledCapabilities(toggles), VARS);
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

test('the capability documents themselves cover exactly what they need: nothing missing, nothing stray', () => {
  for (const toggles of [ALL_ON, { organizations: false, identity_center: false, provisioning: false }, { organizations: true, identity_center: false, provisioning: true }]) {
    expect(checkCoverage(rendered(toggles), needed(toggles))).toEqual({ missing: [], stray: [] });
  }
});

test('a dropped action is missing, named with its capability and resource', () => {
  const policies = rendered().map((p) => ({ ...p, document: JSON.parse(JSON.stringify(p.document).replace('"iam:AddUserToGroup",', '')) }));
  expect(checkCoverage(policies, needed()).missing).toEqual([
    { action: 'iam:AddUserToGroup', resource: 'arn:aws:iam::123456789012:group/*', capability: 'iam_provisioning', reason: 'no statement allows it on this resource' },
  ]);
});

test('resource-level: a narrower resource does not cover, a wildcard does; URL-encoded documents parse', () => {
  const one = needed({ organizations: false, identity_center: false, provisioning: true }).filter((n) => n.capability === 'iam_provisioning');
  const narrow = doc({ Effect: 'Allow', Action: 'iam:*UserToGroup', Resource: 'arn:aws:iam::123456789012:group/admins' }, { Effect: 'Allow', Action: 'iam:RemoveUserFromGroup', Resource: '*' });
  expect(checkCoverage([{ name: 'p', document: narrow }], one).missing.map((m) => m.action)).toEqual(['iam:AddUserToGroup']);
  const wide = encodeURIComponent(JSON.stringify(doc({ Effect: 'Allow', Action: ['IAM:addusertogroup', 'iam:Remove*'], Resource: 'arn:aws:iam::*:group/*' })));
  expect(checkCoverage([{ name: 'p', document: wide }], one).missing).toEqual([]);
});

test('a Deny or a condition-only Allow leaves an action missing, naming the statement', () => {
  const one = needed({ organizations: true, identity_center: false, provisioning: false }).filter((n) => n.capability === 'organizations_sync');
  const denied = doc({ Effect: 'Allow', Action: 'organizations:*', Resource: '*' }, { Sid: 'NoList', Effect: 'Deny', Action: 'organizations:List*', Resource: '*' });
  expect(checkCoverage([{ name: 'P', document: denied }], one).missing).toEqual([expect.objectContaining({ action: 'organizations:ListAccounts', reason: 'denied by P Sid "NoList"' })]);
  const conditional = doc({ Effect: 'Allow', Action: ['organizations:Describe*', 'organizations:ListAccounts'], Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
  expect(checkCoverage([{ name: 'P', document: conditional }], one).missing.map((m) => m.reason)).toEqual([
    'allowed only under a condition (P Statement[0])',
    'allowed only under a condition (P Statement[0])',
  ]);
});

test('stray write actions: wildcards expand against the catalogue; reads and needed actions are not stray', () => {
  const n = needed({ organizations: false, identity_center: false, provisioning: false });
  const extra = doc({ Sid: 'Extra', Effect: 'Allow', Action: ['iam:CreateUser', 'iam:Get*', 's3:ListAllMyBuckets'], Resource: '*' });
  const result = checkCoverage([...rendered({ organizations: false, identity_center: false, provisioning: false }), { name: 'X', document: extra }], n);
  expect(result.stray).toEqual([{ action: 'iam:CreateUser', level: 'Write', allowedBy: ['X Sid "Extra"'] }]);
  const admin = checkCoverage([{ name: 'Admin', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }], n);
  expect(admin.missing).toEqual([]);
  expect(admin.stray.length).toBeGreaterThan(10000);
  expect(admin.stray.map((s) => s.action)).toEqual(expect.arrayContaining(['iam:AttachRolePolicy', 'iam:PutRolePolicy', 's3:PutObject']));
  // Provisioning off: its actions are stray even though a capability document lists them.
  expect(checkCoverage(rendered(ALL_ON), n).stray.map((s) => s.action)).toEqual(
    expect.arrayContaining(['iam:AddUserToGroup', 'sso:CreateAccountAssignment', 'identitystore:CreateGroupMembership']),
  );
  // A Deny on every resource takes the write away.
  const fenced = doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', NotAction: ['iam:Get*', 'iam:List*'], Resource: '*' });
  expect(checkCoverage([{ name: 'F', document: fenced }], n).stray).toEqual([]);
});
