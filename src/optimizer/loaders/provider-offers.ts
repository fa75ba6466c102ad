/**
 * Loaders that take offers from places that already have them: any `ProviderV1` adapter's
 * `offers()` (the AWS adapter's GetProducts + spot history plugs in here), a fixed list, or the
 * bundled dated snapshot (loaded with dynamic `import()` so that importing the optimizer stays cheap).
 */
import type { BundledOfferFilter } from '../../catalog/bundled-snapshot.js';
import type { CallOptions, ProviderV1 } from '../../provider/provider-v1.js';
import type { Offer } from '../../provider/types.js';
import type { OfferLoader } from '../catalog.js';

/** Options of {@link providerOffersLoader}. */
export interface ProviderOffersLoaderOptions {
  /** Loader name (default `provider:<provider name>`). */
  readonly name?: string | undefined;
  /** Only these regions (each asked for separately); all the provider's regions when absent. */
  readonly regions?: readonly string[] | undefined;
}

/** A loader that streams a provider adapter's `offers()`. */
export function providerOffersLoader(provider: Pick<ProviderV1, 'name' | 'offers'>, options: ProviderOffersLoaderOptions = {}): OfferLoader {
  return {
    name: options.name ?? `provider:${provider.name}`,
    async *load(call: CallOptions = {}): AsyncIterable<Offer> {
      if (options.regions && options.regions.length > 0) {
        for (const region of options.regions) yield* provider.offers(region, { signal: call.signal });
      } else {
        yield* provider.offers(undefined, { signal: call.signal });
      }
    },
  };
}

/** A loader over a fixed list of offers (tests, user-supplied catalogs). */
export function staticOffersLoader(name: string, offers: readonly Offer[]): OfferLoader {
  return {
    name,
    async *load(): AsyncIterable<Offer> {
      yield* offers;
    },
  };
}

/** A loader over the bundled dated snapshot of AWS, Azure and GCP list prices. */
export function bundledSnapshotLoader(filter?: BundledOfferFilter, name = 'bundled-snapshot'): OfferLoader {
  return {
    name,
    async *load(): AsyncIterable<Offer> {
      const snapshot = await import('../../catalog/bundled-snapshot.js');
      yield* snapshot.bundledOffers(filter);
    },
  };
}
