/**
 * The organization's tree (toggles.organization_hierarchy): ListRoots, then per parent (root or OU) one
 * ListOrganizationalUnitsForParent and one ListAccountsForParent crawl, level by level. baton-aws asks
 * organizations:ListParents once per account instead (pkg/connector/organization.go:233); listing accounts per
 * parent costs one call per root/OU (per page), fewer whenever OUs hold more than one account on average.
 */
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand } from '@aws-sdk/client-organizations';
import type { AwsContext } from '../../aws';
import type { ResourceId } from '../../model/ids';
import { allPages } from '../../aws/pages';
import { mapLimit } from '../concurrency';
import type { PhaseProgress } from '../engine';
import type { AwsSyncState, OrgHierarchy } from './state';

/** units false: roots only (the accounts directly under a root get it as parent; those in OUs get none). */
export async function fetchOrgHierarchy(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, o: { concurrency: number; units: boolean }): Promise<void> {
  let roots: OrgHierarchy['roots'];
  try {
    roots = await allPages(async (token) => {
      const page = await ctx.organizations.send(new ListRootsCommand({ NextToken: token }));
      return { next: page.NextToken, items: (page.Roots ?? []).map((r) => ({ id: r.Id!, name: r.Name || r.Id!, arn: r.Arn })) };
    });
  } catch (e) {
    // The same configuration mismatch the accounts phase warns about: no organization, so no tree.
    if ((e as Error).name !== 'AWSOrganizationsNotInUseException') throw e;
    p.warn({ source: 'organizations:ListRoots', message: "the caller's account is in no organization: no organization hierarchy" });
    return;
  }
  const h: OrgHierarchy = { roots, units: [], accountParent: new Map() };
  let level: ResourceId[] = roots.map((r) => ({ resourceType: 'organization', resource: r.id }));
  while (level.length > 0) {
    p.total(h.roots.length + h.units.length);
    const children = await mapLimit(level, o.concurrency, async (parent) => {
      const units = !o.units ? [] : await allPages(async (token) => {
        const page = await ctx.organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.resource, NextToken: token }));
        return { next: page.NextToken, items: (page.OrganizationalUnits ?? []).map((u) => ({ id: u.Id!, name: u.Name || u.Id!, arn: u.Arn, parent })) };
      });
      const accounts = await allPages(async (token) => {
        const page = await ctx.organizations.send(new ListAccountsForParentCommand({ ParentId: parent.resource, NextToken: token }));
        return { next: page.NextToken, items: (page.Accounts ?? []).map((a) => a.Id!) };
      });
      for (const id of accounts) h.accountParent.set(id, parent);
      p.tick();
      return units;
    });
    const next = children.flat();
    h.units.push(...next);
    level = next.map((u) => ({ resourceType: 'organizational_unit', resource: u.id }));
  }
  s.orgHierarchy = h;
}
