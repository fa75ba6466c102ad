/**
 * Ranking strategies over candidate offers, for callers that already hold the candidates (the
 * placement engine asks each eligible provider, then ranks what came back):
 * - `cheapest`: on-demand (or spot) price per hour;
 * - `lowest-carbon`: grams CO2e per hour (CCF method, see `carbon.ts`), price breaking ties;
 * - `carbon-priced`: price plus emissions valued at an internal carbon price per tonne, so that
 *   a cleaner region wins when it costs less than its carbon saving is worth.
 */
import type { Offer } from '../provider/types.js';
import { carbonGramsPerHour, type CarbonOptions } from './carbon.js';
import { priceOf } from './offer-query.js';

/** How candidates are ranked. */
export type OfferRankingStrategy = 'cheapest' | 'lowest-carbon' | 'carbon-priced';

/** Options of {@link rankOffers}. */
export interface OfferRankingOptions {
  /** Rank on spot prices (offers without spot are left out). */
  readonly spot?: boolean | undefined;
  /** Internal carbon price per tonne CO2e for `carbon-priced` (default 100). */
  readonly carbonPricePerTonne?: number | undefined;
  /** Carbon estimation options. */
  readonly carbon?: CarbonOptions | undefined;
}

/** A ranked candidate. */
export interface RankedOffer {
  /** The candidate. */
  readonly offer: Offer;
  /** The figure it was ranked by (lower is better). */
  readonly score: number;
  /** Price per hour used. */
  readonly hourly: number;
  /** Estimated grams CO2e per hour. */
  readonly gramsPerHour: number;
}

/** Ranks candidate offers by a placement strategy, best first (stable for equal scores). */
export function rankOffers(offers: readonly Offer[], strategy: OfferRankingStrategy, options: OfferRankingOptions = {}): RankedOffer[] {
  const tonne = options.carbonPricePerTonne ?? 100;
  if (!(tonne >= 0)) throw new RangeError('[novacron] carbonPricePerTonne must be non-negative');
  const ranked: Array<RankedOffer & { order: number }> = [];
  offers.forEach((offer, order) => {
    const hourly = priceOf(offer, options.spot ? 'spot' : 'onDemand');
    if (hourly === undefined) return;
    const gramsPerHour = carbonGramsPerHour(offer, options.carbon).gramsPerHour;
    const score = strategy === 'cheapest' ? hourly : strategy === 'lowest-carbon' ? gramsPerHour : hourly + (gramsPerHour / 1e6) * tonne;
    ranked.push({ offer, score, hourly, gramsPerHour, order });
  });
  ranked.sort((a, b) => a.score - b.score || a.hourly - b.hourly || a.order - b.order);
  return ranked.map(({ offer, score, hourly, gramsPerHour }) => ({ offer, score, hourly, gramsPerHour }));
}
