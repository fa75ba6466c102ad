/**
 * What AWS sells, per region, read from the APIs and cached with a TTL: regions, zones,
 * instance types (DescribeInstanceTypes), where each type is offered (DescribeInstanceTypeOfferings
 * by zone), on-demand and reserved prices (Price List GetProducts), spot prices
 * (DescribeSpotPriceHistory, per zone), EBS and egress prices. Loads are shared: fifty
 * concurrent creates in a cold region cause one catalog load, not fifty.
 *
 * Prices are never a precondition. The Price List API is often out of reach (a role without
 * `pricing:GetProducts`, a private subnet with an EC2 endpoint only; it is served from three
 * regions only), so zones and instance types come from EC2 alone, and when GetProducts fails
 * the prices come from the bundled dated snapshot (offers say so in `source` and `asOf`); a
 * type the snapshot does not know is unpriced: still creatable by name, never offered to
 * placement. After a failure the Price List API is left alone for `pricingRetryMs`, so a
 * region load does not pay its retries again, and the fallback is reported once.
 */
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import type { AwsApi } from './aws-api.js';
import { withSignal } from '../../provider/abort.js';
import { onDemandPrice, onDemandTiers, parsePriceListItem, reservedEffectiveHourly, type PriceTier } from './pricing.js';
import { LoadCache } from '../../provider/load-cache.js';

/** Cache lifetimes in milliseconds. */
export interface CatalogTtl {
  /** Regions, zones, instance types and list prices (default one hour). */
  readonly catalogMs: number;
  /** Spot prices (default five minutes: they move). */
  readonly spotMs: number;
}

/** Facts of one instance type. */
export interface InstanceTypeFacts {
  /** Name. */
  readonly instanceType: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** Architecture. */
  readonly arch: Architecture;
  /** GPUs, when it has some. */
  readonly gpu: GpuInfo | undefined;
}

/** A region's compute catalog. */
export interface RegionCatalog {
  /** Zone names. */
  readonly zones: readonly string[];
  /** Instance types by name. */
  readonly types: ReadonlyMap<string, InstanceTypeFacts>;
  /** Zones each type is offered in. */
  readonly offeredIn: ReadonlyMap<string, readonly string[]>;
  /** Prices per type (live, or from the bundled snapshot); a type without one is unpriced. */
  readonly prices: ReadonlyMap<string, TypePrice>;
  /** When the catalog was read (ISO 8601). */
  readonly asOf: string;
}

/** The list prices of one instance type, and where they come from. */
export interface TypePrice {
  /** On-demand USD per hour. */
  readonly onDemand: number;
  /** Effective hourly price with a 1-year reservation. */
  readonly reserved1y: number | undefined;
  /** Effective hourly price with a 3-year reservation. */
  readonly reserved3y: number | undefined;
  /** `aws-pricing-api` or `bundled-snapshot:aws`. */
  readonly source: string;
  /** When the figure was true (ISO 8601 date or time). */
  readonly asOf: string;
}

/** Current spot prices of a region. */
export interface SpotPrices {
  /** USD per hour by `zone/instanceType`. */
  readonly byZoneType: ReadonlyMap<string, number>;
  /** When they were read (ISO 8601). */
  readonly asOf: string;
}

/** Told once per fallback: the Price List API could not be used. */
export type PricingFallbackListener = (detail: { readonly fallback: 'bundled-snapshot'; readonly error: unknown }) => void;

/** Storage and egress prices of a region. */
export interface RegionExtras {
  /** USD per GB-month by EBS volume type. */
  readonly ebsPerGbMonth: ReadonlyMap<string, number>;
  /** Internet egress tiers, USD per GB. */
  readonly egressTiers: readonly PriceTier[];
  /** When read. */
  readonly asOf: string;
}

/** Pricing source names that offers and estimates carry. */
export const PRICE_SOURCES = { list: 'aws-pricing-api', spot: 'aws-ec2-spot-price-history', snapshot: 'bundled-snapshot:aws' } as const;

/** How long the Price List API is left alone after a failure, by default (10 minutes). */
const DEFAULT_PRICING_RETRY_MS = 600_000;

function typeFacts(info: InstanceTypeInfo): InstanceTypeFacts | undefined {
  if (!info.InstanceType || !info.VCpuInfo?.DefaultVCpus || !info.MemoryInfo?.SizeInMiB) return undefined;
  const gpu = info.GpuInfo?.Gpus?.[0];
  return {
    instanceType: info.InstanceType,
    vcpus: info.VCpuInfo.DefaultVCpus,
    memoryGiB: info.MemoryInfo.SizeInMiB / 1024,
    arch: info.ProcessorInfo?.SupportedArchitectures?.includes('arm64') ? 'arm64' : 'x86_64',
    gpu: gpu
      ? {
          model: (gpu.Name ?? 'unknown').toLowerCase(),
          count: info.GpuInfo?.Gpus?.reduce((n, g) => n + (g.Count ?? 0), 0) ?? gpu.Count ?? 1,
          memoryGiB: gpu.MemoryInfo?.SizeInMiB !== undefined ? gpu.MemoryInfo.SizeInMiB / 1024 : undefined,
        }
      : undefined,
  };
}

/** The cached catalog of one provider. */
export class AwsCatalog {
  private readonly cache: LoadCache;

  /** Until when (epoch ms) the Price List API is not asked again. */
  private pricingDownUntil = -Infinity;
  /** The fallback has been reported. */
  private fallbackReported = false;

  /** Builds an empty catalog over `api`. */
  constructor(
    private readonly api: AwsApi,
    private readonly defaultRegion: string,
    private readonly ttl: CatalogTtl,
    private readonly now: () => number = Date.now,
    private readonly pricing: { readonly retryMs?: number | undefined; readonly onFallback?: PricingFallbackListener | undefined } = {},
  ) {
    this.cache = new LoadCache(ttl.catalogMs, now);
  }

  private cached<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load, ttlMs);
  }

  /** The cached value of `key` if it is loaded and fresh, without loading. */
  private peek<T>(key: string): Promise<T | undefined> {
    return this.cache.peek<T>(key);
  }

  /** Names of the regions enabled for the account (DescribeRegions). */
  regionNames(signal?: AbortSignal): Promise<readonly string[]> {
    // The signal only governs the caller's wait; a shared load is not cancelled by one caller.
    return withSignal(this.cached('regions', this.ttl.catalogMs, () =>
      this.api.run(this.defaultRegion, { operation: 'regions' }, undefined, async (client, sdk) => {
        const out = await client.send(new sdk.DescribeRegionsCommand({}));
        return (out.Regions ?? []).map((r) => r.RegionName ?? '').filter((n) => n.length > 0);
      }),
    ), signal);
  }

  /** The compute catalog of a region. */
  region(region: string, signal?: AbortSignal): Promise<RegionCatalog> {
    return withSignal(this.cached(`region/${region}`, this.ttl.catalogMs, () => this.loadRegion(region)), signal);
  }

  /** The compute catalog of a region if already loaded. */
  peekRegion(region: string): Promise<RegionCatalog | undefined> {
    return this.peek<RegionCatalog>(`region/${region}`);
  }

  /** Current spot prices of a region, by `zone/instanceType`. */
  spotPrices(region: string, signal?: AbortSignal): Promise<SpotPrices> {
    return withSignal(this.cached(`spot/${region}`, this.ttl.spotMs, () => this.loadSpot(region)), signal);
  }

  /** EBS and egress prices of a region. */
  extras(region: string, signal?: AbortSignal): Promise<RegionExtras> {
    return withSignal(this.cached(`extras/${region}`, this.ttl.catalogMs, () => this.loadExtras(region)), signal);
  }

  /** Offers of a region: one per instance type and zone where it is sold, with prices. */
  async offers(region: string, options: { spot: boolean; signal?: AbortSignal | undefined }): Promise<Offer[]> {
    const catalog = await this.region(region, options.signal);
    const spot = options.spot ? (await this.spotPrices(region, options.signal)).byZoneType : undefined;
    const offers: Offer[] = [];
    for (const [name, facts] of catalog.types) {
      const price = catalog.prices.get(name);
      if (!price) continue; // not sold on-demand for Linux here: not an offer
      const live = price.source === PRICE_SOURCES.list;
      for (const zone of catalog.offeredIn.get(name) ?? []) {
        offers.push({
          provider: 'aws',
          region,
          zone,
          instanceType: name,
          vcpus: facts.vcpus,
          memoryGiB: facts.memoryGiB,
          gpu: facts.gpu,
          arch: facts.arch,
          onDemandHourly: price.onDemand,
          spotHourly: spot?.get(`${zone}/${name}`),
          reserved1yHourly: price.reserved1y,
          reserved3yHourly: price.reserved3y,
          currency: 'USD',
          source: spot ? `${price.source}+${PRICE_SOURCES.spot}` : price.source,
          asOf: live ? catalog.asOf : price.asOf,
        });
      }
    }
    return offers;
  }

  /**
   * Offers of the types that have no price at all (neither live nor in the snapshot), priced
   * `Infinity` so that any priced offer wins: a create can still choose one by size or by
   * name, while placement is never handed a price that is not one.
   */
  async unpricedOffers(region: string, signal?: AbortSignal): Promise<Offer[]> {
    const catalog = await this.region(region, signal);
    const offers: Offer[] = [];
    for (const [name, facts] of catalog.types) {
      if (catalog.prices.has(name)) continue;
      for (const zone of catalog.offeredIn.get(name) ?? []) {
        offers.push({ provider: 'aws', region, zone, instanceType: name, vcpus: facts.vcpus, memoryGiB: facts.memoryGiB, gpu: facts.gpu, arch: facts.arch, onDemandHourly: Infinity, currency: 'USD', source: 'unpriced', asOf: catalog.asOf });
      }
    }
    return offers;
  }

  private async loadRegion(region: string): Promise<RegionCatalog> {
    const [zones, types, offeredIn, prices] = await Promise.all([
      this.api.run(region, { operation: 'regions' }, undefined, async (client, sdk) => {
        const out = await client.send(new sdk.DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-type', Values: ['availability-zone'] }] }));
        return (out.AvailabilityZones ?? []).map((z) => z.ZoneName ?? '').filter((z) => z.length > 0);
      }),
      this.api.run(region, { operation: 'offers' }, undefined, async (client, sdk) => {
        const out = new Map<string, InstanceTypeFacts>();
        for await (const page of sdk.paginateDescribeInstanceTypes({ client, pageSize: 100 }, {})) {
          for (const info of page.InstanceTypes ?? []) {
            const facts = typeFacts(info);
            if (facts) out.set(facts.instanceType, facts);
          }
        }
        return out;
      }),
      this.api.run(region, { operation: 'offers' }, undefined, async (client, sdk) => {
        const out = new Map<string, string[]>();
        for await (const page of sdk.paginateDescribeInstanceTypeOfferings({ client, pageSize: 1000 }, { LocationType: 'availability-zone' })) {
          for (const o of page.InstanceTypeOfferings ?? []) {
            if (!o.InstanceType || !o.Location) continue;
            const list = out.get(o.InstanceType) ?? [];
            list.push(o.Location);
            out.set(o.InstanceType, list);
          }
        }
        return out;
      }),
      this.withPriceFallback(() => this.loadComputePrices(region), () => snapshotComputePrices(region)),
    ]);
    return { zones, types, offeredIn, prices, asOf: new Date(this.now()).toISOString() };
  }

  /**
   * Runs a Price List load, unless the API failed within `pricingRetryMs`; on failure (or while
   * it is left alone) answers the snapshot's figures, and reports the fallback once.
   */
  private async withPriceFallback<T>(live: () => Promise<T>, snapshot: () => Promise<T>): Promise<T> {
    if (this.now() < this.pricingDownUntil) return snapshot();
    try {
      return await live();
    } catch (error) {
      this.pricingDownUntil = this.now() + (this.pricing.retryMs ?? DEFAULT_PRICING_RETRY_MS);
      if (!this.fallbackReported) {
        this.fallbackReported = true;
        this.pricing.onFallback?.({ fallback: 'bundled-snapshot', error });
      }
      return snapshot();
    }
  }

  private async getProducts(region: string, serviceCode: string, filters: Record<string, string>): Promise<ReturnType<typeof parsePriceListItem>[]> {
    return this.api.runPricing({ operation: 'offers', region }, undefined, async (client, sdk) => {
      const out: ReturnType<typeof parsePriceListItem>[] = [];
      const Filters = Object.entries(filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH' as const, Field, Value }));
      for await (const page of sdk.paginateGetProducts({ client, pageSize: 100 }, { ServiceCode: serviceCode, Filters, FormatVersion: 'aws_v1' })) {
        for (const item of page.PriceList ?? []) out.push(parsePriceListItem(item));
      }
      return out;
    });
  }

  private async loadComputePrices(region: string): Promise<RegionCatalog['prices']> {
    // Linux, shared tenancy, no pre-installed software, "Used" capacity: the list price of a
    // plain instance (the other capacitystatus values describe reservations' unused hours).
    const entries = await this.getProducts(region, 'AmazonEC2', {
      regionCode: region,
      productFamily: 'Compute Instance',
      operatingSystem: 'Linux',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
    });
    const prices = new Map<string, TypePrice>();
    const asOf = new Date(this.now()).toISOString();
    for (const entry of entries) {
      const type = entry?.attributes.instanceType;
      if (!entry || !type) continue;
      const onDemand = onDemandPrice(entry, 'Hrs');
      if (onDemand === undefined || onDemand <= 0) continue;
      prices.set(type, { onDemand, reserved1y: reservedEffectiveHourly(entry, '1yr'), reserved3y: reservedEffectiveHourly(entry, '3yr'), source: PRICE_SOURCES.list, asOf });
    }
    return prices;
  }

  private async loadSpot(region: string): Promise<SpotPrices> {
    const asOf = new Date(this.now()).toISOString();
    const byZoneType = await this.api.run(region, { operation: 'offers' }, undefined, async (client, sdk) => {
      const out = new Map<string, number>();
      // StartTime = now asks for the current price of each type and zone only.
      for await (const page of sdk.paginateDescribeSpotPriceHistory({ client, pageSize: 1000 }, { StartTime: new Date(this.now()), ProductDescriptions: ['Linux/UNIX'] })) {
        for (const p of page.SpotPriceHistory ?? []) {
          if (!p.AvailabilityZone || !p.InstanceType || p.SpotPrice === undefined) continue;
          const key = `${p.AvailabilityZone}/${p.InstanceType}`;
          const price = Number(p.SpotPrice);
          if (Number.isFinite(price) && !out.has(key)) out.set(key, price);
        }
      }
      return out;
    });
    return { byZoneType, asOf };
  }

  private loadExtras(region: string): Promise<RegionExtras> {
    return this.withPriceFallback(() => this.loadLiveExtras(region), snapshotExtras);
  }

  private async loadLiveExtras(region: string): Promise<RegionExtras> {
    const [storage, egress] = await Promise.all([
      this.getProducts(region, 'AmazonEC2', { regionCode: region, productFamily: 'Storage' }),
      this.getProducts(region, 'AWSDataTransfer', { fromRegionCode: region, transferType: 'AWS Outbound', toLocation: 'External' }),
    ]);
    const ebsPerGbMonth = new Map<string, number>();
    for (const entry of storage) {
      const name = entry?.attributes.volumeApiName;
      const price = entry ? onDemandPrice(entry, 'GB-Mo') : undefined;
      if (name && price !== undefined) ebsPerGbMonth.set(name, price);
    }
    const first = egress.find((e) => e !== undefined);
    return { ebsPerGbMonth, egressTiers: first ? onDemandTiers(first, 'GB') : [], asOf: new Date(this.now()).toISOString() };
  }
}

/** The snapshot's list prices of a region's instance types (none for a region it does not cover). */
async function snapshotComputePrices(region: string): Promise<ReadonlyMap<string, TypePrice>> {
  // Loaded on first use only: the snapshot expands its rows when asked.
  const { bundledOffers, BUNDLED_SNAPSHOT_AS_OF } = await import('../../catalog/bundled-snapshot.js');
  const prices = new Map<string, TypePrice>();
  for (const o of bundledOffers({ provider: 'aws', regions: [region] })) {
    if (!prices.has(o.instanceType)) {
      prices.set(o.instanceType, { onDemand: o.onDemandHourly, reserved1y: o.reserved1yHourly, reserved3y: o.reserved3yHourly, source: PRICE_SOURCES.snapshot, asOf: BUNDLED_SNAPSHOT_AS_OF });
    }
  }
  return prices;
}

/** The snapshot's EBS (gp3 as its SSD figure, standard as its HDD figure) and egress prices. */
async function snapshotExtras(): Promise<RegionExtras> {
  const { bundledStoragePrices, BUNDLED_SNAPSHOT_AS_OF } = await import('../../catalog/bundled-snapshot.js');
  const p = bundledStoragePrices('aws');
  const ebsPerGbMonth = new Map<string, number>();
  if (p) {
    for (const type of ['gp3', 'gp2', 'io1', 'io2']) ebsPerGbMonth.set(type, p.ssdPerGBMonth);
    for (const type of ['standard', 'st1', 'sc1']) ebsPerGbMonth.set(type, p.standardPerGBMonth);
  }
  // One tier at the snapshot's first paid rate: an overestimate of AWS's tiered egress.
  return { ebsPerGbMonth, egressTiers: p ? [{ from: 0, to: Infinity, price: p.egressPerGB }] : [], asOf: BUNDLED_SNAPSHOT_AS_OF };
}
