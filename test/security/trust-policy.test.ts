/**
 * The trust policy each target really produces (rendered in its Terraform plan against moto: the module with every
 * toggle and with defaults, every example, both CDKTF stacks), checked by rules modelled on checkov CKV_AWS_60/61 plus
 * ours:
 *   - no `*` principal, in any form (CKV_AWS_60);
 *   - exactly the intended principals: the trusted principal ARN and nothing else (no account root, which
 *     CKV_AWS_61 flags; no service, federated or second principal);
 *   - an `sts:ExternalId` condition under StringEquals on EVERY Allow statement, with only the configured IDs
 *     (no wildcard, no empty value, no IfExists/ForAnyValue/StringLike variants);
 *   - Action only sts:AssumeRole; no NotPrincipal/NotAction.
 * The rules are tested against hand-made bad policies first, so a rule that cannot fail cannot pass silently.
 */
import { EXPECTED_TARGETS, PLAN_INPUTS, plannedResources, Plans, plans } from './targets';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every principal of a statement as "<type>:<value>" ("*" for the bare wildcard). */
function principals(p: unknown): string[] {
  if (p === '*') return ['*:*'];
  if (!p || typeof p !== 'object') return [];
  return Object.entries(p as Json).flatMap(([type, v]) => list(v).map((x) => `${type}:${String(x)}`));
}

export interface TrustExpectations {
  principal: string;
  externalIds: string[];
}

/** Violations of the trust rules, one line each; empty when the policy is as intended. */
export function trustViolations(policyText: string, want: TrustExpectations): string[] {
  const out: string[] = [];
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policyText) as { Statement?: unknown };
  } catch {
    return ['not JSON'];
  }
  const statements = list(doc.Statement) as Statement[];
  const allow = statements.filter((s) => s.Effect === 'Allow');
  if (allow.length === 0) out.push('no Allow statement');
  allow.forEach((s, i) => {
    const at = `statement ${s.Sid ?? i}`;
    if (s.NotPrincipal !== undefined) out.push(`${at}: NotPrincipal in an Allow statement`);
    if (s.NotAction !== undefined) out.push(`${at}: NotAction in an Allow statement`);
    const ps = principals(s.Principal);
    // CKV_AWS_60: a wildcard principal, bare or in a list.
    for (const p of ps) if (p.endsWith(':*') || p.split(':').slice(1).join(':').includes('*')) out.push(`${at}: wildcard principal ${p}`);
    // CKV_AWS_61: an account (12 digits or :root) as principal.
    for (const p of ps) if (/^AWS:(\d{12}|arn:[\w-]+:iam::\d{12}:root)$/.test(p)) out.push(`${at}: account principal ${p}`);
    // Ours: exactly the intended principal.
    if (JSON.stringify(ps) !== JSON.stringify([`AWS:${want.principal}`])) out.push(`${at}: principals ${JSON.stringify(ps)} are not exactly AWS:${want.principal}`);
    const actions = list(s.Action);
    if (JSON.stringify(actions) !== JSON.stringify(['sts:AssumeRole'])) out.push(`${at}: actions ${JSON.stringify(actions)} are not exactly sts:AssumeRole`);
    const cond = s.Condition ?? {};
    const eq = cond.StringEquals ?? {};
    const ids = list(eq['sts:ExternalId']).map(String);
    if (ids.length === 0) out.push(`${at}: no StringEquals sts:ExternalId condition`);
    for (const id of ids) {
      if (id === '' || /[*?]/.test(id)) out.push(`${at}: external ID value ${JSON.stringify(id)} is empty or a pattern`);
      else if (!want.externalIds.includes(id)) out.push(`${at}: external ID value is not one of the configured IDs`);
    }
    if (!ids.includes(want.externalIds[0])) out.push(`${at}: the configured external ID is missing`);
    // Any other operator on sts:ExternalId weakens or duplicates the rule (StringLike, ...IfExists, ForAnyValue:...).
    for (const [op, kv] of Object.entries(cond)) {
      if (op !== 'StringEquals' && kv && Object.keys(kv).some((k) => k.toLowerCase() === 'sts:externalid')) out.push(`${at}: sts:ExternalId also under ${op}`);
    }
  });
  return out;
}

const WANT: TrustExpectations = { principal: PLAN_INPUTS.trustedPrincipalArn, externalIds: [PLAN_INPUTS.externalId, PLAN_INPUTS.additionalExternalId] };
const good = (over: Partial<Statement> = {}): Statement => ({
  Effect: 'Allow',
  Principal: { AWS: PLAN_INPUTS.trustedPrincipalArn },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'sts:ExternalId': PLAN_INPUTS.externalId } },
  ...over,
});
const policy = (...s: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });

describe('the rules themselves', () => {
  test('accept the intended policy (one or both external IDs)', () => {
    expect(trustViolations(policy(good()), WANT)).toEqual([]);
    expect(trustViolations(policy(good({ Condition: { StringEquals: { 'sts:ExternalId': WANT.externalIds } } })), WANT)).toEqual([]);
  });
  test.each([
    ['public principal (CKV_AWS_60)', policy(good({ Principal: '*' })), /wildcard principal/],
    ['public AWS principal (CKV_AWS_60)', policy(good({ Principal: { AWS: '*' } })), /wildcard principal/],
    ['account root (CKV_AWS_61)', policy(good({ Principal: { AWS: 'arn:aws:iam::765656841499:root' } })), /account principal/],
    ['bare account id (CKV_AWS_61)', policy(good({ Principal: { AWS: '765656841499' } })), /account principal/],
    ['a second principal', policy(good({ Principal: { AWS: [PLAN_INPUTS.trustedPrincipalArn, 'arn:aws:iam::111122223333:role/x'] } })), /not exactly/],
    ['a service principal', policy(good({ Principal: { Service: 'ec2.amazonaws.com' } })), /not exactly/],
    ['one statement without the condition', policy(good(), good({ Condition: undefined })), /no StringEquals/],
    ['StringLike instead of StringEquals', policy(good({ Condition: { StringLike: { 'sts:ExternalId': '*' } } })), /no StringEquals/],
    ['a pattern external ID', policy(good({ Condition: { StringEquals: { 'sts:ExternalId': 'abc*' } } })), /pattern/],
    ['an unknown external ID', policy(good({ Condition: { StringEquals: { 'sts:ExternalId': 'someone-else' } } })), /not one of the configured/],
    ['another action', policy(good({ Action: ['sts:AssumeRole', 'sts:TagSession'] })), /not exactly sts:AssumeRole/],
    ['NotPrincipal', policy(good({ NotPrincipal: { AWS: 'arn:aws:iam::1:role/x' } })), /NotPrincipal/],
    ['no Allow at all', policy(good({ Effect: 'Deny' })), /no Allow/],
  ])('reject %s', (_name, text, re) => {
    expect(trustViolations(text, WANT).join('\n')).toMatch(re);
  });
});

describe('the trust policy each target plans', () => {
  let planSet: Plans;
  beforeAll(async () => {
    planSet = await plans();
  }, 900000);

  test('every named target was planned, except the listed ones that need a provider missing offline', () => {
    expect(planSet.targets.filter((t) => t.error).map((t) => `${t.name}: ${t.error}`)).toEqual([]);
    const want = ['module:all', 'module:defaults', ...EXPECTED_TARGETS.examples.map((e) => `example:${e}`), ...EXPECTED_TARGETS.stacks.map((n) => `stack:${n}`)];
    expect(planSet.targets.filter((t) => t.plan).map((t) => t.name).sort()).toEqual(want.filter((n) => !(n in EXPECTED_TARGETS.unplannable)).sort());
    const un = planSet.targets.filter((t) => t.unplannable);
    expect(un.map((t) => t.name).sort()).toEqual(Object.keys(EXPECTED_TARGETS.unplannable).sort());
    console.log(`trust policy not checked (not plannable offline): ${un.map((t) => `${t.name} (${t.unplannable})`).join('; ')}`);
  });

  test('every planned role: intended principal only, ExternalId on every Allow, sts:AssumeRole only', () => {
    const report: Record<string, string[]> = {};
    for (const t of planSet.targets.filter((x) => x.plan)) {
      const roles = plannedResources(t.plan!).filter((x) => x.type === 'aws_iam_role');
      // A plan without a role has nothing to check: that is a failure, not a pass.
      if (roles.length === 0) report[t.name] = ['no aws_iam_role in the plan'];
      for (const r of roles) {
        const text = r.values.assume_role_policy;
        report[`${t.name} ${r.address}`] = typeof text === 'string' ? trustViolations(text, WANT) : ['assume_role_policy unknown at plan time'];
      }
    }
    expect(Object.fromEntries(Object.entries(report).filter(([, v]) => v.length))).toEqual({});
  });

  test('the rotation ID is trusted where it was configured (module:all)', () => {
    const t = planSet.targets.find((x) => x.name === 'module:all')!;
    const role = plannedResources(t.plan!).find((x) => x.type === 'aws_iam_role')!;
    const doc = JSON.parse(role.values.assume_role_policy as string) as { Statement: Statement[] };
    for (const s of doc.Statement.filter((x) => x.Effect === 'Allow')) {
      expect(list(s.Condition!.StringEquals['sts:ExternalId']).sort()).toEqual([...WANT.externalIds].sort());
    }
  });
});
