/**
 * Turns an SDK error into one line. moto answers AccessDenied of JSON services (organizations, sso-admin) with an
 * XML body the SDK cannot parse, so the HTTP status is the reliable signal (offline-testing.md 1.4).
 */
export function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

export function isAccessDenied(e: unknown): boolean {
  return /AccessDenied/.test(errorName(e)) || httpStatus(e) === 403;
}

export function describeAwsError(e: unknown): string {
  const status = httpStatus(e);
  if (isAccessDenied(e)) return `access denied (HTTP ${status ?? 403}${errorName(e) === 'SyntaxError' ? '' : `, ${errorName(e)}: ${(e as Error).message}`})`;
  const name = errorName(e);
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${(e as Error)?.message ?? String(e)}`;
}
