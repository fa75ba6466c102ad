/**
 * The CostOptimizer: "where is this VM cheapest, given what it needs", answered from a versioned
 * price catalog through the columnar offer index, with spot risk, reserved terms, carbon and
 * usage forecasts.
 */
import type { BundledStoragePrices } from '../catalog/bundled-snapshot.js';
import { COST_ESTIMATE_DISPLAY } from '../provider/display.js';
import { InvalidSpecError } from '../provider/errors.js';
import { EventBus } from '../provider/events.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { toCores, toGiB } from '../provider/quantity.js';
import { parseVMSpec } from '../provider/spec-schema.js';
import {
  HOURS_PER_MONTH,
  type Architecture,
  type CostEstimate,
  type GpuSpec,
  type InterruptionBucket,
  type Offer,
  type ProviderKind,
  type VM,
  type VMSpec,
  type VMSpecInput,
} from '../provider/types.js';
import { carbonGramsPerHour, type CarbonOptions } from './carbon.js';
import { Catalog, type CatalogStore, type CatalogSnapshot, type OfferLoader } from './catalog.js';
import { backtestError, forecastHourly, type ForecastModel } from './forecast.js';
import type { PriceAdjustments } from './loaders/adjustments.js';
import { bundledSnapshotLoader } from './loaders/provider-offers.js';
import { priceOf, type OfferQuery, type PriceBasis } from './offer-query.js';
import { PriceAgeWatch, type PriceAge } from './price-age.js';
import { displayComparison, PREDICTION_DISPLAY, RECOMMENDATION_DISPLAY } from './result-display.js';
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
  /** Clock in milliseconds since the epoch (default `Date.now`); handed to the catalog it builds, and ages prices. */
  readonly clock?: (() => number) | undefined;
  /**
   * Oldest acceptable price age in days (default 90): results priced from older figures say so
   * in their `priceAge` / `priceWarnings`, and `price.stale` is published once per source and date.
   */
  readonly maxPriceAgeDays?: number | undefined;
  /** Where `price.stale` goes (default: a new bus, `optimizer.events`). */
  readonly events?: EventBus | undefined;
  /**
   * Block-storage and egress list prices per cloud, for `compare` (default: the bundled dated
   * snapshot's; a cloud without prices gets storage and egress at 0, said in the comparison's warnings).
   */
  readonly storagePrices?: ((provider: ProviderKind) => BundledStoragePrices | undefined) | undefined;
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

/** Where an offer is and what it is: the fields a recommendation and a comparison share. */
export interface OfferShape {
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
}

/** One recommended offer with its prices. */
export interface Recommendation extends OfferShape {
  /** 1 for the best. */
  readonly rank: number;
  /** The figure it was ranked by. */
  readonly score: number;
  /** The ranking used. */
  readonly rankedBy: RankBy;
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
  /** How old the prices are by the optimizer's clock, with the warning line when too old. */
  readonly priceAge: PriceAge;
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
  /** How old the rate is, with the warning line when too old. */
  readonly priceAge: PriceAge;
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
  /** One line per stale price source the forecast used (source, date and age); empty when all are recent. */
  readonly priceWarnings: readonly string[];
}

/** Options of {@link CostOptimizer.compare}. */
export interface CompareOptions extends CallOptions {
  /** One entry per provider and region instead of one per provider (default false). */
  readonly byRegion?: boolean | undefined;
  /** Only these clouds. */
  readonly providers?: readonly ProviderKind[] | undefined;
  /** Only these regions (the spec's `region`, when it names one, applies as well). */
  readonly regions?: readonly string[] | undefined;
}

/** The cheapest fitting offer of one cloud (or one region of it), fully priced. */
export interface ComparedOffer extends OfferShape {
  /** CPU architecture. */
  readonly arch: Architecture;
  /**
   * What running the spec there costs: compute (on-demand, or spot for a spot spec), boot disk
   * and egress per month, and the hourly total; `source`/`asOf` name the compute price and the
   * storage prices together (`asOf` is the older date).
   */
  readonly estimate: CostEstimate;
  /** On-demand price per hour of the instance. */
  readonly onDemandHourly: number;
  /** Spot option, when spot is sold. */
  readonly spot: SpotOption | undefined;
  /** 1- and 3-year reserved / committed-use effective hourly prices, where known. */
  readonly reserved: readonly ReservedOption[];
  /** Age of the compute price, with the warning line when too old. */
  readonly priceAge: PriceAge;
  /** Age of the storage and egress prices, when the cloud has any. */
  readonly storagePriceAge: PriceAge | undefined;
  /** The offer priced. */
  readonly offer: Offer;
}

/** What {@link CostOptimizer.compare} returns. */
export interface CostComparison {
  /** The spec as priced (normalized). */
  readonly spec: VMSpec;
  /** Cheapest fitting offer per cloud (or per cloud and region), cheapest monthly total first. */
  readonly entries: readonly ComparedOffer[];
  /** The cheapest entry, when any cloud fits. */
  readonly cheapest: ComparedOffer | undefined;
  /** Clouds asked about (or present in the catalog) with no fitting offer. */
  readonly unavailable: readonly ProviderKind[];
  /** One line per stale price source (source, date and age), and per cloud without storage prices. */
  readonly priceWarnings: readonly string[];
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
  /** Where `price.stale` warnings go. */
  readonly events: EventBus;
  private readonly priceAge: PriceAgeWatch;
  private readonly storagePrices: ((provider: ProviderKind) => BundledStoragePrices | undefined) | undefined;

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
    this.events = options.events ?? new EventBus();
    this.priceAge = new PriceAgeWatch({ component: 'cost-optimizer', maxAgeDays: options.maxPriceAgeDays, clock: options.clock ?? Date.now, events: this.events });
    this.storagePrices = options.storagePrices;
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
    for (let i = 0; i < positions.length; i++) result[i] = RECOMMENDATION_DISPLAY.attach(this.recommendation(snapshot, positions[i]!.position, i + 1, positions[i]!.score, req.rankBy));
    return result;
  }

  /**
   * Forecasts what a VM — or a VM not yet created, given as a spec — will cost over
   * `durationHours`: its hourly usage is forecast from its history (Holt-Winters with daily and
   * weekly seasons when there is enough), then priced at the cheapest fitting offer of each
   * cloud. Without history it is assumed always on; a spec has history only through
   * `options.history` (the `usageHistory` source is asked about VMs).
   *
   * A spec (`VMSpecInput` or `VMSpec`) is validated like a create request (`InvalidSpecError`
   * naming the field); its `cpu`, `memory`, `gpu`, `spot`, `region` and `instanceType` choose the
   * offers. Each per-cloud forecast carries its price age, and `priceWarnings` lists the stale ones.
   *
   * @example
   * ```ts
   * const p = await optimizer.predictCost({ name: 'api', cpu: 4, memory: '16Gi' }, 730);
   * console.log(p.cheapestProvider, p.point, p.priceWarnings);
   * ```
   */
  async predictCost(target: VM | VMSpecInput | VMSpec, durationHours: number, options: PredictCostOptions = {}): Promise<CostPrediction> {
    if (!(durationHours > 0)) throw new InvalidSpecError({ issues: [{ field: 'durationHours', message: 'must be a positive number of hours' }] });
    const vm = isVM(target) ? target : undefined;
    const spec = vm === undefined ? parseVMSpec(target as VMSpecInput | VMSpec) : undefined;
    const level = options.level ?? 0.95;
    const history = options.history ?? (vm && this.usageHistory ? await this.usageHistory(vm, { signal: options.signal }) : []);
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
    const shape: OfferQuery = vm ? vmQuery(vm, snapshot.offers) : specQuery(spec!);
    const providers = options.providers ?? [...new Set(snapshot.offers.map((o) => o.provider))];
    const basis: PriceBasis = (vm?.spot ?? spec!.spot) ? 'spot' : 'onDemand';
    const index = snapshot.index();
    const out = this.scratch(1);
    const forecasts: ProviderCostForecast[] = [];
    for (const provider of providers) {
      const q: OfferQuery = { ...shape, providers: [provider], basis };
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
        priceAge: this.priceAge.checkOffer(offer),
      });
    }
    forecasts.sort((a, b) => a.point - b.point || (a.provider < b.provider ? -1 : 1));
    const best = forecasts[0];
    const currentRate = vm?.hourlyPrice?.amount;
    return PREDICTION_DISPLAY.attach({
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
      currency: vm?.hourlyPrice?.currency ?? snapshot.offers[0]?.currency ?? 'USD',
      priceWarnings: distinctWarnings(forecasts.map((f) => f.priceAge)),
    });
  }

  /**
   * Prices one spec on every cloud in the catalog: per cloud (or per cloud and region with
   * `byRegion: true`) the cheapest offer that fits it, with its full monthly estimate (compute,
   * boot disk, egress), its spot and 1-/3-year reserved options where known, and the source and
   * age of every price. The spec (`VMSpecInput` or `VMSpec`) is validated like a create request;
   * its `cpu`, `memory`, `gpu`, `spot`, `region`, `instanceType`, `disk` and `egressGBPerMonth`
   * shape the answer. A spot spec is priced at spot rates, on offers that sell spot.
   *
   * @example
   * ```ts
   * const { entries, cheapest } = await optimizer.compare({ name: 'db', cpu: 8, memory: '32Gi', disk: 200 });
   * for (const e of entries) console.log(e.provider, e.region, e.instanceType, e.estimate.monthly, e.priceAge.ageDays);
   * ```
   */
  async compare(spec: VMSpecInput | VMSpec, options: CompareOptions = {}): Promise<CostComparison> {
    const parsed = parseVMSpec(spec);
    const snapshot = await this.catalog.current(options);
    const storageOf = this.storagePrices ?? (await defaultStoragePrices());
    const basis: PriceBasis = parsed.spot ? 'spot' : 'onDemand';
    const base = specQuery(parsed);
    const regions = parsed.region !== undefined ? [parsed.region] : options.regions;
    if (parsed.region !== undefined && options.regions?.length && !options.regions.includes(parsed.region)) {
      throw new InvalidSpecError({ issues: [{ field: 'region', message: `${parsed.region} is not among the regions asked for (${options.regions.join(', ')})` }] });
    }
    const providers = options.providers ?? [...new Set(snapshot.offers.map((o) => o.provider))];
    const index = snapshot.index();
    const entries: ComparedOffer[] = [];
    const unavailable: ProviderKind[] = [];
    const warnings: string[] = [];
    for (const provider of providers) {
      const out = this.scratch(options.byRegion ? index.size : 1);
      const n = index.query({ ...base, regions, providers: [provider], basis }, out, options.byRegion ? undefined : 1);
      if (n === 0) {
        unavailable.push(provider);
        continue;
      }
      const storage = storageOf(provider);
      if (storage === undefined) warnings.push(`no storage or egress prices for ${provider}: its estimates count compute only`);
      const seen = new Set<string>();
      // Answers arrive cheapest first, so the first per region is that region's cheapest.
      for (let i = 0; i < n; i++) {
        const offer = index.offer(out[i]!);
        if (seen.has(offer.region)) continue;
        seen.add(offer.region);
        entries.push(this.compared(offer, parsed, basis, storage));
      }
    }
    entries.sort((a, b) => a.estimate.monthly - b.estimate.monthly || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.region < b.region ? -1 : 1));
    const ages = entries.flatMap((e) => (e.storagePriceAge ? [e.priceAge, e.storagePriceAge] : [e.priceAge]));
    return displayComparison({ spec: parsed, entries, cheapest: entries[0], unavailable, priceWarnings: [...distinctWarnings(ages), ...warnings] });
  }

  /** One offer priced for a spec: the estimate, spot and reserved options, and price ages. */
  private compared(offer: Offer, spec: VMSpec, basis: PriceBasis, storage: BundledStoragePrices | undefined): ComparedOffer {
    const computeHourly = priceOf(offer, basis)!;
    const compute = computeHourly * HOURS_PER_MONTH;
    const perGB = storage === undefined ? 0 : isStandardDisk(spec.disk.type) ? storage.standardPerGBMonth : storage.ssdPerGBMonth;
    const storageMonthly = spec.disk.sizeGiB * perGB;
    const network = spec.egressGBPerMonth * (storage?.egressPerGB ?? 0);
    const monthly = compute + storageMonthly + network;
    const asOf = storage !== undefined && storage.asOf < offer.asOf ? storage.asOf : offer.asOf;
    const estimate: CostEstimate = COST_ESTIMATE_DISPLAY.attach({
      hourly: monthly / HOURS_PER_MONTH,
      monthly,
      breakdown: { compute, storage: storageMonthly, network },
      currency: offer.currency,
      instanceType: offer.instanceType,
      region: offer.region,
      spot: basis === 'spot',
      source: storage === undefined || storage.source === offer.source ? offer.source : `${offer.source}+${storage.source}`,
      asOf,
    });
    const storagePriceAge =
      storage === undefined ? undefined : this.priceAge.check({ provider: offer.provider, region: offer.region, instanceType: offer.instanceType, source: storage.source, asOf: storage.asOf });
    return {
      provider: offer.provider,
      region: offer.region,
      zone: offer.zone,
      instanceType: offer.instanceType,
      vcpus: offer.vcpus,
      memoryGiB: offer.memoryGiB,
      gpu: offer.gpu,
      arch: offer.arch,
      estimate,
      onDemandHourly: offer.onDemandHourly,
      spot: this.spotOption(offer),
      reserved: reservedOptions(offer),
      priceAge: this.priceAge.checkOffer(offer),
      storagePriceAge,
      offer,
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
      spot: this.spotOption(offer),
      reserved: reservedOptions(offer),
      carbonGramsPerHour: this.carbonOf(snapshot, position),
      currency: offer.currency,
      source: offer.source,
      asOf: offer.asOf,
      priceAge: this.priceAge.checkOffer(offer),
      offer,
    };
  }

  /** The spot side of an offer, interruptions priced with the optimizer's risk options. */
  private spotOption(offer: Offer): SpotOption | undefined {
    const spotPrice = priceOf(offer, 'spot');
    if (spotPrice === undefined) return undefined;
    const od = offer.onDemandHourly;
    const f = this.riskFactors.get(offer.spotInterruption)!;
    return {
      hourly: spotPrice,
      savings: od - spotPrice,
      savingsPercent: percentOf(od - spotPrice, od),
      interruption: offer.spotInterruption,
      expectedHourly: spotPrice * f.multiplier + f.perHour,
      interruptionsPerHour: f.ratePerHour,
    };
  }
}

/** The reserved / committed-use options an offer lists. */
function reservedOptions(offer: Offer): ReservedOption[] {
  const od = offer.onDemandHourly;
  const reserved: ReservedOption[] = [];
  for (const [term, basis] of [['1y', 'reserved1y'], ['3y', 'reserved3y']] as const) {
    const p = priceOf(offer, basis);
    if (p !== undefined) reserved.push({ term, hourly: p, savings: od - p, savingsPercent: percentOf(od - p, od) });
  }
  return reserved;
}

/** The warning lines of stale ages, each once, in order. */
function distinctWarnings(ages: readonly PriceAge[]): string[] {
  return [...new Set(ages.flatMap((a) => (a.warning === undefined ? [] : [a.warning])))];
}

/** A VM as providers report it, told apart from a spec by the fields only a VM has. */
function isVM(x: VM | VMSpecInput | VMSpec): x is VM {
  return typeof (x as Partial<VM>).id === 'string' && typeof (x as Partial<VM>).providerKind === 'string' && 'state' in x;
}

/** What a spec asks of an offer (shape, exact instance type, region), as an index query. */
function specQuery(spec: VMSpec): OfferQuery {
  return {
    minVcpus: spec.cpu,
    minMemoryGiB: spec.memoryGiB,
    gpu: spec.gpu ? { count: spec.gpu.count, model: spec.gpu.type } : undefined,
    instanceTypes: spec.instanceType !== undefined ? [spec.instanceType] : undefined,
    regions: spec.region !== undefined ? [spec.region] : undefined,
  };
}

/** HDD-class disk types, priced at the cloud's standard block-storage rate; every other type at its SSD rate. */
function isStandardDisk(type: VMSpec['disk']['type']): boolean {
  return type === 'hdd' || type === 'standard' || type === 'st1' || type === 'sc1';
}

/** The bundled snapshot's storage prices, loaded on first use (the snapshot stays out of the import graph). */
async function defaultStoragePrices(): Promise<(provider: ProviderKind) => BundledStoragePrices | undefined> {
  const snapshot = await import('../catalog/bundled-snapshot.js');
  return (provider) => snapshot.bundledStoragePrices(provider);
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

/** What a VM needs of an offer, as an index query: its shape (see {@link vmShape}). */
function vmQuery(vm: VM, offers: readonly Offer[]): OfferQuery {
  const shape = vmShape(vm, offers);
  return { minVcpus: shape.vcpus, minMemoryGiB: shape.memoryGiB, gpu: shape.gpu };
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
