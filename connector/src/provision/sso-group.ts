/**
 * Identity Center group membership: identitystore:CreateGroupMembership / DeleteGroupMembership
 * (identity_center_provisioning). The existing membership is found with GetGroupMembershipId; where the service
 * lacks it (moto answers 500) or denies it, ListGroupMemberships (identity_center_sync, which provisioning always
 * comes with) is read instead. A service without GetGroupMembershipId may also accept duplicate memberships, which
 * AWS refuses with ConflictException; so in that world a grant re-lists after creating and keeps only the lowest
 * membership id, which makes concurrent grants converge to one membership whatever their interleaving.
 *
 * With a scope (--allowed-groups), before any other call the group is resolved with the API and the scope decided on
 * that (scope.ts): the identity store must be an Identity Center instance's in the clients' region (sso:ListInstances,
 * which gives the partition) and identitystore:ListGroups must list the group id exactly there. Both are
 * identity_center_sync reads, which provisioning always comes with. Dry runs go through the same checks.
 */
import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  GetGroupMembershipIdCommand,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-identitystore';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../aws';
import { isAccessDenied, isConflict, isNotFound, isUnimplemented } from '../aws/errors';
import { failure, readAllPages } from './aws-errors';
import { checkRealSsoGroup } from './scope';
import { describeTarget, SsoGroupTarget } from './targets';
import { AwsChange, ProvisionError, ProvisionOptions, ProvisionResult } from './types';

interface Found {
  /** Membership ids of this user in this group, sorted. */
  ids: string[];
  /** True when GetGroupMembershipId was unavailable: the service may hold duplicates. */
  listed: boolean;
  warnings: string[];
}

async function listMemberships(ctx: AwsContext, t: SsoGroupTarget): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await ctx.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: t.identityStoreId, GroupId: t.groupId, NextToken: token }));
    } catch (e) {
      if (isNotFound(e)) return [];
      throw failure('identitystore:ListGroupMemberships', e);
    }
    for (const m of page.GroupMemberships ?? []) if (m.MemberId && 'UserId' in m.MemberId && m.MemberId.UserId === t.userId && m.MembershipId) ids.push(m.MembershipId);
    token = page.NextToken;
  } while (token);
  return ids.sort();
}

async function findMemberships(ctx: AwsContext, t: SsoGroupTarget): Promise<Found> {
  try {
    const out = await ctx.identityStore.send(
      new GetGroupMembershipIdCommand({ IdentityStoreId: t.identityStoreId, GroupId: t.groupId, MemberId: { UserId: t.userId } }),
    );
    return { ids: out.MembershipId ? [out.MembershipId] : [], listed: false, warnings: [] };
  } catch (e) {
    if (isNotFound(e)) return { ids: [], listed: false, warnings: [] };
    const warnings: string[] = [];
    if (isAccessDenied(e)) warnings.push('identitystore:GetGroupMembershipId was denied; read the membership with identitystore:ListGroupMemberships instead');
    else if (!isUnimplemented(e)) throw failure('identitystore:GetGroupMembershipId', e);
    return { ids: await listMemberships(ctx, t), listed: true, warnings };
  }
}

/** With a scope: resolves the group with the API and decides the scope on it (see the file comment). Reads only. */
async function guardScope(ctx: AwsContext, t: SsoGroupTarget, opts: ProvisionOptions): Promise<void> {
  if (!opts.allowedGroups || opts.allowedGroups.length === 0) return;
  const refuse = (why: string) => new ProvisionError('refused', `${why}; nothing was changed`);
  const instances = await readAllPages('sso:ListInstances', async (token) => {
    const out = await ctx.ssoAdmin.send(new ListInstancesCommand({ NextToken: token }));
    return { items: out.Instances ?? [], next: out.NextToken };
  });
  const instance = instances.find((i) => i.IdentityStoreId === t.identityStoreId);
  const partition = instance?.InstanceArn?.split(':')[1];
  if (!instance || !partition) {
    const stores = instances.map((i) => i.IdentityStoreId).join(', ') || 'none';
    throw refuse(`identity store ${t.identityStoreId} of ${t.groupResourceId} is not the identity store of an Identity Center instance in ${ctx.ssoRegion} (sso:ListInstances: ${stores})`);
  }
  const groups = await readAllPages('identitystore:ListGroups', async (token) => {
    const out = await ctx.identityStore.send(new ListGroupsCommand({ IdentityStoreId: t.identityStoreId, NextToken: token }));
    return { items: out.Groups ?? [], next: out.NextToken };
  });
  const real = groups.find((g) => g.GroupId === t.groupId);
  if (!real) {
    // A spelling the service might still resolve (another case, say) is not the group's id: refused, never matched.
    const near = groups.find((g) => g.GroupId !== undefined && g.GroupId.toLowerCase() === t.groupId.toLowerCase());
    if (near) throw refuse(`identitystore:ListGroups lists the group as ${near.GroupId}, not ${t.groupId} as the entitlement spells it: the entitlement must spell the real id exactly`);
    throw new ProvisionError('not-found', `Identity Center group ${t.groupId} does not exist in identity store ${t.identityStoreId} (identitystore:ListGroups); nothing was changed`);
  }
  checkRealSsoGroup(t.groupResourceId, { partition, region: ctx.ssoRegion, identityStoreId: instance.IdentityStoreId!, groupId: real.GroupId! }, opts.allowedGroups);
}

async function deleteMembership(ctx: AwsContext, t: SsoGroupTarget, membershipId: string): Promise<AwsChange | null> {
  const input = { IdentityStoreId: t.identityStoreId, MembershipId: membershipId };
  try {
    const out = await ctx.identityStore.send(new DeleteGroupMembershipCommand(input));
    return { call: 'identitystore:DeleteGroupMembership', input, requestId: out.$metadata.requestId };
  } catch (e) {
    if (isNotFound(e)) return null; // someone else deleted it: the outcome we want
    throw failure('identitystore:DeleteGroupMembership', e);
  }
}

export async function grantSsoGroup(ctx: AwsContext, t: SsoGroupTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  await guardScope(ctx, t, opts);
  const found = await findMemberships(ctx, t);
  const base = { verb: 'grant' as const, warnings: found.warnings };
  const details = (membershipId: string) => ({ identityStoreId: t.identityStoreId, groupId: t.groupId, userId: t.userId, membershipId });
  if (found.ids.length > 0) {
    return { ...base, status: 'already-granted', message: `already granted: ${what} (membership ${found.ids[0]})`, changes: [], details: details(found.ids[0]) };
  }
  const input = { IdentityStoreId: t.identityStoreId, GroupId: t.groupId, MemberId: { UserId: t.userId } };
  if (opts.dryRun) {
    return { ...base, status: 'would-grant', message: `would call identitystore:CreateGroupMembership for ${what}`, changes: [{ call: 'identitystore:CreateGroupMembership', input }], details: details('') };
  }
  let created;
  try {
    created = await ctx.identityStore.send(new CreateGroupMembershipCommand(input));
  } catch (e) {
    if (isConflict(e)) {
      // AWS's answer to a duplicate (a concurrent grant got there first): report the one that exists.
      const now = await findMemberships(ctx, t);
      return { ...base, status: 'already-granted', message: `already granted: ${what} (membership ${now.ids[0] ?? 'unknown'})`, changes: [], details: details(now.ids[0] ?? '') };
    }
    if (isNotFound(e)) throw new ProvisionError('not-found', `identitystore:CreateGroupMembership: the user or the group does not exist (${what})`);
    throw failure('identitystore:CreateGroupMembership', e);
  }
  const changes: AwsChange[] = [{ call: 'identitystore:CreateGroupMembership', input, requestId: created.$metadata.requestId }];
  let kept = created.MembershipId!;
  if (found.listed) {
    // Duplicates are possible here: keep the lowest id, the same choice every concurrent grant makes.
    const ids = await listMemberships(ctx, t);
    if (ids.length > 0) kept = ids[0];
    for (const id of ids.slice(1)) {
      const c = await deleteMembership(ctx, t, id);
      if (c) changes.push(c);
    }
  }
  return { ...base, status: 'granted', message: `granted: ${what} (membership ${kept}, request ID ${changes[0].requestId})`, changes, details: details(kept) };
}

export async function revokeSsoGroup(ctx: AwsContext, t: SsoGroupTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  await guardScope(ctx, t, opts);
  if (t.membershipId !== undefined) return revokeMembershipId(ctx, { ...t, membershipId: t.membershipId }, opts);
  const found = await findMemberships(ctx, t);
  const base = { verb: 'revoke' as const, warnings: found.warnings, details: { identityStoreId: t.identityStoreId, groupId: t.groupId, userId: t.userId } };
  const already = { ...base, status: 'already-revoked' as const, message: `already revoked: ${what}`, changes: [] };
  if (found.ids.length === 0) return already;
  if (opts.dryRun) {
    const changes = found.ids.map((id) => ({ call: 'identitystore:DeleteGroupMembership', input: { IdentityStoreId: t.identityStoreId, MembershipId: id } }));
    return { ...base, status: 'would-revoke', message: `would call identitystore:DeleteGroupMembership for ${what}`, changes };
  }
  const changes: AwsChange[] = [];
  for (const id of found.ids) {
    const c = await deleteMembership(ctx, t, id);
    if (c) changes.push(c);
  }
  if (changes.length === 0) return already;
  return { ...base, status: 'revoked', message: `revoked: ${what} (request ID ${changes.map((c) => c.requestId).join(', ')})`, changes };
}

/**
 * A revoke by MembershipId, after the guard: exactly that membership, which membership.ts has just listed in this
 * group for this user; not another one the user may have been given since (a new grant, with a new id).
 */
async function revokeMembershipId(ctx: AwsContext, t: SsoGroupTarget & { membershipId: string }, opts: ProvisionOptions): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const input = { IdentityStoreId: t.identityStoreId, MembershipId: t.membershipId };
  const base = { verb: 'revoke' as const, warnings: [], details: { identityStoreId: t.identityStoreId, groupId: t.groupId, userId: t.userId, membershipId: t.membershipId } };
  if (opts.dryRun) return { ...base, status: 'would-revoke', message: `would call identitystore:DeleteGroupMembership for ${what}`, changes: [{ call: 'identitystore:DeleteGroupMembership', input }] };
  const c = await deleteMembership(ctx, t, t.membershipId);
  if (!c) return { ...base, status: 'already-revoked', message: `already revoked: ${what}`, changes: [] };
  return { ...base, status: 'revoked', message: `revoked: ${what} (request ID ${c.requestId})`, changes: [c] };
}
