/** Shapes shared by the three provisioners and the grant/revoke commands. */
import type { PollOptions } from './poll';
import type { ProvisionIds } from './targets';

export type ProvisionVerb = 'grant' | 'revoke';

export type ProvisionStatus = 'granted' | 'revoked' | 'already-granted' | 'already-revoked' | 'would-grant' | 'would-revoke';

/** One AWS write call: made (with its request ID) or, under --dry-run, only planned. */
export interface AwsChange {
  /** IAM action name, as the policy documents spell it ("iam:AddUserToGroup"). */
  call: string;
  input: Record<string, unknown>;
  /** `$metadata.requestId`, what AWS support and CloudTrail know the call by. */
  requestId?: string;
  /** Identity Center's own id of the asynchronous assignment request. */
  operationRequestId?: string;
}

export interface ProvisionResult {
  verb: ProvisionVerb;
  status: ProvisionStatus;
  /** One sentence for people. */
  message: string;
  /** Write calls made, or under --dry-run the ones that would be made. */
  changes: AwsChange[];
  warnings: string[];
  /** What the provisioner found or made: membership id, account status... */
  details: Record<string, string>;
  /** A revoke by MembershipId: the three ids of the grant it resolved to (absent when no group holds it). */
  resolved?: ProvisionIds;
}

export interface ProvisionOptions {
  /** Make the reads, then report the writes it would make instead of making them. */
  dryRun?: boolean;
  /** Permission-set assignment status polling (backoff and timeout). */
  poll?: PollOptions;
  /**
   * Group patterns (scope.ts): IAM group ARN patterns, each with one partition and one 12-digit account, and Identity
   * Center group id patterns (`arn:<partition>:identitystore:<region>::<identityStoreId>/group/<groupId>`, wildcards
   * in the group id only). When set (non-empty), every group membership change is allowed only by a pattern of its
   * kind, matched against the group as AWS resolves it (iam:GetGroup; sso:ListInstances + identitystore:ListGroups);
   * a spelling outside them is refused before any call. Permission-set assignments are not covered.
   */
  allowedGroups?: string[];
  /**
   * Member accounts on (--iam-assume-role-name): an IAM group membership in another account of the organization is
   * changed through that account's member role, reached by role chaining from the caller's session. The same guard
   * applies there: the member session's account must be the one both ARNs name, the group's real ARN must match.
   */
  memberAccounts?: { iamAssumeRoleName: string };
}

export type ProvisionErrorCode =
  | 'not-found'
  | 'account-not-active'
  | 'assignment-failed'
  | 'timeout'
  | 'access-denied'
  | 'conflict'
  /** The provisioning guard refused after reading AWS (a group's real ARN, the credentials' account): no write made. */
  | 'refused'
  /** An Identity Center name matched more than one principal. */
  | 'ambiguous'
  | 'aws-error';

/** An operation that reached AWS and did not succeed: exit code 1. (Bad input is a UsageError, exit 2.) */
export class ProvisionError extends Error {
  constructor(
    readonly code: ProvisionErrorCode,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}
