/**
 * The CostOptimizer: "where is this VM cheapest, given what it needs", answered from a versioned
 * price catalog through the columnar offer index, with spot risk, reserved terms, carbon and
 * usage forecasts.
 */
import { InvalidSpecError } from '../provider/errors.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { toCores, toGiB } from '../provider/quantity.js';
import { HOURS_PER_MONTH, type Architecture, type GpuSpec, type InterruptionBucket, type Offer, type ProviderKind, type VM } from '../provider/types.js';
import { carbonGramsPerHour, type CarbonOptions } from './carbon.js';
import { Catalog, type CatalogStore, type CatalogSnapshot, type OfferLoader } from './catalog.js';
import { backtestError, forecastHourly, type ForecastModel } from './forecast.js';
import type { PriceAdjustments } from './loaders/adjustments.js';
import { bundledSnapshotLoader } from './loaders/provider-offers.js';
import { priceOf, type OfferQuery, type PriceBasis } from './offer-query.js';
import { spotRiskFactors, type SpotRiskFactors, type SpotRiskOptions } from './spot-risk.js';

/** One hour of a VM's recorded usage. */
export interface UsageSample {
  /** Start of the hour, as epoch milliseconds or ISO 8601. */
  readonly at: number | string;
  /** Instance-hours used in that hour: 0–1 for one VM (fraction of the hour it ran), more for a scaled group. */
  readonly instanceHours: number;
}

/** Where a VM's usage history comes from (a metrics store, billing export, the state store). */
export type UsageHistorySource = (vm: VM, options: CallOptions) => Promise<readonly UsageSample[]>;

/** Options of {@link CostOptimizer}. */
export interface CostOptimizerOptions {
  /** A ready catalog (then `loaders`, `adjustments`, `ttlMs`, `store` are ignored). */
  readonly catalog?: Catalog | undefined;
  /** Price loaders (default: the bundled dated snapshot of AWS, Azure and GCP list prices). */
  readonly loaders?: readonly OfferLoader[] | undefined;
  /** Enterprise discounts and price overrides. */
  readonly adjustments?: PriceAdjustments | undefined;
  /** Catalog refresh age in milliseconds (default 6 h). */
  readonly ttlMs?: number | undefined;
  /** State store the catalog persists in. */
  readonly store?: CatalogStore | undefined;
  /** How spot interruptions are priced (see `expectedSpotHourly`). */
  readonly spotRisk?: SpotRiskOptions | undefined;
  /** Carbon estimation options. */
  readonly carbon?: CarbonOptions | undefined;
  /** Usage history of VMs, for `predictCost`. */
  readonly usageHistory?: UsageHistorySource | undefined;
  /** Clock in milliseconds since the epoch (default `Date.now`); handed to the catalog it builds. */
  readonly clock?: (() => number) | undefined;
}

/**
 * What recommendations are ranked by.
 * - `onDemand`, `spot`, `reserved1y`, `reserved3y`: that price per hour;
 * - `spotRiskAdjusted`: the expected spot cost including interruptions (see `spot-risk.ts`);
 * - `carbon`: grams CO2e per hour (ties: on-demand price);
 * - `priceWithCarbon`: on-demand price plus emissions valued at `carbonPricePerTonne`.
 */
export type RankBy = PriceBasis | 'spotRiskAdjusted' | 'carbon' | 'priceWithCarbon';

/** What a VM needs, for {@link CostOptimizer.recommendInstanceType}. */
export interface InstanceRequirements {
  /** vCPUs (number or quantity such as `"4"`, `"500m"`). */
  readonly cpu: number | string;
  /** Memory: GiB or a quantity (`8Gi`, `512Mi`). */
  readonly memory: number | string;
  /** GPUs. */
  readonly gpu?: GpuSpec | undefined;
  /** Only these clouds. */
  readonly providers?: readonly ProviderKind[] | undefined;
  /** Only these regions. */
  readonly regions?: readonly string[] | undefined;
  /** Only this CPU architecture. */
  readonly arch?: Architecture | undefined;
  /** Only spot offers; ranks by `spotRiskAdjusted` unless `rankBy` says otherwise. */
  readonly spot?: boolean | undefined;
  /** Ranking (default `onDemand`, or `spotRiskAdjusted` with `spot: true`). */
  readonly rankBy?: RankBy | undefined;
  /** Highest acceptable price per hour on the ranking's price basis. */
  readonly maxHourly?: number | undefined;
  /** Number of recommendations (default 10). */
  readonly limit?: number | undefined;
  /** Internal carbon price per tonne CO2e, for `priceWithCarbon` (default 100). */
  readonly carbonPricePerTonne?: number | undefined;
}

/** The spot side of a recommendation. */
export interface SpotOption {
  /** Spot price per hour. */
  readonly hourly: number;
  /** On-demand minus spot, per hour. */
  readonly savings: number;
  /** Savings as a percentage of on-demand. */
  readonly savingsPercent: number;
  /** Interruption bucket, when published. */
  readonly interruption: InterruptionBucket | undefined;
  /** Expected cost per useful hour, interruptions included. */
  readonly expectedHourly: number;
  /** Expected interruptions per hour. */
  readonly interruptionsPerHour: number;
}

/** A reserved / committed-use option of a recommendation. */
export interface ReservedOption {
  /** Commitment term. */
  readonly term: '1y' | '3y';
  /** Effective price per hour, upfront fees amortized. */
  readonly hourly: number;
  /** On-demand minus effective price, per hour. */
  readonly savings: number;
  /** Savings as a percentage of on-demand. */
  readonly savingsPercent: number;
}

/** One recommended offer with its prices. */
export interface Recommendation {
  /** 1 for the best. */
  readonly rank: number;
  /** The figure it was ranked by. */
  readonly score: number;
  /** The ranking used. */
  readonly rankedBy: RankBy;
  /** Cloud. */
  readonly provider: ProviderKind;
  /** Region. */
  readonly region: string;
  /** Zone, for zone-priced offers. */
  readonly zone: string | undefined;
  /** Instance type. */
  readonly instanceType: string;
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** GPUs, when any. */
  readonly gpu: Offer['gpu'];
  /** On-demand price per hour. */
  readonly onDemandHourly: number;
  /** On-demand price per month (730 h). */
  readonly onDemandMonthly: number;
  /** Spot option, when spot is sold. */
  readonly spot: SpotOption | undefined;
  /** Reserved options sold for this offer. */
  readonly reserved: readonly ReservedOption[];
  /** Estimated grams CO2e per hour. */
  readonly carbonGramsPerHour: number;
  /** Currency of every price. */
  readonly currency: string;
  /** Where the prices came from. */
  readonly source: string;
  /** When they were true. */
  readonly asOf: string;
  /** The offer itself. */
  readonly offer: Offer;
}

/** Options of {@link CostOptimizer.predictCost}. */
export interface PredictCostOptions extends CallOptions {
  /** Usage history to use instead of the optimizer's `usageHistory` source. */
  readonly history?: readonly UsageSample[] | undefined;
  /** Only these clouds. */
  readonly providers?: readonly ProviderKind[] | undefined;
  /** Interval coverage (default 0.95). */
  readonly level?: number | undefined;
}

/** Forecast cost of a VM on one cloud. */
export interface ProviderCostForecast {
  /** Cloud. */
  readonly provider: ProviderKind;
  /** Offer priced (the cheapest that fits the VM on that cloud). */
  readonly instanceType: string;
  /** Region of that offer. */
  readonly region: string;
  /** Hourly rate used. */
  readonly hourly: number;
  /** Expected cost over the duration. */
  readonly point: number;
  /** Lower bound of the interval. */
  readonly lower: number;
  /** Upper bound of the interval. */
  readonly upper: number;
  /** Where the rate came from. */
  readonly source: string;
  /** When it was true. */
  readonly asOf: string;
}

/** An amount with its prediction interval. */
export interface CostInterval {
  /** Expected value. */
  readonly point: number;
  /** Lower bound of the interval. */
  readonly lower: number;
  /** Upper bound of the interval. */
  readonly upper: number;
}

/** The forecast cost at the VM's current price. */
export interface CurrentCost extends CostInterval {
  /** The VM's current price per hour. */
  readonly hourly: number;
}

/** A cost forecast for a VM. */
export interface CostPrediction {
  /** Hours forecast. */
  readonly durationHours: number;
  /** Forecast usage in instance-hours over the duration, with its interval. */
  readonly usage: CostInterval;
  /** Usage model used (`assumed-always-on` without history). */
  readonly model: ForecastModel | 'assumed-always-on';
  /** Cost on the cheapest cloud: point and interval. */
  readonly point: number;
  /** Lower bound (cheapest cloud). */
  readonly lower: number;
  /** Upper bound (cheapest cloud). */
  readonly upper: number;
  /** Interval coverage. */
  readonly level: number;
  /**
   * 1 − the weighted absolute percentage error of the same model forecasting the last day of
   * the history from the days before it (0 without enough history to test).
   */
  readonly confidence: number;
  /** The cloud where the VM would cost least. */
  readonly cheapestProvider: ProviderKind | undefined;
  /** Cost at the VM's current price, when the VM reports one. */
  readonly current: CurrentCost | undefined;
  /** Per-cloud forecasts, cheapest first. */
  readonly providers: readonly ProviderCostForecast[];
  /** Currency. */
  readonly currency: string;
}

/**
 * Cost optimization over a price catalog.
 *
 * @example
 * ```ts
 * const optimizer = new CostOptimizer();
 * const [best] = await optimizer.recommendInstanceType({ cpu: 4, memory: '16Gi', providers: ['aws', 'gcp'] });
 * console.log(best.provider, best.instanceType, best.onDemandHourly, best.spot?.expectedHourly);
 * ```
 */
export class CostOptimizer {
  /** The catalog the optimizer reads. */
  readonly catalog: Catalog;
  private readonly spotRisk: SpotRiskOptions;
  private readonly carbon: CarbonOptions;
  private readonly usageHistory: UsageHistorySource | undefined;
  private buffer = new Uint32Array(256);
  /** Spot risk factors per bucket: fixed for the optimizer's options, so computed once. */
  private readonly riskFactors = new Map<InterruptionBucket | undefined, SpotRiskFactors>();
  /** Carbon per offer position of the current catalog version (NaN: not computed yet). */
  private carbonCache: { version: number; grams: Float64Array } | undefined;

  /** Creates an optimizer; the catalog loads on first use. */
  constructor(options: CostOptimizerOptions = {}) {
    this.catalog =
      options.catalog ??
      new Catalog({
        loaders: options.loaders ?? [bundledSnapshotLoader()],
        adjustments: options.adjustments,
        ttlMs: options.ttlMs,
        store: options.store,
        clock: options.clock,
      });
    this.spotRisk = options.spotRisk ?? {};
    this.carbon = options.carbon ?? {};
    this.usageHistory = options.usageHistory;
    // Computing every bucket now also fails on bad risk options before the first decision.
    for (const b of [undefined, '<5%', '5-10%', '10-15%', '15-20%', '>20%'] as const) this.riskFactors.set(b, spotRiskFactors(b, this.spotRisk));
  }

  /** The catalog as it stands: every offer, or those answering `query` (cheapest first). */
  async offers(query?: OfferQuery, options: CallOptions = {}): Promise<readonly Offer[]> {
    const snapshot = await this.catalog.current(options);
    if (query === undefined) return snapshot.offers;
    const index = snapshot.index();
    const out = this.scratch(index.size);
    const n = index.query(query, out);
    const result: Offer[] = new Array<Offer>(n);
    for (let i = 0; i < n; i++) result[i] = index.offer(out[i]!);
    return result;
  }

  /**
   * Recommendations across providers for what a VM needs, ranked by on-demand price unless
   * `rankBy` (or `spot: true`) says otherwise, each with its spot and reserved options.
   */
  async recommendInstanceType(requirements: InstanceRequirements, options: CallOptions = {}): Promise<Recommendation[]> {
    const req = normalizeRequirements(requirements);
    const snapshot = await this.catalog.current(options);
    const positions = this.rankedPositions(snapshot, req);
    const result: Recommendation[] = new Array<Recommendation>(positions.length);
    for (let i = 0; i < positions.length; i++) result[i] = this.recommendation(snapshot, positions[i]!.position, i + 1, positions[i]!.score, req.rankBy);
    return result;
  }

  /**
   * Forecasts what a VM will cost over `durationHours`: its hourly usage is forecast from its
   * history (Holt-Winters with daily and weekly seasons when there is enough), then priced at
   * the cheapest fitting offer of each cloud. Without history the VM is assumed always on.
   */
  async predictCost(vm: VM, durationHours: number, options: PredictCostOptions = {}): Promise<CostPrediction> {
    if (!(durationHours > 0)) throw new InvalidSpecError({ issues: [{ field: 'durationHours', message: 'must be a positive number of hours' }] });
    const level = options.level ?? 0.95;
    const history = options.history ?? (this.usageHistory ? await this.usageHistory(vm, { signal: options.signal }) : []);
    const series = hourlySeries(history);
    const horizon = Math.ceil(durationHours);
    let usage = { point: durationHours, lower: durationHours, upper: durationHours };
    let model: CostPrediction['model'] = 'assumed-always-on';
    let confidence = 0;
    if (series.length > 0) {
      const f = forecastHourly(series, { horizon, level, floor: 0 });
      const scale = durationHours / horizon; // a fractional last hour counts in proportion
      usage = { point: f.total.point * scale, lower: f.total.lower * scale, upper: f.total.upper * scale };
      model = f.model;
      const err = backtestError(series);
      confidence = err === undefined ? 0 : Math.max(0, 1 - err);
    }

    const snapshot = await this.catalog.current(options);
    const shape = vmShape(vm, snapshot.offers);
    const providers = options.providers ?? [...new Set(snapshot.offers.map((o) => o.provider))];
    const basis: PriceBasis = vm.spot ? 'spot' : 'onDemand';
    const index = snapshot.index();
    const out = this.scratch(1);
    const forecasts: ProviderCostForecast[] = [];
    for (const provider of providers) {
      const q: OfferQuery = { minVcpus: shape.vcpus, minMemoryGiB: shape.memoryGiB, gpu: shape.gpu, providers: [provider], basis };
      if (index.query(q, out, 1) === 0) continue;
      const offer = index.offer(out[0]!);
      const hourly = priceOf(offer, basis)!;
      forecasts.push({
        provider,
        instanceType: offer.instanceType,
        region: offer.region,
        hourly,
        point: usage.point * hourly,
        lower: usage.lower * hourly,
        upper: usage.upper * hourly,
        source: offer.source,
        asOf: offer.asOf,
      });
    }
    forecasts.sort((a, b) => a.point - b.point || (a.provider < b.provider ? -1 : 1));
    const best = forecasts[0];
    const currentRate = vm.hourlyPrice?.amount;
    return {
      durationHours,
      usage,
      model,
      point: best?.point ?? 0,
      lower: best?.lower ?? 0,
      upper: best?.upper ?? 0,
      level,
      confidence,
      cheapestProvider: best?.provider,
      current:
        currentRate === undefined
          ? undefined
          : { point: usage.point * currentRate, lower: usage.lower * currentRate, upper: usage.upper * currentRate, hourly: currentRate },
      providers: forecasts,
      currency: vm.hourlyPrice?.currency ?? snapshot.offers[0]?.currency ?? 'USD',
    };
  }

  /** A reusable result buffer of at least `size` entries. */
  private scratch(size: number): Uint32Array {
    if (this.buffer.length < size) this.buffer = new Uint32Array(Math.max(size, this.buffer.length * 2));
    return this.buffer;
  }

  private rankedPositions(snapshot: CatalogSnapshot, req: NormalizedRequirements): RankedPosition[] {
    const index = snapshot.index();
    const base: OfferQuery = {
      minVcpus: req.cpu,
      minMemoryGiB: req.memoryGiB,
      gpu: req.gpu,
      providers: req.providers,
      regions: req.regions,
      arch: req.arch,
    };
    switch (req.rankBy) {
      case 'onDemand':
      case 'spot':
      case 'reserved1y':
      case 'reserved3y': {
        const basis = req.rankBy;
        // `spot: true` keeps only offers sold as spot, even when ranked on another price.
        if (req.spot && basis !== 'spot') return this.spotOnlyByBasis(snapshot, base, basis, req);
        const out = this.scratch(req.limit);
        const n = index.query({ ...base, basis, maxHourly: req.maxHourly }, out, req.limit);
        const result: RankedPosition[] = [];
        for (let i = 0; i < n; i++) result.push({ position: out[i]!, score: priceOf(index.offer(out[i]!), basis)! });
        return result;
      }
      case 'spotRiskAdjusted':
        return this.bySpotRisk(snapshot, base, req);
      case 'carbon':
      case 'priceWithCarbon':
        return this.byCarbon(snapshot, base, req);
    }
  }

  /** Ranked on a non-spot price but restricted to offers that also sell spot: filter as we go. */
  private spotOnlyByBasis(snapshot: CatalogSnapshot, base: OfferQuery, basis: PriceBasis, req: NormalizedRequirements): RankedPosition[] {
    const index = snapshot.index();
    const out = this.scratch(index.size);
    const n = index.query({ ...base, basis, maxHourly: req.maxHourly }, out);
    const result: RankedPosition[] = [];
    for (let i = 0; i < n && result.length < req.limit; i++) {
      const offer = index.offer(out[i]!);
      if (priceOf(offer, 'spot') !== undefined) result.push({ position: out[i]!, score: priceOf(offer, basis)! });
    }
    return result;
  }

  /**
   * Exact top-k by expected spot cost. Offers arrive cheapest raw spot price first; expected
   * cost = spot × m(bucket) + a(bucket) with m ≥ m_min and a ≥ a_min over all buckets, so once
   * spot × m_min + a_min reaches the k-th best expected cost found, no later offer can enter.
   */
  private bySpotRisk(snapshot: CatalogSnapshot, base: OfferQuery, req: NormalizedRequirements): RankedPosition[] {
    const index = snapshot.index();
    let minMultiplier = Infinity;
    let minPerHour = Infinity;
    for (const f of this.riskFactors.values()) {
      minMultiplier = Math.min(minMultiplier, f.multiplier);
      minPerHour = Math.min(minPerHour, f.perHour);
    }
    const top = new TopK(req.limit);
    let batch = req.limit * 2 + 16;
    for (;;) {
      const out = this.scratch(batch);
      const n = index.query({ ...base, basis: 'spot' }, out, batch);
      top.clear();
      for (let i = 0; i < n; i++) {
        const offer = index.offer(out[i]!);
        const f = this.riskFactors.get(offer.spotInterruption)!;
        const expected = offer.spotHourly! * f.multiplier + f.perHour;
        if (req.maxHourly !== undefined && expected > req.maxHourly) continue;
        top.offer(out[i]!, expected);
      }
      const exhausted = n < batch;
      const lastRaw = n > 0 ? index.offer(out[n - 1]!).spotHourly! : 0;
      // An offer not yet seen costs at least lastRaw × m_min + a_min; on a tie with the k-th it
      // loses anyway, being later in the index order.
      if (exhausted || lastRaw * minMultiplier + minPerHour >= top.kthScore()) return top.result();
      batch *= 4;
    }
  }

  /** Ranks every fitting offer by carbon (or price with carbon valued at a tonne price). */
  private byCarbon(snapshot: CatalogSnapshot, base: OfferQuery, req: NormalizedRequirements): RankedPosition[] {
    const index = snapshot.index();
    const out = this.scratch(index.size);
    const n = index.query({ ...base, basis: 'onDemand', maxHourly: req.rankBy === 'carbon' ? req.maxHourly : undefined }, out);
    const top = new TopK(req.limit);
    for (let i = 0; i < n; i++) {
      const position = out[i]!;
      if (req.spot && priceOf(index.offer(position), 'spot') === undefined) continue;
      const grams = this.carbonOf(snapshot, position);
      const score = req.rankBy === 'carbon' ? grams : index.offer(position).onDemandHourly + (grams / 1e6) * req.carbonPricePerTonne;
      if (req.rankBy === 'priceWithCarbon' && req.maxHourly !== undefined && score > req.maxHourly) continue;
      top.offer(position, score); // ties keep the index order: cheapest first
    }
    return top.result();
  }

  /** Grams CO2e per hour of the offer at `position`, computed once per catalog version. */
  private carbonOf(snapshot: CatalogSnapshot, position: number): number {
    if (this.carbonCache?.version !== snapshot.version) {
      this.carbonCache = { version: snapshot.version, grams: new Float64Array(snapshot.offers.length).fill(Number.NaN) };
    }
    const grams = this.carbonCache.grams;
    let g = grams[position]!;
    if (Number.isNaN(g)) g = grams[position] = carbonGramsPerHour(snapshot.offers[position]!, this.carbon).gramsPerHour;
    return g;
  }

  private recommendation(snapshot: CatalogSnapshot, position: number, rank: number, score: number, rankedBy: RankBy): Recommendation {
    const offer = snapshot.offers[position]!;
    const od = offer.onDemandHourly;
    let spot: SpotOption | undefined;
    const spotPrice = priceOf(offer, 'spot');
    if (spotPrice !== undefined) {
      const f = this.riskFactors.get(offer.spotInterruption)!;
      spot = {
        hourly: spotPrice,
        savings: od - spotPrice,
        savingsPercent: percentOf(od - spotPrice, od),
        interruption: offer.spotInterruption,
        expectedHourly: spotPrice * f.multiplier + f.perHour,
        interruptionsPerHour: f.ratePerHour,
      };
    }
    const reserved: ReservedOption[] = [];
    for (const [term, basis] of [['1y', 'reserved1y'], ['3y', 'reserved3y']] as const) {
      const p = priceOf(offer, basis);
      if (p !== undefined) reserved.push({ term, hourly: p, savings: od - p, savingsPercent: percentOf(od - p, od) });
    }
    return {
      rank,
      score,
      rankedBy,
      provider: offer.provider,
      region: offer.region,
      zone: offer.zone,
      instanceType: offer.instanceType,
      vcpus: offer.vcpus,
      memoryGiB: offer.memoryGiB,
      gpu: offer.gpu,
      onDemandHourly: od,
      onDemandMonthly: od * HOURS_PER_MONTH,
      spot,
      reserved,
      carbonGramsPerHour: this.carbonOf(snapshot, position),
      currency: offer.currency,
      source: offer.source,
      asOf: offer.asOf,
      offer,
    };
  }
}

/** An offer's catalog position and the figure it was ranked by. */
interface RankedPosition {
  readonly position: number;
  readonly score: number;
}

/**
 * The k lowest scores seen, in typed arrays: candidates arrive in index order, and a candidate
 * goes after any kept one with an equal score, so ties keep the index order (cheapest first).
 */
class TopK {
  private readonly positions: Uint32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.positions = new Uint32Array(k);
    this.scores = new Float64Array(k);
  }

  clear(): void {
    this.size = 0;
  }

  offer(position: number, score: number): void {
    const { k, positions, scores } = this;
    if (this.size === k && !(score < scores[k - 1]!)) return;
    let at = this.size < k ? this.size++ : k - 1;
    while (at > 0 && scores[at - 1]! > score) {
      scores[at] = scores[at - 1]!;
      positions[at] = positions[at - 1]!;
      at--;
    }
    scores[at] = score;
    positions[at] = position;
  }

  /** The k-th lowest score, or Infinity while fewer than k are kept. */
  kthScore(): number {
    return this.size < this.k ? Infinity : this.scores[this.k - 1]!;
  }

  result(): RankedPosition[] {
    const out: RankedPosition[] = new Array<RankedPosition>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = { position: this.positions[i]!, score: this.scores[i]! };
    return out;
  }
}

/** `part` as a percentage of `whole`, to two decimals (0 when `whole` is 0). */
function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
}

interface NormalizedRequirements {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpu: { readonly count: number; readonly model?: string | undefined } | undefined;
  readonly providers: readonly ProviderKind[] | undefined;
  readonly regions: readonly string[] | undefined;
  readonly arch: Architecture | undefined;
  readonly spot: boolean;
  readonly rankBy: RankBy;
  readonly maxHourly: number | undefined;
  readonly limit: number;
  readonly carbonPricePerTonne: number;
}

function normalizeRequirements(r: InstanceRequirements): NormalizedRequirements {
  const issues: Array<{ field: string; message: string }> = [];
  const cpu = toCores(r.cpu);
  const memoryGiB = toGiB(r.memory);
  if (cpu === undefined || !(cpu > 0)) issues.push({ field: 'cpu', message: 'expected a positive number of vCPUs or a CPU quantity' });
  if (memoryGiB === undefined || !(memoryGiB >= 0)) issues.push({ field: 'memory', message: 'expected GiB or a memory quantity such as 8Gi' });
  if (r.gpu && !(Number.isInteger(r.gpu.count) && r.gpu.count >= 1)) issues.push({ field: 'gpu.count', message: 'expected a positive integer' });
  const limit = r.limit ?? 10;
  if (!(Number.isInteger(limit) && limit >= 1)) issues.push({ field: 'limit', message: 'expected a positive integer' });
  if (r.maxHourly !== undefined && !(r.maxHourly >= 0)) issues.push({ field: 'maxHourly', message: 'expected a non-negative price' });
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  return {
    cpu: cpu!,
    memoryGiB: memoryGiB!,
    gpu: r.gpu ? { count: r.gpu.count, model: r.gpu.type } : undefined,
    providers: r.providers,
    regions: r.regions,
    arch: r.arch,
    spot: r.spot ?? false,
    rankBy: r.rankBy ?? (r.spot ? 'spotRiskAdjusted' : 'onDemand'),
    maxHourly: r.maxHourly,
    limit,
    carbonPricePerTonne: r.carbonPricePerTonne ?? 100,
  };
}

/** Usage samples to an hourly series, oldest first; missing hours inside the span count as 0. */
export function hourlySeries(samples: readonly UsageSample[]): number[] {
  if (samples.length === 0) return [];
  const hours = new Map<number, number>();
  let first = Infinity;
  let last = -Infinity;
  for (const s of samples) {
    const t = typeof s.at === 'number' ? s.at : Date.parse(s.at);
    if (!Number.isFinite(t) || !Number.isFinite(s.instanceHours)) continue;
    const h = Math.floor(t / 3600_000);
    hours.set(h, (hours.get(h) ?? 0) + s.instanceHours);
    first = Math.min(first, h);
    last = Math.max(last, h);
  }
  if (!Number.isFinite(first)) return [];
  const series: number[] = [];
  for (let h = first; h <= last; h++) series.push(hours.get(h) ?? 0);
  return series;
}

/** The shape a VM needs: its own figures, else those of its instance type in the catalog. */
function vmShape(vm: VM, offers: readonly Offer[]): { vcpus: number; memoryGiB: number; gpu: { count: number; model: string } | undefined } {
  const same = offers.find((o) => o.provider === vm.providerKind && o.instanceType === vm.instanceType && o.region === vm.region) ?? offers.find((o) => o.provider === vm.providerKind && o.instanceType === vm.instanceType);
  const vcpus = vm.cpu ?? same?.vcpus;
  const memoryGiB = vm.memoryGiB ?? same?.memoryGiB;
  if (vcpus === undefined || memoryGiB === undefined) {
    throw new InvalidSpecError({ issues: [{ field: 'vm.cpu', message: `VM ${vm.id} reports no vCPUs/memory and its instance type ${vm.instanceType} is not in the catalog` }] });
  }
  const gpu = same?.gpu && same.gpu.count > 0 ? { count: same.gpu.count, model: same.gpu.model } : undefined;
  return { vcpus, memoryGiB, gpu };
}
