/**
 * What Azure sells per location, read from the APIs and cached with a TTL: VM sizes from
 * Resource SKUs (`GET /subscriptions/{id}/providers/Microsoft.Compute/skus?$filter=location eq
 * '<location>'`, api-version 2021-07-01 as @azure/arm-compute 25 sends it) with their
 * restrictions, and prices from the Azure Retail Prices API through the catalog loader that
 * already exists (`azureRetailPricesLoader`: Linux pay-as-you-go, Spot, 1- and 3-year
 * reservations). Loads are shared: fifty concurrent creates in a cold location cause one load.
 *
 * Resource SKUs fields (azure-rest-api-specs `ResourceSkus_List`, read 2026-12): capabilities
 * `vCPUs`, `MemoryGB`, `GPUs`, `CpuArchitectureType` (`x64` | `Arm64`), `PremiumIO`,
 * `LowPriorityCapable`, `HyperVGenerations`; `locationInfo[].zones`; `restrictions[]` of type
 * `Location` (the size cannot be deployed in the location at all) or `Zone`
 * (`restrictionInfo.zones` lists the zones it cannot be deployed in). A size is offered in each
 * zone it is not restricted in, and region-wide when the location has no zones for it: a size not
 * offered in a zone is never a candidate there.
 *
 * Prices are never a precondition: when the Retail Prices API cannot be reached, prices come from
 * the bundled dated snapshot (offers say so in `source` and `asOf`), the fallback is reported once,
 * and the API is left alone for `pricingRetryMs`. A size neither source prices is unpriced: still
 * creatable by name or size, never offered to placement.
 */
import type { ResourceSku } from '@azure/arm-compute';
import { withSignal } from '../../provider/abort.js';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import { azureRetailPricesLoader } from '../../optimizer/loaders/azure-retail-prices.js';
import type { AzureApi } from './azure-api.js';
import { trustedFetch } from './trusted-fetch.js';
import { LoadCache } from '../../provider/load-cache.js';

/** Facts of one VM size in one location. */
export interface SizeFacts {
  /** Size name, e.g. `Standard_D2s_v5`. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** CPU architecture. */
  readonly arch: Architecture;
  /** GPUs, when the size has them. */
  readonly gpu: GpuInfo | undefined;
  /** Takes Premium SSD disks. */
  readonly premiumIO: boolean;
  /** Can run as Spot. */
  readonly spotCapable: boolean;
  /** Hyper-V generations it boots (`V1`, `V2`). */
  readonly hyperVGenerations: readonly string[];
  /** Zones it can be deployed in (restrictions removed); empty for a region-wide size. */
  readonly zones: readonly string[];
}

/** The list prices of one size, and where they come from. */
export interface SizePrice {
  /** Pay-as-you-go, per hour. */
  readonly onDemand: number;
  /** Spot, per hour. */
  readonly spot: number | undefined;
  /** Effective hourly price with a 1-year reservation. */
  readonly reserved1y: number | undefined;
  /** Effective hourly price with a 3-year reservation. */
  readonly reserved3y: number | undefined;
  /** ISO currency code. */
  readonly currency: string;
  /** `azure-retail-prices` or `bundled-snapshot:azure`. */
  readonly source: string;
  /** When the figure was true. */
  readonly asOf: string;
}

/** A location's compute catalog. */
export interface LocationCatalog {
  /** Location name. */
  readonly location: string;
  /** The location's zones (every zone any size can be deployed in). */
  readonly zones: readonly string[];
  /** Sizes that can be deployed here, by name (sizes restricted in the whole location are left out). */
  readonly sizes: ReadonlyMap<string, SizeFacts>;
  /** Sizes Resource SKUs lists for the location but restricts there entirely. */
  readonly restricted: ReadonlySet<string>;
  /** Prices by size name; a size without one is unpriced. */
  readonly prices: ReadonlyMap<string, SizePrice>;
  /** When the catalog was read (ISO 8601). */
  readonly asOf: string;
}

/** Told once per fallback: the Retail Prices API could not be used. */
export type PricingFallbackListener = (detail: { readonly fallback: 'bundled-snapshot'; readonly error: unknown }) => void;

/** Price source names. */
export const PRICE_SOURCES = { retail: 'azure-retail-prices', snapshot: 'bundled-snapshot:azure' } as const;

/** Options of {@link AzureCatalog}. */
export interface AzureCatalogOptions {
  /** Retail Prices API origin (default `https://prices.azure.com`). */
  readonly retailPricesEndpoint?: string | undefined;
  /** CA to trust for it. */
  readonly caCertificate?: string | undefined;
  /** Catalog lifetime, ms. */
  readonly ttlMs: number;
  /** How long the Retail Prices API is left alone after a failure, ms (default 10 minutes). */
  readonly pricingRetryMs?: number | undefined;
  /** Longest time one Retail Prices request may take, ms (default 15,000). */
  readonly priceRequestTimeoutMs?: number | undefined;
  /** Told once when prices fall back to the snapshot. */
  readonly onFallback?: PricingFallbackListener | undefined;
  /** Clock (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

const DEFAULT_PRICING_RETRY_MS = 600_000;

/** The value of a Resource SKUs capability. */
function capability(sku: ResourceSku, name: string): string | undefined {
  return sku.capabilities?.find((c) => c.name === name)?.value;
}

/**
 * The GPU model of a size, from its name: Azure names carry it (`Standard_NC4as_T4_v3`,
 * `Standard_NC24ads_A100_v4`, `Standard_ND96isr_H100_v5`, `Standard_NV36ads_A10_v5`); the older
 * families that do not are the V100 ones (NCv3, NDv2), the M60 ones (NVv3) and AMD's MI25 (NVv4)
 * (Azure "GPU-optimized VM sizes", learn.microsoft.com/azure/virtual-machines/sizes-gpu, read 2026-12).
 */
export function gpuModelOf(size: string): string {
  const named = /_(H200|H100|A100|A10|T4|V100|L40S|L4|MI300X)_/i.exec(size);
  if (named) return named[1]!.toLowerCase();
  if (/^Standard_NC\d+r?s_v3$/.test(size) || /^Standard_ND\d+r?s_v2$/.test(size)) return 'v100';
  if (/^Standard_NV\d+s_v3$/.test(size)) return 'm60';
  if (/^Standard_NV\d+as_v4$/.test(size)) return 'mi25';
  return 'unknown';
}

/** The facts of one Resource SKU in `location`, `undefined` when it is not a VM size or is restricted there. */
export function sizeFactsOf(sku: ResourceSku, location: string): SizeFacts | 'restricted' | undefined {
  if (sku.resourceType !== 'virtualMachines' || !sku.name) return undefined;
  const vcpus = Number(capability(sku, 'vCPUs'));
  const memoryGiB = Number(capability(sku, 'MemoryGB'));
  if (!(vcpus > 0) || !(memoryGiB > 0)) return undefined;
  const here = (values: readonly string[] | undefined): boolean => (values ?? []).some((v) => v.toLowerCase() === location.toLowerCase());
  const restrictions = sku.restrictions ?? [];
  if (restrictions.some((r) => r.type === 'Location' && (here(r.values) || here(r.restrictionInfo?.locations)))) return 'restricted';
  const info = sku.locationInfo?.find((l) => l.location?.toLowerCase() === location.toLowerCase());
  const blockedZones = new Set(restrictions.filter((r) => r.type === 'Zone' && (here(r.values) || here(r.restrictionInfo?.locations))).flatMap((r) => r.restrictionInfo?.zones ?? []));
  const zones = [...(info?.zones ?? [])].filter((z) => !blockedZones.has(z)).sort();
  // A zonal size with every zone restricted cannot be deployed here at all.
  if ((info?.zones?.length ?? 0) > 0 && zones.length === 0) return 'restricted';
  const gpus = Number(capability(sku, 'GPUs') ?? '0');
  return {
    name: sku.name,
    vcpus,
    memoryGiB,
    arch: capability(sku, 'CpuArchitectureType')?.toLowerCase() === 'arm64' ? 'arm64' : 'x86_64',
    gpu: gpus > 0 ? { model: gpuModelOf(sku.name), count: gpus } : undefined,
    premiumIO: capability(sku, 'PremiumIO')?.toLowerCase() === 'true',
    spotCapable: capability(sku, 'LowPriorityCapable')?.toLowerCase() === 'true',
    hyperVGenerations: (capability(sku, 'HyperVGenerations') ?? 'V1').split(',').map((g) => g.trim()).filter((g) => g !== ''),
    zones,
  };
}

/** The cached catalog of one provider. */
export class AzureCatalog {
  private readonly cache: LoadCache;
  private readonly now: () => number;
  private pricingDownUntil = -Infinity;
  private fallbackReported = false;

  /** Builds an empty catalog over `api`. */
  constructor(
    private readonly api: AzureApi,
    private readonly options: AzureCatalogOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cache = new LoadCache(options.ttlMs, this.now);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load);
  }

  /** The catalog of a location (the signal governs the caller's wait only: a shared load goes on). */
  location(location: string, signal?: AbortSignal): Promise<LocationCatalog> {
    return withSignal(this.cached(`location/${location}`, () => this.load(location)), signal);
  }

  /** The catalog of a location if it is loaded and fresh, without loading it. */
  peek(location: string): Promise<LocationCatalog | undefined> {
    return this.cache.peek<LocationCatalog>(`location/${location}`);
  }

  /** Priced offers of a location: one per size and zone it can be deployed in (region-wide for sizes without zones). */
  async offers(location: string, signal?: AbortSignal): Promise<Offer[]> {
    const catalog = await this.location(location, signal);
    return offersOf(catalog, false);
  }

  /**
   * Offers of the sizes that have no price at all, priced `Infinity` so that any priced offer wins:
   * a create can still choose one by size or by name, while placement is never handed a price that
   * is not one.
   */
  async unpricedOffers(location: string, signal?: AbortSignal): Promise<Offer[]> {
    return offersOf(await this.location(location, signal), true);
  }

  private async load(location: string): Promise<LocationCatalog> {
    const skus = await this.api.run({ operation: 'offers', region: location }, undefined, async ({ compute }) => {
      const out: ResourceSku[] = [];
      for await (const page of compute.resourceSkus.list({ filter: `location eq '${location}'` }).byPage()) out.push(...page);
      return out;
    });
    const sizes = new Map<string, SizeFacts>();
    const restricted = new Set<string>();
    for (const sku of skus) {
      const facts = sizeFactsOf(sku, location);
      if (facts === 'restricted') restricted.add(sku.name!);
      else if (facts && !sizes.has(facts.name)) sizes.set(facts.name, facts);
    }
    const zones = [...new Set([...sizes.values()].flatMap((s) => s.zones))].sort();
    const snapshot = await snapshotPrices(location);
    const live = await this.withPriceFallback(
      () => this.livePrices(location, sizes),
      async () => snapshot,
    );
    // A size the live API does not price (a new one, a gap) takes the snapshot's dated figure.
    const prices = new Map(live);
    for (const [name, price] of snapshot) if (!prices.has(name)) prices.set(name, price);
    return { location, zones, sizes, restricted, prices, asOf: new Date(this.now()).toISOString() };
  }

  /** Runs a Retail Prices load unless the API failed within `pricingRetryMs`; on failure answers the snapshot's figures, reporting the fallback once. */
  private async withPriceFallback<T>(live: () => Promise<T>, snapshot: () => Promise<T>): Promise<T> {
    if (this.now() < this.pricingDownUntil) return snapshot();
    try {
      return await live();
    } catch (error) {
      this.pricingDownUntil = this.now() + (this.options.pricingRetryMs ?? DEFAULT_PRICING_RETRY_MS);
      if (!this.fallbackReported) {
        this.fallbackReported = true;
        this.options.onFallback?.({ fallback: 'bundled-snapshot', error });
      }
      return snapshot();
    }
  }

  private async livePrices(location: string, sizes: ReadonlyMap<string, SizeFacts>): Promise<ReadonlyMap<string, SizePrice>> {
    const loader = azureRetailPricesLoader({
      endpoint: this.options.retailPricesEndpoint,
      regions: [location],
      fetch: trustedFetch(this.options.caCertificate, this.options.priceRequestTimeoutMs ?? 15_000),
      clock: this.now,
      // The sizes come from Resource SKUs; a price for a size this location does not list is of no use.
      shapes: (name) => {
        const s = sizes.get(name);
        return s ? { vcpus: s.vcpus, memoryGiB: s.memoryGiB, arch: s.arch, gpu: s.gpu } : undefined;
      },
    });
    const prices = new Map<string, SizePrice>();
    for await (const offer of loader.load()) {
      prices.set(offer.instanceType, {
        onDemand: offer.onDemandHourly,
        spot: offer.spotHourly,
        reserved1y: offer.reserved1yHourly,
        reserved3y: offer.reserved3yHourly,
        currency: offer.currency,
        source: PRICE_SOURCES.retail,
        asOf: offer.asOf,
      });
    }
    return prices;
  }
}

function offersOf(catalog: LocationCatalog, unpriced: boolean): Offer[] {
  const offers: Offer[] = [];
  for (const size of catalog.sizes.values()) {
    const price = catalog.prices.get(size.name);
    if (unpriced === (price !== undefined)) continue;
    const base = {
      provider: 'azure' as const,
      region: catalog.location,
      instanceType: size.name,
      vcpus: size.vcpus,
      memoryGiB: size.memoryGiB,
      gpu: size.gpu,
      arch: size.arch,
      onDemandHourly: price?.onDemand ?? Infinity,
      spotHourly: price && size.spotCapable ? price.spot : undefined,
      reserved1yHourly: price?.reserved1y,
      reserved3yHourly: price?.reserved3y,
      currency: price?.currency ?? 'USD',
      source: price?.source ?? 'unpriced',
      asOf: price?.asOf ?? catalog.asOf,
    };
    if (size.zones.length === 0) offers.push(base);
    else for (const zone of size.zones) offers.push({ ...base, zone });
  }
  return offers;
}

/** The snapshot's list prices of a location's sizes (none for a location it does not cover). */
async function snapshotPrices(location: string): Promise<ReadonlyMap<string, SizePrice>> {
  // Loaded on first use only: the snapshot expands its rows when asked.
  const { bundledOffers, BUNDLED_SNAPSHOT_AS_OF } = await import('../../catalog/bundled-snapshot.js');
  const prices = new Map<string, SizePrice>();
  for (const o of bundledOffers({ provider: 'azure', regions: [location] })) {
    if (prices.has(o.instanceType)) continue;
    prices.set(o.instanceType, {
      onDemand: o.onDemandHourly,
      spot: o.spotHourly,
      reserved1y: o.reserved1yHourly,
      reserved3y: o.reserved3yHourly,
      currency: o.currency,
      source: PRICE_SOURCES.snapshot,
      asOf: BUNDLED_SNAPSHOT_AS_OF,
    });
  }
  return prices;
}
