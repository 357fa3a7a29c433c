/**
 * Permission-set assignment to an Identity Center user or group in an account: sso:CreateAccountAssignment /
 * DeleteAccountAssignment, then Describe...Status until SUCCEEDED or FAILED (identity_center_provisioning).
 * Existing assignments are read with sso:ListAccountAssignments (identity_center_sync). Before creating, the
 * account must be ACTIVE (organizations:DescribeAccount): Identity Center answers a suspended account with a
 * ConflictException that does not say why (baton-aws #92).
 *
 * AWS keeps one assignment per (account, permission set, principal). Emulators may keep duplicate rows, which carry
 * no id to tell them apart; so after a change the rows are counted again and, if a concurrent grant left more than
 * one, duplicates are removed after a random pause (and re-created if two removals crossed). On AWS that costs one
 * extra list call.
 */
import {
  AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
} from '@aws-sdk/client-sso-admin';
import { DescribeAccountCommand } from '@aws-sdk/client-organizations';
import type { AwsContext } from '../aws';
import { isAccessDenied, isConflict, isNotFound } from '../aws/errors';
import { failure } from './aws-errors';
import { pollUntil } from './poll';
import { AssignmentTarget, describeTarget } from './targets';
import { AwsChange, ProvisionError, ProvisionOptions, ProvisionResult } from './types';

type Op = 'creation' | 'deletion';
const CALLS = {
  creation: { write: 'sso:CreateAccountAssignment', status: 'sso:DescribeAccountAssignmentCreationStatus' },
  deletion: { write: 'sso:DeleteAccountAssignment', status: 'sso:DescribeAccountAssignmentDeletionStatus' },
} as const;

const MAX_CONVERGE_ROUNDS = 6;

function assignmentInput(t: AssignmentTarget) {
  return {
    InstanceArn: t.instanceArn,
    TargetId: t.accountId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: t.permissionSetArn,
    PrincipalType: t.principalType,
    PrincipalId: t.principalId,
  };
}

/** Rows for this principal among the assignments of (account, permission set). */
async function countAssignments(ctx: AwsContext, t: AssignmentTarget): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    let page;
    try {
      page = await ctx.ssoAdmin.send(
        new ListAccountAssignmentsCommand({ InstanceArn: t.instanceArn, AccountId: t.accountId, PermissionSetArn: t.permissionSetArn, NextToken: token }),
      );
    } catch (e) {
      if (isNotFound(e)) throw new ProvisionError('not-found', `sso:ListAccountAssignments: the permission set ${t.permissionSetArn} or its instance does not exist`);
      throw failure('sso:ListAccountAssignments', e);
    }
    for (const a of page.AccountAssignments ?? []) if (a.PrincipalType === t.principalType && a.PrincipalId === t.principalId) n++;
    token = page.NextToken;
  } while (token);
  return n;
}

/** Returns the account's state, or undefined (with a warning) when the role may not read it. */
async function checkAccountActive(ctx: AwsContext, t: AssignmentTarget, warnings: string[]): Promise<string | undefined> {
  let state: string | undefined;
  try {
    const out = await ctx.organizations.send(new DescribeAccountCommand({ AccountId: t.accountId }));
    state = out.Account?.State ?? out.Account?.Status;
  } catch (e) {
    if (isAccessDenied(e)) {
      // baton-aws carries on here too: the assignment itself may still be allowed.
      warnings.push(`organizations:DescribeAccount was denied, so account ${t.accountId} was not checked to be ACTIVE`);
      return undefined;
    }
    if ((e as { name?: string }).name === 'AccountNotFoundException') {
      throw new ProvisionError('not-found', `account ${t.accountId} is not in the organization (organizations:DescribeAccount)`);
    }
    throw failure('organizations:DescribeAccount', e);
  }
  if (state !== 'ACTIVE') {
    throw new ProvisionError('account-not-active', `account ${t.accountId} is ${state ?? 'in an unknown state'}, not ACTIVE: Identity Center cannot assign permission sets in it; nothing was changed`);
  }
  return state;
}

/** Makes the write and waits for its asynchronous request to finish. */
async function change(ctx: AwsContext, t: AssignmentTarget, op: Op, opts: ProvisionOptions): Promise<AwsChange> {
  const input = assignmentInput(t);
  const names = CALLS[op];
  let status: AccountAssignmentOperationStatus | undefined;
  let requestId: string | undefined;
  try {
    if (op === 'creation') {
      const out = await ctx.ssoAdmin.send(new CreateAccountAssignmentCommand(input));
      status = out.AccountAssignmentCreationStatus;
      requestId = out.$metadata.requestId;
    } else {
      const out = await ctx.ssoAdmin.send(new DeleteAccountAssignmentCommand(input));
      status = out.AccountAssignmentDeletionStatus;
      requestId = out.$metadata.requestId;
    }
  } catch (e) {
    if (isConflict(e)) {
      throw new ProvisionError(
        'conflict',
        `${names.write}: another operation on this assignment is in progress, or account ${t.accountId} is suspended; try again later${requestIdText(e)}`,
      );
    }
    throw failure(names.write, e);
  }
  const operationRequestId = status?.RequestId;
  const done: AwsChange = { call: names.write, input, requestId, operationRequestId };
  const final = status?.Status === 'IN_PROGRESS' ? await waitFor(ctx, t, op, operationRequestId!, requestId, opts) : status;
  if (final?.Status === 'FAILED') {
    throw new ProvisionError(
      'assignment-failed',
      `${names.write} FAILED for ${describeTarget(t)}: ${final.FailureReason ?? 'AWS gave no reason'} (request ID ${requestId}, assignment request ${operationRequestId})`,
      requestId,
    );
  }
  return done;
}

function requestIdText(e: unknown): string {
  const id = (e as { $metadata?: { requestId?: string } }).$metadata?.requestId;
  return id ? ` (request ID ${id})` : '';
}

async function waitFor(ctx: AwsContext, t: AssignmentTarget, op: Op, operationRequestId: string, requestId: string | undefined, opts: ProvisionOptions) {
  const names = CALLS[op];
  const outcome = await pollUntil(async () => {
    let s: AccountAssignmentOperationStatus | undefined;
    try {
      s =
        op === 'creation'
          ? (await ctx.ssoAdmin.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: t.instanceArn, AccountAssignmentCreationRequestId: operationRequestId })))
              .AccountAssignmentCreationStatus
          : (await ctx.ssoAdmin.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: t.instanceArn, AccountAssignmentDeletionRequestId: operationRequestId })))
              .AccountAssignmentDeletionStatus;
    } catch (e) {
      const f = failure(names.status, e);
      throw new ProvisionError(f.code, `${f.message}; the assignment request ${operationRequestId} was made and may still finish`, f.requestId);
    }
    return s?.Status === 'IN_PROGRESS' ? undefined : s;
  }, opts.poll);
  if (!outcome.done) {
    throw new ProvisionError(
      'timeout',
      `${names.write} for ${describeTarget(t)} is still IN_PROGRESS after ${Math.round(outcome.waitedMs / 1000)} s (${outcome.polls} status checks); ` +
        `assignment request ${operationRequestId} (request ID ${requestId}) may still finish: check it with ${names.status}`,
      requestId,
    );
  }
  return outcome.value;
}

const jitter = (round: number) => new Promise<void>((r) => setTimeout(r, 10 + Math.floor(Math.random() * 100 * (round + 1))));

/** Brings the rows for this principal back to exactly one after a grant (see the file comment). */
async function converge(ctx: AwsContext, t: AssignmentTarget, opts: ProvisionOptions, changes: AwsChange[], warnings: string[]) {
  for (let round = 0; round < MAX_CONVERGE_ROUNDS; round++) {
    if ((await countAssignments(ctx, t)) === 1) return;
    await jitter(round);
    const n = await countAssignments(ctx, t);
    if (n === 1) return;
    try {
      changes.push(await change(ctx, t, n > 1 ? 'deletion' : 'creation', opts));
    } catch (e) {
      if (!(e instanceof ProvisionError && e.code === 'not-found')) throw e;
    }
  }
  warnings.push(`the assignment rows did not settle to one after ${MAX_CONVERGE_ROUNDS} rounds; check sso:ListAccountAssignments`);
}

export async function grantAssignment(ctx: AwsContext, t: AssignmentTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const warnings: string[] = [];
  const details: Record<string, string> = { instanceArn: t.instanceArn, accountId: t.accountId, permissionSetArn: t.permissionSetArn };
  const base = { verb: 'grant' as const, warnings, details };
  if ((await countAssignments(ctx, t)) > 0) return { ...base, status: 'already-granted', message: `already granted: ${what}`, changes: [] };
  const state = await checkAccountActive(ctx, t, warnings);
  if (state) details.accountState = state;
  if (opts.dryRun) {
    return { ...base, status: 'would-grant', message: `would call sso:CreateAccountAssignment for ${what}`, changes: [{ call: CALLS.creation.write, input: assignmentInput(t) }] };
  }
  const changes = [await change(ctx, t, 'creation', opts)];
  await converge(ctx, t, opts, changes, warnings);
  const c = changes[0];
  return { ...base, status: 'granted', message: `granted: ${what} (request ID ${c.requestId}, assignment request ${c.operationRequestId})`, changes };
}

export async function revokeAssignment(ctx: AwsContext, t: AssignmentTarget, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const what = describeTarget(t);
  const base = { verb: 'revoke' as const, warnings: [] as string[], details: { instanceArn: t.instanceArn, accountId: t.accountId, permissionSetArn: t.permissionSetArn } };
  const already = { ...base, status: 'already-revoked' as const, message: `already revoked: ${what}`, changes: [] };
  let n = await countAssignments(ctx, t);
  if (n === 0) return already;
  if (opts.dryRun) {
    return { ...base, status: 'would-revoke', message: `would call sso:DeleteAccountAssignment for ${what}`, changes: [{ call: CALLS.deletion.write, input: assignmentInput(t) }] };
  }
  const changes: AwsChange[] = [];
  // More than one pass only where duplicate rows exist (emulators); AWS has one row.
  for (let round = 0; n > 0 && round < MAX_CONVERGE_ROUNDS; round++) {
    try {
      changes.push(await change(ctx, t, 'deletion', opts));
    } catch (e) {
      if (!(e instanceof ProvisionError && e.code === 'not-found')) throw e; // a concurrent revoke removed it
    }
    n = await countAssignments(ctx, t);
  }
  if (changes.length === 0) return already;
  const c = changes[0];
  return { ...base, status: 'revoked', message: `revoked: ${what} (request ID ${c.requestId}, assignment request ${c.operationRequestId})`, changes };
}
