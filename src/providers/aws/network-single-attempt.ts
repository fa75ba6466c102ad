/**
 * Creates that EC2 cannot deduplicate must not be retried blindly. The SDK retries an attempt
 * whose answer was lost (a reset connection, a request timeout, a 5xx): harmless for
 * RunInstances, whose ClientToken makes the retry a lookup, but CreateVpnConnection,
 * CreateVpnGateway, CreateVpc and the other network creates take no ClientToken (EC2 API
 * Reference, read 2026-12), so the retry would make a second resource. This middleware, placed
 * inside the SDK's retry loop (the `deserialize` step runs once per attempt), lets the SDK retry
 * only what proves nothing happened: throttling (EC2 refused the request) and attempts that
 * never left this machine (see `attempt-tracking.ts`). Any other failure ends the call with the
 * attempt's own error, and the companion settles it with `findByIdempotencyKey`.
 */
import { isAbortError } from '../../provider/errors.js';
import { failedBeforeSending } from './attempt-tracking.js';
import { awsErrorCode } from './error-mapping.js';

/** Codes of a refused (throttled) request, as the SDK's retry logic reads them. */
const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'EC2ThrottledException', 'TooManyRequestsException', 'SlowDown']);

/** Carries an attempt's failure past the SDK's retry loop, which sees no retryable trait on it. */
class AttemptMayHaveActed extends Error {
  constructor(readonly original: unknown) {
    super('the attempt may have taken effect; not retried');
    this.name = 'NovacronAttemptMayHaveActed';
  }
}

/** True when a failed attempt proves the request had no effect. */
function harmless(error: unknown): boolean {
  if (isAbortError(error) || failedBeforeSending(error)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return THROTTLING.has(awsErrorCode(error) ?? '') || status === 429;
}

/** The part of a command's middleware stack used here (a structural copy of @smithy/types). */
interface CommandWithStack {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'deserialize'; priority: 'high'; name: string; override: boolean },
    ): void;
  };
}

/** The command, retried by the SDK only after failures that prove it had no effect. */
export function withoutBlindRetries<C>(command: C): C {
  (command as unknown as CommandWithStack).middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (harmless(error)) throw error;
        throw new AttemptMayHaveActed(error);
      }
    },
    { step: 'deserialize', priority: 'high', name: 'novacronNoBlindRetry', override: true },
  );
  return command;
}

/** The attempt's own error, out of the wrapper {@link withoutBlindRetries} put it in. */
export function attemptError(error: unknown): unknown {
  return error instanceof AttemptMayHaveActed ? error.original : error;
}
