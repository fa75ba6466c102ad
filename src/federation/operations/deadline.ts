/**
 * Bounded time for every provider call. A call runs under its own signal, which aborts when
 * the caller's signal aborts (a novacron `AbortError`) or when the call's deadline passes (a
 * novacron `TimeoutError`), and the call is raced against that signal, so even an adapter that
 * ignores its signal cannot keep the caller waiting past the deadline.
 */
import { AbortError, TimeoutError } from '../../provider/errors.js';

/** What a bounded call is, for its errors. */
export interface DeadlineContext {
  /** The operation (`createVM`, `catalog`, ...). */
  readonly operation: string;
  /** The provider called. */
  readonly provider?: string | undefined;
  /** The durable operation it belongs to. */
  readonly operationId?: string | undefined;
}

/** The novacron error for a caller's aborted signal (its reason kept, secret-free). */
export function abortErrorFor(signal: AbortSignal, context: DeadlineContext): AbortError {
  const reason: unknown = signal.reason;
  if (AbortError.isInstance(reason)) return reason;
  const why = reason instanceof Error && reason.name === 'TimeoutError' ? "the caller's signal timed out" : 'the caller aborted';
  return new AbortError({
    message: `${context.operation}${context.provider ? ` on ${context.provider}` : ''}: ${why}`,
    provider: context.provider,
    operationId: context.operationId,
    reason,
  });
}

/** Throws a novacron `AbortError` when the caller's signal has aborted. */
export function throwIfCallerAborted(signal: AbortSignal | undefined, context: DeadlineContext): void {
  if (signal?.aborted) throw abortErrorFor(signal, context);
}

/**
 * Runs `call` with a signal that aborts after `timeoutMs` (a `TimeoutError`) or when `signal`
 * aborts (an `AbortError`); settles by then whatever `call` does.
 */
export async function withDeadline<T>(
  context: DeadlineContext,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  throwIfCallerAborted(signal, context);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abortErrorFor(signal!, context));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(
      new TimeoutError({
        message: `${context.operation}${context.provider ? ` on ${context.provider}` : ''} did not finish within ${timeoutMs} ms`,
        provider: context.provider,
        operationId: context.operationId,
      }),
    );
  }, timeoutMs);
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    const fire = (): void => reject(controller.signal.reason);
    controller.signal.addEventListener('abort', fire, { once: true });
    stop = () => controller.signal.removeEventListener('abort', fire);
  });
  try {
    return await Promise.race([call(controller.signal), aborted]);
  } catch (error) {
    // Whatever the adapter made of the abort, the caller gets the novacron error behind it.
    if (controller.signal.aborted) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    stop?.();
    signal?.removeEventListener('abort', onAbort);
  }
}
