/**
 * The OpenStack network companion's VPN through the adapter's HTTPS path to the emulator:
 * discovery of Neutron VPNaaS and the "VPNaaS absent" refusal, the `vpn: false` option, no
 * peering; on a cloud with VPNaaS, the pre-shared key read once, sent, and never returned,
 * published or put in an error; a lost connection answer resolved without duplicate parts; a
 * refused connection leaving nothing behind; the deletion order; and routes to a VPN gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError } from '../../../src/provider/errors.js';
import type { NovacronEventName } from '../../../src/provider/events.js';
import type { SecretReader, SecretRef } from '../../../src/provider/network-types.js';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions } from './emulated-openstack.js';

const PSK = 'Vpn.Test_PreShared.Key.0123456789';
const REF: SecretRef = { secret: 'vault/site-b/psk' };

/** A secret reader over one key that counts its reads. */
function countingReader(): SecretReader & { reads: number } {
  const reader = {
    reads: 0,
    async read(ref: SecretRef): Promise<string> {
      reader.reads++;
      if (ref.secret !== REF.secret) throw new NotFoundError({ message: `no secret ${ref.secret}` });
      return PSK;
    },
  };
  return reader;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const vpnCalls = (emu: OpenStackEmulator): string[] => emu.requests().map((r) => r.operation).filter((op) => /^(vpnservices|ikepolicies|ipsecpolicies|endpointGroups|ipsecSiteConnections)\./.test(op));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

describe('on a cloud without Neutron VPNaaS', () => {
  let emu: OpenStackEmulator;
  beforeAll(async () => {
    emu = await startOpenStackEmulator();
  });
  afterAll(() => emu?.close());

  it('assumes VPN until it has read the extension list, then says no, in the provider’s capabilities too', async () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    expect(provider.networking.capabilities.vpn).toBe(true);
    expect(provider.capabilities.vpn).toBe(true);
    // The first call of any kind reads the extensions.
    for await (const network of provider.networking.list('network')) void network;
    expect(provider.networking.capabilities).toMatchObject({ vpn: false, peering: false, bgp: false, gatewayIpsFrom: 'gateway', maxTunnels: 1, ipv6: false });
    expect(provider.capabilities.vpn).toBe(false);
    expect(emu.requests('extensions.list')).toHaveLength(1);
  });

  it('refuses every VPN create with "Neutron VPNaaS is not enabled on this cloud (extension vpnaas missing)", before reading any key', async () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    const net = provider.networking;
    const network = await net.createNetwork({ name: 'no-vpn', cidrs: ['10.40.0.0/24'] });
    const secrets = countingReader();
    const errors = [
      await rejection(net.createVpnGateway({ name: 'gw', networkId: network.id })),
      await rejection(net.createPeerGateway({ name: 'pg', ips: ['198.51.100.9'], cidrs: ['192.168.0.0/24'] })),
      await rejection(net.createVpnConnection({ name: 'c', vpnGatewayId: 'x', peerGatewayId: 'y', tunnels: [{ peerIp: '198.51.100.9', preSharedKey: REF }] }, { secrets })),
    ];
    for (const error of errors) {
      expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
      expect((error as UnsupportedError).message).toContain('Neutron VPNaaS is not enabled on this cloud (extension vpnaas missing)');
      expect((error as UnsupportedError).capability).toBe('vpn');
    }
    expect(secrets.reads).toBe(0);
    // Reads find nothing, without asking VPNaaS paths that are not there.
    await expect(net.get({ type: 'vpn-gateway', id: '0d4b4c4e-1111-4222-8333-944445555666' })).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    expect(await net.findByIdempotencyKey('vpn-connection', 'never')).toBeUndefined();
    const listed: unknown[] = [];
    for await (const g of net.list('vpn-gateway')) listed.push(g);
    expect(listed).toEqual([]);
    expect(vpnCalls(emu)).toEqual([]);
    await net.delete({ type: 'network', id: network.id });
  });

  it('has no peering: both calls are an UnsupportedError saying so', async () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    for (const error of [await rejection(provider.networking.requestPeering()), await rejection(provider.networking.acceptPeering())]) {
      expect(UnsupportedError.isInstance(error)).toBe(true);
      expect((error as UnsupportedError).capability).toBe('peering');
      expect(String(error)).toContain('OpenStack has no network peering');
    }
    expect(provider.capabilities.peering).toBe(false);
  });
});

describe('on a cloud with Neutron VPNaaS', () => {
  let emu: OpenStackEmulator;
  let provider: OpenStackProvider;
  const seen: unknown[] = [];
  beforeAll(async () => {
    emu = await startOpenStackEmulator({ vpnaas: { activationMs: 30 } });
    provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    for (const name of ['network.changed', 'operation.failed', 'operation.retried'] satisfies NovacronEventName[]) provider.events.on(name, (e: unknown) => void seen.push(e));
    await provider.networking.discover();
  });
  afterAll(() => emu?.close());

  it('turns VPN off with the vpn: false option, without calling VPNaaS', async () => {
    const off = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions, vpn: false });
    expect(off.capabilities.vpn).toBe(false);
    const before = vpnCalls(emu).length;
    const error = await rejection(off.networking.createVpnGateway({ name: 'gw', networkId: 'x' }));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect(String(error)).toContain('vpn: false');
    expect(vpnCalls(emu).length).toBe(before);
  });

  async function site(name: string, cidr: string, withSubnet: boolean) {
    const net = provider.networking;
    const network = await net.createNetwork({ name, cidrs: [cidr] });
    const subnet = withSubnet ? await net.createSubnet({ name: `${name}-s`, networkId: network.id, cidr }) : undefined;
    const gateway = await net.createVpnGateway({ name: `${name}-gw`, networkId: network.id, asn: 64600 }, { idempotencyKey: `${name}/gw` });
    expect(gateway).toMatchObject({ state: 'provisioning', rawState: 'PENDING_CREATE', publicIps: [], asn: undefined });
    const ready = await until(() => net.get({ type: 'vpn-gateway', id: gateway.id }), (g) => g.state === 'available');
    expect(ready.publicIps).toHaveLength(1);
    return { network, subnet, gateway: ready };
  }

  it('keeps the pre-shared key by reference: read once for the create, never returned, published or in an error', async () => {
    const net = provider.networking;
    const a = await site('psk-a', '10.51.0.0/24', true);
    const peer = await net.createPeerGateway({ name: 'psk-peer', ips: ['198.51.100.77'], asn: 65010, cidrs: ['10.52.0.0/24'], labels: { site: 'b' } }, { idempotencyKey: 'psk/peer' });
    expect(peer).toMatchObject({ type: 'peer-gateway', ips: ['198.51.100.77'], asn: 65010, cidrs: ['10.52.0.0/24'], labels: { site: 'b' } });
    const secrets = countingReader();
    const input = { name: 'psk-conn', vpnGatewayId: a.gateway.id, peerGatewayId: peer.id, routing: 'static' as const, staticRoutes: ['10.52.0.0/24'], tunnels: [{ peerIp: '198.51.100.77', preSharedKey: REF }], labels: { site: 'b' } };
    const conn = await net.createVpnConnection(input, { secrets, idempotencyKey: 'psk/conn' });
    expect(secrets.reads).toBe(1);
    expect(conn).toMatchObject({ routing: 'static', staticRoutes: ['10.52.0.0/24'], vpnGatewayId: a.gateway.id, peerGatewayId: peer.id, labels: { site: 'b' } });
    expect(conn.tunnels).toEqual([{ outsideIp: a.gateway.publicIps[0], peerIp: '198.51.100.77', insideCidr: undefined, preSharedKey: REF, bgp: undefined, status: 'unknown' }]);
    // The same key again: the same connection, and the key is not read again.
    expect((await net.createVpnConnection(input, { secrets, idempotencyKey: 'psk/conn' })).id).toBe(conn.id);
    expect(secrets.reads).toBe(1);
    const ready = await until(() => net.get({ type: 'vpn-connection', id: conn.id }), (c) => c.state === 'available');
    expect(ready).toMatchObject({ rawState: 'DOWN', tunnels: [{ status: 'down', preSharedKey: REF }] });
    const listed: unknown[] = [];
    for await (const c of net.list('vpn-connection', { labels: { site: 'b' } })) listed.push(c);
    expect(listed).toHaveLength(1);
    // Neutron holds the key (its GET returns it); the companion shows none of it.
    expect(emu.state.vpn().connections).toHaveLength(1);
    for (const shown of [conn, ready, listed, seen]) expect(JSON.stringify(shown)).not.toContain(PSK);
    const inUse = await rejection(net.delete({ type: 'vpn-gateway', id: a.gateway.id }));
    expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
    expect(String(inUse)).not.toContain(PSK);
    const peerInUse = await rejection(net.delete({ type: 'peer-gateway', id: peer.id }));
    expect(ConflictError.isInstance(peerInUse), String(peerInUse)).toBe(true);
    const subnetInUse = await rejection(net.delete({ type: 'subnet', id: a.subnet!.id }));
    expect(ConflictError.isInstance(subnetInUse), String(subnetInUse)).toBe(true);
    const networkInUse = await rejection(net.delete({ type: 'network', id: a.network.id }));
    expect(ConflictError.isInstance(networkInUse), String(networkInUse)).toBe(true);
    expect(String(networkInUse)).toContain(`vpn-gateway ${a.gateway.id}`);

    // A route to the far side through the gateway is VPNaaS's own: recorded, no extra route.
    const route = await net.createRoute({ name: 'to-b', networkId: a.network.id, destination: '10.52.0.0/24', target: { type: 'vpn-gateway', id: a.gateway.id } });
    expect(route).toMatchObject({ destination: '10.52.0.0/24', rawState: 'vpnaas' });
    expect(emu.state.routers().find((r) => (r.tags as string[]).some((t) => t.includes('10.52.0.0_24')))?.routes).toEqual([]);
    const outside = await rejection(net.createRoute({ name: 'to-c', networkId: a.network.id, destination: '10.53.0.0/24', target: { type: 'vpn-gateway', id: a.gateway.id } }));
    expect(ConflictError.isInstance(outside), String(outside)).toBe(true);

    // Taken apart in order, nothing is left: the connection's policies and endpoint group go with it.
    for (const ref of [{ type: 'route', id: route.id }, { type: 'vpn-connection', id: conn.id }, { type: 'peer-gateway', id: peer.id }, { type: 'vpn-gateway', id: a.gateway.id }, { type: 'subnet', id: a.subnet!.id }, { type: 'network', id: a.network.id }] as const) {
      await net.delete(ref);
    }
    expect(emu.state.vpn()).toEqual({ ikePolicies: [], ipsecPolicies: [], services: [], endpointGroups: [], connections: [] });
    expect(emu.state.networks().map((n) => n.name).sort()).toEqual(['private', 'public']);
    expect(emu.state.routers().map((r) => r.name)).toEqual(['router1']);
    expect(seen.filter((e) => (e as { operation?: string }).operation === 'network.delete.cleanup')).toEqual([]);
  });

  it('resolves a lost connection answer without a second connection or second parts, and a refusal leaves no parts', async () => {
    const net = provider.networking;
    const a = await site('lost-a', '10.61.0.0/24', false);
    const peer = await net.createPeerGateway({ name: 'lost-peer', ips: ['198.51.100.61'], cidrs: ['10.62.0.0/24'] });
    const secrets = countingReader();
    const input = { name: 'lost-conn', vpnGatewayId: a.gateway.id, peerGatewayId: peer.id, tunnels: [{ peerIp: '198.51.100.61', preSharedKey: REF }] };
    emu.faults.dropResponse('ipsecSiteConnections.create');
    const conn = await net.createVpnConnection(input, { secrets, idempotencyKey: 'lost/conn' });
    expect(emu.stats.count('ipsecSiteConnections.create')).toBeGreaterThanOrEqual(1);
    const vpn = emu.state.vpn();
    expect(vpn.connections.map((c) => c.id)).toEqual([conn.id]);
    expect([vpn.ikePolicies.length, vpn.ipsecPolicies.length, vpn.endpointGroups.length]).toEqual([1, 1, 2]);
    // A network without a subnet got a /28 of its range for the connection's local endpoint group.
    expect(emu.state.subnets().filter((s) => s.network_id === a.network.id).map((s) => s.cidr)).toEqual(['10.61.0.240/28']);
    expect(await net.findByIdempotencyKey('vpn-connection', 'lost/conn')).toMatchObject({ id: conn.id });

    emu.faults.failNext('ipsecSiteConnections.create', 400, { NeutronError: { type: 'IpsecValidationFailure', message: "IPSec does not support ipsecpolicy attribute pfs with value 'group14'", detail: '' } });
    const refused = await rejection(net.createVpnConnection({ ...input, name: 'refused-conn' }, { secrets, idempotencyKey: 'refused/conn' }));
    expect(InvalidSpecError.isInstance(refused), String(refused)).toBe(true);
    expect(String(refused)).not.toContain(PSK);
    expect(emu.state.vpn().ikePolicies).toHaveLength(1);
    expect(emu.state.vpn().endpointGroups).toHaveLength(2);

    await net.delete({ type: 'vpn-connection', id: conn.id });
    await net.delete({ type: 'vpn-connection', id: conn.id }); // gone already: fine
    expect(emu.state.subnets().filter((s) => s.network_id === a.network.id)).toEqual([]);
    await net.delete({ type: 'peer-gateway', id: peer.id });
    await net.delete({ type: 'vpn-gateway', id: a.gateway.id });
    await net.delete({ type: 'network', id: a.network.id });
    expect(emu.state.vpn()).toEqual({ ikePolicies: [], ipsecPolicies: [], services: [], endpointGroups: [], connections: [] });
  });

  it('refuses what VPNaaS cannot do before anything is made: two tunnels, BGP, staticRoutes other than the peer’s ranges', async () => {
    const net = provider.networking;
    const a = await site('shape-a', '10.71.0.0/24', true);
    const peer = await net.createPeerGateway({ name: 'shape-peer', ips: ['198.51.100.71', '198.51.100.72'], cidrs: ['10.72.0.0/24'] });
    const secrets = countingReader();
    const base = { name: 'shape-conn', vpnGatewayId: a.gateway.id, peerGatewayId: peer.id, tunnels: [{ peerIp: '198.51.100.71', preSharedKey: REF }] };
    const twoTunnels = await rejection(net.createVpnConnection({ ...base, tunnels: [...base.tunnels, { peerIp: '198.51.100.72', preSharedKey: REF }] }, { secrets }));
    expect(InvalidSpecError.isInstance(twoTunnels) && twoTunnels.field).toBe('tunnels');
    const bgp = await rejection(net.createVpnConnection({ ...base, routing: 'bgp' }, { secrets }));
    expect(UnsupportedError.isInstance(bgp) && bgp.capability).toBe('bgp');
    const routes = await rejection(net.createVpnConnection({ ...base, staticRoutes: ['10.99.0.0/24'] }, { secrets }));
    expect(InvalidSpecError.isInstance(routes) && routes.field).toBe('staticRoutes');
    const noRanges = await rejection(net.createPeerGateway({ name: 'bare-peer', ips: ['198.51.100.9'] }));
    expect(InvalidSpecError.isInstance(noRanges) && noRanges.field).toBe('cidrs');
    expect(secrets.reads).toBe(0);
    expect(emu.state.vpn().connections).toEqual([]);
    await net.delete({ type: 'peer-gateway', id: peer.id });
    await net.delete({ type: 'vpn-gateway', id: a.gateway.id });
    await net.delete({ type: 'subnet', id: a.subnet!.id });
    await net.delete({ type: 'network', id: a.network.id });
  });
});
