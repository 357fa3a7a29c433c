/**
 * The one CloudFormation read validate needs: every instance of a StackSet (which accounts it deployed the member
 * role into, and how that went), all pages.
 */
import { CloudFormationClient, paginateListStackInstances } from '@aws-sdk/client-cloudformation';

export interface StackInstanceSummary {
  account: string;
  region: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  status: string;
  /** StackInstanceStatus.DetailedStatus: SUCCEEDED, FAILED, CANCELLED, PENDING, RUNNING, INOPERABLE, SKIPPED_SUSPENDED_ACCOUNT... */
  detailedStatus?: string;
  statusReason?: string;
  organizationalUnitId?: string;
}

export async function listStackInstances(client: CloudFormationClient, stackSetName: string): Promise<StackInstanceSummary[]> {
  const out: StackInstanceSummary[] = [];
  for await (const page of paginateListStackInstances({ client }, { StackSetName: stackSetName })) {
    for (const s of page.Summaries ?? []) {
      out.push({
        account: s.Account ?? '',
        region: s.Region ?? '',
        status: s.Status ?? 'UNKNOWN',
        detailedStatus: s.StackInstanceStatus?.DetailedStatus,
        statusReason: s.StatusReason,
        organizationalUnitId: s.OrganizationalUnitId,
      });
    }
  }
  return out;
}
