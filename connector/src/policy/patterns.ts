/**
 * Set relations between two IAM wildcard patterns (`*` any run of characters, `?` one character), both sides taken
 * as patterns: "does every value of this pattern match that one", "can the two name a common value". Sound by
 * construction: `covers` answers true only when the inclusion holds for every value (it may miss an exotic inclusion
 * such as "*?" covering "?*", which makes a check stricter, never laxer); `overlaps` is exact.
 */

const isWild = (c: string) => c === '*' || c === '?';
const same = (a: string, b: string, ignoreCase: boolean) => (ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b);

/**
 * Every value `inner` stands for matches `outer`. `inner`'s own `*` and `?` are arbitrary text, not the characters:
 * `outer`'s `*` may absorb them, `outer`'s `?` stands for exactly one of `inner`'s literals or `?`, never its `*`.
 */
export function covers(outer: string, inner: string, ignoreCase = false): boolean {
  if (!outer.includes('*') && !outer.includes('?')) return !inner.includes('*') && !inner.includes('?') && same(outer, inner, ignoreCase);
  if (outer === '*') return true;
  const memo = new Map<number, boolean>();
  const width = inner.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === outer.length) r = j === inner.length;
    else if (outer[i] === '*') r = go(i + 1, j) || (j < inner.length && go(i, j + 1));
    else if (j === inner.length) r = false;
    else if (outer[i] === '?') r = inner[j] !== '*' && go(i + 1, j + 1);
    else r = !isWild(inner[j]) && same(outer[i], inner[j], ignoreCase) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Some value matches both patterns (exact). */
export function overlaps(a: string, b: string, ignoreCase = false): boolean {
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === '*') r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === '*') r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i === a.length || j === b.length) r = false;
    else r = (a[i] === '?' || b[j] === '?' || same(a[i], b[j], ignoreCase)) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Policy variables (`${aws:username}`) are filled at request time: as an upper bound each stands for any text. */
export function widenVariables(pattern: string): string {
  return pattern.replace(/\$\{[^}]*\}/g, '*');
}

export const hasVariable = (pattern: string) => /\$\{[^}]*\}/.test(pattern);
