import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../src/provider/types.js';
import { OfferIndex } from '../../src/optimizer/offer-index.js';
import type { OfferQuery } from '../../src/optimizer/offer-query.js';
import { referenceQuery } from '../../src/optimizer/reference-query.js';
import { bundledOffers } from '../../src/catalog/bundled-snapshot.js';

// Small domains on purpose: they make equal prices, shapes and names frequent, so the
// tie-breaking rules are exercised, not just the price order.
const price = fc.oneof(
  fc.constantFrom(0, 0.01, 0.05, 0.1, 0.1, 0.2, 1, 2.5),
  fc.double({ min: 0, max: 50, noNaN: true }),
);
const optionalPrice = fc.option(fc.oneof(price, fc.constant(Number.NaN), fc.constant(-1)), { nil: undefined });
const offerArb: fc.Arbitrary<Offer> = fc.record({
  provider: fc.constantFrom('aws', 'azure', 'gcp', 'openstack'),
  region: fc.constantFrom('r1', 'r2', 'r3', 'us-east-1', 'eastus'),
  zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  instanceType: fc.constantFrom('t1', 't2', 'm5.large', 'm5.xlarge', 'r7i.large', 'n2-standard-4', 'n2-highmem-2', 'Standard_D2s_v5'),
  vcpus: fc.constantFrom(0.25, 0.5, 1, 2, 3, 4, 8, 16, 64, 96, 200, 70000),
  memoryGiB: fc.constantFrom(0.5, 0.6, 1, 2, 3.75, 4, 8, 16, 61, 768, 2048),
  gpu: fc.option(
    fc.record({ model: fc.constantFrom('t4', 'a100', 'A100', 'l4'), count: fc.constantFrom(0, 1, 2, 4, 8) }),
    { nil: undefined },
  ),
  arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
  onDemandHourly: fc.oneof(price, fc.constant(Number.NaN)),
  spotHourly: optionalPrice,
  reserved1yHourly: optionalPrice,
  reserved3yHourly: optionalPrice,
  currency: fc.constant('USD'),
  source: fc.constant('test'),
  asOf: fc.constant('2026-01-01'),
});

const queryArb: fc.Arbitrary<OfferQuery> = fc.record(
  {
    minVcpus: fc.constantFrom(0, 0.3, 1, 2, 3, 4, 5, 16, 100, 1000),
    minMemoryGiB: fc.constantFrom(0, 0.55, 1, 3.75, 4, 8, 100, 4096),
    gpu: fc.record(
      {
        count: fc.constantFrom(0, 1, 2, 8),
        model: fc.option(fc.constantFrom('t4', 'A100', 'a100', 'h100'), { nil: undefined }),
        exact: fc.option(fc.boolean(), { nil: undefined }),
      },
      { requiredKeys: ['count'] },
    ),
    providers: fc.uniqueArray(fc.constantFrom('aws', 'azure', 'gcp', 'openstack', 'nope'), { maxLength: 3 }),
    regions: fc.uniqueArray(fc.constantFrom('r1', 'r2', 'r3', 'us-east-1', 'eastus', 'unknown'), { maxLength: 3 }),
    arch: fc.oneof(
      fc.constantFrom('x86_64' as const, 'arm64' as const),
      fc.uniqueArray(fc.constantFrom('x86_64' as const, 'arm64' as const), { maxLength: 2 }),
    ),
    // m5.large and m5.xlarge share a family: a family allowed through two of its types is merged once.
    instanceTypes: fc.uniqueArray(fc.constantFrom('t1', 'm5.large', 'm5.xlarge', 'r7i.large', 'n2-highmem-2', 'nope.large'), { maxLength: 3 }),
    families: fc.uniqueArray(fc.constantFrom('t1', 'm5', 'r7i', 'n2', 'Standard_D', 'nope'), { maxLength: 3 }),
    familiesByProvider: fc
      .array(fc.tuple(fc.constantFrom('aws', 'azure', 'gcp', 'openstack', 'nope'), fc.uniqueArray(fc.constantFrom('t2', 'm5', 'r7i', 'n2', 'Standard_D'), { maxLength: 2 })), { maxLength: 3 })
      .map((entries) => new Map(entries)),
    basis: fc.constantFrom('onDemand' as const, 'spot' as const, 'reserved1y' as const, 'reserved3y' as const),
    maxHourly: fc.constantFrom(0, 0.05, 0.1, 1, 10, Infinity),
  },
  { requiredKeys: [] },
);

describe('OfferIndex', () => {
  it('gives the same answers as the filter-and-sort reference, in the same order (random catalogs and queries)', () => {
    fc.assert(
      fc.property(
        fc.array(offerArb, { maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        fc.array(queryArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 400 }),
        (unique, copies, queries, limit) => {
        // Exact copies at other positions: only the last tie-break (catalog position) orders them.
        const offers = unique.length === 0 ? unique : [...unique, ...copies.map((c) => ({ ...unique[c % unique.length]! }))];
        const index = OfferIndex.build(offers);
        const out = new Uint32Array(limit);
        for (const q of queries) {
          const n = index.query(q, out, limit);
          expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, q, limit));
        }
      },
      ),
      { numRuns: 400 },
    );
  });

  it('reads the answers in batches with a cursor, giving exactly the unbatched answers (property)', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 300 }), queryArb, fc.integer({ min: 1, max: 7 }), (offers, q, batch) => {
        const index = OfferIndex.build(offers);
        const all = referenceQuery(offers, q, offers.length);
        const got: number[] = [];
        const out = new Uint32Array(batch);
        let after: number | undefined;
        for (let rounds = 0; rounds <= offers.length; rounds++) {
          const n = index.query({ ...q, after }, out);
          expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, { ...q, after }, batch));
          for (let i = 0; i < n; i++) got.push(out[i]!);
          if (n < batch) break;
          after = out[n - 1]!;
        }
        expect(got).toEqual(all);
      }),
      { numRuns: 300 },
    );
  });

  it('restricts instance types and families inside the index, per owner too, however many cheaper offers they exclude', () => {
    const cheap: Offer[] = Array.from({ length: 3000 }, (_, i) => ({
      provider: 'aws', region: `r${i % 3}`, instanceType: `m${i % 7}.large`, vcpus: 2, memoryGiB: 8, arch: 'x86_64' as const,
      onDemandHourly: 0.01 + i * 1e-5, currency: 'USD', source: 'test', asOf: '2026-01-01',
    }));
    const wanted: Offer = { ...cheap[0]!, region: 'r1', instanceType: 'r7i.large', onDemandHourly: 5 };
    const offers = [...cheap, wanted, { ...wanted, provider: 'gcp', instanceType: 'n2-standard-2', onDemandHourly: 4 }];
    const index = OfferIndex.build(offers);
    const out = new Uint32Array(4);
    for (const q of [
      { families: ['r7i'] },
      { instanceTypes: ['r7i.large'] },
      { familiesByProvider: new Map([['aws', ['r7i']]]), providers: ['aws'] },
      { familiesByProvider: new Map([['aws', ['r7i']]]), regions: ['r1'] },
    ]) {
      const n = index.query(q, out);
      expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, q, 4));
      expect(index.offer(out[0]!).instanceType).toBe(q.providers || q.familiesByProvider === undefined ? 'r7i.large' : 'n2-standard-2');
    }
  });

  it('breaks ties exactly like the reference when nearly everything ties (property)', () => {
    // Two prices, two shapes, few names: most pairs tie on price and size, so the order is
    // decided by provider, region, zone, instance type and position, in that order.
    const tied: fc.Arbitrary<Offer> = fc.record({
      provider: fc.constantFrom('aws', 'gcp'),
      region: fc.constantFrom('r1', 'r2', 'r3'),
      zone: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
      instanceType: fc.constantFrom('x', 'y', 'z'),
      vcpus: fc.constantFrom(2, 4),
      memoryGiB: fc.constant(8),
      gpu: fc.constant(undefined),
      arch: fc.constant('x86_64' as const),
      onDemandHourly: fc.constantFrom(0.1, 0.2),
      spotHourly: fc.option(fc.constantFrom(0.03, 0.04), { nil: undefined }),
      currency: fc.constant('USD'),
      source: fc.constant('test'),
      asOf: fc.constant('2026-01-01'),
    });
    fc.assert(
      fc.property(fc.array(tied, { minLength: 1, maxLength: 120 }), fc.constantFrom('onDemand' as const, 'spot' as const), fc.integer({ min: 1, max: 150 }), (offers, basis, limit) => {
        const index = OfferIndex.build(offers);
        const out = new Uint32Array(limit);
        for (const q of [{ basis }, { basis, minVcpus: 3 }, { basis, regions: ['r2', 'r3'] }]) {
          const n = index.query(q, out, limit);
          expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, q, limit));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference on the bundled snapshot for every basis', () => {
    const offers = bundledOffers();
    const index = OfferIndex.build(offers);
    const out = new Uint32Array(50);
    for (const basis of ['onDemand', 'spot', 'reserved1y', 'reserved3y'] as const) {
      for (const q of [
        { minVcpus: 4, minMemoryGiB: 8 },
        { minVcpus: 8, minMemoryGiB: 32, providers: ['aws', 'gcp'], regions: ['us-east-1', 'us-central1'] },
        { minVcpus: 4, gpu: { count: 1, model: 'a100' } },
        { gpu: { count: 4 }, maxHourly: 10 },
        { minVcpus: 2, arch: 'arm64' as const },
      ]) {
        const n = index.query({ ...q, basis }, out);
        expect(n).toBeGreaterThan(0);
        expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, { ...q, basis }, 50));
      }
    }
  });

  it('returns the cheapest fitting offer first and respects the limit and the buffer size', () => {
    const offers = bundledOffers({ provider: 'aws', regions: ['us-east-1'] });
    const index = OfferIndex.build(offers);
    const out = new Uint32Array(3);
    expect(index.query({ minVcpus: 2, minMemoryGiB: 8 }, out)).toBe(3);
    expect(index.offer(out[0]!).instanceType).toBe('m6g.large');
    expect(index.query({ minVcpus: 2, minMemoryGiB: 8 }, out, 1)).toBe(1);
    expect(index.query({ minVcpus: 2 }, new Uint32Array(0))).toBe(0);
    expect(index.query({ minVcpus: 1_000_000 }, out)).toBe(0);
    expect(index.query({ gpu: { count: 1, model: 'h100' } }, out)).toBe(0);
  });

  it('leaves no state behind between queries (region and provider masks are reset)', () => {
    const offers = bundledOffers();
    const index = OfferIndex.build(offers);
    const out = new Uint32Array(20);
    index.query({ regions: ['eastus'], providers: ['azure'] }, out);
    const n = index.query({ minVcpus: 2 }, out);
    expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(offers, { minVcpus: 2 }, 20));
  });

  it('with owners, groups and filters by owner as if each offer carried it, and leaves the offers as they are (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(offerArb, fc.constantFrom('one', 'two')), { maxLength: 200 }), fc.array(queryArb, { minLength: 1, maxLength: 10 }), (rows, queries) => {
        const offers = rows.map(([o]) => o);
        const owners = rows.map(([o, suffix]) => `${o.provider}-${suffix}`);
        const index = OfferIndex.build(offers, { owners });
        // The reference sees the owner in `provider`: what an index over relabelled copies would answer.
        const relabelled = offers.map((o, i) => ({ ...o, provider: owners[i]! }));
        const out = new Uint32Array(50);
        for (const q of queries) {
          const named = {
            ...q,
            providers: q.providers?.map((p) => `${p}-one`),
            familiesByProvider: q.familiesByProvider && new Map([...q.familiesByProvider].map(([p, f]) => [`${p}-one`, f])),
          };
          const n = index.query(named, out);
          expect(Array.from(out.subarray(0, n))).toEqual(referenceQuery(relabelled, named, 50));
        }
        for (let i = 0; i < offers.length; i++) {
          expect(index.offer(i)).toBe(offers[i]);
          expect(index.ownerOf(i)).toBe(owners[i]);
        }
      }),
      { numRuns: 200 },
    );
    expect(() => OfferIndex.build(bundledOffers({ provider: 'aws', regions: ['us-east-1'] }), { owners: [] })).toThrow(/owners/);
  });

  it('rejects offers with non-finite sizes instead of ranking them arbitrarily', () => {
    const bad = { ...bundledOffers({ provider: 'aws', regions: ['us-east-1'] })[0]!, vcpus: Number.NaN };
    expect(() => OfferIndex.build([bad])).toThrow(/non-finite/);
  });

  it('reports its shape', () => {
    const stats = OfferIndex.build(bundledOffers()).stats();
    expect(stats.providers).toBe(3);
    expect(stats.gpuModels).toBeGreaterThanOrEqual(5);
    expect(stats.partitions).toBeGreaterThan(10);
    expect(stats.columnBytes).toBeGreaterThan(0);
  });
});
