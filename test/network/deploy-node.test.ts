/**
 * `deployNode`: an overlay node on a gateway VM the federation creates — placement pinned to the
 * node's provider, the node's cloud-init as user data, a public IP that becomes the node's
 * endpoint in the stored plan — idempotent by key, refused for a node planned elsewhere; the
 * private key never reaches the store in plain text. And `leaseTtlMs` reaches the setup's lease.
 */
import { describe, expect, it } from 'vitest';
import { FederationManager } from '../../src/federation/index.js';
import { CrossCloudNetwork, createMemorySecretVault, renderWireGuardConfig } from '../../src/network/index.js';
import { ConflictError, NotFoundError } from '../../src/provider/errors.js';
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { collect, rejectionOf } from '../helpers.js';

async function storeRows(store: StateStore): Promise<string> {
  return JSON.stringify(await collect(store.list('')));
}

async function world() {
  const store = createMemoryStore();
  const vault = createMemorySecretVault();
  const onprem = createMemoryProvider({ name: 'onprem', kind: 'openstack' });
  const cloud = createMemoryProvider({ name: 'cloud', kind: 'aws' });
  const specs: { userData?: string | undefined; network?: { publicIp?: boolean | undefined } | undefined }[] = [];
  const create = cloud.createVM.bind(cloud);
  cloud.createVM = (spec, options) => (specs.push(spec as (typeof specs)[number]), create(spec, options));
  const manager = new FederationManager({ stateStore: store, providers: [onprem, cloud] });
  const network = new CrossCloudNetwork({ vault, store, overlay: { name: 'mesh' } });
  await network.planOverlay([
    { name: 'gw-a', provider: 'cloud', subnets: ['10.1.0.0/16'] },
    { name: 'gw-b', provider: 'onprem' },
    { name: 'laptop' },
  ]);
  return { store, vault, onprem, cloud, manager, network, specs };
}

describe('deployNode', () => {
  it('creates the gateway VM on the node’s provider with its cloud-init and a public IP, and records the endpoint', async () => {
    const w = await world();
    const deployed = await w.network.deployNode(w.manager, 'cloud', 'gw-a', { spec: { name: 'gw-a', cpu: 2, memory: 2 } });
    expect(deployed.vm.provider).toBe('cloud');
    const ip = deployed.vm.publicIps[0];
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(deployed.node).toMatchObject({ name: 'gw-a', endpoint: `${ip}:51820`, listenPort: 51820 });
    expect((await w.network.overlayPlan())?.nodes.find((n) => n.name === 'gw-a')?.endpoint).toBe(`${ip}:51820`);

    // The VM boots with the node's config: its interface, its private key, its peers.
    const privateKey = await w.vault.read(deployed.node.key.privateKeyRef);
    expect(w.specs).toHaveLength(1);
    expect(w.specs[0]!.network?.publicIp).toBe(true);
    expect(w.specs[0]!.userData).toContain('#cloud-config');
    expect(w.specs[0]!.userData).toContain(privateKey);
    expect(w.specs[0]!.userData).toContain('ListenPort = 51820');
    // Peers now reach it at the VM's address.
    const peerConfig = await renderWireGuardConfig(deployed.plan, 'gw-b', { vault: w.vault });
    expect(peerConfig).toContain(`Endpoint = ${ip}:51820`);
    // The private key is in no stored record.
    expect(await storeRows(w.store)).not.toContain(privateKey);

    // Again: the same VM, nothing new.
    const again = await w.network.deployNode(w.manager, 'cloud', 'gw-a', { spec: { name: 'gw-a', cpu: 2, memory: 2 } });
    expect(again.vm.id).toBe(deployed.vm.id);
    expect(await collect(w.cloud.listVMs())).toHaveLength(1);
    expect(await collect(w.onprem.listVMs())).toHaveLength(0);
  });

  it('refuses a node planned for another provider, and a node that is not in the plan', async () => {
    const w = await world();
    expect(ConflictError.isInstance(await rejectionOf(w.network.deployNode(w.manager, 'cloud', 'gw-b')))).toBe(true);
    expect(NotFoundError.isInstance(await rejectionOf(w.network.deployNode(w.manager, 'cloud', 'nobody')))).toBe(true);
    expect(await collect(w.cloud.listVMs())).toHaveLength(0);
  });

  it('passes leaseTtlMs to the lease a setup holds', async () => {
    const inner = createMemoryStore();
    const ttls: number[] = [];
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'acquireLease') return (name: string, holder: string, ttlMs: number, options?: unknown) => (ttls.push(ttlMs), target.acquireLease(name, holder, ttlMs, options as never));
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as StateStore;
    const vault = createMemorySecretVault();
    const network = new CrossCloudNetwork({ vault, store, leaseTtlMs: 4321, overlay: { name: 'leased' } });
    const provider = createMemoryProvider({ name: 'p' });
    await network.establishConnectivity({ provider, overlayNode: { name: 'n1', endpoint: '198.51.100.1' } }, { provider, overlayNode: { name: 'n2', endpoint: '198.51.100.2' } }, { mode: 'overlay' });
    expect(ttls.length).toBeGreaterThan(0);
    expect(ttls.every((t) => t === 4321)).toBe(true);
  });
});
