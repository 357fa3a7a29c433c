/**
 * The AWS fetch phases, in order, with what each needs and what is left out when it is denied. Required: who we
 * are and the IAM crawl. Everything else is optional: a denial is a warning, not a failed sync.
 */
import type { AwsContext } from '../../aws';
import type { Phase } from '../engine';
import * as iam from './iam';
import * as ic from './identity-center';
import { fetchOrganization } from './organizations';
import { fetchScimStatus, ScimConfig } from './scim';
import { fetchMemberAccounts } from './member-accounts';
import { fetchOrgHierarchy } from './org-hierarchy';
import { fetchPermissionSetPolicies } from './permission-set-policies';
import type { AwsSyncState } from './state';
import type { OptInToggle } from '../../policy/capabilities';

export interface AwsPhaseOptions {
  organizations: boolean;
  identityCenter: boolean;
  concurrency: number;
  assignmentStrategy: ic.AssignmentStrategyChoice;
  /**
   * The opt-in reads switched on (--sync-secrets, --sync-resource-types naming an opt-in type; absent = off). Here: permission_sets (with Identity Center: each permission set's
   * managed, customer-managed and inline policies) and organization_hierarchy (with Organizations: roots, OUs, parents).
   */
  optIn?: Partial<Record<OptInToggle, boolean>>;
  /**
   * With permission_sets: read each permission set's AWS-managed policies, for its grants to iam_policy (false when a
   * type selection leaves iam_policy out: baton-aws then emits none, connector.go:268, permission_set.go:39).
   */
  permissionSetManagedPolicies?: boolean;
  /** With organization_hierarchy: also the OUs (false when a type selection leaves organizational_unit out). */
  organizationalUnits?: boolean;
  scim?: ScimConfig;
  /** Read the credential report (passwords last used); on by default. */
  credentialReport: boolean;
  /** With Organizations: read every active member account's IAM through this role ([path/]name, baton-aws's form). */
  memberAccounts?: { iamAssumeRoleName: string; chain?: import('../../aws/context').ChainOptions };
  /** --sync-only-attached-policies: iam_policy only for managed policies attached to a user, group or role. */
  syncOnlyAttachedPolicies?: boolean;
}

/**
 * Which resource types each read feeds (Phase.resourceTypes: with --sync-resource-types, a phase feeding none of the
 * selected types makes no calls). A phase lists every type whose builder reads its state, also through a later phase
 * (Organizations' account list feeds the member accounts' IAM). The opt-in types are listed with the reads the
 * contract puts them on (GetAccountAuthorizationDetails: iam_policy, inline_policy; the credential report: access-key).
 */
const IAM_TYPES = ['iam_user', 'group', 'role', 'iam_policy', 'inline_policy', 'access-key'];
/** What one member account's reads feed (member-accounts.ts reads its IAM, aliases, providers and credential report). */
const MEMBER_TYPES = ['account_iam', ...IAM_TYPES, 'identity_provider'];

export function awsPhases(ctx: AwsContext, o: AwsPhaseOptions): Phase<AwsSyncState>[] {
  const phases: Phase<AwsSyncState>[] = [
    { name: 'caller identity', required: true, needs: ['sts:GetCallerIdentity'], leftOut: 'everything', run: (s) => iam.fetchCallerIdentity(ctx, s) },
    {
      name: 'IAM users, groups and roles',
      required: true,
      needs: ['iam:GetAccountAuthorizationDetails'],
      leftOut: 'everything',
      resourceTypes: IAM_TYPES,
      run: (s, p) => iam.fetchAuthorizationDetails(ctx, s, p),
    },
    { name: 'IAM account aliases', required: false, needs: ['iam:ListAccountAliases'], leftOut: 'the account aliases', resourceTypes: ['account'], run: (s) => iam.fetchAccountAliases(ctx, s) },
    {
      name: 'IAM SAML providers',
      required: false,
      needs: ['iam:ListSAMLProviders'],
      leftOut: 'SAML providers and the role grants to them',
      // role.ts tells a provider principal from an external one by these lists.
      resourceTypes: ['identity_provider', 'role'],
      run: (s) => iam.fetchSamlProviders(ctx, s),
    },
    {
      name: 'IAM OIDC providers',
      required: false,
      needs: ['iam:ListOpenIDConnectProviders'],
      leftOut: 'OIDC providers and the role grants to them',
      resourceTypes: ['identity_provider', 'role'],
      run: (s) => iam.fetchOidcProviders(ctx, s),
    },
  ];
  // Access keys come from the report only, so the toggle reads it even with --credential-report=false.
  if (o.credentialReport || o.optIn?.access_keys) {
    phases.push({
      name: 'IAM credential report',
      required: false,
      needs: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
      leftOut: o.optIn?.access_keys ? "IAM users' password last used and their access keys" : "IAM users' password last used",
      resourceTypes: ['iam_user', 'access-key'],
      run: (s) => iam.fetchCredentialReport(ctx, s),
    });
  }
  if (o.organizations) {
    phases.push({
      name: 'Organizations accounts',
      required: false,
      needs: ['organizations:DescribeOrganization', 'organizations:ListAccounts'],
      leftOut: "the organization's accounts (only the caller's account is synced)",
      resourceTypes: ['account', 'organization', 'organizational_unit', ...(o.memberAccounts ? MEMBER_TYPES : [])],
      run: (s, p) => fetchOrganization(ctx, s, p),
    });
    if (o.optIn?.organization_hierarchy) {
      phases.push({
        name: 'Organizations hierarchy',
        required: false,
        needs: ['organizations:ListRoots', 'organizations:ListOrganizationalUnitsForParent', 'organizations:ListAccountsForParent'],
        leftOut: 'the organization root, OUs and account parents (accounts stay flat)',
        resourceTypes: ['organization', 'organizational_unit', 'account'],
        run: (s, p) => fetchOrgHierarchy(ctx, s, p, { concurrency: o.concurrency, units: o.organizationalUnits !== false }),
      });
    }
    if (o.memberAccounts) {
      const m = o.memberAccounts;
      phases.push({
        name: 'Member accounts IAM',
        required: false,
        needs: ['sts:AssumeRole on the member role of each account'],
        leftOut: "member accounts' IAM",
        resourceTypes: MEMBER_TYPES,
        run: (s, p) => fetchMemberAccounts(ctx, s, p, { iamAssumeRoleName: m.iamAssumeRoleName, chain: m.chain, concurrency: o.concurrency, credentialReport: o.credentialReport || o.optIn?.access_keys === true }),
      });
    }
  }
  if (o.identityCenter) {
    const ifInstance = (run: Phase<AwsSyncState>['run']): Phase<AwsSyncState>['run'] => (s, p) => (s.identityCenter ? run(s, p) : Promise.resolve());
    phases.push(
      { name: 'Identity Center instance', required: false, needs: ['sso:ListInstances'], leftOut: 'all Identity Center data', resourceTypes: ['sso_user', 'sso_group', 'account', 'permission_set'], run: (s, p) => ic.fetchInstance(ctx, s, p) },
      { name: 'Identity Center users', required: false, needs: ['identitystore:ListUsers'], leftOut: 'Identity Center users', resourceTypes: ['sso_user', 'sso_group', 'account'], run: ifInstance((s, p) => ic.fetchSsoUsers(ctx, s, p)) },
      { name: 'Identity Center groups', required: false, needs: ['identitystore:ListGroups'], leftOut: 'Identity Center groups', resourceTypes: ['sso_group', 'account'], run: ifInstance((s, p) => ic.fetchSsoGroups(ctx, s, p)) },
      {
        name: 'Identity Center memberships',
        required: false,
        needs: ['identitystore:ListGroupMemberships'],
        leftOut: 'Identity Center group memberships',
        resourceTypes: ['sso_group'],
        run: ifInstance((s, p) => ic.fetchSsoMemberships(ctx, s, p, o.concurrency)),
      },
      {
        name: 'Identity Center permission sets',
        required: false,
        needs: ['sso:ListPermissionSets', 'sso:DescribePermissionSet'],
        leftOut: 'permission sets (account entitlements) and assignments',
        resourceTypes: ['account', 'permission_set'],
        run: ifInstance((s, p) => ic.fetchPermissionSets(ctx, s, p, o.concurrency)),
      },
      ...(o.optIn?.permission_sets
        ? [
            {
              name: 'Identity Center permission-set policies',
              required: false,
              needs: ['sso:ListManagedPoliciesInPermissionSet', 'sso:ListCustomerManagedPolicyReferencesInPermissionSet', 'sso:GetInlinePolicyForPermissionSet'],
              leftOut: "permission sets' managed, customer-managed and inline policies",
              resourceTypes: ['permission_set', 'inline_policy'],
              run: ifInstance((s, p) => fetchPermissionSetPolicies(ctx, s, p, { concurrency: o.concurrency, managed: o.permissionSetManagedPolicies !== false })),
            },
          ]
        : []),
      {
        name: 'Identity Center assignments',
        required: false,
        needs: ['sso:ListPermissionSetsProvisionedToAccount', 'sso:ListAccountAssignments', 'sso:ListAccountAssignmentsForPrincipal'],
        leftOut: 'account assignments (permission-set grants)',
        resourceTypes: ['account'],
        run: ifInstance((s, p) => ic.fetchAssignments(ctx, s, p, { concurrency: o.concurrency, strategy: o.assignmentStrategy })),
      },
    );
    if (o.scim) {
      const scim = o.scim;
      phases.push({
        name: 'SCIM user status',
        required: false,
        needs: ['a valid SCIM bearer token'],
        leftOut: 'status of Identity Center users the Identity Store gives none',
        resourceTypes: ['sso_user'],
        run: ifInstance((s, p) => fetchScimStatus(scim, s, p, o.concurrency)),
      });
    }
  }
  return phases;
}
