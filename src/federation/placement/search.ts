/**
 * The candidate search over the offer index. The index (built once per catalog version) answers
 * "the cheapest offers that fit" per price basis; this file numbers its provider × region pairs
 * and keeps per-offer columns (pair, vCPUs, memory), so that the provider- and region-level rules
 * of a decision become one pair mask and the offer-level rules run only on offers the index
 * returns.
 *
 * Two paths share that state:
 * - the fast path is a branch and bound over each price basis in price order, stopping once no
 *   dearer offer could beat the best score found (exact as long as those offers fit in `maxScan`);
 * - the explained path also accounts for every allowed pair, scoring its best admissible offer
 *   or saying why it has none.
 * The pair mask, the seen stamps and the query buffers are reused from decision to decision.
 */
import type { OfferIndex } from '../../optimizer/offer-index.js';
import { matchesQuery, type OfferQuery } from '../../optimizer/offer-query.js';
import { offerPrice } from '../../provider/offer-selection.js';
import type { Offer, Region, VMSpec } from '../../provider/types.js';
import type { RejectedCandidate } from './decision.js';
import type { PlacementProvider } from './placement-provider.js';
import { overCost, type DecisionRules, type RawCandidate } from './rules.js';
import type { ScoredCandidate, Scorer } from './scoring.js';

/** The price bases placement searches. */
type SearchBasis = 'onDemand' | 'spot';

/** The provider × region pairs one decision may visit, and where spot is allowed. */
export interface PairFilter {
  /** Ids of the allowed provider × region pairs (also marked in the search's pair mask). */
  readonly allowedPairs: number[];
  /** Providers with at least one allowed region. */
  readonly providerNames: string[];
  /** Regions to pass to the index; `undefined` when every region of the allowed providers is allowed. */
  readonly regionNames: string[] | undefined;
  /** Provider → why spot is allowed there. */
  readonly spotProviders: Map<string, string>;
}

/** What the search of one decision reads. */
export interface SearchContext {
  /** The decision's hard rules. */
  readonly rules: DecisionRules;
  /** Its allowed pairs, from {@link CandidateSearch.allowPairs}. */
  readonly filter: PairFilter;
  /** Its scorer. */
  readonly scorer: Scorer;
}

/** How far the search may look. */
export interface SearchLimits {
  /** Offers taken from the index per round. */
  readonly topK: number;
  /** Most offers taken from the index per price basis. */
  readonly maxScan: number;
}

/** Offers already considered by one decision. */
interface SeenSet {
  has(key: number): boolean;
  add(key: number): void;
}

interface RunContext extends SearchContext {
  readonly seen: SeenSet;
}

/** Where one price basis's scan has got to. */
interface BasisScan {
  readonly basis: SearchBasis;
  readonly providers: readonly string[];
  k: number;
  returned: number;
  lastPrice: number;
  exhausted: boolean;
  admitted: number;
  positions: Uint32Array;
}

function baseQuery(spec: VMSpec, basis: SearchBasis): OfferQuery {
  return {
    minVcpus: spec.cpu,
    minMemoryGiB: spec.memoryGiB,
    gpu: spec.gpu ? { count: spec.gpu.count, model: spec.gpu.type } : undefined,
    basis,
  };
}

function priceOfBasis(offer: Offer, basis: SearchBasis): number {
  return offerPrice(offer, basis === 'spot') ?? Infinity;
}

function describeNeed(spec: VMSpec): string {
  return `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${spec.gpu ? ` / ${spec.gpu.count}× ${spec.gpu.type ?? 'any'} GPU` : ''}`;
}

/** Searches one catalog version's offers for the candidates of each decision. */
export class CandidateSearch {
  private readonly index: OfferIndex;
  private readonly providers: ReadonlyMap<string, PlacementProvider>;
  private readonly topK: number;
  private readonly maxScan: number;
  private readonly scratch: Uint32Array;
  /** Provider × region pairs, numbered; `pairOf[position]` is the pair of each indexed offer. */
  private readonly pairProvider: string[] = [];
  private readonly pairRegion: string[] = [];
  private readonly pairOf: Uint32Array;
  /** vCPUs and memory of each indexed offer, for fast fit checks. */
  private readonly vcpusOf: Float64Array;
  private readonly memoryOf: Float64Array;
  /** Per decision: 1 where the pair is allowed. */
  private readonly pairMask: Uint8Array;
  /** Regions of each provider with their pair ids. */
  private readonly regionPairs = new Map<string, { region: Region; pair: number }[]>();
  /** Offers seen by the current decision (stamped with the decision number, on-demand then spot). */
  private readonly seenStamps: Uint32Array;
  private stamp = 0;
  private lists: { onDemand: Uint32Array[]; spot: Uint32Array[] } | undefined;

  /** Numbers the pairs of `providers` and lays out the columns of `index`. */
  constructor(index: OfferIndex, providers: ReadonlyMap<string, PlacementProvider>, limits: SearchLimits) {
    this.index = index;
    this.providers = providers;
    this.topK = limits.topK;
    this.maxScan = limits.maxScan;
    this.scratch = new Uint32Array(Math.max(this.topK * 4, 64));
    const pairIds = new Map<string, number>();
    for (const [name, entry] of providers) {
      const list: { region: Region; pair: number }[] = [];
      for (const region of entry.regions.values()) {
        list.push({ region, pair: this.pairProvider.length });
        pairIds.set(`${name}|${region.name}`, this.pairProvider.length);
        this.pairProvider.push(name);
        this.pairRegion.push(region.name);
      }
      this.regionPairs.set(name, list);
    }
    this.seenStamps = new Uint32Array(index.size * 2);
    const none = 0xffffffff;
    this.pairOf = new Uint32Array(index.size);
    this.vcpusOf = new Float64Array(index.size);
    this.memoryOf = new Float64Array(index.size);
    for (let i = 0; i < index.size; i++) {
      const o = index.offer(i);
      this.pairOf[i] = pairIds.get(`${index.ownerOf(i)}|${o.region}`) ?? none;
      this.vcpusOf[i] = o.vcpus;
      this.memoryOf[i] = o.memoryGiB;
    }
    this.pairMask = new Uint8Array(this.pairProvider.length + 1);
  }

  /** Number of provider × region pairs. */
  get pairCount(): number {
    return this.pairProvider.length;
  }

  /** The cheapest fitting on-demand price anywhere, for `cost` policy conditions. */
  cheapestOnDemand(spec: VMSpec): number | undefined {
    const n = this.index.query(baseQuery(spec, 'onDemand'), this.scratch, 1);
    return n > 0 ? this.index.offer(this.scratch[0]!).onDemandHourly : undefined;
  }

  /**
   * Applies provider- and region-level rules, marking the allowed pairs for this decision and
   * recording each rejection in `rejected` when given.
   */
  allowPairs(rules: DecisionRules, only: readonly string[] | undefined, rejected: RejectedCandidate[] | undefined): PairFilter {
    const allowedPairs: number[] = [];
    const providerNames: string[] = [];
    const spotProviders = new Map<string, string>();
    let regionRuled = false;
    this.pairMask.fill(0);
    const reject = (provider: string, region: string | undefined, rule: string, reason: string): void => {
      rejected?.push({ provider, region, rule, reason });
    };
    for (const [name, entry] of this.providers) {
      if (only && !only.includes(name)) {
        reject(name, undefined, 'group', 'not assigned to this replica');
        continue;
      }
      const providerRule = rules.providerRejection(entry);
      if (providerRule) {
        reject(name, undefined, providerRule.rule, providerRule.reason);
        continue;
      }
      const spotReason = rules.spotReason(entry);
      if (spotReason !== undefined) spotProviders.set(name, spotReason);
      let anyRegion = false;
      for (const { region, pair } of this.regionPairs.get(name)!) {
        const regionRule = rules.regionRules ? rules.regionRejection(name, region) : undefined;
        if (regionRule) {
          reject(name, region.name, regionRule.rule, regionRule.reason);
          regionRuled = true;
          continue;
        }
        this.pairMask[pair] = 1;
        allowedPairs.push(pair);
        anyRegion = true;
      }
      if (anyRegion) providerNames.push(name);
    }
    // Naming every region makes the index visit them one by one; skip that when no region was ruled out.
    const regionNames = regionRuled ? [...new Set(allowedPairs.map((p) => this.pairRegion[p]!))] : undefined;
    return { allowedPairs, providerNames, regionNames, spotProviders };
  }

  /**
   * The scored candidates of one decision, unordered. With `explainInto`, the explained path
   * also runs: every allowed pair is accounted for, and its rejections are added to `explainInto`.
   */
  candidates(ctx: SearchContext, explainInto: RejectedCandidate[] | undefined): ScoredCandidate[] {
    const { rules, filter } = ctx;
    const run: RunContext = { ...ctx, seen: this.newSeen() };
    const scored: ScoredCandidate[] = [];
    if (filter.providerNames.length > 0) {
      const bases: BasisScan[] = [];
      if (rules.spotPolicy !== 'require') bases.push(this.scan('onDemand', filter.providerNames));
      const spotNames = filter.providerNames.filter((n) => filter.spotProviders.has(n));
      if (rules.spotPolicy !== 'forbid' && spotNames.length > 0) bases.push(this.scan('spot', spotNames));
      this.branchAndBound(run, bases, scored);
    }
    if (explainInto) this.explainPairs(run, scored, explainInto);
    return scored;
  }

  private newSeen(): SeenSet {
    if (++this.stamp === 0xffffffff) {
      this.seenStamps.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const marks = this.seenStamps;
    return { has: (key) => marks[key] === stamp, add: (key) => void (marks[key] = stamp) };
  }

  /** An offer's slot in the seen stamps: on-demand offers first, then the same offers on spot. */
  private seenKey(position: number, spot: boolean): number {
    return spot ? position + this.index.size : position;
  }

  private scan(basis: SearchBasis, providers: readonly string[]): BasisScan {
    return { basis, providers, k: 0, returned: 0, lastPrice: 0, exhausted: false, admitted: 0, positions: new Uint32Array(0) };
  }

  /**
   * Branch and bound over the offers in price order: every candidate scores at most
   * `scorer.bound(price)`, which falls as the price rises, so the scan of a price basis stops
   * once the next offer cannot beat the best score found. The result is the best-scored
   * feasible candidate, not merely the best of the cheapest K.
   */
  private branchAndBound(ctx: RunContext, bases: BasisScan[], out: ScoredCandidate[]): void {
    const { rules, filter, scorer, seen } = ctx;
    const { spec, costMax } = rules;
    const pending: RawCandidate[] = [];
    const grow = (scan: BasisScan): void => {
      const k = scan.k === 0 ? this.topK : Math.min(scan.k * 4, Math.max(this.maxScan, this.topK));
      if (scan.positions.length < k) scan.positions = new Uint32Array(Math.min(k, Math.max(this.index.size, 1)));
      const query: OfferQuery = { ...baseQuery(spec, scan.basis), providers: scan.providers, regions: filter.regionNames, maxHourly: costMax?.value };
      const n = this.index.query(query, scan.positions, k);
      for (let i = scan.returned; i < n; i++) {
        const position = scan.positions[i]!;
        const key = this.seenKey(position, scan.basis === 'spot');
        if (seen.has(key)) continue;
        const candidate = this.admit(ctx, position, scan.basis === 'spot');
        if (typeof candidate === 'string') continue;
        seen.add(key);
        pending.push(candidate);
        scan.admitted++;
      }
      if (n > 0) scan.lastPrice = priceOfBasis(this.index.offer(scan.positions[n - 1]!), scan.basis);
      scan.exhausted = n < k;
      scan.returned = n;
      scan.k = k;
    };
    // Phase 1: find the cheapest feasible candidate of every basis (it fixes the cost scale).
    for (const scan of bases) {
      do grow(scan);
      while (scan.admitted === 0 && !scan.exhausted);
    }
    if (pending.length === 0) return;
    scorer.minPrice = Math.min(...pending.map((c) => c.price));
    let best = -Infinity;
    const flush = (): void => {
      for (const c of pending) {
        const scoredCandidate = scorer.score(c, this.pairOf[c.position]!);
        if (scoredCandidate.score > best) best = scoredCandidate.score;
        out.push(scoredCandidate);
      }
      pending.length = 0;
    };
    flush();
    // Phase 2: widen each basis while an offer at its current price could still beat the best.
    for (const scan of bases) {
      while (!scan.exhausted && scan.k < this.maxScan && scorer.bound(scan.lastPrice, scan.basis) >= best) {
        grow(scan);
        flush();
      }
    }
  }

  /** The offer at `position`, if its pair is allowed and the offer-level rules admit it; else the reason. */
  private admit(ctx: RunContext, position: number, spot: boolean): RawCandidate | string {
    const pair = this.pairOf[position]!;
    if (this.pairMask[pair] !== 1) return 'pair';
    return ctx.rules.admitOffer(this.providers.get(this.pairProvider[pair]!)!, position, this.index.offer(position), spot);
  }

  /** On the explained path: account for every allowed provider × region, scoring its best offer or saying why none fits. */
  private explainPairs(ctx: RunContext, out: ScoredCandidate[], rejected: RejectedCandidate[]): void {
    const { rules, filter, scorer, seen } = ctx;
    const { spec, spotPolicy, costMax } = rules;
    const covered = new Set(out.map((c) => `${c.pair}|${c.raw.spot}`));
    const lists = this.pairLists();
    const fitQuery = { onDemand: baseQuery(spec, 'onDemand'), spot: baseQuery(spec, 'spot') };
    const probe = new Uint32Array(256);
    for (const pairId of filter.allowedPairs) {
      const provider = this.pairProvider[pairId]!;
      const region = this.pairRegion[pairId]!;
      const bases: SearchBasis[] = [];
      if (spotPolicy !== 'require') bases.push('onDemand');
      if (spotPolicy !== 'forbid' && filter.spotProviders.has(provider)) bases.push('spot');
      if (bases.length === 0) bases.push('onDemand');
      for (const basis of bases) {
        const spot = basis === 'spot';
        if (covered.has(`${pairId}|${spot}`)) continue;
        // The pair's offers in price order: the first that fits and is admitted stands for the pair.
        // GPU requests ask the index, whose GPU partitions skip the many offers without that GPU.
        const list = spec.gpu
          ? probe.subarray(0, this.index.query({ ...fitQuery[basis], providers: [provider], regions: [region] }, probe, probe.length))
          : (spot ? lists.spot : lists.onDemand)[pairId]!;
        let firstReason: string | undefined;
        let admitted = false;
        let fitted = false;
        for (let i = 0; i < list.length && !admitted; i++) {
          const position = list[i]!;
          // Cheap column checks first; the index's full fit rule (GPUs) only for offers big enough.
          if (this.vcpusOf[position]! < spec.cpu || this.memoryOf[position]! < spec.memoryGiB) continue;
          if (!matchesQuery(this.index.offer(position), fitQuery[basis])) continue;
          fitted = true;
          if (costMax && firstReason !== undefined && overCost(priceOfBasis(this.index.offer(position), basis), costMax)) break; // the list is in price order: nothing later is cheaper
          const candidate = this.admit(ctx, position, spot);
          if (typeof candidate === 'string') {
            if (firstReason === undefined) {
              const o = this.index.offer(position);
              firstReason = `cheapest fitting ${spot ? 'spot' : 'on-demand'} offer ${o.instanceType} (${spot ? o.spotHourly : o.onDemandHourly} $/h): ${candidate}`;
            }
            continue;
          }
          const key = this.seenKey(position, spot);
          if (!seen.has(key)) {
            seen.add(key);
            if (!Number.isFinite(scorer.minPrice)) scorer.minPrice = candidate.price;
            out.push(scorer.score(candidate, pairId));
          }
          admitted = true;
        }
        if (!fitted) rejected.push({ provider, region, rule: 'no-fit', reason: `no ${basis === 'spot' ? 'spot ' : ''}offer fits ${describeNeed(spec)}` });
        else if (!admitted) rejected.push({ provider, region, rule: costMax && firstReason?.includes('is not') ? 'constraint:cost' : 'offer', reason: firstReason ?? 'no admissible offer' });
      }
    }
  }

  /** Offers of each provider × region in price order, per basis; built on the first explained decision. */
  private pairLists(): { onDemand: Uint32Array[]; spot: Uint32Array[] } {
    if (this.lists) return this.lists;
    const build = (basis: SearchBasis): Uint32Array[] => {
      const buckets: number[][] = Array.from({ length: this.pairProvider.length }, () => []);
      for (let i = 0; i < this.index.size; i++) {
        const pair = this.pairOf[i]!;
        if (pair < buckets.length && priceOfBasis(this.index.offer(i), basis) !== Infinity) buckets[pair]!.push(i);
      }
      return buckets.map((b) => Uint32Array.from(b.sort((x, y) => priceOfBasis(this.index.offer(x), basis) - priceOfBasis(this.index.offer(y), basis) || x - y)));
    };
    this.lists = { onDemand: build('onDemand'), spot: build('spot') };
    return this.lists;
  }
}
