/**
 * Property-based tests of the role ARN parser, plus every case where baton-aws's checks are wrong
 * (conductorone-aws.md 3.3): it accepts only the aws partition, inverts its name regex, and wants 32..65-byte
 * external IDs where AWS allows 2..1224.
 */
import fc from 'fast-check';
import { formatRoleArn, parseRoleArn } from '../../../connector/src/grammar/arn';
import { checkNumber, checkString } from '../../../connector/src/grammar/check';
import { PARTITIONS } from '../../../connector/src/grammar/rules';

const SEED = { seed: 42, numRuns: 1000 };
const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-'.split('');
const PATH_CHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

const name = fc.array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 64 }).map((a) => a.join(''));
const pathElement = fc.array(fc.constantFrom(...PATH_CHARS.filter((c) => c !== '/')), { minLength: 1, maxLength: 20 }).map((a) => a.join(''));
const path = fc.array(pathElement, { maxLength: 4 }).map((els) => (els.length ? `/${els.join('/')}/` : '/'));
const account = fc.array(fc.constantFrom(...'0123456789'.split('')), { minLength: 12, maxLength: 12 }).map((a) => a.join(''));
const validRole = fc.record({ partition: fc.constantFrom(...PARTITIONS), accountId: account, path, name });

test('generated valid ARNs parse and round-trip', () => {
  fc.assert(
    fc.property(validRole, (r) => {
      const arn = formatRoleArn(r);
      const parsed = parseRoleArn(arn);
      expect(parsed).toEqual({ ok: true, value: { ...r, arn } });
      expect(formatRoleArn(parsed.ok ? parsed.value : r)).toBe(arn);
    }),
    SEED,
  );
});

test('the parser agrees with the shared role_arn rule of grammar.json on arbitrary and mutated strings', () => {
  const mutated = fc.tuple(validRole, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([r, at, insert]) => {
    const arn = formatRoleArn(r);
    const i = at % (arn.length + 1);
    return arn.slice(0, i) + insert + arn.slice(i);
  });
  fc.assert(
    fc.property(fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 80 })), (s) => {
      expect(parseRoleArn(s).ok).toBe(checkString('role_arn', s) === null);
    }),
    SEED,
  );
});

describe('adversarial strings are refused, never echoing them', () => {
  const base = 'arn:aws:iam::123456789012:role/Conductor';
  const cases: [string, string, RegExp][] = [
    ['Cyrillic look-alike in the name', `${base}Оne`, /printable ASCII.*U\+041E/],
    ['full-width colon', 'arn:aws:iam:：123456789012:role/X', /printable ASCII.*U\+FF1A/],
    ['leading space', ` ${base}`, /a space|printable ASCII/],
    ['trailing newline', `${base}\n`, /U\+000A/],
    ['NUL byte', `${base}\u0000`, /U\+0000/],
    ['zero-width space', `${base}\u200b`, /U\+200B/],
    ['shell substitution', `${base}$(id)`, /role name .*"\$"/],
    ['backticks', 'arn:aws:iam::123456789012:role/`id`', /role name .*"`"/],
    ['semicolon', `${base};rm`, /role name .*";"/],
    ['very long name', `arn:aws:iam::123456789012:role/${'a'.repeat(65)}`, /role name must be 1 to 64 characters \(got 65\)/],
    ['very long ARN', `arn:aws:iam::123456789012:role/${'p/'.repeat(1100)}x`, /2048 characters/],
    ['path over 512', `arn:aws:iam::123456789012:role/${'p'.repeat(520)}/x`, /role path must be at most 512/],
    ['unknown partition', 'arn:aws-moon:iam::123456789012:role/X', /unknown partition "aws-moon"/],
    ['not IAM', 'arn:aws:sts::123456789012:role/X', /service "iam"/],
    ['region set', 'arn:aws:iam:us-east-1:123456789012:role/X', /empty region/],
    ['short account', 'arn:aws:iam::12345678901:role/X', /12-digit account ID \(got 11 characters\)/],
    ['letters in account', 'arn:aws:iam::12345678901a:role/X', /not all digits/],
    ['user ARN', 'arn:aws:iam::123456789012:user/X', /must name a role.*"user"/],
    ['empty path element', 'arn:aws:iam::123456789012:role//X', /role path must not be empty/],
    ['empty name', 'arn:aws:iam::123456789012:role/path/', /role name must be 1 to 64/],
    ['not an ARN', 'ConductorOneIntegration-with-padding', /must have the form/],
  ];
  test.each(cases)('%s', (_label, value, message) => {
    const r = parseRoleArn(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      expect(r.error.startsWith('role ARN ')).toBe(true);
      if (value.length > 12) expect(r.error).not.toContain(value);
    }
  });

  test('arbitrary unicode never parses unless it is a valid ARN', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const r = parseRoleArn(s);
        if (r.ok) expect(checkString('role_arn', s)).toBeNull();
      }),
      SEED,
    );
  });
});

describe('where baton-aws is wrong', () => {
  test.each(['aws-us-gov', 'aws-cn', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'])('accepts the %s partition (baton-aws: "only aws partition supported")', (p) => {
    expect(parseRoleArn(`arn:${p}:iam::123456789012:role/ConductorOneIntegration`)).toMatchObject({ ok: true, value: { partition: p } });
  });
  test.each(['+=,.@-', '@', '---', '.', '_'])('accepts a name made only of symbols: %s (baton-aws\'s inverted regex refuses it)', (n) => {
    expect(parseRoleArn(`arn:aws:iam::123456789012:role/${n}`)).toMatchObject({ ok: true, value: { name: n } });
  });
  test.each(['bad!name', 'a#b', 'x*y', 'with space', 'a%b', 'a:b'])('refuses a name with other characters: %s (baton-aws accepts it)', (n) => {
    expect(parseRoleArn(`arn:aws:iam::123456789012:role/${n}`).ok).toBe(false);
  });
  test.each([2, 31, 66, 100, 1224])('accepts an external ID of %d characters (baton-aws wants 32 to 65)', (n) => {
    expect(checkString('external_id', 'e'.repeat(n))).toBeNull();
  });
  test.each([1, 1225])('refuses an external ID of %d characters (AWS allows 2 to 1224)', (n) => {
    expect(checkString('external_id', 'e'.repeat(n))).not.toBeNull();
  });
});

test('session name and durations follow grammar.json', () => {
  expect(checkString('session_name', 'c1-aws-connector')).toBeNull();
  expect(checkString('session_name', 'a')).not.toBeNull();
  expect(checkString('session_name', 's'.repeat(65))).not.toBeNull();
  expect(checkString('session_name', 'has space')).not.toBeNull();
  expect(checkNumber('assume_role_duration', 900)).toBeNull();
  expect(checkNumber('assume_role_duration', 899)).toMatch(/900/);
  expect(checkNumber('assume_role_duration', 43201)).not.toBeNull();
  expect(checkNumber('max_session_duration', 3600)).toBeNull();
});
