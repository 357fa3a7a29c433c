/**
 * `c1-aws sync` through the fault proxy: under 20% throttling plus 5% 5xx it completes and writes the very same bytes
 * as a fault-free run (same --synced-at); a sync killed (SIGKILL) while the proxy slows responses leaves the previous
 * snapshot file untouched. The fault-free reference runs in process (./cli.ts); the run under faults (exit 0) and the
 * killed one are child processes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAwsContext } from '../../../connector/src/aws';
import { FaultProxy, startFaultProxy } from '../../harness/fault-proxy';
import { MOTO_CREDENTIALS, MOTO_REGION, Moto, startMoto } from '../../harness/moto';
import { seedTestEstate } from '../../harness/seed-estate';
import { c1, FAULT_RETRY_ENV, startC1 } from './cli';

const AT = '2026-01-01T00:00:00Z';
const FEATURES = ['--global-aws-orgs-enabled', 'true', '--global-aws-sso-enabled', 'true', '--global-aws-sso-region', MOTO_REGION];
let moto: Moto;
let proxy: FaultProxy;
let dir: string;
let clean: string;

beforeAll(async () => {
  moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
  await seedTestEstate(ctx);
  ctx.destroy();
  proxy = await startFaultProxy({ target: moto.endpoint, seed: 20261127, disarmed: true });
  dir = mkdtempSync(path.join(tmpdir(), 'c1-sync-faults-'));
  // The fault-free reference, through the same (disarmed) proxy.
  const out = path.join(dir, 'clean.json');
  const run = await c1(['sync', '-o', out, '--synced-at', AT, '--quiet', ...FEATURES], { ...proxy.env, ...FAULT_RETRY_ENV });
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(proxy.errorFaults()).toBe(0);
  clean = readFileSync(out, 'utf8');
}, 120000);
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

test('under 20% throttling and 5% 5xx, sync completes with a byte-identical snapshot', async () => {
  proxy.resetStats();
  proxy.arm({ rates: { throttle: 0.2, http500: 0.025, http503: 0.025 } });
  const out = path.join(dir, 'faulty.json');
  const run = await c1(['sync', '-o', out, '--synced-at', AT, '--json', ...FEATURES], { ...proxy.env, ...FAULT_RETRY_ENV }, { child: true });
  proxy.disarm();
  const s = proxy.stats();
  console.log(`sync under faults: ${s.requests} requests, faults ${JSON.stringify(s.faults)}`);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(s.faults.throttle).toBeGreaterThan(0);
  expect(s.faults.http500 + s.faults.http503).toBeGreaterThan(0);
  expect(readFileSync(out, 'utf8')).toBe(clean);
  // The summary counts calls, not attempts: the same calls as the clean run.
  expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
}, 300000);

test('a sync killed mid-way (SIGKILL while responses are slow) leaves the previous snapshot intact', async () => {
  const out = path.join(dir, 'previous.json');
  writeFileSync(out, clean);
  proxy.resetStats();
  proxy.arm({ rates: {}, slowRate: 1, slowMs: 200 });
  const { child, done } = startC1(['sync', '-o', out, '--quiet', ...FEATURES], { ...proxy.env, ...FAULT_RETRY_ENV });
  // Mid-way: some AWS calls made, far from all.
  const deadline = Date.now() + 60000;
  while (proxy.stats().requests < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(proxy.stats().requests).toBeGreaterThanOrEqual(8);
  child.kill('SIGKILL');
  const run = await done;
  proxy.disarm();
  expect(run.signal).toBe('SIGKILL');
  expect(readFileSync(out, 'utf8')).toBe(clean);
  // No half-written temp file next to it either.
  expect(readdirSync(dir).filter((f) => f.includes('previous'))).toEqual(['previous.json']);
  expect(existsSync(out)).toBe(true);
}, 120000);
