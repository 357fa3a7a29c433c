/**
 * AWS error classification for sync. moto answers JSON services' AccessDenied with an XML body the SDK cannot parse
 * (a SyntaxError carrying HTTP 403), so the status is the reliable signal (offline-testing.md 1.4).
 */
export function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function isAccessDenied(e: unknown): boolean {
  const name = (e as { name?: string })?.name ?? '';
  return /^AccessDenied(Exception)?$|^UnauthorizedOperation$/.test(name) || httpStatus(e) === 403;
}
