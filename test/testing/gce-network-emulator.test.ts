/**
 * The Compute Engine emulator's VPC networking as the real `@google-cloud/compute` clients (REST
 * transport) see it: resources appear when their operation is DONE, `requestId` dedupes writes,
 * and GCE's refusals hold — legacy networks, overlapping subnetworks, HA VPN tunnels with a peer
 * IP, Cloud Router ASNs and BGP peer addresses, static routes to HA VPN tunnels, deletes of what
 * is still in use — while a tunnel's shared secret is only ever shown as its hash. Peerings go
 * INACTIVE → ACTIVE when the other side adds the reverse link, and tunnels of two emulators that
 * share a fabric establish when their secrets agree.
 */
import { randomUUID } from 'node:crypto';
import { ExternalVpnGatewaysClient, GlobalOperationsClient, NetworksClient, RegionOperationsClient, RoutersClient, RoutesClient, SubnetworksClient, VpnGatewaysClient, VpnTunnelsClient } from '@google-cloud/compute';
import type { protos } from '@google-cloud/compute';
import type { ClientOptions } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GceNetworkFabric, sharedSecretHash, startGceEmulator, type GceEmulator } from '../../src/testing/emulators/gce/index.js';

type Operation = protos.google.cloud.compute.v1.IOperation;

const REGION = 'us-central1';
const SECRET = 'Emulator.Secret.4f9a1c';

interface Clients {
  networks: NetworksClient;
  subnetworks: SubnetworksClient;
  gateways: VpnGatewaysClient;
  external: ExternalVpnGatewaysClient;
  tunnels: VpnTunnelsClient;
  routers: RoutersClient;
  routes: RoutesClient;
  regionOps: RegionOperationsClient;
  globalOps: GlobalOperationsClient;
}

function clientsOf(emu: GceEmulator): Clients {
  const o = emu.clientOptions as unknown as ClientOptions;
  return {
    networks: new NetworksClient(o),
    subnetworks: new SubnetworksClient(o),
    gateways: new VpnGatewaysClient(o),
    external: new ExternalVpnGatewaysClient(o),
    tunnels: new VpnTunnelsClient(o),
    routers: new RoutersClient(o),
    routes: new RoutesClient(o),
    regionOps: new RegionOperationsClient(o),
    globalOps: new GlobalOperationsClient(o),
  };
}

async function closeAll(c: Clients): Promise<void> {
  await Promise.all(Object.values(c).map((client: { close(): Promise<void> }) => client.close()));
}

let emu: GceEmulator;
let c: Clients;
let project: string;

beforeAll(async () => {
  emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20 });
  project = emu.providerOptions.project;
  c = clientsOf(emu);
});
afterAll(async () => {
  await closeAll(c);
  await emu.close();
});

async function done(answer: { latestResponse?: unknown }, region?: string, on: Clients = c, p = project): Promise<Operation> {
  const op = answer.latestResponse as Operation;
  const [finished] = region === undefined ? await on.globalOps.wait({ project: p, operation: op.name! }) : await on.regionOps.wait({ project: p, region, operation: op.name! });
  return finished;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: number | undefined; message: string; reason: string | undefined }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; message: string; reason?: string };
    const raw = (e as Record<symbol, unknown>)[Symbol.for('google-gax.rawHttpResponsePayload')];
    const reason = typeof raw === 'string' ? (JSON.parse(raw) as { error?: { errors?: { reason?: string }[] } }).error?.errors?.[0]?.reason : err.reason;
    return { code: err.code, message: err.message, reason };
  }
  throw new Error('expected a refusal');
}

async function network(name: string, on: Clients = c, p = project): Promise<void> {
  const [op] = await on.networks.insert({ project: p, networkResource: { name, autoCreateSubnetworks: false } });
  await done(op, undefined, on, p);
}

async function subnet(name: string, net: string, range: string): Promise<void> {
  const [op] = await c.subnetworks.insert({ project, region: REGION, subnetworkResource: { name, network: `global/networks/${net}`, ipCidrRange: range } });
  await done(op, REGION);
}

/** A network with an HA VPN gateway, a router and an external gateway of two interfaces. */
async function vpnBase(prefix: string, on: Clients = c, p = project, peerIps = ['198.51.100.11', '198.51.100.12']): Promise<void> {
  await network(`${prefix}-net`, on, p);
  const [gw] = await on.gateways.insert({ project: p, region: REGION, vpnGatewayResource: { name: `${prefix}-gw`, network: `global/networks/${prefix}-net` } });
  const [router] = await on.routers.insert({ project: p, region: REGION, routerResource: { name: `${prefix}-router`, network: `global/networks/${prefix}-net`, bgp: { asn: 64512 } } });
  const [peer] = await on.external.insert({ project: p, externalVpnGatewayResource: { name: `${prefix}-peer`, redundancyType: 'TWO_IPS_REDUNDANCY', interfaces: peerIps.map((ipAddress, id) => ({ id, ipAddress })) } });
  await Promise.all([done(gw, REGION, on, p), done(router, REGION, on, p), done(peer, undefined, on, p)]);
}

function tunnelBody(prefix: string, name: string, extra: Record<string, unknown> = {}, p = project): protos.google.cloud.compute.v1.IVpnTunnel {
  return {
    name,
    vpnGateway: `projects/${p}/regions/${REGION}/vpnGateways/${prefix}-gw`,
    vpnGatewayInterface: 0,
    peerExternalGateway: `projects/${p}/global/externalVpnGateways/${prefix}-peer`,
    peerExternalGatewayInterface: 0,
    router: `projects/${p}/regions/${REGION}/routers/${prefix}-router`,
    sharedSecret: SECRET,
    ikeVersion: 2,
    ...extra,
  };
}

describe('networks', () => {
  it('appear when their insert is DONE (a 404 before), in custom mode', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const slow = await startGceEmulator({ project: 'slow-project', operationPendingMs: 1_000, operationRunningMs: 60_000, clock: () => now });
    const s = clientsOf(slow);
    try {
      const [op] = await s.networks.insert({ project: 'slow-project', networkResource: { name: 'net-slow', autoCreateSubnetworks: false } });
      expect((op.latestResponse as Operation).status).toBe('PENDING');
      now += 2_000;
      expect((await s.globalOps.get({ project: 'slow-project', operation: (op.latestResponse as Operation).name! }))[0].status).toBe('RUNNING');
      expect((await refusal(s.networks.get({ project: 'slow-project', network: 'net-slow' }))).code).toBe(5);
      now += 60_000;
      expect((await s.networks.get({ project: 'slow-project', network: 'net-slow' }))[0]).toMatchObject({ name: 'net-slow', autoCreateSubnetworks: false });
    } finally {
      await closeAll(s);
      await slow.close();
    }
  });

  it('have a default internet route that goes with them', async () => {
    const [op] = await c.networks.insert({ project, networkResource: { name: 'net-life', autoCreateSubnetworks: false, description: 'hello' } });
    expect((await done(op)).status).toBe('DONE');
    const [n] = await c.networks.get({ project, network: 'net-life' });
    expect(n).toMatchObject({ name: 'net-life', description: 'hello', autoCreateSubnetworks: false, routingConfig: { routingMode: 'REGIONAL' }, mtu: 1460 });
    const [routes] = await c.routes.list({ project, filter: 'network = net-life' });
    expect(routes).toEqual([expect.objectContaining({ destRange: '0.0.0.0/0', nextHopGateway: expect.stringMatching(/\/global\/gateways\/default-internet-gateway$/) })]);
    await done((await c.networks.delete({ project, network: 'net-life' }))[0]);
    expect((await c.routes.list({ project, filter: 'network = net-life' }))[0]).toEqual([]);
  });

  it('refuses legacy networks, a missing mode and a taken name, as GCE does', async () => {
    expect(await refusal(c.networks.insert({ project, networkResource: { name: 'legacy', IPv4Range: '10.0.0.0/16' } }))).toMatchObject({ code: 3, reason: 'invalid' });
    expect(await refusal(c.networks.insert({ project, networkResource: { name: 'nomode' } }))).toMatchObject({ code: 3, reason: 'required' });
    await network('net-taken');
    expect(await refusal(c.networks.insert({ project, networkResource: { name: 'net-taken', autoCreateSubnetworks: false } }))).toMatchObject({ code: 10, reason: 'alreadyExists' });
  });

  it('deduplicates a write by requestId: the same operation, one network', async () => {
    const requestId = randomUUID();
    const [a] = await c.networks.insert({ project, requestId, networkResource: { name: 'net-once', autoCreateSubnetworks: false } });
    const [b] = await c.networks.insert({ project, requestId, networkResource: { name: 'net-once', autoCreateSubnetworks: false } });
    expect((b.latestResponse as Operation).name).toBe((a.latestResponse as Operation).name);
    await done(a);
    expect(emu.networks.networks().filter((n) => n.name === 'net-once')).toHaveLength(1);
  });

  it('refuses to delete a network a subnetwork uses (resourceInUseByAnotherResource)', async () => {
    await network('net-used');
    await subnet('sub-used', 'net-used', '10.70.0.0/24');
    const refused = await refusal(c.networks.delete({ project, network: 'net-used' }));
    expect(refused).toMatchObject({ code: 3, reason: 'resourceInUseByAnotherResource' });
    expect(refused.message).toContain(`'projects/${project}/regions/${REGION}/subnetworks/sub-used'`);
  });
});

describe('subnetworks', () => {
  it('refuse an overlapping range in GCE’s words, a range with host bits and one outside /8–/29', async () => {
    await network('net-sub');
    await subnet('sub-a', 'net-sub', '10.80.0.0/24');
    const overlap = await refusal(c.subnetworks.insert({ project, region: REGION, subnetworkResource: { name: 'sub-b', network: 'global/networks/net-sub', ipCidrRange: '10.80.0.128/25' } }));
    expect(overlap).toMatchObject({ code: 3, reason: 'invalid' });
    expect(overlap.message).toContain(`Invalid IPCidrRange: 10.80.0.128/25 conflicts with existing subnetwork 'sub-a' in region '${REGION}'.`);
    for (const ipCidrRange of ['10.81.0.1/24', '10.82.0.0/30', '10.0.0.0/7']) {
      expect((await refusal(c.subnetworks.insert({ project, region: REGION, subnetworkResource: { name: 'sub-c', network: 'global/networks/net-sub', ipCidrRange } }))).code).toBe(3);
    }
    const [s] = await c.subnetworks.get({ project, region: REGION, subnetwork: 'sub-a' });
    expect(s).toMatchObject({ ipCidrRange: '10.80.0.0/24', gatewayAddress: '10.80.0.1', state: 'READY' });
  });
});

describe('HA VPN gateways, external gateways and tunnels', () => {
  beforeAll(() => vpnBase('ha'));

  it('gives an HA VPN gateway two interfaces with external addresses', async () => {
    const [gw] = await c.gateways.get({ project, region: REGION, vpnGateway: 'ha-gw' });
    expect(gw.vpnInterfaces?.map((i) => i.id)).toEqual([0, 1]);
    expect(gw.vpnInterfaces?.every((i) => /^35\.\d+\.\d+\.\d+$/.test(i.ipAddress ?? ''))).toBe(true);
  });

  it('refuses an external gateway whose interfaces do not match its redundancy type', async () => {
    const refused = await refusal(c.external.insert({ project, externalVpnGatewayResource: { name: 'bad-peer', redundancyType: 'TWO_IPS_REDUNDANCY', interfaces: [{ id: 0, ipAddress: '198.51.100.5' }] } }));
    expect(refused).toMatchObject({ code: 3, reason: 'invalid' });
  });

  it('refuses a peer IP on an HA VPN tunnel, and a tunnel without a shared secret, never repeating the secret', async () => {
    const peerIp = await refusal(c.tunnels.insert({ project, region: REGION, vpnTunnelResource: tunnelBody('ha', 'bad-1', { peerIp: '198.51.100.11' }) }));
    expect(peerIp.message).toContain('Cannot specify peer IP for HA VPN tunnel creation, please specify peerExternalGateway or peerGcpGateway instead.');
    expect(peerIp.message).not.toContain(SECRET);
    expect((await refusal(c.tunnels.insert({ project, region: REGION, vpnTunnelResource: tunnelBody('ha', 'bad-2', { sharedSecret: undefined }) }))).reason).toBe('required');
    const badRouter = await refusal(c.tunnels.insert({ project, region: REGION, vpnTunnelResource: tunnelBody('ha', 'bad-3', { router: `projects/${project}/regions/${REGION}/routers/missing` }) }));
    expect(badRouter.code).toBe(3);
    expect(badRouter.message).not.toContain(SECRET);
  });

  it('shows a tunnel’s sharedSecretHash, never its secret, and refuses deletes of what it uses', async () => {
    await done((await c.tunnels.insert({ project, region: REGION, vpnTunnelResource: tunnelBody('ha', 'ha-t0') }))[0], REGION);
    const [t] = await c.tunnels.get({ project, region: REGION, vpnTunnel: 'ha-t0' });
    expect(JSON.stringify(t)).not.toContain(SECRET);
    expect(t.sharedSecretHash).toBe(sharedSecretHash(SECRET));
    expect(t).toMatchObject({ peerIp: '198.51.100.11', ikeVersion: 2, status: 'NO_INCOMING_PACKETS' });
    expect(JSON.stringify(emu.networks.vpnTunnels())).not.toContain(SECRET);
    for (const refused of [
      await refusal(c.gateways.delete({ project, region: REGION, vpnGateway: 'ha-gw' })),
      await refusal(c.external.delete({ project, externalVpnGateway: 'ha-peer' })),
      await refusal(c.routers.delete({ project, region: REGION, router: 'ha-router' })),
    ]) {
      expect(refused).toMatchObject({ code: 3, reason: 'resourceInUseByAnotherResource' });
      expect(refused.message).toContain(`is already being used by 'projects/${project}/regions/${REGION}/vpnTunnels/ha-t0'`);
    }
  });

  it('takes BGP sessions on the router as GCE checks them, and keeps a linked tunnel', async () => {
    const link = `projects/${project}/regions/${REGION}/vpnTunnels/ha-t0`;
    const patch = (routerResource: protos.google.cloud.compute.v1.IRouter) => c.routers.patch({ project, region: REGION, router: 'ha-router', routerResource });
    const wrongIp = await refusal(patch({ interfaces: [{ name: 'if0', linkedVpnTunnel: link, ipRange: '169.254.1.1/30' }], bgpPeers: [{ name: 'p0', interfaceName: 'if0', ipAddress: '169.254.1.3', peerIpAddress: '169.254.1.2', peerAsn: 65000 }] }));
    expect(wrongIp.message).toContain('BGP Peer "p0" has IP address 169.254.1.3 different from interface IP address 169.254.1.1');
    expect((await refusal(patch({ interfaces: [{ name: 'if0', linkedVpnTunnel: link, ipRange: '10.0.0.1/30' }] }))).code).toBe(3);
    expect((await refusal(patch({ interfaces: [{ name: 'if0', linkedVpnTunnel: link, ipRange: '169.254.1.0/30' }] }))).code).toBe(3);
    expect((await refusal(patch({ interfaces: [{ name: 'if0', linkedVpnTunnel: link, ipRange: '169.254.1.1/30' }], bgpPeers: [{ name: 'p0', interfaceName: 'if0', peerIpAddress: '169.254.1.5', peerAsn: 65000 }] }))).code).toBe(3);
    await done((await patch({ interfaces: [{ name: 'if0', linkedVpnTunnel: link, ipRange: '169.254.1.1/30' }], bgpPeers: [{ name: 'p0', interfaceName: 'if0', peerIpAddress: '169.254.1.2', peerAsn: 65000, customLearnedIpRanges: [{ range: '192.168.7.0/24' }] }] }))[0], REGION);
    const [r] = await c.routers.get({ project, region: REGION, router: 'ha-router' });
    expect(r.bgpPeers?.[0]).toMatchObject({ ipAddress: '169.254.1.1', peerIpAddress: '169.254.1.2', peerAsn: 65000, customLearnedIpRanges: [{ range: '192.168.7.0/24' }] });
    const linked = await refusal(c.tunnels.delete({ project, region: REGION, vpnTunnel: 'ha-t0' }));
    expect(linked).toMatchObject({ reason: 'resourceInUseByAnotherResource' });
    // A PATCH cannot send an empty list (proto3 JSON leaves it out); an update writes the router whole.
    await done((await c.routers.update({ project, region: REGION, router: 'ha-router', routerResource: { name: 'ha-router', network: `projects/${project}/global/networks/ha-net`, bgp: { asn: 64512 } } }))[0], REGION);
    expect((await c.routers.get({ project, region: REGION, router: 'ha-router' }))[0]).toMatchObject({ interfaces: [], bgpPeers: [] });
    await done((await c.tunnels.delete({ project, region: REGION, vpnTunnel: 'ha-t0' }))[0], REGION);
  });

  it('refuses a public ASN for a Cloud Router', async () => {
    expect(await refusal(c.routers.insert({ project, region: REGION, routerResource: { name: 'pub-asn', network: 'global/networks/ha-net', bgp: { asn: 15169 } } }))).toMatchObject({ code: 3, reason: 'invalid' });
  });

  it('finds an insert by targetLink among the region operations', async () => {
    const [ops] = await c.regionOps.list({ project, region: REGION, filter: `targetLink = "https://www.googleapis.com/compute/v1/projects/${project}/regions/${REGION}/vpnGateways/ha-gw"` });
    expect(ops.map((o) => [o.operationType, o.status])).toEqual([['insert', 'DONE']]);
    expect(ops[0]!.region).toMatch(new RegExp(`/regions/${REGION}$`));
  });
});

describe('routes', () => {
  it('refuse an HA VPN tunnel as a next hop and a destination inside a subnetwork range', async () => {
    await network('net-rt');
    await subnet('sub-rt', 'net-rt', '10.90.0.0/24');
    const tunnel = await refusal(c.routes.insert({ project, routeResource: { name: 'rt-tun', network: 'global/networks/net-rt', destRange: '192.168.9.0/24', nextHopVpnTunnel: `projects/${project}/regions/${REGION}/vpnTunnels/x` } }));
    expect(tunnel.message).toMatch(/Classic VPN tunnels/);
    expect((await refusal(c.routes.insert({ project, routeResource: { name: 'rt-in', network: 'global/networks/net-rt', destRange: '10.90.0.0/25', nextHopGateway: 'global/gateways/default-internet-gateway' } }))).code).toBe(3);
    await done((await c.routes.insert({ project, routeResource: { name: 'rt-ok', network: 'global/networks/net-rt', destRange: '10.90.0.0/16', nextHopGateway: 'global/gateways/default-internet-gateway' } }))[0]);
    const [r] = await c.routes.get({ project, route: 'rt-ok' });
    expect(r).toMatchObject({ destRange: '10.90.0.0/16', priority: 1000, routeType: 'STATIC' });
  });
});

describe('peering', () => {
  it('is INACTIVE until the other side adds the reverse peering, then ACTIVE; removing one side makes the other INACTIVE', async () => {
    await network('peer-a');
    await network('peer-b');
    const add = (from: string, to: string, name: string) =>
      c.networks.addPeering({ project, network: from, networksAddPeeringRequestResource: { networkPeering: { name, network: `projects/${project}/global/networks/${to}`, exchangeSubnetRoutes: true } } });
    const [first] = await add('peer-a', 'peer-b', 'a-to-b');
    // A second peering call while the first runs on either network is refused, as GCE refuses it.
    expect((await refusal(add('peer-b', 'peer-a', 'b-to-a'))).message).toBe('There is a peering operation in progress on the local or peer network. Try again later.');
    await done(first);
    const state = async (n: string) => (await c.networks.get({ project, network: n }))[0].peerings?.[0];
    expect(await state('peer-a')).toMatchObject({ state: 'INACTIVE', stateDetails: expect.stringMatching(/Waiting for peer network to connect\.$/) });
    await done((await add('peer-b', 'peer-a', 'b-to-a'))[0]);
    expect(await state('peer-a')).toMatchObject({ state: 'ACTIVE', stateDetails: expect.stringMatching(/Connected\.$/) });
    expect(await state('peer-b')).toMatchObject({ state: 'ACTIVE' });
    await done((await c.networks.removePeering({ project, network: 'peer-a', networksRemovePeeringRequestResource: { name: 'a-to-b' } }))[0]);
    expect(await state('peer-b')).toMatchObject({ state: 'INACTIVE' });
  });

  it('refuses the peering that would join overlapping subnetwork ranges', async () => {
    await network('ov-a');
    await network('ov-b');
    await subnet('ov-sa', 'ov-a', '10.95.0.0/24');
    await subnet('ov-sb', 'ov-b', '10.95.0.0/25');
    await done((await c.networks.addPeering({ project, network: 'ov-a', networksAddPeeringRequestResource: { networkPeering: { name: 'x', network: `projects/${project}/global/networks/ov-b`, exchangeSubnetRoutes: true } } }))[0]);
    const refused = await refusal(c.networks.addPeering({ project, network: 'ov-b', networksAddPeeringRequestResource: { networkPeering: { name: 'y', network: `projects/${project}/global/networks/ov-a`, exchangeSubnetRoutes: true } } }));
    expect(refused).toMatchObject({ code: 3 });
    expect(refused.message).toMatch(/overlaps with an IP range in the local network/);
  });
});

describe('tunnels between two emulators sharing a network fabric', () => {
  it('are ESTABLISHED when each is the other’s mirror with the same secret, AUTHORIZATION_ERROR with another', async () => {
    const fabric = new GceNetworkFabric();
    const left = await startGceEmulator({ project: 'left-project', operationPendingMs: 5, operationRunningMs: 20, networkFabric: fabric });
    const right = await startGceEmulator({ project: 'right-project', operationPendingMs: 5, operationRunningMs: 20, networkFabric: fabric });
    const l = clientsOf(left);
    const r = clientsOf(right);
    try {
      const gwAddress = async (on: Clients, p: string) => (await on.gateways.get({ project: p, region: REGION, vpnGateway: 'x-gw' }).catch(() => [undefined]))[0];
      // Each side's external gateway names the other side's HA VPN interfaces.
      await vpnBase('x', l, 'left-project', ['198.51.100.91', '198.51.100.92']);
      await network('x-net', r, 'right-project');
      await done((await r.gateways.insert({ project: 'right-project', region: REGION, vpnGatewayResource: { name: 'x-gw', network: 'global/networks/x-net' } }))[0], REGION, r, 'right-project');
      await done((await r.routers.insert({ project: 'right-project', region: REGION, routerResource: { name: 'x-router', network: 'global/networks/x-net', bgp: { asn: 64513 } } }))[0], REGION, r, 'right-project');
      const leftIps = (await gwAddress(l, 'left-project'))!.vpnInterfaces!.map((i) => i.ipAddress!);
      const rightIps = (await gwAddress(r, 'right-project'))!.vpnInterfaces!.map((i) => i.ipAddress!);
      expect(new Set([...leftIps, ...rightIps]).size).toBe(4);
      await done((await r.external.insert({ project: 'right-project', externalVpnGatewayResource: { name: 'x-peer', redundancyType: 'TWO_IPS_REDUNDANCY', interfaces: leftIps.map((ipAddress, id) => ({ id, ipAddress })) } }))[0], undefined, r, 'right-project');
      // The left side's peer gateway was made with placeholder addresses: make one with the right side's.
      await done((await l.external.insert({ project: 'left-project', externalVpnGatewayResource: { name: 'x-real', redundancyType: 'TWO_IPS_REDUNDANCY', interfaces: rightIps.map((ipAddress, id) => ({ id, ipAddress })) } }))[0], undefined, l, 'left-project');
      await done((await l.tunnels.insert({ project: 'left-project', region: REGION, vpnTunnelResource: tunnelBody('x', 'x-t0', { peerExternalGateway: 'projects/left-project/global/externalVpnGateways/x-real' }, 'left-project') }))[0], REGION, l, 'left-project');
      const leftStatus = async () => (await l.tunnels.get({ project: 'left-project', region: REGION, vpnTunnel: 'x-t0' }))[0].status;
      expect(await leftStatus()).toBe('NO_INCOMING_PACKETS');
      await done((await r.tunnels.insert({ project: 'right-project', region: REGION, vpnTunnelResource: tunnelBody('x', 'x-t0', { sharedSecret: 'Another.Secret.000' }, 'right-project') }))[0], REGION, r, 'right-project');
      expect(await leftStatus()).toBe('AUTHORIZATION_ERROR');
      await done((await r.tunnels.delete({ project: 'right-project', region: REGION, vpnTunnel: 'x-t0' }))[0], REGION, r, 'right-project');
      await done((await r.tunnels.insert({ project: 'right-project', region: REGION, vpnTunnelResource: tunnelBody('x', 'x-t0b', {}, 'right-project') }))[0], REGION, r, 'right-project');
      expect(await leftStatus()).toBe('ESTABLISHED');
      expect((await r.tunnels.get({ project: 'right-project', region: REGION, vpnTunnel: 'x-t0b' }))[0].status).toBe('ESTABLISHED');
    } finally {
      await Promise.all([closeAll(l), closeAll(r)]);
      await Promise.all([left.close(), right.close()]);
    }
  });
});
