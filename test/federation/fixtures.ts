// Small, chosen catalogs for placement and failover tests.
import { createMemoryProvider, type MemoryProviderOptions, type Offer, type Region } from '../../src/index.js';

export const AS_OF = '2026-11-27';

/** An offer with defaults for everything a test does not care about. */
export function offer(provider: string, region: string, instanceType: string, vcpus: number, memoryGiB: number, onDemandHourly: number, extra: Partial<Offer> = {}): Offer {
  return { provider, region, instanceType, vcpus, memoryGiB, onDemandHourly, arch: 'x86_64', currency: 'USD', source: 'test-catalog', asOf: AS_OF, ...extra };
}

/** Regions with coordinates (near Washington DC, Oregon, Frankfurt). */
export const EAST: Region = { name: 'east-1', zones: ['east-1a', 'east-1b'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } };
export const EAST2: Region = { name: 'east-2', zones: ['east-2a'], geo: { country: 'US', area: 'north-america', lat: 37.4, lon: -79.4 } };
export const WEST: Region = { name: 'west-1', zones: ['west-1a', 'west-1b'], geo: { country: 'US', area: 'north-america', lat: 45.8, lon: -119.7 } };
export const EU: Region = { name: 'eu-1', zones: ['eu-1a', 'eu-1b'], geo: { country: 'DE', area: 'europe', lat: 50.1, lon: 8.7 } };

/** A memory provider with the given regions and offers, answering instantly. */
export function cloud(name: string, kind: string, regions: Region[], offers: Offer[], extra: MemoryProviderOptions = {}) {
  return createMemoryProvider({ name, kind, regions, offers: offers.map((o) => ({ ...o, provider: kind })), provisioningDelayMs: 0, ...extra });
}
