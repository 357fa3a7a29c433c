/**
 * baton-aws's grant id of an Identity Center group membership is the Identity Store MembershipId alone
 * (pkg/connector/sso_group.go:130-134 at 2156bebe), and sync writes the same. The id names neither group nor user, so
 * `revoke --grant <MembershipId>` first finds them with sync reads only (identity_center_sync): sso:ListInstances for
 * the identity store in the CLI's Identity Center region, identitystore:ListGroups, then
 * identitystore:ListGroupMemberships per group, a few groups at a time, until one lists the id. The found group and
 * user then take the ordinary Identity Center revoke (sso-group.ts), whose scope guard decides on the group as AWS
 * resolves it, as for the three ids.
 *
 * Not identitystore:DescribeGroupMembership, though it answers in one call: it is in no capability document (the role
 * would need a new action, and the provisioning tests hold grant/revoke to the documents' actions), and moto 5.2.1
 * does not implement it (moto/identitystore/responses.py has no describe_group_membership), so no test could run it.
 *
 * With --allowed-groups only the groups the scope allows are searched: the scope keeps c1-aws inside those groups,
 * and a membership found in none of them is refused (exit 1), since it is either in a group outside the scope or gone,
 * and c1-aws may not look further to tell which.
 */
import { ListGroupMembershipsCommand, ListGroupsCommand } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../aws';
import { isNotFound } from '../aws/errors';
import { entitlementId, identityStoreResourceId, SLUGS } from '../model/ids';
import { failure, readAllPages } from './aws-errors';
import { inScope } from './scope';
import type { ProvisionIds } from './targets';
import { ProvisionError } from './types';

/** Groups whose memberships are listed at once: a few, so a large directory is not read in one burst. */
export const MEMBERSHIP_SEARCH_CONCURRENCY = 4;

export type MembershipSearch =
  /** The three ids of the membership's grant, as sync writes them (entitlement sso_group:<group id>:member). */
  | { found: true; ids: ProvisionIds; groupsSearched: number; scoped: boolean; identityStoreId: string }
  | { found: false; groupsSearched: number; scoped: boolean; identityStoreId: string };

/** Finds the group and user of a MembershipId (reads only). */
export async function findMembershipById(ctx: AwsContext, membershipId: string, allowedGroups: string[] | undefined): Promise<MembershipSearch> {
  const instances = await readAllPages('sso:ListInstances', async (token) => {
    const out = await ctx.ssoAdmin.send(new ListInstancesCommand({ NextToken: token }));
    return { items: out.Instances ?? [], next: out.NextToken };
  });
  if (instances.length !== 1 || !instances[0].IdentityStoreId || !instances[0].InstanceArn) {
    throw new ProvisionError(
      'not-found',
      `a MembershipId names no identity store: c1-aws looks in the Identity Center instance of ${ctx.ssoRegion} (--global-aws-sso-region), ` +
        `and sso:ListInstances lists ${instances.length} there; nothing was changed`,
    );
  }
  const identityStoreId = instances[0].IdentityStoreId;
  const store = { partition: instances[0].InstanceArn.split(':')[1], region: ctx.ssoRegion, identityStoreId };
  const scoped = allowedGroups !== undefined && allowedGroups.length > 0;

  const groups = (
    await readAllPages('identitystore:ListGroups', async (token) => {
      const out = await ctx.identityStore.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, NextToken: token }));
      return { items: out.Groups ?? [], next: out.NextToken };
    })
  )
    .flatMap((g) => (g.GroupId ? [{ groupId: g.GroupId, resourceId: identityStoreResourceId(store, 'group', g.GroupId) }] : []))
    // With a scope, only the groups it allows; their ids are matched as the API lists them.
    .filter((g) => !scoped || inScope(g.resourceId, allowedGroups));

  // Groups are read in waves of MEMBERSHIP_SEARCH_CONCURRENCY, and the search stops after the wave that finds it: how
  // many groups are read then depends on where the membership is, never on which response came back first.
  let searched = 0;
  let hit: { groupId: string; resourceId: string; userId?: string } | undefined;
  let error: unknown;
  const readGroup = async (g: { groupId: string; resourceId: string }) => {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await ctx.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: g.groupId, NextToken: token }));
      } catch (e) {
        if (isNotFound(e)) return; // deleted since ListGroups: it holds nothing
        error ??= failure('identitystore:ListGroupMemberships', e);
        return;
      }
      // Exactly as sync wrote it: ids are compared byte for byte, never case-folded.
      const m = (page.GroupMemberships ?? []).find((x) => x.MembershipId === membershipId);
      if (m) {
        hit ??= { ...g, userId: m.MemberId && 'UserId' in m.MemberId ? m.MemberId.UserId : undefined };
        return;
      }
      token = page.NextToken;
    } while (token && !hit && error === undefined);
  };
  for (let i = 0; i < groups.length && !hit && error === undefined; i += MEMBERSHIP_SEARCH_CONCURRENCY) {
    const wave = groups.slice(i, i + MEMBERSHIP_SEARCH_CONCURRENCY);
    searched += wave.length;
    await Promise.all(wave.map(readGroup));
  }
  if (error !== undefined) throw error;
  if (!hit) return { found: false, groupsSearched: searched, scoped, identityStoreId };
  if (!hit.userId) {
    throw new ProvisionError('refused', `membership ${membershipId} in Identity Center group ${hit.groupId} is not a user's: c1-aws revokes users' group memberships only; nothing was changed`);
  }
  return {
    found: true,
    groupsSearched: searched,
    scoped,
    identityStoreId,
    ids: { entitlement: entitlementId({ resourceType: 'sso_group', resource: hit.resourceId }, SLUGS.member), principalType: 'sso_user', principal: identityStoreResourceId(store, 'user', hit.userId) },
  };
}
