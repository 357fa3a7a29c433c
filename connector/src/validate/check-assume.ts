/**
 * Check 7 (--assume): AssumeRole with the external ID works and STS then reports the role's session. This is what
 * ConductorOne will do; it needs credentials the trust policy lets in (in a test, or ConductorOne's own).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createAwsContext } from '../aws';
import { assumedRoleArn } from '../grammar/arn';
import { describeAwsError } from '../aws/errors';
import { Check, fail, pass, skip } from './types';

export const assumeCheck: Check = {
  id: 'assume',
  title: 'Assume the role',
  needs: ['arn-syntax'],
  async run(ctx) {
    const { config, state } = ctx;
    if (!config.assume) return skip('not asked (--assume)');
    const externalId = state.externalId ?? config.externalId;
    if (externalId === undefined) return fail('no external ID to assume with: the digest given matched no value of the trust policy');
    const role = state.role!;
    const aws = createAwsContext({
      ...config.access,
      assume: { roleArn: role.arn, externalId, sessionName: config.sessionName, durationSeconds: config.sessionDuration, propagationTimeoutMs: config.assumeTimeoutMs },
    });
    try {
      const me = await aws.sts.send(new GetCallerIdentityCommand({}));
      const expected = assumedRoleArn(role, config.sessionName);
      if (me.Arn !== expected) return fail(`assumed, but STS reports ${me.Arn} instead of ${expected}`);
      return pass(`assumed with the external ID; STS reports ${me.Arn}`, { callerArn: me.Arn });
    } catch (e) {
      return fail(describeAwsError(e));
    } finally {
      aws.destroy();
    }
  },
};
