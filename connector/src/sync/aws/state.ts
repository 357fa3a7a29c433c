/** What the AWS fetch phases gather; the resource-type builders read it. Plain data, filled phase by phase. */
import type { GroupDetail, ManagedPolicyDetail, RoleDetail, UserDetail } from '@aws-sdk/client-iam';
import type { ResourceId } from '../../model/ids';

export interface SamlProvider {
  arn: string;
  createDate?: string;
  validUntil?: string;
}

export interface OrgAccount {
  id: string;
  name: string;
  email?: string;
  status: string;
  arn?: string;
}

export interface SsoUser {
  userId: string;
  userName: string;
  displayName?: string;
  emails: { value: string; primary: boolean }[];
  /** UserStatus from the Identity Store (ENABLED / DISABLED), when it gives one. */
  status?: string;
  externalIds: { issuer: string; id: string }[];
}

export interface SsoGroup {
  groupId: string;
  displayName: string;
  description?: string;
}

export interface SsoMembership {
  groupId: string;
  userId: string;
  membershipId: string;
}

export interface PermissionSet {
  arn: string;
  name: string;
  description?: string;
  sessionDuration?: string;
}

/** A permission set's policies (ListManagedPolicies / ListCustomerManagedPolicyReferences / GetInlinePolicy...InPermissionSet). */
export interface PermissionSetPolicies {
  managed: { arn: string; name: string }[];
  customerManaged: { name: string; path: string }[];
  /** The inline policy document; empty when it has none. */
  inline: string;
}

/** The organization's tree: roots, OUs (each with its parent) and each account's direct parent. */
export interface OrgHierarchy {
  roots: { id: string; name: string; arn?: string }[];
  units: { id: string; name: string; arn?: string; parent: ResourceId }[];
  /** account id -> its root or OU. */
  accountParent: Map<string, ResourceId>;
}

export interface Assignment {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

/** One access key as the credential report describes it (it gives no key id: see resources/access-key.ts). */
export interface ReportedAccessKey {
  /** 1 or 2: the report's access_key_<n> columns. */
  slot: 1 | 2;
  active: boolean;
  /** access_key_<n>_last_rotated: when the key was created (ISO). */
  lastRotated: string;
  /** ISO date; absent when the report says N/A (never used). */
  lastUsed?: string;
  lastUsedRegion?: string;
  lastUsedService?: string;
}

/** The opt-in data (toggles policies / access_keys), read from the calls the sync makes anyway. */
export interface OptInReads {
  /** GAAD also returns the managed policies (filters LocalManagedPolicy, AWSManagedPolicy). */
  policies: boolean;
  /** With policies: only those attached to at least one user, group or role (--sync-only-attached-policies). */
  onlyAttachedPolicies: boolean;
  /** The credential report's access-key columns become access-key resources. */
  accessKeys: boolean;
}

export interface AwsSyncState {
  accountId: string;
  partition: string;
  callerArn: string;
  ssoRegion: string;
  aliases: string[];
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  /** Managed policies from GAAD's Policies list (only with optIn.policies). */
  policies: ManagedPolicyDetail[];
  optIn: OptInReads;
  samlProviders: SamlProvider[];
  oidcProviders: string[];
  /** user ARN -> password_last_used from the credential report (ISO date, or a marker like "no_information"). */
  passwordLastUsed: Map<string, string>;
  /** user ARN -> its access keys from the credential report. */
  accessKeys: Map<string, ReportedAccessKey[]>;
  organization?: { id: string; managementAccountId?: string };
  /** undefined: Organizations is off (or denied), so the caller's account stands alone. */
  accounts?: OrgAccount[];
  identityCenter?: { instanceArn: string; identityStoreId: string };
  ssoUsers: SsoUser[];
  ssoGroups: SsoGroup[];
  memberships: SsoMembership[];
  permissionSets: PermissionSet[];
  assignments: Assignment[];
  assignmentStrategy?: 'per-account' | 'per-principal';
  /** Set when permission sets are synced (toggles.permission_sets): permission-set ARN -> its policies, as read. */
  permissionSetPolicies?: Map<string, PermissionSetPolicies>;
  /** Set when the organization hierarchy was read (toggles.organization_hierarchy); absent: accounts stay flat. */
  orgHierarchy?: OrgHierarchy;
  /** userId -> ENABLED / DISABLED from SCIM `active`, for users the Identity Store gave no status. */
  scimStatus: Map<string, string>;
  /** The parent of this state's IAM resources: the account (default) or, in a member account, its account_iam. */
  iamParent?: ResourceId;
  /** Member accounts whose IAM was to be read through the member role (--iam-assume-role-name); see member-accounts.ts. */
  memberAccounts?: MemberAccountIam[];
}

/** One active member account: its IAM read through the member role, or why it could not be. */
export interface MemberAccountIam {
  accountId: string;
  name: string;
  roleArn: string;
  /** synced: its IAM is in the snapshot; missing: it is not (the role is missing or denied), see `reason`. */
  data: 'synced' | 'missing';
  reason?: string;
  /** The account's IAM, in the same shape as the management account's (users, groups, roles, providers...). */
  iam?: AwsSyncState;
}

export function emptyState(ssoRegion: string): AwsSyncState {
  return {
    accountId: '',
    partition: 'aws',
    callerArn: '',
    ssoRegion,
    aliases: [],
    users: [],
    groups: [],
    roles: [],
    policies: [],
    optIn: { policies: false, onlyAttachedPolicies: false, accessKeys: false },
    samlProviders: [],
    oidcProviders: [],
    passwordLastUsed: new Map(),
    accessKeys: new Map(),
    ssoUsers: [],
    ssoGroups: [],
    memberships: [],
    permissionSets: [],
    assignments: [],
    scimStatus: new Map(),
  };
}

/** Accounts that Identity Center assignments are read for: the organization's active ones, else the caller's own. */
export function activeAccountIds(s: AwsSyncState): string[] {
  if (!s.accounts) return [s.accountId];
  return s.accounts.filter((a) => a.status === 'ACTIVE').map((a) => a.id);
}
