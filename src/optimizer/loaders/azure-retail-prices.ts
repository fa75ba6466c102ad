/**
 * Live Azure prices from the Azure Retail Prices API (unauthenticated):
 *   GET https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview&$filter=...
 * Response: `{ BillingCurrency, CustomerEntityId, CustomerEntityType, Items: [...], NextPageLink, Count }`,
 * each item with `retailPrice`, `unitPrice`, `armSkuName`, `armRegionName`, `meterName`,
 * `skuName`, `productName`, `serviceName`, `type` (`Consumption`, `Reservation`,
 * `DevTestConsumption`), `reservationTerm` (`1 Year`, `3 Years`), `unitOfMeasure`,
 * `tierMinimumUnits`. Pages follow `NextPageLink` until it is null.
 * (Azure Retail Prices overview, learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices, read 2026-11.)
 *
 * Mapping to offers:
 * - on-demand: a `Consumption` item whose meter is neither Spot nor Low Priority and whose
 *   product is not Windows (Linux prices, like the other clouds' figures);
 * - spot: the `... Spot` meter (a `... Low Priority` meter only when no Spot one exists);
 * - reserved: `Reservation` items carry the price of the whole term despite `unitOfMeasure:
 *   '1 Hour'` (as users of the API report, e.g. ahmadabdalla/azure-cost-calculator#239,
 *   2026-02), so the effective hourly price is that figure / (8760 × years).
 * The API does not say how many vCPUs or GiB a size has; `shapes` supplies them (default: the
 * bundled snapshot's sizes, then the Azure naming rules for D, E and F series).
 */
import type { CallOptions } from '../../provider/provider-v1.js';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import type { OfferLoader } from '../catalog.js';
import { fetchJson, type FetchLike } from './fetch-json.js';

/** One item of the Azure Retail Prices API (the fields this loader reads). */
export interface AzureRetailPriceItem {
  /** ISO currency code. */
  readonly currencyCode: string;
  /** Price per unit in `currencyCode` (whole term for reservations). */
  readonly retailPrice: number;
  /** Same as `retailPrice` for retail customers. */
  readonly unitPrice?: number | undefined;
  /** Lowest usage the tier applies from. */
  readonly tierMinimumUnits?: number | undefined;
  /** ARM region name, e.g. `eastus`. */
  readonly armRegionName: string;
  /** Display location, e.g. `US East`. */
  readonly location?: string | undefined;
  /** Meter, e.g. `D2s v5`, `D2s v5 Spot`, `D2s v5 Low Priority`. */
  readonly meterName: string;
  /** Product, e.g. `Virtual Machines Dsv5 Series` (`... Windows` for Windows). */
  readonly productName: string;
  /** SKU, e.g. `D2s v5 Spot`. */
  readonly skuName: string;
  /** Service, `Virtual Machines` for VMs. */
  readonly serviceName: string;
  /** ARM SKU, e.g. `Standard_D2s_v5`. */
  readonly armSkuName: string;
  /** `Consumption`, `Reservation` or `DevTestConsumption`. */
  readonly type: string;
  /** `1 Year` or `3 Years` for reservations. */
  readonly reservationTerm?: string | undefined;
  /** `1 Hour` for VMs. */
  readonly unitOfMeasure: string;
  /** When the price took effect. */
  readonly effectiveStartDate?: string | undefined;
}

/** One page of the API. */
export interface AzureRetailPricesPage {
  /** Currency of the page. */
  readonly BillingCurrency?: string | undefined;
  /** Items on this page. */
  readonly Items: readonly AzureRetailPriceItem[];
  /** Absolute URL of the next page, or null on the last one. */
  readonly NextPageLink: string | null;
  /** Items on this page. */
  readonly Count?: number | undefined;
}

/** Size of a VM, which the price API does not give. */
export interface VmShape {
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** CPU architecture. */
  readonly arch: Architecture;
  /** GPUs, when the size has them. */
  readonly gpu?: GpuInfo | undefined;
}

/** Options of {@link azureRetailPricesLoader}. */
export interface AzureRetailPricesLoaderOptions {
  /** Loader name (default `azure-retail-prices`). */
  readonly name?: string | undefined;
  /** API origin (default `https://prices.azure.com`); point it at an emulator in tests. */
  readonly endpoint?: string | undefined;
  /** API version (default `2023-01-01-preview`). */
  readonly apiVersion?: string | undefined;
  /** Regions to load, one filtered query each (default: every region, one query). */
  readonly regions?: readonly string[] | undefined;
  /** Currency (default USD, the currency Microsoft prices in). */
  readonly currency?: string | undefined;
  /** Sizes of VMs by ARM SKU name (default: bundled snapshot sizes, then naming rules). */
  readonly shapes?: ((armSkuName: string) => VmShape | undefined) | undefined;
  /** The `fetch` to use. */
  readonly fetch?: FetchLike | undefined;
  /** Clock, for the offers' `asOf` (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Stop after this many pages per query, a guard against a server that never ends (default 10,000). */
  readonly maxPages?: number | undefined;
}

/**
 * vCPUs and memory from an Azure size name, for the series whose names encode them:
 * `Standard_<family><vCPUs><features>_v<n>` with D (4 GiB/vCPU; 2 with `l`), E (8), F (2);
 * `p` in the features marks an Arm (Ampere) size. Other names: `undefined`.
 */
export function azureShapeFromName(armSkuName: string): VmShape | undefined {
  const m = /^Standard_([DEF])(\d+)([a-z]*)_v(\d+)$/.exec(armSkuName);
  if (!m) return undefined;
  const [, family, count, features] = m as unknown as [string, string, string, string];
  const vcpus = Number(count);
  const perVcpu = family === 'E' ? 8 : family === 'F' ? 2 : features.includes('l') ? 2 : 4;
  return { vcpus, memoryGiB: vcpus * perVcpu, arch: features.includes('p') ? 'arm64' : 'x86_64' };
}

async function defaultShapes(): Promise<(armSkuName: string) => VmShape | undefined> {
  const { bundledOffers } = await import('../../catalog/bundled-snapshot.js');
  const known = new Map<string, VmShape>();
  for (const o of bundledOffers({ provider: 'azure' })) {
    if (!known.has(o.instanceType)) known.set(o.instanceType, { vcpus: o.vcpus, memoryGiB: o.memoryGiB, arch: o.arch, gpu: o.gpu });
  }
  return (name) => known.get(name) ?? azureShapeFromName(name);
}

interface PriceSlot {
  onDemand?: number;
  spot?: number;
  lowPriority?: number;
  reserved1y?: number;
  reserved3y?: number;
  currency: string;
}

const HOURS_PER_YEAR = 8760;

/** Adds one item's price to its SKU's slot; returns false for items that are not Linux VM prices. */
function collectItem(slots: Map<string, PriceSlot>, item: AzureRetailPriceItem): void {
  if (item.serviceName !== 'Virtual Machines' || !item.armSkuName || !item.armRegionName) return;
  if (/windows/i.test(item.productName) || item.unitOfMeasure !== '1 Hour') return;
  if ((item.tierMinimumUnits ?? 0) > 0) return;
  const price = item.retailPrice;
  if (!(Number.isFinite(price) && price >= 0)) return;
  const key = `${item.armRegionName}\u0000${item.armSkuName}`;
  let slot = slots.get(key);
  if (!slot) slots.set(key, (slot = { currency: item.currencyCode }));
  const meter = `${item.meterName} ${item.skuName}`;
  if (item.type === 'Consumption') {
    if (/\bSpot\b/.test(meter)) slot.spot = price;
    else if (/Low Priority/.test(meter)) slot.lowPriority = price;
    else slot.onDemand = price;
  } else if (item.type === 'Reservation') {
    if (/\bSpot\b|Low Priority/.test(meter)) return;
    const years = item.reservationTerm === '1 Year' ? 1 : item.reservationTerm === '3 Years' ? 3 : undefined;
    if (years === 1) slot.reserved1y = price / HOURS_PER_YEAR;
    else if (years === 3) slot.reserved3y = price / (3 * HOURS_PER_YEAR);
  }
}

/** A catalog loader over the Azure Retail Prices API. */
export function azureRetailPricesLoader(options: AzureRetailPricesLoaderOptions = {}): OfferLoader {
  const endpoint = (options.endpoint ?? 'https://prices.azure.com').replace(/\/$/, '');
  const source = 'azure-retail-prices';
  return {
    name: options.name ?? source,
    async *load(call: CallOptions = {}): AsyncIterable<Offer> {
      const shapes = options.shapes ?? (await defaultShapes());
      const asOf = new Date((options.clock ?? Date.now)()).toISOString();
      const filters = (options.regions && options.regions.length > 0 ? options.regions : [undefined]).map(
        (region) => `serviceName eq 'Virtual Machines'${region ? ` and armRegionName eq '${region.replace(/'/g, "''")}'` : ''}`,
      );
      for (const filter of filters) {
        const slots = new Map<string, PriceSlot>();
        const params = new URLSearchParams({ 'api-version': options.apiVersion ?? '2023-01-01-preview', $filter: filter });
        if (options.currency) params.set('currencyCode', `'${options.currency}'`);
        let url: string | null = `${endpoint}/api/retail/prices?${params.toString()}`;
        let pages = 0;
        while (url) {
          if (++pages > (options.maxPages ?? 10_000)) throw new RangeError(`[novacron] [${source}] more than ${options.maxPages ?? 10_000} pages; stopping`);
          const page: AzureRetailPricesPage = await fetchJson<AzureRetailPricesPage>(url, { fetch: options.fetch, signal: call.signal, source });
          for (const item of page.Items ?? []) collectItem(slots, item);
          url = page.NextPageLink || null;
        }
        for (const [key, slot] of slots) {
          if (slot.onDemand === undefined) continue;
          const [region, armSkuName] = key.split('\u0000') as [string, string];
          const shape = shapes(armSkuName);
          if (!shape) continue; // a size we cannot describe cannot be matched to requirements
          yield {
            provider: 'azure',
            region,
            instanceType: armSkuName,
            vcpus: shape.vcpus,
            memoryGiB: shape.memoryGiB,
            gpu: shape.gpu,
            arch: shape.arch,
            onDemandHourly: slot.onDemand,
            spotHourly: slot.spot ?? slot.lowPriority,
            reserved1yHourly: slot.reserved1y,
            reserved3yHourly: slot.reserved3y,
            currency: slot.currency,
            source,
            asOf,
          };
        }
      }
    },
  };
}
