/**
 * Live GCP prices from the Cloud Billing Catalog API:
 *   GET https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?key=...&pageToken=...
 * (6F81-5844-456A is Compute Engine). Response: `{ skus: [...], nextPageToken }`; each SKU has a
 * `description` ("N2 Instance Core running in Americas", "Spot Preemptible N2 Instance Ram running
 * in Americas", "Commitment v1: N2 Cpu in Americas for 1 Year", "Nvidia Tesla T4 GPU running in
 * Americas"), a `category` (`resourceFamily: 'Compute'`, `resourceGroup` such as `CPU`/`RAM`/`GPU`,
 * `usageType` `OnDemand`/`Preemptible`/`Commit1Yr`/`Commit3Yr`), `serviceRegions`, and
 * `pricingInfo[].pricingExpression` with `usageUnit` (`h` per core-hour, `GiBy.h` per GiB-hour)
 * and `tieredRates[].unitPrice { currencyCode, units, nanos }`.
 * (Cloud Billing Catalog API reference, cloud.google.com/billing/docs/reference/rest/v1/services.skus/list, read 2026-11.)
 *
 * Compute Engine prices a machine type as the sum of its parts: vCPUs × core price + GiB ×
 * RAM price (+ GPUs × GPU price); this loader composes offers that way for the machine types it
 * is given (default: the bundled snapshot's GCP machine types).
 */
import type { CallOptions } from '../../provider/provider-v1.js';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import type { OfferLoader } from '../catalog.js';
import { fetchJson, type FetchLike } from './fetch-json.js';

/** Compute Engine's service id in the Cloud Billing Catalog. */
export const COMPUTE_ENGINE_SERVICE_ID = '6F81-5844-456A';

/** A money amount as the API writes it: whole units (as a string) plus nanos. */
export interface GcpMoney {
  /** ISO currency code. */
  readonly currencyCode: string;
  /** Whole units, as a decimal string. */
  readonly units: string;
  /** Billionths of a unit. */
  readonly nanos: number;
}

/** How a SKU is classified. */
export interface GcpSkuCategory {
  /** `Compute Engine`. */
  readonly serviceDisplayName?: string;
  /** `Compute`, `Storage`, `Network`, ... */
  readonly resourceFamily: string;
  /** `CPU`, `RAM`, `GPU`, `N1Standard`, ... */
  readonly resourceGroup: string;
  /** `OnDemand`, `Preemptible`, `Commit1Yr`, `Commit3Yr`. */
  readonly usageType: string;
}

/** One price tier. */
export interface GcpTieredRate {
  /** Usage from which the tier applies, in usage units. */
  readonly startUsageAmount: number;
  /** Price per usage unit. */
  readonly unitPrice: GcpMoney;
}

/** How a SKU is priced. */
export interface GcpPricingExpression {
  /** Unit prices are per this unit: `h` (hour), `GiBy.h` (GiB-hour), `GiBy.mo`, ... */
  readonly usageUnit: string;
  /** The unit in words. */
  readonly usageUnitDescription?: string;
  /** Unit usage is metered in. */
  readonly baseUnit?: string;
  /** Base units per usage unit. */
  readonly baseUnitConversionFactor?: number;
  /** Quantity prices are shown for. */
  readonly displayQuantity?: number;
  /** Tiers, lowest first. */
  readonly tieredRates: readonly GcpTieredRate[];
}

/** A SKU's price from a point in time. */
export interface GcpPricingInfo {
  /** Summary text. */
  readonly summary?: string;
  /** The price. */
  readonly pricingExpression: GcpPricingExpression;
  /** Rate from USD to the requested currency. */
  readonly currencyConversionRate?: number;
  /** When this price took effect. */
  readonly effectiveTime?: string;
}

/** One SKU of the Cloud Billing Catalog (the fields this loader reads). */
export interface GcpSku {
  /** Resource name, `services/6F81-5844-456A/skus/<id>`. */
  readonly name: string;
  /** SKU id. */
  readonly skuId: string;
  /** Human description, which names the family, the resource and the region group. */
  readonly description: string;
  /** Classification. */
  readonly category: GcpSkuCategory;
  /** Regions the price applies in. */
  readonly serviceRegions: readonly string[];
  /** Prices over time (the first entry is current). */
  readonly pricingInfo: readonly GcpPricingInfo[];
  /** Provider of the service, `Google`. */
  readonly serviceProviderName?: string;
}

/** One page of `skus.list`. */
export interface GcpSkuPage {
  /** SKUs on this page. */
  readonly skus?: readonly GcpSku[];
  /** Token of the next page; empty or absent on the last. */
  readonly nextPageToken?: string;
}

/** A machine type to price. */
export interface GcpMachineType {
  /** Name, e.g. `n2-standard-4`. */
  readonly name: string;
  /** Family whose core and RAM prices apply (`n2`; default: the name up to the first `-`). */
  readonly family?: string | undefined;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** Attached GPUs, priced per GPU. */
  readonly gpu?: GpuInfo | undefined;
  /** Architecture (default x86_64). */
  readonly arch?: Architecture | undefined;
}

/** Options of {@link gcpBillingCatalogLoader}. */
export interface GcpBillingCatalogLoaderOptions {
  /** Loader name (default `gcp-billing-catalog`). */
  readonly name?: string | undefined;
  /** API origin (default `https://cloudbilling.googleapis.com`). */
  readonly endpoint?: string | undefined;
  /** API key (sent as `key=`). */
  readonly apiKey?: string | undefined;
  /** OAuth access token (sent as a bearer token), instead of an API key. */
  readonly accessToken?: string | undefined;
  /** Currency (default USD). */
  readonly currency?: string | undefined;
  /** SKUs per page (the API allows up to 5000). */
  readonly pageSize?: number | undefined;
  /** Machine types to price (default: the bundled snapshot's GCP machine types). */
  readonly machineTypes?: readonly GcpMachineType[] | undefined;
  /** Only these regions. */
  readonly regions?: readonly string[] | undefined;
  /** The `fetch` to use. */
  readonly fetch?: FetchLike | undefined;
  /** Clock for `asOf` (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
}

/** How a SKU is bought. */
export type GcpUsage = 'onDemand' | 'spot' | 'commit1y' | 'commit3y';

/** A SKU pricing the cores or the memory of a machine family. */
export interface GcpResourceSku {
  /** Cores or memory. */
  readonly kind: 'core' | 'ram';
  /** Machine family (`n2`). */
  readonly family: string;
  /** How it is bought. */
  readonly usage: GcpUsage;
}

/** A SKU pricing one GPU model. */
export interface GcpGpuSku {
  /** A GPU. */
  readonly kind: 'gpu';
  /** GPU model (`t4`). */
  readonly model: string;
  /** How it is bought. */
  readonly usage: GcpUsage;
}

/** What a SKU prices, once its description is read. */
export type GcpSkuMeaning = GcpResourceSku | GcpGpuSku;

/** A SKU's current price per usage unit. */
export interface GcpUnitPrice {
  /** Price per unit. */
  readonly price: number;
  /** Usage unit (`h`, `GiBy.h`). */
  readonly unit: string;
  /** Currency. */
  readonly currency: string;
}

/** `N2D AMD` → `n2d`, `Compute optimized` → `c2`, `Memory-optimized` → `m1`; custom and sole-tenant SKUs → undefined. */
function familyOf(token: string): string | undefined {
  const t = token.trim().toLowerCase();
  if (/custom|sole tenancy|extended|premium/.test(t)) return undefined;
  if (t === 'compute optimized') return 'c2';
  if (t === 'memory-optimized' || t === 'memory optimized') return 'm1';
  const first = t.split(/\s+/)[0]!;
  return /^[a-z]\d+[a-z]?$/.test(first) ? first : undefined;
}

/** `Tesla T4` → `t4`, `A100 80GB` → `a100-80gb`, `L4` → `l4`. */
function gpuModelOf(token: string): string {
  return token
    .replace(/^Tesla\s+/i, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-');
}

/** Reads a Compute Engine SKU's description (and category) into what it prices. */
export function readGcpSku(sku: GcpSku): GcpSkuMeaning | undefined {
  const d = sku.description;
  const commit = /^Commitment v\d+: (.+?) (Cpu|Ram) in .+ for ([13]) Years?$/.exec(d);
  if (commit) {
    const family = familyOf(commit[1]!);
    if (!family) return undefined;
    return { kind: commit[2] === 'Cpu' ? 'core' : 'ram', family, usage: commit[3] === '1' ? 'commit1y' : 'commit3y' };
  }
  const gpu = /^Nvidia (.+?) GPU (?:attached to Spot Preemptible VMs )?running in .+$/.exec(d);
  if (gpu) {
    const usage = /Spot Preemptible|Preemptible/.test(d) || sku.category.usageType === 'Preemptible' ? 'spot' : 'onDemand';
    return { kind: 'gpu', model: gpuModelOf(gpu[1]!), usage };
  }
  const vm = /^(Spot Preemptible |Preemptible )?(.+?) (?:Predefined )?(?:Instance )?(Core|Ram) running in .+$/.exec(d);
  if (!vm) return undefined;
  const family = familyOf(vm[2]!);
  if (!family) return undefined;
  const usage = vm[1] !== undefined || sku.category.usageType === 'Preemptible' ? 'spot' : 'onDemand';
  return { kind: vm[3] === 'Core' ? 'core' : 'ram', family, usage };
}

/** The current price of a SKU per usage unit: the first tier that is not a free tier. */
export function gcpUnitPrice(sku: GcpSku): GcpUnitPrice | undefined {
  const info = sku.pricingInfo[0];
  if (!info) return undefined;
  const tiers = info.pricingExpression.tieredRates;
  const tier = tiers.find((t) => Number(t.unitPrice.units) > 0 || t.unitPrice.nanos > 0) ?? tiers[0];
  if (!tier) return undefined;
  const price = Number(tier.unitPrice.units) + tier.unitPrice.nanos / 1e9;
  if (!Number.isFinite(price)) return undefined;
  return { price, unit: info.pricingExpression.usageUnit, currency: tier.unitPrice.currencyCode };
}

type Usage = GcpUsage;
type Rates = Map<string, Partial<Record<Usage, number>>>; // key: `${region}|core|${family}` etc.

async function defaultMachineTypes(): Promise<GcpMachineType[]> {
  const { bundledOffers } = await import('../../catalog/bundled-snapshot.js');
  const seen = new Map<string, GcpMachineType>();
  for (const o of bundledOffers({ provider: 'gcp' })) {
    const key = `${o.instanceType}|${o.gpu?.model ?? ''}`;
    if (!seen.has(key)) seen.set(key, { name: o.instanceType, vcpus: o.vcpus, memoryGiB: o.memoryGiB, gpu: o.gpu, arch: o.arch });
  }
  return [...seen.values()];
}

/** A catalog loader over the Cloud Billing Catalog API for Compute Engine. */
export function gcpBillingCatalogLoader(options: GcpBillingCatalogLoaderOptions = {}): OfferLoader {
  const endpoint = (options.endpoint ?? 'https://cloudbilling.googleapis.com').replace(/\/$/, '');
  const source = 'gcp-billing-catalog';
  return {
    name: options.name ?? source,
    async *load(call: CallOptions = {}): AsyncIterable<Offer> {
      const machineTypes = options.machineTypes ?? (await defaultMachineTypes());
      const wanted = options.regions && options.regions.length > 0 ? new Set(options.regions) : undefined;
      const rates: Rates = new Map();
      const regions = new Set<string>();
      let currency = options.currency ?? 'USD';
      let pageToken = '';
      const headers: Record<string, string> = options.accessToken ? { authorization: `Bearer ${options.accessToken}` } : {};
      do {
        const params = new URLSearchParams({ currencyCode: options.currency ?? 'USD', pageSize: String(options.pageSize ?? 5000) });
        if (options.apiKey) params.set('key', options.apiKey);
        if (pageToken) params.set('pageToken', pageToken);
        const page = await fetchJson<GcpSkuPage>(`${endpoint}/v1/services/${COMPUTE_ENGINE_SERVICE_ID}/skus?${params.toString()}`, {
          fetch: options.fetch,
          signal: call.signal,
          source,
          headers,
        });
        for (const sku of page.skus ?? []) {
          if (sku.category.resourceFamily !== 'Compute') continue;
          const meaning = readGcpSku(sku);
          const price = gcpUnitPrice(sku);
          if (!meaning || !price) continue;
          // Cores and GPUs are priced per hour, RAM per GiB-hour; anything else is not a VM rate.
          const expectedUnit = meaning.kind === 'ram' ? 'GiBy.h' : 'h';
          if (price.unit !== expectedUnit) continue;
          currency = price.currency;
          const what = meaning.kind === 'gpu' ? `gpu|${meaning.model}` : `${meaning.kind}|${meaning.family}`;
          for (const region of sku.serviceRegions) {
            if (wanted && !wanted.has(region)) continue;
            regions.add(region);
            const key = `${region}|${what}`;
            const slot = rates.get(key) ?? {};
            slot[meaning.usage] = price.price;
            rates.set(key, slot);
          }
        }
        pageToken = page.nextPageToken ?? '';
      } while (pageToken);

      const asOf = new Date((options.clock ?? Date.now)()).toISOString();
      const compose = (region: string, m: GcpMachineType, usage: Usage): number | undefined => {
        const family = m.family ?? m.name.split('-')[0]!;
        const core = rates.get(`${region}|core|${family}`)?.[usage];
        const ram = rates.get(`${region}|ram|${family}`)?.[usage];
        if (core === undefined || ram === undefined) return undefined;
        let total = m.vcpus * core + m.memoryGiB * ram;
        if (m.gpu && m.gpu.count > 0) {
          const gpu = rates.get(`${region}|gpu|${m.gpu.model.toLowerCase()}`)?.[usage];
          if (gpu === undefined) return undefined;
          total += m.gpu.count * gpu;
        }
        return Math.round(total * 1e9) / 1e9;
      };
      for (const region of [...regions].sort()) {
        for (const m of machineTypes) {
          const onDemand = compose(region, m, 'onDemand');
          if (onDemand === undefined) continue;
          yield {
            provider: 'gcp',
            region,
            instanceType: m.name,
            vcpus: m.vcpus,
            memoryGiB: m.memoryGiB,
            gpu: m.gpu,
            arch: m.arch ?? 'x86_64',
            onDemandHourly: onDemand,
            spotHourly: compose(region, m, 'spot'),
            reserved1yHourly: compose(region, m, 'commit1y'),
            reserved3yHourly: compose(region, m, 'commit3y'),
            currency,
            source,
            asOf,
          };
        }
      }
    },
  };
}
