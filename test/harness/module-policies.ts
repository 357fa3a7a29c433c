/**
 * The HCL module's real output, for tests that need "a good role": one `terraform plan` of the module against moto,
 * with one module instance per valid toggle combination, read back with `terraform show -json`. What a test builds
 * from it is what the module ships (its group narrowing, its trust policy), not the connector's own rendering of the
 * capability files, so a disagreement between module and connector shows up as a failing test instead of being
 * rendered away.
 *
 * One Terraform init + plan per cache key (test/harness/plan-cache.ts), shared by every file and worker.
 */
import { CreateOrganizationCommand, EnableAWSServiceAccessCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, startMoto } from './moto';
import { cachedBuild, currentPlanCacheInputs, planCacheKey } from './plan-cache';
import { terraformAsync } from './terraform';

export const MODULE_DIR = path.join(REPO_ROOT, 'modules', 'conductorone-aws-role');
/** The external ID the renderings are planned with (38 characters: fits every principal's length rule). */
export const RENDER_EXTERNAL_ID = 'c1-external-id-0123456789abcdefABCDEF';
/** The account the module rendered for: moto's default account, where the dummy keys land. */
export const RENDERED_ACCOUNT = MOTO_DEFAULT_ACCOUNT;

export interface ModuleToggles {
  organizations: boolean;
  identity_center: boolean;
  provisioning: boolean;
}

export interface ModuleRendering {
  /** The role's trust policy (assume_role_policy), parsed. */
  trust: { Version: string; Statement: Array<Record<string, unknown>> };
  /** Inline policy name -> document, parsed: the aws_iam_role_policy resources of the plan. */
  policies: Record<string, { Version: string; Statement: Array<Record<string, unknown>> }>;
  /** The member role's CloudFormation template (the stack set's template_body), parsed; only with member accounts. */
  memberTemplate?: Record<string, unknown>;
}

/** Every combination the module accepts (Identity Center requires Organizations). */
export const TOGGLE_COMBINATIONS: ModuleToggles[] = [false, true].flatMap((organizations) =>
  [false, true].flatMap((identity_center) => [false, true].map((provisioning) => ({ organizations, identity_center, provisioning }))),
).filter((t) => !t.identity_center || t.organizations);

export const toggleKey = (t: ModuleToggles) => `o${Number(t.organizations)}_i${Number(t.identity_center)}_p${Number(t.provisioning)}`;

/**
 * One more instance, outside the toggle combinations above (their keys and renderings stay as they are): every toggle
 * on plus enable_member_accounts and enable_member_provisioning, and the four optional reads, so the management role's
 * member_accounts_access policy, the opt-in capabilities' policies and the member role's StackSet template are rendered
 * by the module too (the one rendering that holds every capability).
 */
export const MEMBER_ACCOUNTS_KEY = 'o1_i1_p1_members';

function wrapper(externalId: string): string {
  const instances = TOGGLE_COMBINATIONS.map(
    (t) => `module "${toggleKey(t)}" {
  source                 = ${JSON.stringify(MODULE_DIR)}
  external_id            = ${JSON.stringify(externalId)}
  enable_organizations   = ${t.organizations}
  enable_identity_center = ${t.identity_center}
  enable_provisioning    = ${t.provisioning}
}
`,
  );
  instances.push(`module "${MEMBER_ACCOUNTS_KEY}" {
  source                     = ${JSON.stringify(MODULE_DIR)}
  external_id                = ${JSON.stringify(externalId)}
  enable_organizations       = true
  enable_identity_center     = true
  enable_provisioning        = true
  enable_member_accounts     = true
  enable_member_provisioning = true
  enable_policy_sync                 = true
  enable_access_key_sync             = true
  enable_permission_set_sync         = true
  enable_organization_hierarchy_sync = true
}
`);
  return `provider "aws" {\n  region = "${MOTO_REGION}"\n}\n\n${instances.join('\n')}`;
}

interface PlanModule {
  address?: string;
  resources?: Array<{ address: string; type: string; values: Record<string, unknown> }>;
  child_modules?: PlanModule[];
}

async function render(dir: string, mainTf: string, keys: string[]): Promise<Record<string, ModuleRendering>> {
  const moto = await startMoto();
  try {
    // enable_organizations reads the organization (and requires the caller to be its management account).
    const org = new OrganizationsClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    // enable_member_accounts plans only with trusted access for StackSets.
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }));
    org.destroy();
    writeFileSync(path.join(dir, 'main.tf'), mainTf);
    const run = async (args: string[]) => {
      const r = await terraformAsync(dir, [...args, '-no-color'], moto.env);
      if (r.code !== 0) throw new Error(`terraform ${args[0]} of the module renderings failed:\n${r.output.slice(-4000)}`);
      return r;
    };
    await run(['init', '-input=false']);
    await run(['plan', '-input=false', '-lock=false', '-out=plan.bin']);
    const shown = await terraformAsync(dir, ['show', '-json', 'plan.bin'], moto.env);
    if (shown.code !== 0) throw new Error(`terraform show failed:\n${shown.output.slice(-4000)}`);
    const plan = JSON.parse(shown.stdout) as { planned_values: { root_module: PlanModule } };
    const out: Record<string, ModuleRendering> = {};
    for (const child of plan.planned_values.root_module.child_modules ?? []) {
      const key = child.address!.replace(/^module\./, '');
      const role = (child.resources ?? []).find((r) => r.type === 'aws_iam_role');
      if (!role || typeof role.values.assume_role_policy !== 'string') throw new Error(`${child.address}: no role with a known trust policy in the plan`);
      const policies: ModuleRendering['policies'] = {};
      for (const p of (child.resources ?? []).filter((r) => r.type === 'aws_iam_role_policy')) {
        if (typeof p.values.policy !== 'string') throw new Error(`${p.address}: policy unknown at plan time`);
        policies[p.values.name as string] = JSON.parse(p.values.policy);
      }
      const stackSet = (child.resources ?? []).find((r) => r.type === 'aws_cloudformation_stack_set');
      if (stackSet && typeof stackSet.values.template_body !== 'string') throw new Error(`${stackSet.address}: template unknown at plan time`);
      out[key] = { trust: JSON.parse(role.values.assume_role_policy), policies, ...(stackSet ? { memberTemplate: JSON.parse(stackSet.values.template_body as string) } : {}) };
    }
    const missing = keys.filter((k) => !out[k]);
    if (missing.length) throw new Error(`the plan has no module instance for ${missing.join(', ')}`);
    return out;
  } finally {
    await moto.stop();
  }
}

const loaded = new Map<string, Promise<Record<string, ModuleRendering>>>();

/** The module's renderings for every toggle combination, planned with `externalId` (cached across files). */
export function moduleRenderings(externalId = RENDER_EXTERNAL_ID): Promise<Record<string, ModuleRendering>> {
  let p = loaded.get(externalId);
  if (!p) {
    const build = `${readFileSync(__filename, 'utf8')}\0${wrapper(externalId)}`;
    p = cachedBuild('c1-module-renderings', planCacheKey(currentPlanCacheInputs(build)), (dir) => render(dir, wrapper(externalId), [...TOGGLE_COMBINATIONS.map(toggleKey), MEMBER_ACCOUNTS_KEY])).then((r) => r.value);
    loaded.set(externalId, p);
  }
  return p;
}

/** A module input's value as HCL (booleans and strings: what the toggle tests set). */
const hclValue = (v: boolean | string) => (typeof v === 'boolean' ? String(v) : JSON.stringify(v));

/**
 * The module's renderings for caller-chosen instances (key -> inputs besides external_id), in one plan, cached under
 * `name` like moduleRenderings: for tests whose combinations the shared renderings above do not hold.
 */
export function moduleInstanceRenderings(name: string, instances: Record<string, Record<string, boolean | string>>, externalId = RENDER_EXTERNAL_ID): Promise<Record<string, ModuleRendering>> {
  const blocks = Object.entries(instances).map(([key, vars]) => {
    const lines = [`  source = ${JSON.stringify(MODULE_DIR)}`, `  external_id = ${JSON.stringify(externalId)}`, ...Object.entries(vars).map(([k, v]) => `  ${k} = ${hclValue(v)}`)];
    return `module "${key}" {\n${lines.join('\n')}\n}\n`;
  });
  const mainTf = `provider "aws" {\n  region = "${MOTO_REGION}"\n}\n\n${blocks.join('\n')}`;
  const build = `${readFileSync(__filename, 'utf8')}\0${mainTf}`;
  return cachedBuild(name, planCacheKey(currentPlanCacheInputs(build)), (dir) => render(dir, mainTf, Object.keys(instances))).then((r) => r.value);
}

/**
 * A rendering for another account: the account ID in every ARN swapped (the one part of the documents that depends on
 * the account; the module itself rendered it for RENDERED_ACCOUNT from aws_caller_identity).
 */
export function forAccount<T>(doc: T, account: string): T {
  if (account === RENDERED_ACCOUNT) return doc;
  return JSON.parse(JSON.stringify(doc).split(`:${RENDERED_ACCOUNT}:`).join(`:${account}:`)) as T;
}
