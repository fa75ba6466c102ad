/**
 * The retry strategy handed to the AWS SDK clients. It follows the SDK's "standard" mode
 * (bounded attempts, exponential backoff with full jitter, a shared retry quota so an outage
 * does not turn into a retry storm) with two differences that matter to a federation:
 * capacity errors are never retried here (failover should move on to another zone or cloud at
 * once, while the SDK's own strategy retries InsufficientInstanceCapacity because it is a
 * 500), and the backoff base is configurable so tests against the emulator stay fast.
 * When the attempts or the quota run out, the last error surfaces and is mapped to
 * `ThrottledError` by the adapter.
 */
import { backoffDelay } from '../../provider/retry.js';
import { awsErrorCode } from './error-mapping.js';

/** Options of {@link createSdkRetryStrategy}. */
export interface SdkRetryOptions {
  /** Attempts in all, the first included (default 5). */
  readonly maxAttempts?: number | undefined;
  /** Backoff base in milliseconds (default 100; throttling uses five times this). */
  readonly baseDelayMs?: number | undefined;
  /** Longest single delay in milliseconds (default 20,000). */
  readonly maxDelayMs?: number | undefined;
}

/** Errors that a retry in the same place cannot fix. */
const NEVER_RETRY = new Set(['InsufficientInstanceCapacity', 'InsufficientHostCapacity', 'InsufficientCapacity', 'Unsupported']);

/** Retry quota of the SDK's standard mode: 500 tokens, 5 per retry, 10 per timeout, 1 back per success. */
const QUOTA = { initial: 500, retryCost: 5, timeoutCost: 10, successRefund: 1 } as const;

// Structural copies of the SDK's RetryStrategyV2 contract (@smithy/types), so that this file
// needs no package beyond @aws-sdk/client-ec2 itself.
/** A retry token as the SDK's retry middleware reads it. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
/** What the middleware tells the strategy about a failed attempt. */
interface RetryErrorInfo {
  readonly error?: unknown;
  readonly errorType: 'TRANSIENT' | 'SERVER_ERROR' | 'THROTTLING' | 'CLIENT_ERROR';
  readonly retryAfterHint?: Date;
}
/** The strategy contract the SDK clients accept as `retryStrategy`. */
export interface SdkRetryStrategy {
  /** `standard`: reported in the SDK's user agent. */
  readonly mode: string;
  /** Token for the first attempt. */
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  /** Token for the next attempt, or a rejection when no retry should happen. */
  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken>;
  /** Called once an attempt succeeded. */
  recordSuccess(token: RetryToken): void;
}

interface Token extends RetryToken {
  readonly cost: number;
}

function token(count: number, delay: number, cost: number): Token {
  return { getRetryCount: () => count, getRetryDelay: () => delay, cost };
}

/** Builds the retry strategy; one instance is shared by all clients of a provider. */
export function createSdkRetryStrategy(options: SdkRetryOptions = {}): SdkRetryStrategy {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const base = options.baseDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 20_000;
  let capacity: number = QUOTA.initial;
  return {
    mode: 'standard',
    async acquireInitialRetryToken(): Promise<RetryToken> {
      return token(0, 0, 0);
    },
    async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
      const count = previous.getRetryCount();
      const code = awsErrorCode(info.error) ?? '';
      const retryable = (info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT') && !NEVER_RETRY.has(code);
      const cost = info.errorType === 'TRANSIENT' && /timeout/i.test(code) ? QUOTA.timeoutCost : QUOTA.retryCost;
      if (!retryable || count + 1 >= maxAttempts || capacity < cost) throw new Error('No retry token available');
      capacity -= cost;
      const throttling = info.errorType === 'THROTTLING';
      let delay = backoffDelay(count + 1, undefined, { baseDelayMs: throttling ? base * 5 : base, maxDelayMs: maxDelay });
      if (info.retryAfterHint instanceof Date) delay = Math.max(delay, Math.min(maxDelay, info.retryAfterHint.getTime() - Date.now()));
      return token(count + 1, delay, cost);
    },
    recordSuccess(done: RetryToken): void {
      const cost = (done as Partial<Token>).cost ?? 0;
      capacity = Math.min(QUOTA.initial, capacity + (cost > 0 ? cost : QUOTA.successRefund));
    },
  };
}
