/**
 * Parsing of IAM policy documents as the API returns them: GetRole, GetRolePolicy and GetPolicyVersion give the
 * document URL-encoded, GetAccountAuthorizationDetails sometimes raw (moto), Terraform gives an object.
 */
export type OneOrMany<T> = T | T[];

export interface RawStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface RawPolicy {
  Version?: string;
  Statement?: OneOrMany<RawStatement>;
}

export class PolicyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

export function toArray<T>(v: OneOrMany<T> | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Accepts an object, JSON text or URL-encoded JSON text. */
export function parsePolicy(doc: unknown): RawPolicy {
  let value = doc;
  if (typeof value === 'string') {
    let text = value.trim();
    if (/^%7B/i.test(text)) text = decodeURIComponent(text);
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new PolicyParseError(`policy is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new PolicyParseError('policy must be a JSON object');
  const p = value as RawPolicy;
  for (const s of toArray(p.Statement)) {
    if (!s || typeof s !== 'object') throw new PolicyParseError('every Statement must be an object');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new PolicyParseError(`Statement ${s.Sid ?? ''} has Effect ${JSON.stringify(s.Effect)}; expected "Allow" or "Deny"`);
  }
  return p;
}

/** How a report names a statement: its Sid, else its position. */
export function statementLabel(s: RawStatement, index: number): string {
  return s.Sid ? `Sid "${s.Sid}"` : `Statement[${index}]`;
}
