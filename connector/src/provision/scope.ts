/**
 * The privilege-escalation guard. With `provisioning_group_arns`/`provisioning_group_path` the role's IAM statement
 * only reaches some groups; `--allowed-groups` makes the CLI refuse the others itself, so a mistyped or hostile
 * entitlement (say, the Administrators group) never reaches a write even when the role is broader than intended.
 *
 * When a scope is set it covers EVERY group-membership change the CLI can make: IAM groups and Identity Center
 * groups, by id, by grant id or by name. A pattern names one kind of group, and a change is allowed only by a pattern
 * of its own kind; so a scope of IAM patterns alone refuses every Identity Center group change. (Permission-set
 * assignments are not group memberships and are not covered: the CLI says so when a scope is set.)
 *
 * IAM: the write calls take a group *name*; the path and account in the entitlement's ARN are never sent. So the
 * decision is made on the group's real ARN, read with iam:GetGroup (iam-group.ts), never on the spelling:
 * - before any call: scope patterns must name one partition and one 12-digit account, and no ARN or pattern may hold
 *   `.`, `..`, empty or percent-encoded path segments (IAM does not normalize ARNs; such a spelling can only be meant
 *   to look like another path);
 * - after reading: the real ARN must equal the spelled ARN exactly (path and name), lie in the credentials' account,
 *   and match the scope.
 * Identity Center: patterns take the id a sync snapshot writes for sso_group resources,
 * `arn:<partition>:identitystore:<region>::<identityStoreId>/group/<groupId>`, with wildcards only in the group id
 * (one partition, region and identity store). The group is resolved with the API (sso-group.ts): its identity store
 * must be an Identity Center instance's in the CLI's region (sso:ListInstances, which also gives the partition) and
 * the group id must be one identitystore:ListGroups lists there, exactly; that canonical id must equal the spelled one
 * and match the scope.
 * Patterns follow IAM's Resource matching: `*` any run, `?` one character, case-sensitive; in an Identity Center
 * pattern they stand for group-id characters (letters, digits, `-`) only.
 */
import { UsageError } from '../errors';
import { PARTITIONS } from '../grammar/rules';
import { identityStoreResourceId } from '../model/ids';
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
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const IDENTITY_STORE_ID = /^[A-Za-z0-9-]{1,64}$/;
const GROUP_ID_PATTERN = /^[A-Za-z0-9*?-]{1,64}$/;

export const IAM_PATTERN_FORM = 'arn:<partition>:iam::<account>:group/<path/name> (e.g. arn:aws:iam::123456789012:group/c1-managed/*)';
export const SSO_PATTERN_FORM =
  'arn:<partition>:identitystore:<region>::<identityStoreId>/group/<groupId> (the id a sync snapshot writes for sso_group resources; e.g. arn:aws:identitystore:us-east-1::d-1234567890/group/*)';

/** Which kind of group a scope pattern or a group id names, from its service field. */
export type GroupKind = 'iam' | 'identity-center';
export function groupKindOf(arnOrPattern: string): GroupKind | undefined {
  const service = arnOrPattern.split(':')[2];
  return service === 'iam' ? 'iam' : service === 'identitystore' ? 'identity-center' : undefined;
}

function iamPatternProblem(parts: string[]): string | undefined {
  if (parts.length < 6 || parts[3] !== '' || !parts.slice(5).join(':').startsWith('group/')) {
    return `is not an IAM group ARN pattern (${IAM_PATTERN_FORM})`;
  }
  const [, partition, , , account] = parts;
  if (!PARTITIONS.includes(partition)) return `must name one partition (${PARTITIONS.join(', ')}), not "${partition}": a wildcard there would reach other partitions`;
  if (!ACCOUNT.test(account)) return `must name one 12-digit account, not "${account}": a wildcard account would let an ARN of another account pass while the call acts on the credentials' account`;
  return pathSegmentProblem(parts.slice(5).join(':'));
}

function ssoPatternProblem(parts: string[]): string | undefined {
  if (parts.length !== 6 || parts[4] !== '') return `is not an Identity Center group id pattern (${SSO_PATTERN_FORM})`;
  const [, partition, , region, , resource] = parts;
  if (!PARTITIONS.includes(partition)) return `must name one partition (${PARTITIONS.join(', ')}), not "${partition}": a wildcard there would reach other partitions`;
  if (!REGION.test(region)) return `must name one region, not "${region}": an Identity Center instance lives in one region, and a wildcard would reach others`;
  // Dot, empty and percent-encoded segments first, for the same message IAM patterns get.
  const segments = pathSegmentProblem(`identitystore/${resource}`);
  if (segments) return segments;
  const [store, kind, groupId, ...more] = resource.split('/');
  if (kind !== 'group' || groupId === undefined || more.length > 0) return `is not an Identity Center group id pattern (${SSO_PATTERN_FORM})`;
  if (!IDENTITY_STORE_ID.test(store)) {
    return `must name one identity store id (letters, digits and "-"), not "${store}": wildcards are allowed only in the group id, so a pattern never reaches another identity store`;
  }
  if (!GROUP_ID_PATTERN.test(groupId)) return `has the group id part "${groupId}", which may hold only letters, digits, "-" and the wildcards * and ?`;
  return undefined;
}

/**
 * Why a scope pattern is refused, or undefined. An IAM pattern must pin one partition and one account; an Identity
 * Center pattern one partition, region and identity store (wildcards in the group id only).
 */
export function scopePatternProblem(p: string): string | undefined {
  if (!/^[\x21-\x7E]+$/.test(p)) return 'must hold only printable ASCII without spaces';
  const parts = p.split(':');
  if (parts[0] === 'arn' && parts[2] === 'iam') return iamPatternProblem(parts);
  if (parts[0] === 'arn' && parts[2] === 'identitystore') return ssoPatternProblem(parts);
  return `is not an IAM group ARN pattern (${IAM_PATTERN_FORM}) or an Identity Center group id pattern (${SSO_PATTERN_FORM})`;
}

/** What the CLI prints when a scope is set and a permission-set assignment is requested. */
export const SCOPE_NOT_ASSIGNMENTS = 'note: --allowed-groups covers group memberships only; this permission-set assignment is not scoped';

const SCOPE_INPUT = '--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS)';

/** Throws a UsageError for the first pattern that is not a concrete IAM or Identity Center group pattern. */
export function checkScopePatterns(patterns: string[], input = SCOPE_INPUT): void {
  for (const p of patterns) {
    const problem = scopePatternProblem(p);
    if (problem) throw new UsageError(`${input}: "${p}" ${problem}`);
  }
}

/** Parses "a,b , c" into patterns; each must be an IAM group ARN pattern or an Identity Center group id pattern. */
export function parseAllowedGroups(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  // An empty scope is a mistake (an unset variable in a script, say), not "no scope": refuse it rather than open up.
  if (raw.trim() === '') throw new UsageError(`${SCOPE_INPUT} is empty: give group patterns, or leave it unset for no scope`);
  const patterns = raw.split(',').map((p) => p.trim()).filter(Boolean);
  // Only separators (",", " , ") would also mean "no scope": refused like an empty value.
  if (patterns.length === 0) throw new UsageError(`${SCOPE_INPUT} "${raw}" holds no pattern: give group patterns, or leave it unset for no scope`);
  checkScopePatterns(patterns);
  return patterns;
}

export function groupArnMatches(pattern: string, arn: string): boolean {
  // Identity Center wildcards stand for group-id characters only, so they can never reach past the group id.
  const [any, one] = groupKindOf(pattern) === 'identity-center' ? ['[A-Za-z0-9-]*', '[A-Za-z0-9-]'] : ['.*', '.'];
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, any).replace(/\?/g, one);
  return new RegExp(`^${body}$`, 's').test(arn);
}

const hasScope = (allowed: string[] | undefined): allowed is string[] => allowed !== undefined && allowed.length > 0;

/** How to widen a scope that names no group of this kind. */
function howToAllow(kind: GroupKind): string {
  return kind === 'identity-center'
    ? `the scope names no Identity Center group; to allow Identity Center group changes add a pattern ${SSO_PATTERN_FORM}`
    : `the scope names no IAM group; to allow IAM group changes add a pattern ${IAM_PATTERN_FORM}`;
}

/** Why a group (IAM ARN or Identity Center id) is outside the scope, or undefined. Only patterns of its kind count. */
function outsideScope(groupId: string, allowed: string[] | undefined): string | undefined {
  if (!hasScope(allowed)) return undefined;
  const kind = groupKindOf(groupId);
  const own = allowed.filter((p) => kind !== undefined && groupKindOf(p) === kind);
  if (own.some((p) => groupArnMatches(p, groupId))) return undefined;
  const label = kind === 'identity-center' ? 'Identity Center group' : 'group';
  const why = `${label} ${groupId} is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${allowed.join(', ')})`;
  return own.length === 0 && kind ? `${why}; ${howToAllow(kind)}` : why;
}

/**
 * Early refusal on the spelled group (an IAM ARN or an Identity Center group id), before any call (UsageError,
 * exit 2). Not the decision: the group as AWS resolves it must also equal the spelling and match (checkRealGroup,
 * checkRealSsoGroup).
 */
export function checkGroupScope(groupId: string, allowed: string[] | undefined): void {
  const why = outsideScope(groupId, allowed);
  if (why) throw new UsageError(`${why}; nothing was called`);
}

/**
 * A group membership by Identity Center names (--sso-group), refused before any call when the scope names no
 * Identity Center group: no name can resolve inside it.
 */
export function checkNamedMembershipScope(allowed: string[] | undefined, groupName: string): void {
  if (!hasScope(allowed) || allowed.some((p) => groupKindOf(p) === 'identity-center')) return;
  throw new UsageError(
    `--sso-group "${groupName}": an Identity Center group membership is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${allowed.join(', ')}); ${howToAllow('identity-center')}; nothing was called`,
  );
}

/**
 * A group membership by its Identity Store MembershipId (revoke --grant), refused before any call when the scope names
 * no Identity Center group: no group it could be in is allowed.
 */
export function checkMembershipIdScope(allowed: string[] | undefined, membershipId: string): void {
  if (!hasScope(allowed) || allowed.some((p) => groupKindOf(p) === 'identity-center')) return;
  throw new UsageError(
    `--grant "${membershipId}": an Identity Center group membership is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${allowed.join(', ')}); ${howToAllow('identity-center')}; nothing was called`,
  );
}

/** Whether a group id (as the API lists it) matches a scope pattern of its kind; true when there is no scope. */
export const inScope = (groupId: string, allowed: string[] | undefined): boolean => outsideScope(groupId, allowed) === undefined;

/**
 * The scope on ids that names resolved to (reads were made, so a refusal is ProvisionError 'refused', exit 1). The
 * provisioner then decides on the group as the API resolves it, like for ids.
 */
export function checkResolvedGroupScope(groupId: string, allowed: string[] | undefined, input: string): void {
  const why = outsideScope(groupId, allowed);
  if (why) throw new ProvisionError('refused', `${input} resolved to ${groupId}: ${why}; nothing was changed`);
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

/** An Identity Center group as the API resolves it (sso-group.ts). */
export interface RealSsoGroup {
  /** From the instance ARN of the instance whose identity store holds the group (sso:ListInstances). */
  partition: string;
  /** The region of the Identity Center clients that read it. */
  region: string;
  identityStoreId: string;
  /** As identitystore:ListGroups lists it. */
  groupId: string;
}

/**
 * The decision for an Identity Center group (ProvisionError 'refused', exit 1): the canonical id built from what the
 * API says must equal the spelled id exactly and match the scope. Returns the canonical id.
 */
export function checkRealSsoGroup(spelled: string, real: RealSsoGroup, allowed: string[] | undefined): string {
  const id = identityStoreResourceId(real, 'group', real.groupId);
  if (id !== spelled) {
    throw new ProvisionError(
      'refused',
      `the Identity Center group's id as the API resolves it, ${id}, differs from the id the entitlement spells, ${spelled}: the entitlement must spell the real id exactly; nothing was changed`,
    );
  }
  const why = outsideScope(id, allowed);
  if (why) throw new ProvisionError('refused', `${why}; nothing was changed`);
  return id;
}
