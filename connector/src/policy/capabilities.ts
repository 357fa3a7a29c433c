/**
 * Capabilities, read from the HCL module's policies/ folder: the one source of which toggles enable which
 * permissions. `validate` uses them to know which actions the enabled features need; `sync` and the provisioning
 * commands may only call actions in their capability's document (enforced by tests).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import manifest from '../../../modules/conductorone-aws-role/policies/capabilities.json';

export const POLICIES_DIR = path.resolve(__dirname, '..', '..', '..', 'modules', 'conductorone-aws-role', 'policies');

export type CapabilityId = keyof typeof manifest.capabilities;
export type Toggle = 'organizations' | 'identity_center' | 'provisioning';
export type Toggles = Record<Toggle, boolean>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface Capability {
  id: CapabilityId;
  title: string;
  description: string;
  policyName: string;
  requires: Toggle[];
  /** Actions ConductorOne's hosted connector (baton-aws) calls that c1-aws itself does not. */
  hostedConnectorOnly: string[];
  /** The document as written, with ${partition} and ${account_id} placeholders. */
  document: PolicyDocument;
  /** Every action of the document, sorted. */
  actions: string[];
}

const cache = new Map<CapabilityId, Capability>();

export const CAPABILITY_IDS = Object.keys(manifest.capabilities).sort() as CapabilityId[];

export function capability(id: CapabilityId): Capability {
  let c = cache.get(id);
  if (!c) {
    const m = manifest.capabilities[id];
    const document = JSON.parse(readFileSync(path.join(POLICIES_DIR, `${id}.json`), 'utf8')) as PolicyDocument;
    const actions = [...new Set(document.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();
    c = {
      id,
      title: m.title,
      description: m.description,
      policyName: m.policy_name,
      requires: m.requires as Toggle[],
      hostedConnectorOnly: m.hosted_connector_only,
      document,
      actions,
    };
    cache.set(id, c);
  }
  return c;
}

export function allCapabilities(): Capability[] {
  return CAPABILITY_IDS.map(capability);
}

/** The capabilities the toggles switch on, in id order (the same order the module's output lists them). */
export function enabledCapabilities(toggles: Toggles): Capability[] {
  return allCapabilities().filter((c) => c.requires.every((t) => toggles[t]));
}

/** A capability's document with its placeholders filled for one account. */
export function renderDocument(doc: PolicyDocument, vars: { partition: string; accountId: string }): PolicyDocument {
  const text = JSON.stringify(doc).replace(/\$\{partition\}/g, vars.partition).replace(/\$\{account_id\}/g, vars.accountId);
  return JSON.parse(text) as PolicyDocument;
}
