/**
 * Each permission set's policies (toggles.permission_sets): its AWS-managed policies, its customer-managed policy
 * references and its inline policy, three crawls per permission set (as baton-aws's permission_set,
 * permission_set_assignment and inline_policy types read them: pkg/connector/permission_set.go:140,
 * permission_set_assignment.go:382, inline_policy.go:149). The permission sets themselves come from the
 * Identity Center phase (DescribePermissionSet), read once.
 */
import {
  GetInlinePolicyForPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListManagedPoliciesInPermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../../aws';
import { allPages } from '../../aws/pages';
import { mapLimit } from '../concurrency';
import type { PhaseProgress } from '../engine';
import type { AwsSyncState, PermissionSetPolicies } from './state';

/** managed false: skip the AWS-managed list (no grants to iam_policy are written then). */
export async function fetchPermissionSetPolicies(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, o: { concurrency: number; managed: boolean }): Promise<void> {
  if (!s.identityCenter) return;
  const InstanceArn = s.identityCenter.instanceArn;
  p.total(s.permissionSets.length);
  const read = await mapLimit(s.permissionSets, o.concurrency, async ({ arn: PermissionSetArn }): Promise<[string, PermissionSetPolicies] | undefined> => {
    try {
      const managed = !o.managed ? [] : await allPages(async (token) => {
        const page = await ctx.ssoAdmin.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn, PermissionSetArn, MaxResults: 100, NextToken: token }));
        return { next: page.NextToken, items: (page.AttachedManagedPolicies ?? []).map((m) => ({ arn: m.Arn!, name: m.Name ?? m.Arn!.slice(m.Arn!.lastIndexOf('/') + 1) })) };
      });
      const customerManaged = await allPages(async (token) => {
        const page = await ctx.ssoAdmin.send(new ListCustomerManagedPolicyReferencesInPermissionSetCommand({ InstanceArn, PermissionSetArn, MaxResults: 100, NextToken: token }));
        // The path defaults to "/" (permission_set_assignment.go:312).
        return { next: page.NextToken, items: (page.CustomerManagedPolicyReferences ?? []).map((r) => ({ name: r.Name!, path: r.Path || '/' })) };
      });
      const inline = (await ctx.ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn }))).InlinePolicy ?? '';
      return [PermissionSetArn, { managed, customerManaged, inline }];
    } catch (e) {
      // Deleted between listing and reading: left out with a warning, as baton-aws skips it (permission_set.go:143).
      if ((e as Error).name !== 'ResourceNotFoundException') throw e;
      p.warn({ source: 'sso:permission-set-policies', message: `permission set ${PermissionSetArn} disappeared while its policies were read: its policies are left out` });
      return undefined;
    } finally {
      p.tick();
    }
  });
  // The map exists from the start when permission sets are synced (index.ts), so a denied phase leaves it empty.
  s.permissionSetPolicies = new Map(read.filter((x): x is [string, PermissionSetPolicies] => x !== undefined));
}
