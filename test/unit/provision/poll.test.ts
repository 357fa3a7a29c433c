import { pollUntil } from '../../../connector/src/provision/poll';

/** A fake clock: sleep advances time instantly. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps };
}

test('backs off from the initial delay up to the cap, and returns the first terminal value', async () => {
  const c = clock();
  let n = 0;
  const r = await pollUntil(async () => (++n === 6 ? 'SUCCEEDED' : undefined), { ...c, initialDelayMs: 1000, maxDelayMs: 3000, timeoutMs: 60_000 });
  expect(r).toEqual({ done: true, value: 'SUCCEEDED' });
  expect(c.sleeps).toEqual([1000, 1500, 2250, 3000, 3000, 3000]);
});

test('gives up at the timeout, never sleeping past it', async () => {
  const c = clock();
  const r = await pollUntil(async () => undefined, { ...c, initialDelayMs: 1000, maxDelayMs: 10_000, timeoutMs: 5000 });
  expect(r).toEqual({ done: false, polls: 4, waitedMs: 5000 });
  expect(c.sleeps).toEqual([1000, 1500, 2250, 250]);
});

test('defaults: first check after 1 s, five minutes in all', async () => {
  const c = clock();
  const r = await pollUntil(async () => undefined, c);
  expect(c.sleeps[0]).toBe(1000);
  expect(Math.max(...c.sleeps)).toBe(10_000);
  expect(r).toMatchObject({ done: false, waitedMs: 300_000 });
});
