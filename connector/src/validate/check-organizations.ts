/**
 * Check 5 (Organizations on): the role lives in the organization's management account. ConductorOne's form gives
 * only "400" on save otherwise (organizations:ListAccounts is denied in member accounts; conductorone-aws.md 1.5).
 */
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { describeAwsError, errorName } from '../aws/errors';
import { Check, fail, pass, skip } from './types';

export const organizationsCheck: Check = {
  id: 'organizations',
  title: 'Organizations management account',
  needs: ['arn-syntax'],
  async run(ctx) {
    if (!ctx.config.toggles.organizations) return skip('Organizations support is off (--global-aws-orgs-enabled)');
    const account = ctx.state.role!.accountId;
    try {
      const org = (await ctx.aws().organizations.send(new DescribeOrganizationCommand({}))).Organization!;
      const details = { organizationId: org.Id, managementAccountId: org.MasterAccountId };
      if (org.MasterAccountId === account) return pass(`account ${account} is the management account of ${org.Id}`, details);
      return fail(
        `account ${account} is a member of ${org.Id}, not its management account ${org.MasterAccountId}: with Organizations on, ` +
          `ConductorOne's form would give a 400 error on save. Create the role in account ${org.MasterAccountId}, or turn Organizations support off`,
        details,
      );
    } catch (e) {
      if (errorName(e) === 'AWSOrganizationsNotInUseException') {
        return fail(`account ${account} is not in an organization: turn Organizations support off, or create the organization from this account`);
      }
      return fail(`organizations:DescribeOrganization failed: ${describeAwsError(e)}`);
    }
  },
};
