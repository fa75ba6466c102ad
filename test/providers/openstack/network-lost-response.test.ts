/**
 * Lost answers of the OpenStack network companion: Neutron made the network (or subnet, or
 * route) and the answer never arrived (`dropResponse`: the call takes effect, the connection is
 * reset). The create finds its own resource by the mark in its description instead of making
 * another; and when the connection stays down so that the create cannot tell, the caller's
 * `findByIdempotencyKey` settles it once the cloud is reachable again.
 */
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NovacronError } from '../../../src/provider/errors.js';
import { createOpenStackProvider, type OpenStackFetch } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions } from './emulated-openstack.js';

let emu: OpenStackEmulator;
beforeAll(async () => {
  emu = await startOpenStackEmulator();
});
afterAll(() => emu?.close());

const networksNamed = (name: string) => emu.state.networks().filter((n) => n.name === name);

/**
 * A transport that trusts the emulator's CA and can be cut: once `cutAfter` matches a request,
 * every later request fails as a reset connection does, until `heal()`.
 */
function cuttableTransport(cutAfter: (method: string, url: string) => boolean): { fetch: OpenStackFetch; heal: () => void } {
  const dispatcher = new Agent({ connect: { ca: emu.ca } });
  let cut = false;
  const call = undiciFetch as unknown as (url: string, init: Record<string, unknown>) => Promise<Response>;
  return {
    fetch: async (url, init) => {
      if (cut) throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      try {
        return await call(url, { ...init, dispatcher });
      } finally {
        if (cutAfter(String(init.method ?? 'GET'), url)) cut = true;
      }
    },
    heal: () => {
      cut = false;
    },
  };
}

describe('a lost network create answer', () => {
  it('makes one network: the create finds it by its mark and gives it its labels', async () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    emu.faults.dropResponse('networks.create');
    const before = emu.stats.count('networks.create');
    const network = await provider.networking.createNetwork({ name: 'dropped-net', cidrs: ['10.90.0.0/24'], labels: { team: 'net' } }, { idempotencyKey: 'dropped-net/1' });
    expect(emu.stats.count('networks.create') - before).toBe(1);
    expect(networksNamed('dropped-net')).toHaveLength(1);
    expect(networksNamed('dropped-net')[0]!.id).toBe(network.id);
    expect(network).toMatchObject({ cidrs: ['10.90.0.0/24'], labels: { team: 'net' } });
    expect(networksNamed('dropped-net')[0]!.tags).toEqual(['team=net']);
    // Another process, the same key: the same network; other input under the key: a conflict.
    const other = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    expect((await other.networking.createNetwork({ name: 'dropped-net', cidrs: ['10.90.0.0/24'], labels: { team: 'net' } }, { idempotencyKey: 'dropped-net/1' })).id).toBe(network.id);
    await expect(other.networking.createNetwork({ name: 'dropped-net', cidrs: ['10.91.0.0/24'] }, { idempotencyKey: 'dropped-net/1' })).rejects.toSatisfy((e: unknown) => ConflictError.isInstance(e));
    expect(networksNamed('dropped-net')).toHaveLength(1);
    await provider.networking.delete({ type: 'network', id: network.id });
  });

  it('leaves the create unable to tell when the connection stays down; findByIdempotencyKey settles it afterwards', async () => {
    const transport = cuttableTransport((method, url) => method === 'POST' && url.endsWith('/network/v2.0/networks'));
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions, maxAttempts: 1, fetch: transport.fetch });
    emu.faults.dropResponse('networks.create');
    const error = await provider.networking.createNetwork({ name: 'uncertain-net', cidrs: ['10.92.0.0/24'] }, { idempotencyKey: 'uncertain-net/1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Not a refusal: the durable core must ask before doing anything else.
    expect(NovacronError.isInstance(error) && error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(networksNamed('uncertain-net')).toHaveLength(1);
    transport.heal();
    const found = await provider.networking.findByIdempotencyKey('network', 'uncertain-net/1');
    expect(found).toMatchObject({ id: networksNamed('uncertain-net')[0]!.id, name: 'uncertain-net', cidrs: ['10.92.0.0/24'] });
    expect(await provider.networking.findByIdempotencyKey('network', 'uncertain-net/never')).toBeUndefined();
    // Resumed with its key, the create adopts it.
    expect((await provider.networking.createNetwork({ name: 'uncertain-net', cidrs: ['10.92.0.0/24'] }, { idempotencyKey: 'uncertain-net/1' })).id).toBe(found!.id);
    expect(networksNamed('uncertain-net')).toHaveLength(1);
    await provider.networking.delete({ type: 'network', id: found!.id });
  });

  it('makes one subnet, one router interface and one route when those answers are lost', async () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions });
    const net = provider.networking;
    const network = await net.createNetwork({ name: 'drops', cidrs: ['10.93.0.0/24'] });
    emu.faults.dropResponse('subnets.create');
    emu.faults.dropResponse('routers.create');
    emu.faults.dropResponse('routers.addInterface');
    const subnet = await net.createSubnet({ name: 'drops-s', networkId: network.id, cidr: '10.93.0.0/25' }, { idempotencyKey: 'drops/subnet' });
    expect(emu.state.subnets().filter((s) => s.network_id === network.id).map((s) => s.id)).toEqual([subnet.id]);
    const routers = emu.state.routers().filter((r) => r.name === 'drops-router');
    expect(routers).toHaveLength(1);
    expect(emu.state.ports().filter((p) => p.device_id === routers[0]!.id)).toHaveLength(1);
    expect(await net.findByIdempotencyKey('subnet', 'drops/subnet')).toMatchObject({ id: subnet.id });

    emu.faults.dropResponse('routers.addExtraRoutes');
    emu.faults.dropResponse('routers.tags.add');
    const route = await net.createRoute({ name: 'drops-rt', networkId: network.id, destination: '192.168.93.0/24', target: { type: 'internet', id: undefined } }, { idempotencyKey: 'drops/route' });
    const router = emu.state.routers().find((r) => r.id === routers[0]!.id)!;
    expect(router.routes).toEqual([{ destination: '192.168.93.0/24', nexthop: '172.24.4.1' }]);
    expect((router.tags as string[]).filter((t) => t.startsWith('novacron-route|'))).toHaveLength(1);
    expect(await net.findByIdempotencyKey('route', 'drops/route')).toMatchObject({ id: route.id, destination: '192.168.93.0/24' });
    // A retried create with the key finds the recorded route.
    expect((await net.createRoute({ name: 'drops-rt', networkId: network.id, destination: '192.168.93.0/24', target: { type: 'internet', id: undefined } }, { idempotencyKey: 'drops/route' })).id).toBe(route.id);

    await net.delete({ type: 'route', id: route.id });
    await net.delete({ type: 'subnet', id: subnet.id });
    await net.delete({ type: 'network', id: network.id });
    expect(emu.state.routers().map((r) => r.name)).toEqual(['router1']);
  });
});
