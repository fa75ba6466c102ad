/**
 * Lost answers: Nova, Neutron and the connection do their part and the answer never arrives
 * (`dropResponse`: the call takes effect, the connection is reset). A retried create — by the
 * adapter itself, or by a caller with the same idempotency key — finds the server, port and
 * floating IP it made instead of making more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverNameFor } from '../../../src/providers/openstack/index.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

const named = (name: string) => env.emu.state.servers().filter((s) => s.name === name);
const portsNamed = (name: string) => env.emu.state.ports().filter((p) => p.name === `${name}-port`);

describe('a lost create answer', () => {
  it('a dropped POST /servers answer makes one server: the adapter finds it by its key-derived name', async () => {
    env.emu.faults.dropResponse('servers.create');
    const before = env.emu.stats.count('servers.create');
    const vm = await env.openstack.createVM({ name: 'dropped', cpu: 1, memory: 1 }, { idempotencyKey: 'dropped-1' });
    expect(vm.state).toBe('running');
    expect(env.emu.stats.count('servers.create') - before).toBe(1); // the answer was lost, the server was not made twice
    expect(named(serverNameFor('dropped-1'))).toHaveLength(1);
    expect(named(serverNameFor('dropped-1'))[0]!.id).toBe(vm.id);
    expect(portsNamed(serverNameFor('dropped-1'))).toHaveLength(1);
  });

  it('a caller that gave up and repeats the create with the same key gets the same server', async () => {
    env.emu.faults.hang('servers.create');
    const giveUp = AbortSignal.timeout(300);
    await expect(env.openstack.createVM({ name: 'gave-up', cpu: 1, memory: 1 }, { idempotencyKey: 'gave-up-1', signal: giveUp })).rejects.toThrow();
    env.emu.faults.hang('servers.create', false);
    const vm = await env.openstack.createVM({ name: 'gave-up', cpu: 1, memory: 1 }, { idempotencyKey: 'gave-up-1' });
    expect(named(serverNameFor('gave-up-1'))).toHaveLength(1);
    expect(named(serverNameFor('gave-up-1'))[0]!.id).toBe(vm.id);
    expect(portsNamed(serverNameFor('gave-up-1'))).toHaveLength(1);
  });

  it('dropped port and floating IP answers make one port and one floating IP', async () => {
    env.emu.faults.dropResponse('ports.create');
    env.emu.faults.dropResponse('floatingips.create');
    const vm = await env.openstack.createVM({ name: 'dropped-net', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'dropped-net-1' });
    const ports = portsNamed(serverNameFor('dropped-net-1'));
    expect(ports).toHaveLength(1);
    expect(env.emu.state.floatingIps().filter((f) => f.port_id === ports[0]!.id)).toHaveLength(1);
    expect(vm.publicIps).toHaveLength(1);
    expect(named(serverNameFor('dropped-net-1'))).toHaveLength(1);
  });

  it('findByIdempotencyKey resolves a create whose answer was lost', async () => {
    env.emu.faults.dropResponse('servers.create');
    const provider = env.provider({ maxAttempts: 1 });
    const made = await provider.createVM({ name: 'resolved', cpu: 1, memory: 1 }, { idempotencyKey: 'resolved-1', wait: false });
    const found = await env.provider().findByIdempotencyKey('resolved-1');
    expect(found?.id).toBe(made.id);
    expect(await env.provider().findByIdempotencyKey('never-used')).toBeUndefined();
  });
});
