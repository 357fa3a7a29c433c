/** The step's sync with the deployer's own credentials: no role ARN, and no member accounts (their roles trust only ConductorOne's role). */
import { ownCredentialsSyncEnv } from '../../../connector/src/commands/step';

test('drops BATON_ROLE_ARN; member accounts off with a note when they were on', () => {
  const base = { BATON_ROLE_ARN: 'arn:aws:iam::123456789012:role/R', BATON_GLOBAL_AWS_ORGS_ENABLED: 'true', OTHER: 'x' };
  expect(ownCredentialsSyncEnv({ ...base, BATON_GLOBAL_AWS_ORGS_ENABLED: 'false' })).toEqual({ env: { BATON_GLOBAL_AWS_ORGS_ENABLED: 'false', OTHER: 'x' } });
  // Unset flag, Identity Center off: baton-aws reads member accounts, so the step turns them off too.
  expect(ownCredentialsSyncEnv(base).env.BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED).toBe('false');
  expect(ownCredentialsSyncEnv({ ...base, BATON_GLOBAL_AWS_SSO_ENABLED: 'true' }).note).toBeUndefined();
  const on = ownCredentialsSyncEnv({ ...base, BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'true' });
  expect(on.env).toEqual({ BATON_GLOBAL_AWS_ORGS_ENABLED: 'true', OTHER: 'x', BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'false' });
  expect(on.note).toMatch(/member accounts are not synced with the deployer's own credentials/);
  expect(ownCredentialsSyncEnv({ ...base, BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'false' }).note).toBeUndefined();
});

test('account_iam leaves BATON_SYNC_RESOURCE_TYPES with the member accounts (sync would refuse it with them off)', () => {
  const base = { BATON_GLOBAL_AWS_ORGS_ENABLED: 'true', BATON_SYNC_RESOURCE_TYPES: 'account,account_iam,group,iam_user,identity_provider,role' };
  expect(ownCredentialsSyncEnv(base).env.BATON_SYNC_RESOURCE_TYPES).toBe('account,group,iam_user,identity_provider,role');
  // Member accounts already off: the list is passed as it is.
  expect(ownCredentialsSyncEnv({ ...base, BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'false' }).env.BATON_SYNC_RESOURCE_TYPES).toBe(base.BATON_SYNC_RESOURCE_TYPES);
  expect('BATON_SYNC_RESOURCE_TYPES' in ownCredentialsSyncEnv({ BATON_GLOBAL_AWS_ORGS_ENABLED: 'true' }).env).toBe(false);
});
