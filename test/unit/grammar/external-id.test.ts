/**
 * The external ID's length follows the trusted principal: 32 to 65 (grammar.json external_id_conductorone) for
 * ConductorOne's default principal, STS's 2 to 1224 (external_id) for any other. Cases: test/fixtures/input-cases.json.
 */
import { checkExternalId, externalIdRule } from '../../../connector/src/grammar/external-id';
import { resolveExternalId } from '../../../connector/src/commands/options';
import { UsageError } from '../../../connector/src/errors';
import grammar from '../../../modules/conductorone-aws-role/grammar.json';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { EXTERNAL_ID_CASES } from '../../fixtures/input-cases';

const label = (v: string) => (v.length > 40 ? `${v.slice(0, 12)}…(${v.length})` : JSON.stringify(v));

describe.each(EXTERNAL_ID_CASES)('trusted principal $trustedPrincipalArn: rule $rule', ({ trustedPrincipalArn, rule, valid, invalid }) => {
  test('the rule picked is the one the cases name', () => {
    expect(externalIdRule(trustedPrincipalArn)).toBe(rule);
  });
  test.each(valid.map((v) => [label(v), v]))('accepts %s', (_l, v) => {
    expect(checkExternalId(v, trustedPrincipalArn)).toBeNull();
  });
  test.each(invalid.map((v) => [label(v), v]))('refuses %s, naming the input and the rule, never the value', (_l, v) => {
    const msg = checkExternalId(v, trustedPrincipalArn, 'BATON_EXTERNAL_ID')!;
    expect(msg).toMatch(/^BATON_EXTERNAL_ID /);
    expect(msg).toContain((grammar.rules as Record<string, { rule: string }>)[rule].rule);
    if (v.length > 3) expect(msg).not.toContain(v);
  });
});

test('an unknown principal (a command that only assumes the role) gets STS\'s limits', () => {
  expect(externalIdRule(undefined)).toBe('external_id');
  expect(checkExternalId('ab', undefined)).toBeNull();
});

test('the boundaries of the ConductorOne rule come from grammar.json', () => {
  const { min_length: min, max_length: max } = grammar.rules.external_id_conductorone;
  expect([min, max]).toEqual([32, 65]);
  const p = defaults.trusted_principal_arn;
  expect(checkExternalId('e'.repeat(min), p)).toBeNull();
  expect(checkExternalId('e'.repeat(max), p)).toBeNull();
  expect(checkExternalId('e'.repeat(min - 1), p)).toMatch(/got 31 characters/);
  expect(checkExternalId('e'.repeat(max + 1), p)).toMatch(/got 66 characters/);
});

test("the commands' external ID check uses the principal they know", () => {
  const short = 'short-id-12345';
  const quiet = () => undefined;
  expect(resolveExternalId({ externalId: short }, quiet)).toBe(short);
  expect(resolveExternalId({ externalId: short, trustedPrincipalArn: 'arn:aws:iam::123456789012:role/Self' }, quiet)).toBe(short);
  expect(() => resolveExternalId({ externalId: short, trustedPrincipalArn: defaults.trusted_principal_arn }, quiet)).toThrow(UsageError);
  expect(() => resolveExternalId({ externalId: short, trustedPrincipalArn: defaults.trusted_principal_arn }, quiet)).toThrow(/^external ID must be 32 to 65 characters/);
});

test("any principal of ConductorOne's account gets ConductorOne's rule, however it is spelled", () => {
  for (const principal of ['arn:aws:iam::765656841499:root', 'arn:aws:iam::765656841499:role/conductoroneservice', 'arn:aws:iam::765656841499:role/c1/ConductorOneService']) {
    expect(externalIdRule(principal)).toBe('external_id_conductorone');
    expect(checkExternalId('ab', principal)).toMatch(/32 to 65/);
  }
  expect(externalIdRule('arn:aws:iam::123456789012:role/ConductorOneService')).toBe('external_id');
});
