/**
 * The SDK's retry strategies (standard: exponential backoff with full jitter; adaptive: the same plus a client-side
 * rate limiter that slows sending after throttling), with every wait shortened by a factor: C1_AWS_RETRY_DELAY_SCALE
 * (0 < factor <= 1; unset = 1 = the SDK's own strategies, untouched). Same algorithms, same attempts, shorter waits:
 * for runs against an emulator that injects throttling (the fault tests), where waiting real seconds proves nothing.
 */
import { AdaptiveRetryStrategy, DefaultRateLimiter, StandardRetryStrategy } from '@smithy/util-retry';
import { UsageError } from '../errors';
import type { RetryMode } from './context';

export const RETRY_DELAY_SCALE_ENV = 'C1_AWS_RETRY_DELAY_SCALE';

/** The factor from the environment; a value that is not a number in (0, 1] is a usage error naming the variable. */
export function retryDelayScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[RETRY_DELAY_SCALE_ENV];
  if (raw === undefined || raw === '') return 1;
  const n = /^\d*\.?\d+(e-?\d+)?$/i.test(raw.trim()) ? Number(raw) : NaN;
  if (!(n > 0 && n <= 1)) throw new UsageError(`${RETRY_DELAY_SCALE_ENV} must be a number greater than 0 and at most 1 (a factor on retry waits)`);
  return n;
}

type Backoff = { computeNextBackoffDelay(retryAttempt: number): number; setDelayBase(delay: number): void };

/** The SDK's standard strategy whose backoff delays (its own formula and bases) are multiplied by `scale`. */
class ScaledStandardRetryStrategy extends StandardRetryStrategy {
  constructor(maxAttempts: number, scale: number) {
    super(maxAttempts);
    scaleBackoff(this.retryBackoffStrategy, scale);
  }
  /** A scaled copy of the SDK's default backoff, for the adaptive strategy (which builds its standard one itself). */
  static backoff(scale: number): Backoff {
    return new ScaledStandardRetryStrategy(1, scale).retryBackoffStrategy;
  }
}

function scaleBackoff(backoff: Backoff, scale: number): void {
  const compute = backoff.computeNextBackoffDelay.bind(backoff);
  backoff.computeNextBackoffDelay = (attempt: number) => Math.floor(compute(attempt) * scale);
}

/**
 * The SDK's rate limiter on a clock `1 / scale` times faster, expressed through its public options: its rates (tokens
 * per second) grow by 1/scale and its cubic recovery constant by 1/scale^4 (time enters it cubed, and the rate once).
 * The starting values are the SDK's defaults (DefaultRateLimiter: minFillRate 0.5, scaleConstant 0.4).
 */
function scaledRateLimiter(scale: number): DefaultRateLimiter {
  return new DefaultRateLimiter({ minFillRate: 0.5 / scale, scaleConstant: 0.4 / scale ** 4 });
}

/** A retry strategy for the clients, or undefined for the SDK's own (no scaling asked for). */
export function scaledRetryStrategy(mode: RetryMode, maxAttempts: number, scale: number): StandardRetryStrategy | AdaptiveRetryStrategy | undefined {
  if (scale === 1) return undefined;
  if (mode === 'standard') return new ScaledStandardRetryStrategy(maxAttempts, scale);
  return new AdaptiveRetryStrategy(maxAttempts, { maxAttempts, rateLimiter: scaledRateLimiter(scale), backoff: ScaledStandardRetryStrategy.backoff(scale) });
}
