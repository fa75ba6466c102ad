/**
 * On-premises prices: an OpenStack cloud has no price list, so the operator's rate card (per
 * vCPU-hour, per GiB-hour, per GPU-hour, or a fixed price per flavor) prices the flavors Nova
 * offers. Flavors come either from the card itself (`rateCardLoader`) or live from Nova's
 * `GET /flavors/detail`, paged with `limit` and `marker` following `flavors_links` rel="next"
 * (Compute API reference, docs.openstack.org/api-ref/compute/#list-flavors-with-details, read 2026-11).
 */
import type { CallOptions } from '../../provider/provider-v1.js';
import type { Architecture, GpuInfo, Offer, ProviderKind } from '../../provider/types.js';
import type { OfferLoader } from '../catalog.js';
import { fetchJson, type FetchLike } from './fetch-json.js';

/** An operator's prices for its private cloud. */
export interface RateCard {
  /** Regions the card applies to. */
  readonly regions: readonly string[];
  /** Provider kind recorded on offers (default `openstack`). */
  readonly provider?: ProviderKind | undefined;
  /** Price per vCPU-hour. */
  readonly perVcpuHour: number;
  /** Price per GiB of memory per hour. */
  readonly perGiBHour: number;
  /** Price per GiB of flavor root/ephemeral disk per hour (default 0). */
  readonly perDiskGiBHour?: number | undefined;
  /** Price per GiB-month of block storage (a boot volume larger than the flavor's disk); default 0. */
  readonly perVolumeGiBMonth?: number | undefined;
  /** Price per GB of network egress (what the operator charges back, often 0); default 0. */
  readonly perEgressGB?: number | undefined;
  /** Price per GPU-hour by model (lower case). */
  readonly gpuPerHour?: Readonly<Record<string, number>> | undefined;
  /** Fixed prices per flavor name, replacing the composed price. */
  readonly flavorPrices?: Readonly<Record<string, number>> | undefined;
  /** ISO 4217 currency. */
  readonly currency: string;
  /** Where the card comes from (finance sheet, chargeback policy). */
  readonly source: string;
  /** When it was set (ISO 8601). */
  readonly asOf: string;
}

/** A flavor: a named size. */
export interface Flavor {
  /** Flavor name. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** Root plus ephemeral disk, GiB. */
  readonly diskGiB?: number | undefined;
  /** GPUs passed through. */
  readonly gpu?: GpuInfo | undefined;
  /** Architecture (default x86_64). */
  readonly arch?: Architecture | undefined;
}

/** Prices flavors with a rate card: fixed flavor price, else the sum of vCPU, memory, disk and GPU rates. */
export function rateCardOffers(card: RateCard, flavors: readonly Flavor[]): Offer[] {
  const offers: Offer[] = [];
  for (const region of card.regions) {
    for (const f of flavors) {
      let price = card.flavorPrices?.[f.name];
      if (price === undefined) {
        price = f.vcpus * card.perVcpuHour + f.memoryGiB * card.perGiBHour + (f.diskGiB ?? 0) * (card.perDiskGiBHour ?? 0);
        if (f.gpu && f.gpu.count > 0) {
          const gpuRate = card.gpuPerHour?.[f.gpu.model.toLowerCase()];
          if (gpuRate === undefined) continue; // a GPU the card does not price cannot be offered at a price
          price += f.gpu.count * gpuRate;
        }
      }
      offers.push({
        provider: card.provider ?? 'openstack',
        region,
        instanceType: f.name,
        vcpus: f.vcpus,
        memoryGiB: f.memoryGiB,
        gpu: f.gpu,
        arch: f.arch ?? 'x86_64',
        localDiskGiB: f.diskGiB,
        onDemandHourly: Math.round(price * 1e9) / 1e9,
        currency: card.currency,
        source: card.source,
        asOf: card.asOf,
      });
    }
  }
  return offers;
}

/** A loader for an on-premises rate card with its flavors listed in it. */
export function rateCardLoader(card: RateCard & { readonly flavors: readonly Flavor[]; readonly name?: string | undefined }): OfferLoader {
  return {
    name: card.name ?? `rate-card:${card.provider ?? 'openstack'}`,
    async *load(): AsyncIterable<Offer> {
      yield* rateCardOffers(card, card.flavors);
    },
  };
}

/** A Nova flavor as `GET /flavors/detail` returns it (the fields read here). */
export interface NovaFlavor {
  /** Flavor id. */
  readonly id: string;
  /** Flavor name. */
  readonly name: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in MiB. */
  readonly ram: number;
  /** Root disk in GiB. */
  readonly disk: number;
  /** Ephemeral disk in GiB. */
  readonly 'OS-FLV-EXT-DATA:ephemeral'?: number | undefined;
  /** Flavor extra specs (microversion 2.61 and later). */
  readonly extra_specs?: Readonly<Record<string, string>> | undefined;
  /** Whether the flavor is public. */
  readonly 'os-flavor-access:is_public'?: boolean | undefined;
}

/** Options of {@link openstackRateCardLoader}. */
export interface OpenStackRateCardLoaderOptions {
  /** Loader name (default `openstack-rate-card`). */
  readonly name?: string | undefined;
  /** Nova endpoint from the service catalog, e.g. `https://nova.example:8774/v2.1`. */
  readonly computeEndpoint: string;
  /** Keystone token, or a function returning a fresh one. */
  readonly token: string | (() => Promise<string>);
  /** The rate card to price flavors with. */
  readonly card: RateCard;
  /** Flavors per page (default 100). */
  readonly pageSize?: number | undefined;
  /** Also price private flavors (default false). */
  readonly includePrivate?: boolean | undefined;
  /** The `fetch` to use. */
  readonly fetch?: FetchLike | undefined;
}

/** GPUs a flavor passes through, from `pci_passthrough:alias` (`a100:2`) or `resources:PGPU`/`VGPU`. */
export function flavorGpu(extraSpecs: Readonly<Record<string, string>> | undefined): GpuInfo | undefined {
  if (!extraSpecs) return undefined;
  const alias = extraSpecs['pci_passthrough:alias'];
  if (alias) {
    const [model, count] = alias.split(',')[0]!.split(':');
    const n = Number(count ?? '1');
    if (model && n > 0) return { model: model.toLowerCase(), count: n };
  }
  const pgpu = Number(extraSpecs['resources:PGPU'] ?? extraSpecs['resources:VGPU'] ?? 0);
  return pgpu > 0 ? { model: (extraSpecs['novacron:gpu_model'] ?? 'gpu').toLowerCase(), count: pgpu } : undefined;
}

/** One page of `GET /flavors/detail`. */
export interface NovaFlavorPage {
  /** The flavors of the page. */
  readonly flavors?: readonly NovaFlavor[] | undefined;
  /** Links; `rel: "next"` carries the next page's query (`limit` and `marker`). */
  readonly flavors_links?: readonly { readonly rel: string; readonly href: string }[] | undefined;
}

/**
 * A Nova flavor as a rate-card {@link Flavor} (memory MiB → GiB, disk = root + ephemeral, GPUs
 * from extra specs, Arm when the flavor pins its hosts with `capabilities:cpu_info:arch=aarch64`,
 * the extra spec the ComputeCapabilitiesFilter reads).
 */
export function flavorOfNova(f: NovaFlavor): Flavor {
  const arch = f.extra_specs?.['capabilities:cpu_info:arch'];
  return {
    name: f.name,
    vcpus: f.vcpus,
    memoryGiB: f.ram / 1024,
    diskGiB: f.disk + (f['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
    gpu: flavorGpu(f.extra_specs),
    ...(arch === 'aarch64' || arch === 'arm64' ? { arch: 'arm64' as const } : {}),
  };
}

/**
 * Every flavor of `GET /flavors/detail`, paged: `getPage(query)` fetches `/flavors/detail?<query>`
 * (the caller adds host, token and headers); the next query is taken from the `next` link only,
 * since Nova's link may name a public host. Private flavors are skipped unless `includePrivate`.
 */
export async function collectNovaFlavors(
  getPage: (query: string) => Promise<NovaFlavorPage>,
  options: { readonly pageSize?: number | undefined; readonly includePrivate?: boolean | undefined; readonly source: string },
): Promise<NovaFlavor[]> {
  const flavors: NovaFlavor[] = [];
  let query: string | undefined = `limit=${options.pageSize ?? 100}${options.includePrivate ? '&is_public=None' : ''}`;
  let pages = 0;
  while (query !== undefined) {
    if (++pages > 10_000) throw new RangeError(`[novacron] [${options.source}] too many pages`);
    const page = await getPage(query);
    for (const f of page.flavors ?? []) {
      if (f['os-flavor-access:is_public'] === false && !options.includePrivate) continue;
      flavors.push(f);
    }
    const next = page.flavors_links?.find((l) => l.rel === 'next')?.href;
    const at = next?.indexOf('?') ?? -1;
    query = next !== undefined && at !== -1 ? next.slice(at + 1) : undefined;
  }
  return flavors;
}

/** A loader that lists Nova flavors (paged) and prices them with a rate card. */
export function openstackRateCardLoader(options: OpenStackRateCardLoaderOptions): OfferLoader {
  const base = options.computeEndpoint.replace(/\/$/, '');
  const source = 'openstack-rate-card';
  return {
    name: options.name ?? source,
    async *load(call: CallOptions = {}): AsyncIterable<Offer> {
      const token = typeof options.token === 'string' ? options.token : await options.token();
      const headers = { 'x-auth-token': token, 'openstack-api-version': 'compute 2.61' };
      const nova = await collectNovaFlavors((query) => fetchJson<NovaFlavorPage>(`${base}/flavors/detail?${query}`, { fetch: options.fetch, signal: call.signal, source, headers }), {
        pageSize: options.pageSize,
        includePrivate: options.includePrivate,
        source,
      });
      yield* rateCardOffers(options.card, nova.map(flavorOfNova));
    },
  };
}
