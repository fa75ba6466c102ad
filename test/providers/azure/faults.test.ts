/**
 * The emulator's faults, said in ARM's words, through the real SDK, come out as the taxonomy:
 * capacity per zone (the operation fails `ZonalAllocationFailed`), failed provisioning
 * (`AllocationFailed`), quota (`OperationNotAllowed`), spot capacity (`SkuNotAvailable`), a
 * one-off 5xx. Each keeps the ARM code and `x-ms-request-id` in `cause`, and a refused create
 * leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapacityError, type ErrorCause, type NovacronError, QuotaError } from '../../../src/provider/errors.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
});
afterAll(() => env.close());

const novacrons = () => ({
  vms: env.emu.state.virtualMachines().filter((v) => v.name.startsWith('nc-')).length,
  nics: env.emu.state.networkInterfaces().filter((v) => v.name.startsWith('nc-')).length,
  ips: env.emu.state.publicIPAddresses().filter((v) => v.name.startsWith('nc-')).length,
  disks: env.emu.state.disks().filter((v) => v.name.startsWith('nc-')).length,
});
const cause = (e: unknown): ErrorCause => (e as NovacronError).cause as ErrorCause;

describe('Azure faults through the SDK', () => {
  it('no capacity in a zone: CapacityError naming the zone, with ARM\'s code and request id; nothing left behind; another zone works', async () => {
    const location = env.emu.providerOptions.location;
    env.emu.faults.capacity({ zone: `${location}-2` }, 0);
    try {
      const error = await rejectionOf(env.azure.createVM({ name: 'full', cpu: 2, memory: 4, zone: '2', network: { publicIp: true } }, { idempotencyKey: 'capacity-1' }));
      expect(CapacityError.isInstance(error), String(error)).toBe(true);
      expect(error).toMatchObject({ zone: '2', region: location });
      expect(cause(error).code).toBe('ZonalAllocationFailed');
      expect(cause(error).requestId).toMatch(/\S/);
      expect(novacrons()).toEqual({ vms: 0, nics: 0, ips: 0, disks: 0 });
      const elsewhere = await env.azure.createVM({ name: 'full', cpu: 2, memory: 4, zone: '1' }, { idempotencyKey: 'capacity-2' });
      expect(elsewhere.zone).toBe('1');
      await env.azure.deleteVM(elsewhere.id);
    } finally {
      env.emu.faults.reset();
    }
  });

  it('failed provisioning (AllocationFailed): CapacityError, the failed VM and its NIC removed, and the same key works afterwards', async () => {
    env.emu.faults.failNextProvisioning();
    const spec = { name: 'alloc', cpu: 1, memory: 1 };
    const error = await rejectionOf(env.azure.createVM(spec, { idempotencyKey: 'alloc-1' }));
    expect(CapacityError.isInstance(error), String(error)).toBe(true);
    expect(cause(error).code).toBe('AllocationFailed');
    expect(novacrons()).toEqual({ vms: 0, nics: 0, ips: 0, disks: 0 });
    const vm = await env.azure.createVM(spec, { idempotencyKey: 'alloc-1' });
    expect(vm.state).toBe('running');
    await env.azure.deleteVM(vm.id);
  });

  it('a quota: QuotaError naming the quota, nothing left behind', async () => {
    env.emu.faults.quota('cores', 0);
    try {
      const error = await rejectionOf(env.azure.createVM({ name: 'quota', cpu: 2, memory: 4 }, { idempotencyKey: 'quota-1' }));
      expect(QuotaError.isInstance(error), String(error)).toBe(true);
      expect(cause(error).code).toBe('OperationNotAllowed');
      expect((error as QuotaError).quotaName).toMatch(/\S/);
      expect(novacrons()).toEqual({ vms: 0, nics: 0, ips: 0, disks: 0 });
    } finally {
      env.emu.faults.reset();
    }
  });

  it('a one-off 500 on the VM PUT is retried by the pipeline', async () => {
    env.emu.faults.failNext('virtualMachines.createOrUpdate', { kind: 'internal' });
    const vm = await env.azure.createVM({ name: 'flaky', cpu: 1, memory: 1 }, { idempotencyKey: 'flaky-1' });
    expect(vm.state).toBe('running');
    await env.azure.deleteVM(vm.id);
  });

  it('throttling with Retry-After is waited out by the pipeline', async () => {
    env.emu.faults.failNext('virtualMachines.get', { kind: 'throttled', retryAfterMs: 200 });
    const vm = await env.azure.createVM({ name: 'slow-down', cpu: 1, memory: 1 }, { idempotencyKey: 'throttle-1' });
    env.emu.stats.reset();
    env.emu.faults.failNext('virtualMachines.get', { kind: 'throttled', retryAfterMs: 200 });
    expect((await env.azure.getVM(vm.id)).id).toBe(vm.id);
    expect(env.emu.stats.throttled()).toBe(1);
    expect(env.emu.stats.count('virtualMachines.get')).toBe(2);
    await env.azure.deleteVM(vm.id);
  });
});
