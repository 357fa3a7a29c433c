/**
 * Organizational units (toggles.organization_hierarchy), as baton-aws's organizational_unit type: id the OU id
 * (ou-xxxx), named by its name or else its id, parent the root or OU it was listed under, no entitlements or grants
 * (pkg/connector/organization.go:138-152).
 */
import { RESOURCE_TYPES, ResourceId } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import { compact } from './common';

export const organizationalUnitSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.organizational_unit,
  build(s) {
    const resources = (s.orgHierarchy?.units ?? []).map((u) => ({ id: { resourceType: 'organizational_unit', resource: u.id } as ResourceId, parent: u.parent, displayName: u.name, profile: compact({ aws_arn: u.arn }) }));
    return { resources, entitlements: [], grants: [] };
  },
};
