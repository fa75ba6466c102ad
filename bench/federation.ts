/**
 * Placement throughput with 4 providers over a SkyPilot-scale catalog (~92k offers).
 *
 *   node --import tsx bench/federation.ts
 *
 * Prints one table: decisions per second and per-decision p50/p99 (median of three runs) for the
 * fast path by strategy, the explained path, a placement restricted to one instance family behind
 * thousands of cheaper offers, and every fitting offer scored (brute force, same run); the
 * "before" column is a run of the code before the exact search (issue 12), on this machine class.
 * The last row checks parity: the fast path's choice against the brute force on random queries
 * (on-demand, spot, GPUs, region and provider restrictions, instance families).
 */
import { performance } from 'node:perf_hooks';
import { createMemoryProvider, type Offer, type VMSpec, type VMSpecInput } from 'novacron';
import { FederationManager, type PlacementRequest } from 'novacron';
import { seededRandom, skyPilotScaleCatalog } from './catalog-generator.js';

const { aws, gcp, azure } = skyPilotScaleCatalog();
const onPremOffers: Offer[] = [1, 2, 4, 8, 16, 32].flatMap((v) =>
  [2, 4, 8].map((ratio) => ({
    provider: 'openstack', region: 'dc-1', instanceType: `m1.${v}x${v * ratio}`, vcpus: v, memoryGiB: v * ratio, arch: 'x86_64' as const,
    onDemandHourly: Math.round((v * 0.03 + v * ratio * 0.004) * 1e4) / 1e4, currency: 'USD', source: 'bench-rate-card', asOf: '2026-11-27',
  })),
);
console.log(`catalog: aws ${aws.length}, gcp ${gcp.length}, azure ${azure.length}, on-prem ${onPremOffers.length} offers`);

function build(topK?: number, families?: readonly string[]): FederationManager {
  return new FederationManager({
    topK,
    providers: [
      { provider: createMemoryProvider({ name: 'aws', kind: 'aws', offers: aws }), defaults: { spotEnabled: true, instanceFamilies: families } },
      { provider: createMemoryProvider({ name: 'gcp', kind: 'gcp', offers: gcp }) },
      { provider: createMemoryProvider({ name: 'azure', kind: 'azure', offers: azure }) },
      { provider: createMemoryProvider({ name: 'on-prem', kind: 'openstack', offers: onPremOffers }) },
    ],
  });
}

const rand = seededRandom(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
interface Case { spec: VMSpecInput | VMSpec; request: PlacementRequest }
const awsRegions = [...new Set(aws.map((o) => o.region))];
const gcpRegions = [...new Set(gcp.map((o) => o.region))];
function mixedCase(i: number): Case {
  const cpu = pick([1, 2, 2, 4, 4, 8, 16, 32]);
  const spec: VMSpecInput = { name: `vm-${i}`, cpu, memory: cpu * pick([1, 2, 4, 8]) };
  if (rand() < 0.05) spec.gpu = { count: 1, type: pick(['t4', 'a100', 'l4']) };
  const r = rand();
  const request: PlacementRequest = {
    strategy: pick(['cost-optimized', 'balanced', 'balanced', 'performance'] as const),
    spot: r < 0.2 ? 'require' : r < 0.5 ? 'forbid' : 'provider-default',
    constraints: [
      ...(rand() < 0.4 ? [{ type: 'provider' as const, operator: 'in' as const, values: [pick(['aws', 'gcp', 'azure']), pick(['aws', 'gcp', 'azure', 'on-prem'])] }] : []),
      ...(rand() < 0.2 ? [{ type: 'cost' as const, operator: '<' as const, value: pick([0.2, 0.5, 1, 5]) }] : []),
    ],
  };
  return { spec, request };
}
const cases = Array.from({ length: 2000 }, (_, i) => mixedCase(i));

interface Figures { perSecond: number; p50: number; p99: number }

async function measureCases(manager: FederationManager, list: readonly Case[], n: number, explain: boolean): Promise<Figures> {
  const samples = new Float64Array(n);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const c = list[i % list.length]!;
    const t = performance.now();
    await manager.place(c.spec, { request: c.request, explain }).catch(() => undefined); // refusals count as decisions
    samples[i] = performance.now() - t;
  }
  const total = performance.now() - started;
  samples.sort();
  return { perSecond: n / (total / 1000), p50: samples[Math.floor(n * 0.5)]! * 1000, p99: samples[Math.floor(n * 0.99)]! * 1000 };
}

/** The median run of three, by decisions per second (one core, the machine may be shared). */
async function median(manager: FederationManager, list: readonly Case[], n: number, explain: boolean): Promise<Figures> {
  const runs: Figures[] = [];
  for (let i = 0; i < 3; i++) runs.push(await measureCases(manager, list, n, explain));
  return runs.sort((a, b) => a.perSecond - b.perSecond)[1]!;
}

const fastManager = build();
const t = performance.now();
await fastManager.ready();
console.log(`catalog load + index build: ${(performance.now() - t).toFixed(0)} ms`);
// Scores every fitting offer: the search reads the whole catalog in its first batch.
const exhaustiveManager = build(200_000);
await exhaustiveManager.ready();
// aws restricted to one family (c16) whose offers sit behind about 2,000 cheaper fitting ones (2 vCPU / 8 GiB).
const restrictedManager = build(undefined, ['c16']);
await restrictedManager.ready();
const restrictedExhaustive = build(200_000, ['gp5', 'c6', 'c16']);
await restrictedExhaustive.ready();
const restrictedFast = build(undefined, ['gp5', 'c6', 'c16']);
await restrictedFast.ready();

for (const c of cases.slice(0, 300)) await fastManager.place(c.spec, { request: c.request, explain: false }).catch(() => undefined); // warm-up

const withStrategy = (strategy: PlacementRequest['strategy']): Case[] => cases.map((c) => ({ ...c, request: { ...c.request, strategy } }));
const awsOnly = cases.map((c) => ({ spec: { ...(c.spec as VMSpecInput), gpu: undefined }, request: { ...c.request, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['aws'] }] } }));
const rows: Array<[string, Figures, string, string]> = [];
rows.push(['fast path, mixed strategies', await median(fastManager, cases, 20_000, false), '16,174/s, p50 50.7 µs', '≥ 50,000/s, p50 ≤ 20 µs']);
rows.push(['fast path, cost-optimized', await median(fastManager, withStrategy('cost-optimized'), 5_000, false), '8,964/s, p50 60.5 µs', '≥ 100,000/s']);
rows.push(['fast path, balanced', await median(fastManager, withStrategy('balanced'), 5_000, false), '15,531/s, p50 42.1 µs', '']);
rows.push(['fast path, performance', await median(fastManager, withStrategy('performance'), 5_000, false), '11,203/s, p50 44.8 µs', '']);
rows.push(['fast path, carbon', await median(fastManager, withStrategy('carbon'), 5_000, false), '1,496/s, p50 585.5 µs', 'within 2× of cost-optimized']);
rows.push(['with full explanations, mixed', await median(fastManager, cases, 2_000, true), '2,255/s, p50 245.8 µs', '≥ 5,000/s']);
rows.push(['aws only, unrestricted', await median(fastManager, awsOnly, 5_000, false), '-', '']);
rows.push(['aws only, family c16 behind 2,000 cheaper', await median(restrictedManager, awsOnly, 5_000, false), 'never returns', 'same as unrestricted']);
rows.push(['every fitting offer scored (brute force)', await measureCases(exhaustiveManager, cases, 200, false), '11/s', '']);

// Parity: the fast path against scoring every fitting offer, over the same catalog.
const parityCases = Array.from({ length: 600 }, (_, i) => {
  const c = mixedCase(10_000 + i);
  const extra = rand() < 0.3 ? [{ type: 'region' as const, operator: 'in' as const, values: [pick(awsRegions), pick(gcpRegions), pick(awsRegions)] }] : [];
  const strategy = pick(['cost-optimized', 'balanced', 'performance', 'carbon'] as const);
  return { spec: c.spec, request: { ...c.request, strategy, constraints: [...(c.request.constraints ?? []), ...extra] } };
});
let agree = 0;
let refusedBoth = 0;
const disagreements: string[] = [];
for (const [i, c] of parityCases.entries()) {
  const [fastM, bruteM] = i % 2 === 0 ? [fastManager, exhaustiveManager] : [restrictedFast, restrictedExhaustive];
  const a = await fastM.place(c.spec, { request: c.request }).catch(() => undefined);
  const b = await bruteM.place(c.spec, { request: c.request }).catch(() => undefined);
  const key = (d: typeof a): string => (d ? `${d.chosen.provider}|${d.chosen.region}|${d.chosen.instanceType}|${d.chosen.spot}|${d.chosen.score}` : 'refused');
  if (key(a) === key(b)) {
    agree++;
    if (!a) refusedBoth++;
  } else disagreements.push(`${JSON.stringify(c)}: ${key(a)} vs ${key(b)}`);
}

const fmt = (r: Figures): string => `${r.perSecond.toFixed(0).padStart(7)}/s  p50 ${r.p50.toFixed(1).padStart(6)} µs  p99 ${r.p99.toFixed(1).padStart(7)} µs`;
console.log('\nplacement, SkyPilot-scale catalog, one core, median of 3 runs');
console.log(`${'row'.padEnd(44)}${'now'.padEnd(42)}${'before (unmodified code, separate run)'.padEnd(40)}goal`);
for (const [name, r, before, goal] of rows) console.log(`${name.padEnd(44)}${fmt(r).padEnd(42)}${before.padEnd(40)}${goal}`);
console.log(
  `${'parity: fast path = brute force'.padEnd(44)}${`${agree}/${parityCases.length} identical choices (${refusedBoth} refused by both)`.padEnd(42)}${'-'.padEnd(40)}all`,
);
for (const d of disagreements.slice(0, 5)) console.log(`  disagreement: ${d}`);
