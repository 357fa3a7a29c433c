/**
 * IAM's wildcard matching: `*` any run of characters, `?` one character, everything else literal. Action names
 * match case-insensitively; ARNs and condition values case-sensitively (StringLike, ArnLike).
 */
const cache = new Map<string, RegExp>();

export function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    if (cache.size > 10_000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return wildcardRegExp(pattern, ignoreCase).test(value);
}

/** Action patterns ("iam:Get*", "*") against an action name, as IAM does: case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}
