/**
 * Friendly forms for Identity Center, where snapshot ids are UUIDs nobody types: a user by user name or email, a
 * group by display name, an account by id or name, a permission set by name. They resolve to the snapshot ids with
 * sync reads only (identity_center_sync; organizations:ListAccounts from organizations_sync, which Identity Center
 * requires), then take the same path as ids. The combination of names is checked before any call.
 */
import { ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { DescribePermissionSetCommand, ListInstancesCommand, ListPermissionSetsCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../aws';
import { entitlementId, identityStoreResourceId as identityStoreArn, SLUGS } from '../model/ids';
import { UsageError } from '../errors';
import { failure } from './aws-errors';
import type { ProvisionIds } from './targets';
import { ProvisionError } from './types';

export interface FriendlyNames {
  /** User name, or an email of the user. */
  ssoUser?: string;
  /** Group display name. */
  ssoGroup?: string;
  /** 12-digit id or account name. */
  account?: string;
  /** Permission set name. */
  permissionSet?: string;
}

export type FriendlyShape = 'membership' | 'assignment';

export const hasFriendlyNames = (n: FriendlyNames) => Object.values(n).some((v) => v !== undefined);

/** Which request the names describe; throws UsageError for any other combination. */
export function friendlyShape(n: FriendlyNames): FriendlyShape {
  if (n.account !== undefined || n.permissionSet !== undefined) {
    if (n.account === undefined || n.permissionSet === undefined) throw new UsageError('a permission-set assignment needs both --account and --permission-set');
    if ((n.ssoUser === undefined) === (n.ssoGroup === undefined)) throw new UsageError('a permission-set assignment goes to one principal: --sso-user or --sso-group');
    return 'assignment';
  }
  if (n.ssoUser === undefined || n.ssoGroup === undefined) throw new UsageError('an Identity Center group membership needs --sso-group and --sso-user');
  return 'membership';
}

async function pages<T>(call: string, fetch: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await fetch(token);
      all.push(...page.items);
      token = page.next;
    } while (token);
  } catch (e) {
    throw failure(call, e);
  }
  return all;
}

function one<T>(what: string, found: T[]): T {
  if (found.length === 0) throw new ProvisionError('not-found', `no ${what}`);
  if (found.length > 1) throw new ProvisionError('not-found', `${found.length} matches for ${what}; give the id instead`);
  return found[0];
}

export async function resolveNames(ctx: AwsContext, n: FriendlyNames): Promise<ProvisionIds> {
  const shape = friendlyShape(n);
  const instances = await pages('sso:ListInstances', async (t) => {
    const out = await ctx.ssoAdmin.send(new ListInstancesCommand({ NextToken: t }));
    return { items: out.Instances ?? [], next: out.NextToken };
  });
  const instance = one(`Identity Center instance in ${ctx.ssoRegion}`, instances);
  const instanceArn = instance.InstanceArn!;
  const store = { partition: instanceArn.split(':')[1], region: ctx.ssoRegion, identityStoreId: instance.IdentityStoreId! };

  const user = async (name: string) => {
    const byName = await pages('identitystore:ListUsers', async (t) => {
      const out = await ctx.identityStore.send(
        new ListUsersCommand({ IdentityStoreId: store.identityStoreId, Filters: [{ AttributePath: 'UserName', AttributeValue: name }], NextToken: t }),
      );
      return { items: (out.Users ?? []).filter((u) => u.UserName === name), next: out.NextToken };
    });
    if (byName.length > 0 || !name.includes('@')) return one(`Identity Center user named ${name}`, byName).UserId!;
    // Email: the Identity Store filters by UserName only, so page through and match (case-insensitively, as mail does).
    const lower = name.toLowerCase();
    const byEmail = await pages('identitystore:ListUsers', async (t) => {
      const out = await ctx.identityStore.send(new ListUsersCommand({ IdentityStoreId: store.identityStoreId, NextToken: t }));
      return { items: (out.Users ?? []).filter((u) => u.Emails?.some((e) => e.Value?.toLowerCase() === lower)), next: out.NextToken };
    });
    return one(`Identity Center user named or with email ${name}`, byEmail).UserId!;
  };
  const group = async (name: string) => {
    const found = await pages('identitystore:ListGroups', async (t) => {
      const out = await ctx.identityStore.send(
        new ListGroupsCommand({ IdentityStoreId: store.identityStoreId, Filters: [{ AttributePath: 'DisplayName', AttributeValue: name }], NextToken: t }),
      );
      return { items: (out.Groups ?? []).filter((g) => g.DisplayName === name), next: out.NextToken };
    });
    return one(`Identity Center group named ${name}`, found).GroupId!;
  };

  if (shape === 'membership') {
    const groupId = identityStoreArn(store, 'group', await group(n.ssoGroup!));
    return { entitlement: entitlementId({ resourceType: 'sso_group', resource: groupId }, SLUGS.member), principalType: 'sso_user', principal: identityStoreArn(store, 'user', await user(n.ssoUser!)) };
  }

  let accountId = n.account!;
  if (!/^\d{12}$/.test(accountId)) {
    const accounts = await pages('organizations:ListAccounts', async (t) => {
      const out = await ctx.organizations.send(new ListAccountsCommand({ NextToken: t }));
      return { items: (out.Accounts ?? []).filter((a) => a.Name === n.account), next: out.NextToken };
    });
    accountId = one(`account named ${n.account} in the organization`, accounts).Id!;
  }
  // Permission set names are unique per instance: stop at the first match.
  let permissionSetArn: string | undefined;
  let token: string | undefined;
  do {
    let call = 'sso:ListPermissionSets';
    try {
      const out = await ctx.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: token }));
      call = 'sso:DescribePermissionSet';
      for (const arn of out.PermissionSets ?? []) {
        const d = await ctx.ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
        if (d.PermissionSet?.Name === n.permissionSet) {
          permissionSetArn = arn;
          break;
        }
      }
      token = out.NextToken;
    } catch (e) {
      throw failure(call, e);
    }
  } while (token && !permissionSetArn);
  if (!permissionSetArn) throw new ProvisionError('not-found', `no permission set named ${n.permissionSet}`);
  const principal = n.ssoUser !== undefined ? identityStoreArn(store, 'user', await user(n.ssoUser)) : identityStoreArn(store, 'group', await group(n.ssoGroup!));
  return { entitlement: entitlementId({ resourceType: 'account', resource: accountId }, permissionSetArn), principalType: n.ssoUser !== undefined ? 'sso_user' : 'sso_group', principal };
}
