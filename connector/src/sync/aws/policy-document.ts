/**
 * IAM returns policy documents URL-encoded; moto's GetAccountAuthorizationDetails returns trust policies as raw
 * JSON (offline-testing.md 1.2). Accept both.
 */
export function decodePolicyDocument(doc: string | undefined): unknown {
  if (!doc) return undefined;
  const text = /^%7B/i.test(doc.trimStart()) ? decodeURIComponent(doc) : doc;
  return JSON.parse(text);
}
