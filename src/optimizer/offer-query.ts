/**
 * What "the cheapest offers that fit" means, stated once: the query shape, the price an offer is
 * ranked by, the match rule and the total order. The columnar {@link OfferIndex} and the
 * straightforward reference both follow these definitions, which is what lets a property test
 * demand identical answers from them.
 */
import { instanceFamily } from '../provider/offer-selection.js';
import type { Architecture, Offer, ProviderKind } from '../provider/types.js';

/** Which of an offer's prices a query ranks and filters by. */
export type PriceBasis = 'onDemand' | 'spot' | 'reserved1y' | 'reserved3y';

/** Every {@link PriceBasis}, in column order. */
export const PRICE_BASES: readonly PriceBasis[] = ['onDemand', 'spot', 'reserved1y', 'reserved3y'];

/** GPUs a query requires. */
export interface GpuRequirement {
  /** Minimum number of GPUs (at least 1); the exact number with {@link GpuRequirement.exact}. */
  readonly count: number;
  /** Exactly `count` GPUs, not "at least" (default false). */
  readonly exact?: boolean | undefined;
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
  /** Only this CPU architecture, or only these (any when absent or an empty list). */
  readonly arch?: Architecture | readonly Architecture[] | undefined;
  /** Only these instance types, by exact name (any when absent or empty). */
  readonly instanceTypes?: readonly string[] | undefined;
  /**
   * Only these instance families, as `instanceFamily` names them (`m5`, `Standard_D`, `n2`; any
   * when absent or empty).
   */
  readonly families?: readonly string[] | undefined;
  /**
   * Per provider, only these instance families, on top of {@link OfferQuery.families}: a
   * provider that is not a key, or whose list is empty, is not restricted here. Keys are read
   * like {@link OfferQuery.providers}: owners in an {@link OfferIndex} built with `owners`,
   * `offer.provider` in `matchesQuery`.
   */
  readonly familiesByProvider?: ReadonlyMap<string, readonly string[]> | undefined;
  /** The price that ranks and filters (default `onDemand`); offers without that price never match. */
  readonly basis?: PriceBasis | undefined;
  /** Highest acceptable price per hour on `basis`. */
  readonly maxHourly?: number | undefined;
  /**
   * A cursor: the catalog position of the last answer already taken. Only offers ranked after
   * it on `basis` (in the order of `compareOffers`) answer, so a caller can read the
   * answers in batches without asking again for what it has. Not a match rule: `matchesQuery`
   * ignores it, the reference applies it.
   */
  readonly after?: number | undefined;
}

/** The architectures a query allows, as a list; `undefined` when any is allowed. */
export function queryArchitectures(query: OfferQuery): readonly Architecture[] | undefined {
  const arch = query.arch;
  if (arch === undefined) return undefined;
  if (typeof arch === 'string') return [arch];
  return arch.length === 0 ? undefined : arch;
}

/** True when `offer` passes the query's instance-type and family rules, `provider` being the key into `familiesByProvider`. */
export function typeAllowed(offer: Offer, provider: string, query: OfferQuery): boolean {
  if (query.instanceTypes && query.instanceTypes.length > 0 && !query.instanceTypes.includes(offer.instanceType)) return false;
  const own = query.familiesByProvider?.get(provider);
  const restricted = (query.families && query.families.length > 0) || (own && own.length > 0);
  if (!restricted) return true;
  const family = instanceFamily(offer.instanceType);
  if (query.families && query.families.length > 0 && !query.families.includes(family)) return false;
  return !(own && own.length > 0 && !own.includes(family));
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
  const arch = queryArchitectures(query);
  if (arch !== undefined && !arch.includes(offer.arch)) return false;
  if (query.providers && query.providers.length > 0 && !query.providers.includes(offer.provider)) return false;
  if (!typeAllowed(offer, offer.provider, query)) return false;
  if (query.regions && query.regions.length > 0 && !query.regions.includes(offer.region)) return false;
  const gpu = offer.gpu && offer.gpu.count > 0 ? offer.gpu : undefined;
  const wanted = query.gpu && query.gpu.count > 0 ? query.gpu : undefined;
  if (!wanted) return gpu === undefined;
  if (!gpu || (wanted.exact === true ? gpu.count !== wanted.count : gpu.count < wanted.count)) return false;
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
