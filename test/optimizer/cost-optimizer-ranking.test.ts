import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carbonGramsPerHour } from '../../src/optimizer/carbon.js';
import { CostOptimizer } from '../../src/optimizer/cost-optimizer.js';
import { staticOffersLoader } from '../../src/optimizer/loaders/provider-offers.js';
import { referenceQuery } from '../../src/optimizer/reference-query.js';
import { expectedSpotHourly } from '../../src/optimizer/spot-risk.js';
import type { Offer } from '../../src/provider/types.js';

const offerArb: fc.Arbitrary<Offer> = fc.record({
  provider: fc.constantFrom('aws', 'gcp', 'azure'),
  region: fc.constantFrom('us-east-1', 'eu-north-1', 'us-central1', 'westeurope', 'nowhere'),
  zone: fc.constant(undefined),
  instanceType: fc.constantFrom('a', 'b', 'c', 'd'),
  vcpus: fc.constantFrom(1, 2, 4, 8),
  memoryGiB: fc.constantFrom(2, 4, 8, 32),
  gpu: fc.constant(undefined),
  arch: fc.constant('x86_64' as const),
  onDemandHourly: fc.constantFrom(0.1, 0.2, 0.3, 0.5),
  spotHourly: fc.option(fc.constantFrom(0.03, 0.0301, 0.04, 0.05, 0.1), { nil: undefined }),
  spotInterruption: fc.option(fc.constantFrom('<5%' as const, '5-10%' as const, '10-15%' as const, '15-20%' as const, '>20%' as const), { nil: undefined }),
  currency: fc.constant('USD'),
  source: fc.constant('test'),
  asOf: fc.constant('2026-11-01'),
});

/** Brute force: every match, scored, stably sorted (ties keep the price order), first `limit`. */
function bruteForce(offers: Offer[], positions: number[], score: (o: Offer) => number, limit: number): Offer[] {
  return positions
    .map((p, order) => ({ o: offers[p]!, s: score(offers[p]!), order }))
    .sort((a, b) => a.s - b.s || a.order - b.order)
    .slice(0, limit)
    .map((x) => x.o);
}

describe('CostOptimizer rankings agree with brute force (property)', () => {
  it('spotRiskAdjusted: exact top-k by expected cost, whatever the catalog, the limit and the risk options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(offerArb, { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(0.25, 1, 24, 168, 2000),
        fc.constantFrom(1, 2, 4),
        async (offers, limit, checkpointHours, cpu) => {
          const spotRisk = { checkpointHours };
          const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', offers)], spotRisk });
          const got = await optimizer.recommendInstanceType({ cpu, memory: 2, spot: true, limit });
          const matches = referenceQuery(offers, { minVcpus: cpu, minMemoryGiB: 2, basis: 'spot' }, offers.length);
          const want = bruteForce(offers, matches, (o) => expectedSpotHourly(o.spotHourly!, o.spotInterruption, spotRisk), limit);
          expect(got.map((r) => r.offer)).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('carbon: exact top-k by grams per hour, ties by price order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(offerArb, { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 20 }), async (offers, limit) => {
        const optimizer = new CostOptimizer({ loaders: [staticOffersLoader('t', offers)] });
        const got = await optimizer.recommendInstanceType({ cpu: 1, memory: 1, rankBy: 'carbon', limit });
        const matches = referenceQuery(offers, { minVcpus: 1, minMemoryGiB: 1 }, offers.length);
        expect(got.map((r) => r.offer)).toEqual(bruteForce(offers, matches, (o) => carbonGramsPerHour(o).gramsPerHour, limit));
      }),
      { numRuns: 100 },
    );
  });
});
