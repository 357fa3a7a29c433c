/**
 * How every command classifies AWS SDK errors. Names AND HTTP status are matched: moto answers JSON services'
 * AccessDenied with an XML body the SDK cannot parse (a SyntaxError carrying HTTP 403) and unimplemented operations
 * with a 500 HTML page (offline-testing.md 1.2, 1.4), while AWS sends proper error names.
 */
interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const asSdk = (e: unknown): SdkError => (typeof e === 'object' && e !== null ? (e as SdkError) : {});

export const httpStatus = (e: unknown): number | undefined => asSdk(e).$metadata?.httpStatusCode;
export const requestIdOf = (e: unknown): string | undefined => asSdk(e).$metadata?.requestId;
export const errorName = (e: unknown): string => asSdk(e).name ?? 'Error';
export const errorMessage = (e: unknown): string => asSdk(e).message ?? String(e);

export function isAccessDenied(e: unknown): boolean {
  return /^(AccessDenied(Exception)?|UnauthorizedOperation)$/.test(errorName(e)) || httpStatus(e) === 403;
}

export function isNotFound(e: unknown): boolean {
  return /^(NoSuchEntity(Exception)?|ResourceNotFoundException)$/.test(errorName(e));
}

export function isConflict(e: unknown): boolean {
  return errorName(e) === 'ConflictException';
}

/** The service does not implement the operation (emulators); a body that is not an AWS error document says so. */
export function isUnimplemented(e: unknown): boolean {
  const name = errorName(e);
  if (/NotImplemented|UnknownOperation|InvalidAction/.test(name)) return true;
  const status = httpStatus(e);
  return (status === 500 || status === 501) && name === 'SyntaxError';
}

/** One line for a report: access denials say so plainly; moto's unparsable 403 body is not repeated. */
export function describeAwsError(e: unknown): string {
  const status = httpStatus(e);
  const name = errorName(e);
  if (isAccessDenied(e)) return `access denied (HTTP ${status ?? 403}${name === 'SyntaxError' ? '' : `, ${name}: ${errorMessage(e)}`})`;
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}`;
}
