/** Reading the construct's synthesized JSON: resources by type, and jsonencode() arguments as plain objects. */
import { Testing } from 'cdktf';
import { Construct } from 'constructs';

export type TfJson = {
  data?: Record<string, Record<string, any>>;
  resource?: Record<string, Record<string, any>>;
  variable?: Record<string, any>;
  output?: Record<string, any>;
  locals?: Record<string, any>;
};

export const PARTITION = '${data.aws_partition.current.partition}';
export const ACCOUNT = '${data.aws_caller_identity.current.account_id}';

export function synth(build: (scope: Construct) => void): TfJson {
  return JSON.parse(Testing.synthScope(build)) as TfJson;
}

/**
 * The object inside `${jsonencode({...})}` as cdktf renders it: quoted keys, `=`, string/list/object values and bare
 * references (kept as "<ref:...>" strings so a test can see them).
 */
export function jsonencodeArg(value: string): any {
  const m = /^\$\{jsonencode\((.*)\)\}$/s.exec(value);
  if (!m) throw new Error(`not a jsonencode() expression: ${value.slice(0, 80)}`);
  let out = '';
  const s = m[1];
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '"') {
      let j = i + 1;
      while (s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else if (c === '=' ) {
      out += ':';
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      // A bare reference or function call up to the next top-level `,`, `}` or `]`.
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        const d = s[j];
        if (d === '(' || d === '[' || d === '{') depth++;
        else if (d === ')' || d === ']' || d === '}') {
          if (depth === 0) break;
          depth--;
        } else if (d === ',' && depth === 0) break;
        else if (d === '"') while (s[++j] !== '"');
      }
      out += JSON.stringify(`<ref:${s.slice(i, j).trim()}>`);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}
