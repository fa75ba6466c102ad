import { describe, expect, it } from 'vitest';
import { AuthError, createEventBus, isAbortError, ThrottledError, type OperationRetriedEvent } from '../../src/index.js';
import { backoffDelay, sleep, withRetry } from '../../src/provider-utils/index.js';

describe('withRetry', () => {
  it('retries retryable errors and reports each retry as an event', async () => {
    const bus = createEventBus();
    const retries: OperationRetriedEvent[] = [];
    bus.on('operation.retried', (e) => retries.push(e));
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ThrottledError({ message: 'slow down', provider: 'p', retryAfterMs: 2 });
        return 'done';
      },
      { operation: 'createVM', provider: 'p', events: bus, baseDelayMs: 1 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(retries.map((r) => [r.attempt, r.errorCode])).toEqual([
      [1, 'THROTTLED'],
      [2, 'THROTTLED'],
    ]);
    expect(retries.every((r) => r.delayMs >= 2)).toBe(true);
  });

  it('never retries non-retryable errors', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new AuthError({ message: 'denied' });
      },
      { operation: 'x' },
    ).catch((e: unknown) => e);
    expect(AuthError.isInstance(error)).toBe(true);
    expect(calls).toBe(1);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw new ThrottledError({ message: `try ${calls}` });
      },
      { operation: 'x', maxAttempts: 4, baseDelayMs: 1 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((error as Error).message).toContain('try 4');
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = withRetry(
      async () => {
        throw new ThrottledError({ message: 'x', retryAfterMs: 60_000 });
      },
      { operation: 'x', signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 5);
    expect(isAbortError(await pending.catch((e: unknown) => e))).toBe(true);
  });

  it('computes full-jitter exponential delays, never below retry-after', () => {
    expect(backoffDelay(1, new Error('x'), { baseDelayMs: 100, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(4, new Error('x'), { baseDelayMs: 100, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(30, new Error('x'), { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(1, new ThrottledError({ message: 'x', retryAfterMs: 5000 }), { baseDelayMs: 100, random: () => 0 })).toBe(5000);
  });

  it('sleep rejects at once on an aborted signal', async () => {
    expect(isAbortError(await sleep(1000, AbortSignal.abort()).catch((e: unknown) => e))).toBe(true);
  });
});
