/**
 * `c1-aws grant` / `revoke` through the fault proxy apply each change exactly once:
 * - under 20% throttling plus 5% 5xx on every call, and under heavy faults aimed at the write calls only, each
 *   write API reaches moto exactly once per change (the proxy counts forwarded requests per API: faults are answered
 *   before forwarding, so a retried write is applied only by the attempt that gets through), and moto's state is
 *   checked afterwards (one membership, one assignment, then none);
 * - with ambiguous failures (the write applied, then a 500), the retry meets the write that already happened: the
 *   command must still end in the intended state, with no duplicate.
 * The commands run in process (./cli.ts), the file's first one as a child process (exit 0 of the binary).
 */
import { GetGroupCommand } from '@aws-sdk/client-iam';
import { ListGroupMembershipsCommand } from '@aws-sdk/client-identitystore';
import { ListAccountAssignmentsCommand } from '@aws-sdk/client-sso-admin';
import { AwsContext, createAwsContext } from '../../../connector/src/aws';
import { FaultProxy, FaultProxyOptions, isWrite, startFaultProxy } from '../../harness/fault-proxy';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';
import { seedWorld, World } from '../provision/world';
import { c1, FAULT_RETRY_ENV } from './cli';

let moto: Moto;
let proxy: FaultProxy;
let setup: AwsContext;
let w: World;

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  proxy = await startFaultProxy({ target: moto.endpoint, disarmed: true });
});
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  setup = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  w = await seedWorld(setup);
  proxy.disarm();
  proxy.resetStats();
});
afterEach(() => setup.destroy());

const developers = async () => (await setup.iam.send(new GetGroupCommand({ GroupName: 'developers' }))).Users!.map((u) => u.UserName).sort();
const devsMembers = async () =>
  (await setup.identityStore.send(new ListGroupMembershipsCommand({ IdentityStoreId: w.identityStoreId, GroupId: w.sso.devsGroupId }))).GroupMemberships!.map(
    (m) => m.MemberId?.UserId,
  );
const assignments = async () =>
  (await setup.ssoAdmin.send(new ListAccountAssignmentsCommand({ InstanceArn: w.instanceArn, AccountId: w.accounts.active, PermissionSetArn: w.permissionSetArn })))
    .AccountAssignments!.map((a) => `${a.PrincipalType}:${a.PrincipalId}`);

const CHANGES = () => ({
  iamGroup: ['--entitlement', w.entitlements.iamGroup, '--principal-type', 'iam_user', '--principal', w.iam.bobArn],
  ssoGroup: ['--entitlement', w.entitlements.ssoGroup, '--principal-type', 'sso_user', '--principal', w.sso.aliceId],
  assignment: ['--entitlement', w.entitlements.assignment, '--principal-type', 'sso_user', '--principal', w.sso.aliceId],
});
const WRITES = {
  grant: ['iam:AddUserToGroup', 'identitystore:CreateGroupMembership', 'sso:CreateAccountAssignment'],
  revoke: ['iam:RemoveUserFromGroup', 'identitystore:DeleteGroupMembership', 'sso:DeleteAccountAssignment'],
};

const timings: string[] = [];
let childRuns = 0;
async function run(verb: 'grant' | 'revoke', args: string[]) {
  const t0 = Date.now();
  const r = await c1([verb, ...args, '--json'], { ...proxy.env, ...FAULT_RETRY_ENV }, { child: childRuns++ === 0 });
  timings.push(`${verb} ${args[1].split(':')[0]} ${Date.now() - t0} ms`);
  if (r.code !== 0) throw new Error(`${verb} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as { status: string };
}
afterEach(() => {
  console.log(timings.splice(0).join('; '));
});

/**
 * Grants all three kinds, checks moto, revokes them, checks moto; returns the proxy's per-API numbers and the statuses
 * printed. `ambiguous`: a write whose first attempt was applied but answered 500 may be reported as
 * already-granted/already-revoked by the retry that found it done; the state is what counts.
 */
async function grantAndRevokeAll(ambiguous = false) {
  const ch = CHANGES();
  const statuses: string[] = [];
  const done = (verb: 'grant' | 'revoke') => (verb === 'grant' ? 'granted' : 'revoked');
  const ok = (verb: 'grant' | 'revoke', status: string) => {
    statuses.push(`${verb}:${status}`);
    expect(ambiguous ? [done(verb), `already-${done(verb)}`] : [done(verb)]).toContain(status);
  };
  for (const args of Object.values(ch)) ok('grant', (await run('grant', args)).status);
  expect(await developers()).toEqual(['bob', 'carol']);
  expect(await devsMembers()).toEqual([w.sso.aliceUserId]);
  expect(await assignments()).toEqual([`USER:${w.sso.aliceUserId}`]);
  for (const args of Object.values(ch)) ok('revoke', (await run('revoke', args)).status);
  expect(await developers()).toEqual(['carol']);
  expect(await devsMembers()).toEqual([]);
  expect(await assignments()).toEqual([]);
  return { ...proxy.stats(), statuses };
}

async function exactlyOnce(opts: Partial<FaultProxyOptions>) {
  proxy.arm(opts);
  const s = await grantAndRevokeAll();
  proxy.disarm();
  const writes = [...WRITES.grant, ...WRITES.revoke];
  const table = Object.fromEntries(writes.map((api) => [api, s.byApi[api]]));
  console.log(`faults ${JSON.stringify(s.faults)}; writes ${JSON.stringify(table)}; all ${JSON.stringify(s.byApi)}`);
  for (const api of writes) expect({ api, forwarded: s.byApi[api]?.forwarded }).toEqual({ api, forwarded: 1 });
  return s;
}

test('under 20% throttling and 5% 5xx, each grant and revoke is applied exactly once', async () => {
  const s = await exactlyOnce({ seed: 11, rates: { throttle: 0.2, http500: 0.025, http503: 0.025 } });
  expect(proxy.errorFaults()).toBeGreaterThan(0);
  expect(s.faults.throttle).toBeGreaterThan(0);
}, 300000);

test('with faults aimed at the write calls (60%), every write is retried and still applied exactly once', async () => {
  const s = await exactlyOnce({ seed: 5, rates: { throttle: 0.4, http500: 0.1, http503: 0.1 }, match: (_api, write) => write });
  const writeFaults = Object.entries(s.byApi)
    .filter(([api]) => isWrite(api))
    .reduce((n, [, v]) => n + (v.throttle ?? 0) + (v.http500 ?? 0) + (v.http503 ?? 0), 0);
  expect(writeFaults).toBeGreaterThan(0);
}, 300000);

test('ambiguous failures (write applied, then 500): the retry finds it done, state ends as intended with no duplicate', async () => {
  proxy.arm({ ambiguousWriteRate: 1, maxPerApi: { ambiguous: 1 } });
  const s = await grantAndRevokeAll(true);
  proxy.disarm();
  console.log(`ambiguous: statuses ${s.statuses.join(' ')}; ${JSON.stringify(Object.fromEntries([...WRITES.grant, ...WRITES.revoke].map((a) => [a, s.byApi[a]])))}`);
  for (const api of [...WRITES.grant, ...WRITES.revoke]) expect({ api, ambiguous: s.byApi[api]?.ambiguous }).toEqual({ api, ambiguous: 1 });
}, 300000);
