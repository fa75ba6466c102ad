/**
 * The bounded time of one store call: the caller's signal joined with a deadline of the store's
 * own, so that a store that hangs is given up on (invariant 4). The call then tells a caller's
 * abort (rethrown as the signal's reason) from the deadline (a novacron error: `TimeoutError`
 * for a call that changes state, since it may have happened; `ProviderUnavailableError`,
 * retryable, for a read). A read stream outlives its call: {@link CallDeadline.release} lifts the
 * deadline once the answer has begun, leaving only the caller's signal on the stream.
 */
import { abortReason } from '../provider/abort.js';
import { ProviderUnavailableError, TimeoutError } from '../provider/errors.js';

/** What the error of an expired deadline names. */
export interface DeadlineContext {
  /** Store name. */
  readonly store: string;
  /** The call (`write`, `head`, ...). */
  readonly operation: string;
  /** The key it was about. */
  readonly key?: string | undefined;
  /** The call changes state. */
  readonly mutating?: boolean | undefined;
}

/** Thrown into the SDK's request when the store's own deadline passes. */
class DeadlinePassed extends Error {
  constructor(ms: number) {
    super(`deadline of ${ms} ms passed`);
    this.name = 'TimeoutError';
  }
}

/** A caller's signal joined with a deadline. */
export class CallDeadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private passed = false;
  private readonly onCallerAbort = (): void => this.controller.abort(abortReason(this.caller!));

  /** Starts the deadline: `timeoutMs` from now. */
  constructor(
    private readonly caller: AbortSignal | undefined,
    /** The deadline, ms. */
    readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.passed = true;
      this.controller.abort(new DeadlinePassed(timeoutMs));
    }, timeoutMs);
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** The signal to give the SDK: aborts on the caller's abort or at the deadline. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The deadline no longer applies (the answer has begun); the caller's signal still does. */
  release(): void {
    clearTimeout(this.timer);
  }

  /** Ends the deadline and stops listening to the caller. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  /**
   * The error to throw for `error` when the call was cut short: the caller's reason, or the
   * deadline's novacron error; `undefined` when neither fired.
   */
  cutShort(error: unknown, context: DeadlineContext): unknown {
    if (this.caller?.aborted) return abortReason(this.caller);
    if (!this.passed) return undefined;
    const message = `${context.operation}${context.key === undefined ? '' : ` of ${context.key}`} took longer than ${this.timeoutMs} ms`;
    return context.mutating
      ? new TimeoutError({ provider: context.store, message: `${message}; it may have taken effect`, resourceId: context.key, cause: error })
      : new ProviderUnavailableError({ provider: context.store, message, retryable: true, resourceId: context.key, cause: error });
  }
}

/**
 * Runs one call under a deadline and maps its failure: the deadline's or the caller's error when
 * either cut it short, else `mapError(error)`.
 */
export async function runWithDeadline<T>(
  context: DeadlineContext,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  mapError: (error: unknown) => unknown,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw abortReason(signal);
  const deadline = new CallDeadline(signal, timeoutMs);
  try {
    return await fn(deadline.signal);
  } catch (error) {
    throw deadline.cutShort(error, context) ?? mapError(error);
  } finally {
    deadline.dispose();
  }
}
