/**
 * Lost answers of the GCE network companion's creates, on the Compute Engine emulator through the
 * real client library: GCE acted and the connection was reset (`dropResponse`). A provider that
 * does not retry reports an error; `findByIdempotencyKey` then finds what was made (by the key's
 * digest recorded on it), and the create repeated with its key — in a fresh provider — returns
 * it without making a second one. The adapter's own retry sends the same `requestId`, which GCE
 * answers with the first operation. An absence is confirmed only when no create is still running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, NovacronError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import type { NetworkResource, NetworkResourceType, SecretReader } from '../../../src/provider/network-types.js';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions, startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

const secrets: SecretReader = {
  async read(ref) {
    if (ref.secret !== 'lost/psk') throw new NotFoundError({ message: `no secret ${ref.secret}` });
    return 'Lost.Answer.Key.9d1e';
  },
};

let env: EmulatedGcp;
/** A provider that never retries: a lost answer is its caller's problem. */
let once: NetworkProviderV1;
/** Another provider of the same project, as a resumed process would build (the companion keeps no state of its own). */
let other: NetworkProviderV1;
const fresh = (): NetworkProviderV1 => other;

beforeAll(async () => {
  env = await startEmulatedGcp();
  once = env.provider({ maxAttempts: 1 }).networking;
  other = env.provider().networking;
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

/** Drops the answer of `operation` once; the create fails; the key finds what GCE made; a repeat returns it. */
async function lostThenFound<R extends NetworkResource>(operation: string, type: NetworkResourceType, key: string, create: (net: NetworkProviderV1) => Promise<R>): Promise<R> {
  env.emu.faults.dropResponse(operation);
  const error = await rejection(create(once));
  env.emu.faults.reset();
  expect(NovacronError.isInstance(error), String(error)).toBe(true);
  const found = await fresh().findByIdempotencyKey(type, key);
  expect(found, `${type} made by the lost ${operation}`).toBeDefined();
  const again = await create(fresh());
  expect(again.id).toBe(found!.id);
  return again;
}

describe('a create whose answer is lost', () => {
  it('is found by its key and repeated without a second resource, for every kind', async () => {
    const network = await lostThenFound('networks.insert', 'network', 'lost-net', (net) => net.createNetwork({ name: 'lost-net', cidrs: ['10.60.0.0/16'] }, { idempotencyKey: 'lost-net' }));
    expect(network.cidrs).toEqual(['10.60.0.0/16']);
    expect(env.emu.networks.networks().filter((n) => n.name === 'lost-net')).toHaveLength(1);

    const subnet = await lostThenFound('subnetworks.insert', 'subnet', 'lost-sub', (net) => net.createSubnet({ name: 'lost-sub', networkId: network.id, cidr: '10.60.1.0/24' }, { idempotencyKey: 'lost-sub' }));
    expect(subnet.cidr).toBe('10.60.1.0/24');
    expect(env.emu.networks.subnetworks()).toHaveLength(1);

    // The gateway's insert is lost before its router is asked for: the repeat makes the router.
    const gateway = await lostThenFound('vpnGateways.insert', 'vpn-gateway', 'lost-gw', (net) => net.createVpnGateway({ name: 'lost-gw', networkId: network.id, asn: 64700 }, { idempotencyKey: 'lost-gw' }));
    expect(env.emu.networks.vpnGateways()).toHaveLength(1);
    expect(env.emu.networks.routers()).toHaveLength(1);
    expect((await fresh().get({ type: 'vpn-gateway', id: gateway.id })).state).toBe('available');

    const peer = await lostThenFound('externalVpnGateways.insert', 'peer-gateway', 'lost-pg', (net) => net.createPeerGateway({ name: 'lost-pg', ips: ['198.51.100.41'], asn: 65020 }, { idempotencyKey: 'lost-pg' }));
    expect(env.emu.networks.externalVpnGateways()).toHaveLength(1);

    // The tunnel's insert is lost before the router is configured: the key finds the connection provisioning, the repeat finishes it.
    const connectionInput = { name: 'lost-vpn', vpnGatewayId: gateway.id, peerGatewayId: peer.id, tunnels: [{ peerIp: '198.51.100.41', preSharedKey: { secret: 'lost/psk' }, insideCidr: '169.254.40.0/30' }] };
    env.emu.faults.dropResponse('vpnTunnels.insert');
    expect(NovacronError.isInstance(await rejection(once.createVpnConnection(connectionInput, { secrets, idempotencyKey: 'lost-vpn' })))).toBe(true);
    env.emu.faults.reset();
    const half = await fresh().findByIdempotencyKey('vpn-connection', 'lost-vpn');
    expect(half?.state).toBe('provisioning');
    const connection = await fresh().createVpnConnection(connectionInput, { secrets, idempotencyKey: 'lost-vpn' });
    expect(connection).toMatchObject({ id: half!.id, state: 'available' });
    expect(env.emu.networks.vpnTunnels()).toHaveLength(1);

    const route = await lostThenFound('routes.insert', 'route', 'lost-rt', (net) => net.createRoute({ name: 'lost-rt', networkId: network.id, destination: '192.168.60.0/24', target: { type: 'internet', id: undefined } }, { idempotencyKey: 'lost-rt' }));
    expect(env.emu.networks.routes().filter((r) => r.name === 'lost-rt')).toHaveLength(1);
    expect(route.destination).toBe('192.168.60.0/24');

    const learned = await lostThenFound('routers.patch', 'route', 'lost-learned', (net) =>
      net.createRoute({ name: 'lost-learned', networkId: network.id, destination: '172.20.0.0/16', target: { type: 'vpn-connection', id: connection.id } }, { idempotencyKey: 'lost-learned' }),
    );
    expect(learned).toMatchObject({ state: 'available', target: { type: 'vpn-connection', id: connection.id } });
  }, 120_000);

  it('of a peering request is found by its key, and the repeat adds no second link', async () => {
    const a = await once.createNetwork({ name: 'lost-pa', cidrs: ['10.61.0.0/16'] });
    const b = await once.createNetwork({ name: 'lost-pb', cidrs: ['10.62.0.0/16'] });
    const request = await lostThenFound('networks.addPeering', 'peering', 'lost-peering', (net) => net.requestPeering({ name: 'lost-p', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'lost-peering' }));
    expect(request).toMatchObject({ role: 'requester', state: 'pending-acceptance', peerNetworkId: b.id });
    expect(env.emu.networks.networks().find((n) => n.name === 'lost-pa')!.peerings).toHaveLength(1);
  }, 60_000);

  it('is retried by the adapter itself with the same requestId: one network', async () => {
    env.emu.faults.dropResponse('networks.insert');
    const network = await fresh().createNetwork({ name: 'retried-net', cidrs: ['10.63.0.0/16'] }, { idempotencyKey: 'retried-net' });
    env.emu.faults.reset();
    expect(network.state).toBe('available');
    const inserts = env.emu.requests('networks.insert').filter((r) => r.path.includes('/global/networks'));
    const ids = inserts.slice(-2).map((r) => r.requestId);
    expect(ids[0]).toBe(ids[1]);
    expect(env.emu.networks.networks().filter((n) => n.name === 'retried-net')).toHaveLength(1);
  });

  it('of a key never used is a confirmed absence', async () => {
    expect(await fresh().findByIdempotencyKey('network', 'never-used')).toBeUndefined();
    expect(await fresh().findByIdempotencyKey('vpn-connection', 'never-used')).toBeUndefined();
  });
});

describe('a create still running when its key is looked up', () => {
  let slow: GceEmulator;
  let now = Date.parse('2026-12-01T00:00:00Z');

  beforeAll(async () => {
    slow = await startGceEmulator({ project: 'slow-net-project', operationPendingMs: 1_000, operationRunningMs: 600_000, clock: () => now });
  });
  afterAll(() => slow?.close());

  it('cannot be told apart from an absence until it ends: the look rejects, then finds it', async () => {
    const net = createGcpProvider({ ...slow.providerOptions, ...fastOptions, maxAttempts: 1 }).networking;
    slow.faults.dropResponse('networks.insert');
    await rejection(net.createNetwork({ name: 'slow-net', cidrs: ['10.64.0.0/16'] }, { idempotencyKey: 'slow-net' }));
    const undecided = await rejection(net.findByIdempotencyKey('network', 'slow-net'));
    expect(ProviderUnavailableError.isInstance(undecided), String(undecided)).toBe(true);
    expect(String(undecided)).toMatch(/still running/);
    now += 700_000;
    expect((await net.findByIdempotencyKey('network', 'slow-net'))?.name).toBe('slow-net');
  });
});
