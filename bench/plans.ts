// Figures of issue 18: optimizePlacement over 100,000 VMs on the SkyPilot-scale catalog (goal:
// under 2 s and under 500 MB of heap), against a baseline measured in the same run (one placement
// decision per VM, no sharing between VMs of one shape, timed on a 10,000-VM sample); and the
// overhead of migrateVM's durable steps against the bare calls it makes, on memory providers.
// The inventory is placed either on random fitting offers (`random`: nearly every VM on a placement of
// its own, the worst case for sharing decisions) or `clustered` on 25 placements per shape, as a
// fleet that was placed by policy tends to be.
// Not part of `npm test`: `node --expose-gc --import tsx bench/plans.ts [vms] [random|clustered]`.
import { FederationManager } from '../src/federation/index.js';
import { specForStore, type InventoryRecord } from '../src/federation/inventory.js';
import { parseVMSpec } from '../src/provider/spec-schema.js';
import type { Offer } from '../src/provider/types.js';
import { createMemoryImageStore, createMemoryProvider } from '../src/providers/memory/index.js';
import { createMemoryStore } from '../src/state/memory-store.js';
import { seededRandom, skyPilotScaleCatalog } from './catalog-generator.js';

const VMS = Number(process.argv[2] ?? 100_000);
const SAMPLE = Math.min(10_000, VMS);
const MODE = process.argv[3] === 'clustered' ? 'clustered' : 'random';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gc = (globalThis as { gc?: () => void }).gc;

const { aws, gcp, azure } = skyPilotScaleCatalog();
console.log(`catalog: aws ${aws.length}, gcp ${gcp.length}, azure ${azure.length} offers; inventory: ${VMS} VMs placed ${MODE === 'clustered' ? 'on 25 placements per shape' : 'on random fitting offers'}`);

// The inventory: VMs of common shapes, each on a random offer that fits it (not the cheapest).
const store = createMemoryStore();
const random = seededRandom(18);
const shapes = [
  [1, 2], [2, 4], [2, 8], [4, 8], [4, 16], [8, 16], [8, 32], [16, 64], [32, 128],
] as const;
const byProvider: [string, Offer[]][] = [['aws', aws], ['gcp', gcp], ['azure', azure]];
const fitting = new Map<string, [string, Offer][]>();
for (const [cpu, mem] of shapes) {
  const list: [string, Offer][] = [];
  for (const [name, offers] of byProvider) for (const o of offers) if (o.vcpus >= cpu && o.memoryGiB >= mem && o.vcpus <= cpu * 2 && !o.gpu && o.arch === 'x86_64') list.push([name, o]);
  fitting.set(`${cpu}/${mem}`, MODE === 'clustered' ? Array.from({ length: 25 }, () => list[Math.floor(random() * list.length)]!) : list);
}
const started = Date.now();
for (let i = 0; i < VMS; i++) {
  const [cpu, mem] = shapes[Math.floor(random() * shapes.length)]!;
  const options = fitting.get(`${cpu}/${mem}`)!;
  const [provider, offer] = options[Math.floor(random() * options.length)]!;
  const spec = parseVMSpec({ name: `vm-${i}`, cpu, memory: mem, disk: 50 });
  const id = `vm-${i.toString(36)}`;
  const record: InventoryRecord = {
    provider,
    vmId: id,
    name: spec.name,
    region: offer.region,
    zone: offer.zone,
    instanceType: offer.instanceType,
    spot: false,
    state: 'running',
    status: 'active',
    requestId: undefined,
    spec: specForStore(spec),
    cost: { hourly: offer.onDemandHourly, compute: offer.onDemandHourly * 730, storage: 0, network: 0, source: offer.source, asOf: offer.asOf },
    decision: { strategy: 'cost-optimized', score: 0, hourlyPrice: offer.onDemandHourly },
    recordedAt: new Date(started).toISOString(),
    lastSeenAt: undefined,
  };
  await store.put(`vms/${provider}/${encodeURIComponent(id)}`, record as never);
}

const manager = new FederationManager({
  stateStore: store,
  providers: [
    createMemoryProvider({ name: 'aws', kind: 'aws', offers: aws }),
    createMemoryProvider({ name: 'gcp', kind: 'gcp', offers: gcp }),
    createMemoryProvider({ name: 'azure', kind: 'azure', offers: azure }),
  ],
});
await manager.ready();
await manager.optimizePlacement({ scope: { names: ['vm-0'] } }); // builds the offer index once

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
let peakHeap = heapBefore;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const runs: number[] = [];
let proposals = 0;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  const plan = await manager.optimizePlacement({ budgets: { maxConcurrentMigrations: 50 } });
  runs.push(performance.now() - t);
  proposals = plan.proposals.length;
  if (r === 0) console.log(`plan: ${plan.considered} VMs considered, ${plan.proposals.length} moves proposed (${plan.skipped.length} stay), saving ${plan.monthlySavings.toFixed(0)} USD a month in ${plan.proposals.at(-1)?.wave ?? -1} + 1 waves`);
}
clearInterval(sampler);
const planMs = median(runs);

// Baseline: one fresh decision per VM (what a loop over the inventory calling place() does, minus its I/O).
const engine = await (manager as unknown as { catalog: { get(): Promise<{ decide: (s: unknown, r: unknown) => unknown }> } }).catalog.get();
const sampleSpecs: unknown[] = [];
for await (const rec of manager.inventory()) {
  if (sampleSpecs.length >= SAMPLE) break;
  sampleSpecs.push({ ...rec.spec, userData: undefined });
}
const baseRuns: number[] = [];
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  for (const spec of sampleSpecs) {
    engine.decide(spec, { strategy: 'cost-optimized', spot: 'forbid' });
    engine.decide(spec, { strategy: 'cost-optimized', spot: 'forbid' }); // and one pinned decision for the current placement
  }
  baseRuns.push(((performance.now() - t) / SAMPLE) * VMS);
}
const baseMs = median(baseRuns);
console.log(`optimizePlacement over ${VMS} VMs: median ${planMs.toFixed(0)} ms of 3 (goal < 2000 ms); ${proposals} proposals`);
console.log(`  peak heap during the runs: ${(peakHeap / 2 ** 20).toFixed(0)} MB (${((peakHeap - heapBefore) / 2 ** 20).toFixed(0)} MB above the manager with its index and inventory; goal < 500 MB)`);
console.log(`  baseline, two decisions per VM without sharing by shape (from ${SAMPLE} VMs): ${baseMs.toFixed(0)} ms → ${(baseMs / planMs).toFixed(1)}× the plan's time`);

// Migration step overhead: migrateVM between two memory providers sharing an image store, against
// the bare provider calls it makes (stop, export, import, delete), both on the same providers.
const images = createMemoryImageStore();
const offers: Offer[] = [{ provider: 'memory', region: 'local-1', instanceType: 'm.small', vcpus: 2, memoryGiB: 4, arch: 'x86_64', onDemandHourly: 0.05, currency: 'USD', source: 'bench', asOf: '2026-12-01' }];
const a = createMemoryProvider({ name: 'a', offers, imageStore: images, provisioningDelayMs: 0 });
const b = createMemoryProvider({ name: 'b', offers, imageStore: images, provisioningDelayMs: 0 });
const mm = new FederationManager({ stateStore: createMemoryStore(), providers: [a, b], migration: { gracePeriodMs: 0 } });
const N = 40;
const spec = { name: 'mig', cpu: 2, memory: 4 };
const migrateMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < N; i++) {
  const { vm } = await mm.createVM({ ...spec, name: `mig-${i}` }, { idempotencyKey: `mig-${i}`, request: { constraints: [{ type: 'provider', operator: 'in', values: ['a'] }] } });
  let t = performance.now();
  await mm.migrateVM({ provider: 'a', id: vm.id }, { provider: 'b' }, { idempotencyKey: `move-${i}`, waitForGrace: true });
  migrateMs.push(performance.now() - t);
  const bare = await a.createVM(parseVMSpec({ ...spec, name: `bare-${i}` }));
  t = performance.now();
  await a.stopVM(bare.id);
  const artifact = await a.exportVM(bare.id);
  await b.importVM(artifact, parseVMSpec({ ...spec, name: `bare-${i}` }));
  await a.deleteVM(bare.id);
  bareMs.push(performance.now() - t);
}
const m = median(migrateMs);
const bare = median(bareMs);
console.log(`migrateVM memory → memory: median ${m.toFixed(1)} ms; the bare calls: ${bare.toFixed(1)} ms; step overhead ${(m - bare).toFixed(1)} ms (${(m / bare).toFixed(1)}×), for ${N} migrations`);
