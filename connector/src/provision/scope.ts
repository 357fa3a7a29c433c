/**
 * The privilege-escalation guard's CLI side. With `provisioning_group_arns`/`provisioning_group_path` the role's IAM
 * statement only reaches some groups; `--allowed-groups` makes the CLI refuse the others itself, before any AWS
 * call, so a mistyped or hostile entitlement (say, the Administrators group) never reaches AWS even when the role
 * is broader than intended. Patterns follow IAM's Resource matching: `*` any run, `?` one character,
 * case-sensitive.
 */
import { UsageError } from '../errors';

const GROUP_PATTERN = /^arn:[^:]+:iam::[^:]*:group\/.*/;

/** Parses "a,b , c" into patterns; each must be an IAM group ARN pattern. */
export function parseAllowedGroups(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  // An empty scope is a mistake (an unset variable in a script, say), not "no scope": refuse it rather than open up.
  if (raw.trim() === '') throw new UsageError('--allowed-groups (BATON_PROVISIONING_ALLOWED_GROUPS) is empty: give IAM group ARN patterns, or leave it unset for no scope');
  const patterns = raw.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of patterns) {
    if (!GROUP_PATTERN.test(p)) {
      throw new UsageError(`--allowed-groups: "${p}" is not an IAM group ARN pattern (e.g. arn:aws:iam::123456789012:group/c1-managed/*)`);
    }
  }
  return patterns;
}

export function groupArnMatches(pattern: string, arn: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's').test(arn);
}

/** Throws a UsageError naming the group and the scope when the group is outside it. */
export function checkGroupScope(groupArn: string, allowed: string[] | undefined): void {
  if (!allowed || allowed.length === 0) return;
  if (allowed.some((p) => groupArnMatches(p, groupArn))) return;
  throw new UsageError(`group ${groupArn} is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: ${allowed.join(', ')}); nothing was called`);
}
