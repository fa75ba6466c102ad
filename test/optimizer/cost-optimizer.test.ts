import { describe, expect, it } from 'vitest';
import { CostOptimizer } from '../../src/optimizer/cost-optimizer.js';
import { staticOffersLoader } from '../../src/optimizer/loaders/provider-offers.js';
import { expectedSpotHourly } from '../../src/optimizer/spot-risk.js';
import { referenceQuery } from '../../src/optimizer/reference-query.js';
import { bundledOffers } from '../../src/catalog/bundled-snapshot.js';
import type { InterruptionBucket, Offer, VM } from '../../src/provider/types.js';

const offer = (provider: string, instanceType: string, price: number, extra: Partial<Offer> = {}): Offer => ({
  provider,
  region: provider === 'aws' ? 'us-east-1' : provider === 'gcp' ? 'us-central1' : 'eastus',
  instanceType,
  vcpus: 4,
  memoryGiB: 16,
  arch: 'x86_64',
  onDemandHourly: price,
  currency: 'USD',
  source: `test:${provider}`,
  asOf: '2026-11-01',
  ...extra,
});

const vm = (extra: Partial<VM> = {}): VM => ({
  id: 'i-1',
  name: 'web',
  provider: 'aws-east',
  providerKind: 'aws',
  region: 'us-east-1',
  zone: undefined,
  state: 'running',
  rawState: 'running',
  instanceType: 'm5.xlarge',
  cpu: 4,
  memoryGiB: 16,
  spot: false,
  privateIps: [],
  publicIps: [],
  labels: {},
  image: undefined,
  createdAt: '2026-11-01T00:00:00Z',
  hourlyPrice: { amount: 0.192, currency: 'USD', source: 'test', asOf: '2026-11-01' },
  stateReason: undefined,
  ...extra,
});

describe('CostOptimizer.recommendInstanceType', () => {
  it('ranks across providers by on-demand price with spot and reserved options', async () => {
    const optimizer = new CostOptimizer({
      loaders: [
        staticOffersLoader('t', [
          offer('aws', 'm5.xlarge', 0.192, { spotHourly: 0.08, spotInterruption: '5-10%', reserved1yHourly: 0.12, reserved3yHourly: 0.08 }),
          offer('gcp', 'n2-standard-4', 0.194),
          offer('azure', 'Standard_D4as_v5', 0.172),
          offer('aws', 'm5.large', 0.096, { vcpus: 2, memoryGiB: 8 }),
        ]),
      ],
    });
    const recs = await optimizer.recommendInstanceType({ cpu: 4, memory: '16Gi' });
    expect(recs.map((r) => [r.rank, r.provider, r.instanceType])).toEqual([
      [1, 'azure', 'Standard_D4as_v5'],
      [2, 'aws', 'm5.xlarge'],
      [3, 'gcp', 'n2-standard-4'],
    ]);
    const aws = recs[1]!;
    expect(aws.spot).toMatchObject({ hourly: 0.08, interruption: '5-10%', savingsPercent: 58.33 });
    expect(aws.spot!.savings).toBeCloseTo(0.112, 12);
    expect(aws.spot!.expectedHourly).toBeCloseTo(expectedSpotHourly(0.08, '5-10%'), 12);
    expect(aws.reserved.map((r) => [r.term, r.hourly, r.savingsPercent])).toEqual([
      ['1y', 0.12, 37.5],
      ['3y', 0.08, 58.33],
    ]);
    expect(aws.onDemandMonthly).toBeCloseTo(0.192 * 730, 9);
    expect(aws.source).toBe('test:aws');
    expect(aws.carbonGramsPerHour).toBeGreaterThan(0);
    expect(recs[0]!.spot).toBeUndefined();
  });

  it('answers like the filter-and-sort reference on the bundled catalog, for every price ranking', async () => {
    const optimizer = new CostOptimizer();
    const offers = await optimizer.offers();
    for (const rankBy of ['onDemand', 'spot', 'reserved1y', 'reserved3y'] as const) {
      const recs = await optimizer.recommendInstanceType({ cpu: 8, memory: 32, providers: ['aws', 'azure'], rankBy, limit: 7 });
      const ref = referenceQuery(offers, { minVcpus: 8, minMemoryGiB: 32, providers: ['aws', 'azure'], basis: rankBy }, 7);
      expect(recs.map((r) => r.offer)).toEqual(ref.map((i) => offers[i]));
    }
  });

  it('lets a cheap but volatile spot offer lose to a steadier one under the expected-cost ranking', async () => {
    const buckets: Array<[string, number, InterruptionBucket]> = [
      ['volatile', 0.098, '>20%'],
      ['steady', 0.1, '<5%'],
      ['middling', 0.099, '10-15%'],
    ];
    const optimizer = new CostOptimizer({
      loaders: [staticOffersLoader('t', buckets.map(([name, spot, bucket]) => offer('aws', name, 0.3, { spotHourly: spot, spotInterruption: bucket })))],
      spotRisk: { checkpointHours: 168 },
    });
    const byRaw = await optimizer.recommendInstanceType({ cpu: 2, memory: 4, rankBy: 'spot' });
    expect(byRaw.map((r) => r.instanceType)).toEqual(['volatile', 'middling', 'steady']);
    const byRisk = await optimizer.recommendInstanceType({ cpu: 2, memory: 4, spot: true });
    expect(byRisk[0]!.instanceType).toBe('steady');
    expect(byRisk[0]!.rankedBy).toBe('spotRiskAdjusted');
    expect(byRisk.map((r) => r.score)).toEqual([...byRisk.map((r) => r.score)].sort((a, b) => a - b));
  });

  it('finds the exact expected-cost top-k even when it lies far down the raw spot order', async () => {
    // 300 volatile offers cheaper on raw spot than one steady offer, but dearer once risk is priced.
    const offers = Array.from({ length: 300 }, (_, i) => offer('aws', `v${i}`, 1, { spotHourly: 0.5 + i * 1e-6, spotInterruption: '>20%' as const }));
    offers.push(offer('gcp', 'steady', 1, { spotHourly: 0.505, spotInterruption: '<5%' }));
    const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', offers)], spotRisk: { checkpointHours: 168 } });
    const [best] = await optimizer.recommendInstanceType({ cpu: 1, memory: 1, spot: true, limit: 1 });
    expect(best!.instanceType).toBe('steady');
  });

  it('keeps spot-only and price caps, and filters by region, GPU and architecture', async () => {
    const optimizer = new CostOptimizer();
    const spotOnly = await optimizer.recommendInstanceType({ cpu: 2, memory: 4, spot: true, rankBy: 'onDemand', limit: 5 });
    expect(spotOnly.every((r) => r.spot !== undefined)).toBe(true);
    const capped = await optimizer.recommendInstanceType({ cpu: 16, memory: 64, maxHourly: 0.8, limit: 50 });
    expect(capped.every((r) => r.onDemandHourly <= 0.8)).toBe(true);
    const gpu = await optimizer.recommendInstanceType({ cpu: 4, memory: 16, gpu: { count: 1, type: 'a100' }, limit: 3 });
    expect(gpu.every((r) => r.gpu?.model === 'a100')).toBe(true);
    expect(gpu.length).toBeGreaterThan(0);
    const arm = await optimizer.recommendInstanceType({ cpu: 2, memory: 8, arch: 'arm64', regions: ['us-east-1', 'eastus'], limit: 5 });
    expect(arm.every((r) => r.offer.arch === 'arm64' && ['us-east-1', 'eastus'].includes(r.region))).toBe(true);
  });

  it('ranks by carbon, and by price with carbon valued at a tonne price', async () => {
    const optimizer = new CostOptimizer({
      loaders: [
        staticOffersLoader('t', [
          offer('aws', 'dirty-cheap', 0.1, { region: 'ap-south-1' }),
          offer('aws', 'clean-dear', 0.105, { region: 'eu-north-1' }),
        ]),
      ],
    });
    const byCarbon = await optimizer.recommendInstanceType({ cpu: 4, memory: 16, rankBy: 'carbon' });
    expect(byCarbon.map((r) => r.instanceType)).toEqual(['clean-dear', 'dirty-cheap']);
    const cheapCarbon = await optimizer.recommendInstanceType({ cpu: 4, memory: 16, rankBy: 'priceWithCarbon', carbonPricePerTonne: 1 });
    expect(cheapCarbon[0]!.instanceType).toBe('dirty-cheap');
    const dearCarbon = await optimizer.recommendInstanceType({ cpu: 4, memory: 16, rankBy: 'priceWithCarbon', carbonPricePerTonne: 1000 });
    expect(dearCarbon[0]!.instanceType).toBe('clean-dear');
  });

  it('rejects malformed requirements with a typed error naming the field', async () => {
    const optimizer = new CostOptimizer();
    await expect(optimizer.recommendInstanceType({ cpu: -1, memory: 4 })).rejects.toMatchObject({ name: 'InvalidSpecError', field: 'cpu' });
    await expect(optimizer.recommendInstanceType({ cpu: 1, memory: 'lots' })).rejects.toMatchObject({ field: 'memory' });
    await expect(optimizer.recommendInstanceType({ cpu: 1, memory: 1, limit: 0 })).rejects.toMatchObject({ field: 'limit' });
  });
});

describe('CostOptimizer.offers', () => {
  it('returns the whole catalog or the offers answering a query, cheapest first', async () => {
    const optimizer = new CostOptimizer();
    const all = await optimizer.offers();
    expect(all.length).toBe(bundledOffers().length);
    const some = await optimizer.offers({ minVcpus: 64, providers: ['gcp'] });
    expect(some.length).toBeGreaterThan(0);
    expect(some.every((o) => o.provider === 'gcp' && o.vcpus >= 64)).toBe(true);
    expect(some.map((o) => o.onDemandHourly)).toEqual([...some.map((o) => o.onDemandHourly)].sort((a, b) => a - b));
  });
});

describe('CostOptimizer.predictCost', () => {
  const hourly = (values: number[]) => values.map((instanceHours, h) => ({ at: Date.UTC(2026, 9, 1) + h * 3600_000, instanceHours }));

  it('assumes an always-on VM without history and names the cheapest provider', async () => {
    const optimizer = new CostOptimizer();
    const p = await optimizer.predictCost(vm(), 730);
    expect(p.model).toBe('assumed-always-on');
    expect(p.usage.point).toBe(730);
    expect(p.confidence).toBe(0);
    expect(p.providers.map((x) => x.provider).sort()).toEqual(['aws', 'azure', 'gcp']);
    expect(p.cheapestProvider).toBe(p.providers[0]!.provider);
    expect(p.point).toBeCloseTo(730 * p.providers[0]!.hourly, 9);
    expect(p.current!.point).toBeCloseTo(730 * 0.192, 9);
  });

  it('forecasts a business-hours VM from its history and prices the forecast per provider', async () => {
    // On 09:00–17:00 on weekdays, off otherwise: 40 instance-hours a week.
    const history = hourly(Array.from({ length: 4 * 168 }, (_, t) => (t % 168 < 120 && t % 24 >= 9 && t % 24 < 17 ? 1 : 0)));
    const optimizer = new CostOptimizer({ usageHistory: async () => history });
    const p = await optimizer.predictCost(vm(), 168);
    expect(p.model).toBe('holt-winters-double-seasonal');
    expect(p.usage.point).toBeGreaterThan(36);
    expect(p.usage.point).toBeLessThan(44);
    expect(p.usage.lower).toBeLessThanOrEqual(p.usage.point);
    expect(p.usage.upper).toBeGreaterThanOrEqual(p.usage.point);
    expect(p.confidence).toBeGreaterThan(0.9);
    for (const f of p.providers) expect(f.point).toBeCloseTo(p.usage.point * f.hourly, 9);
    expect(p.point).toBe(Math.min(...p.providers.map((f) => f.point)));
  });

  it('prices a spot VM at spot prices and rejects a non-positive duration', async () => {
    const optimizer = new CostOptimizer();
    const onDemand = await optimizer.predictCost(vm(), 10, { providers: ['aws'] });
    const spot = await optimizer.predictCost(vm({ spot: true }), 10, { providers: ['aws'] });
    expect(spot.point).toBeLessThan(onDemand.point);
    await expect(optimizer.predictCost(vm(), 0)).rejects.toMatchObject({ name: 'InvalidSpecError' });
  });
});

describe('CostOptimizer with spot and carbon together', () => {
  it('keeps only spot offers when ranking by carbon with spot: true', async () => {
    const optimizer = new CostOptimizer({
      loaders: [
        staticOffersLoader('t', [
          offer('aws', 'clean-no-spot', 0.2, { region: 'eu-north-1' }),
          offer('aws', 'dirty-spot', 0.1, { region: 'ap-south-1', spotHourly: 0.03, spotInterruption: '<5%' }),
        ]),
      ],
    });
    const recs = await optimizer.recommendInstanceType({ cpu: 4, memory: 16, rankBy: 'carbon', spot: true });
    expect(recs.map((r) => r.instanceType)).toEqual(['dirty-spot']);
  });
});
