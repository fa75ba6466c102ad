import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryProvider, type Offer } from '../../src/index.js';
import { parseVMSpec } from '../../src/provider-utils/index.js';
import { PlacementEngine } from '../../src/federation/placement/index.js';
import {
  LatencyMatrix,
  RefusedDecision,
  type PlacementConstraint,
  type PlacementRequest,
  type Policy,
  type PlacementDecision,
} from '../../src/federation/index.js';
import { EAST, EAST2, EU, WEST } from './fixtures.js';
import { seededRandom } from '../../src/testing/seeded-random.js';

const REGIONS = [EAST, EAST2, WEST, EU];
const BUCKETS = ['<5%', '5-10%', '10-15%', '15-20%', '>20%'] as const;

const scenario = fc
  .record({
    providers: fc.array(
      fc.record({
        kind: fc.constantFrom('aws', 'azure', 'gcp'),
        regions: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
        spotEnabled: fc.boolean(),
        offers: fc.array(
          fc.record({
            region: fc.nat(3),
            vcpus: fc.constantFrom(1, 2, 4, 8, 16),
            ratio: fc.constantFrom(1, 2, 4, 8),
            price: fc.integer({ min: 100, max: 20_000 }),
            spot: fc.option(fc.integer({ min: 10, max: 100 }), { nil: undefined }),
            bucket: fc.constantFrom(...BUCKETS),
          }),
          { minLength: 1, maxLength: 12 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    cpu: fc.integer({ min: 1, max: 8 }),
    memory: fc.integer({ min: 1, max: 32 }),
    strategy: fc.constantFrom('cost-optimized', 'performance', 'balanced', 'carbon' as const),
    spot: fc.constantFrom('require', 'forbid', 'provider-default' as const),
    providerIn: fc.option(fc.subarray([0, 1, 2], { minLength: 1 }), { nil: undefined }),
    regionNotIn: fc.option(fc.subarray([0, 1, 2, 3], { minLength: 1, maxLength: 2 }), { nil: undefined }),
    maxCost: fc.option(fc.integer({ min: 200, max: 20_000 }), { nil: undefined }),
    near: fc.option(fc.record({ region: fc.nat(3), maxLatencyMs: fc.option(fc.integer({ min: 2, max: 150 }), { nil: undefined }) }), { nil: undefined }),
    preferWeight: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: undefined }),
    preferKind: fc.constantFrom('aws', 'azure', 'gcp', 'spot-instances'),
  })
  .map((s) => {
    const latency = new LatencyMatrix();
    const entries = s.providers.map((p, i) => {
      const name = `p${i}`;
      const regions = new Map(p.regions.map((r) => [REGIONS[r]!.name, REGIONS[r]!]));
      const provider = createMemoryProvider({ name, kind: p.kind, regions: [...regions.values()] });
      const offers: Offer[] = p.offers
        .filter((o) => regions.has(REGIONS[o.region]!.name))
        .map((o, j) => ({
          provider: p.kind,
          region: REGIONS[o.region]!.name,
          instanceType: `t${j}.${o.vcpus}x${o.vcpus * o.ratio}`,
          vcpus: o.vcpus,
          memoryGiB: o.vcpus * o.ratio,
          arch: 'x86_64' as const,
          onDemandHourly: o.price / 10_000,
          spotHourly: o.spot === undefined ? undefined : Math.round((o.price * o.spot) / 100) / 10_000,
          spotInterruption: o.spot === undefined ? undefined : o.bucket,
          currency: 'USD',
          source: 'property',
          asOf: '2026-11-27',
        }));
      return { name, kind: p.kind, spotEnabled: p.spotEnabled, provider, regions, offers };
    });
    for (const r of REGIONS) latency.addRegion(r.name, r.geo);
    const constraints: PlacementConstraint[] = [];
    if (s.providerIn) constraints.push({ type: 'provider', operator: 'in', values: s.providerIn.map((i) => `p${i}`) });
    if (s.regionNotIn) constraints.push({ type: 'region', operator: 'notIn', values: s.regionNotIn.map((i) => REGIONS[i]!.name) });
    if (s.maxCost !== undefined) constraints.push({ type: 'cost', operator: '<', value: s.maxCost / 10_000 });
    if (s.near) constraints.push({ type: 'region', operator: 'near', value: REGIONS[s.near.region]!.name, maxLatencyMs: s.near.maxLatencyMs });
    const request: PlacementRequest = { strategy: s.strategy, spot: s.spot, constraints };
    const policies: Policy[] = s.preferWeight === undefined ? [] : [{ name: 'pref', condition: { type: 'always' }, action: { type: 'prefer', providers: [s.preferKind], weight: s.preferWeight } }];
    const spec = parseVMSpec({ name: 'vm', cpu: s.cpu, memory: s.memory });
    const carbon = (o: Offer): number => o.vcpus * (1 + REGIONS.findIndex((r) => r.name === o.region));
    const build = (topK: number) =>
      new PlacementEngine({
        providers: entries.map((e) => ({ provider: e.provider, defaults: { spotEnabled: e.spotEnabled }, regions: e.regions, offers: e.offers })),
        policies,
        latency,
        carbon,
        topK,
        rankLimit: 1_000_000,
      });
    return { entries, request, spec, constraints, latency, build, maxCost: s.maxCost, preferKind: s.preferKind, preferWeight: s.preferWeight };
  });

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The reference feasibility rule, written from the constraints alone. */
function feasible(s: Scenario): Set<string> {
  const out = new Set<string>();
  const spotPolicy = s.request.spot!;
  for (const e of s.entries) {
    for (const o of e.offers) {
      if (o.vcpus < s.spec.cpu || o.memoryGiB < s.spec.memoryGiB) continue;
      let ok = true;
      for (const c of s.constraints) {
        if (c.type === 'provider' && !c.values.includes(e.name)) ok = false;
        if (c.type === 'region' && c.operator === 'notIn' && c.values.includes(o.region)) ok = false;
        if (c.type === 'region' && c.operator === 'near' && c.maxLatencyMs !== undefined && s.latency.rtt(c.value, o.region)!.rttMs > c.maxLatencyMs) ok = false;
      }
      if (!ok) continue;
      const max = s.maxCost === undefined ? Infinity : s.maxCost / 10_000;
      if (spotPolicy !== 'require' && o.onDemandHourly < max) out.add(`${e.name}|${o.region}|${o.instanceType}|false`);
      const spotAllowed = spotPolicy === 'require' || (spotPolicy === 'provider-default' && (e.spotEnabled || (s.preferWeight !== undefined && s.preferKind === 'spot-instances')));
      if (spotAllowed && o.spotHourly !== undefined && o.spotHourly < max) out.add(`${e.name}|${o.region}|${o.instanceType}|true`);
    }
  }
  return out;
}

const keyOf = (c: { provider: string; region: string; instanceType: string; spot: boolean }): string => `${c.provider}|${c.region}|${c.instanceType}|${c.spot}`;

describe('placement (property)', () => {
  it('never violates a hard constraint, considers exactly the feasible candidates, and chooses the best-scored one', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const exhaustive = s.build(100_000).decide(s.spec, s.request);
        const fast = s.build(1).decide(s.spec, s.request);
        const expected = feasible(s);
        if (exhaustive instanceof RefusedDecision) {
          expect(expected.size).toBe(0);
          expect(fast).toBeInstanceOf(RefusedDecision);
          return;
        }
        const all = exhaustive as PlacementDecision;
        expect(new Set(all.ranked.map(keyOf))).toEqual(expected);
        const best = Math.max(...all.ranked.map((c) => c.score));
        expect(all.chosen.score).toBe(best);
        // The branch-and-bound fast path (K = 1) finds the same choice as scoring everything.
        expect(fast).not.toBeInstanceOf(RefusedDecision);
        expect(keyOf((fast as PlacementDecision).chosen)).toBe(keyOf(all.chosen));
        expect((fast as PlacementDecision).chosen.score).toBe(all.chosen.score);
      }),
      { numRuns: 300 },
    );
  });

  it('explains every provider × region it does not place on', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const d = s.build(8).decide(s.spec, s.request, { explain: true });
        for (const e of s.entries) {
          for (const region of e.regions.keys()) {
            const placed = d.ranked.some((c) => c.provider === e.name && c.region === region);
            const rejected = d.rejected.some((r) => r.provider === e.name && (r.region === region || r.region === undefined));
            expect(placed || rejected, `${e.name}/${region}`).toBe(true);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});


// Catalogs where the old 512-offer scan limit bit: thousands of fitting offers cheaper than the
// true optimum (burstable, volatile spot, far away or dirty), a few dearer ones that win on the
// other terms. The branch and bound must find exactly what scoring every candidate finds.
const crowded = fc.record({
  seed: fc.integer(),
  cheap: fc.integer({ min: 600, max: 3000 }),
  good: fc.integer({ min: 1, max: 6 }),
  strategy: fc.constantFrom('cost-optimized', 'performance', 'balanced', 'carbon' as const),
  weights: fc.option(
    fc.record({ cost: fc.double({ min: 0, max: 1, noNaN: true }), performance: fc.double({ min: 0, max: 1, noNaN: true }), location: fc.double({ min: 0, max: 1, noNaN: true }), carbon: fc.double({ min: 0, max: 1, noNaN: true }) }),
    { nil: undefined },
  ),
  spot: fc.constantFrom('require', 'forbid', 'provider-default' as const),
  near: fc.option(fc.nat(3), { nil: undefined }),
  residency: fc.option(fc.constantFrom('us', 'eu'), { nil: undefined }),
  families: fc.boolean(),
  batch: fc.constantFrom(1, 4, 32),
});

describe('placement (property, crowded catalogs)', () => {
  it('chooses exactly what an exhaustive scorer chooses when thousands of offers are cheaper than the optimum', () => {
    fc.assert(
      fc.property(crowded, (c) => {
        const rand = seededRandom(c.seed);
        const latency = new LatencyMatrix();
        for (const r of REGIONS) latency.addRegion(r.name, r.geo);
        const kinds = ['aws', 'gcp'] as const;
        const entries = kinds.map((kind, k) => {
          const regions = new Map(REGIONS.map((r) => [r.name, r]));
          const offers: Offer[] = [];
          const add = (type: string, price: number, bucket: (typeof BUCKETS)[number]): void => {
            const region = REGIONS[Math.floor(rand() * REGIONS.length)]!.name;
            const vcpus = [2, 4, 8][Math.floor(rand() * 3)]!;
            offers.push({
              provider: kind, region, instanceType: type, vcpus, memoryGiB: vcpus * 4, arch: 'x86_64', onDemandHourly: price,
              spotHourly: rand() < 0.7 ? Math.round(price * (0.2 + rand() * 0.5) * 1e6) / 1e6 : undefined, spotInterruption: bucket,
              currency: 'USD', source: 'property', asOf: '2026-11-27',
            });
          };
          for (let i = 0; i < c.cheap; i++) add(`t3.c${i}`, Math.round((0.01 + rand() * 0.2) * 1e6) / 1e6, rand() < 0.5 ? '>20%' : '15-20%');
          for (let i = 0; i < c.good; i++) add(`m${k}.g${i}`, Math.round((0.2 + rand() * 0.3) * 1e6) / 1e6, '<5%');
          const provider = createMemoryProvider({ name: `${kind}-1`, kind, regions: REGIONS });
          return { provider, defaults: { spotEnabled: k === 0, instanceFamilies: c.families && k === 1 ? ['m1'] : undefined }, regions, offers };
        });
        const intensity = [0.9, 0.5, 0.2, 0.05];
        const carbon = (o: Offer): number => o.vcpus * 40 * intensity[REGIONS.findIndex((r) => r.name === o.region)]! * (o.instanceType.startsWith('t3') ? 2 : 1);
        const build = (topK: number, maxBatch: number) => new PlacementEngine({ providers: entries, latency, carbon, topK, maxBatch, rankLimit: 1_000_000 });
        const constraints: PlacementConstraint[] = c.near === undefined ? [] : [{ type: 'region', operator: 'near', value: REGIONS[c.near]!.name }];
        const request: PlacementRequest = { strategy: c.strategy, weights: c.weights, spot: c.spot, constraints };
        const spec = parseVMSpec({ name: 'vm', cpu: 2, memory: 8, labels: c.residency ? { 'data-residency': c.residency } : {} });
        const exhaustive = build(1_000_000, 1_000_000).decide(spec, request);
        const fast = build(c.batch, c.batch * 4).decide(spec, request);
        if (exhaustive instanceof RefusedDecision) {
          expect(fast).toBeInstanceOf(RefusedDecision);
          return;
        }
        const all = exhaustive as PlacementDecision;
        expect(all.chosen.score).toBe(Math.max(...all.ranked.map((x) => x.score)));
        expect(fast).not.toBeInstanceOf(RefusedDecision);
        expect(keyOf((fast as PlacementDecision).chosen)).toBe(keyOf(all.chosen));
        expect((fast as PlacementDecision).chosen.score).toBe(all.chosen.score);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
