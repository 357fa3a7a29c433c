import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createAwsContext } from '../../../connector/src/aws';
import { MOTO_CREDENTIALS, useMoto } from '../../harness/moto';

useMoto();

test('calls go to the endpoint from AWS_ENDPOINT_URL and are counted per API', async () => {
  const aws = createAwsContext({ credentials: MOTO_CREDENTIALS, region: 'us-east-1' });
  const me = await aws.sts.send(new GetCallerIdentityCommand({}));
  expect(me.Account).toBe('123456789012');
  expect(aws.calls.toJSON()).toEqual({ 'sts:GetCallerIdentity': 1 });
  aws.destroy();
});

test('with assume, every client signs as the assumed role and the session names the tool', async () => {
  const setup = createAwsContext({ credentials: MOTO_CREDENTIALS });
  const role = await setup.iam.send(
    new CreateRoleCommand({ RoleName: 'ConductorOneIntegration', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
  );
  const aws = createAwsContext({ credentials: MOTO_CREDENTIALS, assume: { roleArn: role.Role!.Arn!, externalId: 'x'.repeat(32) } });
  const me = await aws.sts.send(new GetCallerIdentityCommand({}));
  expect(me.Arn).toBe('arn:aws:sts::123456789012:assumed-role/ConductorOneIntegration/c1-aws-connector');
  expect(aws.calls.count('sts:AssumeRole')).toBe(1);
  // Cached: a second call does not assume again.
  await aws.sts.send(new GetCallerIdentityCommand({}));
  expect(aws.calls.count('sts:AssumeRole')).toBe(1);
  setup.destroy();
  aws.destroy();
});
