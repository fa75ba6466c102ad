/**
 * What a create asks of Nova and Neutron, read back from the emulator's stored resources: the
 * cheapest fitting flavor by the rate card, boot from a volume (deleted with the server) when the
 * disk exceeds the flavor's, from the image otherwise, labels as metadata beside novacron's own,
 * the port with the security groups resolved to ids, the availability zone, and the image's
 * architecture deciding the flavor's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { serverNameFor } from '../../../src/providers/openstack/index.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

describe('the create body', () => {
  it('boots from a volume when the disk exceeds the flavor’s, with labels as metadata and the security groups on its port', async () => {
    const vm = await env.openstack.createVM({ name: 'big-disk', cpu: 2, memory: 4, disk: 100, labels: { team: 'web' }, network: { securityGroups: ['default'] }, zone: 'az-2' }, { idempotencyKey: 'big-disk' });
    expect(vm.instanceType).toBe('m1.medium'); // 2 vCPU / 4 GiB: the cheapest fit on the card
    const server = env.emu.state.server(vm.id)!;
    expect(server.image).toBe('');
    expect(server['os-extended-volumes:volumes_attached']).toEqual([expect.objectContaining({ delete_on_termination: true })]);
    expect(server['OS-EXT-AZ:availability_zone']).toBe('az-2');
    expect(server.metadata).toMatchObject({ team: 'web', 'novacron-name': 'big-disk', 'novacron-managed': 'true', 'novacron-image': 'ubuntu-22.04' });
    expect(vm.labels).toEqual({ team: 'web' });
    const port = env.emu.state.ports().find((p) => p.name === `${serverNameFor('big-disk')}-port`)!;
    const group = env.emu.state.securityGroups().find((g) => g.name === 'default')!;
    expect(port.security_groups).toEqual([group.id]);
    expect(port.device_id).toBe(vm.id);
  });

  it('boots from the image when the flavor’s disk holds the spec’s', async () => {
    const vm = await env.openstack.createVM({ name: 'small-disk', cpu: 2, memory: 4, disk: 20 }, { idempotencyKey: 'small-disk' });
    const server = env.emu.state.server(vm.id)!;
    const image = env.emu.state.images().find((i) => i.name === 'ubuntu-22.04')!;
    expect(server.image).toMatchObject({ id: image.id });
  });

  it('follows a native image’s architecture: an aarch64 image needs an arm64 flavor, which this cloud has none of', async () => {
    const arm = env.emu.state.images().find((i) => i.name === 'ubuntu-22.04-arm64')!;
    const error = await rejectionOf(env.openstack.createVM({ name: 'arm', cpu: 1, memory: 1, image: String(arm.id) }));
    expect(InvalidSpecError.isInstance(error) && error.field, String(error)).toBe('arch');
    const byName = await env.openstack.createVM({ name: 'by-name', cpu: 1, memory: 1, image: 'debian-12' }, { idempotencyKey: 'by-name' });
    expect(byName.image).toBe('debian-12');
  });

  it('lists with marker/limit pages and filters by label and state on the client', async () => {
    const provider = env.provider({ pageSize: 2 });
    for (let i = 0; i < 3; i++) await provider.createVM({ name: `paged-${i}`, cpu: 1, memory: 1, labels: { batch: 'paged' } }, { idempotencyKey: `paged-${i}` });
    env.emu.stats.reset();
    const listed = [];
    for await (const vm of provider.listVMs({ labels: { batch: 'paged' }, states: ['running'] })) listed.push(vm.name);
    expect(listed.sort()).toEqual(['paged-0', 'paged-1', 'paged-2']);
    expect(env.emu.stats.count('servers.list')).toBeGreaterThan(2); // several pages
    expect(env.emu.stats.count('servers.get')).toBe(0); // no call per server
  });
});
