/**
 * Runs the checks in order. A check whose prerequisite did not pass is skipped naming it; an unexpected error fails
 * that check only. Every message passes through `redact`, so the external ID can never reach a report.
 */
import { AwsContext, createAwsContext } from '../aws';
import { CHECKS } from './checks';
import { describeAwsError } from '../aws/errors';
import type { Check, CheckContext, CheckResult, ValidateConfig, ValidateReport } from './types';

/**
 * The secret replaced by "[external ID]". A short one (under 8 characters: only possible with a principal other than
 * ConductorOne's) only where it is not part of a longer word: replaced inside ordinary words it would reveal itself
 * ("unavail[external ID]le" gives away "ab"). A longer one everywhere: it never occurs inside a word by chance.
 */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  if (secret.length >= 8) return text.split(secret).join('[external ID]');
  const token = secret.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return text.replace(new RegExp(`(?<!\\w)${token}(?!\\w)`, 'g'), '[external ID]');
}

/** `redact` over every string of a JSON-like value (never over its serialization: the ID may hold , and :). */
function redactDeep(value: unknown, secret: string | undefined): unknown {
  if (typeof value === 'string') return redact(value, secret);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secret));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k, secret), redactDeep(v, secret)]));
  return value;
}

export async function runValidate(config: ValidateConfig, checks: readonly Check[] = CHECKS): Promise<ValidateReport> {
  let aws: AwsContext | undefined;
  const results: CheckResult[] = [];
  const ctx: CheckContext = {
    config,
    state: {},
    results,
    aws: () => (aws ??= createAwsContext(config.access)),
  };
  try {
    for (const check of checks) {
      const unmet = check.needs.map((id) => results.find((r) => r.id === id)).find((r) => r && r.status !== 'pass');
      let outcome;
      if (unmet) outcome = { status: 'skip' as const, message: `needs "${unmet.title}", which did not pass` };
      else {
        try {
          outcome = await check.run(ctx);
        } catch (e) {
          outcome = { status: 'fail' as const, message: `unexpected error: ${describeAwsError(e)}` };
        }
      }
      const secret = ctx.state.externalId ?? config.externalId;
      const details = outcome.details && (redactDeep(outcome.details, secret) as Record<string, unknown>);
      results.push({ id: check.id, title: check.title, status: outcome.status, message: redact(outcome.message, secret), ...(details ? { details } : {}) });
    }
  } finally {
    aws?.destroy();
  }
  return { version: 1, roleArn: config.roleArn, ok: results.every((r) => r.status !== 'fail'), checks: results };
}
