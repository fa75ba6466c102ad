/**
 * How old a price is, and the rule that says when it is too old to be trusted silently.
 *
 * Every figure that drives a decision carries its source and its date (DESIGN invariant 6); this
 * file turns that date into an age against the component's clock, and publishes one `price.stale`
 * warning per (source, asOf) per component — a catalog of thousands of offers from one dated
 * snapshot is one stale source, not thousands of warnings. The CostOptimizer and the federation's
 * placement both call it instead of deciding staleness each on their own.
 */
import type { EventBus } from '../provider/events.js';
import type { Offer } from '../provider/types.js';

/** Default oldest acceptable price age, in days. */
export const DEFAULT_MAX_PRICE_AGE_DAYS = 90;

const DAY_MS = 86_400_000;

/** How old one price is, and whether that is older than the component accepts. */
export interface PriceAge {
  /** Where the price came from (`bundled-snapshot:aws`, `azure-retail-prices`, ...). */
  readonly source: string;
  /** When it was true (ISO 8601 date or date-time, as the source recorded it). */
  readonly asOf: string;
  /** Whole days between `asOf` and now by the component's clock; `undefined` when `asOf` is not a date. */
  readonly ageDays: number | undefined;
  /** The oldest age the component accepts without a warning. */
  readonly maxAgeDays: number;
  /** Older than `maxAgeDays`, or of unknown age. */
  readonly stale: boolean;
  /** When stale, the line explanations show, naming the source, the date and the age. */
  readonly warning: string | undefined;
}

/** Options of {@link PriceAgeWatch}. */
export interface PriceAgeWatchOptions {
  /** Which component watches (`cost-optimizer`, `federation`): named in events. */
  readonly component: string;
  /** Oldest acceptable age in days (default {@link DEFAULT_MAX_PRICE_AGE_DAYS}). */
  readonly maxAgeDays?: number | undefined;
  /** Clock in epoch milliseconds. */
  readonly clock: () => number;
  /** Where `price.stale` goes; nothing is published without one. */
  readonly events?: EventBus | undefined;
}

/** Where a priced figure applies, for the `price.stale` event. */
export interface PricedAt {
  /** Provider: registered name in the federation, cloud kind in the optimizer. */
  readonly provider: string;
  /** Region of the offer. */
  readonly region: string;
  /** Instance type of the offer. */
  readonly instanceType: string;
  /** Price source. */
  readonly source: string;
  /** Price date. */
  readonly asOf: string;
}

/** Checks price ages for one component, warning once per (source, asOf). */
export class PriceAgeWatch {
  /** The oldest acceptable age, in days. */
  readonly maxAgeDays: number;
  private readonly warned = new Set<string>();

  /** Creates a watch; throws `RangeError` for a negative or non-finite `maxAgeDays`. */
  constructor(private readonly options: PriceAgeWatchOptions) {
    const max = options.maxAgeDays ?? DEFAULT_MAX_PRICE_AGE_DAYS;
    if (!(max >= 0) || !Number.isFinite(max)) throw new RangeError(`[novacron] maxPriceAgeDays must be a non-negative number of days, got ${String(max)}`);
    this.maxAgeDays = max;
  }

  /** The age of a price by the component's clock, without publishing anything. */
  age(source: string, asOf: string): PriceAge {
    const at = Date.parse(asOf);
    const ageDays = Number.isFinite(at) ? Math.max(0, Math.floor((this.options.clock() - at) / DAY_MS)) : undefined;
    const stale = ageDays === undefined || ageDays > this.maxAgeDays;
    const warning = !stale
      ? undefined
      : ageDays === undefined
        ? `price from ${source} has no readable date (asOf "${asOf}"); treat it as stale`
        : `price from ${source} as of ${asOf} is ${ageDays} days old (older than ${this.maxAgeDays} days)`;
    return { source, asOf, ageDays, maxAgeDays: this.maxAgeDays, stale, warning };
  }

  /** The age of the price `at` names; a stale one publishes `price.stale` the first time its (source, asOf) is seen. */
  check(at: PricedAt): PriceAge {
    const age = this.age(at.source, at.asOf);
    if (age.stale) this.warn(at, age);
    return age;
  }

  /** {@link PriceAgeWatch.check} for an offer, naming its cloud kind as the provider. */
  checkOffer(offer: Offer): PriceAge {
    return this.check({ provider: offer.provider, region: offer.region, instanceType: offer.instanceType, source: offer.source, asOf: offer.asOf });
  }

  private warn(at: PricedAt, age: PriceAge): void {
    const key = `${at.source}\u0000${at.asOf}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.events?.publish('price.stale', {
      component: this.options.component,
      provider: at.provider,
      region: at.region,
      instanceType: at.instanceType,
      source: at.source,
      asOf: at.asOf,
      ageDays: age.ageDays,
      maxAgeDays: age.maxAgeDays,
    });
  }
}
