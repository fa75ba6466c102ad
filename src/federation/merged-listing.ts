/**
 * Streams the VMs of several providers at once, with at most `concurrency` listings running,
 * so that one slow cloud does not hold the others back and one failing cloud does not hide
 * the others' VMs. Each VM comes with its display (`${vm}` and `console.log(vm)` read as a line).
 */
import { throwIfAborted } from '../provider/abort.js';
import { VM_DISPLAY } from '../provider/display.js';
import { NovacronError } from '../provider/errors.js';
import type { ListVMsFilter, ProviderV1 } from '../provider/provider-v1.js';
import type { VM } from '../provider/types.js';

/** A provider whose listing failed. */
export interface ProviderListingFailure {
  /** Provider name. */
  readonly provider: string;
  /** Error code (`AUTH`, `PROVIDER_UNAVAILABLE`, ...; `UNKNOWN` for foreign errors). */
  readonly code: string;
  /** Error message (secret-free for novacron errors). */
  readonly message: string;
  /** VMs of this provider yielded before it failed. */
  readonly yielded: number;
}

/**
 * VMs across providers. Iterate it; once iteration ends, `failures` says which providers
 * could not be listed (their VMs are missing from what was yielded) and `complete` is false
 * when any failed.
 */
export interface FederatedListing extends AsyncIterable<VM> {
  /** Providers whose listing failed, filled in as they fail. */
  readonly failures: readonly ProviderListingFailure[];
  /** True when every provider was listed to the end. */
  readonly complete: boolean;
}

/** Lists `providers` concurrently, `concurrency` at a time; items arrive as each provider yields them. */
export function mergedListing(
  providers: readonly ProviderV1[],
  filter: ListVMsFilter,
  options: { concurrency: number; signal?: AbortSignal | undefined },
): FederatedListing {
  const failures: ProviderListingFailure[] = [];
  let finished = false;
  const listing: FederatedListing = {
    get failures() {
      return failures;
    },
    get complete() {
      return finished && failures.length === 0;
    },
    [Symbol.asyncIterator]: () => iterate(),
  };

  async function* iterate(): AsyncGenerator<VM> {
    // A small channel: producers push, the consumer pulls; each producer waits while its item is unread.
    const queue: VM[] = [];
    let wake: (() => void) | undefined;
    let running = 0;
    let next = 0;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const start = (): void => {
      while (running < Math.max(1, options.concurrency) && next < providers.length) {
        const provider = providers[next++]!;
        running++;
        void pump(provider).finally(() => {
          running--;
          start();
          notify();
        });
      }
    };
    const pump = async (provider: ProviderV1): Promise<void> => {
      let yielded = 0;
      try {
        for await (const vm of provider.listVMs(filter, { signal: options.signal })) {
          queue.push(vm);
          yielded++;
          notify();
          // Back-pressure: let the consumer catch up before reading the next page's items.
          while (queue.length > 256) await new Promise<void>((r) => setTimeout(r, 1));
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        failures.push({
          provider: provider.name,
          code: NovacronError.isInstance(error) ? error.code : 'UNKNOWN',
          message: error instanceof Error ? error.message : String(error),
          yielded,
        });
      }
    };
    start();
    for (;;) {
      throwIfAborted(options.signal);
      if (queue.length > 0) {
        yield VM_DISPLAY.attach(queue.shift()!);
        continue;
      }
      if (running === 0 && next >= providers.length) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    finished = true;
  }

  return listing;
}
