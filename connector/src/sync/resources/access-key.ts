/**
 * access-key (baton-aws's type, pkg/connector/secrets.go at 2156bebe): the IAM users' access keys, from the
 * credential report the sync reads anyway (baton-aws: ListUsers pages, then ListAccessKeys and GetAccessKeyLastUsed
 * per user and key). Opt-in (toggle `access_keys`, baton-aws's --sync-secrets). Resources only: baton-aws gives
 * the type no entitlements or grants (resource_types.go:176-187, SkipEntitlementsAndGrants).
 *
 * The one departure from baton-aws's ids: baton-aws's resource id is the access key id (secrets.go:103-105), which
 * only ListAccessKeys gives; the report has none. Ours is `<userArn>::access-key::<created>`, `created` being the
 * report's access_key_<n>_last_rotated (when the key was created: IAM has no call that changes a key but its status).
 * The report slot (1 or 2) is not used: when a user's first key is deleted the second one moves to slot 1.
 * The display name follows baton-aws's `<userName>|<keyId>` with the same part in place of the key id.
 *
 * Secret trait fields baton-aws sets (secrets.go:82-108), kept in the profile: created by and identity = the user
 * (baton-aws: iam_user with the user's unique id and BatonResource false; ours: the iam_user resource id, the ARN,
 * so it joins the snapshot's user; the unique id is aws_user_id), static-secret credential type, detail
 * "aws.access_key", last used at, created at. baton-aws has no status; the report says Active or Inactive (status
 * enabled / disabled). AWS access keys do not expire: no expiry.
 */
import { RESOURCE_TYPES } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Resource } from '../types';
import { accountRef, acrossAccounts, compact } from './common';

export const accessKeyResourceId = (userArn: string, created: string) => `${userArn}::access-key::${created}`;

export const accessKeySyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES['access-key'],
  build: (root) => {
    if (!root.optIn.accessKeys) return { resources: [], entitlements: [], grants: [] };
    return acrossAccounts((s) => {
      const resources: Resource[] = [];
      for (const u of s.users) {
        const keys = s.accessKeys.get(u.Arn!) ?? [];
        // Two keys created in the same second would share an id: the slot then tells them apart.
        const sameSecond = keys.length === 2 && keys[0].lastRotated === keys[1].lastRotated;
        for (const k of keys) {
          const user = { resourceType: 'iam_user', resource: u.Arn! };
          resources.push({
            id: { resourceType: 'access-key', resource: accessKeyResourceId(u.Arn!, k.lastRotated) + (sameSecond ? `#${k.slot}` : '') },
            parent: accountRef(s),
            displayName: `${u.UserName}|${k.lastRotated}`,
            profile: compact({
              secret_credential_type: 'CREDENTIAL_TYPE_STATIC_SECRET',
              secret_detail: 'aws.access_key',
              secret_created_by: user,
              secret_identity: user,
              secret_last_used_at: k.lastUsed,
              created_at: k.lastRotated,
              aws_user_arn: u.Arn,
              aws_user_name: u.UserName,
              aws_user_id: u.UserId,
              aws_access_key_status: k.active ? 'Active' : 'Inactive',
              aws_access_key_last_rotated: k.lastRotated,
              aws_access_key_last_used_region: k.lastUsedRegion,
              aws_access_key_last_used_service: k.lastUsedService,
              aws_credential_report_slot: k.slot,
            }),
            status: k.active ? 'enabled' : 'disabled',
          });
        }
      }
      return { resources, entitlements: [], grants: [] };
    })(root);
  },
};
