/**
 * grant/revoke of an IAM group membership in a member account, through its member role (role chaining from the
 * management role's session), against moto: the change lands in that account and nowhere else (every member account
 * has groups and users of the same names), under the same scope guard. moto's IAM authorization mode stays off here:
 * it denies iam:GetGroup on a group that the member role's `group/*` statement covers (it matches resource ARNs
 * poorly, multi-account.md 3), so it cannot judge these resource-scoped policies; the sync test runs with it on.
 */
import { GetGroupCommand } from '@aws-sdk/client-iam';
import { createAwsContext, AwsContext } from '../../../connector/src/aws';
import { grant, ProvisionError, revoke } from '../../../connector/src/provision';
import { useMoto, MOTO_REGION } from '../../harness/moto';
import { startMissingRoleProxy, MissingRoleProxy } from '../../harness/missing-role-proxy';
import { adminIn, EXTERNAL_ID, MANAGEMENT_ROLE_ARN, MEMBER_ROLE_NAME, MemberEstate, seedMemberEstate } from '../../harness/seed-members';

const moto = useMoto({ resetBeforeEach: false });
let estate: MemberEstate;
let proxy: MissingRoleProxy;
const members = { iamAssumeRoleName: MEMBER_ROLE_NAME };

const managementCtx = (): AwsContext =>
  createAwsContext({ credentials: estate.deployerKeys, region: MOTO_REGION, maxAttempts: 1, assume: { roleArn: MANAGEMENT_ROLE_ARN, externalId: EXTERNAL_ID, propagationTimeoutMs: 0 } });

beforeAll(async () => {
  estate = await seedMemberEstate({ targeted: 4, users: 2, groups: 2, roles: 0, provisioning: true, edgeCases: true });
  proxy = await startMissingRoleProxy(moto.endpoint, [`arn:aws:iam::${estate.roleRemoved}:role/${MEMBER_ROLE_NAME}`]);
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
}, 120_000);
afterAll(() => proxy?.stop());

/** group-1's members in every member account that has it, read as the deployer through OrganizationAccountAccessRole. */
async function members1(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const base = createAwsContext({ credentials: estate.deployerKeys, region: MOTO_REGION, maxAttempts: 1 });
  for (const account of Object.keys(estate.expectedGrants)) {
    const a = adminIn(base, account);
    out[account] = ((await a.iam.send(new GetGroupCommand({ GroupName: 'group-1' }))).Users ?? []).map((u) => u.UserName!).sort();
    a.destroy();
  }
  base.destroy();
  return out;
}

test('a grant in a member account lands there and nowhere else; revoke takes it back', async () => {
  const target = estate.ready[0];
  const ids = { entitlement: `group:arn:aws:iam::${target}:group/group-1:member`, principalType: 'iam_user', principal: `arn:aws:iam::${target}:user/user-0` };
  const before = await members1();
  expect(before[target]).not.toContain('user-0');
  const ctx = managementCtx();
  try {
    const g = await grant(ctx, ids, { memberAccounts: members });
    expect(g.status).toBe('granted');
    const after = await members1();
    expect(after[target]).toEqual([...before[target], 'user-0'].sort());
    for (const other of Object.keys(before).filter((a) => a !== target)) expect(after[other]).toEqual(before[other]);
    expect((await grant(ctx, ids, { memberAccounts: members })).status).toBe('already-granted');
    expect((await revoke(ctx, ids, { memberAccounts: members })).status).toBe('revoked');
    expect(await members1()).toEqual(before);
  } finally {
    ctx.destroy();
  }
}, 120_000);

test('the scope guard holds in member accounts: a group outside --allowed-groups is refused before any write', async () => {
  const target = estate.ready[1];
  const ids = { entitlement: `group:arn:aws:iam::${target}:group/group-1:member`, principalType: 'iam_user', principal: `arn:aws:iam::${target}:user/user-0` };
  const ctx = managementCtx();
  try {
    // The scope names another account's groups only: refused on the spelling, before any call.
    await expect(grant(ctx, ids, { memberAccounts: members, allowedGroups: [`arn:aws:iam::${estate.ready[0]}:group/*`] })).rejects.toThrow(/not covered|outside|allowed/i);
    expect(ctx.calls.count()).toBe(0);
  } finally {
    ctx.destroy();
  }
  expect((await members1())[target]).not.toContain('user-0');
}, 60_000);

test('member accounts off: a group of another account is refused by the guard (the credentials are not in that account)', async () => {
  const target = estate.ready[0];
  const ctx = managementCtx();
  try {
    await expect(grant(ctx, { entitlement: `group:arn:aws:iam::${target}:group/group-1:member`, principalType: 'iam_user', principal: `arn:aws:iam::${target}:user/user-1` })).rejects.toThrow(ProvisionError);
  } finally {
    ctx.destroy();
  }
}, 60_000);

test('a member account whose role is missing: the grant fails naming the account and the role, nothing changed', async () => {
  const target = estate.roleRemoved!;
  const ctx = managementCtx();
  try {
    await expect(
      grant(ctx, { entitlement: `group:arn:aws:iam::${target}:group/group-1:member`, principalType: 'iam_user', principal: `arn:aws:iam::${target}:user/user-1` }, { memberAccounts: members }),
    ).rejects.toThrow(new RegExp(`cannot reach account ${target} through its member role arn:aws:iam::${target}:role/${MEMBER_ROLE_NAME}: access denied`));
  } finally {
    ctx.destroy();
  }
}, 60_000);
