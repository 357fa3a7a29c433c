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
