/**
 * Retry with exponential backoff and full jitter, honouring the cloud's retry-after. One
 * implementation for every caller, so that throttling is handled the same everywhere.
 */
import { sleep, throwIfAborted } from './abort.js';
import { NovacronError, ThrottledError } from './errors.js';
import type { EventBus } from './events.js';

/** How {@link withRetry} retries. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts?: number | undefined;
  /** Backoff base in milliseconds (default 100). */
  baseDelayMs?: number | undefined;
  /** Longest single delay in milliseconds (default 20,000). */
  maxDelayMs?: number | undefined;
  /** Source of randomness for jitter, in [0, 1) (default `Math.random`). */
  random?: (() => number) | undefined;
}

/** Options of {@link withRetry}. */
export interface RetryOptions extends RetryPolicy {
  /** Cancels waiting and further attempts. */
  signal?: AbortSignal | undefined;
  /** Operation name, for events. */
  operation: string;
  /** Provider name, for events. */
  provider?: string | undefined;
  /** Where `operation.retried` events go. */
  events?: EventBus | undefined;
  /** Which errors to retry (default: novacron errors marked `retryable`). */
  shouldRetry?: ((error: unknown) => boolean) | undefined;
}

/** Delay before attempt `attempt + 1`: full jitter over an exponential ceiling, never below retry-after. */
export function backoffDelay(attempt: number, error: unknown, policy: RetryPolicy = {}): number {
  const base = policy.baseDelayMs ?? 100;
  const max = policy.maxDelayMs ?? 20_000;
  const random = policy.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = ThrottledError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.min(Math.max(jittered, retryAfter), Math.max(max, retryAfter));
}

/** Runs `fn`, retrying retryable failures per the policy; the last error is rethrown. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const shouldRetry = options.shouldRetry ?? ((e: unknown) => NovacronError.isInstance(e) && e.retryable);
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !shouldRetry(error) || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, error, options);
      options.events?.publish('operation.retried', {
        provider: options.provider,
        operation: options.operation,
        attempt,
        delayMs,
        errorCode: NovacronError.isInstance(error) ? error.code : 'UNKNOWN',
        message: error instanceof Error ? error.message : String(error),
      });
      await sleep(delayMs, options.signal);
    }
  }
}
