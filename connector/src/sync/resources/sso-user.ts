/** Identity Center users: resources only. Status from the Identity Store's UserStatus, else from SCIM `active`. */
import { identityStoreResourceId, RESOURCE_TYPES } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Resource, Status } from '../types';
import { compact } from './common';

const STATUS: Record<string, Status> = { ENABLED: 'enabled', DISABLED: 'disabled' };

export const ssoUserSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.sso_user,
  build(s) {
    if (!s.identityCenter) return { resources: [], entitlements: [], grants: [] };
    const store = { partition: s.partition, region: s.ssoRegion, identityStoreId: s.identityCenter.identityStoreId };
    const resources = s.ssoUsers.map((u): Resource => {
      const raw = u.status ?? s.scimStatus.get(u.userId);
      // The user name first when it is an address (primary), then the store's emails (baton-aws's rule).
      const emails = [
        ...(u.userName.includes('@') ? [{ address: u.userName, primary: true }] : []),
        ...u.emails.filter((e) => e.value !== u.userName).map((e) => ({ address: e.value, primary: e.primary && !u.userName.includes('@') })),
      ];
      return {
        id: { resourceType: 'sso_user', resource: identityStoreResourceId(store, 'user', u.userId) },
        // The user name, as baton-aws (sso_user.go:97); the display name stays in the profile.
        displayName: u.userName,
        profile: compact({
          aws_user_id: u.userId,
          aws_user_name: u.userName,
          aws_display_name: u.displayName || undefined,
          aws_identity_store_id: store.identityStoreId,
          emails,
          external_ids: u.externalIds.length ? u.externalIds : undefined,
          aws_status_source: u.status ? 'identitystore' : raw ? 'scim' : undefined,
        }),
        ...(raw ? { status: STATUS[raw] ?? 'unknown' } : {}),
      };
    });
    return { resources, entitlements: [], grants: [] };
  },
};
