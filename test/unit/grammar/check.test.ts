import { checkNumber, checkString } from '../../../connector/src/grammar/check';
import { PARTITIONS, STRING_RULES } from '../../../connector/src/grammar/rules';

test('every ARN pattern names exactly the shared partitions', () => {
  for (const name of ['role_arn', 'trusted_principal_arn', 'policy_arn', 'group_arn'] as const) {
    const alternatives = /^\^arn:\(([^)]*)\)/.exec(STRING_RULES[name].pattern)![1].split('|');
    expect(alternatives.sort()).toEqual([...PARTITIONS].sort());
  }
});

test('a secret is never echoed in a message', () => {
  const secret = 'my secret external id';
  const msg = checkString('external_id', secret)!;
  expect(msg).toContain('external_id');
  expect(msg).toContain('a space');
  expect(msg).not.toContain(secret);
});

test('lengths are checked apart from the charset (RE2 caps {n,m} at 1000)', () => {
  expect(checkString('external_id', 'a'.repeat(1224))).toBeNull();
  expect(checkString('external_id', 'a'.repeat(1225))).toMatch(/got 1225 characters/);
  expect(checkString('external_id', 'a')).toMatch(/got 1 characters/);
});

test('numbers name the input and the range', () => {
  expect(checkNumber('max_session_duration', 3599)).toMatch(/max_session_duration .*3600.*43200/);
  expect(checkNumber('max_session_duration', 43200)).toBeNull();
  expect(checkNumber('max_session_duration', 3600.5)).not.toBeNull();
});

test('group scopes refuse wildcards and policy variables (they would widen the scope); literal $ never reaches a replacement pattern', () => {
  for (const v of ['/team*/', '/a?b/', '/$x/', "/$'/"]) expect(checkString('group_path', v)).toMatch(/without \*, \? or \$/);
  expect(checkString('group_path', '/conductorone/')).toBeNull();
  for (const v of ['arn:aws:iam::123456789012:group/c1*/Engineers', 'arn:aws:iam::123456789012:group/$x/Engineers']) expect(checkString('group_arn', v)).toMatch(/without \*, \? or \$/);
  expect(checkString('group_arn', 'arn:aws:iam::123456789012:group/c1/Engineers')).toBeNull();
});
