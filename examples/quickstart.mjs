// Quickstart: a federation of three simulated clouds in this process. The memory providers price
// like AWS, Azure and GCP (the bundled, dated list-price snapshot), so placement, failover and
// costs behave as they would against the real clouds; nothing leaves this machine.
// Run with `npm run build && node examples/quickstart.mjs`.
import { createMemoryProvider, FederationManager } from 'novacron';

const aws = createMemoryProvider({ name: 'aws-east', kind: 'aws', regions: ['us-east-1'] });
const azure = createMemoryProvider({ name: 'azure-west', kind: 'azure', regions: ['westus2'] });
const gcp = createMemoryProvider({ name: 'gcp-central', kind: 'gcp', regions: ['us-central1'] });
const manager = new FederationManager({ providers: [aws, azure, gcp] });
manager.events.on('failover.attempt-failed', (e) => console.log(`   ${e.provider} ${e.region}${e.zone ? `/${e.zone}` : ''} refused (${e.errorCode}); failing over`));

const spec = { name: 'web-1', cpu: 2, memory: '4Gi', disk: '30Gi', labels: { app: 'web' } };

console.log('1. Place: where would web-1 go, and why?');
const decision = await manager.place(spec, { request: { strategy: 'balanced' } });
console.log(`   ${decision}`);
console.log(decision.explain(5));

console.log(`\n2. Create with failover: ${decision.chosen.provider} has used up its vCPU quota`);
// The memory providers take the emulators' fault vocabulary: here the chosen cloud refuses with its quota error.
manager.providers.get(decision.chosen.provider).controls.faults.quota('vcpus', 0);
const created = await manager.createVM(spec, { idempotencyKey: 'quickstart/web-1', request: { strategy: 'balanced' } });
console.log(`   ${created.vm}`);
console.log(`   attempts: ${created.attempts.map((a) => `${a.provider} ${a.zone ?? a.region}: ${a.outcome}`).join(' → ')}`);
const again = await manager.createVM(spec, { idempotencyKey: 'quickstart/web-1', request: { strategy: 'balanced' } });
console.log(`   the same key again: ${again.vm.id} (reused: ${again.reused})`);
manager.providers.get(decision.chosen.provider).controls.faults.reset();
await manager.createVM({ name: 'batch-1', cpu: 4, memory: '16Gi', spot: true, labels: { workload: 'batch' } }, { idempotencyKey: 'quickstart/batch-1' });

console.log('\n3. List every VM, from all clouds at once');
const listing = manager.listVMs();
for await (const vm of listing) console.log(`   ${vm.provider.padEnd(12)} ${vm.id.padEnd(24)} ${vm.name.padEnd(8)} ${vm.state.padEnd(8)} ${vm.instanceType}${vm.spot ? ' (spot)' : ''}`);
console.log(`   complete: ${listing.complete}`);

console.log('\n4. What it costs (inventory, per month, with the price source and date)');
let total = 0;
for await (const record of manager.inventory()) {
  if (!record.cost) continue;
  const monthly = record.cost.hourly * 730;
  total += monthly;
  console.log(`   ${record.provider.padEnd(12)} ${record.name.padEnd(8)} ${record.instanceType.padEnd(16)} $${monthly.toFixed(2).padStart(7)}/month  ${record.cost.source} (${record.cost.asOf})`);
}
console.log(`   total $${total.toFixed(2)}/month`);
