import { describe, expect, it } from 'vitest';
import { CostOptimizer } from '../../src/optimizer/cost-optimizer.js';
import { staticOffersLoader } from '../../src/optimizer/loaders/provider-offers.js';
import { BUNDLED_SNAPSHOT_AS_OF, bundledOffers, bundledStoragePrices } from '../../src/catalog/bundled-snapshot.js';
import { EventBus, type PriceStaleEvent } from '../../src/provider/events.js';
import { InvalidSpecError } from '../../src/provider/errors.js';
import { HOURS_PER_MONTH, type Offer } from '../../src/provider/types.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

const offer = (provider: string, region: string, instanceType: string, price: number, extra: Partial<Offer> = {}): Offer => ({
  provider,
  region,
  instanceType,
  vcpus: 4,
  memoryGiB: 16,
  arch: 'x86_64',
  onDemandHourly: price,
  currency: 'USD',
  source: `test:${provider}`,
  asOf: '2026-01-01',
  ...extra,
});

function staleEvents(bus: EventBus): PriceStaleEvent[] {
  const seen: PriceStaleEvent[] = [];
  bus.on('price.stale', (e) => seen.push(e));
  return seen;
}

describe('CostOptimizer price age', () => {
  const offers = [offer('aws', 'us-east-1', 'm5.xlarge', 0.192), offer('gcp', 'us-central1', 'n2-standard-4', 0.194, { asOf: '2026-05-20' })];

  it('marks results priced from figures older than maxPriceAgeDays and warns once per source and date', async () => {
    const events = new EventBus();
    const seen = staleEvents(events);
    let now = at('2026-06-01T00:00:00Z');
    const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', offers)], clock: () => now, events, maxPriceAgeDays: 60 });
    const [aws, gcp] = await optimizer.recommendInstanceType({ cpu: 4, memory: 16 });
    expect(aws!.priceAge).toMatchObject({ source: 'test:aws', asOf: '2026-01-01', ageDays: 151, maxAgeDays: 60, stale: true });
    expect(aws!.priceAge.warning).toBe('price from test:aws as of 2026-01-01 is 151 days old (older than 60 days)');
    expect(gcp!.priceAge).toMatchObject({ ageDays: 12, stale: false, warning: undefined });
    expect(seen).toEqual([{ component: 'cost-optimizer', provider: 'aws', region: 'us-east-1', instanceType: 'm5.xlarge', source: 'test:aws', asOf: '2026-01-01', ageDays: 151, maxAgeDays: 60 }]);

    // Asked again, and later: the same (source, asOf) is not published again; a newly stale one is.
    now += 60 * DAY;
    const p = await optimizer.predictCost({ name: 'api', cpu: 4, memory: '16Gi' }, 10);
    expect(p.priceWarnings).toEqual([
      'price from test:aws as of 2026-01-01 is 211 days old (older than 60 days)',
      'price from test:gcp as of 2026-05-20 is 72 days old (older than 60 days)',
    ]);
    expect(seen.map((e) => e.source)).toEqual(['test:aws', 'test:gcp']);
  });

  it('defaults to 90 days and says nothing about recent prices', async () => {
    const events = new EventBus();
    const seen = staleEvents(events);
    const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', offers)], clock: () => at('2026-03-31T00:00:00Z'), events });
    const recs = await optimizer.recommendInstanceType({ cpu: 4, memory: 16 });
    expect(recs.map((r) => [r.priceAge.ageDays, r.priceAge.maxAgeDays, r.priceAge.stale])).toEqual([
      [89, 90, false],
      [0, 90, false],
    ]);
    expect(seen).toEqual([]);
    expect(() => new CostOptimizer({ maxPriceAgeDays: -1 })).toThrow(/maxPriceAgeDays/);
  });

  it('treats a price without a readable date as stale', async () => {
    const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', [offer('aws', 'us-east-1', 'x', 1, { asOf: 'last spring' })])], clock: () => 0 });
    const [r] = await optimizer.recommendInstanceType({ cpu: 1, memory: 1 });
    expect(r!.priceAge).toMatchObject({ ageDays: undefined, stale: true });
    expect(r!.priceAge.warning).toMatch(/no readable date/);
  });
});

describe('CostOptimizer.compare', () => {
  const clock = () => Date.parse(BUNDLED_SNAPSHOT_AS_OF) + 10 * DAY;

  it('prices a spec on every cloud: cheapest fitting offer, full estimate, spot and reserved options, price age', async () => {
    const optimizer = new CostOptimizer({ clock });
    const spec = { name: 'db', cpu: 4, memory: '16Gi', disk: 100, egressGBPerMonth: 50 };
    const result = await optimizer.compare(spec);
    expect(result.entries.map((e) => e.provider).sort()).toEqual(['aws', 'azure', 'gcp']);
    expect(result.cheapest).toBe(result.entries[0]);
    for (let i = 1; i < result.entries.length; i++) expect(result.entries[i]!.estimate.monthly).toBeGreaterThanOrEqual(result.entries[i - 1]!.estimate.monthly);
    for (const e of result.entries) {
      // The cheapest fitting offer of that cloud, by on-demand price.
      const fitting = bundledOffers({ provider: e.provider }).filter((o) => o.vcpus >= 4 && o.memoryGiB >= 16 && !o.gpu);
      expect(e.onDemandHourly).toBe(Math.min(...fitting.map((o) => o.onDemandHourly)));
      const storage = bundledStoragePrices(e.provider)!;
      expect(e.estimate.breakdown).toEqual({ compute: e.onDemandHourly * HOURS_PER_MONTH, storage: 100 * storage.ssdPerGBMonth, network: 50 * storage.egressPerGB });
      expect(e.estimate.monthly).toBeCloseTo(e.estimate.breakdown.compute + e.estimate.breakdown.storage + e.estimate.breakdown.network, 9);
      expect(e.estimate.hourly).toBeCloseTo(e.estimate.monthly / HOURS_PER_MONTH, 12);
      expect(e.estimate).toMatchObject({ spot: false, instanceType: e.instanceType, region: e.region, source: `bundled-snapshot:${e.provider}`, asOf: BUNDLED_SNAPSHOT_AS_OF });
      expect(e.reserved.map((r) => r.term)).toEqual(['1y', '3y']);
      expect(e.reserved[0]!.hourly).toBe(e.offer.reserved1yHourly);
      expect(e.spot?.hourly).toBe(e.offer.spotHourly);
      expect(e.priceAge).toMatchObject({ source: `bundled-snapshot:${e.provider}`, asOf: BUNDLED_SNAPSHOT_AS_OF, ageDays: 10, stale: false });
    }
    expect(result.priceWarnings).toEqual([]);
    expect(result.unavailable).toEqual([]);
  });

  it('answers per region with byRegion, honours spot, region, disk type and GPU requests, and validates the spec', async () => {
    const optimizer = new CostOptimizer({ clock });
    const perRegion = await optimizer.compare({ name: 'web', cpu: 2, memory: 4 }, { byRegion: true, providers: ['aws'] });
    const regions = perRegion.entries.map((e) => e.region);
    expect(new Set(regions).size).toBe(regions.length);
    expect(regions.length).toBe(new Set(bundledOffers({ provider: 'aws' }).map((o) => o.region)).size);

    const spot = await optimizer.compare({ name: 'batch', cpu: 4, memory: 16, spot: true, region: 'eu-west-1', disk: { size: 50, type: 'standard' } }, { providers: ['aws'] });
    const e = spot.entries[0]!;
    expect(e.region).toBe('eu-west-1');
    expect(e.estimate.spot).toBe(true);
    expect(e.estimate.breakdown.compute).toBeCloseTo(e.offer.spotHourly! * HOURS_PER_MONTH, 9);
    expect(e.estimate.breakdown.storage).toBeCloseTo(50 * bundledStoragePrices('aws')!.standardPerGBMonth, 9);

    const gpu = await optimizer.compare({ name: 'train', cpu: 8, memory: 32, gpu: { count: 8, type: 'a100' } }, { providers: ['aws', 'azure'] });
    expect(gpu.entries.find((x) => x.provider === 'aws')).toMatchObject({ instanceType: 'p4d.24xlarge', onDemandHourly: 21.96 });

    await expect(optimizer.compare({ name: 'bad', cpu: 0, memory: 4 })).rejects.toSatisfy((err: unknown) => InvalidSpecError.isInstance(err));
    const none = await optimizer.compare({ name: 'huge', cpu: 800, memory: 4 });
    expect(none.entries).toEqual([]);
    expect([...none.unavailable].sort()).toEqual(['aws', 'azure', 'gcp']);
  });

  it('says when the prices it compared are stale, and when a cloud has no storage prices', async () => {
    const events = new EventBus();
    const seen = staleEvents(events);
    const optimizer = new CostOptimizer({ clock: () => Date.parse(BUNDLED_SNAPSHOT_AS_OF) + 200 * DAY, events });
    const result = await optimizer.compare({ name: 'web', cpu: 2, memory: 8 });
    expect(result.priceWarnings).toContain(`price from bundled-snapshot:aws as of ${BUNDLED_SNAPSHOT_AS_OF} is 200 days old (older than 90 days)`);
    expect(new Set(seen.map((s) => s.source))).toEqual(new Set(['bundled-snapshot:aws', 'bundled-snapshot:azure', 'bundled-snapshot:gcp']));
    await optimizer.compare({ name: 'web', cpu: 2, memory: 8 });
    expect(seen.length).toBe(3); // once per source and date, not per call

    const bare = new CostOptimizer({ loaders: [staticOffersLoader('t', [offer('openstack', 'RegionOne', 'm1.large', 0.1, { asOf: '2026-07-05' })])], clock });
    const r = await bare.compare({ name: 'web', cpu: 2, memory: 8, disk: 40 });
    expect(r.entries[0]!.estimate.breakdown.storage).toBe(0);
    expect(r.priceWarnings).toEqual(['no storage or egress prices for openstack: its estimates count compute only']);
  });
});

describe('CostOptimizer.predictCost with a spec', () => {
  it('prices a spec that is not a VM yet, always on without history', async () => {
    const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', [offer('aws', 'us-east-1', 'm5.xlarge', 0.2), offer('gcp', 'us-central1', 'n2-standard-4', 0.19)])], clock: () => at('2026-01-02') });
    const p = await optimizer.predictCost({ name: 'api', cpu: 4, memory: '16Gi' }, 100);
    expect(p.cheapestProvider).toBe('gcp');
    expect(p.point).toBeCloseTo(19, 9);
    expect(p.model).toBe('assumed-always-on');
    expect(p.current).toBeUndefined();
    expect(p.providers.map((f) => f.priceAge.ageDays)).toEqual([1, 1]);
    const history = Array.from({ length: 48 }, (_, h) => ({ at: at('2026-01-01') + h * 3600_000, instanceHours: 0.5 }));
    expect((await optimizer.predictCost({ name: 'api', cpu: 4, memory: 16 }, 24, { history })).point).toBeLessThan(0.19 * 24);
    await expect(optimizer.predictCost({ name: 'api', cpu: 4, memory: 'lots' }, 24)).rejects.toSatisfy((err: unknown) => InvalidSpecError.isInstance(err));
  });
});
