/**
 * Placement throughput with 4 providers over a SkyPilot-scale catalog (~92k offers).
 *
 *   node --import tsx bench/federation.ts
 *
 * Prints one table: decisions per second and per-decision p50/p99 (median of three runs) for the
 * fast path by strategy, the explained path, a placement restricted to one instance family behind
 * thousands of cheaper offers, and every fitting offer scored (brute force). The "before" column
 * is the same rows, in the same run, on the code of the last commit before the exact search
 * (issue 12; `NOVACRON_BENCH_BASELINE_REV` names another, `NOVACRON_BENCH_BASELINE=off` skips it),
 * built by bench/baseline.ts and run in a child process per row, so that a row that never returns
 * there is reported as such. The last row checks parity: the fast path's choice against the brute
 * force on random queries (on-demand, spot, GPUs, region and provider restrictions, families).
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Novacron from 'novacron';
import type { Offer, PlacementRequest, VMSpec, VMSpecInput } from 'novacron';
import { prepareBaseline } from './baseline.js';
import { seededRandom, skyPilotScaleCatalog } from './catalog-generator.js';

/** The last commit before the exact search of issue 12. */
const BASELINE_REV = process.env.NOVACRON_BENCH_BASELINE_REV ?? '95deb81';
/** How long a baseline row may take before it counts as never returning. */
const BASELINE_ROW_TIMEOUT_MS = 30_000;

const { values: args } = parseArgs({ options: { impl: { type: 'string' }, row: { type: 'string' } } });
type Library = typeof Novacron;
const lib = (args.impl ? await import(pathToFileURL(args.impl).href) : await import('novacron')) as Library;
type Manager = InstanceType<Library['FederationManager']>;
const child = args.row !== undefined;

const { aws, gcp, azure } = skyPilotScaleCatalog();
const onPremOffers: Offer[] = [1, 2, 4, 8, 16, 32].flatMap((v) =>
  [2, 4, 8].map((ratio) => ({
    provider: 'openstack', region: 'dc-1', instanceType: `m1.${v}x${v * ratio}`, vcpus: v, memoryGiB: v * ratio, arch: 'x86_64' as const,
    onDemandHourly: Math.round((v * 0.03 + v * ratio * 0.004) * 1e4) / 1e4, currency: 'USD', source: 'bench-rate-card', asOf: '2026-11-27',
  })),
);
if (!child) console.log(`catalog: aws ${aws.length}, gcp ${gcp.length}, azure ${azure.length}, on-prem ${onPremOffers.length} offers`);

function build(topK?: number, families?: readonly string[]): Manager {
  return new lib.FederationManager({
    topK,
    providers: [
      { provider: lib.createMemoryProvider({ name: 'aws', kind: 'aws', offers: aws }), defaults: { spotEnabled: true, instanceFamilies: families } },
      { provider: lib.createMemoryProvider({ name: 'gcp', kind: 'gcp', offers: gcp }) },
      { provider: lib.createMemoryProvider({ name: 'azure', kind: 'azure', offers: azure }) },
      { provider: lib.createMemoryProvider({ name: 'on-prem', kind: 'openstack', offers: onPremOffers }) },
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

async function measureCases(manager: Manager, list: readonly Case[], n: number, explain: boolean): Promise<Figures> {
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
async function median(manager: Manager, list: readonly Case[], n: number, explain: boolean): Promise<Figures> {
  const runs: Figures[] = [];
  for (let i = 0; i < 3; i++) runs.push(await measureCases(manager, list, n, explain));
  return runs.sort((a, b) => a.perSecond - b.perSecond)[1]!;
}

/** Managers are built (index and all) and warmed up when a row first needs them, so a child builds only its own. */
const managers = new Map<string, Promise<Manager>>();
function manager(key: 'fast' | 'restricted' | 'exhaustive' | 'restrictedFast' | 'restrictedExhaustive'): Promise<Manager> {
  let m = managers.get(key);
  if (m === undefined) {
    m = (async () => {
      const made =
        key === 'fast' ? build() : key === 'restricted' ? build(undefined, ['c16']) : key === 'exhaustive' ? build(200_000) : key === 'restrictedFast' ? build(undefined, ['gp5', 'c6', 'c16']) : build(200_000, ['gp5', 'c6', 'c16']);
      const t = performance.now();
      await made.ready();
      if (key === 'fast' && !child) console.log(`catalog load + index build: ${(performance.now() - t).toFixed(0)} ms`);
      if (key === 'fast' || key === 'restricted') for (const c of (key === 'fast' ? cases : awsOnly).slice(0, 300)) await made.place(c.spec, { request: c.request, explain: false }).catch(() => undefined);
      return made;
    })();
    managers.set(key, m);
  }
  return m;
}

const withStrategy = (strategy: PlacementRequest['strategy']): Case[] => cases.map((c) => ({ ...c, request: { ...c.request, strategy } }));
const awsOnly = cases.map((c) => ({ spec: { ...(c.spec as VMSpecInput), gpu: undefined }, request: { ...c.request, constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['aws'] }] } }));
interface Row { readonly name: string; readonly goal: string; run(): Promise<Figures> }
const rows: readonly Row[] = [
  { name: 'fast path, mixed strategies', goal: '≥ 50,000/s, p50 ≤ 20 µs', run: async () => median(await manager('fast'), cases, 20_000, false) },
  { name: 'fast path, cost-optimized', goal: '≥ 100,000/s', run: async () => median(await manager('fast'), withStrategy('cost-optimized'), 5_000, false) },
  { name: 'fast path, balanced', goal: '', run: async () => median(await manager('fast'), withStrategy('balanced'), 5_000, false) },
  { name: 'fast path, performance', goal: '', run: async () => median(await manager('fast'), withStrategy('performance'), 5_000, false) },
  { name: 'fast path, carbon', goal: 'within 2× of cost-optimized', run: async () => median(await manager('fast'), withStrategy('carbon'), 5_000, false) },
  { name: 'with full explanations, mixed', goal: '≥ 5,000/s', run: async () => median(await manager('fast'), cases, 2_000, true) },
  { name: 'aws only, unrestricted', goal: '', run: async () => median(await manager('fast'), awsOnly, 5_000, false) },
  { name: 'aws only, family c16 behind 2,000 cheaper', goal: 'same as unrestricted', run: async () => median(await manager('restricted'), awsOnly, 5_000, false) },
  { name: 'every fitting offer scored (brute force)', goal: '', run: async () => measureCases(await manager('exhaustive'), cases, 200, false) },
];

if (child) {
  // One row, on the library given by --impl: its figures as the last line of output.
  console.log(JSON.stringify(await rows[Number(args.row)]!.run()));
  process.exit(0);
}

const now: Figures[] = [];
for (const row of rows) now.push(await row.run());

/** Each row on the baseline's code, in a child process of its own (a row that never returns there is killed). */
function baselineFigures(): Array<Figures | string> {
  if (process.env.NOVACRON_BENCH_BASELINE === 'off') return rows.map(() => 'skipped');
  const baseline = prepareBaseline(BASELINE_REV);
  if ('reason' in baseline) return rows.map(() => baseline.reason);
  const self = fileURLToPath(import.meta.url);
  return rows.map((_, i) => {
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--impl', baseline.entry, '--row', String(i)], { encoding: 'utf8', timeout: BASELINE_ROW_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
      return JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
    } catch (error) {
      return (error as { signal?: string }).signal === 'SIGTERM' ? `never returns (killed after ${BASELINE_ROW_TIMEOUT_MS / 1000} s)` : `failed: ${(error as Error).message.split('\n')[0]}`;
    }
  });
}
const before = baselineFigures();

// Parity: the fast path against scoring every fitting offer, over the same catalog.
const fastManager = await manager('fast');
const exhaustiveManager = await manager('exhaustive');
const restrictedFast = await manager('restrictedFast');
const restrictedExhaustive = await manager('restrictedExhaustive');
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

const fmt = (r: Figures | string): string => (typeof r === 'string' ? r : `${r.perSecond.toFixed(0).padStart(7)}/s  p50 ${r.p50.toFixed(1).padStart(6)} µs  p99 ${r.p99.toFixed(1).padStart(7)} µs`);
const ratio = (a: Figures, b: Figures | string): string => (typeof b === 'string' ? '-' : `${(a.perSecond / b.perSecond).toFixed(1)}×`);
console.log(`\nplacement, SkyPilot-scale catalog, one core, median of 3 runs; before = ${BASELINE_REV} in the same run`);
console.log(`${'row'.padEnd(44)}${'now'.padEnd(42)}${'before'.padEnd(42)}${'now/before'.padEnd(12)}goal`);
for (const [i, row] of rows.entries()) console.log(`${row.name.padEnd(44)}${fmt(now[i]!).padEnd(42)}${fmt(before[i]!).padEnd(42)}${ratio(now[i]!, before[i]!).padEnd(12)}${row.goal}`);
console.log(`${'parity: fast path = brute force'.padEnd(44)}${`${agree}/${parityCases.length} identical choices (${refusedBoth} refused by both)`.padEnd(42)}${'-'.padEnd(42)}${'-'.padEnd(12)}all`);
for (const d of disagreements.slice(0, 5)) console.log(`  disagreement: ${d}`);
