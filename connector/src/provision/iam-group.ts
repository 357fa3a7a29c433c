/**
 * IAM group membership: iam:AddUserToGroup / iam:RemoveUserFromGroup (iam_provisioning). AWS makes both idempotent
 * in effect, but AddUserToGroup says nothing about whether the user was already in, so membership is read first
 * with iam:GetGroup (iam_sync, always on; group-scoped like the write) to report "already granted" honestly.
 */
import { AddUserToGroupCommand, GetGroupCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import type { AwsContext } from '../aws';
import { isNotFound } from '../aws/errors';
import { failure } from './aws-errors';
import { describeTarget, IamGroupTarget } from './targets';
import { ProvisionError, ProvisionOptions, ProvisionResult } from './types';

async function isMember(ctx: AwsContext, t: IamGroupTarget): Promise<boolean> {
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await ctx.iam.send(new GetGroupCommand({ GroupName: t.groupName, Marker: marker }));
    } catch (e) {
      if (isNotFound(e)) throw new ProvisionError('not-found', `IAM group ${t.groupName} does not exist in account ${t.accountId} (iam:GetGroup)`);
      throw failure('iam:GetGroup', e);
    }
    // Compare by name, not ARN: IAM names are unique per account, and a user's path may differ from the id's.
    if (page.Users?.some((u) => u.UserName === t.userName)) return true;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return false;
}

export async function grantIamGroup(ctx: AwsContext, t: IamGroupTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const input = { GroupName: t.groupName, UserName: t.userName };
  const base = { verb: 'grant' as const, warnings: [], details: { groupArn: t.groupArn, userArn: t.userArn } };
  if (await isMember(ctx, t)) return { ...base, status: 'already-granted', message: `already granted: ${what}`, changes: [] };
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
  if (!(await isMember(ctx, t))) return already;
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
