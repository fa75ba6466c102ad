/**
 * The VM sizes the emulated subscription can use, per location and zone, with their restrictions
 * and current spot prices: what Resource SKUs lists and what a VM PUT is checked against.
 *
 * Sizes and prices come from the bundled price snapshot's Azure offers (the same rows the Retail
 * Prices emulator serves). Every location offers zones 1-3; a restriction takes a size away from
 * a whole location (`type: Location`) or from some zones (`type: Zone`), both with reason
 * `NotAvailableForSubscription`, as Resource SKUs reports restrictions (Skus stable/2021-07-01
 * `ResourceSkuRestrictions`, read 2026-12).
 */
import type { Offer } from '../../../provider/types.js';
import type { ArmResourceSku, ArmSkuRestriction } from './arm-shapes.js';
import { capabilitiesOf, familyOf, shortSizeOf } from './vm-size-families.js';

/** A size taken away from a location, or from some of its zones. */
export interface SkuRestrictionSeed {
  /** Size (`Standard_E2s_v5`). */
  readonly size: string;
  /** Location. */
  readonly location: string;
  /** Zones it is not offered in; the whole location when absent. */
  readonly zones?: readonly string[] | undefined;
}

/**
 * The restrictions seeded by default: one size missing from one zone, one from a whole location,
 * so that zone-aware placement has something to avoid.
 */
export const DEFAULT_SKU_RESTRICTIONS: readonly SkuRestrictionSeed[] = [
  { size: 'Standard_E2s_v5', location: 'westeurope', zones: ['3'] },
  { size: 'Standard_ND96asr_v4', location: 'westeurope' },
];

/** The zones of every emulated location. */
export const LOCATION_ZONES: readonly string[] = ['1', '2', '3'];

/** Why a size cannot be placed where asked. */
export type SizeRefusal = { readonly reason: 'unknown' } | { readonly reason: 'location' } | { readonly reason: 'zone'; readonly zones: readonly string[] };

/** One size in one location. */
export interface SizeOffering {
  /** The snapshot row. */
  readonly offer: Offer;
  /** Zones it is offered in. */
  readonly zones: readonly string[];
  /** Its restrictions there. */
  readonly restrictions: readonly ArmSkuRestriction[];
}

function restrictionOf(seed: SkuRestrictionSeed): ArmSkuRestriction {
  if (seed.zones === undefined) {
    return { type: 'Location', values: [seed.location], restrictionInfo: { locations: [seed.location] }, reasonCode: 'NotAvailableForSubscription' };
  }
  return { type: 'Zone', values: [seed.location], restrictionInfo: { locations: [seed.location], zones: [...seed.zones] }, reasonCode: 'NotAvailableForSubscription' };
}

/** The subscription's sizes. */
export class VmSizeCatalog {
  private readonly byKey = new Map<string, SizeOffering>();
  private readonly spotOverrides = new Map<string, number>();

  /** Builds the catalog from snapshot offers of `locations`, minus `restrictions`. */
  constructor(offers: readonly Offer[], locations: readonly string[], restrictions: readonly SkuRestrictionSeed[]) {
    const wanted = new Set(locations);
    for (const offer of offers) {
      if (offer.provider !== 'azure' || !wanted.has(offer.region) || offer.zone !== undefined) continue;
      const seeds = restrictions.filter((r) => r.size.toLowerCase() === offer.instanceType.toLowerCase() && r.location === offer.region);
      const lost = new Set(seeds.flatMap((s) => s.zones ?? LOCATION_ZONES));
      this.byKey.set(key(offer.instanceType, offer.region), { offer, zones: LOCATION_ZONES.filter((z) => !lost.has(z)), restrictions: seeds.map(restrictionOf) });
    }
  }

  /** The size in a location (`undefined` when the catalog has no such size there). */
  offering(size: string, location: string): SizeOffering | undefined {
    return this.byKey.get(key(size, location));
  }

  /** Any location's row of a size (its vCPUs, memory, GPUs are the same everywhere). */
  anyOffering(size: string): SizeOffering | undefined {
    const lower = size.toLowerCase();
    for (const [k, v] of this.byKey) if (k.startsWith(`${lower}@`)) return v;
    return undefined;
  }

  /** Whether a size can be placed in a location (and zones); the refusal when not. */
  check(size: string, location: string, zones: readonly string[]): SizeRefusal | undefined {
    const offering = this.offering(size, location);
    if (!offering) return this.anyOffering(size) ? { reason: 'location' } : { reason: 'unknown' };
    if (offering.zones.length === 0) return { reason: 'location' };
    const missing = zones.filter((z) => !offering.zones.includes(z));
    return missing.length > 0 ? { reason: 'zone', zones: missing } : undefined;
  }

  /** Current spot price of a size in a location, `undefined` when it is not sold as spot. */
  spotPrice(size: string, location: string): number | undefined {
    return this.spotOverrides.get(key(size, location)) ?? this.offering(size, location)?.offer.spotHourly;
  }

  /** Sets the current spot price of a size in a location. */
  setSpotPrice(size: string, location: string, price: number): void {
    this.spotOverrides.set(key(size, location), price);
  }

  /** The Resource SKUs items of the catalog: one per size and location, as the API lists them. */
  resourceSkus(): ArmResourceSku[] {
    return [...this.byKey.values()].map(({ offer, restrictions }) => ({
      resourceType: 'virtualMachines',
      name: offer.instanceType,
      tier: 'Standard',
      size: shortSizeOf(offer.instanceType),
      family: familyOf(offer.instanceType),
      locations: [offer.region],
      locationInfo: [{ location: offer.region, zones: [...LOCATION_ZONES], zoneDetails: [] }],
      capabilities: capabilitiesOf(offer),
      restrictions: restrictions.map((r) => structuredClone(r)),
    }));
  }

  /** The locations the catalog covers. */
  locations(): string[] {
    return [...new Set([...this.byKey.values()].map((o) => o.offer.region))];
  }
}

function key(size: string, location: string): string {
  return `${size.toLowerCase()}@${location}`;
}
