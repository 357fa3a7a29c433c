/** The human form of a validate report: one line per check, reasons indented below. */
import type { ValidateReport } from './types';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function formatReport(report: ValidateReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines = [`c1-aws validate ${report.roleArn}`];
  report.checks.forEach((c, i) => {
    lines.push(`  ${i + 1}. ${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.message}`);
  });
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(failed ? `${failed} check(s) failed.` : 'All checks passed.');
  return `${lines.join('\n')}\n`;
}
