/**
 * Listing reads power states and addresses without one call per VM: one call per page of VMs
 * (each with its instance view), and the NICs and public IPs read once per listing, paged too.
 * Label, state and location filters apply; "stopped" and "deallocated" stay apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { collect, rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
let ids: string[];
beforeAll(async () => {
  env = await startEmulatedAzure({ emulator: { pageSize: 5 } });
  ids = env.emu.seedVirtualMachines(23, { tags: { fleet: 'a' } });
  env.emu.seedVirtualMachines(4, { tags: { fleet: 'b' }, location: 'eastus' });
  env.emu.setPowerState(ids[0]!, 'stopped');
  env.emu.setPowerState(ids[1]!, 'deallocated');
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
});
afterAll(() => env.close());

describe('listVMs on Azure', () => {
  it('costs pages, not VMs', async () => {
    env.emu.stats.reset();
    const vms = await collect(env.azure.listVMs());
    expect(vms).toHaveLength(27);
    const calls = env.emu.stats.byOperation();
    expect(calls['virtualMachines.list']).toBe(6); // 27 VMs, 5 a page
    expect(calls['networkInterfaces.list']).toBe(6);
    expect(calls['publicIPAddresses.list']).toBe(1);
    expect(calls['virtualMachines.get'] ?? 0).toBe(0);
    expect(calls['networkInterfaces.get'] ?? 0).toBe(0);
    const first = vms.find((v) => v.id === ids[2])!;
    expect(first.privateIps).toHaveLength(1);
    expect(first.state).toBe('running');
  });

  it('keeps stopped (still billed) and deallocated apart, and filters by state, label and location', async () => {
    const all = await collect(env.azure.listVMs());
    expect(all.find((v) => v.id === ids[0])).toMatchObject({ state: 'stopped', rawState: 'PowerState/stopped' });
    expect(all.find((v) => v.id === ids[1])).toMatchObject({ state: 'deallocated', rawState: 'PowerState/deallocated' });
    expect((await collect(env.azure.listVMs({ states: ['deallocated'] }))).map((v) => v.id)).toEqual([ids[1]]);
    expect(await collect(env.azure.listVMs({ labels: { fleet: 'b' } }))).toHaveLength(4);
    expect((await collect(env.azure.listVMs({ region: 'eastus' }))).every((v) => v.region === 'eastus')).toBe(true);
    const nowhere = await rejectionOf(collect(env.azure.listVMs({ region: 'mars' })));
    expect(InvalidSpecError.isInstance(nowhere) && nowhere.field === 'region').toBe(true);
  });

  it('reads one VM in two calls: the VM with its instance view, then its NIC', async () => {
    env.emu.stats.reset();
    const vm = await env.azure.getVM(ids[3]!);
    expect(vm.state).toBe('running');
    expect(env.emu.stats.byOperation()).toEqual({ 'virtualMachines.get': 1, 'networkInterfaces.get': 1 });
  });
});
