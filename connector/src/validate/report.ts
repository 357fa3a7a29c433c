/**
 * The human form of a validate report: one line per check. Role ARNs, titles and messages may carry names from AWS
 * (statement ids, principals), so each is shown with its control characters escaped (../text.ts).
 */
import { visible } from '../text';
import type { ValidateReport } from './types';
import type { MemberAccountRow } from './check-member-accounts';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function formatReport(report: ValidateReport): string {
  const titles = report.checks.map((c) => visible(c.title));
  const width = Math.max(...titles.map((t) => t.length));
  const lines = [`c1-aws validate ${visible(report.roleArn)}`];
  report.checks.forEach((c, i) => {
    lines.push(`  ${i + 1}. ${MARK[c.status]}  ${titles[i].padEnd(width)}  ${visible(c.message)}`);
    // Member accounts: one row per account that is not ready, and per skipped one (names come from AWS: escaped).
    const rows = c.id === 'member-accounts' ? ((c.details?.accounts as MemberAccountRow[] | undefined) ?? []) : [];
    for (const r of rows.filter((x) => x.status !== 'ready')) {
      const mark = { 'not-ready': 'NOT READY', 'not-targeted': 'untargeted', skipped: 'skipped' }[r.status as 'not-ready' | 'not-targeted' | 'skipped'];
      lines.push(`       ${mark.padEnd(10)} ${r.accountId} ${visible(r.name)}: ${visible(r.reasons.join('; '))}`);
    }
  });
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed ? `${failed} check(s) failed.` : 'All checks passed.');
  return `${lines.join('\n')}\n`;
}
