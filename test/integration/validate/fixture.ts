/**
 * Builds roles in moto from what the HCL module really renders (its trust policy and inline policies, read from a
 * `terraform plan` of the module: test/harness/module-policies.ts), so each test starts from the role the module
 * ships and breaks exactly one thing. Importing this file registers a beforeAll that loads the renderings (one
 * Terraform plan per cache key, shared by every file).
 */
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createAwsContext } from '../../../connector/src/aws';
import { enabledCapabilities, GroupScope, renderCapability, Toggles } from '../../../connector/src/policy/capabilities';
import type { ValidateConfig } from '../../../connector/src/validate/types';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION } from '../../harness/moto';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { forAccount, ModuleRendering, moduleRenderings, RENDER_EXTERNAL_ID, toggleKey } from '../../harness/module-policies';

/** The module's default trusted principal: ConductorOne's. */
export const C1_PRINCIPAL = defaults.trusted_principal_arn;
/** The ID the module's renderings were planned with, so the rendered trust policy holds it. */
export const EXTERNAL_ID = RENDER_EXTERNAL_ID;
export const ROLE_NAME = 'ConductorOneIntegration';
export const roleArn = (account = MOTO_DEFAULT_ACCOUNT, name = ROLE_NAME) => `arn:aws:iam::${account}:role/${name}`;
export const SINGLE: Toggles = { organizations: false, identity_center: false, provisioning: false };
export const ALL_ON: Toggles = { organizations: true, identity_center: true, provisioning: true };

let renderings: Record<string, ModuleRendering> | undefined;
/** Loads the module's renderings (a cached Terraform plan); jest does it for every file that imports this one. */
export async function loadModuleRenderings(): Promise<void> {
  renderings ??= await moduleRenderings(EXTERNAL_ID);
}
// Outside jest (the benchmarks) there is no beforeAll: those callers await loadModuleRenderings() themselves.
if (typeof beforeAll === 'function') beforeAll(loadModuleRenderings, 600000);

/** What the module renders for these toggles (loaded by the beforeAll above). */
export function moduleRendering(toggles: Toggles = SINGLE): ModuleRendering {
  if (!renderings) throw new Error('the module renderings are not loaded yet: use the fixture inside tests or hooks');
  const r = renderings[toggleKey(toggles)];
  if (!r) throw new Error(`the module accepts no toggle combination ${JSON.stringify(toggles)}`);
  return r;
}

/**
 * The module's trust policy (planned with EXTERNAL_ID and the default principal), its one statement named
 * Sid "ConductorOne" so messages can point at it, `statement` merged into it, `extra` statements after it.
 */
export function trustPolicy(statement: Record<string, unknown> = {}, extra: object[] = []) {
  const rendered = moduleRendering().trust;
  if (rendered.Statement.length !== 1) throw new Error(`the module's trust policy has ${rendered.Statement.length} statements; the fixture expects 1`);
  return { Version: rendered.Version, Statement: [{ Sid: 'ConductorOne', ...rendered.Statement[0], ...statement }, ...extra] };
}

export interface RoleSpec {
  trust?: object;
  toggles?: Toggles;
  /** Edits each rendered capability document (e.g. drops an action). */
  edit?: (doc: object) => object;
  /** More inline policies, by name. */
  extra?: Record<string, object>;
  /** The provisioning group scope the capability documents are narrowed to, as the module narrows them. */
  scope?: GroupScope;
  /** Customer managed policies to create and attach (out of band), by name. */
  managed?: Record<string, object>;
  /** A customer managed policy to create and set as the role's permissions boundary. */
  boundary?: object;
  credentials?: AwsCredentialIdentity;
  account?: string;
}

/** Creates the role with the inline policies the module renders for the toggles (for another account: its ID swapped in). */
export async function createRole(spec: RoleSpec = {}): Promise<string> {
  const aws = createAwsContext({ credentials: spec.credentials ?? MOTO_CREDENTIALS, region: MOTO_REGION });
  const account = spec.account ?? MOTO_DEFAULT_ACCOUNT;
  try {
    const createPolicy = async (name: string, doc: object) =>
      (await aws.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(doc) }))).Policy!.Arn!;
    const boundary = spec.boundary ? await createPolicy('Boundary', spec.boundary) : undefined;
    const role = await aws.iam.send(
      new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: JSON.stringify(spec.trust ?? trustPolicy()), PermissionsBoundary: boundary }),
    );
    // The module's renderings are planned with the default group path; a narrower scope is rendered from the same
    // capability data (module-role.test.ts applies the module itself with a scope and checks validate agrees).
    const scoped = spec.scope ? Object.fromEntries(enabledCapabilities(spec.toggles ?? SINGLE).map((c) => [c.policyName, renderCapability(c, { partition: 'aws', accountId: account }, spec.scope!)])) : undefined;
    for (const [name, rendered] of Object.entries(moduleRendering(spec.toggles ?? SINGLE).policies)) {
      const doc = scoped?.[name] ?? forAccount(rendered, account);
      await aws.iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: name, PolicyDocument: JSON.stringify(spec.edit ? spec.edit(doc) : doc) }));
    }
    for (const [name, doc] of Object.entries(spec.extra ?? {})) {
      await aws.iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: name, PolicyDocument: JSON.stringify(doc) }));
    }
    for (const [name, doc] of Object.entries(spec.managed ?? {})) {
      await aws.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: await createPolicy(name, doc) }));
    }
    return role.Role!.Arn!;
  } finally {
    aws.destroy();
  }
}

export function config(overrides: Partial<ValidateConfig> = {}): ValidateConfig {
  return {
    roleArn: roleArn(),
    externalId: EXTERNAL_ID,
    trustedPrincipalArn: C1_PRINCIPAL,
    toggles: SINGLE,
    ssoRegion: MOTO_REGION,
    assume: false,
    sessionName: 'c1-aws-connector',
    access: { credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 },
    ...overrides,
  };
}
