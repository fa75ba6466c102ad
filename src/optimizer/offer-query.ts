/**
 * What "the cheapest offers that fit" means, stated once: the query shape, the price an offer is
 * ranked by, the match rule and the total order. The columnar {@link OfferIndex} and the
 * straightforward reference both follow these definitions, which is what lets a property test
 * demand identical answers from them.
 */
import type { Architecture, Offer, ProviderKind } from '../provider/types.js';

/** Which of an offer's prices a query ranks and filters by. */
export type PriceBasis = 'onDemand' | 'spot' | 'reserved1y' | 'reserved3y';

/** Every {@link PriceBasis}, in column order. */
export const PRICE_BASES: readonly PriceBasis[] = ['onDemand', 'spot', 'reserved1y', 'reserved3y'];

/** GPUs a query requires. */
export interface GpuRequirement {
  /** Minimum number of GPUs (at least 1). */
  readonly count: number;
  /** GPU model (`a100`, `t4`, ...; compared without case); any model when absent. */
  readonly model?: string | undefined;
}

/**
 * A question for the offer index: which offers fit, ranked by which price.
 *
 * Offers with GPUs match only queries that ask for GPUs (nobody pays for GPUs they did not ask
 * for), the same rule as `offerFits` in the provider layer.
 */
export interface OfferQuery {
  /** Minimum vCPUs. */
  readonly minVcpus?: number | undefined;
  /** Minimum memory in GiB. */
  readonly minMemoryGiB?: number | undefined;
  /** GPUs required; CPU-only offers when absent. */
  readonly gpu?: GpuRequirement | undefined;
  /**
   * Only these clouds (any when absent or empty). An {@link OfferIndex} built with `owners`
   * matches these against the owners (e.g. provider names) instead; `matchesQuery` always
   * reads `offer.provider`.
   */
  readonly providers?: readonly ProviderKind[] | undefined;
  /** Only these regions (any when absent or empty). */
  readonly regions?: readonly string[] | undefined;
  /** Only this CPU architecture. */
  readonly arch?: Architecture | undefined;
  /** The price that ranks and filters (default `onDemand`); offers without that price never match. */
  readonly basis?: PriceBasis | undefined;
  /** Highest acceptable price per hour on `basis`. */
  readonly maxHourly?: number | undefined;
}

/** The price of `offer` on `basis`, or `undefined` when the offer is not sold that way (or the figure is not a finite, non-negative number). */
export function priceOf(offer: Offer, basis: PriceBasis): number | undefined {
  const p =
    basis === 'onDemand'
      ? offer.onDemandHourly
      : basis === 'spot'
        ? offer.spotHourly
        : basis === 'reserved1y'
          ? offer.reserved1yHourly
          : offer.reserved3yHourly;
  return typeof p === 'number' && Number.isFinite(p) && p >= 0 ? p : undefined;
}

/** The GPU model as the index keys it: lower case. */
export function normalizeGpuModel(model: string): string {
  return model.toLowerCase();
}

/** True when `offer` answers `query` (ignoring ranking). */
export function matchesQuery(offer: Offer, query: OfferQuery): boolean {
  const price = priceOf(offer, query.basis ?? 'onDemand');
  if (price === undefined) return false;
  if (query.maxHourly !== undefined && price > query.maxHourly) return false;
  if (query.minVcpus !== undefined && !(offer.vcpus >= query.minVcpus)) return false;
  if (query.minMemoryGiB !== undefined && !(offer.memoryGiB >= query.minMemoryGiB)) return false;
  if (query.arch !== undefined && offer.arch !== query.arch) return false;
  if (query.providers && query.providers.length > 0 && !query.providers.includes(offer.provider)) return false;
  if (query.regions && query.regions.length > 0 && !query.regions.includes(offer.region)) return false;
  const gpu = offer.gpu && offer.gpu.count > 0 ? offer.gpu : undefined;
  const wanted = query.gpu && query.gpu.count > 0 ? query.gpu : undefined;
  if (!wanted) return gpu === undefined;
  if (!gpu || gpu.count < wanted.count) return false;
  return wanted.model === undefined || normalizeGpuModel(gpu.model) === normalizeGpuModel(wanted.model);
}

/** Code-unit string order (not locale order), so that every process ranks the same way. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The total order offers are ranked in: price on `basis`, then fewer vCPUs, less memory, then
 * provider, region, zone (absent first) and instance type by code units, and finally the
 * position in the catalog (`ia`, `ib`), so that no two offers ever tie.
 */
export function compareOffers(a: Offer, ia: number, b: Offer, ib: number, basis: PriceBasis): number {
  const pa = priceOf(a, basis) ?? Infinity;
  const pb = priceOf(b, basis) ?? Infinity;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.vcpus !== b.vcpus) return a.vcpus < b.vcpus ? -1 : 1;
  if (a.memoryGiB !== b.memoryGiB) return a.memoryGiB < b.memoryGiB ? -1 : 1;
  return (
    compareStrings(a.provider, b.provider) ||
    compareStrings(a.region, b.region) ||
    compareStrings(a.zone ?? '', b.zone ?? '') ||
    compareStrings(a.instanceType, b.instanceType) ||
    ia - ib
  );
}
