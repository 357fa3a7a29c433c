/**
 * Runs the checks in order. A check whose prerequisite did not pass is skipped naming it; an unexpected error fails
 * that check only. Every message passes through `redact`, so the external ID can never reach a report.
 */
import { AwsContext, createAwsContext } from '../aws';
import { CHECKS } from './checks';
import { describeAwsError } from '../aws/errors';
import type { Check, CheckContext, CheckResult, ValidateConfig, ValidateReport } from './types';

export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length > 0 ? text.split(secret).join('[external ID]') : text;
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
      const details = outcome.details && JSON.parse(redact(JSON.stringify(outcome.details), secret));
      results.push({ id: check.id, title: check.title, status: outcome.status, message: redact(outcome.message, secret), ...(details ? { details } : {}) });
    }
  } finally {
    aws?.destroy();
  }
  return { version: 1, roleArn: config.roleArn, ok: results.every((r) => r.status !== 'fail'), checks: results };
}
