/**
 * AWS sources against in-process stubs (aws-sdk-client-mock), for what moto cannot show: GAAD paging (moto ignores
 * MaxItems/Marker), URL-encoded trust policies as AWS sends them, and listing provisioned pairs per permission set
 * (moto answers ListAccountsForProvisionedPermissionSet with the caller's account only).
 */
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListAccountAssignmentsCommand, ListAccountsForProvisionedPermissionSetCommand, ListPermissionSetsProvisionedToAccountCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { createAwsContext } from '../../../connector/src/aws';
import type { PhaseProgress } from '../../../connector/src/sync/engine';
import { fetchAuthorizationDetails } from '../../../connector/src/sync/aws/iam';
import { chooseAssignmentStrategy, fetchAssignments } from '../../../connector/src/sync/aws/identity-center';
import { emptyState } from '../../../connector/src/sync/aws/state';
import { buildRoles } from '../../../connector/src/sync/resources/role';

const progress: PhaseProgress = { total() {}, tick() {}, warn() {} };
const ctx = () => createAwsContext({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, region: 'us-east-1' });

test('GAAD is paged with MaxItems 1000 and the Marker until IsTruncated is false; AWS-encoded trust policies decode', async () => {
  const iam = mockClient(IAMClient);
  const user = (i: number) => ({ UserName: `u${i}`, Arn: `arn:aws:iam::123456789012:user/u${i}`, GroupList: [] });
  const encoded = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/u1' }, Action: 'sts:AssumeRole' }] }));
  iam
    .on(GetAccountAuthorizationDetailsCommand, { Marker: undefined })
    .resolves({ UserDetailList: [user(1), user(2)], IsTruncated: true, Marker: 'm1' })
    .on(GetAccountAuthorizationDetailsCommand, { Marker: 'm1' })
    .resolves({ GroupDetailList: [{ GroupName: 'g', Arn: 'arn:aws:iam::123456789012:group/g' }], IsTruncated: true, Marker: 'm2' })
    .on(GetAccountAuthorizationDetailsCommand, { Marker: 'm2' })
    .resolves({ RoleDetailList: [{ RoleName: 'r', Arn: 'arn:aws:iam::123456789012:role/r', AssumeRolePolicyDocument: encoded }], IsTruncated: false });
  const c = ctx();
  const s = emptyState('us-east-1');
  s.accountId = '123456789012';
  await fetchAuthorizationDetails(c, s, progress);
  const calls = iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((x) => x.args[0].input);
  expect(calls).toEqual([1, 2, 3].map((_, i) => ({ Filter: ['User', 'Group', 'Role'], MaxItems: 1000, Marker: [undefined, 'm1', 'm2'][i] })));
  expect([s.users.length, s.groups.length, s.roles.length]).toEqual([2, 1, 1]);
  expect(buildRoles(s).grants.map((g) => g.id)).toEqual(['role:arn:aws:iam::123456789012:role/r:assignment:iam_user:arn:aws:iam::123456789012:user/u1']);
  iam.restore();
  c.destroy();
});

test('with fewer permission sets than accounts, pairs are listed per permission set', async () => {
  const sso = mockClient(SSOAdminClient);
  const accounts = ['111111111111', '222222222222', '333333333333', '444444444444'];
  sso
    .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: 'ps-1' })
    .resolves({ AccountIds: ['111111111111', '999999999999'] })
    .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: 'ps-2' })
    .resolves({ AccountIds: [] })
    .on(ListAccountAssignmentsCommand)
    .resolves({ AccountAssignments: [{ AccountId: '111111111111', PermissionSetArn: 'ps-1', PrincipalType: 'USER', PrincipalId: 'u-1' }] });
  const c = ctx();
  const s = emptyState('us-east-1');
  s.identityCenter = { instanceArn: 'arn:aws:sso:::instance/ssoins-1', identityStoreId: 'd-1' };
  s.accounts = accounts.map((id) => ({ id, name: id, status: 'ACTIVE' }));
  s.permissionSets = [{ arn: 'ps-1', name: 'A' }, { arn: 'ps-2', name: 'B' }];
  s.ssoUsers = Array.from({ length: 10 }, (_, i) => ({ userId: `u-${i}`, userName: `u${i}`, emails: [], externalIds: [] }));
  await fetchAssignments(c, s, progress, { concurrency: 2, strategy: 'auto' });
  expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)).toHaveLength(0);
  expect(sso.commandCalls(ListAccountsForProvisionedPermissionSetCommand)).toHaveLength(2);
  // Only the one provisioned pair in an active account of ours is read (999... is not in the organization).
  expect(sso.commandCalls(ListAccountAssignmentsCommand).map((x) => x.args[0].input.AccountId)).toEqual(['111111111111']);
  expect(s.assignments).toHaveLength(1);
  expect(s.assignmentStrategy).toBe('per-account');
  sso.restore();
  c.destroy();
});

test.each([
  [{ accounts: 20, permissionSets: 50, principals: 5300 }, 'list-pairs'],
  [{ accounts: 20, permissionSets: 50, principals: 5300, pairs: 1000 }, 'per-account'],
  [{ accounts: 20, permissionSets: 50, principals: 300, pairs: 1000 }, 'per-principal'],
  [{ accounts: 200, permissionSets: 5, principals: 4 }, 'per-principal'],
  [{ accounts: 3, permissionSets: 3, principals: 6, pairs: 6 }, 'per-account'],
])('assignment strategy for %j: %s', (counts, expected) => {
  expect(chooseAssignmentStrategy(counts)).toBe(expected);
});
