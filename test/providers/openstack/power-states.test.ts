/**
 * Power and state: start, stop and reboot through Nova's actions (each waits for its resting
 * state and is a no-op when the server is there already), and every server status the emulator
 * can be put in maps to a portable state with Nova's word kept as `rawState`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VM_STATES } from '../../../src/provider/types.js';
import { OPENSTACK_SERVER_STATUSES as SERVER_STATUSES } from '../../../src/testing/emulators/index.js';
import { vmStateOf } from '../../../src/providers/openstack/state-mapping.js';
import { startEmulatedOpenStack, type EmulatedOpenStack } from './emulated-openstack.js';

let env: EmulatedOpenStack;
beforeAll(async () => {
  env = await startEmulatedOpenStack();
});
afterAll(() => env?.close());

describe('power actions', () => {
  it('stops, starts and reboots, waiting for SHUTOFF and ACTIVE', async () => {
    const vm = await env.openstack.createVM({ name: 'power', cpu: 1, memory: 1 }, { idempotencyKey: 'power-1' });
    expect(await env.openstack.stopVM(vm.id)).toMatchObject({ state: 'stopped', rawState: 'SHUTOFF' });
    const stops = env.emu.stats.count('servers.os-stop');
    expect((await env.openstack.stopVM(vm.id)).state).toBe('stopped'); // already stopped: nothing sent
    expect(env.emu.stats.count('servers.os-stop')).toBe(stops);
    expect(await env.openstack.startVM(vm.id)).toMatchObject({ state: 'running', rawState: 'ACTIVE' });
    expect(await env.openstack.rebootVM(vm.id)).toMatchObject({ state: 'running' });
    expect(env.emu.stats.count('servers.reboot')).toBe(1);
    await env.openstack.deleteVM(vm.id);
  });
});

describe('server statuses', () => {
  it('maps every status the emulator serves, reading them back through getVM', async () => {
    const vm = await env.openstack.createVM({ name: 'statuses', cpu: 1, memory: 1 }, { idempotencyKey: 'statuses-1' });
    for (const status of SERVER_STATUSES) {
      env.emu.setServerStatus(vm.id, status, status === 'ERROR' ? { message: 'disk failure' } : undefined);
      const seen = await env.openstack.getVM(vm.id).catch(() => undefined);
      if (!seen) continue; // DELETED servers are gone from a non-admin view
      expect(seen.rawState, status).toBe(status);
      expect(VM_STATES).toContain(seen.state);
      expect(seen.state, status).toBe(vmStateOf(status));
      if (status === 'ERROR') expect(seen.stateReason).toBe('disk failure');
    }
    env.emu.setServerStatus(vm.id, 'ACTIVE');
    await env.openstack.deleteVM(vm.id);
  });
});
