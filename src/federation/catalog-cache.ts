/**
 * The placement engine over every provider's catalog, built once and rebuilt when asked or
 * when a provider that could not be read is due for another try.
 *
 * Each provider's catalog loads under its own deadline, and the build does not take any one
 * caller's signal: a provider that hangs is left out of the decision (reported unavailable)
 * once its deadline passes, and a caller that gives up stops waiting without failing the
 * build for the others.
 */
import { isAbortError } from '../provider/errors.js';
import type { Offer, Region } from '../provider/types.js';
import type { Policy } from './placement/index.js';
import type { LatencyMatrix } from './placement/index.js';
import { PlacementEngine } from './placement/index.js';
import { withDeadline } from './operations/deadline.js';
import type { ProviderRegistry } from './provider-registry.js';
import type { Logger } from './logger.js';

/** What the cache builds engines from. */
export interface CatalogCacheOptions {
  readonly registry: ProviderRegistry;
  readonly policies: readonly Policy[];
  readonly latency: LatencyMatrix;
  readonly carbon: (offer: Offer) => number | undefined;
  readonly topK: number | undefined;
  readonly clock: () => number;
  readonly log: Logger;
  /** How long until a provider that could not be read is tried again, in ms. */
  readonly retryMs: number;
}

/** The cached placement engine. */
export class CatalogCache {
  private engine: Promise<PlacementEngine> | undefined;
  private staleAt = Infinity;

  /** Creates an empty cache; the first {@link CatalogCache.get} loads the catalogs. */
  constructor(private readonly options: CatalogCacheOptions) {}

  /** Forgets the engine; the next decision reloads every catalog. */
  invalidate(): void {
    this.engine = undefined;
  }

  /** The engine, built on first use (or rebuilt when stale); `signal` only stops this caller's wait. */
  get(signal?: AbortSignal): Promise<PlacementEngine> {
    if (this.options.clock() >= this.staleAt) {
      this.staleAt = Infinity;
      this.engine = undefined;
    }
    const engine = (this.engine ??= this.build().catch((error: unknown) => {
      this.engine = undefined;
      throw error;
    }));
    if (!signal) return engine;
    return withDeadline({ operation: 'catalog' }, 2 ** 31 - 1, signal, () => engine);
  }

  private async build(): Promise<PlacementEngine> {
    const { registry, log } = this.options;
    const unavailable = new Map<string, string>();
    const loaded = await Promise.all(
      registry.registrations().map(async (reg) => {
        const name = reg.provider.name;
        try {
          return await withDeadline({ operation: 'catalog', provider: name }, registry.timeouts(name).catalogMs, undefined, async (signal) => {
            const regions = new Map<string, Region>();
            for await (const r of reg.provider.regions({ signal })) regions.set(r.name, r);
            const offers: Offer[] = [];
            for await (const o of reg.provider.offers(undefined, { signal })) {
              // Offers keep their kind; the engine keys them by provider name.
              if (regions.has(o.region)) offers.push(o);
            }
            return { reg, regions, offers };
          });
        } catch (error) {
          if (isAbortError(error)) throw error;
          // One cloud that cannot be read must not stop placement on the others.
          const message = error instanceof Error ? error.message : String(error);
          unavailable.set(name, `catalog could not be loaded: ${message}`);
          log.warn('provider catalog unavailable', { provider: name, message });
          return undefined;
        }
      }),
    );
    const entries = loaded.filter((e) => e !== undefined);
    for (const e of entries) for (const r of e.regions.values()) this.options.latency.addRegion(r.name, r.geo);
    // Try the providers that failed again on a later decision.
    if (unavailable.size > 0) this.staleAt = Math.min(this.staleAt, this.options.clock() + this.options.retryMs);
    return new PlacementEngine({
      providers: entries.map((e) => ({ provider: e.reg.provider, defaults: e.reg.defaults ?? {}, regions: e.regions, offers: e.offers })),
      policies: this.options.policies,
      latency: this.options.latency,
      carbon: this.options.carbon,
      topK: this.options.topK,
      unavailable,
    });
  }
}
