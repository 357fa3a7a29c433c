/**
 * Role ARN parser. Unlike the one-regex check in rules.ts, it says which part of the ARN is wrong, so a user who
 * pasted a user ARN, a GovCloud ARN with a typo or a name with a space learns exactly what to fix.
 * baton-aws's IsValidRoleARN accepts only the `aws` partition and inverts its name check (conductorone-aws.md 3.3);
 * this follows IAM's own grammar (offline-testing.md 4.1) for every partition.
 */
import { LIMITS, PARTITIONS, STRING_RULES } from './rules';

export interface RoleArn {
  partition: string;
  accountId: string;
  /** "/" or "/a/b/", as IAM reports Role.Path. */
  path: string;
  name: string;
  arn: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const NAME_CHARS = /^[\w+=,.@-]+$/;
const PATH_CHARS = /^[\x21-\x7E]+$/;
const ARN_MIN = STRING_RULES.role_arn.min_length;
const ARN_MAX = STRING_RULES.role_arn.max_length;

/** Names the first character outside printable ASCII by code point, never echoing the input (it may be pasted secrets). */
function offending(value: string, allowed: RegExp): string {
  for (const ch of value) {
    if (!allowed.test(ch)) {
      const cp = ch.codePointAt(0)!;
      return cp >= 0x21 && cp <= 0x7e ? `"${ch}"` : cp === 0x20 ? 'a space' : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return 'an invalid character';
}

export function parseRoleArn(value: unknown, input = 'role ARN'): ParseResult<RoleArn> {
  const fail = (why: string): ParseResult<RoleArn> => ({ ok: false, error: `${input} ${why}` });
  if (typeof value !== 'string') return fail(`must be a string (got ${value === undefined ? 'nothing' : typeof value})`);
  if (value.length < ARN_MIN || value.length > ARN_MAX) return fail(`must be ${ARN_MIN} to ${ARN_MAX} characters (got ${value.length})`);
  if (!/^[\x21-\x7E]+$/.test(value)) return fail(`must hold only printable ASCII without spaces (found ${offending(value, /[\x21-\x7E]/)})`);
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return fail('must have the form arn:<partition>:iam::<12-digit account>:role/[<path>/]<name>');
  const [, partition, service, region, accountId] = parts;
  const resource = parts.slice(5).join(':');
  if (!PARTITIONS.includes(partition)) return fail(`has an unknown partition "${partition.slice(0, 20)}" (expected one of ${PARTITIONS.join(', ')})`);
  if (service !== 'iam') return fail(`must be an IAM ARN (service "iam", got "${service.slice(0, 20)}")`);
  if (region !== '') return fail('must have an empty region field: IAM is global (arn:<partition>:iam::<account>:...)');
  if (!/^[0-9]{12}$/.test(accountId)) return fail(`must hold a 12-digit account ID (got ${accountId.length} characters${/^[0-9]*$/.test(accountId) ? '' : ', not all digits'})`);
  if (!resource.startsWith('role/')) return fail(`must name a role: the resource must start with "role/" (got "${resource.split('/')[0].slice(0, 20)}")`);
  const rest = resource.slice('role/'.length);
  const slash = rest.lastIndexOf('/');
  const name = rest.slice(slash + 1);
  const inner = slash < 0 ? '' : rest.slice(0, slash);
  if (name.length < 1 || name.length > LIMITS.role_name_in_arn) return fail(`role name must be 1 to ${LIMITS.role_name_in_arn} characters (got ${name.length})`);
  if (!NAME_CHARS.test(name)) return fail(`role name may hold only letters, digits and _+=,.@- (found ${offending(name, /[\w+=,.@-]/)})`);
  const path = inner === '' ? '/' : `/${inner}/`;
  // IAM's path pattern is /([\x21-\x7E]+/)?: "role//name" has an empty path element, "/a//b/" is allowed.
  if (slash >= 0 && inner === '') return fail('role path must not be empty between slashes ("role//name")');
  if (inner !== '' && !PATH_CHARS.test(inner)) return fail(`role path may hold only printable ASCII (found ${offending(inner, /[\x21-\x7E]/)})`);
  if (path.length > LIMITS.role_path) return fail(`role path must be at most ${LIMITS.role_path} characters (got ${path.length})`);
  return { ok: true, value: { partition, accountId, path, name, arn: value } };
}

/** The ARN of a role, from its parts (the inverse of parseRoleArn). */
export function formatRoleArn(r: Omit<RoleArn, 'arn'>): string {
  return `arn:${r.partition}:iam::${r.accountId}:role${r.path}${r.name}`;
}

/** The ARN STS reports for a session of this role: the path is not part of it. */
export function assumedRoleArn(r: Pick<RoleArn, 'partition' | 'accountId' | 'name'>, sessionName: string): string {
  return `arn:${r.partition}:sts::${r.accountId}:assumed-role/${r.name}/${sessionName}`;
}
