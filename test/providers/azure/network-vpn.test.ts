/**
 * The Azure network companion's VPN side against the ARM emulator, through the real SDK: where it
 * puts a GatewaySubnet and when it refuses for want of room, that a gateway comes back
 * `provisioning` and shows its public IPs once provisioned, that pre-shared keys stay out of
 * everything it returns or says, that deletes out of order are refused and a teardown leaves
 * nothing, and BGP over an active-active gateway's two tunnels.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError } from '../../../src/provider/errors.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import type { NetworkResource, NetworkResourceRef, NetworkResourceState, SecretReader, VpnConnection, VpnGateway } from '../../../src/provider/network-types.js';
import type { AzureProvider } from '../../../src/providers/azure/index.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedNetwork, type EmulatedNetwork } from './network-emulated.js';

let env: EmulatedNetwork;
let azure: AzureProvider;
let net: NetworkProviderV1;
let client: NetworkManagementClient;
let rg: string;

const PSK = 'Vpn.Key_of.the.test_0042';
const reads: string[] = [];
const secrets: SecretReader = {
  async read(ref) {
    reads.push(ref.secret);
    if (ref.secret === 'psk/main') return PSK;
    if (ref.secret === 'psk/bad') return `${PSK}\u0001`;
    throw new NotFoundError({ message: `no secret ${ref.secret}` });
  },
};

beforeAll(async () => {
  env = await startEmulatedNetwork({ operationMs: 20, gatewayTiming: { provisioningMs: 300, updateMs: 150, deleteMs: 200, connectionMs: 100 } });
  azure = env.provider();
  net = azure.networking;
  client = new NetworkManagementClient(env.emu.providerOptions.credential, env.emu.providerOptions.subscriptionId, { ...env.emu.sdkClientOptions });
  rg = env.emu.providerOptions.resourceGroup;
});
afterAll(() => env.close());

/** Polls (real time) until the resource is in one of `states`, or gone when `states` is empty. */
async function reach<T extends NetworkResource>(on: NetworkProviderV1, ref: NetworkResourceRef, states: readonly NetworkResourceState[]): Promise<T | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    let resource: NetworkResource;
    try {
      resource = await on.get(ref);
    } catch (error) {
      if (states.length === 0 && NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
    if (states.includes(resource.state)) return resource as T;
    if (Date.now() > deadline) throw new Error(`${ref.type} ${ref.id} still ${resource.state}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ipsOf = async (): Promise<string[]> => (await collect(client.publicIPAddresses.list(rg))).map((ip) => ip.name!);

describe('VPN gateways', () => {
  it('puts the GatewaySubnet at the top of the network, returns provisioning at once, and shows the public IP once provisioned', async () => {
    const n = await net.createNetwork({ name: 'gw-net', cidrs: ['10.90.0.0/24'] }, { idempotencyKey: 'gw-net' });
    await net.createSubnet({ name: 'app', networkId: n.id, cidr: '10.90.0.0/26' }, { idempotencyKey: 'gw-net/app' });
    const gw = await net.createVpnGateway({ name: 'gw', networkId: n.id, asn: 64600, labels: { team: 'net' } }, { idempotencyKey: 'gw-1' });
    expect(gw).toMatchObject({ type: 'vpn-gateway', state: 'provisioning', rawState: 'Updating', publicIps: [], asn: 64600, networkId: n.id, name: 'gw', labels: { team: 'net' } });
    const vnet = await client.virtualNetworks.get(rg, n.id.split('/').pop()!);
    expect(vnet.subnets?.map((s) => s.addressPrefix).sort()).toEqual(['10.90.0.0/26', '10.90.0.224/27']);
    expect(vnet.subnets?.find((s) => s.name === 'GatewaySubnet')?.addressPrefix).toBe('10.90.0.224/27');
    const arm = await client.virtualNetworkGateways.get(rg, gw.id.split('/').pop()!);
    expect(arm).toMatchObject({ gatewayType: 'Vpn', vpnType: 'RouteBased', sku: { name: 'VpnGw1' }, active: false, enableBgp: true, vpnGatewayGeneration: 'Generation1' });
    const ip = await client.publicIPAddresses.get(rg, `${gw.id.split('/').pop()!}-ip1`);
    expect(ip).toMatchObject({ sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' });
    const ready = await reach<VpnGateway>(net, { type: 'vpn-gateway', id: gw.id }, ['available']);
    expect(ready!.publicIps).toEqual([ip.ipAddress]);
    expect((await net.findByIdempotencyKey('vpn-gateway', 'gw-1'))?.id).toBe(gw.id);
    const before = await ipsOf();
    const second = await rejectionOf(net.createVpnGateway({ name: 'gw-two', networkId: n.id }, { idempotencyKey: 'gw-2' }));
    expect(ConflictError.isInstance(second), String(second)).toBe(true);
    expect(await ipsOf()).toEqual(before);
  });

  it('removes the public IP and GatewaySubnet it made when Azure refuses the gateway for good', async () => {
    const n = await net.createNetwork({ name: 'refused', cidrs: ['10.95.0.0/24'] });
    const before = await ipsOf();
    env.emu.faults.failNext('virtualNetworkGateways.createOrUpdate', { kind: 'invalid' });
    const error = await rejectionOf(net.createVpnGateway({ name: 'refused-gw', networkId: n.id }));
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect(await ipsOf()).toEqual(before);
    expect((await client.virtualNetworks.get(rg, n.id.split('/').pop()!)).subnets ?? []).toEqual([]);
  });

  it('refuses with an InvalidSpecError naming networkId when the network has no room for a GatewaySubnet, and creates nothing', async () => {
    const before = await ipsOf();
    const full = await net.createNetwork({ name: 'full', cidrs: ['10.91.0.0/27'] });
    await net.createSubnet({ name: 'all', networkId: full.id, cidr: '10.91.0.0/27' });
    const small = await net.createNetwork({ name: 'small', cidrs: ['10.92.0.0/28'] });
    for (const networkId of [full.id, small.id]) {
      const error = await rejectionOf(net.createVpnGateway({ name: 'nope', networkId }));
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).issues.map((i) => i.field)).toEqual(['networkId']);
      expect(String(error)).toMatch(/no free \/27 for its GatewaySubnet/);
    }
    expect(await ipsOf()).toEqual(before);
    expect((await collect(client.virtualNetworkGateways.list(rg))).map((g) => g.tags?.['novacron:name'])).not.toContain('nope');
  });
});

describe('VPN connections and their pre-shared keys', () => {
  let gw: VpnGateway;
  let networkId: string;
  const events: string[] = [];

  beforeAll(async () => {
    azure.events.on('network.changed', (e) => events.push(JSON.stringify(e)));
    networkId = (await net.createNetwork({ name: 'vpn-net', cidrs: ['10.93.0.0/24'] }, { idempotencyKey: 'vpn-net' })).id;
    gw = (await reach<VpnGateway>(net, { type: 'vpn-gateway', id: (await net.createVpnGateway({ name: 'vpn-gw', networkId }, { idempotencyKey: 'vpn-gw' })).id }, ['available']))!;
  });

  it('sends the key to Azure, reads it through the secret reader only, and keeps it out of what it returns, lists and publishes', async () => {
    const pg = await net.createPeerGateway({ name: 'far', ips: ['198.51.100.30'], cidrs: ['192.168.30.0/24'] }, { idempotencyKey: 'far' });
    reads.length = 0;
    const conn = await net.createVpnConnection(
      { name: 'to-far', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'static', tunnels: [{ peerIp: '198.51.100.30', preSharedKey: { secret: 'psk/main' } }] },
      { secrets, idempotencyKey: 'to-far' },
    );
    expect(reads).toEqual(['psk/main']);
    expect(conn).toMatchObject({ state: 'provisioning', routing: 'static', staticRoutes: ['192.168.30.0/24'], tunnels: [{ outsideIp: gw.publicIps[0], peerIp: '198.51.100.30', preSharedKey: { secret: 'psk/main' }, status: 'unknown' }] });
    const ready = await reach<VpnConnection>(net, { type: 'vpn-connection', id: conn.id }, ['available']);
    expect(ready!.tunnels[0]!.status).toBe('down');
    const listed = await collect(net.list('vpn-connection'));
    for (const shown of [conn, ready, listed, await net.findByIdempotencyKey('vpn-connection', 'to-far'), events]) expect(JSON.stringify(shown)).not.toContain(PSK);
    const name = conn.id.split('/').pop()!;
    expect((await client.virtualNetworkGatewayConnections.get(rg, name)).sharedKey).toBeUndefined();
    expect((await client.virtualNetworkGatewayConnections.getSharedKey(rg, name)).value).toBe(PSK);
    env.emu.setConnectionStatus(name, 'Connected');
    expect((await net.get({ type: 'vpn-connection', id: conn.id })).tunnels[0]!.status).toBe('up');
  });

  it('says nothing of a key Azure refuses', async () => {
    const pg = await net.createPeerGateway({ name: 'far-bad', ips: ['198.51.100.31'], cidrs: ['192.168.31.0/24'] });
    const error = await rejectionOf(net.createVpnConnection({ name: 'bad', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'static', tunnels: [{ peerIp: '198.51.100.31', preSharedKey: { secret: 'psk/bad' } }] }, { secrets }));
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).issues[0]!.field).toBe('tunnels.preSharedKey');
    for (const said of [String(error), JSON.stringify(error), (error as Error).stack ?? '', JSON.stringify((error as { cause?: unknown }).cause ?? {})]) expect(said).not.toContain(PSK);
    await net.delete({ type: 'peer-gateway', id: pg.id });
  });

  it('refuses to delete out of order, then tears down to nothing: the public IP and the GatewaySubnet it made go with the gateway', async () => {
    const conn = (await net.findByIdempotencyKey('vpn-connection', 'to-far'))!;
    const pg = (await net.findByIdempotencyKey('peer-gateway', 'far'))!;
    for (const ref of [
      { type: 'vpn-gateway', id: gw.id },
      { type: 'peer-gateway', id: pg.id },
      { type: 'network', id: networkId },
    ] as const) {
      const error = await rejectionOf(net.delete(ref));
      expect(ConflictError.isInstance(error), `${ref.type}: ${String(error)}`).toBe(true);
    }
    await net.delete({ type: 'vpn-connection', id: conn.id });
    expect(await reach(net, { type: 'vpn-connection', id: conn.id }, [])).toBeUndefined();
    await net.delete({ type: 'peer-gateway', id: pg.id });
    expect(await reach(net, { type: 'peer-gateway', id: pg.id }, [])).toBeUndefined();
    await net.delete({ type: 'vpn-gateway', id: gw.id });
    expect((await net.get({ type: 'vpn-gateway', id: gw.id })).state).toBe('deleting');
    expect(await reach(net, { type: 'vpn-gateway', id: gw.id }, [])).toBeUndefined();
    const gwName = gw.id.split('/').pop()!;
    expect(await ipsOf()).not.toContain(`${gwName}-ip1`);
    expect((await client.virtualNetworks.get(rg, networkId.split('/').pop()!)).subnets ?? []).toEqual([]);
    await net.delete({ type: 'network', id: networkId });
    expect(await reach(net, { type: 'network', id: networkId }, [])).toBeUndefined();
    await net.delete({ type: 'vpn-gateway', id: gw.id }); // deleting what is gone succeeds
  });
});

describe('BGP over an active-active gateway', () => {
  let aa: NetworkProviderV1;
  let gw: VpnGateway;

  beforeAll(async () => {
    aa = env.provider({ name: 'azure-aa', network: { activeActive: true } }).networking;
    const n = await aa.createNetwork({ name: 'aa-net', cidrs: ['10.94.0.0/24'] });
    gw = (await reach<VpnGateway>(aa, { type: 'vpn-gateway', id: (await aa.createVpnGateway({ name: 'aa-gw', networkId: n.id })).id }, ['available']))!;
  });

  it('declares two tunnels, while an active-standby provider declares one and refuses two', async () => {
    expect(aa.capabilities.maxTunnels).toBe(2);
    expect(gw.publicIps).toHaveLength(2);
    expect(gw.asn).toBe(65515);
    expect(net.capabilities.maxTunnels).toBe(1);
    const error = await rejectionOf(net.createVpnConnection({ name: 'x', vpnGatewayId: gw.id, peerGatewayId: gw.id, tunnels: [{ peerIp: '198.51.100.1', preSharedKey: { secret: 'psk/main' } }, { peerIp: '198.51.100.2', preSharedKey: { secret: 'psk/main' } }] }, { secrets }));
    expect((error as InvalidSpecError).issues?.[0]?.field).toBe('tunnels');
  });

  it('adds the tunnels’ APIPA addresses to the gateway, the far side’s BGP peers to its local network gateways, and one Azure connection per far-side IP', async () => {
    const pg = await aa.createPeerGateway({ name: 'aws', ips: ['198.51.100.41', '198.51.100.42'], asn: 64512 });
    const outside = await rejectionOf(
      aa.createVpnConnection({ name: 'bgp', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'bgp', tunnels: [{ peerIp: '198.51.100.41', insideCidr: '169.254.30.0/30', preSharedKey: { secret: 'psk/main' } }] }, { secrets }),
    );
    expect((outside as InvalidSpecError).issues?.[0]?.field).toBe('tunnels[0].insideCidr');
    const input = {
      name: 'bgp',
      vpnGatewayId: gw.id,
      peerGatewayId: pg.id,
      routing: 'bgp' as const,
      tunnels: [
        { peerIp: '198.51.100.41', outsideIp: gw.publicIps[0], insideCidr: '169.254.21.0/30', localInsideIp: '169.254.21.2', preSharedKey: { secret: 'psk/main' } },
        { peerIp: '198.51.100.42', outsideIp: gw.publicIps[1], insideCidr: '169.254.21.4/30', localInsideIp: '169.254.21.6', preSharedKey: { secret: 'psk/main' } },
      ],
    };
    const conn = await aa.createVpnConnection(input, { secrets, idempotencyKey: 'bgp' });
    expect((await aa.createVpnConnection(input, { secrets, idempotencyKey: 'bgp' })).id).toBe(conn.id);
    const reused = await rejectionOf(aa.createVpnConnection({ ...input, name: 'bgp-other' }, { secrets, idempotencyKey: 'bgp' }));
    expect(ConflictError.isInstance(reused), String(reused)).toBe(true);
    expect(conn.tunnels.map((t) => t.bgp)).toEqual([
      { localAsn: 65515, peerAsn: 64512, localIp: '169.254.21.2', peerIp: '169.254.21.1' },
      { localAsn: 65515, peerAsn: 64512, localIp: '169.254.21.6', peerIp: '169.254.21.5' },
    ]);
    const armGateway = await client.virtualNetworkGateways.get(rg, gw.id.split('/').pop()!);
    expect(armGateway.bgpSettings?.bgpPeeringAddresses?.map((p) => p.customBgpIpAddresses)).toEqual([['169.254.21.2'], ['169.254.21.6']]);
    const first = conn.id.split('/').pop()!;
    const connections = (await collect(client.virtualNetworkGatewayConnections.list(rg))).filter((c) => c.name!.startsWith(first));
    expect(connections.map((c) => [c.name, c.enableBgp, c.gatewayCustomBgpIpAddresses?.map((g) => g.customBgpIpAddress)]).sort()).toEqual([
      [first, true, ['169.254.21.2']],
      [`${first}-2`, true, ['169.254.21.6']],
    ]);
    const lngs = (await collect(client.localNetworkGateways.list(rg))).filter((l) => l.name!.startsWith(pg.id.split('/').pop()!));
    expect(lngs.map((l) => [l.gatewayIpAddress, l.bgpSettings?.asn, l.bgpSettings?.bgpPeeringAddress]).sort()).toEqual([
      ['198.51.100.41', 64512, '169.254.21.1'],
      ['198.51.100.42', 64512, '169.254.21.5'],
    ]);
    await reach(aa, { type: 'vpn-connection', id: conn.id }, ['available']);
    env.emu.setConnectionStatus(first, 'Connected');
    expect((await aa.get({ type: 'vpn-connection', id: conn.id })).tunnels.map((t) => t.status)).toEqual(['up', 'down']);
    await aa.delete({ type: 'vpn-connection', id: conn.id });
    expect(await reach(aa, { type: 'vpn-connection', id: conn.id }, [])).toBeUndefined();
    expect((await collect(client.virtualNetworkGatewayConnections.list(rg))).filter((c) => c.name!.startsWith(first))).toEqual([]);
  });
});
