/**
 * iam_policy (baton-aws's type, pkg/connector/iam_policy.go at 2156bebe): managed policies, AWS-managed and
 * customer-managed, with one `attached` entitlement each and grants to the users, groups and roles that hold them.
 * Opt-in (toggle `policies`). Everything comes from the GAAD crawl the sync makes anyway: the Policies list (filters
 * LocalManagedPolicy + AWSManagedPolicy, asked only with the toggle) and each principal's AttachedManagedPolicies;
 * baton-aws spends ListPolicies pages, GetPolicy + GetPolicyVersion per policy and ListAttached*Policies per
 * principal on the same data.
 *
 * Ids as baton-aws builds them: resource = the policy ARN (iam_policy.go:176-179, :430-433), entitlement
 * `iam_policy:<arn>:attached` (:29, :208-210, baton-sdk's NewEntitlementID), grant
 * `iam_policy:<arn>:attached:<principalType>:<principalArn>` (:444-448, baton-sdk's NewGrantID). A grant to a group
 * or role is expandable to the group's members / the role's assignees (policyGrantExpansion, :402-420), so `diff`
 * can name who holds a policy through a group or role.
 */
import type { AttachedPolicy, ManagedPolicyDetail } from '@aws-sdk/client-iam';
import { entitlementId, grantId, RESOURCE_TYPES, ResourceId, ResourceTypeId, SLUGS } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource, ResourceBatch } from '../types';
import { accountRef, compact, iso, nameFromArn } from './common';

/** The slug of both policy types' entitlement (iam_policy.go:29, inline_policy.go:30). */
export const ATTACHED_SLUG = 'attached';

/**
 * Who a policy grant expands to (baton-aws's policyGrantExpansion, iam_policy.go:402-420): a role's grant to those
 * holding its `assignment`, a group's to its `member`s (baton-aws marks that one Shallow; IAM groups do not nest,
 * so a group's member grants never expand further and shallow or not gives the same holders). A user: none.
 */
export function policyGrantExpansion(principal: ResourceId): string[] | undefined {
  if (principal.resourceType === 'role') return [entitlementId(principal, SLUGS.assignment)];
  if (principal.resourceType === 'group') return [entitlementId(principal, SLUGS.member)];
  return undefined;
}

/** A grant of a policy's `attached` entitlement to a user, group or role, with baton-aws's expansion. */
export function policyGrant(eid: string, principal: ResourceId): Grant {
  const expandable = policyGrantExpansion(principal);
  return { id: grantId(eid, principal), entitlement: eid, principal, ...(expandable ? { expandable } : {}) };
}

/** AWS-managed policies (arn:<partition>:iam::aws:policy/...) are the same object in every account (iam_policy.go:52). */
export const isAwsManagedPolicyArn = (arn: string) => arn.split(':')[4] === 'aws';

/** GAAD's policy documents are URL-encoded (RFC 3986); baton-aws stores them decoded (iam_policy.go:109). */
function decodeDocument(doc: string | undefined): string | undefined {
  if (doc === undefined) return undefined;
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

/** The principals of one account's GAAD pages that hold managed policies, with what they hold. */
function holders(s: AwsSyncState): { principal: ResourceId; attached: AttachedPolicy[] }[] {
  return [
    ...s.users.map((u) => ({ principal: { resourceType: 'iam_user' as ResourceTypeId, resource: u.Arn! }, attached: u.AttachedManagedPolicies ?? [] })),
    ...s.groups.map((g) => ({ principal: { resourceType: 'group' as ResourceTypeId, resource: g.Arn! }, attached: g.AttachedManagedPolicies ?? [] })),
    ...s.roles.map((r) => ({ principal: { resourceType: 'role' as ResourceTypeId, resource: r.Arn! }, attached: r.AttachedManagedPolicies ?? [] })),
  ];
}

function policyResource(s: AwsSyncState, p: ManagedPolicyDetail): Resource {
  const arn = p.Arn!;
  const aws = isAwsManagedPolicyArn(arn);
  const doc = p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.Document;
  // A policy name holds no "/": the ARN's last segment is the name (moto 5.2.1's GAAD leaves PolicyName out).
  const name = p.PolicyName ?? nameFromArn(arn);
  return {
    id: { resourceType: 'iam_policy', resource: arn },
    // baton-aws gives AWS-managed policies no parent: the same id would otherwise sit under every account (:167-174).
    ...(aws ? {} : { parent: accountRef(s) }),
    displayName: name,
    profile: compact({
      aws_policy_name: name,
      aws_policy_arn: arn,
      policy_document: decodeDocument(doc),
      aws_policy_id: p.PolicyId,
      aws_path: p.Path,
      aws_description: p.Description,
      aws_managed: aws ? 'aws' : 'customer',
      aws_default_version_id: p.DefaultVersionId,
      aws_attachment_count: p.AttachmentCount,
      aws_created: iso(p.CreateDate),
      aws_updated: iso(p.UpdateDate),
    }),
  };
}

export function buildIamPolicies(root: AwsSyncState): ResourceBatch {
  if (!root.optIn.policies) return { resources: [], entitlements: [], grants: [] };
  const states = [root, ...(root.memberAccounts ?? []).flatMap((m) => (m.iam ? [m.iam] : []))];
  // One resource per ARN: an AWS-managed policy is listed by every account, attached in some.
  const byArn = new Map<string, { resource: Resource; attached: boolean }>();
  const grants: Grant[] = [];
  for (const s of states) {
    for (const p of s.policies) {
      const seen = byArn.get(p.Arn!);
      const attached = (p.AttachmentCount ?? 0) > 0 || (seen?.attached ?? false);
      byArn.set(p.Arn!, { resource: seen?.resource ?? policyResource(s, p), attached });
    }
    for (const { principal, attached } of holders(s)) {
      for (const a of attached) {
        const arn = a.PolicyArn!;
        // A policy a principal holds is attached whatever the Policies list said (or if it left it out).
        const seen = byArn.get(arn);
        byArn.set(arn, { resource: seen?.resource ?? policyResource(s, { Arn: arn, PolicyName: a.PolicyName, AttachmentCount: 1 }), attached: true });
        grants.push(policyGrant(entitlementId({ resourceType: 'iam_policy', resource: arn }, ATTACHED_SLUG), principal));
      }
    }
  }
  const resources: Resource[] = [];
  const entitlements: Entitlement[] = [];
  for (const { resource, attached } of byArn.values()) {
    if (root.optIn.onlyAttachedPolicies && !attached) continue;
    resources.push(resource);
    entitlements.push({
      id: entitlementId(resource.id, ATTACHED_SLUG),
      resource: resource.id,
      slug: ATTACHED_SLUG,
      displayName: `${resource.displayName} Managed Policy`,
      description: `Has the ${resource.displayName} managed policy in AWS`,
      // As baton-aws (iam_policy.go:211-221), less permission_set_assignment, a type c1-aws does not produce.
      grantableTo: ['iam_user', 'role', 'group', 'permission_set'],
    });
  }
  return { resources, entitlements, grants };
}

export const iamPolicySyncer: ResourceTypeSyncer<AwsSyncState> = { type: RESOURCE_TYPES.iam_policy, build: buildIamPolicies };
