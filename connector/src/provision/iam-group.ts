/**
 * IAM group membership: iam:AddUserToGroup / iam:RemoveUserFromGroup (iam_provisioning). AWS makes both idempotent
 * in effect, but AddUserToGroup says nothing about whether the user was already in, so membership is read first
 * with iam:GetGroup (iam_sync, always on; group-scoped like the write) to report "already granted" honestly.
 *
 * The writes take a group name only, so before either one the guard (scope.ts) decides on what AWS says: the
 * credentials' account (sts:GetCallerIdentity, which needs no permission) must be the account both ARNs name, and
 * the group's real ARN from that same iam:GetGroup read must equal the spelled ARN and match the scope. Dry runs go
 * through the same checks.
 */
import { AddUserToGroupCommand, GetGroupCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsContext } from '../aws';
import { isNotFound } from '../aws/errors';
import { failure } from './aws-errors';
import { arnAccount, Caller, checkCallerAccount, checkRealGroup } from './scope';
import { describeTarget, IamGroupTarget } from './targets';
import { ProvisionError, ProvisionOptions, ProvisionResult } from './types';

async function callerOf(ctx: AwsContext): Promise<Caller> {
  let arn: string | undefined;
  let account: string | undefined;
  try {
    const me = await ctx.sts.send(new GetCallerIdentityCommand({}));
    arn = me.Arn;
    account = me.Account;
  } catch (e) {
    throw failure('sts:GetCallerIdentity', e);
  }
  const fromArn = arnAccount(arn ?? '');
  if (!account || !fromArn.partition || fromArn.accountId !== account) {
    throw new ProvisionError('refused', 'sts:GetCallerIdentity did not say which account the credentials are in, so the ARNs cannot be checked against it; nothing was changed');
  }
  return { partition: fromArn.partition, accountId: account };
}

/** Checks the target against AWS (see the file comment) and returns the group's member names. Reads only. */
async function guardedMembers(ctx: AwsContext, t: IamGroupTarget, opts: ProvisionOptions): Promise<Set<string>> {
  const caller = await callerOf(ctx);
  checkCallerAccount('the entitlement\'s group', t.groupArn, caller);
  checkCallerAccount('the principal', t.userArn, caller);
  const members = new Set<string>();
  let marker: string | undefined;
  let checked = false;
  do {
    let page;
    try {
      page = await ctx.iam.send(new GetGroupCommand({ GroupName: t.groupName, Marker: marker }));
    } catch (e) {
      if (isNotFound(e)) throw new ProvisionError('not-found', `IAM group ${t.groupName} does not exist in account ${t.accountId} (iam:GetGroup)`);
      throw failure('iam:GetGroup', e);
    }
    if (!checked) {
      checkRealGroup(t.groupArn, page.Group ?? {}, caller, opts.allowedGroups);
      checked = true;
    }
    // Compare by name, not ARN: IAM names are unique per account, and a user's path may differ from the id's.
    for (const u of page.Users ?? []) if (u.UserName) members.add(u.UserName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return members;
}

export async function grantIamGroup(ctx: AwsContext, t: IamGroupTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const input = { GroupName: t.groupName, UserName: t.userName };
  const base = { verb: 'grant' as const, warnings: [], details: { groupArn: t.groupArn, userArn: t.userArn } };
  if ((await guardedMembers(ctx, t, opts)).has(t.userName)) return { ...base, status: 'already-granted', message: `already granted: ${what}`, changes: [] };
  if (opts.dryRun) {
    return { ...base, status: 'would-grant', message: `would call iam:AddUserToGroup for ${what}`, changes: [{ call: 'iam:AddUserToGroup', input }] };
  }
  try {
    const out = await ctx.iam.send(new AddUserToGroupCommand(input));
    const requestId = out.$metadata.requestId;
    return { ...base, status: 'granted', message: `granted: ${what} (request ID ${requestId})`, changes: [{ call: 'iam:AddUserToGroup', input, requestId }] };
  } catch (e) {
    if (isNotFound(e)) throw new ProvisionError('not-found', `IAM user ${t.userName} does not exist in account ${t.accountId} (iam:AddUserToGroup)`);
    throw failure('iam:AddUserToGroup', e);
  }
}

export async function revokeIamGroup(ctx: AwsContext, t: IamGroupTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const input = { GroupName: t.groupName, UserName: t.userName };
  const base = { verb: 'revoke' as const, warnings: [], details: { groupArn: t.groupArn, userArn: t.userArn } };
  const already = { ...base, status: 'already-revoked' as const, message: `already revoked: ${what}`, changes: [] };
  if (!(await guardedMembers(ctx, t, opts)).has(t.userName)) return already;
  if (opts.dryRun) {
    return { ...base, status: 'would-revoke', message: `would call iam:RemoveUserFromGroup for ${what}`, changes: [{ call: 'iam:RemoveUserFromGroup', input }] };
  }
  try {
    const out = await ctx.iam.send(new RemoveUserFromGroupCommand(input));
    const requestId = out.$metadata.requestId;
    return { ...base, status: 'revoked', message: `revoked: ${what} (request ID ${requestId})`, changes: [{ call: 'iam:RemoveUserFromGroup', input, requestId }] };
  } catch (e) {
    // A concurrent revoke won the race between our read and our write.
    if (isNotFound(e)) return already;
    throw failure('iam:RemoveUserFromGroup', e);
  }
}
