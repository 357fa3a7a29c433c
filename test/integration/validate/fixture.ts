/** Builds roles in moto the way the HCL module would, so each test can break exactly one thing. */
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { createAwsContext } from '../../../connector/src/aws';
import { enabledCapabilities, GroupScope, renderCapability, renderDocument, Toggles } from '../../../connector/src/policy/capabilities';
import type { ValidateConfig } from '../../../connector/src/validate/types';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION } from '../../harness/moto';

export const C1_PRINCIPAL = 'arn:aws:iam::765656841499:role/ConductorOneService';
export const EXTERNAL_ID = 'c1-external-id-0123456789abcdefABCDEF';
export const ROLE_NAME = 'ConductorOneIntegration';
export const roleArn = (account = MOTO_DEFAULT_ACCOUNT, name = ROLE_NAME) => `arn:aws:iam::${account}:role/${name}`;
export const SINGLE: Toggles = { organizations: false, identity_center: false, provisioning: false };
export const ALL_ON: Toggles = { organizations: true, identity_center: true, provisioning: true };

export function trustPolicy(statement: Record<string, unknown> = {}, extra: object[] = []) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ConductorOne', Effect: 'Allow', Principal: { AWS: C1_PRINCIPAL }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } }, ...statement },
      ...extra,
    ],
  };
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

/** Creates the role with one inline policy per enabled capability, rendered for the account. */
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
    for (const c of enabledCapabilities(spec.toggles ?? SINGLE)) {
      const vars = { partition: 'aws', accountId: account };
      const doc = spec.scope ? renderCapability(c, vars, spec.scope) : renderDocument(c.document, vars);
      await aws.iam.send(new PutRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: c.policyName, PolicyDocument: JSON.stringify(spec.edit ? spec.edit(doc) : doc) }));
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
