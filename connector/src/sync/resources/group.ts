/** IAM groups: one `member` entitlement each; grants from the users' group lists in the same GAAD crawl. */
import { entitlementId, grantId, GRANTABLE_TO, RESOURCE_TYPES, ResourceId, SLUGS } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource } from '../types';
import { accountRef, acrossAccounts, compact, iso } from './common';

export const groupSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.group,
  build: acrossAccounts((s) => {
    const resources: Resource[] = [];
    const entitlements: Entitlement[] = [];
    // GAAD lists a user's groups by name; IAM group names are unique per account, case-insensitively.
    const entitlementByName = new Map<string, string>();
    for (const g of s.groups) {
      const id: ResourceId = { resourceType: 'group', resource: g.Arn! };
      resources.push({
        id,
        parent: accountRef(s),
        displayName: g.GroupName!,
        profile: compact({ aws_arn: g.Arn, aws_path: g.Path, aws_group_id: g.GroupId, aws_group_name: g.GroupName, aws_created: iso(g.CreateDate) }),
      });
      const eid = entitlementId(id, SLUGS.member);
      entitlements.push({ id: eid, resource: id, slug: SLUGS.member, displayName: `${g.GroupName} Group Member`, description: `Is member of the ${g.GroupName} IAM group in AWS`, grantableTo: GRANTABLE_TO.group! });
      entitlementByName.set(g.GroupName!.toLowerCase(), eid);
    }
    const grants: Grant[] = [];
    for (const u of s.users) {
      const principal: ResourceId = { resourceType: 'iam_user', resource: u.Arn! };
      for (const name of u.GroupList ?? []) {
        const eid = entitlementByName.get(name.toLowerCase());
        if (eid) grants.push({ id: grantId(eid, principal), entitlement: eid, principal });
      }
    }
    return { resources, entitlements, grants };
  }),
};
