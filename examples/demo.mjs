// The novacron demo: a federation of four clouds on this machine. AWS, Azure, GCP and on-prem
// OpenStack are the real adapters (the AWS SDK over HTTP, the Azure SDKs over HTTPS, the Compute
// Engine client over REST, Keystone/Nova/Glance/Neutron over HTTPS) against the local EC2, ARM,
// Compute Engine and OpenStack emulators. Nothing leaves this machine.
// Run with `npm run demo` (it builds first).
import { readFileSync } from 'node:fs';
import { CostOptimizer, createEventBus, FederationManager } from 'novacron';
import { startArmEmulator, startEc2Emulator, startGceEmulator, startOpenStackEmulator } from 'novacron/testing/emulators';

const here = (file) => readFileSync(new URL(file, import.meta.url), 'utf8');
const line = (title) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 86 - title.length))}`);
const money = (n) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

const emulator = await startEc2Emulator({ region: 'us-east-1' });
const arm = await startArmEmulator({ location: 'westus2', locations: ['westus2'], resourceGroup: 'novacron-demo' });
const gce = await startGceEmulator({ project: 'novacron-demo', region: 'us-central1' });
const openstack = await startOpenStackEmulator();
const events = createEventBus();
events.on('failover.attempt-failed', (e) => console.log(`   ↪ ${e.provider} ${e.region}${e.zone ? `/${e.zone}` : ''} refused (${e.errorCode}); blocked ${e.blocked}, failing over`));

try {
  const manager = await FederationManager.fromConfig(here('./federation.yaml'), {
    env: {
      ...process.env,
      NOVACRON_DEMO_AWS_ENDPOINT: emulator.endpoint,
      AZURE_SUBSCRIPTION_ID: arm.providerOptions.subscriptionId,
      NOVACRON_DEMO_ARM_ENDPOINT: arm.endpoint,
      NOVACRON_DEMO_ARM_PRICES: arm.providerOptions.retailPricesEndpoint,
      NOVACRON_DEMO_ARM_CA: arm.providerOptions.caCertificate,
      NOVACRON_DEMO_ARM_SSH_KEY: arm.providerOptions.defaults.sshPublicKey,
      NOVACRON_DEMO_GCE_ENDPOINT: gce.providerOptions.endpoint,
      NOVACRON_DEMO_GCE_BILLING: gce.providerOptions.billingCatalogEndpoint,
      NOVACRON_DEMO_OPENSTACK_AUTH_URL: openstack.providerOptions.authUrl,
      NOVACRON_DEMO_OPENSTACK_CA: openstack.ca,
    },
    // The secret resolver is the host's: here it hands over the emulators' keys and credential. They never reach logs or events.
    secrets: (name) =>
      ({
        'aws-credentials': emulator.providerOptions.credentials,
        'azure-credentials': arm.providerOptions.credential,
        'gcp-credentials': gce.providerOptions.authClient,
        'openstack-credentials': openstack.providerOptions.auth,
      })[name],
    events,
  });
  console.log(`novacron demo: ${[...manager.providers.values()].map((p) => `${p.name} (${p.kind})`).join(', ')}`);

  line('1. Where does the specification’s VirtualMachine go, and why?');
  const vmYaml = here('./virtual-machine.yaml');
  const decision = await manager.place(vmYaml);
  console.log(decision.explain(12));
  // A batch job: the cost-optimization policy prefers spot capacity, and the bonus column says by how much.
  const batch = await manager.place({ name: 'nightly-report', cpu: 2, memory: '4Gi', labels: { workload: 'batch' } }, { request: { strategy: 'balanced' } });
  console.log(`\n   a batch job: ${batch}`);
  console.log(batch.explain(5));

  line('2. Create it (through the AWS SDK, against the EC2 emulator)');
  const created = await manager.createVM(vmYaml, { idempotencyKey: 'demo/multi-cloud-app' });
  console.log(`   ${created.vm}`);
  const again = await manager.createVM(vmYaml, { idempotencyKey: 'demo/multi-cloud-app' });
  console.log(`   repeated with the same idempotency key: ${again.vm.id} (reused: ${again.reused}); RunInstances calls so far: ${emulator.stats.count('RunInstances')}`);

  line('3. Failover: the chosen AWS zone has no capacity');
  const web = { name: 'web', cpu: 2, memory: '4Gi', labels: { app: 'web' } };
  const request = { strategy: 'cost-optimized', spot: 'forbid', constraints: [{ type: 'provider', operator: 'in', values: ['aws'] }] };
  const planned = await manager.place(web, { request, explain: false });
  const crowded = planned.chosen.zone ?? 'us-east-1a';
  emulator.faults.capacity({ zone: crowded }, 0);
  const moved = await manager.createVM(web, { request: { ...request, constraints: [...request.constraints, { type: 'zone', operator: 'in', values: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'] }] } });
  emulator.faults.capacity({ zone: crowded }, Infinity);
  console.log(`   ${moved.vm.name} landed in ${moved.vm.zone} after ${moved.attempts.length} attempts: ${moved.attempts.map((a) => `${a.zone ?? a.region}:${a.outcome}`).join(' → ')}`);

  line('4. A critical group spread over at least two providers (policy high-availability)');
  const group = await manager.createGroup({ name: 'db', cpu: 2, memory: '8Gi', labels: { tier: 'critical' } }, { replicas: 3, request: { strategy: 'balanced' } });
  for (const vm of group.vms) console.log(`   ${vm.name.padEnd(6)} ${vm.provider.padEnd(12)} ${vm.region.padEnd(12)} ${vm.instanceType}`);
  // A ledger that must stay in the operator's own data centre: on-prem OpenStack, priced by its rate card.
  const ledger = await manager.createVM({ name: 'ledger', cpu: 2, memory: '4Gi', labels: { app: 'ledger' } }, { request: { constraints: [{ type: 'provider', operator: 'in', values: ['on-prem'] }] } });
  console.log(`   and pinned on-premises: ${ledger.vm}`);

  line('5. Every VM, listed across all clouds at once');
  const listing = manager.listVMs();
  for await (const vm of listing) console.log(`   ${vm.provider.padEnd(12)} ${vm.id.padEnd(22)} ${vm.name.padEnd(16)} ${vm.state.padEnd(8)} ${vm.instanceType}`);
  console.log(`   complete: ${listing.complete}`);

  line('6. What the federation costs (inventory, per month, with sources)');
  let total = 0;
  for await (const r of manager.inventory()) {
    if (!r.cost) continue;
    total += r.cost.hourly * 730;
    const type = r.spot ? `${r.instanceType} (spot)` : r.instanceType;
    console.log(`   ${r.provider.padEnd(12)} ${r.name.padEnd(16)} ${type.padEnd(18)} ${money(r.cost.hourly * 730).padStart(9)}  ${r.cost.source} (${r.cost.asOf})`);
  }
  console.log(`   total ${money(total)}/month`);

  line('7. The cost optimizer: 4 vCPU / 16 GiB on every cloud, with spot risk and reserved terms');
  const optimizer = new CostOptimizer();
  const comparison = await optimizer.compare({ name: 'compare', cpu: 4, memory: '16Gi', disk: '50Gi', egressGBPerMonth: 20 });
  for (const c of comparison.entries) {
    const spot = c.spot ? `spot ${money(c.spot.hourly)} (${c.spot.interruption ?? '?'}, risk-adjusted ${money(c.spot.expectedHourly)})` : 'no spot';
    const reserved = c.reserved.find((x) => x.term === '3y');
    console.log(`   ${c.provider.padEnd(9)} ${c.region.padEnd(14)} ${c.instanceType.padEnd(18)} ${money(c.onDemandHourly)}/h  ${money(c.estimate.monthly)}/month with disk and egress  ${spot}${reserved ? `; 3y ${money(reserved.hourly)}` : ''}`);
  }
  console.log(`   cheapest: ${comparison.cheapest?.provider} ${comparison.cheapest?.instanceType}; prices ${comparison.entries[0]?.priceAge.stale ? `from ${comparison.entries[0].priceAge.source} as of ${comparison.entries[0].priceAge.asOf} (${comparison.entries[0].priceAge.ageDays} days old)` : 'current'}`);

  line('8. Reconcile: a VM deleted behind the federation’s back');
  const aws = manager.providers.get('aws-us-east');
  await aws.deleteVM(moved.vm.id);
  const report = await manager.reconcile();
  console.log(`   checked ${report.checked} records; lost: ${report.lost.join(', ') || 'none'}; adopted: ${report.adopted.join(', ') || 'none'}`);

  line('Clean-up');
  let deleted = 0;
  for await (const r of manager.inventory()) {
    if (r.status === 'active' || r.status === 'adopted') {
      await manager.deleteVM(r.provider, r.vmId);
      deleted++;
    }
  }
  console.log(`   deleted ${deleted} VMs; EC2 API calls made: ${JSON.stringify(emulator.stats.byAction())}`);
  console.log(`   ARM API calls made: ${JSON.stringify(arm.stats.byOperation())}`);
  console.log(`   Compute Engine API calls made: ${JSON.stringify(gce.stats.byOperation())}`);
  console.log(`   OpenStack API calls made: ${JSON.stringify(openstack.stats.byOperation())}`);
} finally {
  await Promise.all([emulator.close(), arm.close(), gce.close(), openstack.close()]);
}
