/**
 * What a VM's create made goes with it: deleting releases its floating IP (Neutron keeps one
 * whose port is gone) and deletes the port the adapter made (Nova never deletes a port it was
 * given); a create refused for want of a host ("No valid host was found") or for a quota
 * leaves no server, port or floating IP behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapacityError, QuotaError } from '../../../src/provider/errors.js';
import { serverNameFor } from '../../../src/providers/openstack/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

const leftovers = (name: string) => ({
  servers: env.emu.state.servers().filter((s) => s.name === name && s.status !== 'DELETED').length,
  ports: env.emu.state.ports().filter((p) => p.name === `${name}-port`).length,
  floatingIps: env.emu.state.floatingIps().filter((f) => f.port_id !== null && f.port_id !== undefined).length,
});

describe('deleting a VM', () => {
  it('leaves no floating IP or port behind', async () => {
    const floatingBefore = env.emu.state.floatingIps().length;
    const vm = await env.openstack.createVM({ name: 'public', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'public-1' });
    expect(vm.publicIps).toHaveLength(1);
    const name = serverNameFor('public-1');
    expect(leftovers(name)).toMatchObject({ servers: 1, ports: 1 });
    expect(env.emu.state.floatingIps().length).toBe(floatingBefore + 1);
    await env.openstack.deleteVM(vm.id);
    expect(leftovers(name)).toEqual({ servers: 0, ports: 0, floatingIps: 0 });
    expect(env.emu.state.floatingIps().length).toBe(floatingBefore);
    expect((await env.openstack.getVM(vm.id)).state).toBe('terminated');
    await env.openstack.deleteVM(vm.id); // deleting a deleted VM succeeds
  });

  it('with wait: false too', async () => {
    const vm = await env.openstack.createVM({ name: 'quick', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'quick-1' });
    await env.openstack.deleteVM(vm.id, { wait: false });
    await expect.poll(() => leftovers(serverNameFor('quick-1')), { timeout: 5_000 }).toEqual({ servers: 0, ports: 0, floatingIps: 0 });
  });

  it('takes a floating IP only when a public IP is asked for', async () => {
    const before = env.emu.stats.count('floatingips.create');
    const vm = await env.openstack.createVM({ name: 'private', cpu: 1, memory: 1 }, { idempotencyKey: 'private-1' });
    expect(vm.publicIps).toEqual([]);
    expect(env.emu.stats.count('floatingips.create')).toBe(before);
    await env.openstack.deleteVM(vm.id);
  });
});

describe('a refused create', () => {
  it('"No valid host was found" is a CapacityError naming the flavor and zone, and the ERROR server, its port and floating IP are removed', async () => {
    for (const zone of ['az-1', 'az-2']) env.emu.faults.capacity({ zone }, 0); // no zone has a host
    try {
      const error = await rejectionOf(env.openstack.createVM({ name: 'no-host', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'no-host-1' }));
      expect(CapacityError.isInstance(error), String(error)).toBe(true);
      expect((error as CapacityError).instanceType).toBe('m1.small');
      expect((error as CapacityError).region).toBe('RegionOne');
      expect(String(error)).toMatch(/No valid host/);
    } finally {
      env.emu.faults.reset();
    }
    expect(leftovers(serverNameFor('no-host-1'))).toEqual({ servers: 0, ports: 0, floatingIps: 0 });
    // The same key later, with room again, creates the server afresh.
    const vm = await env.openstack.createVM({ name: 'no-host', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'no-host-1' });
    expect(vm.state).toBe('running');
    await env.openstack.deleteVM(vm.id);
  });

  it('a core quota is a QuotaError naming the limit, and the port it made is removed', async () => {
    env.emu.faults.quota('cores', 0);
    try {
      const error = await rejectionOf(env.openstack.createVM({ name: 'over', cpu: 2, memory: 2 }, { idempotencyKey: 'over-1' }));
      expect(QuotaError.isInstance(error), String(error)).toBe(true);
      expect((error as QuotaError).quotaName).toBe('cores');
    } finally {
      env.emu.faults.reset();
    }
    expect(leftovers(serverNameFor('over-1'))).toEqual({ servers: 0, ports: 0, floatingIps: 0 });
  });

  it('a floating IP quota (Neutron OverQuota) is a QuotaError, and the port is removed', async () => {
    env.emu.faults.quota('floatingip', 0);
    try {
      const error = await rejectionOf(env.openstack.createVM({ name: 'no-fip', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'no-fip-1' }));
      expect(QuotaError.isInstance(error), String(error)).toBe(true);
    } finally {
      env.emu.faults.reset();
    }
    expect(leftovers(serverNameFor('no-fip-1'))).toEqual({ servers: 0, ports: 0, floatingIps: 0 });
  });
});
