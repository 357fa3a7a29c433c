/**
 * Check 2: the role exists (iam:GetRole). The base credentials must belong to the role's account: IAM looks the name
 * up in the caller's own account, so a mismatch would otherwise read as "no such role". The message names the
 * identity the checks run as. With `waitMs` (--wait), NoSuchEntity and AccessDenied are retried with backoff for that
 * long: a role created seconds ago may not be visible yet (IAM eventual consistency).
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describeAwsError, errorName, isAccessDenied } from '../aws/errors';
import { Check, fail, pass } from './types';

const isMissing = (e: unknown) => errorName(e) === 'NoSuchEntityException' || errorName(e) === 'NoSuchEntity';

/** Runs `attempt` until it does not throw a retryable error or `waitMs` has passed (1 s, doubling, at most 10 s apart). */
export async function withPropagationRetry<T>(
  attempt: () => Promise<T>,
  retryable: (e: unknown) => boolean,
  waitMs: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => number = Date.now,
): Promise<T> {
  const started = now();
  let delay = 1000;
  for (;;) {
    try {
      return await attempt();
    } catch (e) {
      const left = waitMs - (now() - started);
      if (!retryable(e) || left <= 0) throw e;
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}

export const roleExistsCheck: Check = {
  id: 'role-exists',
  title: 'Role exists',
  needs: ['arn-syntax'],
  async run(ctx) {
    const role = ctx.state.role!;
    const aws = ctx.aws();
    const me = await aws.sts.send(new GetCallerIdentityCommand({}));
    if (me.Account !== role.accountId) {
      return fail(
        `the credentials are for account ${me.Account} (${me.Arn}) but the role is in account ${role.accountId}: run validate with credentials of account ${role.accountId}`,
      );
    }
    const waitMs = ctx.config.waitMs ?? 0;
    try {
      const out = await withPropagationRetry(() => aws.iam.send(new GetRoleCommand({ RoleName: role.name })), (e) => isMissing(e) || isAccessDenied(e), waitMs);
      const r = out.Role!;
      if (r.Arn !== role.arn) return fail(`a role named ${role.name} exists but its ARN is ${r.Arn} (check the path in --role-arn)`);
      ctx.state.trustPolicy = r.AssumeRolePolicyDocument;
      ctx.state.permissionsBoundaryArn = r.PermissionsBoundary?.PermissionsBoundaryArn;
      return pass(`found ${r.Arn}, read as ${me.Arn}`, { callerArn: me.Arn, roleId: r.RoleId, maxSessionDuration: r.MaxSessionDuration, permissionsBoundaryArn: ctx.state.permissionsBoundaryArn });
    } catch (e) {
      const waited = waitMs > 0 ? ` (waited ${Math.round(waitMs / 1000)} s for IAM to propagate)` : '';
      if (isMissing(e)) return fail(`no role named ${role.name} in account ${role.accountId}${waited}`);
      return fail(`iam:GetRole failed: ${describeAwsError(e)}`);
    }
  },
};
