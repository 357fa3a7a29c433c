/**
 * Check 2: the role exists (iam:GetRole). The base credentials must belong to the role's account: IAM looks the name
 * up in the caller's own account, so a mismatch would otherwise read as "no such role".
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describeAwsError, errorName } from './aws-errors';
import { Check, fail, pass } from './types';

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
    try {
      const out = await aws.iam.send(new GetRoleCommand({ RoleName: role.name }));
      const r = out.Role!;
      if (r.Arn !== role.arn) return fail(`a role named ${role.name} exists but its ARN is ${r.Arn} (check the path in --role-arn)`);
      ctx.state.trustPolicy = r.AssumeRolePolicyDocument;
      ctx.state.permissionsBoundaryArn = r.PermissionsBoundary?.PermissionsBoundaryArn;
      return pass(`found ${r.Arn}`, { roleId: r.RoleId, maxSessionDuration: r.MaxSessionDuration, permissionsBoundaryArn: ctx.state.permissionsBoundaryArn });
    } catch (e) {
      if (errorName(e) === 'NoSuchEntityException' || errorName(e) === 'NoSuchEntity') return fail(`no role named ${role.name} in account ${role.accountId}`);
      return fail(`iam:GetRole failed: ${describeAwsError(e)}`);
    }
  },
};
