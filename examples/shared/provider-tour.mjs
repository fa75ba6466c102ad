// What the cloud examples (aws.mjs, azure.mjs, gcp.mjs, openstack.mjs) do with an adapter once
// they have built it: read-only calls by default — regions, offers and their price source, a cost
// estimate, a placement decision, the VMs the federation manages there — and, only when
// NOVACRON_EXAMPLE_CREATE=1, one small VM created through the federation and deleted again.
import { FederationManager } from 'novacron';

/** The VM the tour prices, places and (when asked) creates. */
const SPEC = { name: 'novacron-example', cpu: 2, memory: '4Gi', disk: 20, labels: { app: 'novacron-example' } };

/** True when the user asked the tour to create (and delete) a VM. */
export function createRequested(env = process.env) {
  return env.NOVACRON_EXAMPLE_CREATE === '1';
}

/** Runs the tour over one provider; `createSpec` adds what the cloud needs to boot a VM (an image, a key). */
export async function tourProvider(provider, { create = createRequested(), createSpec = {} } = {}) {
  console.log(`${provider} (${provider.kind})`);
  const regions = [];
  for await (const region of provider.regions()) regions.push(region);
  console.log(`regions: ${regions.map((r) => `${r.name}${r.zones.length > 0 ? ` [${r.zones.join(', ')}]` : ''}`).join('; ')}`);

  const offers = [];
  for await (const offer of provider.offers(regions[0]?.name)) offers.push(offer);
  const priced = offers[0];
  console.log(`offers in ${regions[0]?.name}: ${offers.length}${priced ? `, prices from ${priced.source} as of ${priced.asOf}` : ' (no prices: placement has nothing to choose from)'}`);

  if (offers.length > 0) {
    const estimate = await provider.estimateCost(SPEC);
    console.log(`estimate for ${SPEC.cpu} vCPU / ${SPEC.memory}: ${estimate.instanceType} $${estimate.hourly.toFixed(4)}/h, $${estimate.monthly.toFixed(2)}/month (${estimate.source}, ${estimate.asOf})`);
  }

  const manager = new FederationManager({ providers: [provider] });
  if (offers.length > 0) {
    const decision = await manager.place(SPEC, { request: { strategy: 'cost-optimized' } });
    console.log(`placement: ${decision}`);
  }

  let listed = 0;
  for await (const vm of provider.listVMs()) {
    if (listed++ < 10) console.log(`  ${vm.id} ${vm.name} ${vm.state} (${vm.rawState}) ${vm.instanceType} ${vm.region}${vm.zone ? `/${vm.zone}` : ''}`);
  }
  console.log(`VMs of this federation there: ${listed}`);

  if (!create) {
    console.log('read-only tour done (set NOVACRON_EXAMPLE_CREATE=1 to also create one small VM and delete it)');
    return;
  }
  // The idempotency key makes a re-run after a crash or a lost answer find the same VM, never make a second.
  const { vm, attempts } = await manager.createVM({ ...SPEC, ...createSpec }, { idempotencyKey: `novacron-example/${provider.name}` });
  console.log(`created ${vm} after ${attempts.length} attempt(s)`);
  await manager.deleteVM(vm.provider, vm.id);
  console.log(`deleted ${vm.id}`);
}
