/**
 * Seeds moto with an organization whose member accounts hold a ConductorOne member role, for the member-account
 * tests and the benchmark. Everything goes through the SDK (and CloudFormation's Query API for the StackSet), not
 * through the Terraform module: the two are built in parallel, and this is the fixture's own ground truth.
 *
 * The member role is deployed the way the module deploys it: a SERVICE_MANAGED StackSet targeting OUs, whose
 * template holds the member role (trust: exactly the management role, narrowed by aws:PrincipalOrgID, no external ID;
 * policies: the iam_sync document, with the iam_provisioning one and the optional reads' policy_sync / access_key_sync on
 * request) — moto really creates the role in each
 * account of the targeted OUs (multi-account.md 3). Each member account gets its own users, groups (with members) and
 * roles, and the expected grants are returned as the ground truth a sync must match.
 */
import { CreateStackInstancesCommand, CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePolicyCommand,
  DeleteRoleCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  EnableAWSServiceAccessCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { AwsContext, createAwsContext, createChainedContext } from '../../connector/src/aws';
import { capability, CapabilityId, renderCapability, renderDocument, scopeResources } from '../../connector/src/policy/capabilities';
import { mapLimit } from '../../connector/src/sync/concurrency';
import { entitlementId, grantId } from '../../connector/src/model/ids';
import { MOTO_CREDENTIALS, MOTO_REGION } from './moto';

export const MANAGEMENT_ACCOUNT = '123456789012';
export const MEMBER_ROLE_NAME = 'ConductorOneMemberAccess';
export const MANAGEMENT_ROLE_NAME = 'ConductorOneIntegration';
export const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/${MANAGEMENT_ROLE_NAME}`;
export const STACK_SET_NAME = 'ConductorOneMemberAccess';
export const EXTERNAL_ID = 'c1-member-accounts-test-external-id-0001';

/** The CLI's environment as the deployer of the estate: the management role, its external ID, Organizations on. */
export const deployerCliEnv = (motoEnv: NodeJS.ProcessEnv, estate: MemberEstate, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...motoEnv,
  AWS_ACCESS_KEY_ID: estate.deployerKeys.accessKeyId,
  AWS_SECRET_ACCESS_KEY: estate.deployerKeys.secretAccessKey,
  BATON_ROLE_ARN: MANAGEMENT_ROLE_ARN,
  BATON_EXTERNAL_ID: EXTERNAL_ID,
  BATON_TRUSTED_PRINCIPAL_ARN: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:user/deployer`,
  BATON_GLOBAL_AWS_ORGS_ENABLED: 'true',
  BATON_IAM_ASSUME_ROLE_NAME: MEMBER_ROLE_NAME,
  ...extra,
});

export const baseCtx = (opts: { maxAttempts?: number } = {}) => createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: opts.maxAttempts ?? 1 });

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The member role's trust as the contract writes it. */
export function memberTrust(organizationId: string, principal = MANAGEMENT_ROLE_ARN): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } } }] };
}

/** A capability document with CloudFormation's pseudo parameters where the document holds placeholders. */
function cfnPolicy(id: MemberCapabilityId, groupPath = '/'): object {
  const rendered = JSON.stringify(renderDocument(capability(id).document, { partition: '${AWS::Partition}', accountId: '${AWS::AccountId}' }));
  const d = JSON.parse(rendered) as { Statement: { Sid?: string; Resource: string | string[] }[] };
  for (const s of d.Statement) {
    if (id === 'iam_provisioning' && capability(id).scopedStatements.includes(s.Sid ?? '')) {
      s.Resource = scopeResources({ groupArns: [], groupPath }, { partition: '${AWS::Partition}', accountId: '${AWS::AccountId}' });
    }
    const list = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    (s as { Resource: unknown }).Resource = list.map((r) => (r.includes('${') ? { 'Fn::Sub': r } : r));
  }
  return d;
}

/** The capabilities a member role may hold (the module's member_capability_ids). */
export type MemberCapabilityId = 'iam_sync' | 'iam_provisioning' | OptionalMemberRead;
/** The optional reads ConductorOne's connector makes through the member role (enable_policy_sync, enable_access_key_sync). */
export type OptionalMemberRead = 'policy_sync' | 'access_key_sync';

export function memberTemplate(organizationId: string, opts: { provisioning?: boolean; groupPath?: string; optionalReads?: OptionalMemberRead[] } = {}): string {
  const policies = [{ PolicyName: 'ConductorOneIamSync', PolicyDocument: cfnPolicy('iam_sync') }];
  if (opts.provisioning) policies.push({ PolicyName: 'ConductorOneIamProvisioning', PolicyDocument: cfnPolicy('iam_provisioning', opts.groupPath) });
  for (const id of opts.optionalReads ?? []) policies.push({ PolicyName: capability(id).policyName, PolicyDocument: cfnPolicy(id) });
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { MemberRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: MEMBER_ROLE_NAME, AssumeRolePolicyDocument: memberTrust(organizationId), Policies: policies } } },
  });
}

export interface MemberEstateSpec {
  /** Accounts in the targeted OUs (get the member role through the StackSet). */
  targeted: number;
  users: number;
  groups: number;
  roles: number;
  /** Member provisioning on: the member role also gets iam_provisioning. */
  provisioning?: boolean;
  /** The optional reads switched on: the member role (and the management role) also get these documents. */
  optionalReads?: OptionalMemberRead[];
  /** Edge cases: one suspended account, one outside the targets, one whose role is removed, one with a wrong trust. */
  edgeCases?: boolean;
  concurrency?: number;
}

export interface MemberEstate {
  organizationId: string;
  rootId: string;
  ous: string[];
  /** Active accounts with a working member role. */
  ready: string[];
  suspended?: string;
  outsideTargets?: string;
  roleRemoved?: string;
  wrongTrust?: string;
  names: Record<string, string>;
  /** Grant ids a sync must produce per reachable member account (group memberships). */
  expectedGrants: Record<string, string[]>;
  /** Resource ids per reachable member account (its users, groups, roles, the member role included). */
  expectedResources: Record<string, string[]>;
  /** Keys of a deployer user with every permission (for moto's authorization mode). */
  deployerKeys: { accessKeyId: string; secretAccessKey: string };
}

/** A context in `account` through OrganizationAccountAccessRole (what the deployer uses; moto creates it). */
export const adminIn = (base: AwsContext, account: string) => createChainedContext(base, `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, { sessionName: 'seed' });

async function seedAccountIam(ctx: AwsContext, account: string, spec: MemberEstateSpec, into: MemberEstate): Promise<void> {
  const grants: string[] = [];
  const resources: string[] = [`role:arn:aws:iam::${account}:role/${MEMBER_ROLE_NAME}`, `role:arn:aws:iam::${account}:role/OrganizationAccountAccessRole`];
  const arn = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}/${name}`;
  for (let g = 0; g < spec.groups; g++) {
    await ctx.iam.send(new CreateGroupCommand({ GroupName: `group-${g}` }));
    resources.push(`group:${arn('group', `group-${g}`)}`);
  }
  await mapLimit([...Array(spec.users).keys()], 8, async (u) => {
    await ctx.iam.send(new CreateUserCommand({ UserName: `user-${u}` }));
    resources.push(`iam_user:${arn('user', `user-${u}`)}`);
    if (spec.groups > 0) {
      const g = u % spec.groups;
      await ctx.iam.send(new AddUserToGroupCommand({ GroupName: `group-${g}`, UserName: `user-${u}` }));
      grants.push(grantId(entitlementId({ resourceType: 'group', resource: arn('group', `group-${g}`) }, 'member'), { resourceType: 'iam_user', resource: arn('user', `user-${u}`) }));
    }
  });
  for (let r = 0; r < spec.roles; r++) {
    await ctx.iam.send(new CreateRoleCommand({ RoleName: `role-${r}`, AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]) }));
    resources.push(`role:${arn('role', `role-${r}`)}`);
  }
  into.expectedGrants[account] = grants.sort();
  into.expectedResources[account] = resources.sort();
}

/** The management role as the module makes it with member accounts on (its policies are the capability documents). */
async function seedManagementRole(ctx: AwsContext, organizationId: string, deployerArn: string, provisioning: boolean, optionalReads: OptionalMemberRead[]): Promise<void> {
  await ctx.iam.send(
    new CreateRoleCommand({
      RoleName: MANAGEMENT_ROLE_NAME,
      AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: deployerArn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } } }]),
    }),
  );
  const vars = { partition: 'aws', accountId: MANAGEMENT_ACCOUNT, memberRolePath: '/', memberRoleName: MEMBER_ROLE_NAME, organizationId };
  const ids: CapabilityId[] = ['iam_sync', 'organizations_sync', 'member_accounts_access', ...(provisioning ? (['iam_provisioning'] as const) : []), ...optionalReads];
  for (const id of ids) {
    await ctx.iam.send(new PutRolePolicyCommand({ RoleName: MANAGEMENT_ROLE_NAME, PolicyName: capability(id).policyName, PolicyDocument: JSON.stringify(renderDocument(capability(id).document, vars)) }));
  }
}

async function restoreInlinePolicies(admin: AwsContext, account: string, spec: MemberEstateSpec): Promise<void> {
  const vars = { partition: 'aws', accountId: account };
  const put = (name: string, d: object) => admin.iam.send(new PutRolePolicyCommand({ RoleName: MEMBER_ROLE_NAME, PolicyName: name, PolicyDocument: JSON.stringify(d) }));
  await put('ConductorOneIamSync', renderDocument(capability('iam_sync').document, vars));
  if (spec.provisioning) await put('ConductorOneIamProvisioning', renderCapability(capability('iam_provisioning'), vars, { groupArns: [], groupPath: '/' }));
  for (const id of spec.optionalReads ?? []) await put(capability(id).policyName, renderDocument(capability(id).document, vars));
}

export async function seedMemberEstate(spec: MemberEstateSpec): Promise<MemberEstate> {
  const ctx = baseCtx({ maxAttempts: 3 });
  try {
    const org = (await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))).Organization!;
    await ctx.organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com' }));
    const rootId = (await ctx.organizations.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ous: string[] = [];
    for (const name of ['workloads', 'sandbox']) ous.push((await ctx.organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: name }))).OrganizationalUnit!.Id!);
    const outsideOu = (await ctx.organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'not-targeted' }))).OrganizationalUnit!.Id!;
    const estate: MemberEstate = { organizationId: org.Id!, rootId, ous, ready: [], names: {}, expectedGrants: {}, expectedResources: {}, deployerKeys: { accessKeyId: '', secretAccessKey: '' } };

    const create = async (name: string, ou: string) => {
      const id = (await ctx.organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
      await ctx.organizations.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ou }));
      estate.names[id] = name;
      return id;
    };
    const targeted: string[] = [];
    for (let i = 0; i < spec.targeted; i++) targeted.push(await create(`member-${String(i).padStart(3, '0')}`, ous[i % ous.length]));
    if (spec.edgeCases) {
      estate.outsideTargets = await create('outside-targets', outsideOu);
      estate.suspended = await create('closed', ous[0]);
    }

    // The StackSet, as the module declares it (service-managed, auto-deployment, named IAM), over the OUs.
    await ctx.cloudFormation.send(
      new CreateStackSetCommand({
        StackSetName: STACK_SET_NAME,
        TemplateBody: memberTemplate(org.Id!, { provisioning: spec.provisioning, optionalReads: spec.optionalReads }),
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        ManagedExecution: { Active: true },
      }),
    );
    await ctx.cloudFormation.send(new CreateStackInstancesCommand({ StackSetName: STACK_SET_NAME, Regions: [MOTO_REGION], DeploymentTargets: { OrganizationalUnitIds: ous } }));

    const inOus = [...targeted, ...(estate.suspended ? [estate.suspended] : [])];
    await mapLimit([...targeted, ...(estate.outsideTargets ? [estate.outsideTargets] : [])], spec.concurrency ?? 8, async (account) => {
      const admin = adminIn(ctx, account);
      try {
        // moto stores the inline policies of a role CloudFormation made as objects, and its authorization mode then
        // fails on them (KeyError 'policy_document', HTTP 500). Put the same documents again, as strings, as IAM would.
        if (inOus.includes(account)) await restoreInlinePolicies(admin, account, spec);
        await seedAccountIam(admin, account, spec, estate);
      } finally {
        admin.destroy();
      }
    });
    if (estate.outsideTargets) {
      delete estate.expectedGrants[estate.outsideTargets];
      delete estate.expectedResources[estate.outsideTargets];
    }

    if (spec.edgeCases) {
      estate.roleRemoved = targeted[0];
      estate.wrongTrust = targeted[1];
      // Out of band: someone deletes the member role in one account and rewrites its trust in another.
      const a = adminIn(ctx, estate.roleRemoved);
      for (const p of (await a.iam.send(new ListRolePoliciesCommand({ RoleName: MEMBER_ROLE_NAME }))).PolicyNames ?? []) {
        await a.iam.send(new DeleteRolePolicyCommand({ RoleName: MEMBER_ROLE_NAME, PolicyName: p }));
      }
      await a.iam.send(new DeleteRoleCommand({ RoleName: MEMBER_ROLE_NAME }));
      a.destroy();
      const b = adminIn(ctx, estate.wrongTrust);
      await b.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: MEMBER_ROLE_NAME, PolicyDocument: JSON.stringify(memberTrust(org.Id!, `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/SomeoneElse`)) }));
      b.destroy();
      await ctx.organizations.send(new CloseAccountCommand({ AccountId: estate.suspended! }));
      for (const id of [estate.roleRemoved, estate.wrongTrust]) {
        delete estate.expectedGrants[id];
        delete estate.expectedResources[id];
      }
    }
    estate.ready = targeted.filter((a) => a !== estate.roleRemoved && a !== estate.wrongTrust && a !== estate.suspended);

    // The deployer (a user with every permission, for moto's authorization mode) and the management role.
    await ctx.iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await ctx.iam.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'all', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    const key = (await ctx.iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
    estate.deployerKeys = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await seedManagementRole(ctx, org.Id!, `arn:aws:iam::${MANAGEMENT_ACCOUNT}:user/deployer`, spec.provisioning === true, spec.optionalReads ?? []);
    return estate;
  } finally {
    ctx.destroy();
  }
}
