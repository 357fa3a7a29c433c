/**
 * Accounts: the organization's active accounts (Organizations on) or the caller's own (our extension: baton-aws lists
 * accounts only with Organizations and Identity Center on). With Identity Center, each account has one entitlement
 * per permission set of the instance (not only provisioned ones, as baton-aws), with baton-aws's id
 * `<accountId>|<permissionSetArn>` and slug `<name> access`, and its assignments are the grants, with baton-aws's id
 * `grant:<principalType>:<principalId>:<entitlementId>`: a user directly, a group expandable to its members.
 */
import { assignmentGrantId, entitlementId, GRANTABLE_TO, identityStoreResourceId, permissionSetEntitlementId, permissionSetSlug, RESOURCE_TYPES, ResourceId, SLUGS } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource, SyncWarning } from '../types';
import { compact } from './common';
import { accountParent } from './organization';

export const accountSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.account,
  build(s) {
    const accounts = s.accounts
      ? s.accounts.filter((a) => a.status === 'ACTIVE')
      : [{ id: s.accountId, name: s.aliases[0] ?? s.accountId, status: 'ACTIVE', email: undefined, arn: undefined }];
    const resources = accounts.map(
      (a): Resource => ({
        id: { resourceType: 'account', resource: a.id },
        // Its root or OU, with the organization hierarchy on (baton-aws's account parent, organization.go:233).
        ...accountParent(s, a.id),
        displayName: a.name,
        profile: compact({
          aws_account_id: a.id,
          aws_account_name: a.name,
          aws_account_email: a.email,
          aws_arn: a.arn,
          // Aliases are read with the caller's credentials, so they belong to the caller's account only.
          aws_account_aliases: a.id === s.accountId && s.aliases.length ? s.aliases : undefined,
          aws_management_account: s.organization ? a.id === s.organization.managementAccountId : undefined,
        }),
        status: 'enabled',
      }),
    );
    const entitlements: Entitlement[] = [];
    const grants: Grant[] = [];
    const warnings: SyncWarning[] = [];
    if (!s.identityCenter) return { resources, entitlements, grants };
    const store = { partition: s.partition, region: s.ssoRegion, identityStoreId: s.identityCenter.identityStoreId };
    const psName = new Map(s.permissionSets.map((p) => [p.arn, p.name]));
    for (const a of accounts) {
      const account: ResourceId = { resourceType: 'account', resource: a.id };
      for (const ps of s.permissionSets) {
        entitlements.push({
          id: permissionSetEntitlementId(a.id, ps.arn),
          resource: account,
          slug: permissionSetSlug(ps.name),
          displayName: `${ps.name} Permission Set`,
          ...(ps.description ? { description: ps.description } : {}),
          grantableTo: GRANTABLE_TO.account!,
        });
      }
    }
    const users = new Set(s.ssoUsers.map((u) => u.userId));
    const groups = new Set(s.ssoGroups.map((g) => g.groupId));
    let unknown = 0;
    for (const as of s.assignments) {
      const isGroup = as.principalType === 'GROUP';
      if (!psName.has(as.permissionSetArn) || !(isGroup ? groups : users).has(as.principalId)) {
        unknown++;
        continue;
      }
      const eid = permissionSetEntitlementId(as.accountId, as.permissionSetArn);
      const principal: ResourceId = { resourceType: isGroup ? 'sso_group' : 'sso_user', resource: identityStoreResourceId(store, isGroup ? 'group' : 'user', as.principalId) };
      grants.push({ id: assignmentGrantId(eid, principal), entitlement: eid, principal, ...(isGroup ? { expandable: [entitlementId(principal, SLUGS.member)] } : {}) });
    }
    if (unknown > 0) {
      warnings.push({ source: 'sso:assignments', message: `${unknown} account assignment(s) name a principal or permission set not found in Identity Center; left out` });
    }
    return { resources, entitlements, grants, warnings };
  },
};
