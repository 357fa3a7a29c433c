/**
 * Seeds moto with what provisioning needs, through the SDK (no fixture format exists): IAM users and groups, an
 * organization with an ACTIVE and a SUSPENDED member account (moto's CloseAccount suspends), Identity Center users,
 * groups and a permission set (the instance auto-exists). Returns the ids exactly as a sync snapshot writes them.
 */
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateGroupCommand as CreateSsoGroupCommand, CreateUserCommand as CreateSsoUserCommand } from '@aws-sdk/client-identitystore';
import { CloseAccountCommand, CreateAccountCommand, CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { CreatePermissionSetCommand, ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../../../connector/src/aws';
import { MOTO_REGION } from '../../harness/moto';

export interface World {
  identityStoreId: string;
  instanceArn: string;
  iam: { bobArn: string; carolArn: string; managedGroupArn: string; adminsGroupArn: string };
  sso: { aliceId: string; aliceUserId: string; devsId: string; devsGroupId: string; opsId: string };
  accounts: { active: string; suspended: string };
  permissionSetArn: string;
  entitlements: { iamGroup: string; adminsGroup: string; ssoGroup: string; assignment: string; suspendedAssignment: string };
}

export async function seedWorld(ctx: AwsContext): Promise<World> {
  const user = async (name: string) => (await ctx.iam.send(new CreateUserCommand({ UserName: name }))).User!.Arn!;
  const group = async (name: string, path: string) => (await ctx.iam.send(new CreateGroupCommand({ GroupName: name, Path: path }))).Group!.Arn!;
  const bobArn = await user('bob');
  const carolArn = await user('carol');
  const managedGroupArn = await group('developers', '/c1-managed/');
  const adminsGroupArn = await group('Admins', '/');
  // carol is already a developer: the "already granted" starting point.
  await ctx.iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'carol' }));

  await ctx.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const account = async (name: string) =>
    (await ctx.organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
  const active = await account('workloads');
  const suspended = await account('retired');
  await ctx.organizations.send(new CloseAccountCommand({ AccountId: suspended }));

  const instance = (await ctx.ssoAdmin.send(new ListInstancesCommand({}))).Instances![0];
  const identityStoreId = instance.IdentityStoreId!;
  const instanceArn = instance.InstanceArn!;
  const ssoArn = (kind: 'user' | 'group', id: string) => `arn:aws:identitystore:${MOTO_REGION}::${identityStoreId}/${kind}/${id}`;
  const aliceUserId = (
    await ctx.identityStore.send(
      new CreateSsoUserCommand({ IdentityStoreId: identityStoreId, UserName: 'alice@example.com', DisplayName: 'Alice', Name: { GivenName: 'Alice', FamilyName: 'A' } }),
    )
  ).UserId!;
  const devsGroupId = (await ctx.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: 'devs' }))).GroupId!;
  const opsGroupId = (await ctx.identityStore.send(new CreateSsoGroupCommand({ IdentityStoreId: identityStoreId, DisplayName: 'ops' }))).GroupId!;
  const permissionSetArn = (await ctx.ssoAdmin.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: 'ReadOnly' }))).PermissionSet!.PermissionSetArn!;

  return {
    identityStoreId,
    instanceArn,
    iam: { bobArn, carolArn, managedGroupArn, adminsGroupArn },
    sso: { aliceId: ssoArn('user', aliceUserId), aliceUserId, devsId: ssoArn('group', devsGroupId), devsGroupId, opsId: ssoArn('group', opsGroupId) },
    accounts: { active, suspended },
    permissionSetArn,
    entitlements: {
      iamGroup: `group:${managedGroupArn}:member`,
      adminsGroup: `group:${adminsGroupArn}:member`,
      ssoGroup: `sso_group:${ssoArn('group', devsGroupId)}:member`,
      // baton-aws's PermissionSetBinding, as sync writes it and ConductorOne shows it.
      assignment: `${active}|${permissionSetArn}`,
      suspendedAssignment: `${suspended}|${permissionSetArn}`,
    },
  };
}
