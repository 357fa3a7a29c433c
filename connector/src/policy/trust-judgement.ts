/**
 * Who may assume a role, judged from the trust policy's structure rather than from sample requests: sound by
 * construction. The policy is safe only when every Allow statement is provably narrow:
 *   - `Principal` is {"AWS": ...} naming only the trusted principal(s), exactly (no "*", Service, Federated,
 *     NotPrincipal; an account or its root only when an exact aws:PrincipalArn condition narrows it to them);
 *   - `Action` names only sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity (any case, no wildcard, no NotAction);
 *   - `Condition` requires sts:ExternalId with StringEquals (exact, case-sensitive, the key present) and every value
 *     compared with sts:ExternalId is one the caller proves it owns (the ID itself, or a value whose SHA-256 it gave).
 * Anything else fails, naming the statement and who it lets in. Deny statements and further conditions only take
 * access away (conditions AND together), so they never make a safe policy unsafe. Whether ConductorOne itself gets
 * in is a separate question, answered by the evaluator (trust.ts) in validate's trust check.
 */
import { createHash } from 'node:crypto';
import { parsePolicy, RawStatement, statementLabel, toArray } from './document';

export const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;
const ALLOWED_ACTIONS = new Set(ASSUME_ACTIONS.map((a) => a.toLowerCase()));
const EXTERNAL_ID_KEY = 'sts:externalid';

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The external IDs the caller proves it owns: the ID itself and/or SHA-256 digests (lower-case hex). */
export interface OwnedExternalIds {
  value?: string;
  digests?: string[];
}

export function ownsExternalId(owned: OwnedExternalIds, candidate: string): boolean {
  if (owned.value !== undefined && candidate === owned.value) return true;
  return !!owned.digests?.length && owned.digests.includes(sha256Hex(candidate));
}

export interface TrustFinding {
  /** `Sid "X"` or `Statement[2]`. */
  statement: string;
  /** Plain words: who the statement lets in, and why that is not safe. Never holds an external ID. */
  problem: string;
}

export interface TrustJudgement {
  safe: boolean;
  findings: TrustFinding[];
  /** Allow statements that passed: each lets only the trusted principal in, only with an owned external ID. */
  safeStatements: string[];
}

const q = (v: unknown) => JSON.stringify(v);
const listOf = (xs: string[]) => xs.map((x) => q(x)).join(', ');

/** Who a Principal element names, in words, when it names anything beyond the trusted principals; else null. */
function principalProblems(s: RawStatement, trusted: Set<string>): string[] {
  if (s.NotPrincipal !== undefined) return [`uses NotPrincipal with Allow: it lets in every principal except ${q(s.NotPrincipal)}, including anonymous callers`];
  if (s.Principal === undefined) return ['has no Principal: who it lets in cannot be proven (IAM refuses such a trust policy)'];
  if (s.Principal === '*') return ['names Principal "*": it lets in anyone, any AWS account and anonymous callers'];
  if (!s.Principal || typeof s.Principal !== 'object' || Array.isArray(s.Principal)) return [`has a Principal of unknown shape ${q(s.Principal)}: who it lets in cannot be proven`];
  const problems: string[] = [];
  for (const [type, value] of Object.entries(s.Principal as Record<string, unknown>)) {
    const entries = toArray(value as string | string[]);
    if (type === 'Federated') problems.push(`lets in users of the identity provider(s) ${listOf(entries.map(String))} (web identity or SAML federation)`);
    else if (type === 'Service') problems.push(`lets the AWS service(s) ${listOf(entries.map(String))} assume the role`);
    else if (type !== 'AWS') problems.push(`names a ${q(type)} principal ${listOf(entries.map(String))}: only {"AWS": <trusted principal>} can be proven safe`);
    else {
      if (entries.length === 0) problems.push('names an empty AWS principal list: who it lets in cannot be proven');
      for (const e of entries) {
        if (typeof e !== 'string') problems.push(`names a non-string AWS principal ${q(e)}`);
        else if (trusted.has(e)) continue;
        else if (e === '*') problems.push('names the AWS principal "*": it lets in every AWS principal of every account');
        else if (/^\d{12}$/.test(e) || /^arn:[^:]+:iam::\d{12}:root$/.test(e)) {
          const account = e.replace(/^arn:[^:]+:iam::(\d{12}):root$/, '$1');
          // A bare account ID is how one may also write a trusted account root.
          if ([...trusted].some((t) => /^arn:[^:]+:iam::\d{12}:root$/.test(t) && accountOf(t) === account)) continue;
          // An account narrowed to the trusted principal by an exact aws:PrincipalArn condition is that principal.
          if (pinsPrincipalArn(s, trusted) && [...trusted].every((t) => accountOf(t) === account)) continue;
          problems.push(`lets in account ${e.replace(/^arn:[^:]+:iam::(\d{12}):root$/, '$1')}: any principal that account allows to assume the role`);
        } else problems.push(`lets in ${q(e)}, which is not the trusted principal`);
      }
    }
  }
  return problems;
}

const accountOf = (arn: string) => /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];

/**
 * True when the condition requires aws:PrincipalArn to be one of the trusted principals, compared exactly: a plain
 * StringEquals or ArnEquals (no IfExists, no set operator) whose values hold no wildcard (ArnEquals matches `*` and
 * `?` as ArnLike does).
 */
function pinsPrincipalArn(s: RawStatement, trusted: Set<string>): boolean {
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    if (!['stringequals', 'arnequals'].includes(operator.toLowerCase()) || !keys || typeof keys !== 'object') continue;
    for (const [key, raw] of Object.entries(keys)) {
      if (key.toLowerCase() !== 'aws:principalarn') continue;
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length && values.every((v) => typeof v === 'string' && !/[*?]/.test(v) && trusted.has(v))) return true;
    }
  }
  return false;
}

function actionProblems(s: RawStatement): string[] {
  if (s.NotAction !== undefined) return [`uses NotAction: it allows every action except ${q(s.NotAction)}, including sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity`];
  if (s.Action === undefined) return ['has no Action: what it allows cannot be proven'];
  const actions = toArray(s.Action);
  if (actions.length === 0) return ['has an empty Action list: what it allows cannot be proven'];
  const extra = actions.filter((a) => typeof a !== 'string' || !ALLOWED_ACTIONS.has(a.toLowerCase()));
  if (!extra.length) return [];
  return [`allows ${listOf(extra.map(String))}: only ${ASSUME_ACTIONS.join(', ')} may be allowed (wildcards and other STS actions such as AssumeRoleWithSAML/AssumeRoleWithWebIdentity let other callers in)`];
}

/** How one condition operator treats sts:ExternalId, when it is not the exact StringEquals a safe policy needs. */
function operatorWeakness(operator: string): string | undefined {
  const op = operator.toLowerCase();
  if (op === 'stringequals') return undefined;
  if (op.endsWith('ifexists')) return `${operator} is true when the caller sends no external ID at all`;
  if (op.startsWith('foranyvalue:') || op.startsWith('forallvalues:')) return `${operator} is a set operator: ForAllValues is true without an external ID, ForAnyValue matches any one of several`;
  if (op.includes('like')) return `${operator} matches wildcards, so external IDs other than yours match`;
  if (op.includes('ignorecase')) return `${operator} ignores case, so other external IDs match`;
  if (op.includes('not')) return `${operator} is true for every other external ID, and without one`;
  if (op === 'null') return `${operator} only tests whether an external ID was sent, not which`;
  return `${operator} is not an exact comparison`;
}

function conditionProblems(s: RawStatement, owned: OwnedExternalIds): string[] {
  const block = s.Condition;
  if (block === undefined || block === null) return ['has no Condition: it lets the principal in without the external ID (the confused-deputy guard is missing)'];
  if (typeof block !== 'object' || Array.isArray(block)) return [`has a Condition of unknown shape: the external ID requirement cannot be proven`];
  const problems: string[] = [];
  let exact = false;
  let foreign = 0;
  for (const [operator, keys] of Object.entries(block)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys)) {
      problems.push(`has condition operator ${q(operator)} of unknown shape`);
      continue;
    }
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      if (key.toLowerCase() !== EXTERNAL_ID_KEY) continue;
      const values = Array.isArray(raw) ? raw : [raw];
      const weakness = operatorWeakness(operator);
      if (weakness) {
        problems.push(`compares sts:ExternalId with ${weakness}; use StringEquals`);
        continue;
      }
      if (values.length === 0) {
        problems.push('compares sts:ExternalId with an empty list: what it accepts cannot be proven');
        continue;
      }
      const bad = values.filter((v) => typeof v !== 'string' || !ownsExternalId(owned, v));
      foreign += bad.length;
      if (bad.length === 0) exact = true;
    }
  }
  if (foreign) {
    problems.push(
      `accepts ${foreign} external ID value(s) that are neither the given external ID nor one of the given digests (another tenant's ID, or a stale one): whoever holds it gets in (remove it, or pass its SHA-256 so validate knows you own it)`,
    );
  }
  if (!exact && !problems.length) problems.push('has no StringEquals condition on sts:ExternalId: it lets the principal in without the external ID (the confused-deputy guard is missing)');
  return problems;
}

/**
 * Judges a trust policy against the trusted principal(s) and the external IDs the caller owns. Throws
 * PolicyParseError for a document that is not a policy.
 */
export function judgeTrustPolicy(policy: unknown, trustedPrincipals: string[], owned: OwnedExternalIds): TrustJudgement {
  const statements = toArray(parsePolicy(policy).Statement);
  const trusted = new Set(trustedPrincipals);
  const findings: TrustFinding[] = [];
  const safeStatements: string[] = [];
  if (statements.length === 0) return { safe: true, findings, safeStatements };
  for (const [index, s] of statements.entries()) {
    if (s.Effect === 'Deny') continue; // a Deny only takes access away
    const label = statementLabel(s, index);
    const problems = [...principalProblems(s, trusted), ...actionProblems(s), ...conditionProblems(s, owned)];
    for (const problem of problems) findings.push({ statement: label, problem });
    if (!problems.length) safeStatements.push(label);
  }
  return { safe: findings.length === 0, findings, safeStatements };
}
