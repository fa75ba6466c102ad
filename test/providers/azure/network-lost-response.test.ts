/**
 * Creates of the Azure network companion whose answer is lost after ARM acted (the kit's
 * `dropResponse`): the SDK pipeline's own retry of a gateway PUT meets the operation it started
 * (409) and the companion adopts its gateway; with no pipeline retries the create fails without
 * claiming nothing was sent, `findByIdempotencyKey` settles it with the one gateway (or
 * connection) ARM made, and a repeated create with the key returns that one, as a resumed
 * durable operation would. A key nothing was made with is a confirmed absence.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/provider/errors.js';
import { NETWORK_RESOURCE_TYPES, type SecretReader } from '../../../src/provider/network-types.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedNetwork, type EmulatedNetwork } from './network-emulated.js';

let env: EmulatedNetwork;
let client: NetworkManagementClient;
let rg: string;
let keyReads = 0;
const secrets: SecretReader = {
  async read(ref) {
    if (ref.secret !== 'psk') throw new NotFoundError({ message: 'no such secret' });
    keyReads++;
    return 'Lost.Answer_key_0001';
  },
};

beforeAll(async () => {
  env = await startEmulatedNetwork({ operationMs: 20, gatewayTiming: { provisioningMs: 250, updateMs: 100, deleteMs: 100, connectionMs: 100 } });
  client = new NetworkManagementClient(env.emu.providerOptions.credential, env.emu.providerOptions.subscriptionId, { ...env.emu.sdkClientOptions });
  rg = env.emu.providerOptions.resourceGroup;
});
afterAll(() => env.close());

const gatewaysTagged = async (name: string) => (await collect(client.virtualNetworkGateways.list(rg))).filter((g) => g.tags?.['novacron:name'] === name);

async function available(net: NetworkProviderV1, type: 'vpn-gateway' | 'vpn-connection', id: string): Promise<void> {
  for (let i = 0; i < 400 && (await net.get({ type, id })).state !== 'available'; i++) await new Promise((r) => setTimeout(r, 25));
}

describe('lost answers of network creates', () => {
  it('a lost gateway PUT, sent again by the pipeline: the 409 of its own operation is adopted, one gateway', async () => {
    const net = env.provider().networking;
    const n = await net.createNetwork({ name: 'retried', cidrs: ['10.100.0.0/24'] });
    env.emu.faults.dropResponse('virtualNetworkGateways.createOrUpdate');
    env.emu.stats.reset();
    const gw = await net.createVpnGateway({ name: 'retried-gw', networkId: n.id }, { idempotencyKey: 'retried-gw' });
    expect(env.emu.stats.count('virtualNetworkGateways.createOrUpdate')).toBe(2);
    expect(gw.state).toBe('provisioning');
    expect((await gatewaysTagged('retried-gw')).map((g) => g.id)).toEqual([gw.id]);
  });

  it('every answer lost: the create fails uncertain, findByIdempotencyKey finds the one gateway, and a repeat with the key returns it', async () => {
    const net = env.provider({ maxRetries: 0 }).networking;
    const n = await net.createNetwork({ name: 'lost', cidrs: ['10.101.0.0/24'] });
    env.emu.faults.dropResponse('virtualNetworkGateways.createOrUpdate');
    const error = await rejectionOf(net.createVpnGateway({ name: 'lost-gw', networkId: n.id }, { idempotencyKey: 'lost-gw' }));
    expect((error as { name: string }).name).toMatch(/ProviderUnavailableError|TimeoutError/);
    expect((error as { requestSent?: boolean }).requestSent).toBeUndefined();
    const found = await env.provider().networking.findByIdempotencyKey('vpn-gateway', 'lost-gw');
    expect(found).toMatchObject({ type: 'vpn-gateway', name: 'lost-gw', networkId: n.id });
    const again = await env.provider().networking.createVpnGateway({ name: 'lost-gw', networkId: n.id }, { idempotencyKey: 'lost-gw' });
    expect(again.id).toBe(found!.id);
    expect(await gatewaysTagged('lost-gw')).toHaveLength(1);
    expect((await collect(client.publicIPAddresses.list(rg))).filter((ip) => ip.name!.startsWith(again.id.split('/').pop()!))).toHaveLength(1);
  });

  it('a lost connection PUT is settled the same way: one connection, and the repeat adopts it without reading the key again', async () => {
    const net = env.provider({ maxRetries: 0 }).networking;
    const gw = (await net.findByIdempotencyKey('vpn-gateway', 'lost-gw'))!;
    await available(net, 'vpn-gateway', gw.id);
    const pg = await net.createPeerGateway({ name: 'far', ips: ['198.51.100.50'], cidrs: ['192.168.50.0/24'] }, { idempotencyKey: 'far' });
    const input = { name: 'lost-conn', vpnGatewayId: gw.id, peerGatewayId: pg.id, routing: 'static' as const, tunnels: [{ peerIp: '198.51.100.50', preSharedKey: { secret: 'psk' } }] };
    env.emu.faults.dropResponse('virtualNetworkGatewayConnections.createOrUpdate');
    keyReads = 0;
    await rejectionOf(net.createVpnConnection(input, { secrets, idempotencyKey: 'lost-conn' }));
    expect(keyReads).toBe(1);
    const found = await net.findByIdempotencyKey('vpn-connection', 'lost-conn');
    expect(found).toMatchObject({ type: 'vpn-connection', vpnGatewayId: gw.id, peerGatewayId: pg.id, tunnels: [{ preSharedKey: { secret: 'psk' } }] });
    expect((await net.createVpnConnection(input, { secrets, idempotencyKey: 'lost-conn' })).id).toBe(found!.id);
    expect(keyReads).toBe(1);
    expect((await collect(client.virtualNetworkGatewayConnections.list(rg))).filter((c) => c.tags?.['novacron:name'] === 'lost-conn')).toHaveLength(1);
  });

  it('answers a confirmed absence for a key nothing was made with, of every type', async () => {
    const net = env.provider().networking;
    for (const type of NETWORK_RESOURCE_TYPES) expect(await net.findByIdempotencyKey(type, 'never-used')).toBeUndefined();
  });
});
