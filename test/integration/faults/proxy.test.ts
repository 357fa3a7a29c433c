/**
 * The fault proxy itself, against a real moto: rates honoured within binomial bounds, caps and time windows respected,
 * error faults answered before a write is forwarded (and the opt-in ambiguous mode after it), both error dialects,
 * and SDK clients made by createAwsContext recovering from throttling, 5xx and resets with adaptive retry.
 */
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createAwsContext } from '../../../connector/src/aws';
import { FaultProxy, mulberry32, startFaultProxy } from '../../harness/fault-proxy';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';

let moto: Moto;
let proxy: FaultProxy | undefined;
const savedEnv = { ...process.env };
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto.stop();
  process.env = savedEnv;
});
beforeEach(() => moto.reset());
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const iamAt = (endpoint: string, maxAttempts = 1) =>
  new IAMClient({ endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts, retryMode: 'standard' });
const errorName = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }) =>
      e.$metadata?.httpStatusCode
        ? `${e.$metadata.httpStatusCode}:${e.name}`
        : // A reset reaches the caller as TimeoutError/ECONNRESET "socket hang up" (wrapped once more under jest).
          e.code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(String((e as Error).message))
          ? 'net:reset'
          : `net:${e.code ?? e.name}:${(e as Error).message}`,
  );

test('mulberry32 is reproducible and roughly uniform', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 10000 }, () => a());
  expect(Array.from({ length: 10000 }, () => b())).toEqual(xs);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  expect(mean).toBeGreaterThan(0.48);
  expect(mean).toBeLessThan(0.52);
});

test('rates are honoured within binomial bounds, the client sees each kind as its dialect, counters agree', async () => {
  proxy = await startFaultProxy({
    target: moto.endpoint,
    seed: 7,
    rates: { throttle: 0.2, http500: 0.05, http503: 0.05, reset: 0.05 },
    spareLastAttempt: false, // one attempt per call here: every call may be faulted
  });
  const iam = iamAt(proxy.endpoint);
  const n = 400;
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: 20 }, () => errorName(iam.send(new ListUsersCommand({})))));
    for (const r of batch) seen[r] = (seen[r] ?? 0) + 1;
  }
  iam.destroy();
  const s = proxy.stats();
  // Within 4 standard deviations of n*p.
  const within = (count: number, p: number) => Math.abs(count - n * p) <= 4 * Math.sqrt(n * p * (1 - p));
  expect(within(s.faults.throttle, 0.2)).toBe(true);
  expect(within(s.faults.http500, 0.05)).toBe(true);
  expect(within(s.faults.http503, 0.05)).toBe(true);
  expect(within(s.faults.reset, 0.05)).toBe(true);
  expect(s.faults.http500 + s.faults.http503 + s.faults.reset).toBeGreaterThan(0);
  // What the client saw is what the proxy counted.
  expect(seen['400:Throttling']).toBe(s.faults.throttle);
  const sum = (re: RegExp) => Object.entries(seen).filter(([k]) => re.test(k)).reduce((a, [, v]) => a + v, 0);
  expect(sum(/^500:/)).toBe(s.faults.http500);
  expect(sum(/^503:/)).toBe(s.faults.http503);
  expect(seen['net:reset'] ?? 0).toBe(s.faults.reset);
  expect(seen.ok).toBe(n - proxy.errorFaults());
  expect(s.requests).toBe(n);
  expect(s.forwarded).toBe(seen.ok);
  expect(s.byApi['iam:ListUsers']).toMatchObject({ requests: n, forwarded: seen.ok, throttle: s.faults.throttle });
});

test('the same seed and request sequence give the same faults', async () => {
  const run = async () => {
    const p = await startFaultProxy({ target: moto.endpoint, seed: 99, rates: { throttle: 0.3, http503: 0.1 }, spareLastAttempt: false });
    const iam = iamAt(p.endpoint);
    const out: string[] = [];
    for (let i = 0; i < 40; i++) out.push(await errorName(iam.send(new ListUsersCommand({}))));
    iam.destroy();
    await p.stop();
    return out;
  };
  const a = await run();
  expect(await run()).toEqual(a);
  expect(a.filter((x) => x !== 'ok').length).toBeGreaterThan(0);
});

test('counts are capped in total and per kind, and faults stop when the time window closes', async () => {
  proxy = await startFaultProxy({ target: moto.endpoint, rates: { throttle: 0.5, http500: 0.5 }, maxFaults: 6, maxPerKind: { http500: 2 }, spareLastAttempt: false });
  const iam = iamAt(proxy.endpoint);
  for (let i = 0; i < 40; i++) await errorName(iam.send(new ListUsersCommand({})));
  expect(proxy.errorFaults()).toBe(6);
  expect(proxy.stats().faults.http500).toBeLessThanOrEqual(2);
  // Per API: one fault of a kind per API at most.
  proxy.resetStats();
  proxy.arm({ rates: { throttle: 1 }, maxPerApi: { throttle: 1 }, spareLastAttempt: false });
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await errorName(iam.send(new ListUsersCommand({}))));
  expect(results).toEqual(['400:Throttling', 'ok', 'ok']);
  expect(await errorName(iam.send(new GetUserCommand({ UserName: 'nobody' })))).toBe('400:Throttling');

  proxy.resetStats();
  proxy.arm({ rates: { throttle: 1 }, activeMs: 300, spareLastAttempt: false });
  expect(await errorName(iam.send(new ListUsersCommand({})))).toBe('400:Throttling');
  await new Promise((r) => setTimeout(r, 400));
  for (let i = 0; i < 10; i++) expect(await errorName(iam.send(new ListUsersCommand({})))).toBe('ok');
  expect(proxy.errorFaults()).toBe(1);

  proxy.arm({ rates: { throttle: 1 }, spareLastAttempt: false });
  proxy.disarm();
  expect(await errorName(iam.send(new ListUsersCommand({})))).toBe('ok');
  iam.destroy();
});

test('the last announced attempt is spared, so a client with enough attempts always gets through', async () => {
  proxy = await startFaultProxy({ target: moto.endpoint, rates: { throttle: 1 } });
  // Standard mode: throttling backoff is at most 1 s + 2 s for 3 attempts.
  const iam = iamAt(proxy.endpoint, 3);
  const out = await iam.send(new ListUsersCommand({}));
  expect(out.$metadata.attempts).toBe(3);
  expect(proxy.stats().faults.throttle).toBe(2);
  iam.destroy();
});

test('error faults on writes are answered before forwarding: moto never applies a faulted write', async () => {
  proxy = await startFaultProxy({ target: moto.endpoint, rates: { http500: 1 }, spareLastAttempt: false });
  const viaProxy = iamAt(proxy.endpoint);
  const direct = iamAt(moto.endpoint);
  expect(await errorName(viaProxy.send(new CreateUserCommand({ UserName: 'alice' })))).toMatch(/^500:/);
  expect(await errorName(direct.send(new GetUserCommand({ UserName: 'alice' })))).toMatch(/NoSuchEntity/);
  expect(proxy.stats().byApi['iam:CreateUser']).toMatchObject({ requests: 1, forwarded: 0, http500: 1 });
  viaProxy.destroy();
  direct.destroy();
});

test('ambiguous mode forwards the write and fails anyway: the retry meets the write that already happened', async () => {
  proxy = await startFaultProxy({ target: moto.endpoint, ambiguousWriteRate: 1, maxPerKind: { ambiguous: 1 } });
  const iam = iamAt(proxy.endpoint, 2);
  // Attempt 1 is applied by moto and answered 500; attempt 2 finds the user there.
  expect(await errorName(iam.send(new CreateUserCommand({ UserName: 'bob' })))).toBe('409:EntityAlreadyExistsException');
  expect(proxy.stats().byApi['iam:CreateUser']).toMatchObject({ requests: 2, forwarded: 2, ambiguous: 1 });
  // Reads are never ambiguous-faulted.
  expect(await errorName(iam.send(new GetUserCommand({ UserName: 'bob' })))).toBe('ok');
  iam.destroy();
});

test('JSON services get ThrottlingException in their own dialect; /moto-api is never faulted', async () => {
  proxy = await startFaultProxy({ target: moto.endpoint, rates: { throttle: 1 }, spareLastAttempt: false });
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  const aws = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  expect(await errorName(aws.ssoAdmin.send(new ListInstancesCommand({})))).toBe('400:ThrottlingException');
  expect(await errorName(aws.organizations.send(new DescribeOrganizationCommand({})))).toBe('400:ThrottlingException');
  expect(await errorName(aws.sts.send(new GetCallerIdentityCommand({})))).toBe('400:Throttling');
  const res = await fetch(`${proxy.endpoint}/moto-api/reset`, { method: 'POST' });
  expect(res.status).toBe(200);
  expect(Object.keys(proxy.stats().byApi).sort()).toEqual(['moto-api', 'organizations:DescribeOrganization', 'sso:ListInstances', 'sts:GetCallerIdentity']);
  aws.destroy();
});

test('createAwsContext clients (AWS_ENDPOINT_URL at the proxy, adaptive retry) recover from throttling, 5xx and resets', async () => {
  const setup = new OrganizationsClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
  await setup.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  setup.destroy();
  proxy = await startFaultProxy({ target: moto.endpoint, seed: 3, rates: { throttle: 0.2, http500: 0.05, http503: 0.05, reset: 0.05 } });
  process.env.AWS_ENDPOINT_URL = proxy.endpoint;
  const aws = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, retryMode: 'adaptive', maxAttempts: 8 });
  const calls = [
    () => aws.iam.send(new ListUsersCommand({})),
    () => aws.sts.send(new GetCallerIdentityCommand({})),
    () => aws.ssoAdmin.send(new ListInstancesCommand({})),
    () => aws.organizations.send(new DescribeOrganizationCommand({})),
  ];
  const results: string[] = [];
  for (let i = 0; i < 36; i += 6) {
    results.push(...(await Promise.all(Array.from({ length: 6 }, (_, j) => errorName(calls[(i + j) % calls.length]())))));
  }
  aws.destroy();
  expect(results.filter((r) => r !== 'ok')).toEqual([]);
  const s = proxy.stats();
  expect(s.faults.throttle).toBeGreaterThan(0);
  expect(s.faults.http500 + s.faults.http503).toBeGreaterThan(0);
  expect(s.faults.reset).toBeGreaterThan(0);
  // Every fault cost one extra attempt, seen by the connector's own counter.
  const attempts = [...aws.calls.attempts.values()].reduce((a, b) => a + b, 0);
  expect(attempts).toBe(aws.calls.count() + proxy.errorFaults());
  expect(aws.calls.count()).toBe(36);
});
