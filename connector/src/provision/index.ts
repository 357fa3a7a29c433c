/**
 * Library API of grant and revoke. Everything that can be checked without AWS (id syntax, principal types, path
 * segments, the scope patterns and the spelled group, IAM or Identity Center, against them, the context's Identity
 * Center region) is checked first and throws UsageError, so such a request makes no call at all. Each provisioner
 * then reads before it writes, so repeating a request reports "already granted"/"already revoked" instead of
 * failing; with a scope, the group provisioners first decide it on the group as AWS resolves it (iam-group.ts,
 * sso-group.ts, scope.ts). Permission-set assignments are not group memberships: the scope does not cover them.
 */
import type { AwsContext } from '../aws';
import { UsageError } from '../errors';
import { grantAssignment, revokeAssignment } from './assignment';
import { grantIamGroup, revokeIamGroup } from './iam-group';
import { checkGroupScope, checkScopePatterns } from './scope';
import { grantSsoGroup, revokeSsoGroup } from './sso-group';
import { parseGrantId, parseTarget, ProvisionIds, Target } from './targets';
import { ProvisionOptions, ProvisionResult, ProvisionVerb } from './types';

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
export { parseTarget, parseGrantId, parseIdentityStoreArn, describeTarget } from './targets';
export type { Target, ProvisionIds } from './targets';
export type { PollOptions } from './poll';
export { resolveNames, friendlyShape, hasFriendlyNames } from './resolve';
export type { FriendlyNames } from './resolve';

/** The ids as a sync snapshot writes them, or one grant id. */
export type ProvisionRequest = ProvisionIds | { grant: string };

/** Parses and checks a request without calling AWS; throws UsageError. */
export function planRequest(req: ProvisionRequest, opts: Pick<ProvisionOptions, 'allowedGroups'> = {}): Target {
  // Library callers pass patterns unparsed: the same rules as --allowed-groups.
  if (opts.allowedGroups) checkScopePatterns(opts.allowedGroups, 'allowedGroups');
  const ids = 'grant' in req ? parseGrantId(req.grant) : req;
  const target = parseTarget(ids);
  // Every group membership, IAM or Identity Center, is held to the scope; assignments are not group memberships.
  if (target.kind === 'iam-group') checkGroupScope(target.groupArn, opts.allowedGroups);
  if (target.kind === 'sso-group') checkGroupScope(target.groupResourceId, opts.allowedGroups);
  return target;
}

/** The Identity Center region a target needs its clients in (undefined: IAM, any region). */
export function targetRegion(t: Target): string | undefined {
  return t.kind === 'iam-group' ? undefined : t.region;
}

async function run(verb: ProvisionVerb, ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions): Promise<ProvisionResult> {
  const t = planRequest(req, opts);
  const region = targetRegion(t);
  if (region && region !== ctx.ssoRegion) {
    throw new UsageError(`the Identity Center ids are in ${region} but the Identity Center clients are in ${ctx.ssoRegion} (--global-aws-sso-region)`);
  }
  switch (t.kind) {
    case 'iam-group':
      return verb === 'grant' ? grantIamGroup(ctx, t, opts) : revokeIamGroup(ctx, t, opts);
    case 'sso-group':
      return verb === 'grant' ? grantSsoGroup(ctx, t, opts) : revokeSsoGroup(ctx, t, opts);
    case 'assignment':
      return verb === 'grant' ? grantAssignment(ctx, t, opts) : revokeAssignment(ctx, t, opts);
  }
}

export const grant = (ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions = {}) => run('grant', ctx, req, opts);
export const revoke = (ctx: AwsContext, req: ProvisionRequest, opts: ProvisionOptions = {}) => run('revoke', ctx, req, opts);
