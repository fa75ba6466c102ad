/**
 * What Compute Engine sells in a region, read from the API and cached with a TTL.
 *
 * - Machine types: `machineTypes.aggregatedList` (one paged call for every zone of the project;
 *   `guestCpus`, `memoryMb`, `architecture`, built-in `accelerators`), kept for the provider's zones.
 * - Accelerator types: `acceleratorTypes.aggregatedList` (`maximumCardsPerInstance` per zone): a
 *   GPU that a zone does not list is never attached there.
 * - Prices: Compute Engine prices a machine type as the sum of its parts (vCPUs × the family's
 *   core rate + GiB × its RAM rate + GPUs × the GPU's rate), and the Cloud Billing Catalog loader
 *   that already exists (`gcpBillingCatalogLoader`) composes exactly that. The catalog asks it for
 *   unit probes (one vCPU of a family, one GiB, one GPU), which yields the rates themselves; every
 *   price here (predefined, custom, attached GPUs) is composed from them. When the Billing Catalog
 *   cannot be reached, the rates come from the bundled dated snapshot (`bundledGcpRates`, and its
 *   named offers for the accelerator-optimized types), the fallback is reported once, and the API
 *   is left alone for `pricingRetryMs`. A type neither source prices stays creatable by name or
 *   size, never offered to placement.
 *
 * Loads are shared: fifty concurrent creates in a cold region cause one load.
 */
import { withSignal } from '../../provider/abort.js';
import type { Architecture, GpuInfo, Offer } from '../../provider/types.js';
import { gcpBillingCatalogLoader, type GcpMachineType } from '../../optimizer/loaders/gcp-billing-catalog.js';
import type { GcpApi } from './gcp-api.js';
import { architectureOf, familyOf, gpuModelOfAccelerator, takesAttachedGpus } from './machine-types.js';
import { lastSegment, regionOfZone } from './naming.js';
import { LoadCache } from '../../provider/load-cache.js';

/** A machine type of the region. */
export interface MachineTypeFacts {
  /** Name (`n2-standard-4`). */
  readonly name: string;
  /** Family (`n2`). */
  readonly family: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** Architecture. */
  readonly arch: Architecture;
  /** GPUs the type carries (A2, G2, A3), when it does. */
  readonly gpu: GpuInfo | undefined;
  /** Zones of the region that offer it. */
  readonly zones: readonly string[];
}

/** An accelerator type in one zone. */
export interface AcceleratorFacts {
  /** GCE name (`nvidia-tesla-t4`). */
  readonly name: string;
  /** Portable model (`t4`). */
  readonly model: string;
  /** Most cards per instance. */
  readonly maxPerInstance: number;
}

/** Hourly rates of one thing (a vCPU, a GiB, a GPU) by how it is bought. */
export interface UsageRates {
  /** On demand. */
  readonly onDemand: number;
  /** Spot. */
  readonly spot?: number | undefined;
  /** 1-year commitment. */
  readonly commit1y?: number | undefined;
  /** 3-year commitment. */
  readonly commit3y?: number | undefined;
}

/** The rates a region's prices are composed from, and where they came from. */
export interface RegionRates {
  /** Core and RAM rates per family. */
  readonly families: ReadonlyMap<string, { readonly core: UsageRates; readonly ram: UsageRates }>;
  /** Rates per GPU model. */
  readonly gpus: ReadonlyMap<string, UsageRates>;
  /** Whole-type prices by name, for types the rates do not cover (snapshot only). */
  readonly named: ReadonlyMap<string, UsageRates>;
  /** ISO currency. */
  readonly currency: string;
  /** `gcp-billing-catalog` or `bundled-snapshot:gcp`. */
  readonly source: string;
  /** When the figures were true. */
  readonly asOf: string;
}

/** A region's compute catalog. */
export interface RegionCatalog {
  /** Region. */
  readonly region: string;
  /** Its zones this provider uses. */
  readonly zones: readonly string[];
  /** Machine types by name. */
  readonly machineTypes: ReadonlyMap<string, MachineTypeFacts>;
  /** Accelerator types per zone, by model. */
  readonly accelerators: ReadonlyMap<string, ReadonlyMap<string, AcceleratorFacts>>;
  /** Price rates. */
  readonly rates: RegionRates;
  /** When the catalog was read. */
  readonly asOf: string;
}

/** Price source names. */
export const PRICE_SOURCES = { billing: 'gcp-billing-catalog', snapshot: 'bundled-snapshot:gcp' } as const;

/**
 * Attached-GPU list prices for when the Billing Catalog cannot be reached (the snapshot has none of
 * its own): us-central1 on-demand per GPU-hour, "GPU pricing" (cloud.google.com/compute/gpus-pricing,
 * read 2025; approximate, scaled by nothing per region), spot at 0.3 of on-demand as the snapshot's
 * GPU rows assume.
 */
export const FALLBACK_GPU_RATES: Readonly<Record<string, number>> = { t4: 0.35, p4: 0.6, p100: 1.46, v100: 2.48, l4: 0.56, a100: 2.934, 'a100-80gb': 3.93 };
/** When {@link FALLBACK_GPU_RATES} were read. */
export const FALLBACK_GPU_AS_OF = '2025-06-01';

/** Told once per fallback: the Billing Catalog could not be used. */
export type PricingFallbackListener = (detail: { readonly fallback: 'bundled-snapshot'; readonly error: unknown }) => void;

/** Options of {@link GcpCatalog}. */
export interface GcpCatalogOptions {
  /** Project id. */
  readonly project: string;
  /** Zones the provider uses (all zones of a region the API lists when absent for it). */
  readonly zones: readonly string[] | undefined;
  /** Cloud Billing Catalog origin. */
  readonly billingCatalogEndpoint?: string | undefined;
  /** Billing Catalog API key. */
  readonly billingApiKey?: string | undefined;
  /** Catalog lifetime, ms. */
  readonly ttlMs: number;
  /** How long the Billing Catalog is left alone after a failure, ms (default 10 minutes). */
  readonly pricingRetryMs?: number | undefined;
  /** Told once when prices fall back to the snapshot. */
  readonly onFallback?: PricingFallbackListener | undefined;
  /** Clock (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

interface ProjectTypes {
  /** Zone → machine types. */
  readonly machineTypes: ReadonlyMap<string, readonly { name: string; vcpus: number; memoryGiB: number; arch: Architecture; gpu: GpuInfo | undefined }[]>;
  /** Zone → accelerators. */
  readonly accelerators: ReadonlyMap<string, ReadonlyMap<string, AcceleratorFacts>>;
}

/** Attached-GPU counts offered per model (up to the zone's `maximumCardsPerInstance`). */
const ATTACHED_COUNTS = [1, 2, 4, 8];

/** The cached catalog of one provider. */
export class GcpCatalog {
  private readonly cache: LoadCache;
  private readonly now: () => number;
  private pricingDownUntil = -Infinity;
  private fallbackReported = false;

  /** Builds an empty catalog over `api`. */
  constructor(
    private readonly api: GcpApi,
    private readonly options: GcpCatalogOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cache = new LoadCache(options.ttlMs, this.now);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, load);
  }

  /** The catalog of a region (the signal governs the caller's wait only: a shared load goes on). */
  region(region: string, signal?: AbortSignal): Promise<RegionCatalog> {
    return withSignal(this.cached(`region/${region}`, () => this.load(region)), signal);
  }

  /** The catalog of a region if it is loaded and fresh, without loading it. */
  peek(region: string): Promise<RegionCatalog | undefined> {
    return this.cache.peek<RegionCatalog>(`region/${region}`);
  }

  /** Priced offers of a region: one per machine type and zone, and per N1 type with each GPU the zone attaches. */
  async offers(region: string, signal?: AbortSignal): Promise<Offer[]> {
    return offersOf(await this.region(region, signal), false);
  }

  /** The offers of a catalog already loaded (priced, or with `unpriced` those without a price). */
  offersOfLoaded(catalog: RegionCatalog, unpriced: boolean): Offer[] {
    return offersOf(catalog, unpriced);
  }

  /** Offers of types without any price, priced `Infinity` (choosable by name or size, never by price). */
  async unpricedOffers(region: string, signal?: AbortSignal): Promise<Offer[]> {
    return offersOf(await this.region(region, signal), true);
  }

  private projectTypes(): Promise<ProjectTypes> {
    return this.cached('project-types', async () => {
      const [machineTypes, accelerators] = await Promise.all([this.listMachineTypes(), this.listAccelerators()]);
      return { machineTypes, accelerators };
    });
  }

  private listMachineTypes(): Promise<ProjectTypes['machineTypes']> {
    return this.api.run({ operation: 'offers', resourceType: 'machineType' }, undefined, async ({ machineTypes }, call) => {
      const out = new Map<string, { name: string; vcpus: number; memoryGiB: number; arch: Architecture; gpu: GpuInfo | undefined }[]>();
      for await (const [scope, list] of machineTypes.aggregatedListAsync({ project: this.options.project, maxResults: 500 }, { ...call, autoPaginate: false })) {
        const zone = lastSegment(scope);
        for (const t of list.machineTypes ?? []) {
          if (!t.name || !(Number(t.guestCpus) > 0) || !(Number(t.memoryMb) > 0) || t.deprecated?.state === 'OBSOLETE' || t.deprecated?.state === 'DELETED') continue;
          const accel = t.accelerators?.[0];
          const family = familyOf(t.name);
          const entry = {
            name: t.name,
            vcpus: Number(t.guestCpus),
            memoryGiB: Number(t.memoryMb) / 1024,
            arch: architectureOf(family, t.architecture),
            gpu: accel?.guestAcceleratorType && Number(accel.guestAcceleratorCount) > 0 ? { model: gpuModelOfAccelerator(accel.guestAcceleratorType), count: Number(accel.guestAcceleratorCount) } : undefined,
          };
          const forZone = out.get(zone) ?? [];
          forZone.push(entry);
          out.set(zone, forZone);
        }
      }
      return out;
    });
  }

  private listAccelerators(): Promise<ProjectTypes['accelerators']> {
    return this.api.run({ operation: 'offers', resourceType: 'acceleratorType' }, undefined, async ({ acceleratorTypes }, call) => {
      const out = new Map<string, Map<string, AcceleratorFacts>>();
      for await (const [scope, list] of acceleratorTypes.aggregatedListAsync({ project: this.options.project, maxResults: 500 }, { ...call, autoPaginate: false })) {
        const zone = lastSegment(scope);
        for (const a of list.acceleratorTypes ?? []) {
          if (!a.name) continue;
          const forZone = out.get(zone) ?? new Map<string, AcceleratorFacts>();
          forZone.set(gpuModelOfAccelerator(a.name), { name: a.name, model: gpuModelOfAccelerator(a.name), maxPerInstance: Number(a.maximumCardsPerInstance ?? 1) || 1 });
          out.set(zone, forZone);
        }
      }
      return out;
    });
  }

  private async load(region: string): Promise<RegionCatalog> {
    const types = await this.projectTypes();
    const zones = (this.options.zones?.filter((z) => regionOfZone(z) === region) ?? [...types.machineTypes.keys()].filter((z) => regionOfZone(z) === region)).sort();
    const machineTypes = new Map<string, MachineTypeFacts>();
    for (const zone of zones) {
      for (const t of types.machineTypes.get(zone) ?? []) {
        const known = machineTypes.get(t.name);
        machineTypes.set(t.name, known ? { ...known, zones: [...known.zones, zone] } : { ...t, family: familyOf(t.name), zones: [zone] });
      }
    }
    const accelerators = new Map<string, ReadonlyMap<string, AcceleratorFacts>>();
    for (const zone of zones) accelerators.set(zone, types.accelerators.get(zone) ?? new Map());
    const families = [...new Set([...machineTypes.values()].map((t) => t.family))];
    const models = [...new Set([...[...machineTypes.values()].flatMap((t) => (t.gpu ? [t.gpu.model] : [])), ...[...accelerators.values()].flatMap((m) => [...m.keys()])])];
    const rates = await this.withPriceFallback(
      () => this.liveRates(region, families, models),
      () => snapshotRates(region),
    );
    return { region, zones, machineTypes, accelerators, rates, asOf: new Date(this.now()).toISOString() };
  }

  private async withPriceFallback(live: () => Promise<RegionRates>, snapshot: () => Promise<RegionRates>): Promise<RegionRates> {
    if (this.now() < this.pricingDownUntil) return snapshot();
    try {
      return await live();
    } catch (error) {
      this.pricingDownUntil = this.now() + (this.options.pricingRetryMs ?? 600_000);
      if (!this.fallbackReported) {
        this.fallbackReported = true;
        this.options.onFallback?.({ fallback: 'bundled-snapshot', error });
      }
      return snapshot();
    }
  }

  /** Rates from the Billing Catalog, read through unit probes (see the file comment). */
  private async liveRates(region: string, families: readonly string[], models: readonly string[]): Promise<RegionRates> {
    const probes: GcpMachineType[] = [];
    for (const family of families) {
      probes.push({ name: `core/${family}`, family, vcpus: 1, memoryGiB: 0 }, { name: `ram/${family}`, family, vcpus: 0, memoryGiB: 1 });
    }
    // A GPU probe needs a family with core and RAM rates (0 × each): any of these will do.
    for (const model of models) for (const family of ['n1', 'n2', 'e2', ...families.slice(0, 2)]) probes.push({ name: `gpu/${model}/${family}`, family, vcpus: 0, memoryGiB: 0, gpu: { model, count: 1 } });
    const loader = gcpBillingCatalogLoader({ endpoint: this.options.billingCatalogEndpoint, apiKey: this.options.billingApiKey, regions: [region], machineTypes: probes, clock: this.now });
    const core = new Map<string, UsageRates>();
    const ram = new Map<string, UsageRates>();
    const gpus = new Map<string, UsageRates>();
    let currency = 'USD';
    let asOf = new Date(this.now()).toISOString();
    for await (const offer of loader.load()) {
      const rates: UsageRates = { onDemand: offer.onDemandHourly, spot: offer.spotHourly, commit1y: offer.reserved1yHourly, commit3y: offer.reserved3yHourly };
      currency = offer.currency;
      asOf = offer.asOf;
      const [kind, what] = offer.instanceType.split('/') as [string, string];
      if (kind === 'core') core.set(what, rates);
      else if (kind === 'ram') ram.set(what, rates);
      else if (kind === 'gpu' && !gpus.has(what)) gpus.set(what, rates);
    }
    const byFamily = new Map<string, { core: UsageRates; ram: UsageRates }>();
    for (const [family, c] of core) {
      const r = ram.get(family);
      if (r) byFamily.set(family, { core: c, ram: r });
    }
    return { families: byFamily, gpus, named: new Map(), currency, source: PRICE_SOURCES.billing, asOf };
  }
}

/** Rates from the bundled snapshot: its family rates, its named offers, and the fallback GPU table. */
async function snapshotRates(region: string): Promise<RegionRates> {
  const { bundledGcpRates, bundledOffers, BUNDLED_SNAPSHOT_AS_OF } = await import('../../catalog/bundled-snapshot.js');
  const families = new Map<string, { core: UsageRates; ram: UsageRates }>();
  for (const r of bundledGcpRates()) {
    if (r.region !== region) continue;
    const rates = (x: number): UsageRates => ({ onDemand: x, spot: x * r.spotFraction, commit1y: x * r.commit1yFraction, commit3y: x * r.commit3yFraction });
    families.set(r.family, { core: rates(r.vcpuHourly), ram: rates(r.gibHourly) });
  }
  // The snapshot prices N1 with N2's per-vCPU and per-GiB figures (its n1 rows are composed so).
  const n2 = families.get('n2');
  if (n2 && !families.has('n1')) families.set('n1', n2);
  const named = new Map<string, UsageRates>();
  for (const o of bundledOffers({ provider: 'gcp', regions: [region] })) {
    // Named figures only for types that carry their GPUs (a2, g2): n1 rows include an attached T4.
    if (!o.gpu || takesAttachedGpus(familyOf(o.instanceType))) continue;
    named.set(o.instanceType, { onDemand: o.onDemandHourly, spot: o.spotHourly, commit1y: o.reserved1yHourly, commit3y: o.reserved3yHourly });
  }
  const gpus = new Map<string, UsageRates>(Object.entries(FALLBACK_GPU_RATES).map(([model, price]) => [model, { onDemand: price, spot: price * 0.3 }]));
  return { families, gpus, named, currency: 'USD', source: PRICE_SOURCES.snapshot, asOf: BUNDLED_SNAPSHOT_AS_OF };
}

/** The usage a price is read for. */
export type Usage = keyof UsageRates;

/**
 * The hourly price of a machine (predefined or custom) with `gpu` attached or built in, for one
 * usage; `undefined` when a part is unpriced. `premium` scales the vCPU and memory part (custom types).
 */
export function composePrice(rates: RegionRates, machine: { readonly name: string; readonly family: string; readonly vcpus: number; readonly memoryGiB: number }, gpu: GpuInfo | undefined, usage: Usage, premium = 1): number | undefined {
  const named = rates.named.get(machine.name);
  if (named) return named[usage];
  const family = rates.families.get(machine.family);
  const core = family?.core[usage];
  const ram = family?.ram[usage];
  if (core === undefined || ram === undefined) return undefined;
  let total = (machine.vcpus * core + machine.memoryGiB * ram) * premium;
  if (gpu && gpu.count > 0) {
    const g = rates.gpus.get(gpu.model)?.[usage];
    if (g === undefined) return undefined;
    total += gpu.count * g;
  }
  return Math.round(total * 1e6) / 1e6;
}

function offersOf(catalog: RegionCatalog, unpriced: boolean): Offer[] {
  const offers: Offer[] = [];
  const { rates } = catalog;
  const push = (t: MachineTypeFacts, zone: string, gpu: GpuInfo | undefined): void => {
    const onDemand = composePrice(rates, t, gpu, 'onDemand');
    if (unpriced === (onDemand !== undefined)) return;
    offers.push({
      provider: 'gcp',
      region: catalog.region,
      zone,
      instanceType: t.name,
      vcpus: t.vcpus,
      memoryGiB: t.memoryGiB,
      gpu,
      arch: t.arch,
      onDemandHourly: onDemand ?? Infinity,
      spotHourly: composePrice(rates, t, gpu, 'spot'),
      reserved1yHourly: composePrice(rates, t, gpu, 'commit1y'),
      reserved3yHourly: composePrice(rates, t, gpu, 'commit3y'),
      currency: rates.currency,
      source: onDemand === undefined ? 'unpriced' : rates.source,
      asOf: onDemand === undefined ? catalog.asOf : rates.asOf,
    });
  };
  for (const t of catalog.machineTypes.values()) {
    for (const zone of t.zones) {
      push(t, zone, t.gpu);
      if (!takesAttachedGpus(t.family) || t.gpu) continue;
      for (const accel of catalog.accelerators.get(zone)?.values() ?? []) {
        for (const count of ATTACHED_COUNTS) if (count <= accel.maxPerInstance) push(t, zone, { model: accel.model, count });
      }
    }
  }
  return offers;
}
