/**
 * In-process fan-out of store changes to watchers. Each store owns one hub; each `watch` call
 * registers a subscriber at once (so no change made after `watch` returns is missed) with its
 * own queue, filtered by prefix.
 */
import { abortReason } from '../provider/abort.js';
import type { WatchDeleteEvent, WatchEvent, WatchPutEvent } from './state-store.js';

/** Options of a {@link WatchHub}. */
export interface WatchHubOptions {
  /**
   * Events a slow watcher may have queued before the hub drops its queue and gives it one
   * `gap` event instead, so that a stalled consumer cannot grow memory without bound.
   */
  maxQueuedEvents?: number | undefined;
}

interface Subscriber {
  readonly prefix: string;
  queue: WatchEvent[];
  wake: (() => void) | undefined;
  ended: boolean;
}

/** Delivers store changes to the watchers registered in this process. */
export class WatchHub {
  readonly #subscribers = new Set<Subscriber>();
  readonly #maxQueued: number;
  #closed = false;

  /** Creates a hub. */
  constructor(options: WatchHubOptions = {}) {
    this.#maxQueued = options.maxQueuedEvents ?? 100_000;
  }

  /** Number of live watchers (lets a store skip work nobody would see). */
  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * Registers a watcher for keys starting with `normalizedPrefix` and returns its stream. The
   * stream rejects with the signal's reason when it aborts and ends when the hub closes.
   */
  subscribe(normalizedPrefix: string, signal?: AbortSignal): AsyncIterable<WatchEvent> {
    const sub: Subscriber = { prefix: normalizedPrefix, queue: [], wake: undefined, ended: this.#closed };
    if (!sub.ended) this.#subscribers.add(sub);
    const onAbort = (): void => {
      this.#subscribers.delete(sub);
      sub.wake?.();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const detach = (): void => {
      this.#subscribers.delete(sub);
      sub.ended = true;
      signal?.removeEventListener('abort', onAbort);
    };
    const next = async (): Promise<IteratorResult<WatchEvent>> => {
      for (;;) {
        if (signal?.aborted) {
          detach();
          throw abortReason(signal);
        }
        const event = sub.queue.shift();
        if (event !== undefined) return { value: event, done: false };
        if (sub.ended) {
          detach();
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          sub.wake = resolve;
        });
        sub.wake = undefined;
      }
    };
    const iterator: AsyncIterator<WatchEvent> = {
      next,
      return: async () => {
        detach();
        return { value: undefined, done: true };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  /** Delivers a change to every watcher whose prefix matches its key. */
  publish(event: WatchPutEvent | WatchDeleteEvent): void {
    for (const sub of this.#subscribers) {
      if (event.key.startsWith(sub.prefix)) this.#enqueue(sub, event);
    }
  }

  /** Tells every watcher that changes may have been missed. */
  gap(reason: string): void {
    for (const sub of this.#subscribers) this.#enqueue(sub, { type: 'gap', reason });
  }

  /** Ends every watch (after the events already queued). */
  close(): void {
    this.#closed = true;
    for (const sub of this.#subscribers) {
      sub.ended = true;
      sub.wake?.();
    }
    this.#subscribers.clear();
  }

  #enqueue(sub: Subscriber, event: WatchEvent): void {
    if (sub.queue.length >= this.#maxQueued) {
      sub.queue = [{ type: 'gap', reason: `watcher fell more than ${this.#maxQueued} events behind` }];
      return;
    }
    sub.queue.push(event);
    sub.wake?.();
  }
}
