/**
 * The permission-set policy and organization-hierarchy reads against in-process stubs (aws-sdk-client-mock), only for
 * what moto cannot make: a permission set deleted between listing and reading (moto cannot interleave), a denied
 * policy read (fail-soft: the permission sets stay), multi-page policy lists (our page size is moto's limit), and
 * roots and OUs without a name. The main path runs on moto (test/integration/sync/org-sso.test.ts).
 */
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetInlinePolicyForPermissionSetCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListManagedPoliciesInPermissionSetCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsContext } from '../../../connector/src/aws';
import { isAccessDenied } from '../../../connector/src/aws/errors';
import { runSync } from '../../../connector/src/sync/engine';
import type { PhaseProgress } from '../../../connector/src/sync/engine';
import { fetchOrgHierarchy } from '../../../connector/src/sync/aws/org-hierarchy';
import { fetchPermissionSetPolicies } from '../../../connector/src/sync/aws/permission-set-policies';
import { awsPhases } from '../../../connector/src/sync/aws/phases';
import { emptyState } from '../../../connector/src/sync/aws/state';
import { permissionSetInlinePolicySyncer, permissionSetSyncer } from '../../../connector/src/sync/resources/permission-set';
import type { SyncWarning } from '../../../connector/src/sync/types';

const ctx = () => createAwsContext({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, region: 'us-east-1', maxAttempts: 1 });
const progressWith = (warnings: SyncWarning[]): PhaseProgress => ({ total() {}, tick() {}, warn: (w) => warnings.push(w) });
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

const stateWithSets = () => {
  const s = emptyState('us-east-1');
  s.identityCenter = { instanceArn: 'arn:aws:sso:::instance/ssoins-1', identityStoreId: 'd-1' };
  s.permissionSets = [
    { arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', name: 'A' },
    { arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-gone', name: 'Gone' },
  ];
  s.permissionSetPolicies = new Map();
  return s;
};

test('policy lists are read to the last page; a permission set deleted meanwhile is left out with a warning', async () => {
  const sso = mockClient(SSOAdminClient);
  const ps1 = 'arn:aws:sso:::permissionSet/ssoins-1/ps-1';
  sso
    .on(ListManagedPoliciesInPermissionSetCommand, { PermissionSetArn: ps1, NextToken: undefined })
    .resolves({ AttachedManagedPolicies: [{ Arn: 'arn:aws:iam::aws:policy/A', Name: 'A' }], NextToken: 't1' })
    .on(ListManagedPoliciesInPermissionSetCommand, { PermissionSetArn: ps1, NextToken: 't1' })
    .resolves({ AttachedManagedPolicies: [{ Arn: 'arn:aws:iam::aws:policy/job-function/B', Name: 'B' }] })
    .on(ListCustomerManagedPolicyReferencesInPermissionSetCommand, { PermissionSetArn: ps1 })
    // No Path: AWS's default "/" (baton-aws permission_set_assignment.go:312).
    .resolves({ CustomerManagedPolicyReferences: [{ Name: 'c' }] })
    .on(GetInlinePolicyForPermissionSetCommand, { PermissionSetArn: ps1 })
    .resolves({})
    .on(ListManagedPoliciesInPermissionSetCommand, { PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-gone' })
    .rejects(awsError('ResourceNotFoundException', 400));
  const c = ctx();
  const s = stateWithSets();
  const warnings: SyncWarning[] = [];
  await fetchPermissionSetPolicies(c, s, progressWith(warnings), { concurrency: 2, managed: true });
  expect(sso.commandCalls(ListManagedPoliciesInPermissionSetCommand).filter((x) => x.args[0].input.PermissionSetArn === ps1)).toHaveLength(2);
  expect([...s.permissionSetPolicies!.entries()]).toEqual([
    [ps1, { managed: [{ arn: 'arn:aws:iam::aws:policy/A', name: 'A' }, { arn: 'arn:aws:iam::aws:policy/job-function/B', name: 'B' }], customerManaged: [{ name: 'c', path: '/' }], inline: '' }],
  ]);
  expect(warnings.map((w) => w.source)).toEqual(['sso:permission-set-policies']);
  // The vanished one is still a permission set (it was described), just without policies; no inline resource.
  expect(permissionSetSyncer.build(s).resources.map((r) => r.displayName)).toEqual(['A', 'Gone']);
  expect(permissionSetSyncer.build(s).grants).toHaveLength(2);
  expect(permissionSetInlinePolicySyncer.build(s).resources).toEqual([]);
  sso.restore();
  c.destroy();
});

test('a denied policy read is a warning; the permission sets are still synced', async () => {
  const sso = mockClient(SSOAdminClient);
  sso.on(ListManagedPoliciesInPermissionSetCommand).rejects(awsError('AccessDeniedException', 400));
  const c = ctx();
  const s = stateWithSets();
  const phase = awsPhases(c, { organizations: true, identityCenter: true, concurrency: 2, assignmentStrategy: 'auto', credentialReport: false, optIn: { permission_sets: true } }).find(
    (p) => p.name === 'Identity Center permission-set policies',
  )!;
  const snap = await runSync({ state: s, phases: [phase], syncers: [permissionSetSyncer], isDenied: isAccessDenied, source: () => ({}), syncedAt: '2026-01-01T00:00:00.000Z' });
  expect(snap.warnings).toEqual([
    {
      source: 'Identity Center permission-set policies',
      message:
        "access denied: needs sso:ListManagedPoliciesInPermissionSet, sso:ListCustomerManagedPolicyReferencesInPermissionSet, sso:GetInlinePolicyForPermissionSet; left out: permission sets' managed, customer-managed and inline policies",
    },
  ]);
  expect(snap.resources.map((r) => r.displayName)).toEqual(['A', 'Gone']);
  expect(snap.grants).toEqual([]);
  sso.restore();
  c.destroy();
});

test('roots and OUs without a name are named by their id (baton-aws organization.go:44-47, 139-142); pages are followed', async () => {
  const org = mockClient(OrganizationsClient);
  // Catch-alls first: the more specific matchers below take precedence.
  org
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] })
    .on(ListAccountsForParentCommand)
    .resolves({ Accounts: [] })
    .on(ListRootsCommand)
    .resolves({ Roots: [{ Id: 'r-abc1', Name: '' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-abc1', NextToken: undefined })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-abc1-1' }], NextToken: 'n' })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-abc1', NextToken: 'n' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-abc1-2', Name: 'Two' }] })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-abc1-2', NextToken: undefined })
    .resolves({ Accounts: [{ Id: '111111111111' }], NextToken: 'a' })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-abc1-2', NextToken: 'a' })
    .resolves({ Accounts: [{ Id: '222222222222' }] });
  const c = ctx();
  const s = emptyState('us-east-1');
  await fetchOrgHierarchy(c, s, progressWith([]), { concurrency: 2, units: true });
  expect(s.orgHierarchy!.roots).toEqual([{ id: 'r-abc1', name: 'r-abc1', arn: undefined }]);
  expect(s.orgHierarchy!.units.map((u) => [u.id, u.name, u.parent.resource])).toEqual([
    ['ou-abc1-1', 'ou-abc1-1', 'r-abc1'],
    ['ou-abc1-2', 'Two', 'r-abc1'],
  ]);
  expect([...s.orgHierarchy!.accountParent.entries()]).toEqual([
    ['111111111111', { resourceType: 'organizational_unit', resource: 'ou-abc1-2' }],
    ['222222222222', { resourceType: 'organizational_unit', resource: 'ou-abc1-2' }],
  ]);
  // 3 parents: 1 + 2 pages of OUs under the root, 1 + 1 + 1 OU lists; accounts: 1 + 1 + 2 pages.
  expect(org.commandCalls(ListOrganizationalUnitsForParentCommand)).toHaveLength(4);
  expect(org.commandCalls(ListAccountsForParentCommand)).toHaveLength(4);
  org.restore();
  c.destroy();
});

test('no organization: a warning and flat accounts, not a failed sync', async () => {
  const org = mockClient(OrganizationsClient);
  org.on(ListRootsCommand).rejects(awsError('AWSOrganizationsNotInUseException', 400));
  const c = ctx();
  const s = emptyState('us-east-1');
  const warnings: SyncWarning[] = [];
  await fetchOrgHierarchy(c, s, progressWith(warnings), { concurrency: 2, units: true });
  expect(s.orgHierarchy).toBeUndefined();
  expect(warnings.map((w) => w.source)).toEqual(['organizations:ListRoots']);
  org.restore();
  c.destroy();
});
