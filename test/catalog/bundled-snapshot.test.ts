import { describe, expect, it } from 'vitest';
import { BUNDLED_SNAPSHOT_AS_OF, bundledOffers, bundledRegions, bundledStoragePrices } from '../../src/catalog/bundled-snapshot.js';

describe('bundled price snapshot', () => {
  it('prices the reference types at their list prices in the base regions', () => {
    const find = (provider: string, region: string, type: string) =>
      bundledOffers({ provider, regions: [region] }).find((o) => o.instanceType === type);
    expect(find('aws', 'us-east-1', 'm5.large')?.onDemandHourly).toBe(0.096);
    expect(find('aws', 'us-east-1', 'm5.24xlarge')?.onDemandHourly).toBe(4.608);
    expect(find('aws', 'us-east-1', 'm7g.large')?.onDemandHourly).toBe(0.0816);
    expect(find('aws', 'us-east-1', 'g5.xlarge')?.gpu).toEqual({ model: 'a10g', count: 1, memoryGiB: 24 });
    expect(find('aws', 'eu-west-1', 'm5.large')?.onDemandHourly).toBe(0.107);
    expect(find('azure', 'eastus', 'Standard_D2s_v5')?.onDemandHourly).toBe(0.096);
    expect(find('gcp', 'us-central1', 'n2-standard-2')?.onDemandHourly).toBeCloseTo(2 * 0.031611 + 8 * 0.004237, 6);
  });

  it('labels every offer as the dated snapshot, with consistent spot and reserved prices', () => {
    const offers = bundledOffers();
    expect(offers.length).toBeGreaterThan(1000);
    for (const o of offers) {
      expect(o.source).toBe(`bundled-snapshot:${o.provider}`);
      expect(o.asOf).toBe(BUNDLED_SNAPSHOT_AS_OF);
      expect(o.currency).toBe('USD');
      expect(o.onDemandHourly).toBeGreaterThan(0);
      expect(o.spotHourly!).toBeLessThan(o.onDemandHourly);
      expect(o.reserved3yHourly!).toBeLessThan(o.reserved1yHourly!);
      expect(o.reserved1yHourly!).toBeLessThan(o.onDemandHourly);
      expect(o.spotInterruption).toBeDefined();
    }
  });

  it('filters by provider and region, and names each type once per region', () => {
    const aws = bundledOffers({ provider: 'aws', regions: ['us-east-1', 'eu-west-2'] });
    expect(new Set(aws.map((o) => o.provider))).toEqual(new Set(['aws']));
    expect(new Set(aws.map((o) => o.region))).toEqual(new Set(['us-east-1', 'eu-west-2']));
    expect(bundledOffers({ provider: 'openstack' })).toEqual([]);
    for (const provider of ['aws', 'azure', 'gcp'] as const) {
      const keys = bundledOffers({ provider }).map((o) => `${o.region}/${o.instanceType}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('keeps GPU families to the regions marked for them', () => {
    for (const provider of ['aws', 'azure', 'gcp'] as const) {
      const gpuRegions = new Set(bundledRegions(provider).filter((r) => r.gpu).map((r) => r.name));
      const withGpu = bundledOffers({ provider }).filter((o) => o.gpu);
      expect(withGpu.length).toBeGreaterThan(0);
      for (const o of withGpu) expect(gpuRegions.has(o.region)).toBe(true);
    }
  });

  it('describes the regions it covers with zones and geography', () => {
    const regions = bundledRegions('gcp');
    expect(regions.map((r) => r.name)).toContain('us-central1');
    for (const r of regions) {
      expect(r.zones.length).toBeGreaterThan(0);
      expect(r.geo?.country).toMatch(/^[A-Z]{2}$/);
    }
    expect(bundledRegions('memory')).toEqual([]);
    expect(bundledStoragePrices('aws')?.egressPerGB).toBe(0.09);
  });
});

describe('bundled snapshot refresh (issue 12)', () => {
  const find = (provider: string, region: string, type: string) => bundledOffers({ provider, regions: [region] }).find((o) => o.instanceType === type);

  it('carries the mid-2026 figures the refresh corrected', () => {
    expect(BUNDLED_SNAPSHOT_AS_OF).toBe('2026-07-01');
    // AWS's June 2025 P4 price cut: 32.7726 → 21.96 in us-east-1.
    expect(find('aws', 'us-east-1', 'p4d.24xlarge')?.onDemandHourly).toBe(21.96);
    // GPU families keep their own regional ratios (SkyPilot catalog @001367d2): p3.8xlarge eu-west-1 13.22.
    expect(find('aws', 'eu-west-1', 'p3.8xlarge')?.onDemandHourly).toBeCloseTo(13.22, 6);
    expect(find('aws', 'us-east-1', 'p3.2xlarge')?.onDemandHourly).toBe(3.06);
    // Azure westeurope B and F series about 4% below the D-series ratio; D2s_v5 stays 0.115.
    expect(find('azure', 'westeurope', 'Standard_B2s')?.onDemandHourly).toBeCloseTo(0.0416 * (0.115 / 0.096) / 1.04, 6);
    expect(find('azure', 'westeurope', 'Standard_F4s_v2')?.onDemandHourly).toBeCloseTo(0.1692 * (0.115 / 0.096) / 1.04, 6);
    expect(find('azure', 'westeurope', 'Standard_D2s_v5')?.onDemandHourly).toBe(0.115);
    // Families without their own ratio follow the region's.
    expect(find('aws', 'eu-west-1', 'm5.large')?.onDemandHourly).toBe(0.107);
  });
});
