import { UsageError } from '../../../connector/src/errors';
import { checkGroupScope, groupArnMatches, parseAllowedGroups } from '../../../connector/src/provision';

test('patterns use IAM wildcards, case-sensitively, and * spans path segments', () => {
  const p = 'arn:aws:iam::123456789012:group/c1-managed/*';
  expect(groupArnMatches(p, 'arn:aws:iam::123456789012:group/c1-managed/devs')).toBe(true);
  expect(groupArnMatches(p, 'arn:aws:iam::123456789012:group/c1-managed/team/devs')).toBe(true);
  expect(groupArnMatches(p, 'arn:aws:iam::123456789012:group/Admins')).toBe(false);
  expect(groupArnMatches(p, 'arn:aws:iam::123456789012:group/C1-managed/devs')).toBe(false);
  expect(groupArnMatches('arn:aws:iam::*:group/team-?', 'arn:aws:iam::210987654321:group/team-a')).toBe(true);
  expect(groupArnMatches('arn:aws:iam::*:group/team-?', 'arn:aws:iam::210987654321:group/team-ab')).toBe(false);
  // Regex metacharacters in names are literal.
  expect(groupArnMatches('arn:aws:iam::1:group/a.b', 'arn:aws:iam::1:group/aXb')).toBe(false);
});

test('parseAllowedGroups splits on commas and rejects what is not a group ARN pattern', () => {
  expect(parseAllowedGroups(undefined)).toBeUndefined();
  // An empty scope would silently mean "no scope": refused.
  expect(() => parseAllowedGroups(' ')).toThrow(/is empty/);
  expect(parseAllowedGroups('arn:aws:iam::1:group/a/*, arn:aws:iam::*:group/b')).toEqual(['arn:aws:iam::1:group/a/*', 'arn:aws:iam::*:group/b']);
  expect(() => parseAllowedGroups('arn:aws:iam::1:role/*')).toThrow(UsageError);
  expect(() => parseAllowedGroups('c1-managed/*')).toThrow(/not an IAM group ARN pattern/);
});

test('checkGroupScope names the group and the scope', () => {
  expect(() => checkGroupScope('arn:aws:iam::1:group/Admins', undefined)).not.toThrow();
  expect(() => checkGroupScope('arn:aws:iam::1:group/c1/x', ['arn:aws:iam::1:group/c1/*'])).not.toThrow();
  expect(() => checkGroupScope('arn:aws:iam::1:group/Admins', ['arn:aws:iam::1:group/c1/*', 'arn:aws:iam::1:group/ops'])).toThrow(
    'group arn:aws:iam::1:group/Admins is outside the provisioning scope (--allowed-groups / BATON_PROVISIONING_ALLOWED_GROUPS: arn:aws:iam::1:group/c1/*, arn:aws:iam::1:group/ops)',
  );
});
