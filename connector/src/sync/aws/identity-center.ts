/**
 * Identity Center reads: the instance, Identity Store users, groups and memberships, permission sets, and account
 * assignments. Assignments are read per (account, provisioned permission set) or per principal, whichever needs
 * fewer calls for the estate at hand (chooseAssignmentStrategy).
 */
import { ListGroupMembershipsCommand, ListGroupsCommand, ListUsersCommand } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
} from '@aws-sdk/client-sso-admin';
import type { AwsContext } from '../../aws';
import { mapLimit } from '../concurrency';
import type { PhaseProgress } from '../engine';
import { activeAccountIds, Assignment, AwsSyncState, PermissionSet, SsoGroup, SsoMembership, SsoUser } from './state';

export type AssignmentStrategyChoice = 'auto' | 'per-account' | 'per-principal';

const instance = (s: AwsSyncState) => {
  if (!s.identityCenter) throw new Error('no Identity Center instance');
  return s.identityCenter;
};

/** Pages a NextToken API to the end. */
async function pages<T>(fetch: (token?: string) => Promise<{ items: T[]; next?: string }>, onPage?: (n: number) => void): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    onPage?.(page.items.length);
    token = page.next;
  } while (token);
  return all;
}

export async function fetchInstance(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress): Promise<void> {
  const out = await ctx.ssoAdmin.send(new ListInstancesCommand({}));
  const inst = out.Instances?.[0];
  if (!inst) {
    p.warn({ source: 'sso:ListInstances', message: `no Identity Center instance in ${s.ssoRegion}: Identity Center users, groups and assignments left out` });
    return;
  }
  s.identityCenter = { instanceArn: inst.InstanceArn!, identityStoreId: inst.IdentityStoreId! };
}

export async function fetchSsoUsers(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress): Promise<void> {
  const { identityStoreId } = instance(s);
  s.ssoUsers = await pages<SsoUser>(async (token) => {
    const page = await ctx.identityStore.send(new ListUsersCommand({ IdentityStoreId: identityStoreId, MaxResults: 100, NextToken: token }));
    return {
      next: page.NextToken,
      items: (page.Users ?? []).map((u) => ({
        userId: u.UserId!,
        userName: u.UserName ?? u.UserId!,
        displayName: u.DisplayName,
        emails: (u.Emails ?? []).filter((e) => e.Value).map((e) => ({ value: e.Value!, primary: e.Primary === true })),
        status: (u as { UserStatus?: string }).UserStatus,
        externalIds: (u.ExternalIds ?? []).map((x) => ({ issuer: x.Issuer ?? '', id: x.Id ?? '' })),
      })),
    };
  }, p.tick);
}

export async function fetchSsoGroups(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress): Promise<void> {
  const { identityStoreId } = instance(s);
  s.ssoGroups = await pages<SsoGroup>(async (token) => {
    const page = await ctx.identityStore.send(new ListGroupsCommand({ IdentityStoreId: identityStoreId, MaxResults: 100, NextToken: token }));
    return { next: page.NextToken, items: (page.Groups ?? []).map((g) => ({ groupId: g.GroupId!, displayName: g.DisplayName ?? g.GroupId!, description: g.Description })) };
  }, p.tick);
}

/** One ListGroupMemberships crawl per group: the Identity Store has no bulk membership read. */
export async function fetchSsoMemberships(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, concurrency: number): Promise<void> {
  const { identityStoreId } = instance(s);
  p.total(s.ssoGroups.length);
  const perGroup = await mapLimit(s.ssoGroups, concurrency, async (g) => {
    const members = await pages<SsoMembership>(async (token) => {
      const page = await ctx.identityStore.send(
        new ListGroupMembershipsCommand({ IdentityStoreId: identityStoreId, GroupId: g.groupId, MaxResults: 100, NextToken: token }),
      );
      return {
        next: page.NextToken,
        // Only users count as members (MemberId is a union; groups do not nest in the Identity Store).
        items: (page.GroupMemberships ?? []).flatMap((m) => (m.MemberId && 'UserId' in m.MemberId && m.MemberId.UserId ? [{ groupId: g.groupId, userId: m.MemberId.UserId, membershipId: m.MembershipId! }] : [])),
      };
    });
    p.tick();
    return members;
  });
  s.memberships = perGroup.flat();
}

export async function fetchPermissionSets(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, concurrency: number): Promise<void> {
  const { instanceArn } = instance(s);
  const arns = await pages<string>(async (token) => {
    const page = await ctx.ssoAdmin.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 100, NextToken: token }));
    return { next: page.NextToken, items: page.PermissionSets ?? [] };
  });
  p.total(arns.length);
  s.permissionSets = await mapLimit(arns, concurrency, async (arn): Promise<PermissionSet> => {
    const out = await ctx.ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
    p.tick();
    const ps = out.PermissionSet ?? {};
    return { arn, name: ps.Name ?? arn, description: ps.Description, sessionDuration: ps.SessionDuration };
  });
}

/**
 * Per account: list the provisioned (account, permission set) pairs, then one ListAccountAssignments crawl per
 * pair. The pairs are listed per account (ListPermissionSetsProvisionedToAccount) or per permission set
 * (ListAccountsForProvisionedPermissionSet), whichever is fewer calls. Per principal: one
 * ListAccountAssignmentsForPrincipal crawl per user and group. When there are no more principals than pair-listing
 * calls, per principal wins outright; otherwise the pairs are listed and their count compared with the principals.
 * (moto answers ListAccountsForProvisionedPermissionSet with the caller's account only, and
 * ListPermissionSetsProvisionedToAccount ignores the account: offline-testing.md 1.2.)
 */
export function chooseAssignmentStrategy(counts: { accounts: number; permissionSets: number; principals: number; pairs?: number }): 'per-account' | 'per-principal' | 'list-pairs' {
  if (counts.principals <= Math.min(counts.accounts, counts.permissionSets)) return 'per-principal';
  if (counts.pairs === undefined) return 'list-pairs';
  return counts.pairs <= counts.principals ? 'per-account' : 'per-principal';
}

type Pair = { accountId: string; permissionSetArn: string };

async function listProvisionedPairs(ctx: AwsContext, instanceArn: string, accounts: string[], permissionSets: string[], p: PhaseProgress, concurrency: number): Promise<Pair[]> {
  if (accounts.length <= permissionSets.length) {
    p.total(accounts.length);
    const perAccount = await mapLimit(accounts, concurrency, async (accountId) => {
      const arns = await pages<string>(async (token) => {
        const page = await ctx.ssoAdmin.send(new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn: instanceArn, AccountId: accountId, MaxResults: 100, NextToken: token }));
        return { next: page.NextToken, items: page.PermissionSets ?? [] };
      });
      p.tick();
      return arns.map((permissionSetArn) => ({ accountId, permissionSetArn }));
    });
    return perAccount.flat();
  }
  p.total(permissionSets.length);
  const wanted = new Set(accounts);
  const perSet = await mapLimit(permissionSets, concurrency, async (permissionSetArn) => {
    const ids = await pages<string>(async (token) => {
      const page = await ctx.ssoAdmin.send(new ListAccountsForProvisionedPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, MaxResults: 100, NextToken: token }));
      return { next: page.NextToken, items: page.AccountIds ?? [] };
    });
    p.tick();
    return ids.filter((accountId) => wanted.has(accountId)).map((accountId) => ({ accountId, permissionSetArn }));
  });
  return perSet.flat();
}

export async function fetchAssignments(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, opts: { concurrency: number; strategy: AssignmentStrategyChoice }): Promise<void> {
  const { instanceArn } = instance(s);
  const accounts = activeAccountIds(s);
  const permissionSets = s.permissionSets.map((ps) => ps.arn);
  const principals = s.ssoUsers.length + s.ssoGroups.length;
  const counts = { accounts: accounts.length, permissionSets: permissionSets.length, principals };
  let choice = opts.strategy === 'auto' ? chooseAssignmentStrategy(counts) : opts.strategy;
  let pairs: Pair[] = [];
  // Progress counts the pair-listing calls too.
  let listed = 0;
  if (choice === 'list-pairs' || choice === 'per-account') {
    listed = Math.min(accounts.length, permissionSets.length);
    pairs = await listProvisionedPairs(ctx, instanceArn, accounts, permissionSets, p, opts.concurrency);
    if (choice === 'list-pairs') choice = chooseAssignmentStrategy({ ...counts, pairs: pairs.length }) as 'per-account' | 'per-principal';
  }
  let found: Assignment[];
  if (choice === 'per-account') {
    p.total(listed + pairs.length);
    const perPair = await mapLimit(pairs, opts.concurrency, async ({ accountId, permissionSetArn }) => {
      const rows = await pages<Assignment>(async (token) => {
        const page = await ctx.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn, MaxResults: 100, NextToken: token }));
        return { next: page.NextToken, items: (page.AccountAssignments ?? []).map(toAssignment) };
      });
      p.tick();
      return rows;
    });
    found = perPair.flat();
  } else {
    const targets = [...s.ssoUsers.map((u) => ({ type: 'USER' as const, id: u.userId })), ...s.ssoGroups.map((g) => ({ type: 'GROUP' as const, id: g.groupId }))];
    p.total(listed + targets.length);
    const perPrincipal = await mapLimit(targets, opts.concurrency, async (t) => {
      const rows = await pages<Assignment>(async (token) => {
        const page = await ctx.ssoAdmin.send(new ListAccountAssignmentsForPrincipalCommand({ InstanceArn: instanceArn, PrincipalId: t.id, PrincipalType: t.type, MaxResults: 100, NextToken: token }));
        return { next: page.NextToken, items: (page.AccountAssignments ?? []).map(toAssignment) };
      });
      p.tick();
      return rows;
    });
    const wanted = new Set(accounts);
    found = perPrincipal.flat().filter((a) => wanted.has(a.accountId));
  }
  s.assignmentStrategy = choice as 'per-account' | 'per-principal';
  // Duplicates: moto keeps a second row for a repeated CreateAccountAssignment (AWS is idempotent).
  const seen = new Set<string>();
  s.assignments = found.filter((a) => {
    const k = `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toAssignment(a: { AccountId?: string; PermissionSetArn?: string; PrincipalType?: string; PrincipalId?: string }): Assignment {
  return { accountId: a.AccountId!, permissionSetArn: a.PermissionSetArn!, principalType: a.PrincipalType === 'GROUP' ? 'GROUP' : 'USER', principalId: a.PrincipalId! };
}
