/**
 * The member role's trust policy, judged by structure (sound: anything not provably of the one allowed shape fails):
 * every Allow statement must be exactly
 *   Principal {"AWS": <the management role's ARN>}, Action sts:AssumeRole,
 *   Condition {"StringEquals": {"aws:PrincipalOrgID": <the organization's id>}}
 * and nothing else (no NotPrincipal/NotAction, no other principal, action or condition). No sts:ExternalId: baton-aws
 * assumes member roles without one, so such a condition locks ConductorOne out (conductorone-aws.md 1.6). Deny
 * statements only narrow; the evaluator (trust.ts) then confirms the management role's session really gets in.
 */
import { parsePolicy, PolicyParseError, RawStatement, statementLabel, toArray } from './document';
import { evaluateTrust } from './trust';
import { canonicalJson } from './coverage';

const ALLOWED_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);

/** "the condition StringEquals on aws:PrincipalOrgID, sts:ExternalId" (operators and keys, no values), or "no condition". */
function conditionShape(c: unknown): string {
  if (!c || typeof c !== 'object') return 'no condition';
  const parts = Object.entries(c as Record<string, unknown>).map(([op, block]) => `${op} on ${block && typeof block === 'object' ? Object.keys(block).join(', ') : '?'}`);
  return parts.length ? `the condition ${parts.join('; ')}` : 'no condition';
}

export function memberTrustProblems(policy: unknown, managementRoleArn: string, organizationId: string): string[] {
  let statements: RawStatement[];
  try {
    statements = toArray(parsePolicy(policy).Statement);
  } catch (e) {
    if (e instanceof PolicyParseError) return [`the trust policy cannot be judged: ${e.message}`];
    throw e;
  }
  const problems: string[] = [];
  if (/sts:externalid/i.test(JSON.stringify(statements))) {
    problems.push("it has an sts:ExternalId condition: ConductorOne's connector assumes member roles without an external ID, so it cannot get in");
  }
  const wanted = canonicalJson({ StringEquals: { 'aws:PrincipalOrgID': organizationId } });
  let allows = 0;
  statements.forEach((s, i) => {
    if (s.Effect === 'Deny') return;
    allows++;
    const label = statementLabel(s, i);
    const odd = Object.keys(s).filter((k) => !ALLOWED_KEYS.has(k));
    if (odd.length) {
      problems.push(`${label} has ${odd.join(', ')}: only Principal, Action and Condition may be set`);
      return;
    }
    if (canonicalJson(s.Principal) !== canonicalJson({ AWS: managementRoleArn })) {
      problems.push(`${label} lets in ${JSON.stringify(s.Principal)}, not exactly the management role ${managementRoleArn}`);
    }
    // IAM compares action names case-insensitively: sts:assumerole is the same action.
    const actions = typeof s.Action === 'string' ? s.Action.toLowerCase() : Array.isArray(s.Action) && s.Action.length === 1 && typeof s.Action[0] === 'string' ? s.Action[0].toLowerCase() : s.Action;
    if (actions !== 'sts:assumerole') problems.push(`${label} allows ${JSON.stringify(s.Action)}, not exactly sts:AssumeRole`);
    // Keys only, never values: a member trust may hold the tenant's external ID (the docs' child-account policy does).
    if (canonicalJson(s.Condition) !== wanted) problems.push(`${label} has ${conditionShape(s.Condition)}, not exactly StringEquals aws:PrincipalOrgID ${organizationId}`);
  });
  if (allows === 0) problems.push('it has no Allow statement: nobody can assume the role');
  if (problems.length) return problems;
  const account = managementRoleArn.split(':')[4];
  const name = managementRoleArn.slice(managementRoleArn.lastIndexOf('/') + 1);
  const session = `arn:${managementRoleArn.split(':')[1]}:sts::${account}:assumed-role/${name}/BatonCrossAccountSession`;
  const r = evaluateTrust(policy, {
    principal: session,
    context: { 'aws:PrincipalOrgID': organizationId, 'aws:PrincipalArn': managementRoleArn, 'aws:PrincipalAccount': account, 'aws:PrincipalType': 'AssumedRole' },
  });
  if (r.decision !== 'Allowed') problems.push(`the management role's session cannot assume it: ${r.decision}${r.statement ? ` (${r.statement.label})` : ''}`);
  return problems;
}
