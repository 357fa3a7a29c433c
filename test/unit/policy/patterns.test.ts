/**
 * covers/overlaps between two wildcard patterns, checked against brute force: every string up to a length over a
 * small alphabet. `covers` must never claim an inclusion that a string breaks (sound); `overlaps` must be exact.
 */
import fc from 'fast-check';
import { covers, overlaps, widenVariables } from '../../../connector/src/policy/patterns';
import { wildcardMatch } from '../../../connector/src/policy/wildcard';

const ALPHABET = ['a', 'b', '/'];
const strings: string[] = [''];
for (let n = 1; n <= 6; n++) for (const s of strings.filter((x) => x.length === n - 1)) for (const c of ALPHABET) strings.push(s + c);
const patternOf = (maxLength: number) => fc.array(fc.constantFrom('a', 'b', '/', '*', '?'), { maxLength }).map((xs) => xs.join(''));
const pattern = patternOf(4);

test('covers is sound: whenever it says yes, every string of the inner pattern matches the outer one', () => {
  fc.assert(
    fc.property(pattern, pattern, (outer, inner) => {
      if (!covers(outer, inner)) return;
      for (const s of strings) if (wildcardMatch(inner, s)) expect([outer, inner, s, wildcardMatch(outer, s)]).toEqual([outer, inner, s, true]);
    }),
    { numRuns: 1500 },
  );
});

test('overlaps is exact: yes iff some string matches both', () => {
  fc.assert(
    fc.property(patternOf(3), patternOf(3), (a, b) => {
      // Two patterns of at most 3 symbols share a string iff they share one of at most 6 characters.
      const witness = strings.some((s) => wildcardMatch(a, s) && wildcardMatch(b, s));
      expect([a, b, overlaps(a, b)]).toEqual([a, b, witness]);
    }),
    { numRuns: 3000 },
  );
});

test('the needed pattern\'s own * is arbitrary text, not the character', () => {
  expect(covers('arn:aws:iam::1:group/*', 'arn:aws:iam::1:group/conductorone/*')).toBe(true);
  expect(covers('arn:aws:iam::1:group/conductorone/*', 'arn:aws:iam::1:group/*')).toBe(false);
  expect(covers('a?c', 'a*c')).toBe(false); // a naive match would let ? eat the literal "*"
  expect(covers('a?c', 'a?c')).toBe(true);
  expect(covers('abc', 'a?c')).toBe(false);
  expect(covers('*', '')).toBe(true);
  expect(covers('IAM:Get*', 'iam:GetRole', true)).toBe(true);
  expect(widenVariables('arn:aws:s3:::b/${aws:username}/*')).toBe('arn:aws:s3:::b/*/*');
});
