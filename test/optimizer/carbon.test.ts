import { describe, expect, it } from 'vitest';
import { carbonGramsPerHour, CLOUD_ENERGY, GRID_INTENSITY } from '../../src/optimizer/carbon.js';
import { rankOffers } from '../../src/optimizer/offer-ranking.js';
import type { Offer } from '../../src/provider/types.js';

const base: Offer = {
  provider: 'aws',
  region: 'us-east-1',
  instanceType: 'm5.xlarge',
  vcpus: 4,
  memoryGiB: 16,
  arch: 'x86_64',
  onDemandHourly: 0.192,
  currency: 'USD',
  source: 'test',
  asOf: '2026-11-27',
};

describe('carbon (Cloud Carbon Footprint method)', () => {
  it('uses the CCF coefficients with their documented values', () => {
    expect(CLOUD_ENERGY.aws).toEqual({ minWattsPerVcpu: 0.74, maxWattsPerVcpu: 3.5, memoryKwhPerGBHour: 0.000392, pue: 1.135 });
    expect(CLOUD_ENERGY.gcp.pue).toBe(1.1);
    expect(CLOUD_ENERGY.azure.pue).toBe(1.185);
    expect(GRID_INTENSITY.aws!['us-east-1']).toBe(379.069);
  });

  it('computes grams per hour = (vCPU watts + memory watts) / 1000 × PUE × grid intensity', () => {
    const e = carbonGramsPerHour(base);
    const watts = 4 * (0.74 + 0.5 * (3.5 - 0.74)) + 16 * 0.392;
    expect(e.watts).toBeCloseTo(watts, 9);
    expect(e.gramsPerHour).toBeCloseTo((watts / 1000) * 1.135 * 379.069, 9);
    expect(e.intensityEstimated).toBe(false);
    expect(e.source).toMatch(/cloud-carbon-footprint/);
  });

  it('adds GPU power and ranks clean grids below dirty ones', () => {
    const gpu = carbonGramsPerHour({ ...base, gpu: { model: 'T4', count: 2 } });
    expect(gpu.watts - carbonGramsPerHour(base).watts).toBeCloseTo(2 * (8 + 0.5 * (71 - 8)), 9);
    const stockholm = carbonGramsPerHour({ ...base, region: 'eu-north-1' });
    expect(stockholm.gramsPerHour).toBeLessThan(carbonGramsPerHour(base).gramsPerHour / 10);
  });

  it('falls back to an estimated intensity for unknown regions and says so', () => {
    const e = carbonGramsPerHour({ ...base, region: 'xx-nowhere-1' });
    expect(e.intensityEstimated).toBe(true);
    expect(e.gramsPerHour).toBeGreaterThan(0);
    expect(carbonGramsPerHour({ ...base, region: 'xx-nowhere-1' }, { fallbackIntensity: 0 }).gramsPerHour).toBe(0);
    expect(() => carbonGramsPerHour(base, { utilization: 2 })).toThrow(/utilization/);
  });
});

describe('placement strategies', () => {
  const dirty: Offer = { ...base, instanceType: 'dirty', region: 'ap-south-1', onDemandHourly: 0.1, spotHourly: 0.05 };
  const clean: Offer = { ...base, instanceType: 'clean', region: 'eu-north-1', onDemandHourly: 0.105 };
  it('ranks by price, by carbon, or by price with carbon valued per tonne', () => {
    expect(rankOffers([clean, dirty], 'cheapest').map((r) => r.offer.instanceType)).toEqual(['dirty', 'clean']);
    expect(rankOffers([dirty, clean], 'lowest-carbon').map((r) => r.offer.instanceType)).toEqual(['clean', 'dirty']);
    // dirty emits ~11.9 g/h more: worth $0.0119/h at $1000/t, more than the $0.005/h price gap.
    expect(rankOffers([dirty, clean], 'carbon-priced', { carbonPricePerTonne: 1000 })[0]!.offer.instanceType).toBe('clean');
    expect(rankOffers([dirty, clean], 'carbon-priced', { carbonPricePerTonne: 10 })[0]!.offer.instanceType).toBe('dirty');
    expect(rankOffers([dirty, clean], 'cheapest', { spot: true }).map((r) => r.offer.instanceType)).toEqual(['dirty']);
    expect(() => rankOffers([dirty], 'carbon-priced', { carbonPricePerTonne: -1 })).toThrow(/carbonPricePerTonne/);
  });
});
