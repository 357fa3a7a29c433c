/**
 * Waits for an Identity Center assignment request. AWS answers CreateAccountAssignment/DeleteAccountAssignment with
 * IN_PROGRESS and finishes in the background, usually within seconds; baton-aws polls every second for up to five
 * minutes. Here the delay grows (1 s, 1.5 s, ... up to 10 s) so long provisioning does not spend the API quota.
 */
export interface PollOptions {
  /** Give up after this long (default 300 000 ms: baton-aws's five minutes). */
  timeoutMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_POLL = { timeoutMs: 300_000, initialDelayMs: 1000, maxDelayMs: 10_000 } as const;

export type PollOutcome<T> = { done: true; value: T } | { done: false; polls: number; waitedMs: number };

/** Calls `check` until it returns a value (terminal state) or the time is up. The first check is after one delay. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: PollOptions = {}): Promise<PollOutcome<T>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_POLL.timeoutMs;
  const maxDelay = opts.maxDelayMs ?? DEFAULT_POLL.maxDelayMs;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const start = now();
  let delay = opts.initialDelayMs ?? DEFAULT_POLL.initialDelayMs;
  let polls = 0;
  for (;;) {
    const left = timeoutMs - (now() - start);
    if (left <= 0) return { done: false, polls, waitedMs: now() - start };
    await sleep(Math.min(delay, left));
    polls++;
    const value = await check();
    if (value !== undefined) return { done: true, value };
    delay = Math.min(Math.ceil(delay * 1.5), maxDelay);
  }
}
