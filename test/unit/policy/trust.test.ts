/** Hand-written cases of the trust evaluator: the shapes validate meets, and what the report says about them. */
import { ANONYMOUS } from '../../../connector/src/policy/principal';
import { evaluateTrust } from '../../../connector/src/policy/trust';

const C1 = 'arn:aws:iam::765656841499:role/ConductorOneService';
const C1_SESSION = 'arn:aws:sts::765656841499:assumed-role/ConductorOneService/s';
const ID = 'e'.repeat(32);
const docs = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const standard = docs([{ Sid: 'C1', Effect: 'Allow', Principal: { AWS: C1 }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': ID } } }]);
const ask = (policy: unknown, principal: string, externalId?: string) =>
  evaluateTrust(policy, { principal, context: externalId === undefined ? {} : { 'sts:ExternalId': externalId } });

test('the documented trust policy: the role session gets in with the external ID only', () => {
  expect(ask(standard, C1_SESSION, ID)).toEqual({
    decision: 'Allowed',
    statement: { index: 0, sid: 'C1', label: 'Sid "C1"', principalMatch: 'role-session' },
    needsIdentityPolicy: false,
  });
  expect(ask(standard, C1_SESSION, 'wrong').decision).toBe('ImplicitlyDenied');
  expect(ask(standard, C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(ask(standard, 'arn:aws:sts::765656841499:assumed-role/Other/s', ID).decision).toBe('ImplicitlyDenied');
});

test('URL-encoded and string documents, as GetRole returns them', () => {
  expect(ask(encodeURIComponent(JSON.stringify(standard)), C1_SESSION, ID).decision).toBe('Allowed');
  expect(ask(JSON.stringify(standard), C1_SESSION, ID).decision).toBe('Allowed');
});

test('a Deny wins and is named by index when it has no Sid', () => {
  const p = docs([...standard.Statement, { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringNotEquals: { 'sts:externalid': ID } } }]);
  expect(ask(p, C1_SESSION, ID).decision).toBe('Allowed');
  expect(ask(p, C1_SESSION, 'wrong')).toMatchObject({ decision: 'ExplicitlyDenied', statement: { label: 'Statement[1]' } });
  // A negated operator on a missing key matches: the Deny applies to a request without an external ID.
  expect(ask(p, C1_SESSION)).toMatchObject({ decision: 'ExplicitlyDenied' });
});

test('account principals need the caller account\'s own permission; "*" lets anyone in, even anonymous', () => {
  expect(ask(docs([{ Effect: 'Allow', Principal: { AWS: '765656841499' }, Action: 'sts:AssumeRole' }]), C1_SESSION)).toMatchObject({ decision: 'Allowed', needsIdentityPolicy: true });
  expect(ask(docs([{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::765656841499:root' }, Action: 'sts:AssumeRole' }]), 'arn:aws:iam::765656841499:user/u').decision).toBe('Allowed');
  expect(ask(docs([{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }]), ANONYMOUS).decision).toBe('Allowed');
  expect(ask(docs([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }]), 'ec2.amazonaws.com').decision).toBe('Allowed');
  expect(ask(docs([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]), 'ec2.amazonaws.com').decision).toBe('Allowed');
  expect(ask(docs([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]), C1_SESSION).decision).toBe('ImplicitlyDenied');
});

test('NotPrincipal and NotAction', () => {
  const p = docs([{ Effect: 'Allow', NotPrincipal: { AWS: C1 }, NotAction: 'sts:TagSession', Condition: { StringLike: { 'sts:ExternalId': 'e*' } } }]);
  expect(ask(p, C1_SESSION, ID).decision).toBe('ImplicitlyDenied');
  expect(ask(p, 'arn:aws:iam::111111111111:root', ID)).toMatchObject({ decision: 'Allowed', statement: { principalMatch: 'not-principal' } });
});

test('action wildcards are case-insensitive; condition keys too, values not', () => {
  for (const action of ['sts:*', 'sts:Assume*', 'STS:ASSUMEROLE', 'sts:AssumeRol?', '*']) {
    expect(ask(docs([{ Effect: 'Allow', Principal: { AWS: C1 }, Action: action }]), C1_SESSION).decision).toBe('Allowed');
  }
  expect(ask(docs([{ Effect: 'Allow', Principal: { AWS: C1 }, Action: 'sts:AssumeRoleWithSAML' }]), C1_SESSION).decision).toBe('ImplicitlyDenied');
  const cond = (Condition: object) => docs([{ Effect: 'Allow', Principal: { AWS: C1 }, Action: 'sts:AssumeRole', Condition }]);
  expect(ask(cond({ StringEquals: { 'STS:EXTERNALID': ID } }), C1_SESSION, ID).decision).toBe('Allowed');
  expect(ask(cond({ StringEquals: { 'sts:ExternalId': ID.toUpperCase() } }), C1_SESSION, ID).decision).toBe('ImplicitlyDenied');
  expect(ask(cond({ StringEqualsIgnoreCase: { 'sts:ExternalId': ID.toUpperCase() } }), C1_SESSION, ID).decision).toBe('Allowed');
  expect(ask(cond({ StringEqualsIfExists: { 'sts:ExternalId': ID } }), C1_SESSION).decision).toBe('Allowed');
  expect(ask(cond({ Null: { 'sts:ExternalId': 'false' } }), C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(ask(cond({ Null: { 'sts:ExternalId': 'true' } }), C1_SESSION).decision).toBe('Allowed');
  expect(ask(cond({ 'ForAllValues:StringEquals': { 'sts:ExternalId': ID } }), C1_SESSION).decision).toBe('Allowed');
  expect(ask(cond({ 'ForAnyValue:StringEquals': { 'sts:ExternalId': ID } }), C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(ask(cond({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Conductor*' } }), C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(
    evaluateTrust(cond({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Conductor*' } }), { principal: C1_SESSION, context: { 'aws:PrincipalArn': C1 } }).decision,
  ).toBe('Allowed');
  expect(evaluateTrust(cond({ Bool: { 'aws:SecureTransport': 'true' } }), { principal: C1_SESSION, context: { 'aws:SecureTransport': 'TRUE' } }).decision).toBe('Allowed');
});

test('a statement without Principal or Action applies to no one; a bad Effect is refused', () => {
  expect(ask(docs([{ Effect: 'Allow', Action: 'sts:AssumeRole' }]), C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(ask(docs([{ Effect: 'Allow', Principal: '*' }]), C1_SESSION).decision).toBe('ImplicitlyDenied');
  expect(() => ask(docs([{ Effect: 'allow', Principal: '*', Action: '*' }]), C1_SESSION)).toThrow(/Effect/);
  expect(() => ask('not json', C1_SESSION)).toThrow(/JSON/);
});
