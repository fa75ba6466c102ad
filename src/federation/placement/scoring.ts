/**
 * Scoring: how feasible candidates are ranked. Each component is normalized to 0–1 (1 best) and
 * weighted by the strategy: cost is relative to the cheapest feasible price; every other component
 * is absolute (performance from spot interruption rates and burstable CPUs, compliance from the
 * residency label, location from the round trip to the `near` region, carbon against a fixed
 * reference), and each applicable `prefer` policy adds its weight. Because only cost depends on
 * the other candidates, and it falls as the price rises, the score of any candidate at price p
 * or more is at most `Scorer.bound(p, ceiling)`: the cost term at p plus a ceiling of the other
 * terms (global, or per provider × region pair from `Scorer.pairCeiling`). That is what lets the
 * search stop early and stay exact. Ties break in one total order, {@link compareCandidates}.
 */
import type { InterruptionBucket, Offer, ProviderKind, Region, VMSpec } from '../../provider/types.js';
import { compareStrings } from '../../optimizer/offer-query.js';
import type { PlacementCandidate, PolicyBonus } from './decision.js';
import type { RegionNearConstraint, ScoreWeights } from './placement-request.js';
import { targetMatches, type Policy } from './policy.js';
import type { RawCandidate } from './rules.js';

/** Per-month interruption rate at the middle of each bucket (AWS Spot Advisor's buckets). */
const INTERRUPTION_RATE: Readonly<Record<InterruptionBucket, number>> = {
  '<5%': 0.025,
  '5-10%': 0.075,
  '10-15%': 0.125,
  '15-20%': 0.175,
  '>20%': 0.25,
};
const UNKNOWN_INTERRUPTION_RATE = 0.15;

/** Aliases of residency labels to countries and areas (`data-residency: eu`). */
const RESIDENCY_AREAS: Readonly<Record<string, string>> = {
  eu: 'europe',
  europe: 'europe',
  na: 'north-america',
  'north-america': 'north-america',
  apac: 'asia-pacific',
  asia: 'asia-pacific',
};

/**
 * Instance families with burstable (credit-based) CPUs: AWS t2/t3/t3a/t4g, Azure B-series, GCE
 * shared-core e2-micro/small/medium, f1-micro and g1-small (from the clouds' instance-type
 * documentation, read 2026-11).
 */
const BURSTABLE = /^(t2|t3|t3a|t4g)\.|^Standard_B|^(e2-(micro|small|medium)|f1-micro|g1-small)$/;

/** True for instance types whose CPU is burstable rather than dedicated. */
export function isBurstable(instanceType: string): boolean {
  return BURSTABLE.test(instanceType);
}

/** Factor applied to spot capacity on top of its interruption rate: any spot VM can be reclaimed at two minutes' notice. */
export const SPOT_STEADINESS = 0.85;

/** Factor applied to the performance of burstable instance types. */
export const BURSTABLE_PERFORMANCE = 0.8;

/**
 * Performance: how steadily the VM delivers what it asked for. 1 for on-demand capacity with
 * dedicated CPUs; spot capacity gets 0.85 × (1 − the monthly interruption rate of its bucket,
 * taken at the bucket's middle; 0.15 when unknown); burstable CPUs are multiplied by 0.8. Size headroom is
 * deliberately not rewarded: the spec states the size it needs, and paying for more is not
 * the performance strategy's call.
 */
export function performanceScore(offer: Offer, spot: boolean): number {
  const steadiness = spot ? SPOT_STEADINESS * (1 - (offer.spotInterruption ? INTERRUPTION_RATE[offer.spotInterruption] : UNKNOWN_INTERRUPTION_RATE)) : 1;
  return isBurstable(offer.instanceType) ? steadiness * BURSTABLE_PERFORMANCE : steadiness;
}

/** Compliance: 1 without a `data-residency` label; else 1 in the named country or area, 0 outside, 0.5 when the region's place is unknown. */
export function complianceScore(residency: string | undefined, geo: Region['geo']): number {
  if (residency === undefined) return 1;
  if (!geo) return 0.5;
  const wanted = residency.toLowerCase();
  if (geo.country.toLowerCase() === wanted) return 1;
  const area = RESIDENCY_AREAS[wanted];
  return area !== undefined && geo.area === area ? 1 : 0;
}

/**
 * Grams CO2e per hour at which the carbon component is 0.5: scores are absolute
 * (`G / (G + g)`), so adding candidates never changes another's score.
 */
export const CARBON_REFERENCE_GRAMS_PER_HOUR = 10;

/** Score a `prefer` policy adds when it names no weight. */
const DEFAULT_PREFER_WEIGHT = 0.1;

/** The best performance score on spot: the lowest interruption bucket. */
const SPOT_PERFORMANCE_CEILING = SPOT_STEADINESS * (1 - INTERRUPTION_RATE['<5%']);

/** Slack added to every bound: scores are rounded to 1e-9, so a bound must not fall short by that much. */
const BOUND_SLACK = 1e-9;

function carbonScore(grams: number | undefined): number {
  return grams === undefined ? 0 : CARBON_REFERENCE_GRAMS_PER_HOUR / (CARBON_REFERENCE_GRAMS_PER_HOUR + Math.max(0, grams));
}

/** What the ranking order reads of a candidate. */
interface RankFields {
  readonly score: number;
  readonly hourlyPrice: number;
  readonly provider: string;
  readonly region: string;
  readonly zone: string | undefined;
  readonly instanceType: string;
  readonly spot: boolean;
}

/** The ranking order: score, then price, provider, region, zone, instance type, spot last. */
function rankOrder(a: RankFields, b: RankFields): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.hourlyPrice !== b.hourlyPrice) return a.hourlyPrice - b.hourlyPrice;
  return (
    compareStrings(a.provider, b.provider) ||
    compareStrings(a.region, b.region) ||
    compareStrings(a.zone ?? '', b.zone ?? '') ||
    compareStrings(a.instanceType, b.instanceType) ||
    Number(a.spot) - Number(b.spot)
  );
}

/** Total order of candidates: score, then price, provider, region, zone, instance type, spot last. */
export function compareCandidates(a: PlacementCandidate, b: PlacementCandidate): number {
  return rankOrder(a, b);
}

/**
 * A candidate with its score, before it is turned into a {@link PlacementCandidate}: the search
 * ranks these (in the order of {@link compareCandidates}) and builds full candidates only for the
 * ones it keeps.
 */
export class ScoredCandidate implements RankFields {
  // The ranking fields are copied out of `raw`: sorting reads them many times per candidate.
  readonly hourlyPrice: number;
  readonly provider: string;
  readonly region: string;
  readonly zone: string | undefined;
  readonly instanceType: string;
  readonly spot: boolean;
  /** Scores `raw`, on provider × region pair `pair`. */
  constructor(
    readonly raw: RawCandidate,
    readonly pair: number,
    readonly score: number,
  ) {
    this.hourlyPrice = raw.price;
    this.provider = raw.provider;
    this.region = raw.offer.region;
    this.zone = raw.zone;
    this.instanceType = raw.offer.instanceType;
    this.spot = raw.spot;
  }
  /** Ranks these with {@link compareCandidates}'s order. */
  static compare(this: void, a: ScoredCandidate, b: ScoredCandidate): number {
    return rankOrder(a, b);
  }
}

/** Per-pair score terms, one slot per provider × region pair (bonus: two, on-demand then spot); reused by every decision. */
export interface PairTermCache {
  readonly rtt: Float64Array;
  readonly compliance: Float64Array;
  readonly location: Float64Array;
  readonly bonus: Float64Array;
}

/** A cache for `pairs` provider × region pairs. */
export function createPairTermCache(pairs: number): PairTermCache {
  return { rtt: new Float64Array(pairs), compliance: new Float64Array(pairs), location: new Float64Array(pairs), bonus: new Float64Array(pairs * 2) };
}

/** Facts about providers, regions and offers that scores are made of (the engine supplies them). */
export interface ScoringSources {
  /** Region geography. */
  geoOf(provider: string, region: string): Region['geo'];
  /** Kind of a registered provider. */
  kindOf(provider: string): ProviderKind;
  /** Round trip between two regions. */
  rttOf(a: string, b: string): number | undefined;
  /** Grams CO2e per hour of the offer at an index position, when known. */
  carbonOf(position: number): number | undefined;
  /** Whether a carbon model is given (without one every carbon term is 0). */
  readonly hasCarbonModel: boolean;
  /** {@link performanceScore} of the offer at an index position on its basis (the engine keeps it per offer). */
  performanceOf(position: number, offer: Offer, spot: boolean): number;
}

/** What a {@link Scorer} is built from. */
export interface ScorerInput {
  /** Where geography, kinds, round trips and emissions come from. */
  readonly sources: ScoringSources;
  /** The VM. */
  readonly spec: VMSpec;
  /** Component weights. */
  readonly weights: ScoreWeights;
  /** The policies that apply to the VM (the `prefer` ones add bonuses). */
  readonly policies: readonly Policy[];
  /** The `near` constraint, when there is one. */
  readonly near: RegionNearConstraint | undefined;
  /** Providers where spot is allowed, with the reason. */
  readonly spotProviders: ReadonlyMap<string, string>;
  /** Arrays to keep per-pair terms in; reset for this decision. */
  readonly cache: PairTermCache;
}

/**
 * Scores candidates of one decision. Every component but cost is absolute; cost is relative
 * to the cheapest feasible price. Per-pair terms (location, compliance) are computed once per
 * decision; full candidate objects are built only for the candidates kept.
 */
/** The bonuses of a candidate no `prefer` policy applies to (shared, frozen). */
const NO_BONUSES: readonly PolicyBonus[] = Object.freeze([]);

export class Scorer {
  /** Cheapest feasible price found so far: the cost component's reference. */
  minPrice = Infinity;
  declare private readonly sources: ScoringSources;
  declare private readonly weights: ScoreWeights;
  declare private readonly near: RegionNearConstraint | undefined;
  declare private readonly spotProviders: ReadonlyMap<string, string>;
  declare private readonly totalWeight: number;
  declare private readonly maxBonus: number;
  declare private readonly residency: string | undefined;
  declare private readonly prefers: readonly Policy[];
  /**
   * True when the non-cost terms can differ between provider × region pairs (a `near` region, a
   * residency label, `prefer` bonuses, or carbon): the search then bounds per pair.
   */
  declare readonly pairTermsVary: boolean;
  /** True when the carbon term is weighted and a carbon model gives figures. */
  declare readonly carbonMatters: boolean;
  declare private readonly rtt: Float64Array;
  declare private readonly compliance: Float64Array;
  declare private readonly location: Float64Array;
  declare private readonly bonus: Float64Array; // [pair * 2 + spot]

  /** A scorer for one decision. */
  constructor(input: ScorerInput) {
    const { weights, cache } = input;
    this.sources = input.sources;
    this.weights = weights;
    this.near = input.near;
    this.spotProviders = input.spotProviders;
    this.totalWeight = weights.cost + weights.performance + weights.compliance + weights.location + weights.carbon || 1;
    this.residency = input.spec.labels['data-residency'];
    this.prefers = input.policies.filter((p) => p.action.type === 'prefer');
    this.maxBonus = this.prefers.reduce((sum, p) => sum + ((p.action as { weight?: number }).weight ?? DEFAULT_PREFER_WEIGHT), 0);
    this.carbonMatters = weights.carbon > 0 && input.sources.hasCarbonModel;
    this.pairTermsVary = this.near !== undefined || this.residency !== undefined || this.prefers.length > 0 || this.carbonMatters;
    // The engine's arrays are reused: reset them for this decision.
    this.rtt = cache.rtt.fill(NaN);
    this.compliance = cache.compliance.fill(NaN);
    this.location = cache.location.fill(NaN);
    this.bonus = cache.bonus.fill(NaN);
  }

  /**
   * The highest score a candidate priced at `price` or more can reach when its other terms
   * reach at most `ceiling` (from {@link Scorer.ceiling} or {@link Scorer.pairCeiling}): the
   * cost term falls as the price rises, so this falls too.
   */
  bound(price: number, ceiling: number): number {
    return (this.weights.cost * this.costScore(price)) / this.totalWeight + ceiling + BOUND_SLACK;
  }

  /**
   * The ceiling of every non-cost term, anywhere, when they do not vary by pair
   * ({@link Scorer.pairTermsVary} false): performance is at most 1 on-demand and 0.85 × 0.975
   * on spot, location and compliance are 1, carbon 1 with a model and 0 without, plus every bonus.
   */
  ceiling(spot: boolean): number {
    const w = this.weights;
    const performance = spot ? SPOT_PERFORMANCE_CEILING : 1;
    const carbon = this.sources.hasCarbonModel ? w.carbon : 0;
    return (w.performance * performance + w.compliance + w.location + carbon) / this.totalWeight + this.maxBonus;
  }

  /**
   * The ceiling of every non-cost term of a candidate on `pair`: the pair's own compliance,
   * location and bonus, the performance ceiling of its basis, and `carbonCeiling`, the best
   * carbon score of any offer there that could be a candidate.
   */
  pairCeiling(pair: number, provider: string, region: string, spot: boolean, carbonCeiling: number): number {
    const w = this.weights;
    this.pairTerms(pair, provider, region);
    const performance = spot ? SPOT_PERFORMANCE_CEILING : 1;
    const carbon = this.carbonMatters ? carbonCeiling : 0;
    const terms = (w.performance * performance + w.compliance * this.compliance[pair]! + w.location * this.location[pair]! + w.carbon * carbon) / this.totalWeight;
    return terms + (this.prefers.length > 0 ? this.bonusAt(pair, provider, region, spot) : 0);
  }

  /** The carbon score of the offer at an index position (0 without a figure). */
  carbonScoreAt(position: number): number {
    return carbonScore(this.sources.carbonOf(position));
  }

  /** The cost component: the cheapest feasible price over this one. */
  private costScore(price: number): number {
    return price <= 0 ? 1 : Math.min(1, this.minPrice / price);
  }

  private pairTerms(pair: number, provider: string, region: string): void {
    if (!Number.isNaN(this.location[pair]!)) return;
    const rtt = this.near ? this.sources.rttOf(this.near.value, region) : undefined;
    this.rtt[pair] = rtt ?? NaN;
    this.compliance[pair] = this.residency === undefined ? 1 : complianceScore(this.residency, this.sources.geoOf(provider, region));
    this.location[pair] =
      this.near === undefined ? 1 : rtt === undefined ? 0 : this.near.maxLatencyMs ? Math.max(0, 1 - rtt / Math.max(this.near.maxLatencyMs, 1)) : 1 / (1 + rtt / 20);
  }

  private bonusAt(pair: number, provider: string, region: string, spot: boolean): number {
    const slot = pair * 2 + (spot ? 1 : 0);
    const cached = this.bonus[slot]!;
    if (!Number.isNaN(cached)) return cached;
    let sum = 0;
    for (const b of this.bonusesOf(provider, region, spot)) sum += b.weight;
    this.bonus[slot] = sum;
    return sum;
  }

  private bonusesOf(provider: string, region: string, spot: boolean): readonly PolicyBonus[] {
    if (this.prefers.length === 0) return NO_BONUSES;
    const out: PolicyBonus[] = [];
    const identity = { provider, providerKind: this.sources.kindOf(provider), spot };
    for (const p of this.prefers) {
      const a = p.action as Extract<Policy['action'], { type: 'prefer' }>;
      const byProvider = a.providers ? a.providers.some((t) => targetMatches(t, identity)) : true;
      const byRegion = a.regions ? a.regions.includes(region) : true;
      if (byProvider && byRegion && (a.providers || a.regions)) out.push({ policy: p.name, weight: a.weight ?? DEFAULT_PREFER_WEIGHT });
    }
    return out;
  }

  /** The candidate's score; nothing is allocated beyond the result record. */
  score(c: RawCandidate, pair: number): ScoredCandidate {
    const w = this.weights;
    this.pairTerms(pair, c.provider, c.offer.region);
    const cost = this.costScore(c.price);
    const performance = w.performance > 0 ? this.sources.performanceOf(c.position, c.offer, c.spot) : 0;
    const carbon = w.carbon > 0 ? carbonScore(this.sources.carbonOf(c.position)) : 0;
    const weighted =
      (w.cost * cost + w.performance * performance + w.compliance * this.compliance[pair]! + w.location * this.location[pair]! + w.carbon * carbon) / this.totalWeight;
    const total = weighted + (this.prefers.length > 0 ? this.bonusAt(pair, c.provider, c.offer.region, c.spot) : 0);
    return new ScoredCandidate(c, pair, Math.round(total * 1e9) / 1e9); // rounding keeps float noise out of the tie-break
  }

  /** The full candidate, components and all. */
  materialize(s: ScoredCandidate): PlacementCandidate {
    const c = s.raw;
    const provider = c.provider;
    const rtt = this.rtt[s.pair]!;
    const carbon = this.sources.carbonOf(c.position);
    return {
      provider,
      providerKind: this.sources.kindOf(provider),
      region: c.offer.region,
      zone: c.zone,
      instanceType: c.offer.instanceType,
      offer: c.offer,
      spot: c.spot,
      spotReason: c.spot ? this.spotProviders.get(provider) : undefined,
      hourlyPrice: c.price,
      latencyMs: Number.isNaN(rtt) ? undefined : rtt,
      carbonGramsPerHour: carbon,
      components: {
        cost: this.costScore(c.price),
        performance: this.sources.performanceOf(c.position, c.offer, c.spot),
        compliance: this.compliance[s.pair]!,
        location: this.location[s.pair]!,
        carbon: carbonScore(carbon),
      },
      bonuses: this.bonusesOf(c.provider, c.offer.region, c.spot),
      score: s.score,
    };
  }
}
