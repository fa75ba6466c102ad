// The novacron demo: a federation of four clouds on this machine. AWS, Azure, GCP and on-prem
// OpenStack are the real adapters (the AWS SDK over HTTP, the Azure SDKs over HTTPS, the Compute
// Engine client over REST, Keystone/Nova/Glance/Neutron over HTTPS) against the local EC2, ARM,
// Compute Engine and OpenStack emulators. Nothing leaves this machine.
// State lives in the embedded SQLite store ./.novacron/state.db (fresh each run: the emulators are).
// Run with `npm run demo` (it builds first). `npm run demo -- --real aws` puts the AWS side on real
// EC2 instead (credentials from the default AWS chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or
// AWS_PROFILE; region AWS_REGION, default us-east-1). It creates real, billed instances and deletes
// them at the end; the capacity failure and the migration into AWS are then left out.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Registry } from 'prom-client';
import { CostOptimizer, createEventBus, FederationManager } from 'novacron';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAzureBlobArtifactStore, createGlanceArtifactStore, createS3ArtifactStore, transferArtifact } from 'novacron/artifacts';
import { CrossCloudNetwork, createMemorySecretVault } from 'novacron/network';
import { createPrometheusSink } from 'novacron/prometheus';
import { createSqliteStore } from 'novacron/sqlite';
import { startArmEmulator, startAzurite, startEc2Emulator, startGceEmulator, startOpenStackEmulator } from 'novacron/testing/emulators';

const here = (file) => readFileSync(new URL(file, import.meta.url), 'utf8');
const line = (title) => console.log(`\n── ${title} ${'─'.repeat(Math.max(0, 86 - title.length))}`);
const money = (n) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

const realIndex = process.argv.indexOf('--real');
const realAws = realIndex !== -1 && process.argv[realIndex + 1] === 'aws';
if (realIndex !== -1 && !realAws) {
  console.error(`--real takes one cloud: aws (got ${process.argv[realIndex + 1] ?? 'nothing'})`);
  process.exit(2);
}
if (realAws && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) {
  console.error('--real aws needs AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), and AWS_REGION');
  process.exit(2);
}
const realAwsFactory = realAws
  ? async (entry) => {
      const { createAwsProvider } = await import('novacron/aws');
      return createAwsProvider({ name: entry.name, region: process.env.AWS_REGION ?? 'us-east-1' });
    }
  : undefined;

const emulator = await startEc2Emulator({ region: 'us-east-1' });
const arm = await startArmEmulator({ location: 'westus2', locations: ['westus2'], resourceGroup: 'novacron-demo' });
const gce = await startGceEmulator({ project: 'novacron-demo', region: 'us-central1' });
const openstack = await startOpenStackEmulator();
const azurite = await startAzurite();
const events = createEventBus();
events.on('failover.attempt-failed', (e) => console.log(`   ↪ ${e.provider} ${e.region}${e.zone ? `/${e.zone}` : ''} refused (${e.errorCode}); blocked ${e.blocked}, failing over`));
// Migration steps as a task list: each step's line when it settles, with its time.
const stepStarted = new Map();
events.on('migration.step', (e) => {
  if (e.status === 'started') return void stepStarted.set(e.step, Date.now());
  const ms = Date.now() - (stepStarted.get(e.step) ?? Date.now());
  console.log(`   ${e.status === 'succeeded' ? '✓' : '✗'} ${e.step.padEnd(14)} ${String(ms).padStart(6)} ms${e.message ? `  ${e.message}` : ''}`);
});

// The embedded state store, fresh each run (the emulators start empty too).
rmSync('.novacron', { recursive: true, force: true });
mkdirSync('.novacron', { recursive: true });
const stateStore = await createSqliteStore({ path: '.novacron/state.db' });
const registry = new Registry();
const metrics = await createPrometheusSink({ registry });
const { authUrl, region, auth, ca } = openstack.providerOptions;
emulator.s3.createBucket('novacron-exports');
const exportsBucket = createS3ArtifactStore({ ...emulator.s3.providerOptions, bucket: 'novacron-exports', name: 'aws-exports' });
const glance = createGlanceArtifactStore({ name: 'on-prem-glance', authUrl, region, auth, ca, pollIntervalMs: 20 });
await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('vhds').createIfNotExists();
const azureBlob = createAzureBlobArtifactStore({ ...azurite.storeOptions('vhds'), name: 'azure-vhds', blobType: 'page' });

try {
  const manager = await FederationManager.fromConfig(here('./federation.yaml'), {
    stateStore,
    metrics,
    // Images moved into AWS are written to its import bucket (S3); exports of on-prem are read from its Glance.
    artifactStores: { 'aws-us-east': { store: exportsBucket, from: [glance] }, 'on-prem': { store: glance, from: [exportsBucket] } },
    migration: { gracePeriodMs: 0 },
    env: {
      ...process.env,
      NOVACRON_DEMO_AWS_ENDPOINT: emulator.endpoint,
      NOVACRON_DEMO_S3_ENDPOINT: emulator.s3.providerOptions.endpoint,
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
    ...(realAwsFactory ? { providerFactories: { aws: realAwsFactory } } : {}),
  });
  console.log(`novacron demo${realAws ? ' (AWS is real EC2)' : ''}: ${[...manager.providers.values()].map((p) => `${p.name} (${p.kind})`).join(', ')}`);

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
  if (!realAws) emulator.faults.capacity({ zone: crowded }, 0);
  const moved = await manager.createVM(web, { request: { ...request, constraints: [...request.constraints, { type: 'zone', operator: 'in', values: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'] }] } });
  if (!realAws) emulator.faults.capacity({ zone: crowded }, Infinity);
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
  const forecast = await new CostOptimizer().predictCost({ name: 'multi-cloud-app', cpu: 2, memory: '4Gi', spot: true }, 730);
  console.log(`   forecast for the spec's VM over a month: ${money(forecast.point)} (${Math.round(forecast.level * 100)}% interval ${money(forecast.lower)}–${money(forecast.upper)}, ${forecast.model}); cheapest on ${forecast.cheapestProvider}`);

  line('7. The cost optimizer: 4 vCPU / 16 GiB on every cloud, with spot risk and reserved terms');
  const optimizer = new CostOptimizer();
  const comparison = await optimizer.compare({ name: 'compare', cpu: 4, memory: '16Gi', disk: '50Gi', egressGBPerMonth: 20 });
  for (const c of comparison.entries) {
    const spot = c.spot ? `spot ${money(c.spot.hourly)} (${c.spot.interruption ?? '?'}, risk-adjusted ${money(c.spot.expectedHourly)})` : 'no spot';
    const reserved = c.reserved.find((x) => x.term === '3y');
    console.log(`   ${c.provider.padEnd(9)} ${c.region.padEnd(14)} ${c.instanceType.padEnd(18)} ${money(c.onDemandHourly)}/h  ${money(c.estimate.monthly)}/month with disk and egress  ${spot}${reserved ? `; 3y ${money(reserved.hourly)}` : ''}`);
  }
  console.log(`   cheapest: ${comparison.cheapest?.provider} ${comparison.cheapest?.instanceType}; prices ${comparison.entries[0]?.priceAge.stale ? `from ${comparison.entries[0].priceAge.source} as of ${comparison.entries[0].priceAge.asOf} (${comparison.entries[0].priceAge.ageDays} days old)` : 'current'}`);

  line('8. optimizePlacement: what would be cheaper now, and the move carried out');
  // The ledger was pinned on-premises; without the pin, where would it be cheapest now?
  const plan = await manager.optimizePlacement({ strategy: 'cost-optimized', scope: { names: ['ledger'] } });
  for (const p of plan.proposals) {
    console.log(`   ${p.vm.name.padEnd(8)} ${p.from.provider}/${p.from.instanceType} ${money(p.from.hourlyPrice)}/h → ${p.to.provider}/${p.to.instanceType} ${money(p.to.hourlyPrice)}/h  saves ${money(p.monthlySavings)}/month, one-off ${money(p.oneOffCost)}, payback ${p.paybackDays ?? 'never'} days, downtime ~${p.expectedDowntimeMinutes.toFixed(0)} min, wave ${p.wave}`);
  }
  for (const s of plan.skipped) console.log(`   ${s.name.padEnd(8)} stays: ${s.reason}`);
  if (plan.proposals.length > 0 && !realAws) {
    console.log(`   migrating ${plan.proposals[0].vm.name} across clouds (export → transfer with conversion → import → verify → switch → delete source):`);
    const applied = await manager.applyPlan(plan);
    for (const r of applied.results) {
      const record = r.migrationId ? await manager.getMigration(r.migrationId) : undefined;
      console.log(`   migration ${r.status}${record ? `: ${record.status} (${record.path}), ${record.bytesMoved ?? 0} bytes moved, now ${record.targetVm?.id ?? '?'} on ${record.targetVm?.provider ?? '?'}` : r.reason ? `: ${r.reason}` : ''}`);
    }
    // The grace period is a recorded deadline (0 here): whichever process resumes after it deletes the source.
    for (const m of await manager.resumeMigrations()) console.log(`   resumed ${m.migrationId}: ${m.outcome}`);
    // Any export feeds any import: the moved VM's disk, exported by AWS as a stream-optimized VMDK,
    // becomes the fixed VHD page blob Azure imports from (Azure Blob Storage is Azurite here).
    const ledgerNow = applied.results[0]?.migrationId ? (await manager.getMigration(applied.results[0].migrationId))?.targetVm : undefined;
    if (ledgerNow) {
      const exported = await manager.providers.get(ledgerNow.provider).exportVM(ledgerNow.id);
      const phases = [];
      const vhd = await transferArtifact(exported, azureBlob, { from: [exportsBucket], format: 'vhd', key: 'ledger.vhd', onProgress: (p) => void (phases.at(-1) !== p.phase && phases.push(p.phase)) });
      console.log(`   its disk for Azure: ${exported.format} ${exported.location} → ${phases.join(' → ')} → fixed VHD ${vhd.artifact.location} (${vhd.artifact.sizeBytes} bytes; guest SHA-256 ${vhd.guestSha256?.slice(0, 16)}…)`);
    }
  }

  line('9. The WireGuard overlay: addresses, peers, and one node’s config');
  const network = new CrossCloudNetwork({ vault: createMemorySecretVault(), store: stateStore, overlay: { name: 'demo' } });
  const overlay = await network.planOverlay([
    { name: 'aws-gw', provider: 'aws-us-east', endpoint: '198.51.100.10', subnets: ['10.10.0.0/16'] },
    { name: 'azure-gw', provider: 'azure-west', endpoint: '198.51.100.20', subnets: ['10.20.0.0/16'] },
    { name: 'gcp-gw', provider: 'gcp-central', endpoint: '198.51.100.30', subnets: ['10.30.0.0/16'] },
    { name: 'onprem-gw', provider: 'on-prem', subnets: ['192.168.10.0/24'] },
  ]);
  for (const n of overlay.nodes) console.log(`   ${n.name.padEnd(10)} ${n.address.padEnd(16)} ${(n.endpoint ?? 'behind NAT').padEnd(20)} routes ${n.subnets.join(', ')}`);
  const config = await network.renderNode(overlay, 'aws-gw');
  // The config holds the node's private key: shown here with it masked.
  console.log(config.replace(/^PrivateKey = .*$/m, 'PrivateKey = <from the vault>').split('\n').map((l) => `   │ ${l}`).join('\n'));

  line('10. Reconcile: a VM deleted behind the federation’s back');
  const aws = manager.providers.get('aws-us-east');
  await aws.deleteVM(moved.vm.id);
  const report = await manager.reconcile();
  console.log(`   checked ${report.checked} records; lost: ${report.lost.join(', ') || 'none'}; adopted: ${report.adopted.join(', ') || 'none'}`);

  line('11. Prometheus metrics (a snapshot of the novacron_ series)');
  const exposition = await registry.metrics();
  for (const l of exposition.split('\n').filter((l) => l.startsWith('novacron_')).filter((l) => !/ 0$/.test(l)).slice(0, 16)) console.log(`   ${l}`);
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
  await stateStore.close();
  await Promise.all([emulator.close(), arm.close(), gce.close(), openstack.close(), azurite.close()]);
}
