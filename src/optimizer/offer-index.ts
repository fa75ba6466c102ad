/**
 * The columnar offer index: built once per catalog version, then asked "the cheapest offers with
 * ≥ c vCPUs, ≥ m GiB, GPU g, in these clouds/regions, on this price basis, under $x/h" thousands
 * of times, each answer without scanning the catalog and without allocating.
 *
 * Layout. For each price basis the offers sold on that basis are put in one global total order
 * (price, then the tie-breaks of `compareOffers`) and split, stably, into partitions, each
 * a contiguous run of typed-array columns (price, vCPUs, memory, GPU count, arch, instance
 * type, global rank, catalog position). Two partitionings of the same order are kept:
 * - by (provider, GPU model, vCPU bucket), for queries over whole clouds;
 * - by (provider and region, GPU model, vCPU bucket), for queries naming regions, so that they
 *   never step over other regions' offers;
 * where vCPU bucket b holds vCPUs in [2^(b-1), 2^b). A query
 * 1. picks the partitions that can hold answers (its clouds or regions, its GPU models, buckets
 *    at or above its vCPU floor, partitions whose largest memory and cheapest price allow),
 * 2. walks each from its cheapest entry (or, with a cursor `after`, from the first entry ranked
 *    after it, found by binary search on the rank column) to its first match, and
 * 3. merges the partitions' heads through a small preallocated heap keyed by global rank,
 *    stopping after `limit` answers or when a partition's prices pass `maxHourly`.
 * Instance types are dictionary-encoded (one id per name, and the family of each id), so that
 * instance-type and family restrictions, global or per owner, are one stamped lookup
 * `allowed[owner row + type id]` in the scan loop: a restricted query never hands its caller
 * offers it must throw away, however many cheaper ones the restriction excludes.
 * Because every partition is a sub-sequence of the one global order, the merge yields exactly the
 * order a filter-and-sort over all offers would ({@link referenceQuery}); the property tests in
 * test/optimizer prove it on random catalogs and queries.
 *
 * Building needs no comparator sort: the order comes from stable counting sorts over dense
 * ranks (see `tieBreakOrder`). The on-demand and spot bases are built with the index; the
 * reserved bases, asked for far less often, on their first query (once per catalog version).
 *
 * vCPUs and memory are Float64 columns rather than small integers: catalogs hold fractional
 * shared-core vCPUs (GCP e2-micro: 0.25) and memory such as 0.5 or 3.75 GiB, and a comparison
 * must give the same answer as the reference does on the original numbers.
 */
import type { Architecture, Offer } from '../provider/types.js';
import { instanceFamily } from '../provider/offer-selection.js';
import { compareStrings, normalizeGpuModel, PRICE_BASES, priceOf, queryArchitectures, type OfferQuery, type PriceBasis } from './offer-query.js';

const VCPU_BUCKETS = 16;
const MEMORY_BUCKETS = 7;
/** Cells per (owner or place, GPU model): a vCPU bucket × a memory bucket. */
const BUCKETS = VCPU_BUCKETS * MEMORY_BUCKETS;

/** The vCPU bucket of a vCPU count: 0 for less than one vCPU, then one bucket per power of two. */
function vcpuBucket(vcpus: number): number {
  if (!(vcpus >= 1)) return 0;
  return Math.min(VCPU_BUCKETS - 1, Math.floor(Math.log2(vcpus)) + 1);
}

/**
 * The memory bucket of a memory size: 0 below 1 GiB, then one per power of four. With it, a
 * memory-heavy query (2 vCPUs, 16 GiB) skips the partitions of lean offers whole instead of
 * stepping over their cheaper entries one by one.
 */
function memoryBucket(memoryGiB: number): number {
  if (!(memoryGiB >= 1)) return 0;
  return Math.min(MEMORY_BUCKETS - 1, Math.floor(Math.log2(memoryGiB) / 2) + 1);
}

/** The cell of an offer's (or a query's least) vCPUs and memory within its owner's GPU row. */
function cellOf(vcpus: number, memoryGiB: number): number {
  return vcpuBucket(vcpus) * MEMORY_BUCKETS + memoryBucket(memoryGiB);
}

const ARCH_IDS: Readonly<Record<Architecture, number>> = { x86_64: 0, arm64: 1 };

/** One partitioning of one price basis: the offers sold on it, partitioned and price-ordered. */
interface PartitionedColumns {
  /** Partition p occupies positions [start[p], start[p + 1]). */
  readonly start: Uint32Array;
  readonly price: Float64Array;
  readonly vcpus: Float64Array;
  readonly memory: Float64Array;
  /** GPU count in the low 16 bits, architecture id above: one read for both filters. */
  readonly gpuArch: Uint32Array;
  /** Instance type id (see `OfferIndex.typeIds`). */
  readonly type: Uint32Array;
  /** Per partition: the id of the provider (owner) it belongs to. */
  readonly owner: Uint16Array;
  /** Position in the basis' global order: what the merge compares, and the key to `order`. */
  readonly rank: Uint32Array;
  /** The basis' global order: catalog positions, cheapest first (shared by both partitionings). */
  readonly order: Uint32Array;
  /** Per partition: the largest memory it holds, for pruning. */
  readonly maxMemory: Float64Array;
  /**
   * Each partition's offers again, grouped by instance family: partition p's families are
   * groups [familyStart[p], familyStart[p + 1]) ordered by family id (`family`), and group k's
   * offers are the positions `groupPositions[groupStart[k] .. groupStart[k + 1])`, in price order.
   * A query that restricts an owner's families merges only the allowed families' groups (one
   * heap slot each), so it never steps over the offers of the families it excludes.
   */
  readonly familyStart: Uint32Array;
  readonly family: Uint32Array;
  readonly groupStart: Uint32Array;
  readonly groupPositions: Uint32Array;
}

/** A price basis in both partitionings. */
interface BasisLayouts {
  /** Partitions keyed by (provider, GPU model, vCPU bucket). */
  readonly byProvider: PartitionedColumns;
  /** Partitions keyed by (provider + region, GPU model, vCPU bucket). */
  readonly byRegion: PartitionedColumns;
  /** Per catalog position, its rank in the basis' global order (`NOT_SOLD` when not sold on it). */
  readonly rankOf: Uint32Array;
}

const NOT_SOLD = 0xffffffff;

/** Options of {@link OfferIndex.build}. */
export interface OfferIndexOptions {
  /** Price bases to build now; the others are built on their first query (default: on-demand and spot). */
  readonly eagerBases?: readonly PriceBasis[] | undefined;
  /**
   * Per catalog position, the owner of the offer: what the index groups and filters by where a
   * query names `providers`, and what ties break on in place of `offer.provider`. Default: each
   * offer's `provider` (its cloud kind). The placement engine passes registered provider names,
   * so that two providers of one kind stay apart while their offers keep their kind. Must be as
   * long as the offer list.
   */
  readonly owners?: readonly string[] | undefined;
}

/** What building a price basis needs, computed once per index. */
interface SharedKeys {
  readonly tieOrder: Uint32Array;
  readonly byProviderKey: Uint32Array;
  readonly byPlaceKey: Uint32Array;
  readonly keys: OfferKeys;
}

const DEFAULT_EAGER_BASES: readonly PriceBasis[] = ['onDemand', 'spot'];

/** Counts that describe an index's shape (for logs and benchmarks). */
export interface OfferIndexStats {
  /** Offers indexed. */
  readonly offers: number;
  /** Distinct providers. */
  readonly providers: number;
  /** Distinct regions. */
  readonly regions: number;
  /** Distinct GPU models. */
  readonly gpuModels: number;
  /** Non-empty partitions, summed over price bases and both partitionings. */
  readonly partitions: number;
  /** Bytes held by the typed-array columns. */
  readonly columnBytes: number;
}

/** Per-offer values the columns are filled from. */
interface OfferKeys {
  readonly vcpus: Float64Array;
  readonly memory: Float64Array;
  readonly gpuCount: Uint16Array;
  readonly arch: Uint8Array;
  readonly type: Uint32Array;
}

/**
 * A columnar, partitioned, price-sorted index over a fixed list of offers.
 *
 * Not safe for re-entrant use from inside its own query (there is none: queries are synchronous
 * and JavaScript runs them one at a time), since queries share preallocated scratch space.
 *
 * @example
 * ```ts
 * const index = OfferIndex.build(offers);
 * const out = new Uint32Array(10);
 * const n = index.query({ minVcpus: 4, minMemoryGiB: 8, providers: ['aws', 'gcp'] }, out);
 * for (let i = 0; i < n; i++) console.log(index.offer(out[i]!).instanceType);
 * ```
 */
export class OfferIndex {
  /** The offers, in catalog order; query results are positions in this list. */
  readonly offers: readonly Offer[];
  /** Per position, the owner the `providers` dimension uses (see {@link OfferIndexOptions.owners}). */
  private readonly owners: readonly string[] | undefined;

  private readonly providerIds = new Map<string, number>();
  /** Provider (owner) id → name. */
  private readonly providerNames: string[] = [];
  /** Instance type name → id; `typeFamily[id]` is the id of its family. */
  private readonly typeIds = new Map<string, number>();
  private readonly typeFamily: number[] = [];
  /** Instance family name → id; `familyTypes[id]` lists the ids of its instance types. */
  private readonly familyIds = new Map<string, number>();
  private readonly familyTypes: number[][] = [];
  private readonly regionIds = new Map<string, number>();
  /** GPU model → id; id 0 stands for "no GPU". */
  private readonly gpuIds = new Map<string, number>();
  private readonly gpuModelCount: number;
  /** Per region id: the place ids, one per provider selling there (a region name may exist in several clouds). */
  private readonly placesOfRegion: number[][] = [];
  /** Per place id: its provider id. */
  private readonly placeProvider: Uint16Array;
  private readonly providerPartitions: number;
  private readonly placePartitions: number;
  /** Per price basis, built at construction (eager bases) or on first use, then kept. */
  private readonly bases = new Map<PriceBasis, BasisLayouts>();
  /** What building a basis needs, computed once. */
  private readonly shared: SharedKeys;
  private readonly regionCount: number;

  // Scratch space reused by every query (no per-query allocation).
  private readonly regionMask: Uint8Array;
  private readonly providerMask: Uint8Array;
  /**
   * The merge heap of slots: slot p < P (the partition count) is partition p, slot P + k is
   * family group k of a restricted owner's partition. `cursor` is the slot's current position,
   * `stop` its end (a position, or for a group an index into `groupPositions`), `groupAt` a
   * group slot's index into `groupPositions`.
   */
  private heap: Int32Array;
  private cursor: Int32Array;
  private stop: Int32Array;
  private groupAt: Int32Array;
  /** Per slot on the heap: its row in `allowedTypes`, or -1 when its owner is not restricted. */
  private row: Int32Array;
  /**
   * Partitions a query may use but has not seeded yet, as a heap keyed by the rank of each one's
   * first entry (`waitFirst`): a partition is seeded only once that rank comes before the merge
   * heap's top, so one whose offers are all dearer than the answers is never searched.
   */
  private readonly waiting: Int32Array;
  private readonly waitFirst: Int32Array;
  private waitingSize = 0;
  /**
   * Instance-type restrictions of the current query, by stamp: type t of owner o is allowed
   * when `allowedTypes[o * typeCount + t] === typeStamp`, and owner o is restricted when
   * `restrictedOwners[o] === typeStamp`. Stamps avoid clearing; allocated on first use.
   */
  private allowedTypes: Uint32Array | undefined;
  private restrictedOwners: Uint32Array | undefined;
  /** Per owner restricted by the current query: the ids of its allowed families (a family may repeat). */
  private readonly ownerFamilies: number[][] = [];
  private typeStamp = 0;
  private heapSize = 0;
  private readonly filter: MergeFilter = {
    minVcpus: 0,
    minMemory: 0,
    maxPrice: Infinity,
    archBits: 0,
    gpuCount: 0,
    gpuExact: false,
    typeFiltered: false,
    afterRank: -1,
    gpuFrom: 0,
    gpuTo: 0,
    anyProvider: true,
  };

  private constructor(offers: readonly Offer[], options: OfferIndexOptions) {
    this.offers = offers;
    const n = offers.length;
    if (options.owners !== undefined && options.owners.length !== n) {
      throw new RangeError(`[novacron] offer index: ${options.owners.length} owners for ${n} offers`);
    }
    const owners = (this.owners = options.owners);
    // Per-offer keys, computed once and shared by every basis.
    const providerOf = new Uint16Array(n);
    const placeOf = new Uint32Array(n);
    const gpuOf = new Uint32Array(n);
    const keys: OfferKeys = {
      vcpus: new Float64Array(n),
      memory: new Float64Array(n),
      gpuCount: new Uint16Array(n),
      arch: new Uint8Array(n),
      type: new Uint32Array(n),
    };
    const placeProvider: number[] = [];
    const placeByKey = new Map<number, number>(); // regionId * 65536 + providerId → place id
    let lastProvider: string | undefined;
    let lastProviderId = 0;
    let lastRegion: string | undefined;
    let lastRegionId = 0;
    for (let i = 0; i < n; i++) {
      const o = offers[i]!;
      if (!Number.isFinite(o.vcpus) || !Number.isFinite(o.memoryGiB)) {
        throw new RangeError(`[novacron] offer index: ${o.provider} ${o.region} ${o.instanceType} has non-finite vCPUs or memory`);
      }
      // Catalogs come grouped by owner and region: remember the last lookup.
      const owner = owners === undefined ? o.provider : owners[i]!;
      if (owner !== lastProvider) {
        let id = this.providerIds.get(owner);
        if (id === undefined) {
          this.providerIds.set(owner, (id = this.providerIds.size));
          this.providerNames.push(owner);
        }
        lastProvider = owner;
        lastProviderId = id;
      }
      if (o.region !== lastRegion) {
        let id = this.regionIds.get(o.region);
        if (id === undefined) {
          this.regionIds.set(o.region, (id = this.regionIds.size));
          this.placesOfRegion.push([]);
        }
        lastRegion = o.region;
        lastRegionId = id;
      }
      if (lastProviderId > 0xffff || lastRegionId > 0xffff) throw new RangeError('[novacron] offer index: more than 65536 regions or providers');
      const placeKey = lastRegionId * 65536 + lastProviderId;
      let placeId = placeByKey.get(placeKey);
      if (placeId === undefined) {
        placeByKey.set(placeKey, (placeId = placeByKey.size));
        placeProvider.push(lastProviderId);
        this.placesOfRegion[lastRegionId]!.push(placeId);
      }
      providerOf[i] = lastProviderId;
      placeOf[i] = placeId;
      const gpu = o.gpu && o.gpu.count > 0 ? o.gpu : undefined;
      if (gpu) {
        const model = normalizeGpuModel(gpu.model);
        let id = this.gpuIds.get(model);
        if (id === undefined) this.gpuIds.set(model, (id = this.gpuIds.size + 1));
        gpuOf[i] = id;
        keys.gpuCount[i] = Math.min(gpu.count, 0xffff);
      }
      keys.vcpus[i] = o.vcpus;
      keys.memory[i] = o.memoryGiB;
      keys.arch[i] = ARCH_IDS[o.arch] ?? 255;
      keys.type[i] = this.typeId(o.instanceType);
    }
    this.placeProvider = Uint16Array.from(placeProvider);
    this.gpuModelCount = this.gpuIds.size + 1;
    this.regionCount = this.regionIds.size;
    this.providerPartitions = this.providerIds.size * this.gpuModelCount * BUCKETS;
    this.placePartitions = placeByKey.size * this.gpuModelCount * BUCKETS;
    const byProviderKey = new Uint32Array(n);
    const byPlaceKey = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const bucket = cellOf(keys.vcpus[i]!, keys.memory[i]!);
      byProviderKey[i] = (providerOf[i]! * this.gpuModelCount + gpuOf[i]!) * BUCKETS + bucket;
      byPlaceKey[i] = (placeOf[i]! * this.gpuModelCount + gpuOf[i]!) * BUCKETS + bucket;
    }
    // Offers in the basis-independent part of the total order (vCPUs, memory, names, position).
    const tieOrder = tieBreakOrder(offers, keys.vcpus, keys.memory, owners);

    this.shared = { tieOrder, byProviderKey, byPlaceKey, keys };
    for (const basis of options.eagerBases ?? DEFAULT_EAGER_BASES) this.layouts(basis);

    this.regionMask = new Uint8Array(this.regionCount);
    this.providerMask = new Uint8Array(this.providerIds.size);
    const most = Math.max(this.providerPartitions, this.placePartitions);
    this.heap = new Int32Array(most);
    this.cursor = new Int32Array(most);
    this.stop = new Int32Array(most);
    this.groupAt = new Int32Array(most);
    this.row = new Int32Array(most);
    this.waiting = new Int32Array(most);
    this.waitFirst = new Int32Array(most);
  }

  /** The id of an instance type, numbering it (and its family) on first sight. */
  private typeId(instanceType: string): number {
    let id = this.typeIds.get(instanceType);
    if (id !== undefined) return id;
    id = this.typeIds.size;
    this.typeIds.set(instanceType, id);
    const family = instanceFamily(instanceType);
    let familyId = this.familyIds.get(family);
    if (familyId === undefined) {
      this.familyIds.set(family, (familyId = this.familyIds.size));
      this.familyTypes.push([]);
    }
    this.typeFamily.push(familyId);
    this.familyTypes[familyId]!.push(id);
    return id;
  }

  /**
   * Builds the index over `offers` (kept by reference: do not mutate the list afterwards). The
   * shared keys and the tie-break order are computed now, with the price bases in
   * `options.eagerBases` (default on-demand and spot, the ones placement and failover ask for);
   * the others are built on their first query, once.
   */
  static build(offers: readonly Offer[], options: OfferIndexOptions = {}): OfferIndex {
    return new OfferIndex(offers, options);
  }

  /** The partitioned columns of a price basis, built on first use. */
  private layouts(basis: PriceBasis): BasisLayouts | undefined {
    const built = this.bases.get(basis);
    if (built) return built;
    if (!PRICE_BASES.includes(basis)) return undefined;
    const { tieOrder, byProviderKey, byPlaceKey, keys } = this.shared;
    const n = this.offers.length;
    const prices = new Float64Array(n);
    let sold = 0;
    for (let i = 0; i < n; i++) {
      const p = priceOf(this.offers[i]!, basis);
      prices[i] = p === undefined ? NaN : p;
      if (p !== undefined) sold++;
    }
    // Sold offers in tie-break order, then a stable sort by price: the total order of compareOffers.
    let order: Uint32Array = new Uint32Array(sold);
    for (let j = 0, k = 0; j < n; j++) if (!Number.isNaN(prices[tieOrder[j]!]!)) order[k++] = tieOrder[j]!;
    const priceRank = distinctRanks(prices, order);
    order = stableCountingSort(order, priceRank.rank, priceRank.count);
    const rankOf = new Uint32Array(n).fill(NOT_SOLD);
    for (let j = 0; j < order.length; j++) rankOf[order[j]!] = j;
    const perOwner = this.gpuModelCount * BUCKETS;
    const layouts: BasisLayouts = {
      byProvider: partition(order, byProviderKey, this.providerPartitions, prices, keys, (p) => Math.floor(p / perOwner), this.typeFamily),
      byRegion: partition(order, byPlaceKey, this.placePartitions, prices, keys, (p) => this.placeProvider[Math.floor(p / perOwner)]!, this.typeFamily),
      rankOf,
    };
    this.bases.set(basis, layouts);
    return layouts;
  }

  /** Number of offers indexed. */
  get size(): number {
    return this.offers.length;
  }

  /** The owner of the offer at `position`: its entry of {@link OfferIndexOptions.owners}, else the offer's `provider`. */
  ownerOf(position: number): string {
    if (this.owners === undefined) return this.offer(position).provider;
    const owner = this.owners[position];
    if (owner === undefined) throw new RangeError(`[novacron] offer index: no offer at position ${position}`);
    return owner;
  }

  /** The offer at catalog position `position`. */
  offer(position: number): Offer {
    const o = this.offers[position];
    if (o === undefined) throw new RangeError(`[novacron] offer index: no offer at position ${position}`);
    return o;
  }

  /** Shape of the index (builds any price basis not built yet). */
  stats(): OfferIndexStats {
    let partitions = 0;
    let columnBytes = 0;
    for (const basis of PRICE_BASES) {
      const layouts = this.layouts(basis)!;
      for (const cols of [layouts.byProvider, layouts.byRegion]) {
        for (let p = 0; p + 1 < cols.start.length; p++) if (cols.start[p + 1]! > cols.start[p]!) partitions++;
        for (const c of [cols.start, cols.price, cols.vcpus, cols.memory, cols.gpuArch, cols.type, cols.owner, cols.rank, cols.maxMemory, cols.familyStart, cols.family, cols.groupStart, cols.groupPositions]) {
          columnBytes += c.byteLength;
        }
      }
      columnBytes += layouts.rankOf.byteLength;
    }
    return { offers: this.size, providers: this.providerIds.size, regions: this.regionCount, gpuModels: this.gpuModelCount - 1, partitions, columnBytes };
  }

  /**
   * Writes into `out` the catalog positions of the cheapest offers answering `query`, cheapest
   * first, and returns how many it wrote (at most `limit`, default `out.length`). The order is
   * the total order of `compareOffers`; nothing is allocated.
   */
  query(query: OfferQuery, out: Uint32Array, limit: number = out.length): number {
    const k = Math.min(limit, out.length);
    if (!(k > 0) || this.offers.length === 0) return 0;
    const layouts = this.layouts(query.basis ?? 'onDemand');
    if (layouts === undefined) return 0;
    const minVcpus = query.minVcpus ?? -Infinity;
    const minMemory = query.minMemoryGiB ?? -Infinity;
    if (Number.isNaN(minVcpus) || Number.isNaN(minMemory)) return 0;
    const wantGpu = query.gpu !== undefined && query.gpu.count > 0;
    let gpuFrom = 0;
    let gpuTo = 0; // inclusive range of GPU ids to visit
    if (wantGpu) {
      if (query.gpu!.model !== undefined) {
        const id = this.gpuIds.get(normalizeGpuModel(query.gpu!.model));
        if (id === undefined) return 0;
        gpuFrom = gpuTo = id;
      } else {
        gpuFrom = 1;
        gpuTo = this.gpuModelCount - 1;
        if (gpuTo < 1) return 0;
      }
    }
    const f = this.filter;
    f.minVcpus = minVcpus;
    f.minMemory = minMemory;
    f.maxPrice = query.maxHourly ?? Infinity;
    f.archBits = 0;
    const archs = queryArchitectures(query);
    if (archs !== undefined) {
      for (const a of archs) {
        const id = ARCH_IDS[a];
        if (id !== undefined) f.archBits |= 1 << id;
      }
      if (f.archBits === 0) return 0; // only architectures no offer has
    }
    f.gpuCount = wantGpu ? query.gpu!.count : 0;
    f.gpuExact = wantGpu && query.gpu!.exact === true;
    f.gpuFrom = gpuFrom;
    f.gpuTo = gpuTo;
    f.afterRank = -1;
    if (query.after !== undefined) {
      const rank = layouts.rankOf[query.after];
      if (rank === undefined || rank === NOT_SOLD) return 0; // unsold offers rank after every sold one
      f.afterRank = rank;
    }

    // Provider mask.
    const providerMask = this.providerMask;
    f.anyProvider = !query.providers || query.providers.length === 0;
    if (!f.anyProvider) {
      let known = 0;
      for (const p of query.providers!) {
        const id = this.providerIds.get(p);
        if (id !== undefined) {
          providerMask[id] = 1;
          known++;
        }
      }
      if (known === 0) return 0;
    }
    if (!this.restrictTypes(query)) {
      if (!f.anyProvider) providerMask.fill(0);
      return 0;
    }

    let written: number;
    if (!query.regions || query.regions.length === 0) {
      written = this.queryByProvider(layouts.byProvider, k, out);
    } else {
      written = this.queryByRegion(layouts.byRegion, query.regions, k, out);
    }
    if (!f.anyProvider) providerMask.fill(0); // leave the scratch clean for the next query
    return written;
  }

  /**
   * Stamps the instance types each owner may use under the query's `instanceTypes`, `families`
   * and `familiesByProvider`, and marks the owners so restricted. False when no owner the
   * query can reach has an allowed type left.
   */
  private restrictTypes(query: OfferQuery): boolean {
    const f = this.filter;
    const types = query.instanceTypes && query.instanceTypes.length > 0 ? query.instanceTypes : undefined;
    const families = query.families && query.families.length > 0 ? query.families : undefined;
    const byOwner = query.familiesByProvider !== undefined && query.familiesByProvider.size > 0 ? query.familiesByProvider : undefined;
    f.typeFiltered = types !== undefined || families !== undefined || byOwner !== undefined;
    if (!f.typeFiltered) return true;
    const typeCount = this.typeIds.size;
    const owners = this.providerIds.size;
    this.allowedTypes ??= new Uint32Array(owners * typeCount);
    this.restrictedOwners ??= new Uint32Array(owners);
    if (++this.typeStamp === 0xffffffff) {
      this.allowedTypes.fill(0);
      this.restrictedOwners.fill(0);
      this.typeStamp = 1;
    }
    const stamp = this.typeStamp;
    const allowed = this.allowedTypes;
    let reachable = false;
    for (let owner = 0; owner < owners; owner++) {
      if (!f.anyProvider && this.providerMask[owner] === 0) continue;
      const ownList = byOwner?.get(this.providerNames[owner]!);
      const own = ownList && ownList.length > 0 ? ownList : undefined;
      if (types === undefined && families === undefined && own === undefined) {
        reachable = true; // this owner is not restricted
        continue;
      }
      this.restrictedOwners[owner] = stamp;
      const row = owner * typeCount;
      const familyList = (this.ownerFamilies[owner] ??= []);
      familyList.length = 0;
      const familyOk = (familyId: number): boolean => {
        const name = this.familyNameOf(familyId);
        return (families === undefined || families.includes(name)) && (own === undefined || own.includes(name));
      };
      if (types !== undefined) {
        for (const t of types) {
          const id = this.typeIds.get(t);
          if (id !== undefined && familyOk(this.typeFamily[id]!)) {
            allowed[row + id] = stamp;
            familyList.push(this.typeFamily[id]!);
            reachable = true;
          }
        }
      } else {
        for (const name of own ?? families!) {
          const familyId = this.familyIds.get(name);
          if (familyId === undefined || !familyOk(familyId)) continue;
          for (const id of this.familyTypes[familyId]!) allowed[row + id] = stamp;
          familyList.push(familyId);
          reachable = true;
        }
      }
    }
    return reachable;
  }

  private familyNames: string[] | undefined;

  /** The name of a family id. */
  private familyNameOf(familyId: number): string {
    if (this.familyNames === undefined) {
      this.familyNames = [];
      for (const [name, id] of this.familyIds) this.familyNames[id] = name;
    }
    return this.familyNames[familyId]!;
  }

  /** The `allowedTypes` row of the owner of partition `p`, or -1 when that owner is not restricted. */
  private rowOf(cols: PartitionedColumns, p: number): number {
    if (!this.filter.typeFiltered) return -1;
    const owner = cols.owner[p]!;
    return this.restrictedOwners![owner] === this.typeStamp ? owner * this.typeIds.size : -1;
  }

  /** Seeds the heap from the (provider, GPU, bucket) partitions the query can use. */
  private queryByProvider(cols: PartitionedColumns, k: number, out: Uint32Array): number {
    this.ensureSlots(cols);
    const f = this.filter;
    this.heapSize = 0;
    this.waitingSize = 0;
    const providers = this.providerIds.size;
    for (let prov = 0; prov < providers; prov++) {
      if (!f.anyProvider && this.providerMask[prov] === 0) continue;
      for (let g = f.gpuFrom; g <= f.gpuTo; g++) this.deferCells(cols, (prov * this.gpuModelCount + g) * BUCKETS);
    }
    return this.drain(cols, k, out);
  }

  /** Seeds the heap from the (place, GPU, bucket) partitions of the query's regions. */
  private queryByRegion(cols: PartitionedColumns, regions: readonly string[], k: number, out: Uint32Array): number {
    this.ensureSlots(cols);
    const f = this.filter;
    const seen = this.regionMask;
    this.heapSize = 0;
    this.waitingSize = 0;
    for (const name of regions) {
      const regionId = this.regionIds.get(name);
      if (regionId === undefined || seen[regionId] === 1) continue; // unknown or repeated
      seen[regionId] = 1;
      for (const place of this.placesOfRegion[regionId]!) {
        if (!f.anyProvider && this.providerMask[this.placeProvider[place]!] === 0) continue;
        for (let g = f.gpuFrom; g <= f.gpuTo; g++) this.deferCells(cols, (place * this.gpuModelCount + g) * BUCKETS);
      }
    }
    for (const name of regions) {
      const regionId = this.regionIds.get(name);
      if (regionId !== undefined) seen[regionId] = 0;
    }
    return this.drain(cols, k, out);
  }

  /** Grows the merge heap's slot arrays to hold every partition and family group of `cols` (once per partitioning). */
  private ensureSlots(cols: PartitionedColumns): void {
    const slots = cols.start.length - 1 + cols.family.length;
    if (this.cursor.length >= slots) return;
    this.heap = new Int32Array(slots);
    this.cursor = new Int32Array(slots);
    this.stop = new Int32Array(slots);
    this.groupAt = new Int32Array(slots);
    this.row = new Int32Array(slots);
  }

  /** Queues the cells of one (owner or place, GPU) row that hold offers with at least the query's vCPUs and memory buckets. */
  private deferCells(cols: PartitionedColumns, base: number): void {
    const f = this.filter;
    const firstMemory = memoryBucket(f.minMemory);
    for (let v = vcpuBucket(f.minVcpus); v < VCPU_BUCKETS; v++) {
      const row = base + v * MEMORY_BUCKETS;
      for (let m = firstMemory; m < MEMORY_BUCKETS; m++) this.defer(cols, row + m);
    }
  }

  /** Queues partition `p` to be seeded when the merge reaches its first entry's rank, unless it cannot match at all. */
  private defer(cols: PartitionedColumns, p: number): void {
    const s = cols.start[p]!;
    if (s === cols.start[p + 1]! || cols.maxMemory[p]! < this.filter.minMemory || cols.price[s]! > this.filter.maxPrice) return;
    this.waitFirst[p] = s;
    this.waiting[this.waitingSize] = p;
    siftUp(this.waiting, this.waitingSize, this.waitFirst, cols.rank);
    this.waitingSize++;
  }

  /** Seeds every waiting partition whose first entry ranks before the merge heap's top (all of them while the heap is empty, until one is seeded). */
  private seedWaiting(cols: PartitionedColumns): void {
    const { waiting, waitFirst, heap, cursor } = this;
    const rank = cols.rank;
    while (this.waitingSize > 0) {
      const p = waiting[0]!;
      if (this.heapSize > 0 && rank[waitFirst[p]!]! > rank[cursor[heap[0]!]!]!) return;
      waiting[0] = waiting[--this.waitingSize]!;
      if (this.waitingSize > 0) siftDown(waiting, this.waitingSize, waitFirst, rank);
      this.seed(cols, p);
    }
  }

  /** Pushes partition `p` onto the heap at its first match, if it has one. */
  private seed(cols: PartitionedColumns, p: number): void {
    const f = this.filter;
    let s = cols.start[p]!;
    const e = cols.start[p + 1]!;
    if (s === e || cols.maxMemory[p]! < f.minMemory || cols.price[s]! > f.maxPrice) return;
    const row = this.rowOf(cols, p);
    if (row >= 0) {
      this.seedGroups(cols, p, row);
      return;
    }
    if (f.afterRank >= 0) {
      s = firstRankedAfter(cols.rank, undefined, s, e, f.afterRank);
      if (s === e) return;
    }
    const j = this.advance(cols, s, e, -1, undefined);
    if (j < 0) return;
    this.cursor[p] = j;
    this.stop[p] = e;
    this.row[p] = -1;
    this.heap[this.heapSize] = p;
    siftUp(this.heap, this.heapSize, this.cursor, cols.rank);
    this.heapSize++;
  }

  /** Pushes each allowed family group of partition `p` (of a restricted owner, `row`) onto the heap at its first match. */
  private seedGroups(cols: PartitionedColumns, p: number, row: number): void {
    const f = this.filter;
    const slots = cols.start.length - 1;
    const from = cols.familyStart[p]!;
    const to = cols.familyStart[p + 1]!;
    const wanted = this.ownerFamilies[cols.owner[p]!]!;
    for (let w = 0; w < wanted.length; w++) {
      if (wanted.indexOf(wanted[w]!) < w) continue; // a family allowed twice (two of its types) is one group
      const k = findFamily(cols.family, from, to, wanted[w]!);
      if (k < 0) continue;
      const positions = cols.groupPositions;
      let s = cols.groupStart[k]!;
      const e = cols.groupStart[k + 1]!;
      if (f.afterRank >= 0) {
        s = firstRankedAfter(cols.rank, positions, s, e, f.afterRank);
        if (s === e) continue;
      }
      const at = this.advance(cols, s, e, row, positions);
      if (at < 0) continue;
      const slot = slots + k;
      this.cursor[slot] = positions[at]!;
      this.groupAt[slot] = at;
      this.stop[slot] = e;
      this.row[slot] = row;
      this.heap[this.heapSize] = slot;
      siftUp(this.heap, this.heapSize, this.cursor, cols.rank);
      this.heapSize++;
    }
  }

  /**
   * The first index in [from, end) whose position passes the current filter, or -1: positions
   * are the indices themselves, or `positions[i]` for a family group. `row` is the slot's
   * `allowedTypes` row, -1 for none.
   */
  private advance(cols: PartitionedColumns, from: number, end: number, row: number, positions: Uint32Array | undefined): number {
    const f = this.filter;
    const { price, vcpus, memory, gpuArch, type } = cols;
    const { maxPrice, minVcpus, minMemory, gpuCount, gpuExact, archBits } = f;
    const allowed = this.allowedTypes;
    const stamp = this.typeStamp;
    for (let i = from; i < end; i++) {
      const j = positions === undefined ? i : positions[i]!;
      if (price[j]! > maxPrice) return -1; // price-sorted: nothing cheaper follows
      if (!(vcpus[j]! >= minVcpus) || !(memory[j]! >= minMemory)) continue;
      const ga = gpuArch[j]!;
      if (gpuCount > 0 && (gpuExact ? (ga & 0xffff) !== gpuCount : (ga & 0xffff) < gpuCount)) continue;
      if (archBits !== 0 && ((archBits >>> (ga >>> 16)) & 1) === 0) continue;
      if (row >= 0 && allowed![row + type[j]!] !== stamp) continue;
      return i;
    }
    return -1;
  }

  /** Pops up to `k` answers off the heap, advancing each partition past the one it gave. */
  private drain(cols: PartitionedColumns, k: number, out: Uint32Array): number {
    const { heap, cursor, stop } = this;
    const slots = cols.start.length - 1;
    let written = 0;
    while (written < k) {
      if (this.waitingSize > 0) this.seedWaiting(cols);
      if (this.heapSize === 0) break;
      const p = heap[0]!;
      const j = cursor[p]!;
      out[written++] = cols.order[cols.rank[j]!]!;
      let next: number;
      if (p < slots) {
        next = this.advance(cols, j + 1, stop[p]!, -1, undefined);
      } else {
        const at = this.advance(cols, this.groupAt[p]! + 1, stop[p]!, this.row[p]!, cols.groupPositions);
        this.groupAt[p] = at;
        next = at < 0 ? -1 : cols.groupPositions[at]!;
      }
      if (next >= 0) {
        cursor[p] = next;
      } else {
        heap[0] = heap[--this.heapSize]!;
      }
      if (this.heapSize > 0) siftDown(heap, this.heapSize, cursor, cols.rank);
    }
    return written;
  }
}

/** The current query's filter, kept in one reused object so that queries allocate nothing. */
interface MergeFilter {
  minVcpus: number;
  minMemory: number;
  maxPrice: number;
  /** Bit per allowed architecture id; 0 for any. */
  archBits: number;
  gpuCount: number;
  gpuExact: boolean;
  /** Some owner's instance types are restricted (see `allowedTypes`). */
  typeFiltered: boolean;
  /** Rank of the query's cursor in the basis order; -1 for none. */
  afterRank: number;
  gpuFrom: number;
  gpuTo: number;
  anyProvider: boolean;
}

/** Splits a basis' global order into `count` partitions by `keyOf[offer]`, filling the columns. */
function partition(
  order: Uint32Array,
  keyOf: Uint32Array,
  count: number,
  prices: Float64Array,
  keys: OfferKeys,
  ownerOfPartition: (p: number) => number,
  typeFamily: readonly number[],
): PartitionedColumns {
  const sold = order.length;
  const start = new Uint32Array(count + 1);
  for (let j = 0; j < sold; j++) start[keyOf[order[j]!]! + 1]!++;
  for (let p = 0; p < count; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, count);
  const price = new Float64Array(sold);
  const vcpus = new Float64Array(sold);
  const memory = new Float64Array(sold);
  const gpuArch = new Uint32Array(sold);
  const type = new Uint32Array(sold);
  const owner = new Uint16Array(count);
  for (let p = 0; p < count; p++) owner[p] = ownerOfPartition(p);
  const rank = new Uint32Array(sold);
  const maxMemory = new Float64Array(count).fill(-Infinity);
  const { gpuCount, arch } = keys;
  for (let j = 0; j < sold; j++) {
    const i = order[j]!;
    const p = keyOf[i]!;
    const at = fill[p]!++;
    const m = keys.memory[i]!;
    price[at] = prices[i]!;
    vcpus[at] = keys.vcpus[i]!;
    memory[at] = m;
    gpuArch[at] = gpuCount[i]! | (arch[i]! << 16);
    type[at] = keys.type[i]!;
    rank[at] = j;
    if (m > maxMemory[p]!) maxMemory[p] = m;
  }
  return { start, price, vcpus, memory, gpuArch, type, owner, rank, order, maxMemory, ...familyGroups(start, type, typeFamily) };
}

/** Per partition, its offers grouped by instance family (see `PartitionedColumns.groupPositions`). */
function familyGroups(start: Uint32Array, type: Uint32Array, typeFamily: readonly number[]): Pick<PartitionedColumns, 'familyStart' | 'family' | 'groupStart' | 'groupPositions'> {
  const count = start.length - 1;
  const familyStart = new Uint32Array(count + 1);
  const family: number[] = [];
  const groupStart: number[] = [];
  const groupPositions = new Uint32Array(type.length);
  const members = new Map<number, number[]>();
  let written = 0;
  for (let p = 0; p < count; p++) {
    familyStart[p] = family.length;
    members.clear();
    for (let j = start[p]!; j < start[p + 1]!; j++) {
      const f = typeFamily[type[j]!]!;
      const list = members.get(f);
      if (list === undefined) members.set(f, [j]);
      else list.push(j);
    }
    // By family id, so that a query finds a family by binary search; each group keeps the partition's price order.
    for (const f of [...members.keys()].sort((a, b) => a - b)) {
      family.push(f);
      groupStart.push(written);
      for (const j of members.get(f)!) groupPositions[written++] = j;
    }
  }
  familyStart[count] = family.length;
  groupStart.push(written);
  return { familyStart, family: Uint32Array.from(family), groupStart: Uint32Array.from(groupStart), groupPositions };
}

/** The first index in [from, end) whose position (`positions[i]`, or i itself) ranks after `afterRank`: ranks rise along a partition and a group. */
function firstRankedAfter(rank: Uint32Array, positions: Uint32Array | undefined, from: number, end: number, afterRank: number): number {
  let lo = from;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rank[positions === undefined ? mid : positions[mid]!]! <= afterRank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The slot of family `wanted` among `family[from, to)` (ascending), or -1. */
function findFamily(family: Uint32Array, from: number, to: number, wanted: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (family[mid]! < wanted) lo = mid + 1;
    else hi = mid;
  }
  return lo < to && family[lo] === wanted ? lo : -1;
}

function siftUp(heap: Int32Array, at: number, cursor: Int32Array, rank: Uint32Array): void {
  const item = heap[at]!;
  const key = rank[cursor[item]!]!;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    const pi = heap[parent]!;
    if (rank[cursor[pi]!]! <= key) break;
    heap[at] = pi;
    at = parent;
  }
  heap[at] = item;
}

function siftDown(heap: Int32Array, size: number, cursor: Int32Array, rank: Uint32Array): void {
  let at = 0;
  const item = heap[0]!;
  const key = rank[cursor[item]!]!;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    if (right < size && rank[cursor[heap[right]!]!]! < rank[cursor[heap[left]!]!]!) child = right;
    if (rank[cursor[heap[child]!]!]! >= key) break;
    heap[at] = heap[child]!;
    at = child;
  }
  heap[at] = item;
}

/**
 * The offers in the basis-independent part of the total order: vCPUs, memory, then owner
 * (the provider, unless owners were given), region, zone and instance type by code units, then
 * catalog position. Built with stable
 * counting sorts, least significant key first (LSD radix over dense ranks), so that building
 * needs no comparator sort: strings are dictionary-ranked, numbers ranked among their distinct
 * values with one native numeric sort each.
 */
function tieBreakOrder(offers: readonly Offer[], vcpus: Float64Array, memory: Float64Array, owners: readonly string[] | undefined): Uint32Array {
  const n = offers.length;
  let order: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i; // catalog position: the last tie-break
  const keys: Array<{ rank: Uint32Array; count: number }> = [
    dictionaryRanks(offers, (o) => o.instanceType),
    dictionaryRanks(offers, (o) => o.zone ?? ''),
    dictionaryRanks(offers, (o) => o.region),
    dictionaryRanks(offers, owners === undefined ? (o) => o.provider : (_, i) => owners[i]!),
    distinctRanks(memory, order),
    distinctRanks(vcpus, order),
  ];
  for (const key of keys) order = stableCountingSort(order, key.rank, key.count);
  return order;
}

/** Stable counting sort of `order` (offer positions) by `key[position]`, keys in [0, count). */
function stableCountingSort(order: Uint32Array, key: Uint32Array, count: number): Uint32Array {
  const starts = new Uint32Array(count + 1);
  for (let j = 0; j < order.length; j++) starts[key[order[j]!]! + 1]!++;
  for (let k = 0; k < count; k++) starts[k + 1]! += starts[k]!;
  const out = new Uint32Array(order.length);
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    out[starts[key[i]!]!++] = i;
  }
  return out;
}

/** Per offer (indexed by position), the rank of `values[position]` among the distinct values of the offers in `among`. */
function distinctRanks(values: Float64Array, among: Uint32Array): { rank: Uint32Array; count: number } {
  const sorted = new Float64Array(among.length);
  for (let j = 0; j < among.length; j++) sorted[j] = values[among[j]!]!;
  sorted.sort(); // native numeric sort
  let u = 0;
  for (let j = 0; j < sorted.length; j++) if (u === 0 || sorted[j] !== sorted[u - 1]) sorted[u++] = sorted[j]!;
  const rank = new Uint32Array(values.length);
  for (let j = 0; j < among.length; j++) {
    const i = among[j]!;
    const v = values[i]!;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = lo;
  }
  return { rank, count: u };
}

/** Per offer, the code-unit rank of a string field among that field's distinct values. */
function dictionaryRanks(offers: readonly Offer[], field: (o: Offer, position: number) => string): { rank: Uint32Array; count: number } {
  const ids = new Map<string, number>();
  const idOf = new Uint32Array(offers.length);
  for (let i = 0; i < offers.length; i++) {
    const s = field(offers[i]!, i);
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
    }
    idOf[i] = id;
  }
  const sorted = [...ids.keys()].sort(compareStrings);
  const rankOfId = new Uint32Array(ids.size);
  sorted.forEach((s, r) => (rankOfId[ids.get(s)!] = r));
  for (let i = 0; i < offers.length; i++) idOf[i] = rankOfId[idOf[i]!]!;
  return { rank: idOf, count: ids.size };
}
