/**
 * The snapshot: baton-sdk's data model (resource types, resources, entitlements, grants) as one JSON document.
 * Schema: snapshot.schema.json. Nothing here knows about AWS.
 */
import type { ResourceId, ResourceTypeId } from '../model/ids';

export const SNAPSHOT_VERSION = 1;

export interface ResourceTypeDef {
  id: ResourceTypeId;
  displayName: string;
  traits: readonly string[];
}

export type Status = 'enabled' | 'disabled' | 'deleted' | 'suspended' | 'unknown';

export interface Resource {
  id: ResourceId;
  parent?: ResourceId;
  displayName: string;
  profile: Record<string, unknown>;
  status?: Status;
}

export interface Entitlement {
  id: string;
  resource: ResourceId;
  slug: string;
  displayName: string;
  /** As baton-aws writes it (omitted when empty). */
  description?: string;
  grantableTo: ResourceTypeId[];
}

export interface Grant {
  id: string;
  entitlement: string;
  principal: ResourceId;
  /** Entitlements whose holders also hold this grant (a group's members), baton-sdk's GrantExpandable. */
  expandable?: string[];
  /** Trust-policy conditions under which the grant holds; any one block suffices (one per statement). */
  conditions?: Record<string, unknown>[];
  /** The source system's own id of the grant (Identity Store MembershipId; for sso_group grants also their id, as baton-aws's). */
  sourceId?: string;
}

export interface SyncWarning {
  /** Which source the warning is about ("iam:ListSAMLProviders", "organizations:account"). */
  source: string;
  message: string;
}

export interface Snapshot {
  version: number;
  syncedAt: string;
  source: Record<string, unknown>;
  resourceTypes: ResourceTypeDef[];
  resources: Resource[];
  entitlements: Entitlement[];
  grants: Grant[];
  warnings: SyncWarning[];
}

/** What one resource type contributes (its resources, their entitlements and the grants of those). */
export interface ResourceBatch {
  resources: Resource[];
  entitlements: Entitlement[];
  grants: Grant[];
  warnings?: SyncWarning[];
}
