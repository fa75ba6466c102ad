/**
 * The waiter of network resources: polls `get` until a resource reaches a state, against a
 * deadline the caller recorded (an epoch time, so that a resumed operation keeps the deadline
 * of the run that started the wait) and within a budget for this one run. A run whose budget
 * ends first returns `pending` instead of blocking: the durable operation stays open and a
 * later run picks the wait up again. Waits use real timers; the deadline is on the caller's clock.
 */
import { sleep } from '../provider/abort.js';
import { ConflictError, NotFoundError, TimeoutError } from '../provider/errors.js';
import type { NetworkProviderV1 } from '../provider/network-provider-v1.js';
import type { NetworkResourceMap, NetworkResourceRef, NetworkResourceState, NetworkResourceType } from '../provider/network-types.js';

/** Options of {@link waitForNetworkResource}. */
export interface NetworkWaitOptions {
  /** States that end the wait (default `available`). */
  readonly until?: readonly NetworkResourceState[] | undefined;
  /** Wait for the resource to be gone (`NotFoundError`) instead. */
  readonly gone?: boolean | undefined;
  /** When the wait fails with `TimeoutError`, in epoch ms of `now` (recorded by the caller). */
  readonly deadlineAt: number;
  /** Longest time this run waits before it returns `pending`, in ms (default 60,000). */
  readonly budgetMs?: number | undefined;
  /** Interval between polls, in ms (default 2,000). */
  readonly pollMs?: number | undefined;
  /** Clock of the deadline, in epoch ms (default `Date.now`). */
  readonly now?: (() => number) | undefined;
  /** Cancels the wait. */
  readonly signal?: AbortSignal | undefined;
}

/** What a wait ended with. */
export interface NetworkWaitResult<T extends NetworkResourceType> {
  /** `reached`: the state (or gone); `pending`: this run's budget ended first, the deadline has not passed. */
  readonly status: 'reached' | 'pending';
  /** The resource as last read (`undefined` once gone). */
  readonly resource: NetworkResourceMap[T] | undefined;
}

/**
 * Polls `ref` until it reaches `until` (or is gone), its deadline passes (`TimeoutError` naming
 * the resource) or this run's budget ends (`pending`). A resource that turns `failed` while
 * waited for is a `ConflictError` with the cloud's reason.
 */
export async function waitForNetworkResource<T extends NetworkResourceType>(
  network: NetworkProviderV1,
  ref: NetworkResourceRef<T>,
  options: NetworkWaitOptions,
): Promise<NetworkWaitResult<T>> {
  const now = options.now ?? Date.now;
  const until = options.until ?? ['available'];
  const budgetEnd = Date.now() + (options.budgetMs ?? 60_000);
  const pollMs = Math.max(1, options.pollMs ?? 2_000);
  for (;;) {
    let resource: NetworkResourceMap[T] | undefined;
    try {
      resource = await network.get(ref, { signal: options.signal });
    } catch (error) {
      if (options.gone && NotFoundError.isInstance(error)) return { status: 'reached', resource: undefined };
      throw error;
    }
    if (!options.gone && until.includes(resource.state)) return { status: 'reached', resource };
    if (!options.gone && resource.state === 'failed') {
      throw new ConflictError({ provider: network.provider, message: `${ref.type} ${ref.id} failed${resource.stateReason ? `: ${resource.stateReason}` : ''}` });
    }
    if (now() >= options.deadlineAt) {
      throw new TimeoutError({ provider: network.provider, message: `${ref.type} ${ref.id} is still ${resource.state} at its deadline (${new Date(options.deadlineAt).toISOString()})`, resourceId: ref.id });
    }
    if (Date.now() >= budgetEnd) return { status: 'pending', resource };
    await sleep(Math.min(pollMs, Math.max(1, budgetEnd - Date.now())), options.signal);
  }
}
