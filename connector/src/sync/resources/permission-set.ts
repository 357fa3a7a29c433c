/**
 * Identity Center permission sets (toggles.permission_sets), as baton-aws's permission_set type: a role-trait
 * resource whose id is the bare permission-set ARN (pkg/connector/permission_set.go:27,102), no entitlements of its
 * own, and its policy composition as grants of each AWS-managed policy's iam_policy `attached` entitlement to the
 * permission set (permission_set.go:131-179): `iam_policy:<policyArn>:attached:permission_set:<permissionSetArn>`.
 * As baton-aws (connector.go:268, permission_set.go:39), those grants are left out when a --sync-resource-types
 * selection leaves iam_policy out; without a selection they are written even with policy sync off, when their
 * entitlement is not in the snapshot (as baton-aws, whose iam_policy type is not opt-in). Customer-managed policy references have no ARN at the permission-set level (baton-aws resolves them per
 * account on its permission_set_assignment type, which c1-aws does not produce): they go in the profile.
 * The inline policy is an inline_policy child `<permissionSetArn>::inline::inline` (inline_policy.go:36,177-191).
 */
import { entitlementId, grantId, RESOURCE_TYPES, ResourceId } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource } from '../types';
import { compact } from './common';

/** baton-aws's `attached` slug of iam_policy and inline_policy (iam_policy.go:29, inline_policy.go:30). */
export const ATTACHED = 'attached';
/** inline_policy.go:31,36: an Identity Center inline policy is anonymous, so its name segment is fixed. */
export const inlinePolicyResourceId = (parentArn: string, policyName: string) => `${parentArn}::inline::${policyName}`;
export const PERMISSION_SET_INLINE_POLICY_NAME = 'inline';

const empty = () => ({ resources: [] as Resource[], entitlements: [] as Entitlement[], grants: [] as Grant[] });

export const permissionSetSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.permission_set,
  build(s) {
    const policies = s.permissionSetPolicies;
    if (!policies || !s.identityCenter) return empty();
    const out = empty();
    for (const ps of s.permissionSets) {
      const id: ResourceId = { resourceType: 'permission_set', resource: ps.arn };
      const p = policies.get(ps.arn);
      const customerManaged = p?.customerManaged.map((r) => ({ name: r.name, path: r.path })).sort((a, b) => (a.path + a.name < b.path + b.name ? -1 : 1));
      out.resources.push({
        id,
        displayName: ps.name,
        profile: compact({
          aws_description: ps.description,
          aws_session_duration: ps.sessionDuration,
          // Our extension (see above): the references as AWS gives them, { name, path }.
          aws_customer_managed_policies: customerManaged?.length ? customerManaged : undefined,
        }),
      });
      for (const m of p?.managed ?? []) {
        const eid = entitlementId({ resourceType: 'iam_policy', resource: m.arn }, ATTACHED);
        out.grants.push({ id: grantId(eid, id), entitlement: eid, principal: id });
      }
    }
    return out;
  },
};

/** The permission sets' inline policies: inline_policy resources parented to their permission set. */
export const permissionSetInlinePolicySyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.inline_policy,
  build(s) {
    const policies = s.permissionSetPolicies;
    if (!policies || !s.identityCenter) return empty();
    const out = empty();
    for (const ps of s.permissionSets) {
      const document = policies.get(ps.arn)?.inline;
      if (!document) continue;
      const parent: ResourceId = { resourceType: 'permission_set', resource: ps.arn };
      const id: ResourceId = { resourceType: 'inline_policy', resource: inlinePolicyResourceId(ps.arn, PERMISSION_SET_INLINE_POLICY_NAME) };
      // inline_policy.go:177-181: the document as Identity Center returns it (plain JSON, not URL-encoded).
      out.resources.push({ id, parent, displayName: PERMISSION_SET_INLINE_POLICY_NAME, profile: { aws_policy_name: PERMISSION_SET_INLINE_POLICY_NAME, aws_parent_arn: ps.arn, policy_document: document } });
      const eid = entitlementId(id, ATTACHED);
      // inline_policy.go:341-347: grantable to the parent's type; display name "<name> Inline Policy".
      out.entitlements.push({ id: eid, resource: id, slug: ATTACHED, displayName: `${PERMISSION_SET_INLINE_POLICY_NAME} Inline Policy`, description: `Has the ${PERMISSION_SET_INLINE_POLICY_NAME} inline policy in AWS`, grantableTo: ['permission_set'] });
      // inline_policy.go:356-367: granted to the parent; no expansion for a permission set (iam_policy.go:417).
      out.grants.push({ id: grantId(eid, parent), entitlement: eid, principal: parent });
    }
    return out;
  },
};
