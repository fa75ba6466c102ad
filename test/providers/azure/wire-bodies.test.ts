/**
 * What the adapter's requests made in Azure, read from the emulator's stored resources (not
 * from the adapter): size, OS disk type and size, zone, spot priority, eviction policy and max
 * price, tags, customData, NIC/IP wiring, and no public IP unless the spec asks for one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { NOVACRON_TAG } from '../../../src/providers/azure/tags.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
});
afterAll(() => env.close());

describe('the VM, NIC and public IP bodies as Azure stored them', () => {
  it('a zonal spot VM on Premium SSD with user data, labels and a public IP', async () => {
    const vm = await env.azure.createVM(
      {
        name: 'wire-spot',
        cpu: 2,
        memory: 8,
        disk: { size: 64, type: 'premium-ssd' },
        zone: '2',
        spot: true,
        spotMaxPrice: 0.05,
        userData: '#cloud-config\nruncmd: [echo hi]\n',
        labels: { team: 'web', env: 'test' },
        network: { publicIp: true },
      },
      { idempotencyKey: 'wire-1' },
    );
    const names = resourceNamesFor('wire-1');
    const stored = env.emu.state.virtualMachine(names.vm)!;
    expect(stored.id).toBe(vm.id);
    expect(stored.zones).toEqual(['2']);
    expect(stored.location).toBe(env.emu.providerOptions.location);
    expect(stored.properties.hardwareProfile.vmSize).toBe(vm.instanceType);
    expect(stored.properties.priority).toBe('Spot');
    expect(stored.properties.evictionPolicy).toBe('Deallocate');
    expect(stored.properties.billingProfile).toEqual({ maxPrice: 0.05 });
    expect(stored.properties.storageProfile.osDisk).toMatchObject({ name: names.osDisk, createOption: 'FromImage', diskSizeGB: 64, deleteOption: 'Delete', managedDisk: { storageAccountType: 'Premium_LRS' } });
    expect(stored.properties.storageProfile.imageReference).toMatchObject({ publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' });
    expect(env.emu.state.disk(names.osDisk)).toMatchObject({ sku: { name: 'Premium_LRS' }, zones: ['2'], properties: { diskSizeGB: 64 } });
    expect(stored.tags).toMatchObject({ team: 'web', env: 'test', [NOVACRON_TAG.name]: 'wire-spot', [NOVACRON_TAG.managed]: 'true', [NOVACRON_TAG.idempotencyKey]: 'wire-1', [NOVACRON_TAG.image]: 'ubuntu-22.04' });
    expect(stored.tags![NOVACRON_TAG.specHash]).toMatch(/^[0-9a-f]{32}$/);
    const write = env.emu.state.virtualMachineWrite(names.vm)!;
    expect(Buffer.from(write.customData!, 'base64').toString('utf8')).toBe('#cloud-config\nruncmd: [echo hi]\n');
    expect(write.passwordSet).toBe(false);
    expect(stored.properties.osProfile).toMatchObject({ computerName: 'wire-spot', adminUsername: env.emu.providerOptions.defaults.adminUsername });
    expect(JSON.stringify(stored.properties.osProfile?.linuxConfiguration)).toContain(env.emu.providerOptions.defaults.sshPublicKey.split(' ')[1]!);

    // NIC → subnet, NSG, public IP; the VM → the NIC.
    const nic = env.emu.state.networkInterface(names.nic)!;
    const network = env.emu.network();
    expect(stored.properties.networkProfile.networkInterfaces).toEqual([{ id: nic.id, properties: { primary: true, deleteOption: 'Delete' } }]);
    expect(nic.properties.ipConfigurations).toHaveLength(1);
    expect(nic.properties.ipConfigurations[0]!.properties.subnet.id.toLowerCase()).toBe(network.subnetId.toLowerCase());
    expect(nic.properties.networkSecurityGroup?.id.toLowerCase()).toBe(network.networkSecurityGroupId.toLowerCase());
    expect(nic.properties.virtualMachine?.id).toBe(vm.id);
    const ip = env.emu.state.publicIPAddress(names.publicIp)!;
    expect(nic.properties.ipConfigurations[0]!.properties.publicIPAddress?.id).toBe(ip.id);
    expect(ip).toMatchObject({ sku: { name: 'Standard' }, zones: ['2'], properties: { publicIPAllocationMethod: 'Static' } });
    expect(nic.tags).toMatchObject({ [NOVACRON_TAG.ownerVm]: names.vm, [NOVACRON_TAG.managed]: 'true' });
    expect(ip.tags).toMatchObject({ [NOVACRON_TAG.ownerVm]: names.vm });
    expect(vm.publicIps).toEqual([ip.properties.ipAddress]);
    expect(vm.privateIps).toEqual([nic.properties.ipConfigurations[0]!.properties.privateIPAddress]);
  });

  it('no public IP unless the spec asks for one', async () => {
    const before = env.emu.state.publicIPAddresses().length;
    const vm = await env.azure.createVM({ name: 'wire-private', cpu: 1, memory: 1 }, { idempotencyKey: 'wire-2' });
    const names = resourceNamesFor('wire-2');
    expect(env.emu.state.publicIPAddresses()).toHaveLength(before);
    expect(env.emu.state.networkInterface(names.nic)!.properties.ipConfigurations[0]!.properties.publicIPAddress).toBeUndefined();
    expect(vm.publicIps).toEqual([]);
  });

  it('a regional VM on Standard SSD with the default disk raised to the image\'s 30 GiB, and Delete eviction when configured', async () => {
    await env.provider({ defaults: { ...env.emu.providerOptions.defaults, spotEvictionPolicy: 'Delete' } }).createVM({ name: 'wire-regional', cpu: 2, memory: 4, spot: true }, { idempotencyKey: 'wire-3' });
    const names = resourceNamesFor('wire-3');
    const stored = env.emu.state.virtualMachine(names.vm)!;
    expect(stored.zones).toBeUndefined();
    expect(stored.properties).toMatchObject({ priority: 'Spot', evictionPolicy: 'Delete', billingProfile: { maxPrice: -1 } });
    expect(stored.properties.storageProfile.osDisk).toMatchObject({ diskSizeGB: 30, managedDisk: { storageAccountType: 'StandardSSD_LRS' } });
  });

  it('a Windows VM with a password that Azure got and nothing else kept', async () => {
    const password = 'N0vacron-Emulator!pass';
    const azure = env.provider({ defaults: { ...env.emu.providerOptions.defaults, adminPassword: password } });
    const vm = await azure.createVM({ name: 'wire-windows-server', cpu: 2, memory: 8, image: 'windows-2022', disk: 128 }, { idempotencyKey: 'wire-4' });
    const names = resourceNamesFor('wire-4');
    const write = env.emu.state.virtualMachineWrite(names.vm)!;
    expect(write.passwordSet).toBe(true);
    expect(env.emu.state.virtualMachine(names.vm)!.properties.osProfile).toMatchObject({ computerName: 'wire-windows-se', windowsConfiguration: expect.anything() as unknown });
    expect(env.emu.state.virtualMachine(names.vm)!.properties.storageProfile.imageReference).toMatchObject({ publisher: 'MicrosoftWindowsServer', sku: '2022-datacenter-azure-edition' });
    expect(JSON.stringify(vm)).not.toContain(password);
    expect(JSON.stringify(azure)).not.toContain(password);
  });
});
