/**
 * VNet peering and routes of the Azure network companion against the ARM emulator: a request is
 * `pending-acceptance` until the other side links back, both links are then `available`, across
 * locations; when one side's link goes the other is `failed` (Disconnected). Routes live in one
 * route table per network that the companion keeps and associates with the network's subnets,
 * old and new; a route to the network's gateway is a `VirtualNetworkGateway` hop, a route to a
 * peering is recorded (Azure routes peered ranges itself); a network with routes is not deleted,
 * and its delete removes the route table.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, type InvalidSpecError } from '../../../src/provider/errors.js';
import type { NetworkProviderV1 } from '../../../src/provider/network-provider-v1.js';
import type { Network, Peering, VpnGateway } from '../../../src/provider/network-types.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedNetwork, type EmulatedNetwork } from './network-emulated.js';

let env: EmulatedNetwork;
let west: NetworkProviderV1;
let east: NetworkProviderV1;
let client: NetworkManagementClient;
let rg: string;

beforeAll(async () => {
  env = await startEmulatedNetwork({ operationMs: 20, gatewayTiming: { provisioningMs: 200, updateMs: 100, deleteMs: 100, connectionMs: 100 } });
  west = env.provider().networking;
  east = env.provider({ name: 'azure-east', location: 'eastus' }).networking;
  client = new NetworkManagementClient(env.emu.providerOptions.credential, env.emu.providerOptions.subscriptionId, { ...env.emu.sdkClientOptions });
  rg = env.emu.providerOptions.resourceGroup;
});
afterAll(() => env.close());

/** Polls (real time) until `get` says NotFound. */
async function gone(on: NetworkProviderV1, type: 'peering' | 'vpn-gateway' | 'network', id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const found = await on.get({ type, id }).then(
      () => true,
      (e: unknown) => {
        if (NotFoundError.isInstance(e)) return false;
        throw e;
      },
    );
    if (!found) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${type} ${id} is still there`);
}

describe('VNet peering', () => {
  let a: Network;
  let b: Network;
  let request: Peering;
  let accepted: Peering;

  it('requests on one side (pending-acceptance), accepts on the other, across locations; both links available', async () => {
    a = await west.createNetwork({ name: 'peer-a', cidrs: ['10.110.0.0/24'] });
    b = await east.createNetwork({ name: 'peer-b', cidrs: ['10.111.0.0/24'] });
    request = await west.requestPeering({ name: 'a-to-b', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'a-to-b' });
    expect(request).toMatchObject({ type: 'peering', role: 'requester', state: 'pending-acceptance', rawState: 'Initiated', networkId: a.id, peerNetworkId: b.id, peerRegion: 'eastus', peerAccount: undefined });
    expect((await west.requestPeering({ name: 'a-to-b', networkId: a.id, peerNetworkId: b.id }, { idempotencyKey: 'a-to-b' })).id).toBe(request.id);
    accepted = await east.acceptPeering({ name: 'b-to-a', requestId: request.id, networkId: b.id, peerNetworkId: a.id }, { idempotencyKey: 'b-to-a' });
    expect(accepted).toMatchObject({ role: 'accepter', state: 'available', rawState: 'Connected', peerRegion: 'westeurope' });
    expect(await west.get({ type: 'peering', id: request.id })).toMatchObject({ state: 'available', role: 'requester' });
    expect((await east.findByIdempotencyKey('peering', 'b-to-a'))?.id).toBe(accepted.id);
    expect((await collect(west.list('peering', { networkId: a.id }))).map((p) => p.id)).toEqual([request.id]);
  });

  it('refuses an acceptance of a request that joins other networks, and a peerAccount that is not the peer’s subscription', async () => {
    const c = await east.createNetwork({ name: 'peer-c', cidrs: ['10.112.0.0/24'] });
    const wrong = await rejectionOf(east.acceptPeering({ name: 'c-to-a', requestId: request.id, networkId: c.id, peerNetworkId: a.id }));
    expect(ConflictError.isInstance(wrong), String(wrong)).toBe(true);
    const account = await rejectionOf(west.requestPeering({ name: 'a-to-c', networkId: a.id, peerNetworkId: c.id, peerAccount: '00000000-0000-0000-0000-000000000000' }));
    expect((account as InvalidSpecError).issues?.[0]?.field).toBe('peerAccount');
    await east.delete({ type: 'network', id: c.id });
  });

  it('reports the other side failed (Disconnected) once one link is deleted, and refuses to delete a network with a link', async () => {
    const inUse = await rejectionOf(west.delete({ type: 'network', id: a.id }));
    expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
    await west.delete({ type: 'peering', id: request.id });
    await gone(west, 'peering', request.id);
    const left = await east.get({ type: 'peering', id: accepted.id });
    expect(left).toMatchObject({ state: 'failed', rawState: 'Disconnected' });
    expect(left.stateReason).toMatch(/other side/);
    await east.delete({ type: 'peering', id: accepted.id });
    await gone(east, 'peering', accepted.id);
  });
});

describe('routes', () => {
  let n: Network;
  let gw: VpnGateway;

  beforeAll(async () => {
    n = await west.createNetwork({ name: 'routed', cidrs: ['10.120.0.0/24'] }, { idempotencyKey: 'routed' });
    await west.createSubnet({ name: 'before', networkId: n.id, cidr: '10.120.0.0/26' }, { idempotencyKey: 'routed/before' });
    const created = await west.createVpnGateway({ name: 'routed-gw', networkId: n.id });
    for (let i = 0; i < 400 && (gw = await west.get({ type: 'vpn-gateway', id: created.id })).state !== 'available'; i++) await new Promise((r) => setTimeout(r, 25));
  });

  const tableName = (): string => `${n.id.split('/').pop()!}-rt`;

  it('routes to the gateway through the network’s own route table, associated with its subnets old and new (not GatewaySubnet)', async () => {
    const route = await west.createRoute({ name: 'to-aws', networkId: n.id, destination: '172.31.0.0/16', target: { type: 'vpn-gateway', id: gw.id } }, { idempotencyKey: 'to-aws' });
    expect(route).toMatchObject({ type: 'route', networkId: n.id, destination: '172.31.0.0/16', target: { type: 'vpn-gateway', id: gw.id }, state: 'available' });
    const table = await client.routeTables.get(rg, tableName());
    expect(table.routes?.map((r) => [r.addressPrefix, r.nextHopType])).toEqual([['172.31.0.0/16', 'VirtualNetworkGateway']]);
    const later = await west.createSubnet({ name: 'after', networkId: n.id, cidr: '10.120.0.64/26' });
    const subnets = (await client.virtualNetworks.get(rg, n.id.split('/').pop()!)).subnets ?? [];
    expect(subnets.map((s) => [s.name === 'GatewaySubnet', s.routeTable?.id === table.id]).sort()).toEqual([
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(subnets.some((s) => s.id === later.id)).toBe(true);
    expect((await west.get({ type: 'route', id: route.id })).target).toEqual({ type: 'vpn-gateway', id: gw.id });
    const twice = await rejectionOf(west.createRoute({ name: 'again', networkId: n.id, destination: '172.31.0.0/16', target: { type: 'internet', id: undefined } }));
    expect(ConflictError.isInstance(twice), String(twice)).toBe(true);
  });

  it('routes to an appliance by IP, records a route to a peering as Azure’s system route, and lists them all', async () => {
    const appliance = await west.createRoute({ name: 'nva', networkId: n.id, destination: '0.0.0.0/0', target: { type: 'instance', id: '10.120.0.4' } });
    expect(appliance.target).toEqual({ type: 'instance', id: '10.120.0.4' });
    const other = await west.createNetwork({ name: 'routed-peer', cidrs: ['10.121.0.0/24'] });
    const link = await west.requestPeering({ name: 'routed-link', networkId: n.id, peerNetworkId: other.id });
    const notYet = await rejectionOf(west.createRoute({ name: 'via-peer', networkId: n.id, destination: '10.121.0.0/24', target: { type: 'peering', id: link.id } }));
    expect(ConflictError.isInstance(notYet), String(notYet)).toBe(true);
    const back = await west.acceptPeering({ name: 'routed-back', requestId: link.id, networkId: other.id, peerNetworkId: n.id });
    const viaPeer = await west.createRoute({ name: 'via-peer', networkId: n.id, destination: '10.121.0.0/24', target: { type: 'peering', id: link.id } }, { idempotencyKey: 'via-peer' });
    expect(viaPeer).toMatchObject({ rawState: 'VNetPeering (system route)', destination: '10.121.0.0/24', target: { type: 'peering', id: link.id } });
    expect((await client.routeTables.get(rg, tableName())).routes?.map((r) => r.addressPrefix).sort()).toEqual(['0.0.0.0/0', '172.31.0.0/16']);
    expect((await collect(west.list('route', { networkId: n.id }))).map((r) => r.destination).sort()).toEqual(['0.0.0.0/0', '10.121.0.0/24', '172.31.0.0/16']);
    expect((await west.findByIdempotencyKey('route', 'via-peer'))?.id).toBe(viaPeer.id);
    await west.delete({ type: 'route', id: viaPeer.id });
    await expect(west.get({ type: 'route', id: viaPeer.id })).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    await west.delete({ type: 'route', id: appliance.id });
    for (const p of [back, link]) await west.delete({ type: 'peering', id: p.id });
    for (const p of [back, link]) await gone(west, 'peering', p.id);
    await west.delete({ type: 'network', id: other.id });
  });

  it('refuses to delete a network that still has routes; its last route takes the route table, off the subnets, with it', async () => {
    const route = (await west.findByIdempotencyKey('route', 'to-aws'))!;
    const inUse = await rejectionOf(west.delete({ type: 'network', id: n.id }));
    expect(ConflictError.isInstance(inUse), String(inUse)).toBe(true);
    await west.delete({ type: 'route', id: route.id });
    expect(await collect(client.routeTables.list(rg))).toEqual([]);
    expect(((await client.virtualNetworks.get(rg, n.id.split('/').pop()!)).subnets ?? []).map((s) => s.routeTable)).toEqual([undefined, undefined, undefined]);
    for (const s of await collect(west.list('subnet', { networkId: n.id }))) if (s.name !== 'GatewaySubnet') await west.delete({ type: 'subnet', id: s.id });
    await west.delete({ type: 'vpn-gateway', id: gw.id });
    await gone(west, 'vpn-gateway', gw.id);
    for (let i = 0; i < 400 && (await client.virtualNetworks.get(rg, n.id.split('/').pop()!)).subnets?.length; i++) await new Promise((r) => setTimeout(r, 25));
    await west.delete({ type: 'network', id: n.id });
    await gone(west, 'network', n.id);
  });
});
