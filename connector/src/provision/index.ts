/**
 * Library API of grant and revoke. Everything that can be checked without AWS (id syntax, principal types, path
 * segments, the scope patterns and the spelled group, IAM or Identity Center, against them, the context's Identity
 * Center region) is checked first and throws UsageError, so such a request makes no call at all. Each provisioner
 * then reads before it writes, so repeating a request reports "already granted"/"already revoked" instead of
 * failing; with a scope, the group provisioners first decide it on the group as AWS resolves it (iam-group.ts,
 * sso-group.ts, scope.ts). Permission-set assignments are not group memberships: the scope does not cover them.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsContext } from '../aws';
import { AssumeRoleError } from '../aws/assume-role';
import { createChainedContext } from '../aws/context';
import { describeAwsError, isAccessDenied } from '../aws/errors';
import { memberRoleArn } from '../sync/aws/member-accounts';
import { failure } from './aws-errors';
import { UsageError } from '../errors';
import { grantAssignment, revokeAssignment } from './assignment';
import { grantIamGroup, revokeIamGroup } from './iam-group';
import { findMembershipById } from './membership';
import { checkGroupScope, checkMembershipIdScope, checkResolvedGroupScope, checkScopePatterns } from './scope';
import { grantSsoGroup, revokeSsoGroup } from './sso-group';
import { isMembershipId, MembershipIdTarget, parseGrantId, parseTarget, ProvisionIds, Target } from './targets';
import { ProvisionError, ProvisionOptions, ProvisionResult, ProvisionVerb } from './types';

export * from './types';
export {
  parseAllowedGroups,
  checkGroupScope,
  checkNamedMembershipScope,
  checkResolvedGroupScope,
  checkScopePatterns,
  groupArnMatches,
  pathSegmentProblem,
  scopePatternProblem,
  SCOPE_NOT_ASSIGNMENTS,
} from './scope';
export { parseTarget, parseGrantId, parseIdentityStoreArn, describeTarget, isMembershipId } from './targets';
export type { Target, ProvisionIds, MembershipIdTarget } from './targets';
export type { PollOptions } from './poll';
export { resolveNames, friendlyShape, hasFriendlyNames } from './resolve';
export type { FriendlyNames } from './resolve';

/** The ids as a sync snapshot writes them, or one grant id. */
export type ProvisionRequest = ProvisionIds | { grant: string };

/** What a request names: a target, or a MembershipId that revoke resolves to one with reads. */
export type Plan = Target | MembershipIdTarget;

/** Parses and checks a request without calling AWS; throws UsageError. */
export function planRequest(req: ProvisionRequest, opts: Pick<ProvisionOptions, 'allowedGroups'> = {}): Plan {
  // Library callers pass patterns unparsed: the same rules as --allowed-groups.
  if (opts.allowedGroups) checkScopePatterns(opts.allowedGroups, 'allowedGroups');
  if ('grant' in req && isMembershipId(req.grant)) {
    // An Identity Center membership: a scope of IAM patterns alone refuses it here, as it refuses sso_group ids.
    checkMembershipIdScope(opts.allowedGroups, req.grant);
    return { kind: 'sso-membership-id', membershipId: req.grant };
  }
  const ids = 'grant' in req ? parseGrantId(req.grant) : req;
  const target = parseTarget(ids);
  // Every group membership, IAM or Identity Center, is held to the scope; assignments are not group memberships.
  if (target.kind === 'iam-group') checkGroupScope(target.groupArn, opts.allowedGroups);
  if (target.kind === 'sso-group') checkGroupScope(target.groupResourceId, opts.allowedGroups);
  return target;
}

/** The Identity Center region a target needs its clients in (undefined: IAM, any region). */
export function targetRegion(t: Plan): string | undefined {
  // A MembershipId names no region: the Identity Center clients' own (--global-aws-sso-region) is searched.
  return t.kind === 'iam-group' || t.kind === 'sso-membership-id' ? undefined : t.region;
}

async function run(verb: ProvisionVerb, ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions): Promise<ProvisionResult> {
  const t = planRequest(req, opts);
  const region = targetRegion(t);
  if (region && region !== ctx.ssoRegion) {
    throw new UsageError(`the Identity Center ids are in ${region} but the Identity Center clients are in ${ctx.ssoRegion} (--global-aws-sso-region)`);
  }
  switch (t.kind) {
    case 'iam-group': {
      const member = opts.memberAccounts ? await memberContextFor(ctx, t.accountId, opts.memberAccounts.iamAssumeRoleName) : undefined;
      try {
        const c = member ?? ctx;
        return await (verb === 'grant' ? grantIamGroup(c, t, opts) : revokeIamGroup(c, t, opts));
      } finally {
        member?.destroy();
      }
    }
    case 'sso-group':
      return verb === 'grant' ? grantSsoGroup(ctx, t, opts) : revokeSsoGroup(ctx, t, opts);
    case 'sso-membership-id':
      if (verb === 'grant') {
        throw new UsageError(
          `a MembershipId names a membership that exists or existed: it can be revoked, not granted; grant with --entitlement sso_group:<group id>:member --principal-type sso_user --principal <user id>`,
        );
      }
      return revokeByMembershipId(ctx, t.membershipId, opts);
    case 'assignment':
      return verb === 'grant' ? grantAssignment(ctx, t, opts) : revokeAssignment(ctx, t, opts);
  }
}

/**
 * Revoke by baton-aws's membership grant id (membership.ts finds its group and user with sync reads). Absent from
 * every group: already revoked, exit 0, as revoke is idempotent everywhere (a deleted MembershipId never comes back;
 * baton-aws reports GrantAlreadyRevoked likewise, sso_group.go:406-411). With a scope only the allowed groups are
 * searched, so absent from them is a refusal (exit 1): the membership may be in a group outside the scope.
 * Found: the grant's three ids take the ordinary path, whose guard decides on the group as AWS resolves it.
 */
async function revokeByMembershipId(ctx: AwsContext, membershipId: string, opts: ProvisionOptions): Promise<ProvisionResult> {
  const search = await findMembershipById(ctx, membershipId, opts.allowedGroups);
  const where = `identity store ${search.identityStoreId} (${ctx.ssoRegion})`;
  if (!search.found) {
    if (search.scoped) {
      throw new ProvisionError(
        'refused',
        `membership ${membershipId} is in none of the ${search.groupsSearched} Identity Center groups of ${where} that --allowed-groups allows: ` +
          'either it is in a group outside the provisioning scope or it no longer exists, and c1-aws searches only the groups the scope allows; nothing was changed',
      );
    }
    return {
      verb: 'revoke',
      status: 'already-revoked',
      message: `already revoked: no Identity Center group of ${where} holds membership ${membershipId} (identitystore:ListGroupMemberships over all ${search.groupsSearched} groups)`,
      changes: [],
      warnings: [],
      details: { identityStoreId: search.identityStoreId, membershipId },
    };
  }
  let target: Target;
  try {
    target = parseTarget(search.ids);
  } catch (e) {
    // The ids come from AWS's answers, not from the user: a shape we cannot take is refused, not a usage error.
    if (e instanceof UsageError) throw new ProvisionError('refused', `membership ${membershipId}: the Identity Store answered ids c1-aws cannot take (${e.message}); nothing was changed`);
    throw e;
  }
  if (target.kind !== 'sso-group') throw new ProvisionError('refused', `membership ${membershipId} did not resolve to an Identity Center group membership; nothing was changed`);
  checkResolvedGroupScope(target.groupResourceId, opts.allowedGroups, `--grant "${membershipId}"`);
  const result = await revokeSsoGroup(ctx, { ...target, membershipId }, opts);
  return { ...result, resolved: search.ids };
}

/**
 * The member account's context when the group is in another account than the caller's: its member role, by role
 * chaining (as sync reads it). Undefined for the caller's own account. AccessDenied on the chained AssumeRole (no such
 * role, or its trust does not let this session in) becomes a ProvisionError naming the account and role.
 */
async function memberContextFor(ctx: AwsContext, accountId: string, iamAssumeRoleName: string): Promise<AwsContext | undefined> {
  let me;
  try {
    me = await ctx.sts.send(new GetCallerIdentityCommand({}));
  } catch (e) {
    throw failure('sts:GetCallerIdentity', e);
  }
  if (me.Account === accountId) return undefined;
  const partition = (me.Arn ?? '').split(':')[1] || 'aws';
  const roleArn = memberRoleArn(partition, accountId, iamAssumeRoleName);
  const member = createChainedContext(ctx, roleArn);
  try {
    await member.credentials();
  } catch (e) {
    member.destroy();
    const cause = e instanceof AssumeRoleError ? e.cause : e;
    throw new ProvisionError(isAccessDenied(cause) ? 'access-denied' : 'aws-error', `cannot reach account ${accountId} through its member role ${roleArn}: ${describeAwsError(cause)}; nothing was changed`);
  }
  return member;
}

export const grant = (ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions = {}) => run('grant', ctx, req, opts);
export const revoke = (ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions = {}) => run('revoke', ctx, req, opts);
