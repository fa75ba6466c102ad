/**
 * OpenStack adapter figures against the local OpenStack emulator (Keystone, Nova, Glance, Neutron
 * over HTTPS on loopback, its CA trusted through undici): how many API calls a create takes (the
 * key's look-up, the port, the floating IP, the POST, the reads until ACTIVE), the wall time of a
 * create, and how many calls a listing of 200 VMs (the emulated tenant network is a /24) takes (pages of `limit`/`marker`, never a call per
 * server, thanks to the flavor embedded at microversion 2.47). Calls are counted by the emulator
 * (`emu.stats`), one per HTTP request. Nothing here is asserted; it prints figures. Exits by itself.
 *
 *   node --import tsx bench/openstack.ts
 */
import { createOpenStackProvider } from '../src/providers/openstack/index.js';
import { startOpenStackEmulator } from '../src/testing/emulators/index.js';

const VMS = 200;
const CREATES = 20;
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const emu = await startOpenStackEmulator({ timings: { buildMs: 25, deleteMs: 5 } });
try {
  const openstack = createOpenStackProvider({ ...emu.providerOptions, pollIntervalMs: 20 });

  // A warm-up create: token, catalog, flavors, networks, image look-up, TLS connections.
  await openstack.createVM({ name: 'bench-warm', cpu: 1, memory: 1 }, { idempotencyKey: 'bench-warm' });

  emu.stats.reset();
  await openstack.createVM({ name: 'bench-one', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'bench-one' });
  const createCalls = emu.stats.byOperation();
  const times: number[] = [];
  for (let i = 0; i < CREATES; i++) {
    const start = performance.now();
    await openstack.createVM({ name: `bench-${i}`, cpu: 1, memory: 1 }, { idempotencyKey: `bench-${i}` });
    times.push(performance.now() - start);
  }

  const seeding = [];
  for (let i = 0; i < VMS; i++) seeding.push(openstack.createVM({ name: `list-${i}`, cpu: 1, memory: 1, labels: { bench: 'list' } }, { idempotencyKey: `list-${i}`, wait: false }));
  await Promise.all(seeding);
  const listTimes: number[] = [];
  let listed = 0;
  let listCalls: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    emu.stats.reset();
    const start = performance.now();
    listed = 0;
    for await (const _ of openstack.listVMs({ labels: { bench: 'list' } })) listed++;
    listTimes.push(performance.now() - start);
    listCalls = emu.stats.byOperation();
  }

  console.log(`create (floating IP, catalog cached): ${Object.values(createCalls).reduce((a, b) => a + b, 0)} API calls ${JSON.stringify(createCalls)}`);
  console.log(`create wall time (${CREATES} sequential, emulator build 25 ms, poll interval 20 ms): median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  console.log(`listVMs of ${listed} VMs (pages of 100): ${Object.values(listCalls).reduce((a, b) => a + b, 0)} API calls ${JSON.stringify(listCalls)}; median ${median(listTimes).toFixed(0)} ms over ${RUNS} runs`);
} finally {
  await emu.close();
}
