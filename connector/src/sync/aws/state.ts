/** What the AWS fetch phases gather; the resource-type builders read it. Plain data, filled phase by phase. */
import type { GroupDetail, RoleDetail, UserDetail } from '@aws-sdk/client-iam';
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

export interface AwsSyncState {
  accountId: string;
  partition: string;
  callerArn: string;
  ssoRegion: string;
  aliases: string[];
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  samlProviders: SamlProvider[];
  oidcProviders: string[];
  /** user ARN -> password_last_used from the credential report (ISO date, or a marker like "no_information"). */
  passwordLastUsed: Map<string, string>;
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
    samlProviders: [],
    oidcProviders: [],
    passwordLastUsed: new Map(),
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
