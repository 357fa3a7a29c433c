/**
 * C1_AWS_RETRY_DELAY_SCALE (connector/src/aws/retry.ts): the SDK's retry strategies with shorter waits. Unset, the
 * SDK's own strategies are used untouched; set, the same attempts are made (retries are not skipped), only sooner.
 */
import { UsageError } from '../../../connector/src/errors';
import { RETRY_DELAY_SCALE_ENV, retryDelayScale, scaledRetryStrategy } from '../../../connector/src/aws/retry';

/** What the tests read of a retry token (the SDK's token types are not a dependency of this package). */
type Token = { getRetryCount(): number };

describe('retryDelayScale', () => {
  test('unset or empty: 1 (the SDK as it is); a factor in (0, 1] is taken', () => {
    expect(retryDelayScale({})).toBe(1);
    expect(retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: '' })).toBe(1);
    expect(retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: '0.01' })).toBe(0.01);
    expect(retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: '1' })).toBe(1);
    expect(retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: '1e-3' })).toBe(0.001);
  });
  test.each(['0', '-0.5', '2', 'fast', '0x1', 'Infinity', '0.5s'])('%s is a usage error naming the variable and the rule', (value) => {
    expect(() => retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: value })).toThrow(UsageError);
    expect(() => retryDelayScale({ [RETRY_DELAY_SCALE_ENV]: value })).toThrow(`${RETRY_DELAY_SCALE_ENV} must be a number greater than 0 and at most 1`);
  });
});

describe('scaledRetryStrategy', () => {
  test('factor 1: none (the clients build the SDK default for the mode)', () => {
    expect(scaledRetryStrategy('adaptive', 5, 1)).toBeUndefined();
    expect(scaledRetryStrategy('standard', 5, 1)).toBeUndefined();
  });

  afterEach(() => jest.restoreAllMocks());

  test.each(['standard', 'adaptive'] as const)('%s: the same mode and attempts; throttling retries wait the SDK backoff times the factor', async (mode) => {
    // The jitter at its top: the SDK would wait ~1 + 2 + 4 + 8 s (exponential on its 1 s throttling base).
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    const strategy = scaledRetryStrategy(mode, 5, 0.01)!;
    expect(strategy.mode).toBe(mode);
    let token: Token = await strategy.acquireInitialRetryToken('iam');
    const started = Date.now();
    for (let i = 1; i <= 4; i++) {
      token = await strategy.refreshRetryTokenForRetry(token as never, { errorType: 'THROTTLING' });
      expect(token.getRetryCount()).toBe(i);
    }
    // ~150 ms at 0.01: waited, and in proportion (not skipped), but not 15 s.
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1500);
    // The fifth attempt was the last one: no more retries, as without the factor.
    await expect(strategy.refreshRetryTokenForRetry(token as never, { errorType: 'THROTTLING' })).rejects.toThrow('No retry token available');
  });

  test('a non-retryable error is still not retried', async () => {
    const strategy = scaledRetryStrategy('adaptive', 5, 0.001)!;
    const token = await strategy.acquireInitialRetryToken('iam');
    await expect(strategy.refreshRetryTokenForRetry(token as never, { errorType: 'CLIENT_ERROR' })).rejects.toThrow('No retry token available');
  });
});
