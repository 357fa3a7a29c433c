/** Organizations: the organization and its accounts (ListAccounts, 20 a page). */
import { DescribeOrganizationCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { AwsContext } from '../../aws';
import type { PhaseProgress } from '../engine';
import type { AwsSyncState, OrgAccount } from './state';

export async function fetchOrganization(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress): Promise<void> {
  let org;
  try {
    org = await ctx.organizations.send(new DescribeOrganizationCommand({}));
  } catch (e) {
    // Enabled but not in an organization: a configuration mismatch worth a warning, not a failed sync.
    if ((e as Error).name !== 'AWSOrganizationsNotInUseException') throw e;
    p.warn({ source: 'organizations:DescribeOrganization', message: "Organizations is enabled but the caller's account is in no organization: only the caller's account is synced" });
    return;
  }
  const accounts: OrgAccount[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.organizations.send(new ListAccountsCommand({ NextToken: token, MaxResults: 20 }));
    for (const a of page.Accounts ?? []) {
      // `State` supersedes the deprecated `Status` (ACTIVE / SUSPENDED / PENDING_CLOSURE).
      const status = (a as { State?: string }).State ?? a.Status ?? 'UNKNOWN';
      accounts.push({ id: a.Id!, name: a.Name ?? a.Id!, email: a.Email, status, arn: a.Arn });
    }
    p.tick(page.Accounts?.length ?? 0);
    token = page.NextToken;
  } while (token);
  s.organization = { id: org.Organization?.Id ?? '', managementAccountId: org.Organization?.MasterAccountId };
  s.accounts = accounts;
  for (const a of accounts) {
    if (a.status !== 'ACTIVE') {
      p.warn({ source: 'organizations:account', message: `account ${a.id} (${a.name}) is ${a.status}: left out, with its Identity Center assignments` });
    }
  }
}
