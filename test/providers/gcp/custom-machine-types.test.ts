/**
 * Custom machine types over the wire: where a custom shape of a family that allows one (N1, N2,
 * N2D, E2) is the cheapest fit, the insert names it (`e2-custom-6-12288`) and the VM reads back
 * with its vCPUs, memory and price; where a predefined type is cheaper it wins; a family without
 * custom types (C3) never gets one, nor does a provider that turned them off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../../../src/provider/types.js';
import { CUSTOM_PREMIUM } from '../../../src/providers/gcp/machine-types.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
});
afterAll(() => env?.close());

const machineTypeSent = (vmId: string): string => String((env.emu.state.instanceInsert(vmId.split('/').pop()!) as { machineType?: unknown } | undefined)?.machineType);

describe('custom machine types', () => {
  it('6 vCPU / 12 GiB: no predefined type fits closely, so an E2 custom shape goes on the wire and reads back with its size and price', async () => {
    const estimate = await env.gcp.estimateCost({ name: 'odd', cpu: 6, memory: 12 });
    expect(estimate.instanceType).toBe('e2-custom-6-12288');
    const vm = await env.gcp.createVM({ name: 'odd', cpu: 6, memory: 12 }, { idempotencyKey: 'custom-e2' });
    expect(machineTypeSent(vm.id)).toBe(`zones/${vm.zone}/machineTypes/e2-custom-6-12288`);
    expect(env.emu.state.instance(vm.id.split('/').pop()!)?.machineType).toMatch(/\/machineTypes\/e2-custom-6-12288$/);
    expect(vm).toMatchObject({ instanceType: 'e2-custom-6-12288', cpu: 6, memoryGiB: 12, state: 'running' });
    // The VM is priced like the plan: the family's per-vCPU and per-GiB rates with the custom premium.
    expect(vm.hourlyPrice?.amount).toBeCloseTo(estimate.breakdown.compute / HOURS_PER_MONTH, 6);
    const read = await env.gcp.getVM(vm.id);
    expect(read.hourlyPrice?.amount).toBe(vm.hourlyPrice?.amount);
    const predefined = await env.provider({ defaults: { customMachineTypes: false } }).estimateCost({ name: 'odd', cpu: 6, memory: 12 });
    expect(predefined.instanceType).not.toMatch(/custom/);
    expect(predefined.breakdown.compute).toBeGreaterThan(estimate.breakdown.compute);
  });

  it('an N2-only provider gets an N2 custom shape (with N2 rules: memory a multiple of 256 MiB)', async () => {
    const n2 = env.provider({ defaults: { machineFamilies: ['n2'] } });
    const vm = await n2.createVM({ name: 'n2odd', cpu: 5, memory: 10.1 }, { idempotencyKey: 'custom-n2' });
    expect(machineTypeSent(vm.id)).toBe(`zones/${vm.zone}/machineTypes/n2-custom-6-10496`);
    expect(vm).toMatchObject({ cpu: 6, memoryGiB: 10.25 });
  });

  it('a predefined type wins where it is cheaper than the custom premium', async () => {
    const vm = await env.gcp.createVM({ name: 'std', cpu: 2, memory: 8 }, { idempotencyKey: 'custom-none' });
    expect(machineTypeSent(vm.id)).toMatch(/machineTypes\/e2-standard-2$/);
    const sameShapeCustom = await env.gcp.estimateCost({ name: 'std', cpu: 2, memory: 8, instanceType: 'e2-custom-2-8192' });
    expect(sameShapeCustom.breakdown.compute / HOURS_PER_MONTH).toBeCloseTo(vm.hourlyPrice!.amount * CUSTOM_PREMIUM, 5);
    expect(sameShapeCustom.breakdown.compute / HOURS_PER_MONTH).toBeGreaterThan(vm.hourlyPrice!.amount);
  });

  it('a family that allows no custom types (C3) never gets one, nor does a provider that turned them off', async () => {
    const c3 = env.provider({ defaults: { machineFamilies: ['c3'] } });
    const vm = await c3.createVM({ name: 'c3odd', cpu: 6, memory: 12 }, { idempotencyKey: 'custom-c3' });
    expect(machineTypeSent(vm.id)).toMatch(/machineTypes\/c3-[a-z]+-\d+$/);
    expect(vm.cpu).toBeGreaterThanOrEqual(6);
    const off = env.provider({ defaults: { customMachineTypes: false } });
    const plain = await off.createVM({ name: 'nocustom', cpu: 6, memory: 12 }, { idempotencyKey: 'custom-off' });
    expect(machineTypeSent(plain.id)).not.toMatch(/custom/);
    expect(env.emu.requests('instances.insert').filter((r) => r.path.includes('custom')).length).toBe(0);
  });
});
