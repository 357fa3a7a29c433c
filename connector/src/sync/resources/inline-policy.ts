/**
 * inline_policy (baton-aws's type, pkg/connector/inline_policy.go at 2156bebe): every inline policy of the IAM
 * users, groups and roles, from the UserPolicyList / GroupPolicyList / RolePolicyList of the GAAD pages the sync
 * reads anyway (baton-aws: List*Policies + Get*Policy per principal). Opt-in (toggle `policies`).
 *
 * Ids as baton-aws builds them: resource `<holderArn>::inline::<policyName>` (inline_policy.go:31, :483-485), its
 * parent the holder (:120); entitlement `inline_policy:<resourceId>:attached` (:30, :341-345), grantable to the
 * holder's type only; one grant, to the holder, `<entitlementId>:<holderType>:<holderArn>` (:362-367), expandable
 * through a group's members or a role's assignees as managed-policy grants are (:357-360).
 */
import type { PolicyDetail } from '@aws-sdk/client-iam';
import { entitlementId, RESOURCE_TYPES, ResourceId } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource } from '../types';
import { acrossAccounts } from './common';
import { ATTACHED_SLUG, policyGrant } from './iam-policy';

/** baton-aws's inlinePolicyResourceID (inline_policy.go:483-485). */
export const inlinePolicyResourceId = (holderArn: string, policyName: string) => `${holderArn}::inline::${policyName}`;

export const inlinePolicySyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.inline_policy,
  build: (root) => {
    if (!root.optIn.policies) return { resources: [], entitlements: [], grants: [] };
    return acrossAccounts((s) => {
      const resources: Resource[] = [];
      const entitlements: Entitlement[] = [];
      const grants: Grant[] = [];
      const holders: [ResourceId, PolicyDetail[] | undefined][] = [
        ...s.users.map((u): [ResourceId, PolicyDetail[] | undefined] => [{ resourceType: 'iam_user', resource: u.Arn! }, u.UserPolicyList]),
        ...s.groups.map((g): [ResourceId, PolicyDetail[] | undefined] => [{ resourceType: 'group', resource: g.Arn! }, g.GroupPolicyList]),
        ...s.roles.map((r): [ResourceId, PolicyDetail[] | undefined] => [{ resourceType: 'role', resource: r.Arn! }, r.RolePolicyList]),
      ];
      for (const [holder, list] of holders) {
        for (const p of list ?? []) {
          const id: ResourceId = { resourceType: 'inline_policy', resource: inlinePolicyResourceId(holder.resource, p.PolicyName!) };
          let document = p.PolicyDocument;
          try {
            if (document !== undefined) document = decodeURIComponent(document);
          } catch {
            // Not URL-encoded after all: kept as AWS sent it.
          }
          resources.push({
            id,
            parent: holder,
            displayName: p.PolicyName!,
            profile: { aws_policy_name: p.PolicyName, aws_parent_arn: holder.resource, aws_parent_type: holder.resourceType, ...(document !== undefined ? { policy_document: document } : {}) },
          });
          const eid = entitlementId(id, ATTACHED_SLUG);
          entitlements.push({ id: eid, resource: id, slug: ATTACHED_SLUG, displayName: `${p.PolicyName} Inline Policy`, description: `Has the ${p.PolicyName} inline policy in AWS`, grantableTo: [holder.resourceType] });
          grants.push(policyGrant(eid, holder));
        }
      }
      return { resources, entitlements, grants };
    })(root);
  },
};
