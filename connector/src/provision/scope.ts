/**
 * The privilege-escalation guard. With `provisioning_group_arns`/`provisioning_group_path` the role's IAM statement
 * only reaches some groups; `--allowed-groups` makes the CLI refuse the others itself, so a mistyped or hostile
 * entitlement (say, the Administrators group) never reaches a write even when the role is broader than intended.
 *
 * The IAM write calls take a group *name*; the path and account in the entitlement's ARN are never sent. So the
 * decision is made on the group's real ARN, read with iam:GetGroup (iam-group.ts), never on the spelling:
 * - before any call: scope patterns must name one partition and one 12-digit account, and no ARN or pattern may hold
 *   `.`, `..`, empty or percent-encoded path segments (IAM does not normalize ARNs; such a spelling can only be meant
 *   to look like another path);
 * - after reading: the real ARN must equal the spelled ARN exactly (path and name), lie in the credentials' account,
 *   and match the scope.
 * Patterns follow IAM's Resource matching: `*` any run, `?` one character, case-sensitive.
 */
import { UsageError } from '../errors';
import { PARTITIONS } from '../grammar/rules';
import { ProvisionError } from './types';

/** A path-segment refusal; parseGrantId passes it on instead of a generic "not a grant id". */
export class PathSegmentError extends UsageError {}

/**
 * What is wrong with the segments of `resource` ("group/a/b/name", "user/name", or a pattern's), or undefined.
 * The first segment (the resource kind) is not a path segment and is skipped.
 */
export function pathSegmentProblem(resource: string): string | undefined {
  const segments = resource.split('/').slice(1);
  for (const seg of segments) {
    if (seg === '') return 'has an empty path segment ("//" or a trailing "/")';
    if (seg === '.' || seg === '..') return `has the path segment "${seg}", which is not allowed (IAM does not resolve it: the group it names is not the one it looks like)`;
    // Decode as often as it changes (double encoding), then look for a dot segment or a separator.
    let decoded = seg;
    for (let i = 0; i < 5 && /%[0-9A-Fa-f]{2}/.test(decoded); i++) {
      let next: string;
      try {
        next = decodeURIComponent(decoded);
      } catch {
        break;
      }
      if (next === decoded) break;
      decoded = next;
      if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) {
        return `has the percent-encoded path segment "${seg}" (a "." or ".." segment or a separator), which is not allowed: IAM does not decode ARNs`;
      }
    }
  }
  return undefined;
}

/** Throws PathSegmentError naming the input when an IAM ARN's path is not plain. */
export function checkPathSegments(input: string, arn: string): void {
  const resource = arn.split(':').slice(5).join(':');
  const problem = pathSegmentProblem(resource);
  if (problem) throw new PathSegmentError(`${input} "${arn}" ${problem}`);
}

const ACCOUNT = /^[0-9]{12}$/;

/** Why a scope pattern is refused, or undefined. The scope must pin one partition and one account. */
export function scopePatternProblem(p: string): string | undefined {
  if (!/^[\x21-\x7E]+$/.test(p)) return 'must hold only printable ASCII without spaces';
  const parts = p.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'iam' || parts[3] !== '' || !parts.slice(5).join(':').startsWith('group/')) {
    return 'is not an IAM group ARN pattern (e.g. arn:aws:iam::123456789012:group/c1-managed/*)';
  }
  const [, partition, , , account] = parts;
  if (!PARTITIONS.includes(partition)) return `must name one partition (${PARTITIONS.join(', ')}), not "${partition}": a wildcard there would reach other partitions`;
  if (!ACCOUNT.test(account)) return `must name one 12-digit account, not "${account}": a wildcard account would let an ARN of another account pass while the call acts on the credentials' account`;
  return pathSegmentProblem(parts.slice(5).join(':'));
}

/** Throws a UsageError for the first pattern that is not a concrete-account IAM group ARN pattern. */
export function checkScopePatterns(patterns: string[], input = '--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS)'): void {
  for (const p of patterns) {
    const problem = scopePatternProblem(p);
    if (problem) throw new UsageError(`${input}: "${p}" ${problem}`);
  }
}

/** Parses "a,b , c" into patterns; each must be an IAM group ARN pattern with a concrete partition and account. */
export function parseAllowedGroups(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  // An empty scope is a mistake (an unset variable in a script, say), not "no scope": refuse it rather than open up.
  if (raw.trim() === '') throw new UsageError('--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS) is empty: give IAM group ARN patterns, or leave it unset for no scope');
  const patterns = raw.split(',').map((p) => p.trim()).filter(Boolean);
  checkScopePatterns(patterns);
  return patterns;
}

export function groupArnMatches(pattern: string, arn: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's').test(arn);
}

function outsideScope(groupArn: string, allowed: string[] | undefined): string | undefined {
  if (!allowed || allowed.length === 0) return undefined;
  if (allowed.some((p) => groupArnMatches(p, groupArn))) return undefined;
  return `group ${groupArn} is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${allowed.join(', ')})`;
}

/**
 * Early refusal on the spelled ARN, before any call (UsageError, exit 2). Not the decision: the real ARN must also
 * equal the spelling and match (checkRealGroup).
 */
export function checkGroupScope(groupArn: string, allowed: string[] | undefined): void {
  const why = outsideScope(groupArn, allowed);
  if (why) throw new UsageError(`${why}; nothing was called`);
}

/** Who the credentials are, from sts:GetCallerIdentity. */
export interface Caller {
  partition: string;
  accountId: string;
}

/** The partition and account fields of an ARN. */
export function arnAccount(arn: string): Caller {
  const parts = arn.split(':');
  return { partition: parts[1] ?? '', accountId: parts[4] ?? '' };
}

/**
 * Refuses (ProvisionError 'refused', exit 1) an IAM ARN outside the credentials' partition and account: IAM acts on
 * the caller's account whatever account the ARN names, so any other account would be a disguise.
 */
export function checkCallerAccount(input: string, arn: string, caller: Caller): void {
  const a = arnAccount(arn);
  if (a.partition !== caller.partition || a.accountId !== caller.accountId) {
    throw new ProvisionError(
      'refused',
      `${input} ${arn} is in partition ${a.partition}, account ${a.accountId}, but the credentials are in partition ${caller.partition}, account ${caller.accountId}: ` +
        'IAM changes only the credentials\' own account, so an ARN of another account is refused; nothing was changed',
    );
  }
}

/** What iam:GetGroup says the group is. */
export interface RealGroup {
  Arn?: string;
  Path?: string;
  GroupName?: string;
}

/**
 * The decision, on the group's real ARN (ProvisionError 'refused', exit 1): it must be consistent with its path and
 * name, hold no dot or empty segment, equal the spelled ARN exactly, and match the scope.
 */
export function checkRealGroup(spelled: string, real: RealGroup, caller: Caller, allowed: string[] | undefined): string {
  const refuse = (why: string) => new ProvisionError('refused', `${why}; nothing was changed`);
  const arn = real.Arn;
  if (!arn || !real.Path || !real.GroupName) throw refuse(`iam:GetGroup did not return the ARN, path and name of the group the entitlement ${spelled} names, so its real ARN cannot be compared with the scope`);
  const built = `arn:${caller.partition}:iam::${caller.accountId}:group${real.Path}${real.GroupName}`;
  if (arn !== built) throw refuse(`iam:GetGroup answered the ARN ${arn} for a group with path ${real.Path} and name ${real.GroupName} in account ${caller.accountId} (expected ${built})`);
  const segments = pathSegmentProblem(arn.split(':').slice(5).join(':'));
  if (segments) throw refuse(`the group's real ARN ${arn} ${segments}`);
  if (arn !== spelled) {
    throw refuse(
      `the group's real ARN ${arn} (iam:GetGroup) differs from the ARN the entitlement spells, ${spelled}: IAM acts on the group name alone, ` +
        'so the entitlement must spell the real path and name exactly',
    );
  }
  const why = outsideScope(arn, allowed);
  if (why) throw refuse(why);
  return arn;
}
