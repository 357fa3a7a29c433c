/**
 * Matching a caller against a resource policy's Principal / NotPrincipal, as IAM does for a role's trust policy:
 * "*" and {"AWS": "*"} match everyone (even anonymous callers and services); an account ID or arn:...:root matches
 * every principal of that account (the account must then also allow it in the caller's identity policy); a role ARN
 * matches the role and every session of it (arn:...:sts::<account>:assumed-role/<name>/<session>); other ARNs match
 * exactly; {"Service": "x.amazonaws.com"} matches that service.
 */
import { toArray } from './document';

/** The caller: an IAM ARN (root, user, role, assumed-role session), a service principal ("ec2.amazonaws.com") or ANONYMOUS. */
export type Caller = string;
export const ANONYMOUS: Caller = '*';

export type PrincipalMatch = 'wildcard' | 'account' | 'exact' | 'role-session' | 'service';

interface ArnParts {
  partition: string;
  service: string;
  account: string;
  resource: string;
}
function arnParts(arn: string): ArnParts | null {
  const p = arn.split(':');
  if (p.length < 6 || p[0] !== 'arn') return null;
  return { partition: p[1], service: p[2], account: p[4], resource: p.slice(5).join(':') };
}

export function callerAccount(caller: Caller): string | undefined {
  const a = arnParts(caller);
  return a && /^\d{12}$/.test(a.account) ? a.account : undefined;
}

const ROOT = /^arn:[^:]+:iam::(\d{12}):root$/;

function matchAws(entry: string, caller: Caller): PrincipalMatch | null {
  if (entry === '*') return 'wildcard';
  if (caller === ANONYMOUS) return null;
  const account = /^\d{12}$/.test(entry) ? entry : ROOT.exec(entry)?.[1];
  if (account) return callerAccount(caller) === account ? 'account' : null;
  if (entry === caller) return 'exact';
  const e = arnParts(entry);
  const c = arnParts(caller);
  if (e && c && e.service === 'iam' && e.resource.startsWith('role/') && c.service === 'sts' && c.resource.startsWith('assumed-role/')) {
    const roleName = e.resource.slice(e.resource.lastIndexOf('/') + 1);
    const sessionRole = c.resource.split('/')[1] ?? '';
    // Role names are unique case-insensitively in an account, so the session's role is matched the same way.
    if (e.partition === c.partition && e.account === c.account && roleName.toLowerCase() === sessionRole.toLowerCase()) return 'role-session';
  }
  return null;
}

/** How `element` (a Principal or NotPrincipal value) matches the caller, or null. */
export function principalMatch(element: unknown, caller: Caller): PrincipalMatch | null {
  if (element === '*') return 'wildcard';
  if (!element || typeof element !== 'object') return null;
  let best: PrincipalMatch | null = null;
  for (const [type, value] of Object.entries(element as Record<string, unknown>)) {
    for (const entry of toArray(value as string | string[])) {
      if (typeof entry !== 'string') continue;
      let m: PrincipalMatch | null = null;
      if (type === 'AWS') m = matchAws(entry, caller);
      else if (type === 'Service') m = entry === caller ? 'service' : null;
      else if (entry === '*') m = 'wildcard';
      else if (entry === caller) m = 'exact';
      // A specific match says more than an account- or wildcard-level one; report the most specific.
      if (m && (!best || rank(m) > rank(best))) best = m;
    }
  }
  return best;
}

const rank = (m: PrincipalMatch) => ({ wildcard: 0, account: 1, 'role-session': 2, service: 3, exact: 4 })[m];
