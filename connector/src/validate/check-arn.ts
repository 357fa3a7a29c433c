/** Check 1: the role ARN is well formed (any partition, IAM's own name and path rules). Makes no AWS call. */
import { parseRoleArn } from '../grammar/arn';
import { Check, fail, pass } from './types';

export const arnSyntaxCheck: Check = {
  id: 'arn-syntax',
  title: 'Role ARN syntax',
  needs: [],
  async run(ctx) {
    const parsed = parseRoleArn(ctx.config.roleArn, '--role-arn');
    if (!parsed.ok) return fail(parsed.error);
    ctx.state.role = parsed.value;
    const { partition, accountId, path, name } = parsed.value;
    return pass(`role ${name} in account ${accountId} (partition ${partition})`, { partition, accountId, path, name });
  },
};
