import { isAccessDenied, isUnimplemented } from '../../../connector/src/aws/errors';
import { failure } from '../../../connector/src/provision/aws-errors';

const err = (name: string, status: number, requestId = 'r-1') => Object.assign(new Error('m'), { name, $metadata: { httpStatusCode: status, requestId } });

test('AccessDenied by name, or by status 403 (moto answers JSON services with XML: a SyntaxError)', () => {
  expect(isAccessDenied(err('AccessDeniedException', 400))).toBe(true);
  expect(isAccessDenied(err('SyntaxError', 403))).toBe(true);
  expect(isAccessDenied(err('ValidationException', 400))).toBe(false);
});

test('unimplemented: a 500 that is not an AWS error document, or a NotImplemented name; a real 500 is not', () => {
  expect(isUnimplemented(err('SyntaxError', 500))).toBe(true);
  expect(isUnimplemented(err('NotImplemented', 501))).toBe(true);
  expect(isUnimplemented(err('InternalServerException', 500))).toBe(false);
});

test('failure names the call and the action the role needs, with the request ID', () => {
  expect(failure('sso:CreateAccountAssignment', err('AccessDeniedException', 400))).toMatchObject({
    code: 'access-denied',
    requestId: 'r-1',
    message: expect.stringContaining('the role needs sso:CreateAccountAssignment'),
  });
  expect(failure('iam:GetGroup', err('NoSuchEntityException', 404)).code).toBe('not-found');
});
