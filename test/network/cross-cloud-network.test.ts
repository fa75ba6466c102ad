/**
 * CrossCloudNetwork on memory providers: the choice of mode, a VPN between an AWS-like and an
 * Azure-like cloud (gateways that take 40 minutes, a resumable wait), an answer lost mid-setup
 * and resolved without duplicates, peering across accounts, the overlay path, complete
 * teardowns, and secrets that never reach the store, events or errors.
 */
import { describe, expect, it } from 'vitest';
import { CrossCloudNetwork, createMemorySecretVault, networkOptionsFromSettings, type ConnectivityEndpoint } from '../../src/network/index.js';
import { ConflictError, ProviderUnavailableError } from '../../src/provider/errors.js';
import { EventBus } from '../../src/provider/events.js';
import type { VpnConnection } from '../../src/provider/network-types.js';
import { createMemoryProvider, type MemoryProvider } from '../../src/providers/memory/index.js';
import { createMemoryNetworkFabric } from '../../src/providers/memory/memory-network.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { loadFederationConfig } from '../../src/federation/config.js';
import { FEDERATION_YAML } from '../federation/spec-examples.js';
import { collect, rejectionOf } from '../helpers.js';

function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function storeRows(store: StateStore): Promise<string> {
  const rows: unknown[] = [];
  for await (const r of store.list('')) rows.push(r);
  return JSON.stringify(rows);
}

async function world() {
  const fabric = createMemoryNetworkFabric();
  const clock = manualClock();
  const events = new EventBus();
  const seen: unknown[] = [];
  events.on('network.changed', (e) => void seen.push(e));
  const aws = createMemoryProvider({ name: 'aws-east', kind: 'aws', clock: clock.now, events, network: { fabric, account: '111111111111', gatewayDelayMs: 5 * 60_000 } });
  const azure = createMemoryProvider({ name: 'azure-west', kind: 'azure', clock: clock.now, events, network: { fabric, gatewayDelayMs: 40 * 60_000 } });
  const vpcA = await aws.networking!.createNetwork({ name: 'vpc-a', cidrs: ['10.1.0.0/16'] });
  const vnetB = await azure.networking!.createNetwork({ name: 'vnet-b', cidrs: ['10.2.0.0/16'] });
  const store = createMemoryStore();
  const vault = createMemorySecretVault();
  const timeouts = { runBudgetMs: 50, pollMs: 5 };
  const network = new CrossCloudNetwork({ vault, store, clock: clock.now, timeouts, providers: [aws, azure] });
  const a: ConnectivityEndpoint = { provider: aws, networkId: vpcA.id };
  const b: ConnectivityEndpoint = { provider: azure, networkId: vnetB.id };
  return { fabric, clock, events, seen, aws, azure, vpcA, vnetB, store, vault, network, a, b, timeouts };
}

async function connections(p: MemoryProvider): Promise<VpnConnection[]> {
  return collect(p.networking!.list('vpn-connection'));
}

describe('choosing a mode', () => {
  it('peers within one cloud, uses a VPN between two clouds that offer one, else the overlay; a forced mode wins', async () => {
    const w = await world();
    const aws2 = createMemoryProvider({ name: 'aws-west', kind: 'aws', network: { fabric: w.fabric } });
    const plain = createMemoryProvider({ name: 'onprem', kind: 'openstack' });
    expect(w.network.chooseMode(w.a, w.b)).toMatchObject({ mode: 'vpn' });
    expect(w.network.chooseMode(w.a, { provider: aws2, networkId: 'x' })).toMatchObject({ mode: 'peering' });
    expect(w.network.chooseMode(w.a, { provider: plain })).toMatchObject({ mode: 'overlay', reason: expect.stringMatching(/no managed VPN on onprem/) });
    expect(w.network.chooseMode(w.a, w.b, 'overlay').mode).toBe('overlay');
    const configured = new CrossCloudNetwork({ vault: w.vault, ...networkOptionsFromSettings((await loadFederationConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: 's' } })).networking) });
    expect(configured.chooseMode(w.a, w.b)).toEqual({ mode: 'overlay', reason: 'mode overlay was asked for' });
  });
});

describe('a VPN between AWS-like and Azure-like clouds', () => {
  it('waits for the 40-minute gateway as a resumable record, connects with tunnels up on both sides, and tears down completely', async () => {
    const w = await world();
    const started = Date.now();
    const first = await w.network.establishConnectivity(w.a, w.b);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first).toMatchObject({ mode: 'vpn', status: 'provisioning', waitingFor: { provider: 'aws-east', type: 'vpn-gateway' } });
    // The deadline is recorded: 60 minutes from the wait's start on the provider clock.
    expect(Date.parse(first.waitingFor!.deadlineAt)).toBe(w.clock.now() + 3_600_000);

    w.clock.advance(6 * 60_000);
    expect((await w.network.resume(first.operationId)).waitingFor).toMatchObject({ provider: 'azure-west', type: 'vpn-gateway' });
    w.clock.advance(35 * 60_000);
    const done = await w.network.resume(first.operationId);
    // The connections take a little longer; a further run finishes.
    const connected = done.status === 'connected' ? done : (w.clock.advance(60_000), await w.network.resume(first.operationId));
    expect(connected.status).toBe('connected');

    const [awsConn] = await connections(w.aws);
    const [azConn] = await connections(w.azure);
    expect(awsConn!.tunnels.map((t) => t.status)).toEqual(['up', 'up']);
    expect(azConn!.tunnels.map((t) => t.status)).toEqual(['up', 'up']);
    expect(awsConn!.tunnels.map((t) => t.bgp?.localIp)).toEqual(['169.254.21.1', '169.254.21.5']);
    expect(azConn!.tunnels.map((t) => [t.bgp?.localAsn, t.bgp?.peerAsn])).toEqual([[65515, 64512], [65515, 64512]]);
    expect((await collect(w.aws.networking!.list('route'))).map((r) => r.destination)).toEqual(['10.2.0.0/16']);
    expect(connected.resources.map((r) => r.type).sort()).toEqual(['peer-gateway', 'peer-gateway', 'route', 'route', 'vpn-connection', 'vpn-connection', 'vpn-gateway', 'vpn-gateway']);
    // Calling again returns the recorded result and creates nothing.
    const count = w.fabric.size;
    expect((await w.network.establishConnectivity(w.a, w.b)).status).toBe('connected');
    expect(w.fabric.size).toBe(count);

    const psks = w.vault.secretValues();
    expect(psks).toHaveLength(2);
    const rows = await storeRows(w.store);
    const events = JSON.stringify(w.seen);
    for (const psk of psks) {
      expect(rows).not.toContain(psk);
      expect(events).not.toContain(psk);
      expect(JSON.stringify([awsConn, azConn])).not.toContain(psk);
    }

    let down = await w.network.teardown(first.operationId);
    for (let i = 0; down.status !== 'torn-down' && i < 20; i++) {
      w.clock.advance(60_000);
      down = await w.network.teardown(first.operationId);
    }
    expect(down.status).toBe('torn-down');
    w.clock.advance(60_000);
    // Only the two networks the test made itself are left; the keys are gone from the vault.
    expect(w.fabric.resources().map((r) => r.type)).toEqual(['network', 'network']);
    expect(w.vault.names()).toEqual([]);
    const again = await rejectionOf(w.network.establishConnectivity(w.a, w.b));
    expect(ConflictError.isInstance(again), String(again)).toBe(true);
    expect((await w.network.establishConnectivity(w.a, w.b, { idempotencyKey: 'second-time' })).status).toBe('provisioning');
  });

  it('resolves a create whose answer was lost through its idempotency key, in a new process, creating nothing twice', async () => {
    const w = await world();
    w.clock.advance(0);
    const net = w.azure.networking!;
    const real = net.createPeerGateway.bind(net);
    let drops = 1;
    net.createPeerGateway = async (input, options) => {
      const made = await real(input, options);
      if (drops-- > 0) throw new ProviderUnavailableError({ provider: 'azure-west', message: 'the response was lost' });
      return made;
    };
    const first = await w.network.establishConnectivity(w.a, w.b);
    w.clock.advance(41 * 60_000);
    const lost = await rejectionOf(w.network.resume(first.operationId));
    expect(ProviderUnavailableError.isInstance(lost), String(lost)).toBe(true);
    const before = JSON.stringify(await collect(w.store.list('operations')));
    expect(before).toContain('"status":"uncertain"');
    // A new CrossCloudNetwork on the same store (another process after a crash) picks it up.
    const other = new CrossCloudNetwork({ vault: w.vault, store: w.store, clock: w.clock.now, timeouts: w.timeouts, providers: [w.aws, w.azure] });
    let result = await other.resume(first.operationId);
    for (let i = 0; result.status !== 'connected' && i < 5; i++) {
      w.clock.advance(60_000);
      result = await other.resume(first.operationId);
    }
    expect(result.status).toBe('connected');
    expect(await collect(net.list('peer-gateway'))).toHaveLength(1);
    expect(await collect(net.list('vpn-gateway'))).toHaveLength(1);
    const record = JSON.stringify(await collect(w.store.list('operations')));
    for (const psk of w.vault.secretValues()) expect(record).not.toContain(psk);
  });
});

describe('peering', () => {
  it('peers two AWS-like networks across accounts and tears down; overlapping ranges are refused and cleaned up', async () => {
    const fabric = createMemoryNetworkFabric();
    const one = createMemoryProvider({ name: 'aws-one', kind: 'aws', network: { fabric, account: '111111111111' } });
    const two = createMemoryProvider({ name: 'aws-two', kind: 'aws', network: { fabric, account: '222222222222' } });
    const n1 = await one.networking!.createNetwork({ name: 'a', cidrs: ['10.1.0.0/16'] });
    const n2 = await two.networking!.createNetwork({ name: 'b', cidrs: ['10.2.0.0/16'] });
    const n3 = await two.networking!.createNetwork({ name: 'c', cidrs: ['10.1.128.0/17'] });
    const vault = createMemorySecretVault();
    const network = new CrossCloudNetwork({ vault, timeouts: { pollMs: 5 } });
    const result = await network.establishConnectivity({ provider: one, networkId: n1.id }, { provider: two, networkId: n2.id });
    expect(result).toMatchObject({ mode: 'peering', status: 'connected' });
    const [peering] = await collect(two.networking!.list('peering'));
    expect(peering).toMatchObject({ state: 'available', role: 'accepter' });
    expect((await collect(two.networking!.list('route'))).map((r) => [r.destination, r.target.id])).toEqual([['10.1.0.0/16', peering!.id]]);
    expect((await network.teardown(result.operationId)).status).toBe('torn-down');
    expect(fabric.resources().map((r) => r.type)).toEqual(['network', 'network', 'network']);

    const refused = await rejectionOf(network.establishConnectivity({ provider: one, networkId: n1.id }, { provider: two, networkId: n3.id }));
    expect((refused as Error).message).toMatch(/overlapping CIDR ranges: 10\.1\.0\.0\/16 and 10\.1\.128\.0\/17/);
    const failedId = (await collect(network['store'].list('operations'))).map((r) => (r.value as { id: string; status: string })).find((r) => r.status === 'failed')!.id;
    expect((await network.teardown(failedId)).status).toBe('torn-down');
    expect(await collect(one.networking!.list('peering'))).toEqual([]);
  });
});

describe('the overlay path', () => {
  it('adds each site’s node to the stored plan, renders it, and its teardown removes the nodes and their keys', async () => {
    const vault = createMemorySecretVault();
    const store = createMemoryStore();
    const network = new CrossCloudNetwork({ vault, store, overlay: { name: 'fed' } });
    const onprem = createMemoryProvider({ name: 'onprem', kind: 'openstack' });
    const gcp = createMemoryProvider({ name: 'gcp', kind: 'gcp' });
    const result = await network.establishConnectivity(
      { provider: onprem, overlayNode: { name: 'onprem-gw', subnets: ['10.0.0.0/16'] } },
      { provider: gcp, overlayNode: { name: 'gcp-gw', endpoint: '198.51.100.4', subnets: ['10.5.0.0/16'] } },
    );
    expect(result).toMatchObject({ mode: 'overlay', status: 'connected' });
    expect(result.overlay!.nodes.map((n) => [n.name, n.address])).toEqual([['onprem-gw', '100.96.0.1/32'], ['gcp-gw', '100.96.0.2/32']]);
    const config = await network.renderNode(result.overlay!, 'onprem-gw');
    expect(config).toMatch(/AllowedIPs = 100\.96\.0\.2\/32, 10\.5\.0\.0\/16\nEndpoint = 198\.51\.100\.4:51820\nPersistentKeepalive = 25/);
    expect(await network.renderNode(result.overlay!, 'gcp-gw', { format: 'cloud-init' })).toMatch(/^#cloud-config/);
    const rows = await storeRows(store);
    for (const key of vault.secretValues()) expect(rows).not.toContain(key);
    expect((await network.teardown(result.operationId)).status).toBe('torn-down');
    expect((await network.overlayPlan())!.nodes).toEqual([]);
    expect(vault.names()).toEqual([]);
  });
});

describe('a VPN between two clouds whose gateways have their IPs (Azure-like and GCP-like)', () => {
  it('connects with static routing where one side has no BGP, tunnels up, and tears down', async () => {
    const fabric = createMemoryNetworkFabric();
    const azure = createMemoryProvider({ name: 'az', kind: 'azure', network: { fabric, gatewayDelayMs: 5, connectionDelayMs: 5 } });
    const gcp = createMemoryProvider({ name: 'gc', kind: 'gcp', network: { fabric, gatewayDelayMs: 5, connectionDelayMs: 5, capabilities: { bgp: false } } });
    const n1 = await azure.networking!.createNetwork({ name: 'a', cidrs: ['10.1.0.0/16'] });
    const n2 = await gcp.networking!.createNetwork({ name: 'b', cidrs: ['10.2.0.0/16', '10.3.0.0/16'] });
    const vault = createMemorySecretVault();
    const network = new CrossCloudNetwork({ vault, timeouts: { pollMs: 2 } });
    const result = await network.establishConnectivity({ provider: azure, networkId: n1.id }, { provider: gcp, networkId: n2.id });
    expect(result).toMatchObject({ mode: 'vpn', status: 'connected' });
    const [c1] = await connections(azure);
    const [c2] = await connections(gcp);
    expect([c1!.routing, c2!.routing]).toEqual(['static', 'static']);
    expect(c1!.staticRoutes).toEqual(['10.2.0.0/16', '10.3.0.0/16']);
    expect([...c1!.tunnels, ...c2!.tunnels].map((t) => t.status)).toEqual(['up', 'up', 'up', 'up']);
    expect(new Set(c1!.tunnels.map((t) => t.outsideIp)).size).toBe(2);
    expect((await collect(azure.networking!.list('route'))).map((r) => r.destination)).toEqual(['10.2.0.0/16', '10.3.0.0/16']);
    expect((await network.teardown(result.operationId)).status).toBe('torn-down');
    expect(fabric.resources().map((r) => r.type)).toEqual(['network', 'network']);
  });
});

describe('tearing down a setup that stopped on a lost answer', () => {
  it('finds the resource the unsettled create made, by its token, and deletes it too', async () => {
    const w = await world();
    const net = w.aws.networking!;
    const real = net.createVpnGateway.bind(net);
    net.createVpnGateway = async (input, options) => {
      await real(input, options);
      throw new ProviderUnavailableError({ provider: 'aws-east', message: 'the response was lost' });
    };
    const error = await rejectionOf(w.network.establishConnectivity(w.a, w.b));
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(await collect(net.list('vpn-gateway'))).toHaveLength(1);
    const [record] = await collect(w.store.list('operations'));
    let down = await w.network.teardown((record!.value as { id: string }).id);
    for (let i = 0; down.status !== 'torn-down' && i < 5; i++) {
      w.clock.advance(60_000);
      down = await w.network.teardown((record!.value as { id: string }).id);
    }
    w.clock.advance(60_000);
    expect(await collect(net.list('vpn-gateway'))).toEqual([]);
  });
});
