/**
 * Placement: which provider, region, zone and instance type a VM should get, and why.
 *
 * Candidates are every registered provider × region × fitting offer from the offer index.
 * Hard rules (constraints, `restrict`/`require` policies, blocked zones) remove candidates,
 * each removal with its reason; the survivors are scored on normalized components (cost,
 * performance, compliance, location, carbon) weighted by the strategy, plus `prefer` bonuses,
 * and ranked with a deterministic tie-break. The fast path reads the index's fitting offers in
 * price order until no unread one could beat the best score found (exact for every strategy
 * and catalog) without building explanations; the explained path also reports the best offer
 * of every provider × region and the reason for every rejection.
 *
 * This file only composes the steps of a decision: the rules (rules.ts), the search over the
 * offer index (search.ts), the scores (scoring.ts) and the decision they make (decision.ts).
 */
import { OfferIndex } from '../../optimizer/offer-index.js';
import type { Offer, ProviderKind, Region, VMSpec } from '../../provider/types.js';
import { Decision, RefusedDecision, type AppliedPolicy, type PlacementCandidate, type PlacementDecision, type RejectedCandidate } from './decision.js';
import { NO_EXCLUSIONS, type PlacementExclusions } from './exclusions.js';
import type { LatencyMatrix } from './latency-matrix.js';
import type { PlacementProvider } from './placement-provider.js';
import { STRATEGY_WEIGHTS, type PlacementRequest, type RegionNearConstraint, type ScoreWeights, type SpotPolicy } from './placement-request.js';
import { conditionHolds, orderPolicies, type Policy, type PolicySubject } from './policy.js';
import { DecisionRules, withSpecConstraints } from './rules.js';
import { createPairTermCache, performanceScore, ScoredCandidate, Scorer, type PairTermCache } from './scoring.js';
import { CandidateSearch } from './search.js';

/** Options of one decision. */
export interface DecideOptions {
  /** Build the full explanation (every provider × region accounted for). */
  readonly explain?: boolean | undefined;
  /** Failed or blocked places to avoid. */
  readonly exclusions?: PlacementExclusions | undefined;
  /** Restrict to these providers (used by group placement). */
  readonly onlyProviders?: readonly string[] | undefined;
}

/** Options of {@link PlacementEngine}. */
export interface PlacementEngineOptions {
  /** Providers with their defaults, regions and offers. */
  readonly providers: readonly PlacementProvider[];
  /** Federation policies. */
  readonly policies?: readonly Policy[] | undefined;
  /** Round-trip times. */
  readonly latency: LatencyMatrix;
  /** Grams CO2e per hour of an offer, for the carbon component. */
  readonly carbon?: ((offer: Offer) => number | undefined) | undefined;
  /**
   * Admitted offers scored per price basis whatever the bound says (default 1). The search then
   * scores only what could still beat the best, so `ranked` holds the choice and its near rivals;
   * a larger value ranks more alternatives, and a catalog-size value scores every fitting offer.
   */
  readonly topK?: number | undefined;
  /**
   * Largest batch of offers taken from the index at once (default 512); batches grow fourfold
   * from the first (8, or `topK` when larger) up to it. A batch size only: the search reads on, batch after batch, until no
   * unread offer could beat the best found, so the choice is exact whatever the catalog.
   */
  readonly maxBatch?: number | undefined;
  /** Most candidates kept in `ranked` on the fast path (default 32); the best are kept. */
  readonly rankLimit?: number | undefined;
  /** Providers whose catalog could not be loaded, with the reason (explained as rejections). */
  readonly unavailable?: ReadonlyMap<string, string> | undefined;
}

/** Chooses placements. Build one per catalog version; `decide` is synchronous and fast. */
export class PlacementEngine {
  private readonly providers: ReadonlyMap<string, PlacementProvider>;
  private readonly index: OfferIndex;
  private readonly search: CandidateSearch;
  private readonly policies: readonly Policy[];
  private readonly latency: LatencyMatrix;
  private readonly carbon: ((offer: Offer) => number | undefined) | undefined;
  private readonly rankLimit: number;
  private readonly unavailable: ReadonlyMap<string, string>;
  /** Per-pair score terms, reused by every decision. */
  private readonly pairTerms: PairTermCache;
  private carbonCache: Float64Array | undefined;
  private performanceCache: Float64Array | undefined;
  private regionList: readonly string[] | undefined;

  /** Builds the engine and its offer index. */
  constructor(options: PlacementEngineOptions) {
    this.providers = new Map(options.providers.map((p) => [p.provider.name, p]));
    // One index over every provider's offers, owned by provider name: offers keep their kind.
    const offers: Offer[] = [];
    const owners: string[] = [];
    for (const p of options.providers) {
      for (const o of p.offers) {
        offers.push(o);
        owners.push(p.provider.name);
      }
    }
    this.index = OfferIndex.build(offers, { owners });
    this.policies = orderPolicies(options.policies ?? []);
    this.latency = options.latency;
    this.carbon = options.carbon;
    const topK = Math.max(1, options.topK ?? 1);
    this.search = new CandidateSearch(this.index, this.providers, { topK, maxBatch: Math.max(topK, options.maxBatch ?? 512) });
    this.rankLimit = Math.max(1, options.rankLimit ?? 32);
    this.unavailable = options.unavailable ?? new Map();
    this.pairTerms = createPairTermCache(this.search.pairCount);
  }

  /** Number of offers indexed. */
  get offerCount(): number {
    return this.index.size;
  }

  /** Every region some provider of this catalog offers, sorted (refusals name a region outside it). */
  get regionNames(): readonly string[] {
    return (this.regionList ??= [...new Set([...this.providers.values()].flatMap((p) => [...p.regions.keys()]))].sort());
  }

  /** Providers whose catalog could not be loaded: what they offer is not known. */
  get unavailableProviders(): readonly string[] {
    return [...this.unavailable.keys()];
  }

  /** Decides where `spec` goes. Throws nothing: an empty `ranked` means no feasible candidate. */
  decide(spec: VMSpec, request: PlacementRequest = {}, options: DecideOptions = {}): PlacementDecision | RefusedDecision {
    const strategy = request.strategy ?? 'balanced';
    const weights: ScoreWeights = request.weights ? { ...STRATEGY_WEIGHTS[strategy], ...request.weights } : STRATEGY_WEIGHTS[strategy];
    const spotPolicy: SpotPolicy = request.spot ?? (spec.spot ? 'require' : 'provider-default');
    const explain = options.explain === true;
    const exclusions = options.exclusions ?? NO_EXCLUSIONS;
    const constraints = withSpecConstraints(spec, request.constraints ?? []);
    const near = constraints.find((c): c is RegionNearConstraint => c.type === 'region' && c.operator === 'near');

    const subject: PolicySubject = {
      labels: spec.labels,
      location: near?.value ?? spec.region,
      locationArea: this.latency.geoOf(near?.value ?? spec.region ?? '')?.area,
      cost: this.policies.some((p) => p.condition.type === 'cost') ? this.search.cheapestOnDemand(spec) : undefined,
    };
    const policies: AppliedPolicy[] = this.policies.map((p) => ({ name: p.name, applied: conditionHolds(p.condition, subject), action: p.action.type }));
    const active = this.policies.filter((_, i) => policies[i]!.applied);

    const rejected: RejectedCandidate[] = [];
    if (explain) for (const [name, reason] of this.unavailable) rejected.push({ provider: name, region: undefined, rule: 'catalog', reason });
    const rules = new DecisionRules({ spec, constraints, policies: active, spotPolicy, exclusions, latency: this.latency });
    const filter = this.search.allowPairs(rules, options.onlyProviders, explain ? rejected : undefined);
    const scorer = new Scorer({ sources: this, spec, weights, policies: active, near, spotProviders: filter.spotProviders, cache: this.pairTerms });
    const scored = this.search.candidates({ rules, filter, scorer }, explain ? rejected : undefined);
    scored.sort(ScoredCandidate.compare);
    const keep = explain ? scored.length : Math.min(scored.length, this.rankLimit);
    const ranked: PlacementCandidate[] = [];
    for (let i = 0; i < keep; i++) ranked.push(scorer.materialize(scored[i]!));
    const parts = { rejected, strategy, weights, spot: spotPolicy, policies, explained: explain };
    if (ranked.length === 0) return new RefusedDecision(parts);
    return new Decision(parts, ranked);
  }

  // The methods below are the engine's `ScoringSources`: what scores read of providers, regions and offers.

  /** @internal Region geography, for scoring. */
  geoOf(provider: string, region: string): Region['geo'] {
    return this.providers.get(provider)?.regions.get(region)?.geo ?? this.latency.geoOf(region);
  }

  /** @internal Kind of a registered provider. */
  kindOf(provider: string): ProviderKind {
    return this.providers.get(provider)!.provider.kind;
  }

  /** @internal Round trip between two regions. */
  rttOf(a: string, b: string): number | undefined {
    return this.latency.rtt(a, b)?.rttMs;
  }

  /** @internal Whether a carbon model is given. */
  get hasCarbonModel(): boolean {
    return this.carbon !== undefined;
  }

  /** @internal The performance score of the offer at `position` on its basis, worked out once per offer and catalog version. */
  performanceOf(position: number, offer: Offer, spot: boolean): number {
    this.performanceCache ??= new Float64Array(this.index.size * 2).fill(NaN);
    const slot = spot ? position + this.index.size : position;
    let score = this.performanceCache[slot]!;
    if (Number.isNaN(score)) {
      score = performanceScore(offer, spot);
      this.performanceCache[slot] = score;
    }
    return score;
  }

  /** @internal Grams CO2e per hour of the offer at `position`, when a carbon model is given. */
  carbonOf(position: number): number | undefined {
    if (!this.carbon) return undefined;
    // Carbon depends on the offer alone: work it out once per offer and catalog version.
    this.carbonCache ??= new Float64Array(this.index.size).fill(NaN);
    let grams = this.carbonCache[position]!;
    if (Number.isNaN(grams)) {
      grams = this.carbon(this.index.offer(position)) ?? -1;
      this.carbonCache[position] = grams;
    }
    return grams < 0 ? undefined : grams;
  }
}
