import { describe, expect, it } from 'vitest';
import { applyAdjustments } from '../../src/optimizer/loaders/adjustments.js';
import type { Offer } from '../../src/provider/types.js';

const offer = (instanceType: string, region = 'us-east-1', provider = 'aws'): Offer => ({
  provider,
  region,
  instanceType,
  vcpus: 2,
  memoryGiB: 8,
  arch: 'x86_64',
  onDemandHourly: 1,
  spotHourly: 0.4,
  reserved1yHourly: 0.6,
  reserved3yHourly: 0.4,
  currency: 'USD',
  source: 'list',
  asOf: '2026-01-01',
});

describe('price adjustments', () => {
  it('applies the most specific discount, to the prices it covers, and names itself in the source', () => {
    const [m5, c5, eu] = applyAdjustments([offer('m5.large'), offer('c5.large'), offer('m5.large', 'eu-west-1')], {
      name: 'edp',
      asOf: '2026-06-01',
      discounts: [
        { provider: 'aws', percent: 10 },
        { provider: 'aws', families: ['m5'], percent: 20, appliesTo: ['onDemand'] },
        { provider: 'aws', families: ['m5'], regions: ['eu-west-1'], percent: 30 },
      ],
    });
    expect(m5!.onDemandHourly).toBeCloseTo(0.8, 12);
    expect(m5!.spotHourly).toBe(0.4); // that discount covers on-demand only
    expect(c5!.onDemandHourly).toBeCloseTo(0.9, 12);
    expect(c5!.spotHourly).toBeCloseTo(0.36, 12);
    expect(eu!.onDemandHourly).toBeCloseTo(0.7, 12);
    expect(m5!.source).toBe('list+edp@2026-06-01');
  });

  it('lets a fixed override beat discounts and leaves untouched offers as they were', () => {
    const untouched = offer('r5.large', 'us-east-1', 'gcp');
    const [pinned, regional, same] = applyAdjustments([offer('m5.large'), offer('m5.large', 'eu-west-1'), untouched], {
      discounts: [{ provider: 'aws', percent: 50 }],
      overrides: [
        { provider: 'aws', instanceType: 'm5.large', onDemandHourly: 0.05 },
        { provider: 'aws', instanceType: 'm5.large', region: 'eu-west-1', onDemandHourly: 0.07 },
      ],
    });
    expect(pinned!.onDemandHourly).toBe(0.05);
    expect(pinned!.spotHourly).toBeCloseTo(0.2, 12); // the discount still covers what the override does not set
    expect(regional!.onDemandHourly).toBe(0.07);
    expect(same).toBe(untouched);
  });

  it('rejects impossible figures', () => {
    expect(() => applyAdjustments([], { discounts: [{ provider: 'aws', percent: 120 }] })).toThrow(/percent/);
    expect(() => applyAdjustments([], { overrides: [{ provider: 'aws', instanceType: 'x', onDemandHourly: -1 }] })).toThrow(/onDemandHourly/);
  });
});
