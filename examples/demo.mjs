// The novacron demo: three simulated clouds priced from the bundled list-price snapshot,
// the same VM request sent to each, their VMs listed together, and a cost table.
// Run with `npm run demo` (it builds first). Nothing leaves this machine.
import { createEventBus, createMemoryProvider, HOURS_PER_MONTH } from '../dist/index.js';

const events = createEventBus();
let retries = 0;
events.on('operation.retried', () => retries++);

const clouds = [
  createMemoryProvider({ name: 'aws-us-east', kind: 'aws', regions: ['us-east-1'], events, provisioningDelayMs: 30 }),
  createMemoryProvider({ name: 'azure-west', kind: 'azure', regions: ['westus2'], events, provisioningDelayMs: 30 }),
  createMemoryProvider({ name: 'gcp-central', kind: 'gcp', regions: ['us-central1'], events, provisioningDelayMs: 30 }),
];

const workloads = [
  { name: 'web', cpu: 2, memory: '4Gi', disk: 30, labels: { app: 'web', tier: 'frontend' }, egressGBPerMonth: 200 },
  { name: 'api', cpu: 4, memory: '16Gi', disk: 50, labels: { app: 'api', tier: 'backend' }, egressGBPerMonth: 50 },
  { name: 'batch', cpu: 8, memory: '32Gi', disk: { size: 200, type: 'hdd' }, labels: { app: 'batch', tier: 'batch' }, spot: true },
];

console.log('novacron demo: three simulated clouds, one VM request each\n');
const rows = [];
for (const cloud of clouds) {
  const region = (await first(cloud.regions())).name;
  for (const w of workloads) {
    const spec = { ...w, name: `${w.name}-${cloud.kind}`, region };
    const vm = await cloud.createVM(spec, { idempotencyKey: `demo-${cloud.name}-${w.name}` });
    const cost = await cloud.estimateCost(spec);
    rows.push({ cloud: cloud.name, vm, cost });
  }
}

console.log('VMs across all clouds (listed through each provider, paged):');
for (const cloud of clouds) {
  for await (const vm of cloud.listVMs()) {
    console.log(`  ${pad(cloud.name, 12)} ${pad(vm.id, 21)} ${pad(vm.name, 12)} ${pad(vm.state, 8)} ${pad(vm.instanceType, 18)} ${vm.region}/${vm.zone ?? '-'}${vm.spot ? '  (spot)' : ''}`);
  }
}

console.log('\nMonthly cost per VM (compute + storage + egress, USD, 730 h):');
console.log(`  ${pad('cloud', 12)} ${pad('vm', 12)} ${pad('type', 18)} ${rpad('$/h', 8)} ${rpad('compute', 9)} ${rpad('storage', 8)} ${rpad('egress', 7)} ${rpad('total', 9)}  source (as of)`);
for (const { cloud, vm, cost } of rows) {
  console.log(
    `  ${pad(cloud, 12)} ${pad(vm.name, 12)} ${pad(cost.instanceType, 18)} ${rpad(cost.hourly.toFixed(4), 8)} ${rpad(cost.breakdown.compute.toFixed(2), 9)} ${rpad(cost.breakdown.storage.toFixed(2), 8)} ${rpad(cost.breakdown.network.toFixed(2), 7)} ${rpad(cost.monthly.toFixed(2), 9)}  ${cost.source} (${cost.asOf})`,
  );
}
console.log('\nCheapest cloud per workload:');
for (const w of workloads) {
  const options = rows.filter((r) => r.vm.name.startsWith(`${w.name}-`)).sort((a, b) => a.cost.monthly - b.cost.monthly);
  const best = options[0];
  const worst = options.at(-1);
  console.log(`  ${pad(w.name, 6)} → ${pad(best.cloud, 12)} $${best.cost.monthly.toFixed(2)}/month (${((1 - best.cost.monthly / worst.cost.monthly) * 100).toFixed(0)}% below the dearest, ${worst.cloud})`);
}

const total = rows.reduce((s, r) => s + r.cost.monthly, 0);
console.log(`\nTotal: $${total.toFixed(2)}/month ($${(total / HOURS_PER_MONTH).toFixed(4)}/h) for ${rows.length} VMs; ${retries} throttled calls retried.`);

for (const cloud of clouds) for await (const vm of cloud.listVMs()) await cloud.deleteVM(vm.id);
console.log('All demo VMs deleted.');

async function first(iterable) {
  for await (const item of iterable) return item;
  throw new Error('empty');
}
function pad(s, n) {
  return String(s).padEnd(n);
}
function rpad(s, n) {
  return String(s).padStart(n);
}
