/**
 * The organization root (toggles.organization_hierarchy), as baton-aws's organization type: id the root id
 * (r-xxxx), named by the root's name or else its id, no parent, no entitlements or grants
 * (pkg/connector/organization.go:43-58). baton-aws's ChildResourceType annotations (organization.go:55,149) drive its
 * crawler; the snapshot has no annotations: the tree is in the OUs' and accounts' `parent`.
 */
import { RESOURCE_TYPES, ResourceId } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import { compact } from './common';

export const organizationSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.organization,
  build(s) {
    const resources = (s.orgHierarchy?.roots ?? []).map((r) => ({ id: { resourceType: 'organization', resource: r.id } as ResourceId, displayName: r.name, profile: compact({ aws_arn: r.arn }) }));
    return { resources, entitlements: [], grants: [] };
  },
};

/**
 * An account's parent as baton-aws sets it (account.go:206-221, organization.go:249-253): its root
 * (`organization`) or OU (`organizational_unit`), when the hierarchy was read; otherwise none (flat accounts).
 */
export function accountParent(s: AwsSyncState, accountId: string): { parent: ResourceId } | Record<string, never> {
  const parent = s.orgHierarchy?.accountParent.get(accountId);
  return parent ? { parent } : {};
}
