/**
 * The columnar offer index: built once per catalog version, then asked "the cheapest offers with
 * ≥ c vCPUs, ≥ m GiB, GPU g, in these clouds/regions, on this price basis, under $x/h" thousands
 * of times, each answer without scanning the catalog and without allocating.
 *
 * Layout. For each price basis the offers sold on that basis are put in one global total order
 * (price, then the tie-breaks of {@link compareOffers}) and split, stably, into partitions keyed
 * by (provider, GPU model, vCPU bucket), where bucket b holds vCPUs in [2^(b-1), 2^b). Each
 * partition is a contiguous run of typed-array columns (price, vCPUs, memory, region id, GPU
 * count, arch, global rank, catalog position), so a query
 * 1. picks the partitions that can hold answers (its providers, its GPU models, buckets at or
 *    above its vCPU floor, partitions whose largest memory, cheapest price and regions allow),
 * 2. walks each from its cheapest entry to its first match, and
 * 3. merges the partitions' heads through a small preallocated heap keyed by global rank,
 *    stopping after `limit` answers or when a partition's prices pass `maxHourly`.
 * Because every partition is a sub-sequence of the one global order, the merge yields exactly the
 * order a filter-and-sort over all offers would ({@link referenceQuery}); the property test in
 * test/optimizer proves it on random catalogs and queries.
 *
 * vCPUs and memory are Float64 columns rather than small integers: catalogs hold fractional
 * shared-core vCPUs (GCP e2-micro: 0.25) and memory such as 0.5 or 3.75 GiB, and a comparison
 * must give the same answer as the reference does on the original numbers.
 */
import type { Architecture, Offer, ProviderKind } from '../provider/types.js';
import { compareStrings, normalizeGpuModel, PRICE_BASES, priceOf, type OfferQuery, type PriceBasis } from './offer-query.js';

const BUCKETS = 16;

/** The vCPU bucket of a vCPU count: 0 for less than one vCPU, then one bucket per power of two. */
function vcpuBucket(vcpus: number): number {
  if (!(vcpus >= 1)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(vcpus)) + 1);
}

const ARCH_IDS: Readonly<Record<Architecture, number>> = { x86_64: 0, arm64: 1 };

/** One price basis: the offers sold on it, partitioned and price-ordered. */
interface BasisColumns {
  /** Partition p occupies positions [start[p], start[p + 1]). */
  readonly start: Uint32Array;
  readonly price: Float64Array;
  readonly vcpus: Float64Array;
  readonly memory: Float64Array;
  readonly region: Uint16Array;
  readonly gpuCount: Uint16Array;
  readonly arch: Uint8Array;
  /** Position in the basis' global order: what the merge compares. */
  readonly rank: Uint32Array;
  /** Position of the offer in the catalog. */
  readonly offer: Uint32Array;
  /** Per partition: the largest memory it holds, for pruning. */
  readonly maxMemory: Float64Array;
}

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
  /** Non-empty partitions, summed over price bases. */
  readonly partitions: number;
  /** Bytes held by the typed-array columns. */
  readonly columnBytes: number;
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

  private readonly providerIds = new Map<ProviderKind, number>();
  private readonly regionIds = new Map<string, number>();
  /** GPU model → id; id 0 stands for "no GPU". */
  private readonly gpuIds = new Map<string, number>();
  private readonly gpuModelCount: number;
  private readonly partitionCount: number;
  private readonly bases: ReadonlyMap<PriceBasis, BasisColumns>;
  /** Per partition × region: 1 when the partition holds an offer in that region. */
  private readonly partitionRegions: Uint8Array;
  private readonly regionCount: number;

  // Scratch space reused by every query (no per-query allocation).
  private readonly regionMask: Uint8Array;
  private readonly providerMask: Uint8Array;
  private readonly heap: Int32Array;
  private readonly cursor: Int32Array;
  private readonly stop: Int32Array;
  private readonly filter: MergeFilter = {
    minVcpus: 0,
    minMemory: 0,
    maxPrice: Infinity,
    archId: -1,
    gpuCount: 0,
    gpuFrom: 0,
    gpuTo: 0,
    anyProvider: true,
    anyRegion: true,
  };

  private constructor(offers: readonly Offer[]) {
    this.offers = offers;
    const n = offers.length;
    for (const o of offers) {
      if (!Number.isFinite(o.vcpus) || !Number.isFinite(o.memoryGiB)) {
        throw new RangeError(`[novacron] offer index: ${o.provider} ${o.region} ${o.instanceType} has non-finite vCPUs or memory`);
      }
      if (!this.providerIds.has(o.provider)) this.providerIds.set(o.provider, this.providerIds.size);
      if (!this.regionIds.has(o.region)) this.regionIds.set(o.region, this.regionIds.size);
      if (o.gpu && o.gpu.count > 0) {
        const model = normalizeGpuModel(o.gpu.model);
        if (!this.gpuIds.has(model)) this.gpuIds.set(model, this.gpuIds.size + 1);
      }
    }
    if (this.regionIds.size > 0xffff) throw new RangeError('[novacron] offer index: more than 65535 regions');
    this.gpuModelCount = this.gpuIds.size + 1;
    this.regionCount = this.regionIds.size;
    this.partitionCount = this.providerIds.size * this.gpuModelCount * BUCKETS;

    // Per-offer keys, computed once and shared by every basis.
    const partitionOf = new Uint32Array(n);
    const vcpus = new Float64Array(n);
    const memory = new Float64Array(n);
    const region = new Uint16Array(n);
    const gpuCount = new Uint16Array(n);
    const arch = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const o = offers[i]!;
      const gpu = o.gpu && o.gpu.count > 0 ? o.gpu : undefined;
      const gpuId = gpu ? this.gpuIds.get(normalizeGpuModel(gpu.model))! : 0;
      partitionOf[i] = (this.providerIds.get(o.provider)! * this.gpuModelCount + gpuId) * BUCKETS + vcpuBucket(o.vcpus);
      vcpus[i] = o.vcpus;
      memory[i] = o.memoryGiB;
      region[i] = this.regionIds.get(o.region)!;
      gpuCount[i] = gpu ? Math.min(gpu.count, 0xffff) : 0;
      arch[i] = ARCH_IDS[o.arch] ?? 255;
    }
    // Offers in the basis-independent part of the total order (vCPUs, memory, names, position).
    const tieOrder = tieBreakOrder(offers, vcpus, memory);

    this.partitionRegions = new Uint8Array(this.partitionCount * this.regionCount);
    for (let i = 0; i < n; i++) this.partitionRegions[partitionOf[i]! * this.regionCount + region[i]!] = 1;

    const bases = new Map<PriceBasis, BasisColumns>();
    const prices = new Float64Array(n);
    for (const basis of PRICE_BASES) {
      let sold = 0;
      for (let i = 0; i < n; i++) {
        const p = priceOf(offers[i]!, basis);
        prices[i] = p === undefined ? NaN : p;
        if (p !== undefined) sold++;
      }
      // Sold offers in tie-break order, then a stable sort by price: the total order of compareOffers.
      let order: Uint32Array = new Uint32Array(sold);
      for (let j = 0, k = 0; j < n; j++) if (!Number.isNaN(prices[tieOrder[j]!]!)) order[k++] = tieOrder[j]!;
      const priceRank = distinctRanks(prices, order);
      order = stableCountingSort(order, priceRank.rank, priceRank.count);

      const start = new Uint32Array(this.partitionCount + 1);
      for (let j = 0; j < sold; j++) start[partitionOf[order[j]!]! + 1]!++;
      for (let p = 0; p < this.partitionCount; p++) start[p + 1]! += start[p]!;
      const fill = start.slice(0, this.partitionCount);
      const cols: BasisColumns = {
        start,
        price: new Float64Array(sold),
        vcpus: new Float64Array(sold),
        memory: new Float64Array(sold),
        region: new Uint16Array(sold),
        gpuCount: new Uint16Array(sold),
        arch: new Uint8Array(sold),
        rank: new Uint32Array(sold),
        offer: new Uint32Array(sold),
        maxMemory: new Float64Array(this.partitionCount).fill(-Infinity),
      };
      for (let j = 0; j < sold; j++) {
        const i = order[j]!;
        const p = partitionOf[i]!;
        const at = fill[p]!++;
        cols.price[at] = prices[i]!;
        cols.vcpus[at] = vcpus[i]!;
        cols.memory[at] = memory[i]!;
        cols.region[at] = region[i]!;
        cols.gpuCount[at] = gpuCount[i]!;
        cols.arch[at] = arch[i]!;
        cols.rank[at] = j;
        cols.offer[at] = i;
        if (memory[i]! > cols.maxMemory[p]!) cols.maxMemory[p] = memory[i]!;
      }
      bases.set(basis, cols);
    }
    this.bases = bases;

    this.regionMask = new Uint8Array(this.regionCount);
    this.providerMask = new Uint8Array(this.providerIds.size);
    this.heap = new Int32Array(this.partitionCount);
    this.cursor = new Int32Array(this.partitionCount);
    this.stop = new Int32Array(this.partitionCount);
  }

  /** Builds the index over `offers` (kept by reference: do not mutate the list afterwards). */
  static build(offers: readonly Offer[]): OfferIndex {
    return new OfferIndex(offers);
  }

  /** Number of offers indexed. */
  get size(): number {
    return this.offers.length;
  }

  /** The offer at catalog position `position`. */
  offer(position: number): Offer {
    const o = this.offers[position];
    if (o === undefined) throw new RangeError(`[novacron] offer index: no offer at position ${position}`);
    return o;
  }

  /** Shape of the index. */
  stats(): OfferIndexStats {
    let partitions = 0;
    let columnBytes = this.partitionRegions.byteLength;
    for (const cols of this.bases.values()) {
      for (let p = 0; p < this.partitionCount; p++) if (cols.start[p + 1]! > cols.start[p]!) partitions++;
      for (const c of [cols.start, cols.price, cols.vcpus, cols.memory, cols.region, cols.gpuCount, cols.arch, cols.rank, cols.offer, cols.maxMemory]) {
        columnBytes += c.byteLength;
      }
    }
    return { offers: this.size, providers: this.providerIds.size, regions: this.regionCount, gpuModels: this.gpuModelCount - 1, partitions, columnBytes };
  }

  /**
   * Writes into `out` the catalog positions of the cheapest offers answering `query`, cheapest
   * first, and returns how many it wrote (at most `limit`, default `out.length`). The order is
   * the total order of {@link compareOffers}; nothing is allocated.
   */
  query(query: OfferQuery, out: Uint32Array, limit: number = out.length): number {
    const k = Math.min(limit, out.length);
    if (!(k > 0) || this.offers.length === 0) return 0;
    const cols = this.bases.get(query.basis ?? 'onDemand');
    if (cols === undefined) return 0;
    const minVcpus = query.minVcpus ?? -Infinity;
    const minMemory = query.minMemoryGiB ?? -Infinity;
    if (Number.isNaN(minVcpus) || Number.isNaN(minMemory)) return 0;
    const maxPrice = query.maxHourly ?? Infinity;
    const archId = query.arch === undefined ? -1 : (ARCH_IDS[query.arch] ?? 254);
    const wantGpu = query.gpu !== undefined && query.gpu.count > 0;
    const gpuCount = wantGpu ? query.gpu!.count : 0;
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

    // Provider mask.
    const providerMask = this.providerMask;
    const anyProvider = !query.providers || query.providers.length === 0;
    if (!anyProvider) {
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
    // Region mask (ids of the query's regions; unknown names are simply absent).
    const regionMask = this.regionMask;
    const anyRegion = !query.regions || query.regions.length === 0;
    let regionHits = 0;
    if (!anyRegion) {
      for (const r of query.regions!) {
        const id = this.regionIds.get(r);
        if (id !== undefined && regionMask[id] === 0) {
          regionMask[id] = 1;
          regionHits++;
        }
      }
    }

    let written = 0;
    if (anyRegion || regionHits > 0) {
      const f = this.filter;
      f.minVcpus = minVcpus;
      f.minMemory = minMemory;
      f.maxPrice = maxPrice;
      f.archId = archId;
      f.gpuCount = gpuCount;
      f.gpuFrom = gpuFrom;
      f.gpuTo = gpuTo;
      f.anyProvider = anyProvider;
      f.anyRegion = anyRegion;
      written = this.merge(cols, k, out);
    }

    // Leave the scratch masks clean for the next query.
    if (!anyProvider) providerMask.fill(0);
    if (!anyRegion) {
      for (const r of query.regions!) {
        const id = this.regionIds.get(r);
        if (id !== undefined) regionMask[id] = 0;
      }
    }
    return written;
  }

  /** First position in [from, end) of `cols` that passes the current filter, or -1. */
  private advance(cols: BasisColumns, from: number, end: number): number {
    const f = this.filter;
    const { price, vcpus, memory, gpuCount, arch, region } = cols;
    const regionMask = this.regionMask;
    for (let j = from; j < end; j++) {
      if (price[j]! > f.maxPrice) return -1; // price-sorted: nothing cheaper follows
      if (!(vcpus[j]! >= f.minVcpus) || !(memory[j]! >= f.minMemory)) continue;
      if (f.gpuCount > 0 && gpuCount[j]! < f.gpuCount) continue;
      if (f.archId >= 0 && arch[j] !== f.archId) continue;
      if (!f.anyRegion && regionMask[region[j]!] === 0) continue;
      return j;
    }
    return -1;
  }

  /** Seeds the heap with every candidate partition's first match, then pops `k` answers. */
  private merge(cols: BasisColumns, k: number, out: Uint32Array): number {
    const f = this.filter;
    const { start, price, rank, offer, maxMemory } = cols;
    const heap = this.heap;
    const cursor = this.cursor;
    const stop = this.stop;
    const firstBucket = vcpuBucket(f.minVcpus);

    let size = 0;
    const providers = this.providerIds.size;
    for (let prov = 0; prov < providers; prov++) {
      if (!f.anyProvider && this.providerMask[prov] === 0) continue;
      for (let g = f.gpuFrom; g <= f.gpuTo; g++) {
        const base = (prov * this.gpuModelCount + g) * BUCKETS;
        for (let b = firstBucket; b < BUCKETS; b++) {
          const p = base + b;
          const s = start[p]!;
          const e = start[p + 1]!;
          if (s === e || maxMemory[p]! < f.minMemory || price[s]! > f.maxPrice) continue;
          if (!f.anyRegion && !partitionHasRegion(this.partitionRegions, this.regionCount, this.regionMask, p)) continue;
          const j = this.advance(cols, s, e);
          if (j < 0) continue;
          cursor[p] = j;
          stop[p] = e;
          heap[size] = p;
          siftUp(heap, size, cursor, rank);
          size++;
        }
      }
    }

    let written = 0;
    while (size > 0 && written < k) {
      const p = heap[0]!;
      const j = cursor[p]!;
      out[written++] = offer[j]!;
      const next = this.advance(cols, j + 1, stop[p]!);
      if (next >= 0) {
        cursor[p] = next;
      } else {
        heap[0] = heap[--size]!;
      }
      if (size > 0) siftDown(heap, size, cursor, rank);
    }
    return written;
  }
}

/** The current query's filter, kept in one reused object so that queries allocate nothing. */
interface MergeFilter {
  minVcpus: number;
  minMemory: number;
  maxPrice: number;
  archId: number;
  gpuCount: number;
  gpuFrom: number;
  gpuTo: number;
  anyProvider: boolean;
  anyRegion: boolean;
}

function partitionHasRegion(partitionRegions: Uint8Array, regionCount: number, regionMask: Uint8Array, p: number): boolean {
  const base = p * regionCount;
  for (let r = 0; r < regionCount; r++) if (regionMask[r] === 1 && partitionRegions[base + r] === 1) return true;
  return false;
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
 * The offers in the basis-independent part of the total order: vCPUs, memory, then provider,
 * region, zone and instance type by code units, then catalog position. Built with stable
 * counting sorts, least significant key first (LSD radix over dense ranks), so that building
 * needs no comparator sort: strings are dictionary-ranked, numbers ranked among their distinct
 * values with one native numeric sort each.
 */
function tieBreakOrder(offers: readonly Offer[], vcpus: Float64Array, memory: Float64Array): Uint32Array {
  const n = offers.length;
  let order: Uint32Array = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i; // catalog position: the last tie-break
  const keys: Array<{ rank: Uint32Array; count: number }> = [
    dictionaryRanks(offers, (o) => o.instanceType),
    dictionaryRanks(offers, (o) => o.zone ?? ''),
    dictionaryRanks(offers, (o) => o.region),
    dictionaryRanks(offers, (o) => o.provider),
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
function dictionaryRanks(offers: readonly Offer[], field: (o: Offer) => string): { rank: Uint32Array; count: number } {
  const ids = new Map<string, number>();
  const idOf = new Uint32Array(offers.length);
  for (let i = 0; i < offers.length; i++) {
    const s = field(offers[i]!);
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
