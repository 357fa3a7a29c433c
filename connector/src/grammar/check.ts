/**
 * Pure checks over the shared grammar. Each returns null when the value is valid, else a message that names the
 * input and the rule. Messages never repeat the value itself: some inputs (the external ID) are secrets.
 */
import { NUMBER_RULES, NumberRuleName, STRING_RULES, StringRuleName } from './rules';

const compiled = new Map<StringRuleName, RegExp>();
function regexFor(name: StringRuleName): RegExp {
  let re = compiled.get(name);
  if (!re) {
    re = new RegExp(STRING_RULES[name].pattern);
    compiled.set(name, re);
  }
  return re;
}

/** Checks `value` against the string rule `rule`; `input` is the user-facing name used in the message. */
export function checkString(rule: StringRuleName, value: unknown, input: string = rule): string | null {
  const r = STRING_RULES[rule];
  if (typeof value !== 'string') return `${input} ${r.rule} (got ${value === undefined ? 'nothing' : typeof value})`;
  if (value.length < r.min_length || value.length > r.max_length) {
    return `${input} ${r.rule} (got ${value.length} characters)`;
  }
  if (!regexFor(rule).test(value)) return `${input} ${r.rule} (${describeOffence(value)})`;
  return null;
}

/** Checks a whole number against a numeric rule. */
export function checkNumber(rule: NumberRuleName, value: unknown, input: string = rule): string | null {
  const r = NUMBER_RULES[rule];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < r.min || value > r.max) {
    return `${input} ${r.rule} (got ${typeof value === 'number' ? value : typeof value})`;
  }
  return null;
}

/** Names the first offending character by code point, so a secret is never echoed but the user can find the fault. */
function describeOffence(value: string): string {
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x21 || cp > 0x7e) return `contains ${cp === 0x20 ? 'a space' : `the character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`}`;
  }
  return 'does not match the pattern';
}
