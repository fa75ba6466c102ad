/**
 * Placement throughput with 4 providers over a SkyPilot-scale catalog (~92k offers).
 *
 *   node --import tsx bench/federation.ts
 *
 * Reports decisions per second and per-decision p50/p99 for the fast path (no explanations)
 * and the explained path, and, as the baseline measured in the same run, the same decisions
 * with every fitting offer scored (the exhaustive scan the branch and bound avoids).
 */
import { performance } from 'node:perf_hooks';
import { createMemoryProvider, type Offer, type VMSpec, type VMSpecInput } from 'novacron';
import { parseVMSpec } from 'novacron/provider-utils';
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

function build(topK?: number): FederationManager {
  return new FederationManager({
    topK,
    providers: [
      { provider: createMemoryProvider({ name: 'aws', kind: 'aws', offers: aws }), defaults: { spotEnabled: true } },
      { provider: createMemoryProvider({ name: 'gcp', kind: 'gcp', offers: gcp }) },
      { provider: createMemoryProvider({ name: 'azure', kind: 'azure', offers: azure }) },
      { provider: createMemoryProvider({ name: 'on-prem', kind: 'openstack', offers: onPremOffers }) },
    ],
  });
}

const rand = seededRandom(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
interface Case { spec: VMSpecInput | VMSpec; request: PlacementRequest }
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

function measure(manager: FederationManager, n: number, explain: boolean): Promise<{ perSecond: number; p50: number; p99: number }> {
  return measureCases(manager, cases, n, explain);
}

async function measureCases(manager: FederationManager, list: readonly Case[], n: number, explain: boolean): Promise<{ perSecond: number; p50: number; p99: number }> {
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

const fastManager = build();
const t = performance.now();
await fastManager.ready();
console.log(`catalog load + index build: ${(performance.now() - t).toFixed(0)} ms`);
const exhaustiveManager = build(200_000);
await exhaustiveManager.ready();

for (const c of cases.slice(0, 300)) await fastManager.place(c.spec, { request: c.request, explain: false }).catch(() => undefined); // warm-up

const fmt = (r: { perSecond: number; p50: number; p99: number }): string =>
  `${r.perSecond.toFixed(0).padStart(7)} decisions/s   p50 ${r.p50.toFixed(1).padStart(7)} µs   p99 ${r.p99.toFixed(1).padStart(8)} µs`;
for (const strategy of ['cost-optimized', 'balanced', 'performance', 'carbon'] as const) {
  const only = cases.map((c) => ({ ...c, request: { ...c.request, strategy } }));
  const r = await measureCases(fastManager, only, 5_000, false);
  console.log(`fast path, ${strategy.padEnd(14)}  ${fmt(r)}`);
}
const fast = await measure(fastManager, 20_000, false);
// A control plane validates a request once and may place it many times (failover, re-placement).
const prevalidated = cases.map((c) => ({ ...c, spec: parseVMSpec(c.spec) }));
const fastPrevalidated = await measureCases(fastManager, prevalidated, 20_000, false);
const explained = await measure(fastManager, 2_000, true);
const exhaustive = await measure(exhaustiveManager, 200, false);
console.log(`fast path, mixed strategies     ${fmt(fast)}   (goal ≥ 20,000/s)`);
console.log(`  same, specs validated up front  ${fmt(fastPrevalidated)}`);
console.log(`with full explanations, mixed   ${fmt(explained)}   (goal ≥ 2,000/s)`);
console.log(`baseline, every offer scored    ${fmt(exhaustive)}`);
console.log(`fast path vs baseline: ${(fast.perSecond / exhaustive.perSecond).toFixed(0)}× more decisions per second (same run)`);
