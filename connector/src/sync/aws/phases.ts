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
import type { AwsSyncState } from './state';

export interface AwsPhaseOptions {
  organizations: boolean;
  identityCenter: boolean;
  concurrency: number;
  assignmentStrategy: ic.AssignmentStrategyChoice;
  scim?: ScimConfig;
  /** Read the credential report (passwords last used); on by default. */
  credentialReport: boolean;
  /** Opt-in data from the same reads (toggles policies / access_keys, --sync-only-attached-policies). */
  optIn?: import('./state').OptInReads;
  /** With Organizations: read every active member account's IAM through this role ([path/]name, baton-aws's form). */
  memberAccounts?: { iamAssumeRoleName: string; chain?: import('../../aws/context').ChainOptions };
}

export function awsPhases(ctx: AwsContext, o: AwsPhaseOptions): Phase<AwsSyncState>[] {
  const phases: Phase<AwsSyncState>[] = [
    { name: 'caller identity', required: true, needs: ['sts:GetCallerIdentity'], leftOut: 'everything', run: (s) => iam.fetchCallerIdentity(ctx, s) },
    {
      name: 'IAM users, groups and roles',
      required: true,
      needs: ['iam:GetAccountAuthorizationDetails'],
      leftOut: 'everything',
      run: (s, p) => iam.fetchAuthorizationDetails(ctx, s, p),
    },
    { name: 'IAM account aliases', required: false, needs: ['iam:ListAccountAliases'], leftOut: 'the account aliases', run: (s) => iam.fetchAccountAliases(ctx, s) },
    {
      name: 'IAM SAML providers',
      required: false,
      needs: ['iam:ListSAMLProviders'],
      leftOut: 'SAML providers and the role grants to them',
      run: (s) => iam.fetchSamlProviders(ctx, s),
    },
    {
      name: 'IAM OIDC providers',
      required: false,
      needs: ['iam:ListOpenIDConnectProviders'],
      leftOut: 'OIDC providers and the role grants to them',
      run: (s) => iam.fetchOidcProviders(ctx, s),
    },
  ];
  // Access keys come from the report only, so the toggle reads it even with --credential-report=false.
  if (o.credentialReport || o.optIn?.accessKeys) {
    phases.push({
      name: 'IAM credential report',
      required: false,
      needs: ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'],
      leftOut: o.optIn?.accessKeys ? "IAM users' password last used and their access keys" : "IAM users' password last used",
      run: (s) => iam.fetchCredentialReport(ctx, s),
    });
  }
  if (o.organizations) {
    phases.push({
      name: 'Organizations accounts',
      required: false,
      needs: ['organizations:DescribeOrganization', 'organizations:ListAccounts'],
      leftOut: "the organization's accounts (only the caller's account is synced)",
      run: (s, p) => fetchOrganization(ctx, s, p),
    });
    if (o.memberAccounts) {
      const m = o.memberAccounts;
      phases.push({
        name: 'Member accounts IAM',
        required: false,
        needs: ['sts:AssumeRole on the member role of each account'],
        leftOut: "member accounts' IAM",
        run: (s, p) => fetchMemberAccounts(ctx, s, p, { iamAssumeRoleName: m.iamAssumeRoleName, chain: m.chain, concurrency: o.concurrency, credentialReport: o.credentialReport || o.optIn?.accessKeys === true }),
      });
    }
  }
  if (o.identityCenter) {
    const ifInstance = (run: Phase<AwsSyncState>['run']): Phase<AwsSyncState>['run'] => (s, p) => (s.identityCenter ? run(s, p) : Promise.resolve());
    phases.push(
      { name: 'Identity Center instance', required: false, needs: ['sso:ListInstances'], leftOut: 'all Identity Center data', run: (s, p) => ic.fetchInstance(ctx, s, p) },
      { name: 'Identity Center users', required: false, needs: ['identitystore:ListUsers'], leftOut: 'Identity Center users', run: ifInstance((s, p) => ic.fetchSsoUsers(ctx, s, p)) },
      { name: 'Identity Center groups', required: false, needs: ['identitystore:ListGroups'], leftOut: 'Identity Center groups', run: ifInstance((s, p) => ic.fetchSsoGroups(ctx, s, p)) },
      {
        name: 'Identity Center memberships',
        required: false,
        needs: ['identitystore:ListGroupMemberships'],
        leftOut: 'Identity Center group memberships',
        run: ifInstance((s, p) => ic.fetchSsoMemberships(ctx, s, p, o.concurrency)),
      },
      {
        name: 'Identity Center permission sets',
        required: false,
        needs: ['sso:ListPermissionSets', 'sso:DescribePermissionSet'],
        leftOut: 'permission sets (account entitlements) and assignments',
        run: ifInstance((s, p) => ic.fetchPermissionSets(ctx, s, p, o.concurrency)),
      },
      {
        name: 'Identity Center assignments',
        required: false,
        needs: ['sso:ListPermissionSetsProvisionedToAccount', 'sso:ListAccountAssignments', 'sso:ListAccountAssignmentsForPrincipal'],
        leftOut: 'account assignments (permission-set grants)',
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
        run: ifInstance((s, p) => fetchScimStatus(scim, s, p, o.concurrency)),
      });
    }
  }
  return phases;
}
