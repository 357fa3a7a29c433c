/**
 * Sync's role grants against iam-simulate, on every policy of the adversarial trust corpus plus cases written for
 * sync (an Allow then a Deny of the same user, Denies decided by who the principal is or by the request). The
 * corpus's principals are taken as identities of the synced account, so each policy grants or refuses them:
 *   - an unconditional grant: iam-simulate allows the principal with only its own facts in the request;
 *   - a conditional grant: some request iam-simulate allows exists (the conditions are real, not a dead end);
 *   - no grant: no request we can make gets the principal in, unless the policy lets it in through "*", NotPrincipal
 *     or its account (those go in the role's profile, not into grants, and the test checks they are there).
 */
import { analyzeTrust, KnownPrincipals } from '../../../connector/src/sync/resources/role';
import { buildCorpus, C1, CorpusCase, FOREIGN, OURS, ROLE_ACCOUNT, ROTATED, simulateRequest } from '../../fixtures/trust-corpus';

const USER = `arn:aws:iam::${ROLE_ACCOUNT}:user/alice`;
const OPS = `arn:aws:iam::${ROLE_ACCOUNT}:role/Ops`;
const ATTACKER_ROLE = 'arn:aws:iam::210987654321:role/ConductorOneService';
const ATTACKER_USER = 'arn:aws:iam::210987654321:user/mallory';
const S3_ROLE = 'arn:aws:iam::765656841499:role/ConductorOneS3DatasourceService';
const SAML = `arn:aws:iam::${ROLE_ACCOUNT}:saml-provider/Corp`;
const OIDC = `arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
/** What GAAD would say of alice: her name, unique id and tags are facts of every request she makes. */
const ALICE = { name: 'alice', id: 'AIDAALICE0000000000000', tags: [{ Key: 'team', Value: 'ops' }] };
const known: KnownPrincipals = {
  users: new Set([USER, ATTACKER_USER]),
  roles: new Set([C1, OPS, ATTACKER_ROLE, S3_ROLE]),
  providers: new Set([SAML, OIDC]),
  details: new Map([[USER, ALICE]]),
};

const allow = (principal: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra });
const deny = (principal: unknown, extra: Record<string, unknown> = {}) => ({ Effect: 'Deny', Principal: principal, Action: 'sts:AssumeRole', ...extra });
const SYNC_CASES: CorpusCase['policy'][] = [
  [allow({ AWS: USER }), deny({ AWS: USER })],
  [allow({ AWS: [USER, OPS] }), deny('*', { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ROLE_ACCOUNT}:user/*` } } })],
  [allow({ AWS: [USER, OPS] }), deny('*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
  [allow({ AWS: [USER, OPS] }, { Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } })],
  [allow({ AWS: USER }, { Condition: { StringEquals: { 'sts:RoleSessionName': 'ops' } } }), allow({ AWS: USER })],
  [allow({ AWS: OPS }), deny({ AWS: OPS }, { Action: 'sts:*', Condition: { StringNotEquals: { 'sts:ExternalId': OURS } } })],
  [allow({ Federated: SAML }, { Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } })],
  [allow({ AWS: USER }, { NotAction: 'sts:TagSession', Action: undefined }), deny({ AWS: USER }, { Action: 'sts:Assume*' })],
  // Facts a user always carries: its name, its unique id, its tags (one it lacks is absent).
  [allow({ AWS: USER }), deny('*', { Condition: { StringEquals: { 'aws:username': 'alice' } } })],
  [allow({ AWS: USER }, { Condition: { StringEquals: { 'aws:username': 'bob' } } })],
  [allow({ AWS: [USER, OPS] }, { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } })],
  [allow({ AWS: USER }, { Condition: { StringEquals: { 'aws:PrincipalTag/env': 'prod' } } })],
  [allow({ AWS: USER }), deny('*', { Condition: { Null: { 'aws:PrincipalTag/team': 'false' } } })],
  [allow({ AWS: [USER, OPS] }), deny('*', { Condition: { StringLike: { 'aws:userid': 'AIDAALICE*' } } })],
  // Policy variables stand for request facts: never compared as literal text.
  [allow({ AWS: USER }, { Condition: { StringNotEquals: { 'aws:PrincipalTag/team': '${aws:username}' } } })],
  [allow({ AWS: USER }, { Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } } })],
  [allow({ AWS: [USER, OPS] }), deny('*', { Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } } })],
  [allow('*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } } }), allow({ AWS: OPS }, { Action: 'sts:TagSession' })],
  // Users and role sessions are never AWS services.
  [allow({ AWS: [USER, OPS] }), deny('*', { Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } } })],
].map((Statement) => ({ Version: '2012-10-17', Statement: JSON.parse(JSON.stringify(Statement)) }));

type Who = { arn: string; caller: string; action: string; facts: Record<string, string> };
const identities = (): Who[] => [
  ...[...known.users].map((arn) => ({
    arn,
    caller: arn,
    action: 'sts:AssumeRole',
    facts: {
      'aws:PrincipalArn': arn,
      'aws:PrincipalAccount': arn.split(':')[4],
      'aws:PrincipalType': 'User',
      'aws:PrincipalIsAWSService': 'false',
      ...(arn === USER ? { 'aws:username': ALICE.name, 'aws:userid': ALICE.id, 'aws:PrincipalTag/team': 'ops' } : { 'aws:username': 'mallory', 'aws:userid': 'AIDAMALLORY00000000000' }),
    },
  })),
  ...[...known.roles].map((arn) => ({
    arn,
    caller: arn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/') + '/s',
    action: 'sts:AssumeRole',
    facts: { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': arn.split(':')[4], 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': 'false' },
  })),
  { arn: SAML, caller: SAML, action: 'sts:AssumeRoleWithSAML', facts: {} },
];

/** Requests beyond the principal's own facts: the external IDs in play, and values the Allow conditions name. */
function requestsFor(policy: CorpusCase['policy']): Record<string, string>[] {
  const named: Record<string, string> = {};
  for (const s of policy.Statement as { Effect: string; Condition?: Record<string, Record<string, unknown>> }[]) {
    if (s.Effect !== 'Allow') continue;
    for (const keys of Object.values(s.Condition ?? {})) {
      for (const [k, raw] of Object.entries(keys)) {
        const first = Array.isArray(raw) ? raw[0] : raw;
        // The principal's own facts are set per principal (they win below); everything else a request may carry.
        if (typeof first === 'string' && !/^aws:principal(arn|account|type)$/i.test(k) && !/^sts:externalid$/i.test(k)) named[k] = first.replace(/[*?]/g, 'x');
      }
    }
  }
  const base = { 'aws:SecureTransport': 'true', 'aws:CurrentTime': new Date().toISOString() };
  return [{}, base, { ...base, ...named }, ...[OURS, ROTATED, FOREIGN].flatMap((id) => [{ ...base, 'sts:ExternalId': id }, { ...base, ...named, 'sts:ExternalId': id }])];
}

test('role grants agree with iam-simulate on every corpus policy and the sync cases', async () => {
  const policies = [...buildCorpus().map((c) => c.policy), ...SYNC_CASES];
  const wrong: string[] = [];
  const seen = { unconditional: 0, conditional: 0, none: 0, profileOnly: 0 };
  for (const policy of policies) {
    const t = analyzeTrust(policy, known, ROLE_ACCOUNT);
    for (const who of identities()) {
      const grant = t.grants.find((g) => g.principal.resource === who.arn);
      // A principal cannot change its own facts (name, id, a user's tags): they override whatever the request names.
      // A user's tags are all it has: a tag the request names that the user lacks stays absent.
      const own = (extra: Record<string, string>) => (who.action === 'sts:AssumeRole' && who.facts['aws:PrincipalType'] === 'User' ? Object.fromEntries(Object.entries(extra).filter(([k]) => !/^aws:principaltag\//i.test(k))) : extra);
      const ask = (extra: Record<string, string>) => simulateRequest(policy, { principal: who.caller, action: who.action, context: { ...own(extra), ...who.facts, 'aws:ResourceAccount': ROLE_ACCOUNT } });
      const label = `${who.arn} in ${JSON.stringify(policy.Statement)}`;
      if (grant && !grant.conditions) {
        seen.unconditional++;
        if ((await ask({})) !== 'Allowed') wrong.push(`unconditional grant iam-simulate refuses: ${label}`);
      } else if (grant) {
        seen.conditional++;
        let any = false;
        for (const r of requestsFor(policy)) if ((await ask(r)) === 'Allowed') any = true;
        if (!any) wrong.push(`conditional grant no request satisfies: ${label} ${JSON.stringify(grant.conditions)}`);
      } else {
        seen.none++;
        const coveredElsewhere = t.external.includes('*') || t.accounts.includes(who.arn.split(':')[4]);
        for (const r of requestsFor(policy)) {
          if ((await ask(r)) !== 'Allowed') continue;
          if (coveredElsewhere) seen.profileOnly++;
          else wrong.push(`iam-simulate lets in a principal sync gives no grant: ${label} with ${JSON.stringify(r)}`);
          break;
        }
      }
    }
  }
  expect(wrong).toEqual([]);
  // Each kind must occur, or the agreement says little.
  expect(seen.unconditional).toBeGreaterThan(10);
  expect(seen.conditional).toBeGreaterThan(100);
  expect(seen.none).toBeGreaterThan(100);
}, 600000);

test('the reported bug: a user allowed and then denied by name gets no grant', () => {
  const t = analyzeTrust(SYNC_CASES[0], known, ROLE_ACCOUNT);
  expect(t.grants).toEqual([]);
});

test("a user's name, id and tags decide conditions on them: no grant that can never hold", () => {
  const grantsOf = (i: number) => analyzeTrust(SYNC_CASES[i], known, ROLE_ACCOUNT).grants.map((g) => [g.principal.resource, g.conditions ?? null]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const at = (text: string) => SYNC_CASES.findIndex((p) => JSON.stringify(p).includes(text));
  expect(grantsOf(at('"aws:username":"alice"'))).toEqual([]);
  expect(grantsOf(at('"aws:username":"bob"'))).toEqual([]);
  // alice has team=ops: granted outright; Ops's session tags are chosen when it assumes: granted under the condition.
  expect(grantsOf(at('aws:PrincipalTag/team":"ops'))).toEqual([
    [OPS, [{ StringEquals: { 'aws:PrincipalTag/team': 'ops' } }]],
    [USER, null],
  ]);
  expect(grantsOf(at('aws:PrincipalTag/env'))).toEqual([]);
  expect(grantsOf(at('"Null"'))).toEqual([]);
  expect(grantsOf(at('aws:PrincipalIsAWSService'))).toEqual([]);
  // Variables are filled from the facts: alice's team tag (ops) is not her user name (alice).
  expect(grantsOf(at('"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}'))).toEqual([]);
  expect(grantsOf(at('"StringNotEquals":{"aws:PrincipalTag/team":"${aws:username}"}'))).toEqual([[USER, null]]);
  // A variable that is not known stays a condition on the grant, not a literal that never matches.
  expect(analyzeTrust({ Statement: [allow({ AWS: USER }, { Condition: { StringEquals: { 'aws:SourceIdentity': '${aws:PrincipalTag/owner}' } } })] }, known, ROLE_ACCOUNT).grants).toEqual([
    { principal: { resourceType: 'iam_user', resource: USER }, conditions: [{ StringEquals: { 'aws:SourceIdentity': '${aws:PrincipalTag/owner}' } }] },
  ]);
});
