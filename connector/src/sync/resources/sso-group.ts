/**
 * Identity Center groups: one `member` entitlement each; memberships are its grants, whose id is AWS's MembershipId
 * as baton-aws's (sso_group.go:130-134: so revoke can address it directly).
 */
import { entitlementId, GRANTABLE_TO, identityStoreResourceId, RESOURCE_TYPES, ResourceId, SLUGS } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource } from '../types';
import { compact } from './common';

export const ssoGroupSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.sso_group,
  build(s) {
    if (!s.identityCenter) return { resources: [], entitlements: [], grants: [] };
    const store = { partition: s.partition, region: s.ssoRegion, identityStoreId: s.identityCenter.identityStoreId };
    const resources: Resource[] = [];
    const entitlements: Entitlement[] = [];
    const entitlementOf = new Map<string, string>();
    for (const g of s.ssoGroups) {
      const id: ResourceId = { resourceType: 'sso_group', resource: identityStoreResourceId(store, 'group', g.groupId) };
      resources.push({ id, displayName: g.displayName, profile: compact({ aws_group_id: g.groupId, aws_identity_store_id: store.identityStoreId, aws_description: g.description }) });
      const eid = entitlementId(id, SLUGS.member);
      entitlements.push({ id: eid, resource: id, slug: SLUGS.member, displayName: `${g.displayName} Group Member`, description: `Is member of the ${g.displayName} SSO group in AWS`, grantableTo: GRANTABLE_TO.sso_group! });
      entitlementOf.set(g.groupId, eid);
    }
    const users = new Set(s.ssoUsers.map((u) => u.userId));
    const byPair = new Map<string, Grant>();
    for (const m of s.memberships) {
      const eid = entitlementOf.get(m.groupId);
      if (!eid || !users.has(m.userId)) continue;
      const principal: ResourceId = { resourceType: 'sso_user', resource: identityStoreResourceId(store, 'user', m.userId) };
      const pair = `${eid}\n${principal.resource}`;
      // moto allows duplicate memberships; keep the smallest MembershipId so output is stable.
      const seen = byPair.get(pair);
      if (!seen || seen.id > m.membershipId) byPair.set(pair, { id: m.membershipId, entitlement: eid, principal, sourceId: m.membershipId });
    }
    return { resources, entitlements, grants: [...byPair.values()] };
  },
};
