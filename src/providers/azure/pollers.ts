/**
 * Waiting, the Azure way: every PUT, DELETE and POST action of a VM, NIC, public IP, disk or
 * snapshot is a long-running operation that the SDK's poller follows (`Azure-AsyncOperation` or
 * `Location` header, InProgress → Succeeded or Failed). This file adds what a federation needs
 * around the SDK's pollers:
 *
 * - the resume token: once the initial request has been accepted (`submitted()`), the poller's
 *   serialized state is handed to the caller's `record` before any wait, so the create's record in
 *   the state store names the operation to follow; a fresh process rebuilds the poller from it
 *   with the SDK's `restorePoller` (`restoreFrom`) and waits for the same operation instead of
 *   starting over. The token is stripped of the operation's interim `result` (the resource body
 *   as first answered), so no part of a request body reaches the store;
 * - a time limit besides the caller's signal: an operation that does not end in time is a
 *   `TimeoutError` naming the resource, which still exists or may still come into being.
 */
import type { OperationState, PollerLike } from '@azure/core-lro';
import { TimeoutError } from '../../provider/errors.js';

/** A poller of the Azure SDKs (core-lro 3's `PollerLike`). */
export type AzurePoller<T> = PollerLike<OperationState<T>, T>;

/** Options of {@link AzurePollers}. */
export interface PollerTiming {
  /** Delay between polls when Azure gives no Retry-After, ms (default 2,000, the SDK's own). */
  readonly pollIntervalMs?: number | undefined;
  /** Default time limit of a wait, ms (default 15 minutes). */
  readonly waitTimeoutMs?: number | undefined;
}

/** What the poller's serialized state keeps of the operation. */
interface SerializedPoller {
  state?: { result?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The poller's serialized state without the operation's interim result (the resource body as
 * first answered, which may echo parts of the request); what remains locates the operation.
 */
export function resumeTokenOf(serialized: string): string {
  const parsed = JSON.parse(serialized) as SerializedPoller;
  if (parsed.state && typeof parsed.state === 'object') delete parsed.state.result;
  return JSON.stringify(parsed);
}

/** Waiting on the Azure SDK's pollers. */
export class AzurePollers {
  /** Delay between polls, for the operations the adapter starts. */
  readonly pollIntervalMs: number;
  private readonly waitTimeoutMs: number;

  /** Keeps the timing. */
  constructor(
    private readonly providerName: string,
    timing: PollerTiming = {},
  ) {
    this.pollIntervalMs = timing.pollIntervalMs ?? 2_000;
    this.waitTimeoutMs = timing.waitTimeoutMs ?? 15 * 60_000;
  }

  /**
   * Waits until the initial request of `poller` was accepted, then hands its resume token to
   * `record` (before any wait). Rejects with the initial request's failure.
   */
  async submitted<T>(poller: AzurePoller<T>, record?: (resumeToken: string) => Promise<void>): Promise<void> {
    await poller.submitted();
    if (record) await record(resumeTokenOf(await poller.serialize()));
  }

  /**
   * Waits for the operation to end: its result, or its failure; the caller's signal aborts the
   * wait (the operation goes on in Azure); past `timeoutMs` a `TimeoutError` names `resourceId`.
   */
  async wait<T>(poller: AzurePoller<T>, options: { readonly signal?: AbortSignal | undefined; readonly timeoutMs?: number | undefined; readonly resourceId?: string | undefined; readonly what: string }): Promise<T> {
    const limitMs = options.timeoutMs ?? this.waitTimeoutMs;
    const deadline = AbortSignal.timeout(limitMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      return await poller.pollUntilDone({ abortSignal: signal });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (deadline.aborted) {
        throw new TimeoutError({
          provider: this.providerName,
          resourceId: options.resourceId,
          message: `${options.what} did not finish within ${limitMs} ms${options.resourceId ? `; ${options.resourceId} exists or may still come into being` : ''}`,
          cause: error,
        });
      }
      throw error;
    }
  }
}
