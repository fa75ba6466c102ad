/**
 * Placement: which provider, region, zone and instance type a VM should get, and why.
 *
 * Candidates are every registered provider × region × fitting offer from the offer index.
 * Hard rules (constraints, `restrict`/`require` policies, blocked zones) remove candidates,
 * each removal with its reason; the survivors are scored on normalized components (cost,
 * performance, compliance, location, carbon) weighted by the strategy, plus `prefer` bonuses,
 * and ranked with a deterministic tie-break. The fast path scores the index's cheapest K
 * fitting offers without building explanations; the explained path also reports the best
 * offer of every provider × region and the reason for every rejection.
 */
import { OfferIndex } from '../optimizer/offer-index.js';
import type { OfferQuery } from '../optimizer/offer-query.js';
import { instanceFamily } from '../provider/offer-selection.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import type { InterruptionBucket, Offer, ProviderCapabilities, ProviderKind, Region, VMSpec } from '../provider/types.js';
import { renderTable, type RejectionSummary } from './federation-errors.js';
import type { LatencyMatrix } from './latency-matrix.js';
import { conditionHolds, orderPolicies, targetMatches, type Policy, type PolicySubject } from './policy.js';
import {
  hasCapability,
  STRATEGY_WEIGHTS,
  type CostConstraint,
  type PlacementConstraint,
  type RegionNearConstraint,
  type PlacementRequest,
  type PlacementStrategy,
  type ScoreWeights,
  type SpotPolicy,
} from './placement-request.js';

/** Provider-wide defaults, as in the configuration's `providers[].config.defaults`. */
export interface ProviderDefaults {
  /** Instance families this provider may use (`t3`, `m5`, `Standard_D`); all when absent. */
  readonly instanceFamilies?: readonly string[] | undefined;
  /** Spot capacity may be chosen for VMs that do not forbid it. */
  readonly spotEnabled?: boolean | undefined;
}

/** A provider as placement sees it. */
export interface PlacementProvider {
  /** The provider. */
  readonly provider: ProviderV1;
  /** Its defaults. */
  readonly defaults: ProviderDefaults;
  /** Its regions, by name. */
  readonly regions: ReadonlyMap<string, Region>;
}

/** Score components of a candidate, each 0–1 (1 best). */
export interface ScoreComponents {
  /** Cheapest feasible price over this one's. */
  readonly cost: number;
  /** Headroom and uninterrupted-running chance. */
  readonly performance: number;
  /** Residency fit. */
  readonly compliance: number;
  /** Closeness to the `near` region. */
  readonly location: number;
  /** Cleanest feasible emissions over this one's. */
  readonly carbon: number;
}

/** Score a `prefer` policy added to a candidate. */
export interface PolicyBonus {
  /** Policy name. */
  readonly policy: string;
  /** Score added. */
  readonly weight: number;
}

/** A feasible placement with its score. */
export interface PlacementCandidate {
  /** Provider name. */
  readonly provider: string;
  /** Provider kind. */
  readonly providerKind: ProviderKind;
  /** Region. */
  readonly region: string;
  /** Zone to ask for, when one must be named (zone-priced offers, or zones blocked after failures). */
  readonly zone: string | undefined;
  /** Instance type. */
  readonly instanceType: string;
  /** The offer. */
  readonly offer: Offer;
  /** Runs on spot capacity. */
  readonly spot: boolean;
  /** Why spot was allowed, when it is spot. */
  readonly spotReason: string | undefined;
  /** Price per hour the score used. */
  readonly hourlyPrice: number;
  /** Round trip to the `near` region, when there is one. */
  readonly latencyMs: number | undefined;
  /** Grams CO2e per hour, when known. */
  readonly carbonGramsPerHour: number | undefined;
  /** Normalized components. */
  readonly components: ScoreComponents;
  /** `prefer` policies that added to the score. */
  readonly bonuses: readonly PolicyBonus[];
  /** Weighted score plus bonuses. */
  readonly score: number;
}

/** A candidate turned down. */
export interface RejectedCandidate extends RejectionSummary {
  /** Zone, when the rejection concerns one. */
  readonly zone?: string | undefined;
  /** Instance type, when the rejection concerns one offer. */
  readonly instanceType?: string | undefined;
  /** The rule: `constraint:provider`, `policy:data-residency`, `blocked`, `no-fit`, ... */
  readonly rule: string;
}

/** A policy and whether it applied to this VM. */
export interface AppliedPolicy {
  /** Policy name. */
  readonly name: string;
  /** The condition held. */
  readonly applied: boolean;
  /** Action kind. */
  readonly action: string;
}

/** The outcome of placement: the choice, the ranking, and every rejection (fields shared with refusals in {@link DecisionParts}). */
export interface PlacementDecision extends DecisionParts {
  /** The best candidate. */
  readonly chosen: PlacementCandidate;
  /** Every scored candidate, best first (`chosen` is the first). */
  readonly ranked: readonly PlacementCandidate[];
  /** Renders the decision as a table a person can read. */
  explain(): string;
}

/** Things to keep out of a decision (failed or blocked places). */
export interface PlacementExclusions {
  /** True when the provider is blocked. */
  provider(name: string): string | undefined;
  /** Reason the region is blocked, if it is. */
  region(provider: string, region: string): string | undefined;
  /** Reason the zone is blocked, if it is. */
  zone(provider: string, region: string, zone: string): string | undefined;
  /** `false` when no region or zone is excluded at all, so per-region checks can be skipped. */
  mayExcludeRegions?(): boolean;
}

/** Options of one decision. */
export interface DecideOptions {
  /** Build the full explanation (every provider × region accounted for). */
  readonly explain?: boolean | undefined;
  /** Failed or blocked places to avoid. */
  readonly exclusions?: PlacementExclusions | undefined;
  /** Restrict to these providers (used by group placement). */
  readonly onlyProviders?: readonly string[] | undefined;
}

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

const NO_EXCLUSIONS: PlacementExclusions = { provider: () => undefined, region: () => undefined, zone: () => undefined, mayExcludeRegions: () => false };

/** Offers already considered by one decision. */
interface SeenSet {
  has(key: number): boolean;
  add(key: number): void;
}

/** Options of {@link PlacementEngine}. */
export interface PlacementEngineOptions {
  /** Providers with their defaults and regions. */
  readonly providers: readonly PlacementProvider[];
  /** Offers of every provider; `offer.provider` must be the provider's name. */
  readonly offers: readonly Offer[];
  /** Federation policies. */
  readonly policies?: readonly Policy[] | undefined;
  /** Round-trip times. */
  readonly latency: LatencyMatrix;
  /** Grams CO2e per hour of an offer, for the carbon component. */
  readonly carbon?: ((offer: Offer) => number | undefined) | undefined;
  /** Offers taken from the index per round of the search (default 32). */
  readonly topK?: number | undefined;
  /**
   * Most offers taken from the index per price basis (default 512). The search is exact
   * whenever the offers that could still beat the best found fit in this many; past that it
   * keeps the best of those it scanned (the cheapest `maxScan` fitting offers).
   */
  readonly maxScan?: number | undefined;
  /** Most candidates kept in `ranked` on the fast path (default 32); the best are kept. */
  readonly rankLimit?: number | undefined;
  /** Providers whose catalog could not be loaded, with the reason (explained as rejections). */
  readonly unavailable?: ReadonlyMap<string, string> | undefined;
}

interface PairFilter {
  /** Ids of the allowed provider × region pairs (also marked in the engine's pair mask). */
  readonly allowedPairs: number[];
  readonly providerNames: string[];
  /** Regions to pass to the index; `undefined` when every region of the allowed providers is allowed. */
  readonly regionNames: string[] | undefined;
  readonly spotProviders: Map<string, string>; // provider → why spot is allowed
}

/** What the offer-level steps of one decision share. */
interface DecisionContext {
  readonly spec: VMSpec;
  readonly filter: PairFilter;
  readonly spotPolicy: SpotPolicy;
  readonly costMax: CostConstraint | undefined;
  readonly constraints: readonly PlacementConstraint[];
  readonly exclusions: PlacementExclusions;
  readonly scorer: Scorer;
  readonly seen: SeenSet;
}

/** Chooses placements. Build one per catalog version; `decide` is synchronous and fast. */
export class PlacementEngine {
  private readonly providers: ReadonlyMap<string, PlacementProvider>;
  private readonly index: OfferIndex;
  private readonly policies: readonly Policy[];
  private readonly latency: LatencyMatrix;
  private readonly carbon: ((offer: Offer) => number | undefined) | undefined;
  private readonly topK: number;
  private readonly maxScan: number;
  private readonly rankLimit: number;
  private readonly unavailable: ReadonlyMap<string, string>;
  private scratch: Uint32Array;
  /** Provider × region pairs, numbered; `pairOf[position]` is the pair of each indexed offer. */
  private readonly pairIds = new Map<string, number>();
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
  /** Whether the current decision has zone constraints or exclusions (else zones need no checks). */
  private zoneRules = true;
  /** Per-pair score terms, reused by every decision. */
  private readonly pairTerms: PairTermCache;

  /** Builds the engine and its offer index. */
  constructor(options: PlacementEngineOptions) {
    this.providers = new Map(options.providers.map((p) => [p.provider.name, p]));
    this.index = OfferIndex.build(options.offers);
    this.policies = orderPolicies(options.policies ?? []);
    this.latency = options.latency;
    this.carbon = options.carbon;
    this.topK = Math.max(1, options.topK ?? 32);
    this.maxScan = Math.max(this.topK, options.maxScan ?? 512);
    this.rankLimit = Math.max(1, options.rankLimit ?? 32);
    this.unavailable = options.unavailable ?? new Map();
    this.scratch = new Uint32Array(Math.max(this.topK * 4, 64));
    for (const [name, entry] of this.providers) {
      const list: { region: Region; pair: number }[] = [];
      for (const region of entry.regions.values()) {
        list.push({ region, pair: this.pairProvider.length });
        this.pairIds.set(`${name}|${region.name}`, this.pairProvider.length);
        this.pairProvider.push(name);
        this.pairRegion.push(region.name);
      }
      this.regionPairs.set(name, list);
    }
    this.seenStamps = new Uint32Array(this.index.size * 2);
    const pairs = this.pairProvider.length;
    this.pairTerms = { rtt: new Float64Array(pairs), compliance: new Float64Array(pairs), location: new Float64Array(pairs), bonus: new Float64Array(pairs * 2) };
    const none = 0xffffffff;
    this.pairOf = new Uint32Array(this.index.size);
    this.vcpusOf = new Float64Array(this.index.size);
    this.memoryOf = new Float64Array(this.index.size);
    for (let i = 0; i < this.index.size; i++) {
      const o = this.index.offer(i);
      this.pairOf[i] = this.pairIds.get(`${o.provider}|${o.region}`) ?? none;
      this.vcpusOf[i] = o.vcpus;
      this.memoryOf[i] = o.memoryGiB;
    }
    this.pairMask = new Uint8Array(this.pairProvider.length + 1);
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

  /** Number of offers indexed. */
  get offerCount(): number {
    return this.index.size;
  }

  /** Decides where `spec` goes. Throws nothing: an empty `ranked` means no feasible candidate. */
  decide(spec: VMSpec, request: PlacementRequest = {}, options: DecideOptions = {}): PlacementDecision | RefusedDecision {
    const strategy = request.strategy ?? 'balanced';
    const weights: ScoreWeights = { ...STRATEGY_WEIGHTS[strategy], ...request.weights };
    const spotPolicy: SpotPolicy = request.spot ?? (spec.spot ? 'require' : 'provider-default');
    const explain = options.explain === true;
    const exclusions = options.exclusions ?? NO_EXCLUSIONS;
    const constraints = withSpecConstraints(spec, request.constraints ?? []);
    this.zoneRules = exclusions.mayExcludeRegions?.() !== false || constraints.some((c) => c.type === 'zone');
    const near = constraints.find((c): c is RegionNearConstraint => c.type === 'region' && c.operator === 'near');

    const subject: PolicySubject = {
      labels: spec.labels,
      location: near?.value ?? spec.region,
      locationArea: this.latency.geoOf(near?.value ?? spec.region ?? '')?.area,
      cost: this.policies.some((p) => p.condition.type === 'cost') ? this.cheapestOnDemand(spec) : undefined,
    };
    const policies: AppliedPolicy[] = this.policies.map((p) => ({ name: p.name, applied: conditionHolds(p.condition, subject), action: p.action.type }));
    const active = this.policies.filter((_, i) => policies[i]!.applied);

    const rejected: RejectedCandidate[] = [];
    const filter = this.filterPairs(spec, constraints, active, spotPolicy, exclusions, options.onlyProviders, explain ? rejected : undefined);
    const costMax = constraints.find((c): c is CostConstraint => c.type === 'cost');

    const scorer = new Scorer(this, spec, weights, active, near, filter.spotProviders, this.pairTerms);
    const ctx: DecisionContext = { spec, filter, spotPolicy, costMax, constraints, exclusions, scorer, seen: this.newSeen() };
    const scored: ScoredRaw[] = [];
    if (filter.providerNames.length > 0) {
      const bases: BasisScan[] = [];
      if (spotPolicy !== 'require') bases.push(this.scan('onDemand', filter.providerNames));
      const spotNames = filter.providerNames.filter((n) => filter.spotProviders.has(n));
      if (spotPolicy !== 'forbid' && spotNames.length > 0) bases.push(this.scan('spot', spotNames));
      this.search(ctx, bases, scored);
    }
    if (explain) this.explainPairs(ctx, scored, rejected);
    scored.sort(compareScored);
    const keep = explain ? scored.length : Math.min(scored.length, this.rankLimit);
    const ranked: PlacementCandidate[] = [];
    for (let i = 0; i < keep; i++) ranked.push(scorer.materialize(scored[i]!));
    const result = {
      ranked,
      rejected,
      strategy,
      weights,
      spot: spotPolicy,
      policies,
      explained: explain,
    };
    if (ranked.length === 0) return new RefusedDecision(result);
    return new Decision({ ...result, chosen: ranked[0]! });
  }

  /** The cheapest fitting on-demand price anywhere, for `cost` policy conditions. */
  private cheapestOnDemand(spec: VMSpec): number | undefined {
    const n = this.index.query(baseQuery(spec, 'onDemand'), this.scratch, 1);
    return n > 0 ? this.index.offer(this.scratch[0]!).onDemandHourly : undefined;
  }

  /** Applies provider- and region-level rules, recording each rejection when asked. */
  private filterPairs(
    spec: VMSpec,
    constraints: readonly PlacementConstraint[],
    policies: readonly Policy[],
    spotPolicy: SpotPolicy,
    exclusions: PlacementExclusions,
    only: readonly string[] | undefined,
    rejected: RejectedCandidate[] | undefined,
  ): PairFilter {
    const allowedPairs: number[] = [];
    const providerNames: string[] = [];
    let regionRuled = false;
    // Region-level rules exist only with region constraints, region-scoped policies or exclusions.
    const regionRules =
      exclusions.mayExcludeRegions?.() !== false ||
      constraints.some((c) => c.type === 'region') ||
      policies.some((p) => (p.action.type === 'restrict' && (p.action.regions || p.action.countries || p.action.areas)) || (p.action.type === 'require' && p.action.regions));
    const spotProviders = new Map<string, string>();
    this.pairMask.fill(0);
    const reject = (provider: string, region: string | undefined, rule: string, reason: string): void => {
      rejected?.push({ provider, region, rule, reason });
    };
    for (const [name, reason] of this.unavailable) reject(name, undefined, 'catalog', reason);
    const preferSpot = policies.find((p) => p.action.type === 'prefer' && (p.action.providers ?? []).some((t) => t === 'spot-instances' || t === 'spot'));

    for (const [name, entry] of this.providers) {
      const p = entry.provider;
      const identity = { provider: name, providerKind: p.kind, spot: false };
      if (only && !only.includes(name)) {
        reject(name, undefined, 'group', 'not assigned to this replica');
        continue;
      }
      const blocked = exclusions.provider(name);
      if (blocked) {
        reject(name, undefined, 'blocked', blocked);
        continue;
      }
      const providerRule = providerRejection(identity, p.capabilities, constraints, policies, spec);
      if (providerRule) {
        reject(name, undefined, providerRule.rule, providerRule.reason);
        continue;
      }
      if (spotPolicy !== 'forbid' && p.capabilities.spot) {
        if (spotPolicy === 'require') spotProviders.set(name, 'the VM asks for spot');
        else if (entry.defaults.spotEnabled) spotProviders.set(name, `provider default spotEnabled on ${name}`);
        else if (preferSpot) spotProviders.set(name, `policy ${preferSpot.name} prefers spot-instances`);
      }
      if (spotPolicy === 'require' && !p.capabilities.spot) {
        reject(name, undefined, 'capability:spot', 'the VM asks for spot and this provider sells none');
        continue;
      }
      let anyRegion = false;
      for (const { region, pair } of this.regionPairs.get(name)!) {
        const regionRule = regionRules ? this.regionRejection(name, region, constraints, policies, exclusions) : undefined;
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

  private regionRejection(
    provider: string,
    region: Region,
    constraints: readonly PlacementConstraint[],
    policies: readonly Policy[],
    exclusions: PlacementExclusions,
  ): { rule: string; reason: string } | undefined {
    const blocked = exclusions.region(provider, region.name);
    if (blocked) return { rule: 'blocked', reason: blocked };
    const geo = region.geo ?? this.latency.geoOf(region.name);
    for (const c of constraints) {
      if (c.type !== 'region') continue;
      if (c.operator === 'in' && !c.values.includes(region.name)) return { rule: 'constraint:region', reason: `region ${region.name} is not in [${c.values.join(', ')}]` };
      if (c.operator === 'notIn' && c.values.includes(region.name)) return { rule: 'constraint:region', reason: `region ${region.name} is excluded` };
      if (c.operator === 'near' && c.maxLatencyMs !== undefined) {
        const rtt = this.latency.rtt(c.value, region.name);
        if (!rtt) return { rule: 'constraint:region-near', reason: `round trip from ${c.value} to ${region.name} is unknown` };
        if (rtt.rttMs > c.maxLatencyMs) {
          return { rule: 'constraint:region-near', reason: `${region.name} is ${rtt.rttMs} ms from ${c.value} (${rtt.source}), above ${c.maxLatencyMs} ms` };
        }
      }
    }
    for (const policy of policies) {
      const a = policy.action;
      if (a.type === 'restrict') {
        if (a.regions && !a.regions.includes(region.name)) return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts regions to [${a.regions.join(', ')}]` };
        if (a.countries && !(geo && a.countries.some((c) => c.toUpperCase() === geo.country.toUpperCase()))) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts countries to [${a.countries.join(', ')}]; ${region.name} is in ${geo?.country ?? 'an unknown country'}` };
        }
        if (a.areas && !(geo?.area && a.areas.includes(geo.area))) {
          return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts areas to [${a.areas.join(', ')}]; ${region.name} is in ${geo?.area ?? 'an unknown area'}` };
        }
      }
      if (a.type === 'require' && a.regions && !a.regions.includes(region.name)) {
        return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires one of [${a.regions.join(', ')}]` };
      }
    }
    return undefined;
  }

  private scan(basis: 'onDemand' | 'spot', providers: readonly string[]): BasisScan {
    return { basis, providers, k: 0, returned: 0, lastPrice: 0, exhausted: false, admitted: 0, positions: new Uint32Array(0) };
  }

  /**
   * Branch and bound over the offers in price order: every candidate scores at most
   * `scorer.bound(price)`, which falls as the price rises, so the scan of a price basis stops
   * once the next offer cannot beat the best score found. The result is the best-scored
   * feasible candidate, not merely the best of the cheapest K.
   */
  private search(ctx: DecisionContext, bases: BasisScan[], out: ScoredRaw[]): void {
    const { spec, filter, costMax, scorer, seen } = ctx;
    const pending: RawCandidate[] = [];
    const grow = (scan: BasisScan): void => {
      const k = scan.k === 0 ? this.topK : Math.min(scan.k * 4, Math.max(this.maxScan, this.topK));
      if (scan.positions.length < k) scan.positions = new Uint32Array(Math.min(k, Math.max(this.index.size, 1)));
      const query: OfferQuery = { ...baseQuery(spec, scan.basis), providers: scan.providers, regions: filter.regionNames, maxHourly: costMax?.value };
      const n = this.index.query(query, scan.positions, k);
      for (let i = scan.returned; i < n; i++) {
        const position = scan.positions[i]!;
        const key = scan.basis === 'spot' ? position + this.index.size : position;
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

  /** Offer-level rules: pair allowed, spot allowed, cost, zone, family, exact type. Returns the reason on refusal. */
  private admit(ctx: DecisionContext, position: number, spot: boolean): RawCandidate | string {
    const { spec, costMax } = ctx;
    const offer = this.index.offer(position);
    if (this.pairMask[this.pairOf[position]!] !== 1) return 'pair';
    const price = spot ? offer.spotHourly : offer.onDemandHourly;
    if (price === undefined) return 'price';
    if (costMax && overCost(price, costMax)) return `$${price}/h is not ${costMax.operator} $${costMax.value}/h`;
    if (spec.instanceType !== undefined && offer.instanceType !== spec.instanceType) return `instance type is not ${spec.instanceType}`;
    const entry = this.providers.get(offer.provider)!;
    const families = entry.defaults.instanceFamilies;
    if (families && families.length > 0 && !families.includes(instanceFamily(offer.instanceType))) return `family ${instanceFamily(offer.instanceType)} is outside [${families.join(', ')}]`;
    const zone = this.zoneFor(ctx, offer, entry);
    if (zone === null) return 'every zone is blocked or excluded';
    return { position, offer, spot, price, zone };
  }

  /** The zone to name: the offer's own, or the first allowed one when some zones are ruled out. */
  private zoneFor(ctx: DecisionContext, offer: Offer, entry: PlacementProvider): string | undefined | null {
    const { constraints, exclusions, spec } = ctx;
    if (offer.zone !== undefined && !this.zoneRules) return offer.zone;
    const allowed = (zone: string): boolean =>
      exclusions.zone(offer.provider, offer.region, zone) === undefined &&
      constraints.every((c) => c.type !== 'zone' || (c.operator === 'in' ? c.values.includes(zone) : !c.values.includes(zone)));
    if (offer.zone !== undefined) return allowed(offer.zone) ? offer.zone : null;
    if (spec.zone !== undefined) return allowed(spec.zone) ? spec.zone : null;
    if (!this.zoneRules) return undefined;
    const zones = entry.regions.get(offer.region)?.zones ?? [];
    if (zones.length === 0) return undefined;
    const free = zones.filter(allowed);
    if (free.length === zones.length) return undefined; // the provider may choose
    return free[0] ?? null;
  }

  /** On the explained path: account for every allowed provider × region, scoring its best offer or saying why none fits. */
  private explainPairs(ctx: DecisionContext, out: ScoredRaw[], rejected: RejectedCandidate[]): void {
    const { spec, filter, spotPolicy, costMax, scorer, seen } = ctx;
    const covered = new Set(out.map((c) => `${c.pair}|${c.raw.spot}`));
    const lists = this.pairLists();
    const probe = new Uint32Array(256);
    for (const pairId of filter.allowedPairs) {
      const provider = this.pairProvider[pairId]!;
      const region = this.pairRegion[pairId]!;
      const bases: ('onDemand' | 'spot')[] = [];
      if (spotPolicy !== 'require') bases.push('onDemand');
      if (spotPolicy !== 'forbid' && filter.spotProviders.has(provider)) bases.push('spot');
      if (bases.length === 0) bases.push('onDemand');
      for (const basis of bases) {
        const spot = basis === 'spot';
        if (covered.has(`${pairId}|${spot}`)) continue;
        // The pair's offers in price order: the first that fits and is admitted stands for the pair.
        // GPU requests ask the index, whose GPU partitions skip the many offers without that GPU.
        const list = spec.gpu
          ? probe.subarray(0, this.index.query({ ...baseQuery(spec, basis), providers: [provider], regions: [region] }, probe, probe.length))
          : (spot ? lists.spot : lists.onDemand)[pairId]!;
        let firstReason: string | undefined;
        let admitted = false;
        let fitted = false;
        for (let i = 0; i < list.length && !admitted; i++) {
          const position = list[i]!;
          // Cheap column checks first; the full rule (GPU model) only for offers big enough.
          if (this.vcpusOf[position]! < spec.cpu || this.memoryOf[position]! < spec.memoryGiB) continue;
          if (!fits(this.index.offer(position), spec)) continue;
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
          const key = spot ? position + this.index.size : position;
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

  private lists: { onDemand: Uint32Array[]; spot: Uint32Array[] } | undefined;

  /** Offers of each provider × region in price order, per basis; built on the first explained decision. */
  private pairLists(): { onDemand: Uint32Array[]; spot: Uint32Array[] } {
    if (this.lists) return this.lists;
    const build = (basis: 'onDemand' | 'spot'): Uint32Array[] => {
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

  private carbonCache: Float64Array | undefined;
}

/** Where one price basis's scan has got to. */
interface BasisScan {
  readonly basis: 'onDemand' | 'spot';
  readonly providers: readonly string[];
  k: number;
  returned: number;
  lastPrice: number;
  exhausted: boolean;
  admitted: number;
  positions: Uint32Array;
}

function priceOfBasis(offer: Offer, basis: 'onDemand' | 'spot'): number {
  return (basis === 'spot' ? offer.spotHourly : offer.onDemandHourly) ?? Infinity;
}

/**
 * Grams CO2e per hour at which the carbon component is 0.5: scores are absolute
 * (`G / (G + g)`), so adding candidates never changes another's score.
 */
export const CARBON_REFERENCE_GRAMS_PER_HOUR = 10;

/** Per-pair score terms of one decision. */
interface PairTermCache {
  readonly rtt: Float64Array;
  readonly compliance: Float64Array;
  readonly location: Float64Array;
  readonly bonus: Float64Array;
}

/** A candidate with its score, before it is turned into a {@link PlacementCandidate}. */
interface ScoredRaw {
  readonly raw: RawCandidate;
  readonly pair: number;
  readonly score: number;
}

function text(p: string, q: string): number {
  return p < q ? -1 : p > q ? 1 : 0;
}

function compareScored(a: ScoredRaw, b: ScoredRaw): number {
  if (a.score !== b.score) return b.score - a.score;
  const x = a.raw;
  const y = b.raw;
  if (x.price !== y.price) return x.price - y.price;
  return (
    text(x.offer.provider, y.offer.provider) ||
    text(x.offer.region, y.offer.region) ||
    text(x.zone ?? '', y.zone ?? '') ||
    text(x.offer.instanceType, y.offer.instanceType) ||
    Number(x.spot) - Number(y.spot)
  );
}

/**
 * Scores candidates of one decision. Every component but cost is absolute; cost is relative
 * to the cheapest feasible price. Per-pair terms (location, compliance) are computed once per
 * decision; full candidate objects are built only for the candidates kept.
 */
class Scorer {
  minPrice = Infinity;
  private readonly totalWeight: number;
  private readonly maxBonus: number;
  private readonly residency: string | undefined;
  private readonly prefers: readonly Policy[];
  private readonly rtt: Float64Array;
  private readonly compliance: Float64Array;
  private readonly location: Float64Array;
  private readonly bonus: Float64Array; // [pair * 2 + spot]

  constructor(
    private readonly engine: PlacementEngine,
    private readonly spec: VMSpec,
    private readonly weights: ScoreWeights,
    policies: readonly Policy[],
    private readonly near: RegionNearConstraint | undefined,
    private readonly spotProviders: ReadonlyMap<string, string>,
    cache: PairTermCache,
  ) {
    this.totalWeight = weights.cost + weights.performance + weights.compliance + weights.location + weights.carbon || 1;
    this.residency = spec.labels['data-residency'];
    this.prefers = policies.filter((p) => p.action.type === 'prefer');
    this.maxBonus = this.prefers.reduce((sum, p) => sum + ((p.action as { weight?: number }).weight ?? 0.1), 0);
    // The engine's arrays are reused: reset them for this decision.
    this.rtt = cache.rtt.fill(NaN);
    this.compliance = cache.compliance.fill(NaN);
    this.location = cache.location.fill(NaN);
    this.bonus = cache.bonus.fill(NaN);
  }

  /**
   * The highest score any candidate on `basis` priced at `price` or more can reach: the cost
   * term at that price plus the ceiling of every other term (performance is at most 1
   * on-demand and 0.85 × 0.975 on spot).
   */
  bound(price: number, basis: 'onDemand' | 'spot'): number {
    const w = this.weights;
    const cost = price <= 0 ? 1 : Math.min(1, this.minPrice / price);
    const performance = basis === 'spot' ? SPOT_STEADINESS * (1 - INTERRUPTION_RATE['<5%']) : 1;
    return (w.cost * cost + w.performance * performance + w.compliance + w.location + w.carbon) / this.totalWeight + this.maxBonus + 1e-9;
  }

  private pairTerms(pair: number, provider: string, region: string): void {
    if (!Number.isNaN(this.location[pair]!)) return;
    const rtt = this.near ? this.engine.rttOf(this.near.value, region) : undefined;
    this.rtt[pair] = rtt ?? NaN;
    this.compliance[pair] = complianceScore(this.residency, this.engine.geoOf(provider, region));
    this.location[pair] =
      this.near === undefined ? 1 : rtt === undefined ? 0 : this.near.maxLatencyMs ? Math.max(0, 1 - rtt / Math.max(this.near.maxLatencyMs, 1)) : 1 / (1 + rtt / 20);
  }

  private bonusOf(pair: number, c: RawCandidate): number {
    const slot = pair * 2 + (c.spot ? 1 : 0);
    const cached = this.bonus[slot]!;
    if (!Number.isNaN(cached)) return cached;
    let sum = 0;
    for (const b of this.bonusesOf(c)) sum += b.weight;
    this.bonus[slot] = sum;
    return sum;
  }

  private bonusesOf(c: RawCandidate): { policy: string; weight: number }[] {
    const out: { policy: string; weight: number }[] = [];
    if (this.prefers.length === 0) return out;
    const identity = { provider: c.offer.provider, providerKind: this.engine.kindOf(c.offer.provider), spot: c.spot };
    for (const p of this.prefers) {
      const a = p.action as Extract<Policy['action'], { type: 'prefer' }>;
      const byProvider = a.providers ? a.providers.some((t) => targetMatches(t, identity)) : true;
      const byRegion = a.regions ? a.regions.includes(c.offer.region) : true;
      if (byProvider && byRegion && (a.providers || a.regions)) out.push({ policy: p.name, weight: a.weight ?? 0.1 });
    }
    return out;
  }

  private carbonScore(grams: number | undefined): number {
    return grams === undefined ? 0 : CARBON_REFERENCE_GRAMS_PER_HOUR / (CARBON_REFERENCE_GRAMS_PER_HOUR + Math.max(0, grams));
  }

  /** The candidate's score; nothing is allocated beyond the result record. */
  score(c: RawCandidate, pair: number): ScoredRaw {
    const w = this.weights;
    this.pairTerms(pair, c.offer.provider, c.offer.region);
    const cost = c.price <= 0 ? 1 : Math.min(1, this.minPrice / c.price);
    const performance = w.performance > 0 ? performanceScore(c.offer, c.spot) : 0;
    const carbon = w.carbon > 0 ? this.carbonScore(this.engine.carbonOf(c.position)) : 0;
    const weighted =
      (w.cost * cost + w.performance * performance + w.compliance * this.compliance[pair]! + w.location * this.location[pair]! + w.carbon * carbon) / this.totalWeight;
    const total = weighted + (this.prefers.length > 0 ? this.bonusOf(pair, c) : 0);
    return { raw: c, pair, score: Math.round(total * 1e9) / 1e9 }; // rounding keeps float noise out of the tie-break
  }

  /** The full candidate, components and all. */
  materialize(s: ScoredRaw): PlacementCandidate {
    const c = s.raw;
    const provider = c.offer.provider;
    const rtt = this.rtt[s.pair]!;
    const carbon = this.engine.carbonOf(c.position);
    return {
      provider,
      providerKind: this.engine.kindOf(provider),
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
        cost: c.price <= 0 ? 1 : Math.min(1, this.minPrice / c.price),
        performance: performanceScore(c.offer, c.spot),
        compliance: this.compliance[s.pair]!,
        location: this.location[s.pair]!,
        carbon: this.carbonScore(carbon),
      },
      bonuses: this.bonusesOf(c),
      score: s.score,
    };
  }
}

interface RawCandidate {
  readonly position: number;
  readonly offer: Offer;
  readonly spot: boolean;
  readonly price: number;
  readonly zone: string | undefined;
}

/** Total order of candidates: score, then price, provider, region, zone, instance type, spot last. */
export function compareCandidates(a: PlacementCandidate, b: PlacementCandidate): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.hourlyPrice !== b.hourlyPrice) return a.hourlyPrice - b.hourlyPrice;
  return (
    text(a.provider, b.provider) ||
    text(a.region, b.region) ||
    text(a.zone ?? '', b.zone ?? '') ||
    text(a.instanceType, b.instanceType) ||
    Number(a.spot) - Number(b.spot)
  );
}

function baseQuery(spec: VMSpec, basis: 'onDemand' | 'spot'): OfferQuery {
  return {
    minVcpus: spec.cpu,
    minMemoryGiB: spec.memoryGiB,
    gpu: spec.gpu ? { count: spec.gpu.count, model: spec.gpu.type } : undefined,
    basis,
  };
}

/** A spec's own region and zone are hard constraints. */
function withSpecConstraints(spec: VMSpec, constraints: readonly PlacementConstraint[]): readonly PlacementConstraint[] {
  if (spec.region === undefined && spec.zone === undefined) return constraints;
  const extra: PlacementConstraint[] = [];
  if (spec.region !== undefined) extra.push({ type: 'region', operator: 'in', values: [spec.region] });
  if (spec.zone !== undefined) extra.push({ type: 'zone', operator: 'in', values: [spec.zone] });
  return [...constraints, ...extra];
}

function providerRejection(
  identity: { provider: string; providerKind: string; spot: boolean },
  capabilities: ProviderCapabilities,
  constraints: readonly PlacementConstraint[],
  policies: readonly Policy[],
  spec: VMSpec,
): { rule: string; reason: string } | undefined {
  const names = (t: string): boolean => t === identity.provider || t === identity.providerKind;
  for (const c of constraints) {
    if (c.type === 'provider') {
      const listed = c.values.some(names);
      if (c.operator === 'in' && !listed) return { rule: 'constraint:provider', reason: `provider ${identity.provider} (${identity.providerKind}) is not in [${c.values.join(', ')}]` };
      if (c.operator === 'notIn' && listed) return { rule: 'constraint:provider', reason: `provider ${identity.provider} (${identity.providerKind}) is excluded` };
    }
    if (c.type === 'capability') {
      const missing = c.values.filter((v) => !hasCapability(capabilities, v));
      if (missing.length > 0) return { rule: 'constraint:capability', reason: `provider ${identity.provider} lacks ${missing.join(', ')}` };
    }
  }
  if (spec.gpu && !capabilities.gpu) return { rule: 'capability:gpu', reason: `provider ${identity.provider} offers no GPUs` };
  for (const policy of policies) {
    const a = policy.action;
    if (a.type === 'restrict' && a.providers) {
      // Capacity types (spot-instances, on-demand) in a restrict list constrain offers, not providers.
      const providerTargets = a.providers.filter((t) => t !== 'spot-instances' && t !== 'spot' && t !== 'on-demand');
      if (providerTargets.length > 0 && !providerTargets.some(names)) {
        return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} restricts providers to [${a.providers.join(', ')}]` };
      }
    }
    if (a.type === 'require') {
      const missing = (a.capabilities ?? []).filter((v) => !hasCapability(capabilities, v));
      if (missing.length > 0) return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires ${missing.join(', ')}` };
      const providerTargets = (a.providers ?? []).filter((t) => t !== 'spot-instances' && t !== 'on-demand');
      if (providerTargets.length > 0 && !providerTargets.some(names)) {
        return { rule: `policy:${policy.name}`, reason: `policy ${policy.name} requires one of [${providerTargets.join(', ')}]` };
      }
    }
  }
  return undefined;
}

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

/** True when `price` breaks a cost constraint. */
function overCost(price: number, costMax: CostConstraint): boolean {
  return costMax.operator === '<' ? price >= costMax.value : price > costMax.value;
}

/** The index's fit rule, for one offer: enough vCPUs and memory, the GPUs asked for and no others. */
function fits(offer: Offer, spec: VMSpec): boolean {
  if (offer.vcpus < spec.cpu || offer.memoryGiB < spec.memoryGiB) return false;
  const gpu = offer.gpu && offer.gpu.count > 0 ? offer.gpu : undefined;
  if (!spec.gpu) return gpu === undefined;
  if (!gpu || gpu.count < spec.gpu.count) return false;
  return spec.gpu.type === undefined || gpu.model.toLowerCase() === spec.gpu.type.toLowerCase();
}

function describeNeed(spec: VMSpec): string {
  return `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${spec.gpu ? ` / ${spec.gpu.count}× ${spec.gpu.type ?? 'any'} GPU` : ''}`;
}

interface DecisionFields {
  readonly ranked: readonly PlacementCandidate[];
  readonly rejected: readonly RejectedCandidate[];
  readonly strategy: PlacementStrategy;
  readonly weights: ScoreWeights;
  readonly spot: SpotPolicy;
  readonly policies: readonly AppliedPolicy[];
  readonly explained: boolean;
}

function fmt(n: number | undefined, digits = 3): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

function renderDecision(parts: DecisionFields, limit: number): string {
  const w = parts.weights;
  const head = [
    `strategy ${parts.strategy} (cost ${w.cost}, performance ${w.performance}, compliance ${w.compliance}, location ${w.location}, carbon ${w.carbon}); spot: ${parts.spot}`,
    `policies: ${parts.policies.length === 0 ? 'none' : parts.policies.map((p) => `${p.name} (${p.action}${p.applied ? ', applied' : ', not applicable'})`).join('; ')}`,
  ];
  const shown = parts.ranked.slice(0, limit);
  const rows = shown.map((c, i) => [
    i === 0 ? '*1' : String(i + 1),
    c.provider,
    c.zone ? `${c.region}/${c.zone}` : c.region,
    `${c.instanceType}${c.spot ? ' (spot)' : ''}`,
    fmt(c.hourlyPrice, 4),
    c.latencyMs === undefined ? '-' : `${c.latencyMs}`,
    fmt(c.components.cost),
    fmt(c.components.performance),
    fmt(c.components.compliance),
    fmt(c.components.location),
    c.carbonGramsPerHour === undefined ? '-' : fmt(c.components.carbon),
    c.bonuses.length ? `+${c.bonuses.reduce((s, b) => s + b.weight, 0)}` : '',
    fmt(c.score, 4),
  ]);
  const table = shown.length
    ? renderTable(['rank', 'provider', 'region/zone', 'instance type', '$/h', 'rtt ms', 'cost', 'perf', 'compl', 'loc', 'carbon', 'bonus', 'score'], rows)
    : 'no feasible candidate';
  const more = parts.ranked.length > limit ? `\n(${parts.ranked.length - limit} more feasible candidates not shown)` : '';
  const rejectedRows = parts.rejected.map((r) => [r.provider, r.region ?? '*', r.rule, r.reason]);
  const rejectedTable = parts.rejected.length
    ? `\nrejected:\n${renderTable(['provider', 'region', 'rule', 'reason'], rejectedRows)}`
    : parts.explained
      ? '\nrejected: none'
      : '\n(rejections not explained on the fast path; decide with explain: true)';
  return `${head.join('\n')}\n${table}${more}${rejectedTable}`;
}

/** What every decision carries, feasible or not. */
export abstract class DecisionParts {
  /** Rejections (complete with `explain: true`; empty on the fast path). */
  readonly rejected: readonly RejectedCandidate[];
  /** Strategy used. */
  readonly strategy: PlacementStrategy;
  /** Weights used. */
  readonly weights: ScoreWeights;
  /** Spot policy used. */
  readonly spot: SpotPolicy;
  /** Policies considered, in priority order. */
  readonly policies: readonly AppliedPolicy[];
  /** Whether rejections were fully explained. */
  readonly explained: boolean;
  /** @internal */
  constructor(parts: DecisionParts) {
    this.rejected = parts.rejected;
    this.strategy = parts.strategy;
    this.weights = parts.weights;
    this.spot = parts.spot;
    this.policies = parts.policies;
    this.explained = parts.explained;
  }
}

class Decision extends DecisionParts implements PlacementDecision {
  readonly chosen: PlacementCandidate;
  readonly ranked: readonly PlacementCandidate[];
  constructor(parts: DecisionParts & { ranked: readonly PlacementCandidate[]; chosen: PlacementCandidate }) {
    super(parts);
    this.chosen = parts.chosen;
    this.ranked = parts.ranked;
  }
  explain(limit = 20): string {
    return renderDecision(this, limit);
  }
}

/** A decision with no feasible candidate: its rejections say why. */
export class RefusedDecision extends DecisionParts {
  /** Always empty. */
  readonly ranked: readonly PlacementCandidate[] = [];
  /** Renders the refusal as a table. */
  explain(): string {
    return renderDecision(this, 0);
  }
}
