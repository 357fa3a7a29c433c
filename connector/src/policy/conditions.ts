/**
 * Condition evaluation with AWS semantics (IAM User Guide, "Condition operators" and "Set operators"):
 * operators AND together, keys within an operator AND together, values of one key OR together (for negated operators:
 * the value must match none). Key names are case-insensitive; values are compared as the operator says.
 * A missing key fails a positive operator and satisfies a negated one (StringNotEquals, ArnNotLike...) and any
 * ...IfExists; ForAllValues on a missing key is true, ForAnyValue false.
 */
import { wildcardMatch } from './wildcard';

/** Request context: key (any case) => one value or a set of values. */
export type ContextValues = Record<string, string | string[] | undefined>;

export class UnsupportedConditionError extends Error {
  constructor(readonly operator: string) {
    super(`condition operator ${operator} is not supported by this evaluator`);
    this.name = 'UnsupportedConditionError';
  }
}

type Compare = (requestValue: string, policyValue: string) => boolean;

/** Splits an ARN into its six fields; wildcards match within a field only (ArnLike's rule). */
function arnFields(arn: string): string[] | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
const arnLike: Compare = (req, pol) => {
  const r = arnFields(req);
  const p = arnFields(pol);
  return !!r && !!p && p.every((field, i) => wildcardMatch(field, r[i]));
};
const num = (s: string) => (/^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : NaN);
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

/** Positive base operators; each negated one is listed in NEGATED with its positive twin. */
const BASE: Record<string, Compare> = {
  stringequals: (r, p) => r === p,
  stringequalsignorecase: (r, p) => r.toLowerCase() === p.toLowerCase(),
  stringlike: (r, p) => wildcardMatch(p, r),
  arnequals: arnLike,
  arnlike: arnLike,
  bool: (r, p) => r.toLowerCase() === p.toLowerCase(),
  numericequals: (r, p) => num(r) === num(p),
  numericlessthan: (r, p) => num(r) < num(p),
  numericlessthanequals: (r, p) => num(r) <= num(p),
  numericgreaterthan: (r, p) => num(r) > num(p),
  numericgreaterthanequals: (r, p) => num(r) >= num(p),
  dateequals: (r, p) => date(r) === date(p),
  datelessthan: (r, p) => date(r) < date(p),
  datelessthanequals: (r, p) => date(r) <= date(p),
  dategreaterthan: (r, p) => date(r) > date(p),
  dategreaterthanequals: (r, p) => date(r) >= date(p),
};
const NEGATED: Record<string, string> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
};

interface Operator {
  set?: 'foranyvalue' | 'forallvalues';
  base: string;
  negated: boolean;
  ifExists: boolean;
}

function parseOperator(name: string): Operator {
  let rest = name.toLowerCase();
  let set: Operator['set'];
  const m = /^(foranyvalue|forallvalues):/.exec(rest);
  if (m) {
    set = m[1] as Operator['set'];
    rest = rest.slice(m[0].length);
  }
  const ifExists = rest.endsWith('ifexists');
  if (ifExists) rest = rest.slice(0, -'ifexists'.length);
  if (rest === 'null') return { set, base: 'null', negated: false, ifExists };
  if (NEGATED[rest]) return { set, base: NEGATED[rest], negated: true, ifExists };
  if (BASE[rest]) return { set, base: rest, negated: false, ifExists };
  throw new UnsupportedConditionError(name);
}

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).map((x) => String(x));

function lookup(context: ContextValues, key: string): string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === wanted && v !== undefined) return Array.isArray(v) ? v : [v];
  }
  return undefined;
}

function keyMatches(op: Operator, policyValues: string[], requestValues: string[] | undefined): boolean {
  if (op.base === 'null') {
    const goal = requestValues === undefined ? 'true' : 'false';
    return policyValues.some((v) => v.toLowerCase() === goal);
  }
  const compare = BASE[op.base];
  // For one request value: does it satisfy the (possibly negated) operator against the policy's values?
  const one = (rv: string) => {
    const any = policyValues.some((pv) => compare(rv, pv));
    return op.negated ? !any : any;
  };
  if (op.set === 'forallvalues') return requestValues === undefined || requestValues.every(one);
  if (op.set === 'foranyvalue') return requestValues !== undefined && requestValues.some(one);
  if (requestValues === undefined) return op.negated || op.ifExists;
  // A plain operator needs a single-valued key; a set of values needs ForAnyValue/ForAllValues.
  if (requestValues.length !== 1) return false;
  return one(requestValues[0]);
}

/** True when every condition of the block holds for the context. Throws UnsupportedConditionError for e.g. IpAddress. */
export function conditionsMatch(block: Record<string, Record<string, unknown>> | undefined, context: ContextValues): boolean {
  if (!block) return true;
  for (const [operatorName, keys] of Object.entries(block)) {
    const op = parseOperator(operatorName);
    for (const [key, value] of Object.entries(keys ?? {})) {
      // Policy variables stand for request facts this evaluator does not substitute: no answer rather than a wrong one.
      if (asStrings(value).some((v) => v.includes('${'))) throw new UnsupportedConditionError(`${operatorName} with a policy variable`);
      if (!keyMatches(op, asStrings(value), lookup(context, key))) return false;
    }
  }
  return true;
}

/** Every value a condition block compares `key` with, under any operator (used to find the external IDs a trust policy accepts). */
export function conditionValuesFor(block: Record<string, Record<string, unknown>> | undefined, key: string): { operator: string; values: string[] }[] {
  const out: { operator: string; values: string[] }[] = [];
  for (const [operator, keys] of Object.entries(block ?? {})) {
    for (const [k, v] of Object.entries(keys ?? {})) if (k.toLowerCase() === key.toLowerCase()) out.push({ operator, values: asStrings(v) });
  }
  return out;
}

export type ConditionBlock = Record<string, Record<string, unknown>>;

/**
 * Condition values with ${key} policy variables replaced by the known single values of those keys; null when one
 * cannot be: an unknown or multi-valued key, a default (${key, 'x'}), or the escapes ${*} ${?} ${$}, whose literal
 * characters a Like operator would otherwise read as wildcards.
 */
function substituteVariables(values: string[], known: ContextValues): string[] | null {
  const out: string[] = [];
  for (const v of values) {
    let unresolved = false;
    const filled = v.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      const found = /^[\w:/.-]+$/.test(name) ? lookup(known, name) : undefined;
      if (!found || found.length !== 1) {
        unresolved = true;
        return '';
      }
      return found[0];
    });
    if (unresolved) return null;
    out.push(filled);
  }
  return out;
}

/**
 * A condition block evaluated as far as `known` allows: false when a known key already fails it, else the residual
 * block of what could not be decided (keys neither in `known` nor `knownAbsent`, operators this evaluator does not
 * implement); an empty
 * residual means the block holds. Used where part of a request is known (sync knows who the principal is, not which
 * external ID or source IP it will send).
 */
export function partialConditions(block: ConditionBlock | undefined, known: ContextValues, knownAbsent: (key: string) => boolean = () => false): false | ConditionBlock {
  const residual: ConditionBlock = {};
  for (const [operatorName, keys] of Object.entries(block ?? {})) {
    let op: Operator | undefined;
    try {
      op = parseOperator(operatorName);
    } catch (e) {
      if (!(e instanceof UnsupportedConditionError)) throw e;
    }
    for (const [key, value] of Object.entries(keys ?? {})) {
      const requestValues = lookup(known, key);
      // Policy variables (${aws:username}, ${aws:ResourceAccount}...) are filled from the known facts; one that is
      // not known leaves the key undecided rather than compared as literal text.
      const values = substituteVariables(asStrings(value), known);
      // A key known to be absent (a tag the user does not have) is decided too: as a missing key.
      if (op && values && (requestValues !== undefined || knownAbsent(key.toLowerCase()))) {
        if (!keyMatches(op, values, requestValues)) return false;
        continue;
      }
      (residual[operatorName] ??= {})[key] = value;
    }
  }
  return residual;
}
