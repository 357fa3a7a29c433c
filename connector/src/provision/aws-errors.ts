/**
 * Classifies SDK errors the way the provisioners need. Matches on names AND HTTP status: moto answers JSON services'
 * AccessDenied with an XML body (the SDK then throws a SyntaxError carrying status 403) and unimplemented operations
 * with a 500 HTML page (offline-testing.md 1.2, 1.4).
 */
import { ProvisionError } from './types';

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const asSdk = (e: unknown): SdkError => (typeof e === 'object' && e !== null ? (e as SdkError) : {});

export const httpStatus = (e: unknown): number | undefined => asSdk(e).$metadata?.httpStatusCode;
export const requestIdOf = (e: unknown): string | undefined => asSdk(e).$metadata?.requestId;

export function isAccessDenied(e: unknown): boolean {
  const { name } = asSdk(e);
  return name === 'AccessDenied' || name === 'AccessDeniedException' || httpStatus(e) === 403;
}

export function isNotFound(e: unknown): boolean {
  const { name } = asSdk(e);
  return name === 'NoSuchEntity' || name === 'NoSuchEntityException' || name === 'ResourceNotFoundException';
}

export function isConflict(e: unknown): boolean {
  return asSdk(e).name === 'ConflictException';
}

/** The service does not implement the operation (emulators); a body that is not an AWS error document says so. */
export function isUnimplemented(e: unknown): boolean {
  const { name } = asSdk(e);
  if (name && /NotImplemented|UnknownOperation|InvalidAction/.test(name)) return true;
  const status = httpStatus(e);
  return (status === 500 || status === 501) && name === 'SyntaxError';
}

/** Wraps any AWS failure as a ProvisionError naming the call; access denials say which action the role lacks. */
export function failure(call: string, e: unknown): ProvisionError {
  if (e instanceof ProvisionError) return e;
  const err = asSdk(e);
  const rid = requestIdOf(e);
  const ridText = rid ? ` (request ID ${rid})` : '';
  if (isAccessDenied(e)) {
    return new ProvisionError('access-denied', `${call} was denied${ridText}: the role needs ${call} (is provisioning enabled on the role, and the resource in its scope?)`, rid);
  }
  const code = isNotFound(e) ? 'not-found' : isConflict(e) ? 'conflict' : 'aws-error';
  return new ProvisionError(code, `${call} failed: ${err.name ?? 'Error'}: ${err.message ?? String(e)}${ridText}`, rid);
}
