/**
 * Every shipped example is applied by an e2e test against moto with the step at its default, or is listed as not
 * plannable offline (examples/conductorone-provider: its provider is not in the offline mirror; the security suite
 * checks that planning it fails for exactly that reason, hcl-module.test.ts format-checks it). The list of examples
 * is the security suite's (test/security/targets.ts), which fails when an example exists but is not named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPECTED_TARGETS, targetProblems } from '../security/targets';

const E2E = __dirname;

/** Example path -> the e2e files that run it through prepareRoot (test/harness/example-root.ts). */
function appliedBy(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of readdirSync(E2E).filter((n) => n.endsWith('.test.ts') && n !== path.basename(__filename))) {
    const text = readFileSync(path.join(E2E, f), 'utf8');
    if (!text.includes('prepareRoot(')) continue;
    for (const ex of EXPECTED_TARGETS.examples) if (text.includes(`'${ex}'`)) (out[ex] ??= []).push(f);
  }
  return out;
}

test('the example list is complete (no example exists that is not named)', () => {
  expect(targetProblems()).toEqual([]);
});

test('every example is applied by an e2e test, except those that cannot be planned offline (named, with the reason)', () => {
  const applied = appliedBy();
  const offlineOnly = Object.keys(EXPECTED_TARGETS.unplannable).map((n) => n.replace(/^example:/, ''));
  const missing = EXPECTED_TARGETS.examples.filter((ex) => !applied[ex] && !offlineOnly.includes(ex));
  expect(missing).toEqual([]);
  // An example both applied and listed as unplannable would mean the list is stale.
  expect(offlineOnly.filter((ex) => applied[ex])).toEqual([]);
  expect(offlineOnly).toEqual(['examples/conductorone-provider']);
});
