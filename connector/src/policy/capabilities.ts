/**
 * Capabilities, read from the HCL module's policies/ folder: the one source of which toggles enable which
 * permissions. `validate` uses them to know which actions the enabled features need; `sync` and the provisioning
 * commands may only call actions in their capability's document (enforced by tests).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import manifest from '../../../modules/conductorone-aws-role/policies/capabilities.json';
import { MODULE_DIR } from '../package-root';

export const POLICIES_DIR = path.join(MODULE_DIR, 'policies');

export type CapabilityId = keyof typeof manifest.capabilities;
/** The opt-in reads (baton-aws's opt-in resource types): off unless asked for; absent means off. */
export const OPT_IN_TOGGLES = ['policies', 'access_keys', 'permission_sets', 'organization_hierarchy'] as const;
export type OptInToggle = (typeof OPT_IN_TOGGLES)[number];
export type Toggle = 'organizations' | 'identity_center' | 'provisioning' | 'member_accounts' | OptInToggle;
/**
 * member_accounts: member-account IAM is read through a role in each member account (baton-aws's rule: Organizations
 * on, and Identity Center off or --global-aws-cross-account-iam-enabled). Optional: absent means off.
 */
export type Toggles = Record<Exclude<Toggle, 'member_accounts' | OptInToggle>, boolean> & { member_accounts?: boolean } & Partial<Record<OptInToggle, boolean>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  /** Only member_accounts_access has one (aws:ResourceOrgID); validate requires it exactly as written. */
  Condition?: Record<string, Record<string, string | string[]>>;
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
  /** Sids of the statements whose Resource the module narrows to the provisioning group scope. */
  scopedStatements: string[];
  /** The baton-aws resource type ids this capability's reads serve (capabilities.json "resource_types"). */
  resourceTypes: string[];
  /** An opt-in read: off unless asked for (baton-aws's opt-in types; the module's enable_*_sync inputs). */
  optIn: boolean;
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
      scopedStatements: m.scoped_statements,
      resourceTypes: m.resource_types,
      optIn: 'opt_in' in m && m.opt_in === true,
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
  return allCapabilities().filter((c) => c.requires.every((t) => toggles[t] === true));
}

/**
 * Each opt-in resource type and the toggle that turns it on: the opt-in capability's toggle that is not a feature
 * (permission_set_sync requires identity_center and permission_sets: its types map to permission_sets).
 */
export const OPT_IN_RESOURCE_TYPES: Readonly<Record<string, OptInToggle>> = Object.freeze(
  Object.fromEntries(
    allCapabilities()
      .filter((c) => c.optIn)
      .flatMap((c) => {
        const toggle = c.requires.find((t): t is OptInToggle => (OPT_IN_TOGGLES as readonly string[]).includes(t));
        if (!toggle) throw new Error(`capabilities.json: opt-in capability ${c.id} requires no opt-in toggle`);
        return c.resourceTypes.map((type) => [type, toggle] as const);
      }),
  ),
);

/** The resource types the toggles make a sync produce: the sorted union of the enabled capabilities' resource_types. */
export function resourceTypesFor(toggles: Toggles): string[] {
  return [...new Set(enabledCapabilities(toggles).flatMap((c) => c.resourceTypes))].sort();
}

export interface RenderVars {
  partition: string;
  accountId: string;
  /** member_accounts_access's placeholders (the member role, the organization); left as written when absent. */
  memberRolePath?: string;
  memberRoleName?: string;
  organizationId?: string;
}

// Replacer functions, not strings: String.replace reads $&, $' and $$ in a replacement string as patterns.
function fill(text: string, vars: RenderVars): string {
  let out = text.replace(/\$\{partition\}/g, () => vars.partition).replace(/\$\{account_id\}/g, () => vars.accountId);
  const extra: [string, string | undefined][] = [
    ['member_role_path', vars.memberRolePath],
    ['member_role_name', vars.memberRoleName],
    ['organization_id', vars.organizationId],
  ];
  for (const [name, value] of extra) if (value !== undefined) out = out.split(`\${${name}}`).join(value);
  return out;
}

/** Placeholders a rendered document still holds (a value the caller did not give). */
export function unfilledPlaceholders(doc: PolicyDocument): string[] {
  return [...new Set([...JSON.stringify(doc).matchAll(/\$\{([a-z_]+)\}/g)].map((m) => m[1]))].sort();
}

/** A capability's document with its placeholders filled for one account (un-narrowed: every group). */
export function renderDocument(doc: PolicyDocument, vars: RenderVars): PolicyDocument {
  return JSON.parse(fill(JSON.stringify(doc), vars)) as PolicyDocument;
}

/**
 * The provisioning guard's scope: the IAM groups whose membership ConductorOne may change. Listed ARNs win when
 * non-empty; else every group under the path (the module's provisioning_group_arns / provisioning_group_path).
 */
export interface GroupScope {
  groupArns: string[];
  groupPath: string;
}

/** capabilities.json provisioning_group_scope.path_resource, placeholders kept. */
export const GROUP_PATH_RESOURCE: string = manifest.provisioning_group_scope.path_resource;

/** The Resource a scoped statement gets, as the module renders it. */
export function scopeResources(scope: GroupScope, vars: RenderVars): string[] {
  if (scope.groupArns.length > 0) return [...scope.groupArns];
  return [fill(GROUP_PATH_RESOURCE, vars).replace(/\$\{group_path\}/g, () => scope.groupPath)];
}

/**
 * A capability's document as the module puts it on the role: placeholders filled and each statement named in
 * scoped_statements narrowed to the group scope.
 */
export function renderCapability(c: Capability, vars: RenderVars, scope: GroupScope): PolicyDocument {
  const doc = renderDocument(c.document, vars);
  const resources = scopeResources(scope, vars);
  for (const s of doc.Statement) {
    if (s.Sid !== undefined && c.scopedStatements.includes(s.Sid)) s.Resource = resources;
  }
  return doc;
}
