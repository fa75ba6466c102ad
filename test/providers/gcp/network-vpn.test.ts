/**
 * The GCE network companion's HA VPN through the real client library on the Compute Engine
 * emulator: a gateway is an HA VPN gateway with its Cloud Router (two interface IPs, the
 * router's ASN), a connection is one tunnel per interface with a BGP session on the router, the
 * pre-shared key reaches GCE (its `sharedSecretHash` matches) but never a returned object, an
 * event or an error, static routing is refused as HA VPN refuses it, routes over the VPN are
 * custom learned ranges of the BGP sessions, what is in use cannot be deleted, and a teardown in
 * reverse order leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, UnsupportedError } from '../../../src/provider/errors.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import type { Network, NetworkResourceRef, PeerGateway, SecretReader, VpnConnection, VpnGateway } from '../../../src/provider/network-types.js';
import { sharedSecretHash } from '../../../src/testing/emulators/gce/index.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

const PSK = ['Gcp.Tunnel.Key.0.7f3e9a', 'Gcp.Tunnel.Key.1.c2d8b4'];
const secrets: SecretReader = {
  async read(ref) {
    const i = ['psk/0', 'psk/1'].indexOf(ref.secret);
    if (i === -1) throw new NotFoundError({ message: `no secret ${ref.secret}` });
    return PSK[i]!;
  },
};

let env: EmulatedGcp;
let net: NetworkProviderV1;
const seen: unknown[] = [];

beforeAll(async () => {
  env = await startEmulatedGcp();
  net = env.gcp.networking;
  env.gcp.events.on('network.changed', (e) => void seen.push(e));
});
afterAll(() => env?.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function until<T extends { state: string }>(read: () => Promise<T>, state: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const r = await read();
    if (r.state === state) return r;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never ${state}`);
}

async function gone(ref: NetworkResourceRef): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await net.get(ref);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${ref.id} never went away`);
}

describe('an HA VPN to a two-address peer with BGP', () => {
  let network: Network;
  let gateway: VpnGateway;
  let peer: PeerGateway;
  let connection: VpnConnection;

  it('makes the gateway an HA VPN gateway with its Cloud Router: two interface IPs and the router ASN', async () => {
    network = await net.createNetwork({ name: 'vpn-net', cidrs: ['10.40.0.0/16'], labels: { team: 'net' } });
    const created = await net.createVpnGateway({ name: 'vpn-gw', networkId: network.id, asn: 64600, labels: { team: 'net' } }, { idempotencyKey: 'vpn-gw-1' });
    expect(['provisioning', 'available']).toContain(created.state);
    gateway = (await until(() => net.get({ type: 'vpn-gateway', id: created.id }), 'available')) as VpnGateway;
    expect(gateway).toMatchObject({ networkId: network.id, asn: 64600, labels: { team: 'net' }, region: 'us-central1' });
    expect(gateway.publicIps).toHaveLength(2);
    expect(env.emu.networks.routers()).toEqual([expect.objectContaining({ name: 'vpn-gw-router', bgp: expect.objectContaining({ asn: 64600 }) })]);
    expect(net.capabilities).toMatchObject({ gatewayIpsFrom: 'gateway', maxTunnels: 2, bgp: true });
  });

  it('refuses a public ASN for the router before anything is sent', async () => {
    const error = await rejection(net.createVpnGateway({ name: 'vpn-gw-pub', networkId: network.id, asn: 15169 }));
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect(env.emu.networks.vpnGateways().map((g) => g.name)).toEqual(['vpn-gw']);
  });

  it('records the far side as an external VPN gateway with TWO_IPS_REDUNDANCY, and refuses three addresses', async () => {
    peer = await net.createPeerGateway({ name: 'vpn-peer', ips: ['198.51.100.21', '198.51.100.22'], asn: 65010, cidrs: ['172.16.0.0/16'] });
    expect(peer).toMatchObject({ ips: ['198.51.100.21', '198.51.100.22'], asn: 65010, cidrs: ['172.16.0.0/16'] });
    expect(env.emu.networks.externalVpnGateways()[0]).toMatchObject({ redundancyType: 'TWO_IPS_REDUNDANCY' });
    const three = await rejection(net.createPeerGateway({ name: 'vpn-peer3', ips: ['198.51.100.1', '198.51.100.2', '198.51.100.3'] }));
    expect(InvalidSpecError.isInstance(three), String(three)).toBe(true);
  });

  it('refuses static routing: HA VPN routes by BGP only', async () => {
    const error = await rejection(
      net.createVpnConnection({ name: 'vpn-static', vpnGatewayId: gateway.id, peerGatewayId: peer.id, routing: 'static', staticRoutes: ['172.16.0.0/16'], tunnels: [{ peerIp: '198.51.100.21', preSharedKey: { secret: 'psk/0' } }] }, { secrets }),
    );
    expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
    expect((error as UnsupportedError).capability).toBe('static-routing');
    expect(env.emu.networks.vpnTunnels()).toEqual([]);
  });

  it('makes one tunnel per interface with a BGP session; the keys reach GCE and are never shown', async () => {
    connection = await net.createVpnConnection(
      {
        name: 'vpn-conn',
        vpnGatewayId: gateway.id,
        peerGatewayId: peer.id,
        routing: 'bgp',
        tunnels: [
          { peerIp: '198.51.100.21', preSharedKey: { secret: 'psk/0' }, insideCidr: '169.254.21.0/30', localInsideIp: '169.254.21.2' },
          { peerIp: '198.51.100.22', preSharedKey: { secret: 'psk/1' }, insideCidr: '169.254.21.4/30' },
        ],
        labels: { team: 'net' },
      },
      { secrets, idempotencyKey: 'vpn-conn-1' },
    );
    expect(connection).toMatchObject({ state: 'available', routing: 'bgp', vpnGatewayId: gateway.id, peerGatewayId: peer.id, labels: { team: 'net' } });
    expect(connection.tunnels).toEqual([
      expect.objectContaining({ outsideIp: gateway.publicIps[0], peerIp: '198.51.100.21', insideCidr: '169.254.21.0/30', preSharedKey: { secret: 'psk/0' }, bgp: { localAsn: 64600, peerAsn: 65010, localIp: '169.254.21.2', peerIp: '169.254.21.1' } }),
      expect.objectContaining({ outsideIp: gateway.publicIps[1], peerIp: '198.51.100.22', insideCidr: '169.254.21.4/30', preSharedKey: { secret: 'psk/1' }, bgp: { localAsn: 64600, peerAsn: 65010, localIp: '169.254.21.5', peerIp: '169.254.21.6' } }),
    ]);
    // The far side is not there: no packets come back.
    expect(connection.tunnels.map((t) => t.status)).toEqual(['down', 'down']);
    const tunnels = env.emu.networks.vpnTunnels();
    expect(tunnels.map((t) => [t.name, t.sharedSecretHash, t.vpnGatewayInterface, t.peerExternalGatewayInterface, t.ikeVersion])).toEqual([
      ['vpn-conn-t0', sharedSecretHash(PSK[0]!), 0, 0, 2],
      ['vpn-conn-t1', sharedSecretHash(PSK[1]!), 1, 1, 2],
    ]);
    const router = env.emu.networks.routers()[0]!;
    expect(router.interfaces).toEqual([expect.objectContaining({ name: 'vpn-conn-if0', ipRange: '169.254.21.2/30' }), expect.objectContaining({ name: 'vpn-conn-if1', ipRange: '169.254.21.5/30' })]);
    const read = await net.get({ type: 'vpn-connection', id: connection.id });
    const listed = [];
    for await (const c of net.list('vpn-connection', { labels: { team: 'net' } })) listed.push(c);
    expect(listed.map((c) => c.id)).toEqual([connection.id]);
    for (const shown of [connection, read, listed, seen, env.emu.networks.vpnTunnels()]) for (const key of PSK) expect(JSON.stringify(shown)).not.toContain(key);
  });

  it('returns the same connection for a repeated create with its key, and refuses the key for other input', async () => {
    const input = {
      name: 'vpn-conn',
      vpnGatewayId: gateway.id,
      peerGatewayId: peer.id,
      routing: 'bgp' as const,
      tunnels: [
        { peerIp: '198.51.100.21', preSharedKey: { secret: 'psk/0' }, insideCidr: '169.254.21.0/30', localInsideIp: '169.254.21.2' },
        { peerIp: '198.51.100.22', preSharedKey: { secret: 'psk/1' }, insideCidr: '169.254.21.4/30' },
      ],
      labels: { team: 'net' },
    };
    expect((await net.createVpnConnection(input, { secrets, idempotencyKey: 'vpn-conn-1' })).id).toBe(connection.id);
    expect(env.emu.networks.vpnTunnels()).toHaveLength(2);
    const other = await rejection(net.createVpnConnection({ ...input, tunnels: [input.tunnels[0]!] }, { secrets, idempotencyKey: 'vpn-conn-1' }));
    expect(ConflictError.isInstance(other), String(other)).toBe(true);
  });

  it('never repeats a pre-shared key that a refusal of GCE quotes', async () => {
    for (const message of [`Invalid value for field 'resource.sharedSecret': '${PSK[0]}'. Unsupported characters.`, `The value '${PSK[0]}' is not supported here.`]) {
      env.emu.faults.failNext('vpnTunnels.insert', { kind: 'invalid', message });
      const error = await rejection(
        net.createVpnConnection({ name: 'vpn-quoted', vpnGatewayId: gateway.id, peerGatewayId: peer.id, tunnels: [{ peerIp: '198.51.100.21', preSharedKey: { secret: 'psk/0' }, insideCidr: '169.254.31.0/30' }] }, { secrets }),
      );
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      const shown = [String(error), (error as Error).stack, JSON.stringify(error), JSON.stringify((error as InvalidSpecError).issues), String((error as Error).cause)].join('\n');
      expect(shown).not.toContain(PSK[0]);
    }
    expect(env.emu.networks.vpnTunnels().map((t) => t.name)).toEqual(['vpn-conn-t0', 'vpn-conn-t1']);
  });

  it('refuses a tunnel to an address the peer gateway does not have, and an inside range outside 169.254.0.0/16', async () => {
    for (const tunnel of [
      { peerIp: '203.0.113.9', preSharedKey: { secret: 'psk/0' }, insideCidr: '169.254.30.0/30' },
      { peerIp: '198.51.100.21', preSharedKey: { secret: 'psk/0' }, insideCidr: '10.0.0.0/30' },
    ]) {
      const error = await rejection(net.createVpnConnection({ name: 'vpn-bad', vpnGatewayId: gateway.id, peerGatewayId: peer.id, tunnels: [tunnel] }, { secrets }));
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    }
  });

  it('routes to the far side as custom learned ranges of the BGP sessions', async () => {
    const route = await net.createRoute({ name: 'to-peer', networkId: network.id, destination: '172.16.0.0/16', target: { type: 'vpn-gateway', id: gateway.id }, labels: { team: 'net' } });
    expect(route).toMatchObject({ state: 'available', destination: '172.16.0.0/16', target: { type: 'vpn-gateway', id: gateway.id }, labels: { team: 'net' } });
    const peers = env.emu.networks.routers()[0]!.bgpPeers as readonly { customLearnedIpRanges?: readonly { range: string }[] }[];
    expect(peers.map((p) => p.customLearnedIpRanges)).toEqual([[{ range: '172.16.0.0/16' }], [{ range: '172.16.0.0/16' }]]);
    expect((await net.get({ type: 'route', id: route.id })).destination).toBe('172.16.0.0/16');
    const twice = await rejection(net.createRoute({ name: 'to-peer-2', networkId: network.id, destination: '172.16.0.0/16', target: { type: 'vpn-gateway', id: gateway.id } }));
    expect(ConflictError.isInstance(twice), String(twice)).toBe(true);
  });

  it('refuses to delete what is in use: a gateway with a route or tunnels, a peer gateway with tunnels, a network with a gateway', async () => {
    for (const ref of [
      { type: 'vpn-gateway', id: gateway.id },
      { type: 'peer-gateway', id: peer.id },
      { type: 'network', id: network.id },
    ] as const) {
      const error = await rejection(net.delete(ref));
      expect(ConflictError.isInstance(error), `${ref.type}: ${String(error)}`).toBe(true);
    }
    // GCE's own refusal (resourceInUseByAnotherResource) once the gateway's routes are gone.
    const route = (await collectRoutes()).find((r) => r.name === 'to-peer')!;
    await net.delete({ type: 'route', id: route.id });
    await gone({ type: 'route', id: route.id });
    const tunnelsInUse = await rejection(net.delete({ type: 'vpn-gateway', id: gateway.id }));
    expect(ConflictError.isInstance(tunnelsInUse), String(tunnelsInUse)).toBe(true);
    expect(String(tunnelsInUse)).toMatch(/resourceInUseByAnotherResource/);
  });

  it('tears down in reverse order and leaves nothing behind', async () => {
    for (const ref of [
      { type: 'vpn-connection', id: connection.id },
      { type: 'peer-gateway', id: peer.id },
      { type: 'vpn-gateway', id: gateway.id },
      { type: 'network', id: network.id },
    ] as const) {
      await net.delete(ref);
      await net.delete(ref); // deleting what is going or gone succeeds
      await gone(ref);
    }
    expect(env.emu.networks.counts()).toEqual({ networks: 0, subnetworks: 0, vpnGateways: 0, externalVpnGateways: 0, vpnTunnels: 0, routers: 0, routes: 0 });
  });
});

async function collectRoutes() {
  const out = [];
  for await (const r of net.list('route')) out.push(r);
  return out;
}
