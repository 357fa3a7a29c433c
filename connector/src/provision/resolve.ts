/**
 * Friendly forms for Identity Center, where snapshot ids are UUIDs nobody types: a user by user name or email, a
 * group by display name, an account by id or name, a permission set by name. They resolve to the snapshot ids with
 * sync reads only (identity_center_sync; organizations:ListAccounts from organizations_sync, which Identity Center
 * requires), then take the same path as ids. The combination of names is checked before any call.
 *
 * A name must match exactly one principal, or it is refused naming every candidate: a user name is also compared with
 * every user's emails (one user's name may be another's email), and names compare case-insensitively (NFKC), so
 * "devs" and "DEVS" are two candidates rather than a silent pick. That needs every user or group listed: the
 * Identity Store filters by one attribute only, and exactly.
 */
import { ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { DescribePermissionSetCommand, ListInstancesCommand, ListPermissionSetsCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../aws';
import { entitlementId, identityStoreResourceId as identityStoreArn, permissionSetEntitlementId, SLUGS } from '../model/ids';
import { UsageError } from '../errors';
import { failure, readAllPages } from './aws-errors';
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

function one<T>(what: string, found: T[]): T {
  if (found.length === 0) throw new ProvisionError('not-found', `no ${what}`);
  if (found.length > 1) throw new ProvisionError('not-found', `${found.length} matches for ${what}; give the id instead`);
  return found[0];
}

/** How names are compared: case and compatibility forms folded, so look-alike spellings count as matches. */
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

interface Candidate {
  id: string;
  /** Which attributes matched: "user name", "email", "display name", "name". */
  matched: string[];
}

/** The one candidate, or a refusal naming the input and every candidate with what matched. */
function unique(input: string, value: string, kind: string, found: Candidate[], named = 'named'): string {
  if (found.length === 0) throw new ProvisionError('not-found', `no ${kind} ${named} ${value}`);
  if (found.length > 1) {
    const list = found.map((c) => `${c.id} (${c.matched.join(', ')})`).join(', ');
    throw new ProvisionError(
      'ambiguous',
      `${input} "${value}" matches ${found.length} ${kind}s: ${list}; nothing was changed. A name must match one principal: give the id instead`,
    );
  }
  return found[0].id;
}

export async function resolveNames(ctx: AwsContext, n: FriendlyNames): Promise<ProvisionIds> {
  const shape = friendlyShape(n);
  const instances = await readAllPages('sso:ListInstances', async (t) => {
    const out = await ctx.ssoAdmin.send(new ListInstancesCommand({ NextToken: t }));
    return { items: out.Instances ?? [], next: out.NextToken };
  });
  const instance = one(`Identity Center instance in ${ctx.ssoRegion}`, instances);
  const instanceArn = instance.InstanceArn!;
  const store = { partition: instanceArn.split(':')[1], region: ctx.ssoRegion, identityStoreId: instance.IdentityStoreId! };

  const user = async (name: string) => {
    const wanted = fold(name);
    const users = await readAllPages('identitystore:ListUsers', async (t) => {
      const out = await ctx.identityStore.send(new ListUsersCommand({ IdentityStoreId: store.identityStoreId, NextToken: t }));
      return { items: out.Users ?? [], next: out.NextToken };
    });
    const found: Candidate[] = [];
    for (const u of users) {
      const matched: string[] = [];
      if (u.UserName !== undefined && fold(u.UserName) === wanted) matched.push('user name');
      if (u.Emails?.some((e) => e.Value !== undefined && fold(e.Value) === wanted)) matched.push('email');
      if (matched.length > 0 && u.UserId) found.push({ id: u.UserId, matched });
    }
    return unique('--sso-user', name, 'Identity Center user', found, 'with user name or email');
  };
  const group = async (name: string) => {
    const wanted = fold(name);
    const groups = await readAllPages('identitystore:ListGroups', async (t) => {
      const out = await ctx.identityStore.send(new ListGroupsCommand({ IdentityStoreId: store.identityStoreId, NextToken: t }));
      return { items: out.Groups ?? [], next: out.NextToken };
    });
    const found = groups.filter((g) => g.GroupId && g.DisplayName !== undefined && fold(g.DisplayName) === wanted).map((g) => ({ id: g.GroupId!, matched: ['display name'] }));
    return unique('--sso-group', name, 'Identity Center group', found);
  };

  if (shape === 'membership') {
    const groupId = identityStoreArn(store, 'group', await group(n.ssoGroup!));
    return { entitlement: entitlementId({ resourceType: 'sso_group', resource: groupId }, SLUGS.member), principalType: 'sso_user', principal: identityStoreArn(store, 'user', await user(n.ssoUser!)) };
  }

  let accountId = n.account!;
  if (!/^\d{12}$/.test(accountId)) {
    // Account names are not unique in an organization: several matches are refused, naming them.
    const accounts = await readAllPages('organizations:ListAccounts', async (t) => {
      const out = await ctx.organizations.send(new ListAccountsCommand({ NextToken: t }));
      return { items: (out.Accounts ?? []).filter((a) => a.Id && a.Name === n.account), next: out.NextToken };
    });
    accountId = unique('--account', n.account!, 'account', accounts.map((a) => ({ id: a.Id!, matched: ['name'] })));
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
  return { entitlement: permissionSetEntitlementId(accountId, permissionSetArn), principalType: n.ssoUser !== undefined ? 'sso_user' : 'sso_group', principal };
}
