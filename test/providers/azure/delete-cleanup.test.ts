/**
 * Deleting a VM removes the NIC, public IP and OS disk its create made, and nothing else: not a
 * resource that merely shares the naming pattern, not a user's own NIC, IP or disk in the same
 * resource group. Read from the emulator's stored resources.
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
let network: NetworkManagementClient;
let compute: ComputeManagementClient;
beforeAll(async () => {
  env = await startEmulatedAzure();
  const o = env.emu.providerOptions;
  network = new NetworkManagementClient(o.credential, o.subscriptionId, { ...env.emu.sdkClientOptions });
  compute = new ComputeManagementClient(o.credential, o.subscriptionId, { ...env.emu.sdkClientOptions });
});
afterAll(() => env.close());

const names = () => ({
  vms: env.emu.state.virtualMachines().map((v) => v.name).sort(),
  nics: env.emu.state.networkInterfaces().map((v) => v.name).sort(),
  ips: env.emu.state.publicIPAddresses().map((v) => v.name).sort(),
  disks: env.emu.state.disks().map((v) => v.name).sort(),
});

describe('deleting an Azure VM', () => {
  it('removes its NIC, public IP and OS disk, and leaves every resource it did not create', async () => {
    const o = env.emu.providerOptions;
    const rg = o.resourceGroup;
    const subnet = { id: env.emu.network().subnetId };
    // A user's own resources, one of them named as novacron would name the IP of the second VM.
    const other = resourceNamesFor('delete-2');
    await network.publicIPAddresses.createOrUpdate(rg, 'user-ip', { location: o.location, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, { updateIntervalInMs: 20 });
    await network.publicIPAddresses.createOrUpdate(rg, other.publicIp, { location: o.location, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, { updateIntervalInMs: 20 });
    await network.networkInterfaces.createOrUpdate(rg, 'user-nic', { location: o.location, ipConfigurations: [{ name: 'ipconfig1', subnet }] }, { updateIntervalInMs: 20 });
    await compute.disks.createOrUpdate(rg, 'user-disk', { location: o.location, sku: { name: 'Standard_LRS' }, diskSizeGB: 8, creationData: { createOption: 'Empty' } }, { updateIntervalInMs: 20 });
    const seeded = env.emu.seedVirtualMachines(1, { namePrefix: 'user-vm' });
    const foreign = names();

    const first = await env.azure.createVM({ name: 'delete-1', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'delete-1' });
    const second = await env.azure.createVM({ name: 'delete-2', cpu: 1, memory: 1 }, { idempotencyKey: 'delete-2' });
    const mine = resourceNamesFor('delete-1');
    expect(names().nics).toEqual([...foreign.nics, mine.nic, other.nic].sort());
    expect(names().ips).toEqual([...foreign.ips, mine.publicIp].sort());

    await env.azure.deleteVM(first.id);
    await env.azure.deleteVM(second.id);
    expect(names()).toEqual(foreign);
    expect(env.emu.state.virtualMachine(seeded[0]!)).toBeDefined();

    // Deleting again, or deleting what was never there, succeeds and touches nothing.
    await env.azure.deleteVM(first.id);
    await env.azure.deleteVM(`/subscriptions/${o.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/nc-000000000000`);
    expect(names()).toEqual(foreign);
  });

  it('with wait: false, the NIC, IP and disk go in the background', async () => {
    const before = names();
    const vm = await env.azure.createVM({ name: 'delete-3', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'delete-3' });
    await env.azure.deleteVM(vm.id, { wait: false });
    const deadline = Date.now() + 10_000;
    while (JSON.stringify(names()) !== JSON.stringify(before) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(names()).toEqual(before);
  });

  it('a user VM deleted through the adapter keeps its own NIC (not novacron\'s)', async () => {
    const [id] = env.emu.seedVirtualMachines(1, { namePrefix: 'seeded' });
    const nicsBefore = names().nics;
    await env.azure.deleteVM(id!);
    expect(env.emu.state.virtualMachine(id!)).toBeUndefined();
    expect(names().nics).toEqual(nicsBefore);
  });
});
