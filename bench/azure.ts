/**
 * Azure adapter figures against the local ARM emulator (real Azure SDK over HTTPS on loopback):
 * how many API calls a listing of 1,000 VMs takes (the goal is pages, not VMs: VMs come with
 * their instance views, and the NICs and public IPs are listed once), how many calls a create
 * takes (public IP, NIC and VM PUTs, their polls, the final reads), the wall time of a create,
 * and the cold import time of the SDK modules the adapter loads. Calls are counted on the
 * adapter's diagnostics channel (`novacron:azure:request`), one event per HTTP attempt. Nothing
 * here is asserted; it prints figures. Exits by itself.
 *
 *   node --import tsx bench/azure.ts
 */
import { execFileSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createAzureProvider, AZURE_REQUEST_CHANNEL, type AzureRequestEvent } from '../src/providers/azure/index.js';
import { startArmEmulator } from '../src/testing/emulators/index.js';

const VMS = 1_000;
const CREATES = 20;
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Counts HTTP attempts by method and path kind while `fn` runs. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number; byKind: Record<string, number> }> {
  const byKind: Record<string, number> = {};
  let calls = 0;
  const listener = (message: unknown): void => {
    const e = message as AzureRequestEvent;
    calls++;
    const kind = `${e.method} ${/\/operations\/|\/DiskOperations\/|\/operationResults\//i.test(e.path) ? 'operation status' : (e.path.split('/providers/').at(-1) ?? e.path).split('/').filter((_, i) => i % 2 === 1 || i === 0).join('/')}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  };
  subscribe(AZURE_REQUEST_CHANNEL, listener);
  try {
    return { result: await fn(), calls, byKind };
  } finally {
    unsubscribe(AZURE_REQUEST_CHANNEL, listener);
  }
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

const emu = await startArmEmulator();
try {
  const azure = createAzureProvider({ ...emu.providerOptions, pollIntervalMs: 20 });

  // A warm-up create: SDK import, token, catalog (Resource SKUs, Retail Prices), connections.
  await azure.createVM({ name: 'bench-warm', cpu: 2, memory: 4 }, { idempotencyKey: 'bench-warm' });

  const cold = await counted(() => azure.createVM({ name: 'bench-one', cpu: 2, memory: 4, network: { publicIp: true } }, { idempotencyKey: 'bench-one' }));
  const times: number[] = [];
  for (let i = 0; i < CREATES; i++) {
    const start = performance.now();
    await azure.createVM({ name: `bench-${i}`, cpu: 2, memory: 4 }, { idempotencyKey: `bench-${i}` });
    times.push(performance.now() - start);
  }

  // 1,000 VMs to list, made through the adapter without waiting (40 at a time).
  for (let i = 0; i < VMS; i += 40) {
    await Promise.all(Array.from({ length: Math.min(40, VMS - i) }, (_, j) => azure.createVM({ name: `list-${i + j}`, cpu: 1, memory: 1, labels: { bench: 'list' } }, { idempotencyKey: `list-${i + j}`, wait: false })));
  }
  const listTimes: number[] = [];
  let listing = { calls: 0, byKind: {} as Record<string, number>, result: 0 };
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    listing = await counted(async () => {
      let n = 0;
      for await (const _ of azure.listVMs({ labels: { bench: 'list' } })) n++;
      return n;
    });
    listTimes.push(performance.now() - start);
  }

  console.log(`create (with a public IP, catalog cached): ${cold.calls} API calls ${JSON.stringify(cold.byKind)}`);
  console.log(`create wall time (no public IP, ${CREATES} sequential, poll interval 20 ms): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  console.log(`listVMs of ${listing.result} VMs: ${listing.calls} API calls ${JSON.stringify(listing.byKind)}; median ${median(listTimes).toFixed(0)} ms over ${RUNS} runs`);
  for (const m of ['@azure/arm-compute', '@azure/arm-network', '@azure/identity']) console.log(`cold import ${m}: ${coldImportMs(m).toFixed(0)} ms`);
} finally {
  await emu.close();
}
