/**
 * Evaluates a role's trust policy for sts:AssumeRole the way IAM does: an applicable Deny wins, else an applicable
 * Allow, else the request is implicitly denied. A statement applies when its Principal (or NotPrincipal), Action (or
 * NotAction) and every Condition match. The decision names the statement that made it, so `validate` can say which
 * statement opens a hole. moto is no oracle here (it lets a missing ExternalId through); this module is tested
 * differentially against @cloud-copilot/iam-simulate instead.
 */
import { ContextValues, conditionsMatch } from './conditions';
import { parsePolicy, RawStatement, statementLabel, toArray } from './document';
import { Caller, principalMatch, PrincipalMatch } from './principal';
import { actionMatches } from './wildcard';

export type TrustDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface TrustRequest {
  /** The caller: IAM ARN, service principal, or ANONYMOUS. */
  principal: Caller;
  /** Default sts:AssumeRole. */
  action?: string;
  /** Request context, e.g. { 'sts:ExternalId': '...' }; an absent key is simply left out. */
  context?: ContextValues;
}

export interface DecidingStatement {
  index: number;
  sid?: string;
  /** `Sid "X"` or `Statement[2]`. */
  label: string;
  /** How the caller matched (for NotPrincipal: 'not-principal'). */
  principalMatch: PrincipalMatch | 'not-principal';
}

export interface TrustResult {
  decision: TrustDecision;
  /** The Deny or Allow statement that decided; absent for ImplicitlyDenied. */
  statement?: DecidingStatement;
  /**
   * For Allowed: true when the policy trusts the caller only through its account (account ID or arn:...:root): IAM
   * then also requires the caller's own identity policy to allow sts:AssumeRole, which that account controls.
   */
  needsIdentityPolicy?: boolean;
}

function statementApplies(s: RawStatement, req: Required<Pick<TrustRequest, 'principal' | 'action'>> & { context: ContextValues }): DecidingStatement['principalMatch'] | null {
  let match: DecidingStatement['principalMatch'] | null;
  if (s.Principal !== undefined) match = principalMatch(s.Principal, req.principal);
  else if (s.NotPrincipal !== undefined) match = principalMatch(s.NotPrincipal, req.principal) ? null : 'not-principal';
  else match = null; // a trust policy statement without a principal applies to no one
  if (!match) return null;
  if (s.Action !== undefined) {
    if (!toArray(s.Action).some((p) => actionMatches(p, req.action))) return null;
  } else if (s.NotAction !== undefined) {
    if (toArray(s.NotAction).some((p) => actionMatches(p, req.action))) return null;
  } else return null;
  return conditionsMatch(s.Condition, req.context) ? match : null;
}

export function evaluateTrust(policy: unknown, request: TrustRequest): TrustResult {
  const statements = toArray(parsePolicy(policy).Statement);
  const req = { principal: request.principal, action: request.action ?? 'sts:AssumeRole', context: request.context ?? {} };
  let allow: DecidingStatement | undefined;
  for (const [index, s] of statements.entries()) {
    const match = statementApplies(s, req);
    if (!match) continue;
    const deciding: DecidingStatement = { index, sid: s.Sid, label: statementLabel(s, index), principalMatch: match };
    if (s.Effect === 'Deny') return { decision: 'ExplicitlyDenied', statement: deciding };
    if (!allow || specificity(match) > specificity(allow.principalMatch)) allow = deciding;
  }
  if (!allow) return { decision: 'ImplicitlyDenied' };
  return { decision: 'Allowed', statement: allow, needsIdentityPolicy: allow.principalMatch === 'account' };
}

const specificity = (m: DecidingStatement['principalMatch']) =>
  ({ 'not-principal': 0, wildcard: 0, account: 1, 'role-session': 2, service: 3, exact: 4 })[m];
