/** Provisioning's view of AWS failures: a ProvisionError naming the call. Classification lives in aws/errors.ts. */
import { errorMessage, errorName, isAccessDenied, isConflict, isNotFound, requestIdOf } from '../aws/errors';
import { allPages } from '../aws/pages';
import { ProvisionError } from './types';

/** Wraps any AWS failure as a ProvisionError naming the call; access denials say which action the role lacks. */
export function failure(call: string, e: unknown): ProvisionError {
  if (e instanceof ProvisionError) return e;
  const rid = requestIdOf(e);
  const ridText = rid ? ` (request ID ${rid})` : '';
  if (isAccessDenied(e)) {
    return new ProvisionError('access-denied', `${call} was denied${ridText}: the role needs ${call} (is provisioning enabled on the role, and the resource in its scope?)`, rid);
  }
  const code = isNotFound(e) ? 'not-found' : isConflict(e) ? 'conflict' : 'aws-error';
  return new ProvisionError(code, `${call} failed: ${errorName(e)}: ${errorMessage(e)}${ridText}`, rid);
}

/** Pages a NextToken read to the end; a failure names the call. */
export async function readAllPages<T>(call: string, fetch: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  try {
    return await allPages(fetch);
  } catch (e) {
    throw failure(call, e);
  }
}
