/**
 * GCE adapter figures against the local Compute Engine emulator (the real `@google-cloud/compute`
 * over its REST transport on loopback): how many API calls a listing of 1,000 VMs across 6 zones
 * takes (the goal is pages of one `aggregatedList`, never a call per zone or per VM), how many
 * calls a create takes (the key's look-up, the insert, the operation wait, the reads until
 * RUNNING), the wall time of a create, and the cold import time of the client library. Calls are
 * counted by the emulator (`emu.stats`), one per HTTP request. Nothing here is asserted; it prints
 * figures. Exits by itself.
 *
 *   node --import tsx bench/gcp.ts
 */
import { execFileSync } from 'node:child_process';
import { createGcpProvider } from '../src/providers/gcp/index.js';
import { startGceEmulator } from '../src/testing/emulators/index.js';

const VMS = 1_000;
const CREATES = 20;
const RUNS = 5;
const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f', 'us-east1-b', 'us-east1-c'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Cold import time of one module in a fresh process, ms (median of three). */
function coldImportMs(specifier: string): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`], { encoding: 'utf8' });
    times.push(Number(out.trim()));
  }
  return median(times);
}

const emu = await startGceEmulator({ zones: ZONES, operationPendingMs: 5, operationRunningMs: 20 });
try {
  const gcp = createGcpProvider({ ...emu.providerOptions, pollIntervalMs: 20 });

  // A warm-up create: library import, catalog (machine and accelerator types, Billing Catalog), connections.
  await gcp.createVM({ name: 'bench-warm', cpu: 2, memory: 4 }, { idempotencyKey: 'bench-warm' });

  emu.stats.reset();
  await gcp.createVM({ name: 'bench-one', cpu: 2, memory: 4, network: { publicIp: true } }, { idempotencyKey: 'bench-one' });
  const createCalls = emu.stats.byOperation();
  const times: number[] = [];
  for (let i = 0; i < CREATES; i++) {
    const start = performance.now();
    await gcp.createVM({ name: `bench-${i}`, cpu: 2, memory: 4 }, { idempotencyKey: `bench-${i}` });
    times.push(performance.now() - start);
  }

  // 1,000 VMs across the 6 zones, seeded in the emulator with the label the listing filters on.
  emu.seedInstances(VMS, { zones: ZONES, labels: { bench: 'list' } });
  const listTimes: number[] = [];
  let listed = 0;
  let listCalls: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    emu.stats.reset();
    const start = performance.now();
    listed = 0;
    for await (const _ of gcp.listVMs({ labels: { bench: 'list' } })) listed++;
    listTimes.push(performance.now() - start);
    listCalls = emu.stats.byOperation();
  }

  console.log(`create (external IP, catalog cached): ${Object.values(createCalls).reduce((a, b) => a + b, 0)} API calls ${JSON.stringify(createCalls)}`);
  console.log(`create wall time (${CREATES} sequential, emulator operations 25 ms, poll interval 20 ms): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  console.log(`listVMs of ${listed} VMs across ${ZONES.length} zones (pages of 500): ${Object.values(listCalls).reduce((a, b) => a + b, 0)} API calls ${JSON.stringify(listCalls)}; median ${median(listTimes).toFixed(0)} ms over ${RUNS} runs`);
  console.log(`cold import @google-cloud/compute: ${coldImportMs('@google-cloud/compute').toFixed(0)} ms`);
} finally {
  await emu.close();
}
