/**
 * The straightforward answer to an offer query: filter every offer, sort the matches, take the
 * first `limit`. This is what SkyPilot-style optimizers do on each decision; novacron keeps it
 * as the yardstick that the columnar {@link OfferIndex} must agree with (property tests) and
 * beat (benchmark).
 */
import type { Offer } from '../provider/types.js';
import { compareOffers, matchesQuery, type OfferQuery } from './offer-query.js';

/**
 * Positions in `offers` of the cheapest `limit` offers answering `query`, cheapest first, in the
 * total order of {@link compareOffers} (after `query.after`, when it names a position).
 */
export function referenceQuery(offers: readonly Offer[], query: OfferQuery, limit: number): number[] {
  const basis = query.basis ?? 'onDemand';
  const after = query.after === undefined ? undefined : offers[query.after];
  const hits: number[] = [];
  for (let i = 0; i < offers.length; i++) {
    if (!matchesQuery(offers[i]!, query)) continue;
    if (after !== undefined && compareOffers(offers[i]!, i, after, query.after!, basis) <= 0) continue;
    hits.push(i);
  }
  hits.sort((a, b) => compareOffers(offers[a]!, a, offers[b]!, b, basis));
  return hits.slice(0, Math.max(0, limit));
}
