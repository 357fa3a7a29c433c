/**
 * Evaluates a role's trust policy for sts:AssumeRole the way IAM does: an applicable Deny wins, else an applicable
 * Allow, else the request is implicitly denied. A statement applies when its Principal (or NotPrincipal), Action (or
 * NotAction) and every Condition match. The decision names the statement that made it, so `validate` can say which
 * statement opens a hole. moto is no oracle here (it lets a missing ExternalId through); this module is tested
 * differentially against @cloud-copilot/iam-simulate instead.
 */
import { ConditionBlock, ContextValues, conditionsMatch, partialConditions } from './conditions';
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

/** How a statement's Principal/NotPrincipal and Action/NotAction match the request, conditions aside; null when not. */
function principalAndActionMatch(s: RawStatement, principal: Caller, action: string): DecidingStatement['principalMatch'] | null {
  let match: DecidingStatement['principalMatch'] | null;
  if (s.Principal !== undefined) match = principalMatch(s.Principal, principal);
  else if (s.NotPrincipal !== undefined) match = principalMatch(s.NotPrincipal, principal) ? null : 'not-principal';
  else match = null; // a trust policy statement without a principal applies to no one
  if (!match) return null;
  if (s.Action !== undefined) return toArray(s.Action).some((p) => actionMatches(p, action)) ? match : null;
  if (s.NotAction !== undefined) return toArray(s.NotAction).some((p) => actionMatches(p, action)) ? null : match;
  return null;
}

function statementApplies(s: RawStatement, req: Required<Pick<TrustRequest, 'principal' | 'action'>> & { context: ContextValues }): DecidingStatement['principalMatch'] | null {
  const match = principalAndActionMatch(s, req.principal, req.action);
  return match && conditionsMatch(s.Condition, req.context) ? match : null;
}

/** Under which conditions a principal may make the request: never, always, or when any one of `conditions` holds. */
export type PrincipalAccess = { allowed: false } | { allowed: true; conditions?: AccessCondition[] };
/** A residual condition block; `Not` (not an IAM operator) lists Deny blocks that, when one holds, take it away. */
export type AccessCondition = Record<string, unknown> & { Not?: ConditionBlock[] };

/**
 * Whether `principal` may call `action` on the role, when only part of its request is known (`known`: for sync,
 * the principal's own keys such as aws:PrincipalArn). Applies IAM's rule with what is left undecided kept as
 * conditions: an applicable Deny whose condition holds on the known facts removes the access; a Deny that depends
 * on unknown facts becomes a `Not` entry (the access holds unless that block holds); an Allow that depends on
 * unknown facts keeps its residual block. Any one returned block suffices.
 */
export function principalAccess(
  policy: unknown,
  principal: Caller,
  action: string,
  known: ContextValues,
  knownAbsent?: (lowerCaseKey: string) => boolean,
  /** accountMatches false: an Allow that names the principal only through its account does not count (IAM then also
   * needs the caller's identity policy to allow the action, which the caller knows is not the case). */
  opts: { accountMatches?: boolean } = {},
): PrincipalAccess {
  const allows: ConditionBlock[] = [];
  const denies: ConditionBlock[] = [];
  let always = false;
  for (const s of toArray(parsePolicy(policy).Statement)) {
    const match = principalAndActionMatch(s, principal, action);
    if (!match) continue;
    if (match === 'account' && opts.accountMatches === false && s.Effect !== 'Deny') continue;
    const residual = partialConditions(s.Condition, known, knownAbsent);
    if (residual === false) continue;
    const unconditional = Object.keys(residual).length === 0;
    if (s.Effect === 'Deny') {
      if (unconditional) return { allowed: false };
      denies.push(residual);
    } else if (unconditional) always = true;
    else allows.push(residual);
  }
  if (!always && !allows.length) return { allowed: false };
  if (always && !denies.length) return { allowed: true };
  const blocks = always ? [{}] : allows;
  return { allowed: true, conditions: blocks.map((b) => ({ ...b, ...(denies.length ? { Not: denies } : {}) })) };
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
