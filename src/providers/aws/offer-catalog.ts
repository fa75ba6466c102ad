/**
 * What AWS sells, per region, read from the APIs and cached with a TTL: regions, zones,
 * instance types (DescribeInstanceTypes), where each type is offered (DescribeInstanceTypeOfferings
 * by zone), on-demand and reserved prices (Price List GetProducts), spot prices
 * (DescribeSpotPriceHistory, per zone), EBS and egress prices. Loads are shared: fifty
 * concurrent creates in a cold region cause one catalog load, not fifty.
 */
import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import type { AwsApi } from './aws-api.js';
import { withSignal } from './shared-load.js';
import { onDemandPrice, onDemandTiers, parsePriceListItem, reservedEffectiveHourly, type PriceTier } from './pricing.js';

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
  /** Prices per type. */
  readonly prices: ReadonlyMap<string, { readonly onDemand: number; readonly reserved1y: number | undefined; readonly reserved3y: number | undefined }>;
  /** When the prices were read (ISO 8601). */
  readonly asOf: string;
}

/** Storage and egress prices of a region. */
export interface RegionExtras {
  /** USD per GB-month by EBS volume type. */
  readonly ebsPerGbMonth: ReadonlyMap<string, number>;
  /** Internet egress tiers, USD per GB. */
  readonly egressTiers: readonly PriceTier[];
  /** When read. */
  readonly asOf: string;
}

interface CacheEntry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/** Pricing source names that offers and estimates carry. */
export const PRICE_SOURCES = { list: 'aws-pricing-api', spot: 'aws-ec2-spot-price-history' } as const;

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
  private readonly cache = new Map<string, CacheEntry<unknown>>();

  /** Builds an empty catalog over `api`. */
  constructor(
    private readonly api: AwsApi,
    private readonly defaultRegion: string,
    private readonly ttl: CatalogTtl,
    private readonly now: () => number = Date.now,
  ) {}

  private cached<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key) as CacheEntry<T> | undefined;
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = load();
    this.cache.set(key, { value, expiresAt: this.now() + ttlMs });
    // A failed load is not cached: the next caller tries again.
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }

  /** The cached value of `key` if it is loaded and fresh, without loading. */
  private async peek<T>(key: string): Promise<T | undefined> {
    const hit = this.cache.get(key) as CacheEntry<T> | undefined;
    if (!hit || hit.expiresAt <= this.now()) return undefined;
    return hit.value.catch(() => undefined);
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
  spotPrices(region: string, signal?: AbortSignal): Promise<ReadonlyMap<string, number>> {
    return withSignal(this.cached(`spot/${region}`, this.ttl.spotMs, () => this.loadSpot(region)), signal);
  }

  /** EBS and egress prices of a region. */
  extras(region: string, signal?: AbortSignal): Promise<RegionExtras> {
    return withSignal(this.cached(`extras/${region}`, this.ttl.catalogMs, () => this.loadExtras(region)), signal);
  }

  /** Offers of a region: one per instance type and zone where it is sold, with prices. */
  async offers(region: string, options: { spot: boolean; signal?: AbortSignal | undefined }): Promise<Offer[]> {
    const catalog = await this.region(region, options.signal);
    const spot = options.spot ? await this.spotPrices(region, options.signal) : undefined;
    const offers: Offer[] = [];
    for (const [name, facts] of catalog.types) {
      const price = catalog.prices.get(name);
      if (!price) continue; // not sold on-demand for Linux here: not an offer
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
          source: spot ? `${PRICE_SOURCES.list}+${PRICE_SOURCES.spot}` : PRICE_SOURCES.list,
          asOf: catalog.asOf,
        });
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
      this.loadComputePrices(region),
    ]);
    return { zones, types, offeredIn, prices, asOf: new Date(this.now()).toISOString() };
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
    const prices = new Map<string, { onDemand: number; reserved1y: number | undefined; reserved3y: number | undefined }>();
    for (const entry of entries) {
      const type = entry?.attributes.instanceType;
      if (!entry || !type) continue;
      const onDemand = onDemandPrice(entry, 'Hrs');
      if (onDemand === undefined || onDemand <= 0) continue;
      prices.set(type, { onDemand, reserved1y: reservedEffectiveHourly(entry, '1yr'), reserved3y: reservedEffectiveHourly(entry, '3yr') });
    }
    return prices;
  }

  private async loadSpot(region: string): Promise<Map<string, number>> {
    return this.api.run(region, { operation: 'offers' }, undefined, async (client, sdk) => {
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
  }

  private async loadExtras(region: string): Promise<RegionExtras> {
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
