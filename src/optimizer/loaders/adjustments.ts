/**
 * User price adjustments: what the list prices become for one customer. Enterprise discounts
 * (AWS EDP, Azure MACC/EA, GCP commit contracts) take a percentage off per provider, family or
 * region; fixed overrides pin the price of one instance type (a negotiated rate, a private
 * offer). On-premises rate cards are loaders of their own (see `rateCardLoader`).
 */
import { instanceFamily } from '../../provider/offer-selection.js';
import type { Offer, ProviderKind } from '../../provider/types.js';
import type { PriceBasis } from '../offer-query.js';

/** A percentage off list prices. */
export interface EnterpriseDiscount {
  /** Cloud the discount applies to. */
  readonly provider: ProviderKind;
  /** Instance families it is limited to (`m5`, `Standard_D`, `n2`; see `instanceFamily`), all when absent. */
  readonly families?: readonly string[] | undefined;
  /** Regions it is limited to, all when absent. */
  readonly regions?: readonly string[] | undefined;
  /** Percent off, 0–100. */
  readonly percent: number;
  /** Prices it applies to (default: all four). */
  readonly appliesTo?: readonly PriceBasis[] | undefined;
}

/** A fixed price for one instance type, replacing the list price. */
export interface PriceOverride {
  /** Cloud. */
  readonly provider: ProviderKind;
  /** Instance type. */
  readonly instanceType: string;
  /** Limited to this region, all regions when absent. */
  readonly region?: string | undefined;
  /** New on-demand price per hour. */
  readonly onDemandHourly?: number | undefined;
  /** New spot price per hour. */
  readonly spotHourly?: number | undefined;
  /** New 1-year effective price per hour. */
  readonly reserved1yHourly?: number | undefined;
  /** New 3-year effective price per hour. */
  readonly reserved3yHourly?: number | undefined;
}

/** A customer's adjustments to list prices. */
export interface PriceAdjustments {
  /** Name recorded in the adjusted offers' `source` (default `adjustments`). */
  readonly name?: string | undefined;
  /** Date the adjustments were agreed or last checked (ISO 8601); recorded in `source`. */
  readonly asOf?: string | undefined;
  /** Percentage discounts; the most specific matching one applies (family and region > family > region > provider-wide), never several. */
  readonly discounts?: readonly EnterpriseDiscount[] | undefined;
  /** Fixed prices; an override beats any discount on the prices it sets. */
  readonly overrides?: readonly PriceOverride[] | undefined;
}

const ALL_BASES: readonly PriceBasis[] = ['onDemand', 'spot', 'reserved1y', 'reserved3y'];

function specificity(d: EnterpriseDiscount): number {
  return (d.families && d.families.length > 0 ? 2 : 0) + (d.regions && d.regions.length > 0 ? 1 : 0);
}

function discountFor(offer: Offer, discounts: readonly EnterpriseDiscount[]): EnterpriseDiscount | undefined {
  let best: EnterpriseDiscount | undefined;
  for (const d of discounts) {
    if (d.provider !== offer.provider) continue;
    if (d.families && d.families.length > 0 && !d.families.includes(instanceFamily(offer.instanceType))) continue;
    if (d.regions && d.regions.length > 0 && !d.regions.includes(offer.region)) continue;
    if (best === undefined || specificity(d) > specificity(best)) best = d;
  }
  return best;
}

function overrideFor(offer: Offer, overrides: readonly PriceOverride[]): PriceOverride | undefined {
  let best: PriceOverride | undefined;
  for (const o of overrides) {
    if (o.provider !== offer.provider || o.instanceType !== offer.instanceType) continue;
    if (o.region !== undefined && o.region !== offer.region) continue;
    if (best === undefined || (best.region === undefined && o.region !== undefined)) best = o;
  }
  return best;
}

/** Validates adjustments, throwing a `RangeError` that names the bad entry. */
export function validateAdjustments(adjustments: PriceAdjustments): void {
  adjustments.discounts?.forEach((d, i) => {
    if (!(d.percent >= 0 && d.percent <= 100)) throw new RangeError(`[novacron] adjustments.discounts[${i}].percent must be between 0 and 100`);
  });
  adjustments.overrides?.forEach((o, i) => {
    for (const key of ['onDemandHourly', 'spotHourly', 'reserved1yHourly', 'reserved3yHourly'] as const) {
      const v = o[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`[novacron] adjustments.overrides[${i}].${key} must be a non-negative number`);
    }
  });
}

/**
 * The offers with the customer's prices. Offers that no adjustment touches are returned as they
 * are; adjusted ones are new objects whose `source` names the adjustment
 * (`bundled-snapshot:aws+edp-2026`), so every price still says where it came from.
 */
export function applyAdjustments(offers: readonly Offer[], adjustments: PriceAdjustments): Offer[] {
  validateAdjustments(adjustments);
  const discounts = adjustments.discounts ?? [];
  const overrides = adjustments.overrides ?? [];
  if (discounts.length === 0 && overrides.length === 0) return [...offers];
  const tag = `+${adjustments.name ?? 'adjustments'}${adjustments.asOf ? `@${adjustments.asOf}` : ''}`;
  return offers.map((offer) => {
    const discount = discountFor(offer, discounts);
    const override = overrideFor(offer, overrides);
    if (!discount && !override) return offer;
    const applies = new Set(discount?.appliesTo ?? ALL_BASES);
    const factor = discount ? 1 - discount.percent / 100 : 1;
    const scale = (basis: PriceBasis, v: number | undefined): number | undefined =>
      v === undefined || !discount || !applies.has(basis) ? v : Math.round(v * factor * 1e9) / 1e9;
    return Object.freeze({
      ...offer,
      onDemandHourly: override?.onDemandHourly ?? scale('onDemand', offer.onDemandHourly)!,
      spotHourly: override?.spotHourly ?? scale('spot', offer.spotHourly),
      reserved1yHourly: override?.reserved1yHourly ?? scale('reserved1y', offer.reserved1yHourly),
      reserved3yHourly: override?.reserved3yHourly ?? scale('reserved3y', offer.reserved3yHourly),
      source: offer.source + tag,
    });
  });
}
