import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProvider, type Offer } from '../../src/index.js';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { PlacementEngine } from '../../src/federation/placement/index.js';
import { LatencyMatrix } from '../../src/federation/index.js';
import { seededRandom } from '../../src/testing/seeded-random.js';
import { EAST, EU, WEST } from './fixtures.js';

// The explained path stands every provider × region in with its cheapest admissible offer. With
// hundreds of offers per pair, most of them smaller than the spec, or with GPUs or another
// architecture, it reads a pair's shapes rather than its whole price list; the offer it finds
// must be the one a scan of the whole pair finds.
const REGIONS = [EAST, WEST, EU];

const catalog = fc.record({
  seed: fc.integer(),
  perPair: fc.integer({ min: 30, max: 400 }),
  cpu: fc.constantFrom(1, 2, 4, 8, 16, 32),
  ratio: fc.constantFrom(1, 2, 4, 8),
  arch: fc.constantFrom(undefined, 'arm64' as const, 'any' as const),
  gpu: fc.boolean(),
  maxCost: fc.option(fc.integer({ min: 500, max: 60_000 }), { nil: undefined }),
});

describe('the explained walk over a crowded pair', () => {
  it('finds each pair’s cheapest fitting offer, or says none fits', () => {
    fc.assert(
      fc.property(catalog, (c) => {
        const rand = seededRandom(c.seed);
        const latency = new LatencyMatrix();
        for (const r of REGIONS) latency.addRegion(r.name, r.geo);
        const entries = (['aws', 'gcp'] as const).map((kind) => {
          const offers: Offer[] = [];
          for (const region of REGIONS) {
            for (let i = 0; i < c.perPair; i++) {
              const vcpus = [1, 1, 1, 2, 2, 4, 8, 16, 32, 64][Math.floor(rand() * 10)]!;
              const memoryGiB = vcpus * [1, 2, 4, 8][Math.floor(rand() * 4)]!;
              const gpu = rand() < 0.2 ? { model: 't4', count: 1, memoryGiB: 16 } : undefined;
              offers.push({
                provider: kind,
                region: region.name,
                instanceType: `f${i % 7}.${vcpus}x${memoryGiB}-${i}`,
                vcpus,
                memoryGiB,
                gpu,
                arch: rand() < 0.25 ? 'arm64' : 'x86_64',
                onDemandHourly: Math.round((vcpus * 100 + memoryGiB * 10) * (0.5 + rand())) / 10_000,
                currency: 'USD',
                source: 'property',
                asOf: '2026-12-01',
              });
            }
          }
          const regions = new Map(REGIONS.map((r) => [r.name, r]));
          return { provider: createMemoryProvider({ name: kind, kind, regions: [...regions.values()] }), defaults: {}, regions, offers };
        });
        const spec = parseVMSpec({ name: 'vm', cpu: c.cpu, memory: c.cpu * c.ratio, ...(c.arch ? { arch: c.arch } : {}), ...(c.gpu ? { gpu: { count: 1 } } : {}) });
        const maxCost = c.maxCost === undefined ? undefined : c.maxCost / 10_000;
        const engine = new PlacementEngine({ providers: entries, latency, topK: 1, rankLimit: 1_000_000 });
        const d = engine.decide(spec, { strategy: 'cost-optimized', spot: 'forbid', constraints: maxCost === undefined ? [] : [{ type: 'cost', operator: '<', value: maxCost }] }, { explain: true });
        const archs = spec.arch ?? ['x86_64'];
        for (const e of entries) {
          for (const region of REGIONS) {
            const fitting = e.offers.filter(
              (o) => o.region === region.name && o.vcpus >= spec.cpu && o.memoryGiB >= spec.memoryGiB && archs.includes(o.arch) && (spec.gpu ? o.gpu !== undefined : o.gpu === undefined),
            );
            const admissible = fitting.filter((o) => maxCost === undefined || o.onDemandHourly < maxCost);
            const placed = d.ranked.filter((r) => r.provider === e.provider.name && r.region === region.name);
            const rejection = d.rejected.find((r) => r.provider === e.provider.name && r.region === region.name);
            if (admissible.length > 0) {
              expect(Math.min(...placed.map((p) => p.hourlyPrice))).toBe(Math.min(...admissible.map((o) => o.onDemandHourly)));
            } else {
              expect(placed).toEqual([]);
              expect(rejection?.rule).toBe(fitting.length === 0 ? 'no-fit' : 'constraint:cost');
            }
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});
