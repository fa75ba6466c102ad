/**
 * The candidate search over the offer index. The index (built once per catalog version) answers
 * "the cheapest offers that fit" per price basis, with every restriction the spec and the
 * providers' defaults make of an offer (size, GPUs, architecture, instance type, each provider's
 * instance families) inside its query; this file numbers its provider × region pairs and keeps
 * per-offer columns (pair, vCPUs, memory), so that the provider- and region-level rules of a
 * decision become one pair mask and the remaining offer-level rules (pair, zone, cost) run only on
 * offers the index returns.
 *
 * Two paths share that state:
 * - the fast path is a branch and bound over each price basis in price order, reading the index
 *   in batches with a cursor. Every candidate's score is at most the cost term at its price plus
 *   the ceiling of the other terms on its provider × region pair (see `Scorer.pairCeiling`), and
 *   both fall or stay as the price rises; the scan of a basis stops at the first price where no
 *   allowed pair could still reach the best score found, or when the basis has no offers left.
 *   Nothing else stops it, so the result is the best-scored feasible candidate whatever the
 *   catalog (batch sizes only decide how many offers are read at a time);
 * - the explained path also accounts for every allowed pair, scoring its best admissible offer
 *   or saying why it has none.
 * The pair mask, the seen stamps, the query buffers and the per-pair ceilings are reused from
 * decision to decision.
 */
import type { OfferIndex } from '../../optimizer/offer-index.js';
import { matchesQuery, type OfferQuery } from '../../optimizer/offer-query.js';
import { offerPrice, specArchitectures } from '../../provider/offer-selection.js';
import type { Architecture, GpuRequest, Offer, Region, VMSpec } from '../../provider/types.js';
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

/** Offers read in the first batch of a basis when `topK` is smaller: enough for the usual decision to end in one read. */
const FIRST_BATCH = 8;

/** How the search reads the index. */
export interface SearchLimits {
  /**
   * Admitted offers scored per price basis before the bound may stop the search (at least 1);
   * also the smallest first batch. A catalog-size value scores every fitting offer.
   */
  readonly topK: number;
  /** Largest batch: later batches grow fourfold up to this size. Not a limit on how far the search looks. */
  readonly maxBatch: number;
}

/** A query the search fills in once per decision and moves the cursor of. */
type SearchQuery = { -readonly [K in keyof OfferQuery]: OfferQuery[K] };

/** Where one price basis's scan has got to. */
interface BasisScan {
  readonly basis: SearchBasis;
  readonly spot: boolean;
  readonly query: SearchQuery;
  readonly positions: Uint32Array;
  /** Offers to read in the next batch. */
  batch: number;
  /** Price of the last offer read: every offer still unread costs at least this. */
  lastPrice: number;
  /** No offer is left to read, or none left could win. */
  done: boolean;
  /** Offers of the last batch in `positions`, and the next of them to look at. */
  count: number;
  cursor: number;
  admitted: number;
}

function gpuQuery(gpu: GpuRequest | undefined): OfferQuery['gpu'] {
  return gpu ? { count: gpu.count, model: gpu.type, exact: gpu.exact } : undefined;
}

function priceOfBasis(offer: Offer, basis: SearchBasis): number {
  return offerPrice(offer, basis === 'spot') ?? Infinity;
}

function describeNeed(spec: VMSpec): string {
  return `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${spec.gpu ? ` / ${spec.gpu.count}× ${spec.gpu.type ?? 'any'} GPU` : ''}`;
}

/** Most carbon-ceiling tables kept (one per distinct VM shape). */
const CARBON_MEMO_LIMIT = 4096;
/** A cheapest-fit memo slot not looked up yet. */
const FIT_UNKNOWN = -2;

/** Per distinct (pair, vCPUs, memory, GPU or not): the best carbon score of the pair's offers of that shape. */
interface CarbonShapes {
  readonly pair: Uint32Array;
  readonly vcpus: Float64Array;
  readonly memory: Float64Array;
  readonly gpu: Uint8Array;
  readonly score: Float64Array;
}

/** Searches one catalog version's offers for the candidates of each decision. */
export class CandidateSearch {
  private readonly index: OfferIndex;
  private readonly providers: ReadonlyMap<string, PlacementProvider>;
  private readonly topK: number;
  private readonly maxBatch: number;
  private readonly scratch: Uint32Array;
  /** Provider × region pairs, numbered; `pairOf[position]` is the pair of each indexed offer. */
  private readonly pairProvider: string[] = [];
  private readonly pairRegion: string[] = [];
  /** The provider of each pair, so that admitting an offer needs no lookup by name. */
  private readonly pairEntry: PlacementProvider[] = [];
  private readonly pairOf: Uint32Array;
  /** vCPUs and memory of each indexed offer, for fast fit checks. */
  private readonly vcpusOf: Float64Array;
  private readonly memoryOf: Float64Array;
  /** Per decision: 1 where the pair is allowed. */
  private readonly pairMask: Uint8Array;
  /** Per decision: the ceiling of every non-cost score term on each pair, slot `pair * 2 + spot`. */
  private readonly pairCeilings: Float64Array;
  /** Regions of each provider with their pair ids. */
  private readonly regionPairs = new Map<string, { region: Region; pair: number }[]>();
  /** Each provider's `instanceFamilies` default, for the index query; `undefined` when no provider restricts families. */
  private readonly familiesByProvider: ReadonlyMap<string, readonly string[]> | undefined;
  /** Offers seen by the current decision (stamped with the decision number, on-demand then spot). */
  private readonly seenStamps: Uint32Array;
  private stamp = 0;
  /** Batch buffers, one per basis, reused by every decision. */
  private readonly buffers: { onDemand: Uint32Array; spot: Uint32Array };
  /** Each pair's offers per basis for the explained path, built on its first use. */
  private shapes: { onDemand: PairShapes | undefined; spot: PairShapes | undefined } | undefined;
  /** Pair × basis slots the fast path covered in the current decision (stamped like the seen stamps). */
  private covered: Uint32Array | undefined;
  private carbonShapes: CarbonShapes | undefined;
  private readonly carbonMemo = new Map<string, Float64Array>();
  /** Per spec shape: each pair × basis's cheapest fitting offer (-1 none, -2 not yet looked up), kept for the catalog version. */
  private readonly fitMemo = new Map<string, Int32Array>();

  /** Numbers the pairs of `providers` and lays out the columns of `index`. */
  constructor(index: OfferIndex, providers: ReadonlyMap<string, PlacementProvider>, limits: SearchLimits) {
    this.index = index;
    this.providers = providers;
    this.topK = limits.topK;
    this.maxBatch = Math.max(limits.topK, FIRST_BATCH, limits.maxBatch);
    this.scratch = new Uint32Array(Math.max(this.topK * 4, 64));
    this.buffers = { onDemand: new Uint32Array(this.maxBatch), spot: new Uint32Array(this.maxBatch) };
    const pairIds = new Map<string, number>();
    const families = new Map<string, readonly string[]>();
    for (const [name, entry] of providers) {
      const list: { region: Region; pair: number }[] = [];
      for (const region of entry.regions.values()) {
        list.push({ region, pair: this.pairProvider.length });
        pairIds.set(`${name}|${region.name}`, this.pairProvider.length);
        this.pairProvider.push(name);
        this.pairRegion.push(region.name);
        this.pairEntry.push(entry);
      }
      this.regionPairs.set(name, list);
      const own = entry.defaults.instanceFamilies;
      if (own && own.length > 0) families.set(name, own);
    }
    this.familiesByProvider = families.size > 0 ? families : undefined;
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
    this.pairCeilings = new Float64Array(this.pairProvider.length * 2);
  }

  /** Number of provider × region pairs. */
  get pairCount(): number {
    return this.pairProvider.length;
  }

  /**
   * The index query of a spec on `basis`: size, GPUs, architecture, instance type and each
   * provider's instance families, so that the index returns only offers the spec may have.
   */
  private specQuery(spec: VMSpec, basis: SearchBasis): SearchQuery {
    return {
      minVcpus: spec.cpu,
      minMemoryGiB: spec.memoryGiB,
      gpu: gpuQuery(spec.gpu),
      arch: specArchitectures(spec),
      instanceTypes: spec.instanceType === undefined ? undefined : [spec.instanceType],
      familiesByProvider: this.familiesByProvider,
      basis,
    };
  }

  /** The cheapest fitting on-demand price anywhere, for `cost` policy conditions. */
  cheapestOnDemand(spec: VMSpec): number | undefined {
    const n = this.index.query(this.specQuery(spec, 'onDemand'), this.scratch, 1);
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
    this.newSeen();
    const scored: ScoredCandidate[] = [];
    if (filter.providerNames.length > 0) {
      const bases: BasisScan[] = [];
      if (rules.spotPolicy !== 'require') bases.push(this.scan(ctx, 'onDemand', filter.providerNames));
      if (rules.spotPolicy !== 'forbid' && filter.spotProviders.size > 0) {
        const spotNames = filter.providerNames.filter((n) => filter.spotProviders.has(n));
        if (spotNames.length > 0) bases.push(this.scan(ctx, 'spot', spotNames));
      }
      this.branchAndBound(ctx, bases, scored);
    }
    if (explainInto) this.explainPairs(ctx, scored, explainInto);
    return scored;
  }

  /** Starts a new decision's seen stamps. */
  private newSeen(): void {
    if (++this.stamp === 0xffffffff) {
      this.seenStamps.fill(0);
      this.stamp = 1;
    }
  }

  private seen(key: number): boolean {
    return this.seenStamps[key] === this.stamp;
  }

  private markSeen(key: number): void {
    this.seenStamps[key] = this.stamp;
  }

  /** An offer's slot in the seen stamps: on-demand offers first, then the same offers on spot. */
  private seenKey(position: number, spot: boolean): number {
    return spot ? position + this.index.size : position;
  }

  private scan(ctx: SearchContext, basis: SearchBasis, providers: readonly string[]): BasisScan {
    const query = this.specQuery(ctx.rules.spec, basis);
    query.providers = providers;
    query.regions = ctx.filter.regionNames;
    query.maxHourly = ctx.rules.costMax?.value;
    return { basis, spot: basis === 'spot', query, positions: this.buffers[basis], batch: Math.max(this.topK, FIRST_BATCH), lastPrice: 0, done: false, count: 0, cursor: 0, admitted: 0 };
  }

  /** Reads the next batch of a basis from the index into `positions` (from its start); returns how many offers it read. */
  private read(scan: BasisScan): number {
    const n = this.index.query(scan.query, scan.positions, scan.batch);
    if (n < scan.batch) scan.done = true;
    if (n > 0) {
      const last = scan.positions[n - 1]!;
      scan.query.after = last;
      scan.lastPrice = priceOfBasis(this.index.offer(last), scan.basis);
    }
    scan.batch = Math.min(scan.batch * 4, this.maxBatch);
    scan.count = n;
    scan.cursor = 0;
    return n;
  }

  /**
   * Branch and bound over the offers in price order. Phase 1 reads each basis up to its first
   * `topK` admitted offers: the cheapest feasible price fixes the cost scale. Phase 2 goes on from there
   * (the rest of the batch, then batch after batch) while `scorer.bound` at the current price,
   * over the pairs' ceilings, can still reach the best score found; an offer whose own pair's
   * ceiling cannot is not even scored. Offers are admitted one at a time, so an offer the bound
   * rules out is never put through the offer rules.
   */
  private branchAndBound(ctx: SearchContext, bases: BasisScan[], out: ScoredCandidate[]): void {
    const { scorer } = ctx;
    const pending: RawCandidate[] = [];
    // Phase 1: the cheapest `topK` feasible candidates of every basis (the cheapest fixes the cost scale).
    for (const scan of bases) {
      while (scan.admitted < this.topK) {
        if (scan.cursor === scan.count) {
          if (scan.done || this.read(scan) === 0) break;
        }
        const candidate = this.admitFresh(ctx, scan.positions[scan.cursor++]!, scan.spot);
        if (candidate === undefined) continue;
        pending.push(candidate);
        scan.admitted++;
      }
    }
    if (pending.length === 0) return;
    let minPrice = Infinity;
    for (const c of pending) if (c.price < minPrice) minPrice = c.price;
    scorer.minPrice = minPrice;
    let best = -Infinity;
    for (const c of pending) {
      const scoredCandidate = scorer.score(c, this.pairOf[c.position]!);
      if (scoredCandidate.score > best) best = scoredCandidate.score;
      out.push(scoredCandidate);
    }
    if (bases.every((b) => b.done && b.cursor === b.count)) return;
    // Phase 2: read on while an offer at the current price could still beat the best.
    const perPair = scorer.pairTermsVary;
    const ceiling = perPair ? this.fillPairCeilings(ctx, bases) : undefined;
    for (const scan of bases) {
      const slot = scan.spot ? 1 : 0;
      const top = ceiling ? ceiling[slot]! : scorer.ceiling(scan.spot);
      for (;;) {
        if (scan.cursor === scan.count) {
          // Every unread offer costs at least the last one read.
          if (scan.done || scorer.bound(scan.lastPrice, top) < best || this.read(scan) === 0) break;
        }
        const position = scan.positions[scan.cursor++]!;
        const price = priceOfBasis(this.index.offer(position), scan.basis);
        if (scorer.bound(price, top) < best) {
          scan.done = true; // price order: no later offer can win either
          scan.cursor = scan.count;
          break;
        }
        if (perPair) {
          const pair = this.pairOf[position]!;
          if (pair >= this.pairProvider.length || scorer.bound(price, this.pairCeilings[pair * 2 + slot]!) < best) continue;
        }
        const candidate = this.admitFresh(ctx, position, scan.spot);
        if (candidate === undefined) continue;
        const scoredCandidate = scorer.score(candidate, this.pairOf[position]!);
        if (scoredCandidate.score > best) best = scoredCandidate.score;
        out.push(scoredCandidate);
      }
    }
  }

  /** The offer as a candidate if it is new to this decision and admitted (and marks it seen), else `undefined`. */
  private admitFresh(ctx: SearchContext, position: number, spot: boolean): RawCandidate | undefined {
    const key = this.seenKey(position, spot);
    if (this.seen(key)) return undefined;
    const candidate = this.admit(ctx, position, spot);
    if (typeof candidate === 'string') return undefined;
    this.markSeen(key);
    return candidate;
  }

  /**
   * Fills `pairCeilings` for the allowed pairs of the decision's bases and returns the highest
   * ceiling per basis (`[onDemand, spot]`); pairs with no offer of the spec's shape get -Infinity.
   */
  private fillPairCeilings(ctx: SearchContext, bases: readonly BasisScan[]): [number, number] {
    const { scorer, filter, rules } = ctx;
    const carbon = scorer.carbonMatters ? this.carbonCeilings(rules.spec, scorer) : undefined;
    const tops: [number, number] = [-Infinity, -Infinity];
    const ceilings = this.pairCeilings;
    for (const scan of bases) {
      const slot = scan.spot ? 1 : 0;
      for (const pair of filter.allowedPairs) {
        const provider = this.pairProvider[pair]!;
        if (scan.spot && !filter.spotProviders.has(provider)) {
          ceilings[pair * 2 + 1] = -Infinity;
          continue;
        }
        const c = scorer.pairCeiling(pair, provider, this.pairRegion[pair]!, scan.spot, carbon ? carbon[pair]! : 0);
        ceilings[pair * 2 + slot] = c;
        if (c > tops[slot]) tops[slot] = c;
      }
    }
    return tops;
  }

  /**
   * Per pair, the best carbon score any offer of the spec's shape (at least its vCPUs and
   * memory, with or without GPUs as it asks) has there: an upper bound of the carbon term of
   * every candidate on the pair. Kept per shape for the catalog version.
   */
  private carbonCeilings(spec: VMSpec, scorer: Scorer): Float64Array {
    const key = `${spec.cpu}|${spec.memoryGiB}|${spec.gpu ? 1 : 0}`;
    const known = this.carbonMemo.get(key);
    if (known) return known;
    const shapes = (this.carbonShapes ??= this.buildCarbonShapes(scorer));
    const ceilings = new Float64Array(this.pairProvider.length).fill(-Infinity);
    const wantGpu = spec.gpu ? 1 : 0;
    for (let i = 0; i < shapes.pair.length; i++) {
      if (!(shapes.vcpus[i]! >= spec.cpu) || !(shapes.memory[i]! >= spec.memoryGiB) || shapes.gpu[i] !== wantGpu) continue;
      const pair = shapes.pair[i]!;
      if (shapes.score[i]! > ceilings[pair]!) ceilings[pair] = shapes.score[i]!;
    }
    if (this.carbonMemo.size >= CARBON_MEMO_LIMIT) this.carbonMemo.clear();
    this.carbonMemo.set(key, ceilings);
    return ceilings;
  }

  /** The distinct shapes of each pair's offers with their best carbon score (once per catalog version). */
  private buildCarbonShapes(scorer: Scorer): CarbonShapes {
    const slots = new Map<string, number>();
    const pair: number[] = [];
    const vcpus: number[] = [];
    const memory: number[] = [];
    const gpu: number[] = [];
    const score: number[] = [];
    for (let i = 0; i < this.index.size; i++) {
      const p = this.pairOf[i]!;
      if (p >= this.pairProvider.length) continue;
      const o = this.index.offer(i);
      const g = o.gpu && o.gpu.count > 0 ? 1 : 0;
      const key = `${p}|${o.vcpus}|${o.memoryGiB}|${g}`;
      const c = scorer.carbonScoreAt(i);
      const at = slots.get(key);
      if (at === undefined) {
        slots.set(key, pair.length);
        pair.push(p);
        vcpus.push(o.vcpus);
        memory.push(o.memoryGiB);
        gpu.push(g);
        score.push(c);
      } else if (c > score[at]!) {
        score[at] = c;
      }
    }
    return { pair: Uint32Array.from(pair), vcpus: Float64Array.from(vcpus), memory: Float64Array.from(memory), gpu: Uint8Array.from(gpu), score: Float64Array.from(score) };
  }

  /** The offer at `position`, if its pair is allowed and the offer-level rules admit it; else the reason. */
  private admit(ctx: SearchContext, position: number, spot: boolean): RawCandidate | string {
    const pair = this.pairOf[position]!;
    if (this.pairMask[pair] !== 1) return 'pair';
    return ctx.rules.admitOffer(this.pairEntry[pair]!, position, this.index.offer(position), spot);
  }

  /** On the explained path: account for every allowed provider × region, scoring its best offer or saying why none fits. */
  private explainPairs(ctx: SearchContext, out: ScoredCandidate[], rejected: RejectedCandidate[]): void {
    const { rules, filter, scorer } = ctx;
    const { spec, spotPolicy, costMax } = rules;
    const covered = this.coveredStamps(out);
    const fitQuery = { onDemand: this.specQuery(spec, 'onDemand'), spot: this.specQuery(spec, 'spot') };
    const probe = new Uint32Array(256);
    const fits = this.fitsOf(spec);
    for (const pairId of filter.allowedPairs) {
      const provider = this.pairProvider[pairId]!;
      const region = this.pairRegion[pairId]!;
      const bases: SearchBasis[] = [];
      if (spotPolicy !== 'require') bases.push('onDemand');
      if (spotPolicy !== 'forbid' && filter.spotProviders.has(provider)) bases.push('spot');
      if (bases.length === 0) bases.push('onDemand');
      for (const basis of bases) {
        const spot = basis === 'spot';
        if (covered[pairId * 2 + (spot ? 1 : 0)] === this.stamp) continue;
        // The pair's cheapest fitting offer, looked up once per spec shape: when the offer rules
        // admit it (the usual case) it stands for the pair; otherwise the walk below looks further.
        const slot = pairId * 2 + (spot ? 1 : 0);
        let first = fits[slot]!;
        if (first === FIT_UNKNOWN) fits[slot] = first = this.firstFit(this.fitWalk(pairId, basis, spec, fitQuery[basis], probe), fitQuery[basis]);
        if (first < 0) {
          rejected.push({ provider, region, rule: 'no-fit', reason: `no ${basis === 'spot' ? 'spot ' : ''}offer fits ${describeNeed(spec)}` });
          continue;
        }
        const quick = this.admit(ctx, first, spot);
        if (typeof quick !== 'string') {
          const key = this.seenKey(first, spot);
          if (!this.seen(key)) {
            this.markSeen(key);
            if (!Number.isFinite(scorer.minPrice)) scorer.minPrice = quick.price;
            out.push(scorer.score(quick, pairId));
          }
          continue;
        }
        // The pair's offers of the spec's size in price order: the first that fits and is admitted stands for the pair.
        const walk = this.fitWalk(pairId, basis, spec, fitQuery[basis], probe);
        let firstReason: string | undefined;
        let admitted = false;
        let fitted = false;
        for (let position = walk.next(); position >= 0 && !admitted; position = walk.next()) {
          if (!matchesQuery(this.index.offer(position), fitQuery[basis])) continue;
          fitted = true;
          if (costMax && firstReason !== undefined && overCost(priceOfBasis(this.index.offer(position), basis), costMax)) break; // price order: nothing later is cheaper
          const candidate = this.admit(ctx, position, spot);
          if (typeof candidate === 'string') {
            if (firstReason === undefined) {
              const o = this.index.offer(position);
              // A reason that quotes the price already (a cost rule) is not told it twice.
              const hourly = spot ? o.spotHourly : o.onDemandHourly;
              const price = candidate.includes('$') || hourly === undefined ? '' : ` ($${Number(hourly.toFixed(4))}/h)`;
              firstReason = `cheapest fitting ${spot ? 'spot' : 'on-demand'} offer ${o.instanceType}${price}: ${candidate}`;
            }
            continue;
          }
          const key = this.seenKey(position, spot);
          if (!this.seen(key)) {
            this.markSeen(key);
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

  /** The cheapest-fit memo of the spec's shape (what `specQuery` reads of it). */
  private fitsOf(spec: VMSpec): Int32Array {
    const g = spec.gpu;
    const key = `${spec.cpu}|${spec.memoryGiB}|${g ? `${g.count}|${g.type ?? ''}|${g.exact === true}` : ''}|${specArchitectures(spec)?.join(',') ?? ''}|${spec.instanceType ?? ''}`;
    let fits = this.fitMemo.get(key);
    if (fits === undefined) {
      if (this.fitMemo.size >= CARBON_MEMO_LIMIT) this.fitMemo.clear();
      fits = new Int32Array(this.pairProvider.length * 2).fill(FIT_UNKNOWN);
      this.fitMemo.set(key, fits);
    }
    return fits;
  }

  /**
   * The pair's offers on `basis` with at least the spec's size, in price order. GPU requests ask
   * the index, whose GPU partitions skip the many offers without that GPU (into `probe`).
   */
  private fitWalk(pairId: number, basis: SearchBasis, spec: VMSpec, query: SearchQuery, probe: Uint32Array): PairWalk {
    return spec.gpu
      ? listWalk(probe.subarray(0, this.index.query({ ...query, providers: [this.pairProvider[pairId]!], regions: [this.pairRegion[pairId]!] }, probe, probe.length)))
      : this.pairWalk(pairId, basis, spec);
  }

  /** The first offer of `walk` that matches `query` in full, or -1. */
  private firstFit(walk: PairWalk, query: SearchQuery): number {
    for (let position = walk.next(); position >= 0; position = walk.next()) if (matchesQuery(this.index.offer(position), query)) return position;
    return -1;
  }

  /** Stamps `pair * 2 + spot` of every pair × basis the fast path already has a candidate on. */
  private coveredStamps(out: readonly ScoredCandidate[]): Uint32Array {
    const covered = (this.covered ??= new Uint32Array(this.pairProvider.length * 2));
    for (const c of out) covered[c.pair * 2 + (c.raw.spot ? 1 : 0)] = this.stamp;
    return covered;
  }

  /**
   * The offers of one pair on `basis` with at least the spec's vCPUs and memory, in price order
   * (then catalog position). The first few come from the pair's whole price list, where a small
   * spec finds its fit at once; past them, a merge of the fitting shapes' own price lists, so that
   * a large spec does not walk the many smaller offers of a pair.
   */
  private pairWalk(pair: number, basis: SearchBasis, spec: VMSpec): PairWalk {
    const shapes = (this.shapes ??= { onDemand: undefined, spot: undefined })[basis] ?? (this.shapes[basis] = this.buildPairShapes(basis));
    return new ShapeWalk(shapes, pair, spec.cpu, spec.memoryGiB, spec.gpu ? 0 : FLAG_GPU, archFlags(spec));
  }

  /** Each pair's offers on `basis`, grouped by shape (vCPUs, memory), each group in price order; built on the first explained decision. */
  private buildPairShapes(basis: SearchBasis): PairShapes {
    const price = new Float64Array(this.index.size);
    const buckets: number[][] = Array.from({ length: this.pairProvider.length }, () => []);
    for (let i = 0; i < this.index.size; i++) {
      price[i] = priceOfBasis(this.index.offer(i), basis);
      const pair = this.pairOf[i]!;
      if (pair < buckets.length && price[i] !== Infinity) buckets[pair]!.push(i);
    }
    const byPrice = (x: number, y: number): number => price[x]! - price[y]! || x - y;
    const list: number[] = [];
    const listStart = new Uint32Array(buckets.length + 1);
    const shapeVcpus: number[] = [];
    const shapeMemory: number[] = [];
    const shapeStart: number[] = [];
    const grouped: number[] = [];
    const pairShapeStart = new Uint32Array(buckets.length + 1);
    for (let pair = 0; pair < buckets.length; pair++) {
      const offers = buckets[pair]!.sort(byPrice);
      listStart[pair] = list.length;
      for (const o of offers) list.push(o);
      pairShapeStart[pair] = shapeStart.length;
      const byShape = [...offers].sort((x, y) => this.vcpusOf[x]! - this.vcpusOf[y]! || this.memoryOf[x]! - this.memoryOf[y]! || byPrice(x, y));
      for (let i = 0; i < byShape.length; i++) {
        const o = byShape[i]!;
        if (i === 0 || this.vcpusOf[o] !== shapeVcpus.at(-1) || this.memoryOf[o] !== shapeMemory.at(-1)) {
          shapeVcpus.push(this.vcpusOf[o]!);
          shapeMemory.push(this.memoryOf[o]!);
          shapeStart.push(grouped.length);
        }
        grouped.push(o);
      }
    }
    listStart[buckets.length] = list.length;
    pairShapeStart[buckets.length] = shapeStart.length;
    shapeStart.push(grouped.length);
    // Columns aligned with the lists, so that walking a list reads memory in order.
    const listVcpus = Float64Array.from(list, (o) => this.vcpusOf[o]!);
    const listMemory = Float64Array.from(list, (o) => this.memoryOf[o]!);
    const groupedPrice = Float64Array.from(grouped, (o) => price[o]!);
    const flags = new Uint8Array(this.index.size);
    for (let i = 0; i < flags.length; i++) flags[i] = offerFlags(this.index.offer(i));
    const listFlags = Uint8Array.from(list, (o) => flags[o]!);
    const groupedFlags = Uint8Array.from(grouped, (o) => flags[o]!);
    let widest = 1;
    for (let pair = 0; pair < buckets.length; pair++) widest = Math.max(widest, pairShapeStart[pair + 1]! - pairShapeStart[pair]!);
    return {
      price,
      list: Uint32Array.from(list),
      listVcpus,
      listMemory,
      listFlags,
      groupedPrice,
      groupedFlags,
      listStart,
      pairShapeStart,
      shapeVcpus: Float64Array.from(shapeVcpus),
      shapeMemory: Float64Array.from(shapeMemory),
      shapeStart: Uint32Array.from(shapeStart),
      grouped: Uint32Array.from(grouped),
      cursors: new Uint32Array(widest),
      ends: new Uint32Array(widest),
    };
  }
}

/** Offers of one pair × basis handed out one at a time; `next()` is -1 when none is left. */
interface PairWalk {
  next(): number;
}

/** A walk over a ready list. */
function listWalk(list: Uint32Array): PairWalk {
  let i = 0;
  return { next: () => (i < list.length ? list[i++]! : -1) };
}

/** Each pair's offers on one basis: as one price-ordered list, and grouped by shape. */
interface PairShapes {
  /** Price of each indexed offer on the basis (Infinity when not sold on it). */
  readonly price: Float64Array;
  /** Every pair's offers in price order, pair after pair; pair p's run starts at `listStart[p]`. */
  readonly list: Uint32Array;
  /** vCPUs and memory of each entry of `list`. */
  readonly listVcpus: Float64Array;
  readonly listMemory: Float64Array;
  /** {@link offerFlags} of each entry of `list`. */
  readonly listFlags: Uint8Array;
  readonly listStart: Uint32Array;
  /** Pair p's shapes are `pairShapeStart[p]` up to `pairShapeStart[p + 1]`. */
  readonly pairShapeStart: Uint32Array;
  readonly shapeVcpus: Float64Array;
  readonly shapeMemory: Float64Array;
  /** Shape s's offers, in price order, are `grouped[shapeStart[s]]` up to `grouped[shapeStart[s + 1]]`. */
  readonly shapeStart: Uint32Array;
  readonly grouped: Uint32Array;
  /** Price of each entry of `grouped`. */
  readonly groupedPrice: Float64Array;
  /** {@link offerFlags} of each entry of `grouped`. */
  readonly groupedFlags: Uint8Array;
  /** Scratch for the merge (one walk at a time). */
  readonly cursors: Uint32Array;
  readonly ends: Uint32Array;
}

/** Offer flags: has GPUs. */
const FLAG_GPU = 1;
/** Offer flags per architecture. */
const FLAG_ARCH: Readonly<Record<Architecture, number>> = { x86_64: 2, arm64: 4 };
const FLAG_ANY_ARCH = 2 | 4;

/** The facts of an offer the explained walk filters on without reading the offer: GPUs and architecture. */
function offerFlags(offer: Offer): number {
  return (offer.gpu && offer.gpu.count > 0 ? FLAG_GPU : 0) | (FLAG_ARCH[offer.arch] ?? 0);
}

/** The architecture flags a spec allows. */
function archFlags(spec: VMSpec): number {
  const arch = specArchitectures(spec);
  if (arch === undefined || arch.length === 0) return FLAG_ANY_ARCH;
  let mask = 0;
  for (const a of arch) mask |= FLAG_ARCH[a] ?? 0;
  return mask;
}

/** Entries of a pair's whole price list read before switching to the merge of fitting shapes. */
const LIST_STEPS = 24;

/** The offers of one pair with at least a size, in price order: see `CandidateSearch.pairWalk`. */
class ShapeWalk implements PairWalk {
  private at: number;
  private readonly listEnd: number;
  private readonly stepsEnd: number;
  private shapes = -1; // fitting shapes in the merge; -1 until it starts

  constructor(
    private readonly s: PairShapes,
    private readonly pair: number,
    private readonly cpu: number,
    private readonly memory: number,
    /** Offers with any of these flags are skipped (GPUs for a spec without). */
    private readonly forbid: number,
    /** Offers need one of these flags (the spec's architectures). */
    private readonly need: number,
  ) {
    this.at = s.listStart[pair]!;
    this.listEnd = s.listStart[pair + 1]!;
    this.stepsEnd = Math.min(this.listEnd, this.at + LIST_STEPS);
  }

  next(): number {
    const s = this.s;
    if (this.shapes < 0) {
      while (this.at < this.stepsEnd) {
        const at = this.at++;
        if (s.listVcpus[at]! >= this.cpu && s.listMemory[at]! >= this.memory && this.allowed(s.listFlags[at]!)) return s.list[at]!;
      }
      if (this.at === this.listEnd) return -1;
      this.startMerge();
    }
    for (;;) {
      const at = this.pick();
      if (at < 0) return -1;
      if (this.allowed(s.groupedFlags[at]!)) return s.grouped[at]!;
    }
  }

  private allowed(flags: number): boolean {
    return (flags & this.forbid) === 0 && (flags & this.need) !== 0;
  }

  /** Takes the next entry of the merge (an index into `grouped`), or -1 when none is left. */
  private pick(): number {
    const s = this.s;
    // The cheapest head among the fitting shapes (ties by catalog position, as the whole list orders them).
    let best = -1;
    let bestPrice = Infinity;
    let bestPosition = 0;
    for (let k = 0; k < this.shapes; k++) {
      const at = s.cursors[k]!;
      if (at >= s.ends[k]!) continue;
      const price = s.groupedPrice[at]!;
      if (price > bestPrice) continue;
      const position = s.grouped[at]!;
      if (price < bestPrice || position < bestPosition) {
        best = k;
        bestPrice = price;
        bestPosition = position;
      }
    }
    if (best < 0) return -1;
    return s.cursors[best]!++;
  }

  /** Opens a cursor on every fitting shape, past the offers the list walk already read (up to price, then position, of its last one). */
  private startMerge(): void {
    const s = this.s;
    const last = s.list[this.at - 1]!;
    const lastPrice = s.price[last]!;
    let n = 0;
    for (let shape = s.pairShapeStart[this.pair]!; shape < s.pairShapeStart[this.pair + 1]!; shape++) {
      if (!(s.shapeVcpus[shape]! >= this.cpu) || !(s.shapeMemory[shape]! >= this.memory)) continue;
      let from = s.shapeStart[shape]!;
      const end = s.shapeStart[shape + 1]!;
      while (from < end && (s.groupedPrice[from]! < lastPrice || (s.groupedPrice[from] === lastPrice && s.grouped[from]! <= last))) from++;
      if (from === end) continue;
      s.cursors[n] = from;
      s.ends[n] = end;
      n++;
    }
    this.shapes = n;
  }
}
