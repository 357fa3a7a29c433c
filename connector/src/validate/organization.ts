/** organizations:DescribeOrganization once per validate run (permissions and member-account checks share it). */
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import type { CheckContext } from './types';

export async function organizationOf(ctx: CheckContext): Promise<{ id: string; managementAccountId?: string }> {
  if (!ctx.state.organization) {
    const org = (await ctx.aws().organizations.send(new DescribeOrganizationCommand({}))).Organization!;
    ctx.state.organization = { id: org.Id!, managementAccountId: org.MasterAccountId };
  }
  return ctx.state.organization;
}
