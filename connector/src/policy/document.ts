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
    // JSON.parse keeps the last of two equal keys; AWS may read another. A judgement over such text proves nothing.
    const duplicate = duplicateKey(text);
    if (duplicate) throw new PolicyParseError(`policy has the key ${JSON.stringify(duplicate)} twice in one object: which one AWS applies cannot be proven`);
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

/**
 * The first key that occurs twice in one object of valid JSON text, if any. A small scanner, not a parser: the text
 * was already accepted by JSON.parse, so only strings, nesting and object keys need tracking.
 */
export function duplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}
