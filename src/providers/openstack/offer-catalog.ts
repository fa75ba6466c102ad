/**
 * What the cloud sells, priced by the operator's rate card: Nova's flavors (`GET /flavors/detail`,
 * paged with `limit`/`marker` by the same `collectNovaFlavors` the rate-card loader uses) turned
 * into offers by `rateCardOffers`, kept for `catalogTtlMs` in a {@link LoadCache} (one load shared
 * by concurrent callers, nothing kept of a failed one).
 *
 * Without a rate card the flavors are still known (a create still picks the smallest that fits),
 * but `offers()` yields nothing and `estimateCost` refuses: a figure that drives a decision needs
 * a source, and on premises only the operator can give one.
 */
import { withSignal } from '../../provider/abort.js';
import { LoadCache } from '../../provider/load-cache.js';
import type { Offer } from '../../provider/types.js';
import { collectNovaFlavors, flavorOfNova, rateCardOffers, type NovaFlavor, type NovaFlavorPage, type RateCard } from '../../optimizer/loaders/openstack-rate-card.js';
import type { OpenStackApi } from './openstack-api.js';

/** A flavor with its price (when the card prices it). */
export interface PricedFlavor {
  /** Nova's flavor. */
  readonly flavor: NovaFlavor;
  /** The offer it stands for: priced by the card, or at `Infinity` without one (choosable by size, never by price). */
  readonly offer: Offer;
  /** Whether the rate card priced it. */
  readonly priced: boolean;
}

/** The flavors of one provider's region. */
export interface FlavorCatalog {
  /** By flavor name. */
  readonly byName: ReadonlyMap<string, PricedFlavor>;
  /** Every flavor's offer (unpriced ones at `Infinity`). */
  readonly offers: readonly Offer[];
  /** When it was read. */
  readonly asOf: string;
}

/** Nova's `GET /os-availability-zone` answer (the part read here). */
interface ZoneInfo {
  readonly availabilityZoneInfo?: readonly { readonly zoneName?: string; readonly zoneState?: { readonly available?: boolean } }[];
}

/** Options of {@link OpenStackCatalog}. */
export interface OpenStackCatalogOptions {
  /** Region the offers are in. */
  readonly region: string;
  /** The operator's prices, when given. */
  readonly rateCard: RateCard | undefined;
  /** Lifetime of the loaded flavors, ms. */
  readonly ttlMs: number;
  /** Flavors per page. */
  readonly pageSize: number;
  /** The availability zone to use, when configured (the zone list is then not read). */
  readonly availabilityZone: string | undefined;
}

/** The cached flavor catalog of one provider. */
export class OpenStackCatalog {
  private readonly cache: LoadCache;

  /** An empty catalog over `api`. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly options: OpenStackCatalogOptions,
  ) {
    this.cache = new LoadCache(options.ttlMs);
  }

  /** The flavors (the signal governs this caller's wait only: a shared load goes on). */
  flavors(signal?: AbortSignal): Promise<FlavorCatalog> {
    return withSignal(this.cache.get('flavors', () => this.load()), signal);
  }

  /** The flavors if they are loaded and fresh, without loading them. */
  peek(): Promise<FlavorCatalog | undefined> {
    return this.cache.peek<FlavorCatalog>('flavors');
  }

  /**
   * The availability zones servers may be placed in: the configured one, else the available zones
   * of `GET /os-availability-zone` (Compute API reference, "Availability zones", read 2026-12),
   * the `internal` zone of Nova's own services left out.
   */
  zones(signal?: AbortSignal): Promise<readonly string[]> {
    if (this.options.availabilityZone !== undefined) return Promise.resolve([this.options.availabilityZone]);
    return withSignal(
      this.cache.get('zones', async () => {
        const info = await this.api.json<ZoneInfo>({ service: 'compute', method: 'GET', path: '/os-availability-zone', ctx: { operation: 'regions', resourceType: 'availabilityZone' } });
        return (info?.availabilityZoneInfo ?? []).filter((z) => z.zoneState?.available !== false && z.zoneName && z.zoneName !== 'internal').map((z) => z.zoneName!);
      }),
      signal,
    );
  }

  /** The priced offers (none without a rate card): one per flavor and availability zone, so that placement can name a zone and fail over past one. */
  async offers(signal?: AbortSignal): Promise<Offer[]> {
    const catalog = await this.flavors(signal);
    const zones = await this.zones(signal);
    const priced = [...catalog.byName.values()].filter((f) => f.priced).map((f) => f.offer);
    return zones.length === 0 ? priced : priced.flatMap((o) => zones.map((zone) => ({ ...o, zone })));
  }

  private async load(): Promise<FlavorCatalog> {
    const nova = await collectNovaFlavors(
      (query) =>
        this.api.json<NovaFlavorPage>({
          service: 'compute',
          method: 'GET',
          path: `/flavors/detail?${query}`,
          ctx: { operation: 'offers', resourceType: 'flavor' },
        }),
      { pageSize: this.options.pageSize, source: 'openstack' },
    );
    const asOf = new Date().toISOString();
    const card = this.options.rateCard;
    const byName = new Map<string, PricedFlavor>();
    for (const flavor of nova) {
      const shape = flavorOfNova(flavor);
      const priced = card ? rateCardOffers({ ...card, regions: [this.options.region] }, [shape])[0] : undefined;
      const offer: Offer = priced ?? {
        provider: 'openstack',
        region: this.options.region,
        instanceType: shape.name,
        vcpus: shape.vcpus,
        memoryGiB: shape.memoryGiB,
        gpu: shape.gpu,
        arch: shape.arch ?? 'x86_64',
        localDiskGiB: shape.diskGiB,
        onDemandHourly: Infinity,
        currency: card?.currency ?? 'USD',
        source: 'unpriced',
        asOf,
      };
      byName.set(flavor.name, { flavor, offer, priced: priced !== undefined });
    }
    return { byName, offers: [...byName.values()].map((f) => f.offer), asOf };
  }
}
