/**
 * account_iam (baton-aws's type, id = the account id): one per active member account whose IAM is to be read through
 * the member role. Its IAM users, groups and roles are its children. When the role was missing or denied the resource
 * is still there, marked: profile aws_iam_data "missing" with the reason, status unknown; an absent child then
 * means "not read", never "deleted".
 */
import { RESOURCE_TYPES } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Resource } from '../types';
import { compact } from './common';

export const accountIamSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.account_iam,
  build(s) {
    const resources = (s.memberAccounts ?? []).map(
      (m): Resource => ({
        id: { resourceType: 'account_iam', resource: m.accountId },
        displayName: m.name,
        profile: compact({
          aws_account_id: m.accountId,
          aws_account_name: m.name,
          aws_member_role_arn: m.roleArn,
          aws_iam_data: m.data,
          aws_iam_data_missing_reason: m.reason,
          aws_account_aliases: m.iam?.aliases.length ? m.iam.aliases : undefined,
        }),
        status: m.data === 'synced' ? 'enabled' : 'unknown',
      }),
    );
    return { resources, entitlements: [], grants: [] };
  },
};
