/**
 * Spec → ARM bodies. Each body is also sent through the real SDK clients to the transport, to
 * prove the model layout: a nested object the SDK does not expect would be dropped on the wire.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/provider/errors.js';
import { parseVMSpec } from '../../../src/provider/spec-schema.js';
import { DISK_TYPES, type DiskType, type VMSpecInput } from '../../../src/provider/types.js';
import { resolveAzureImage, type MarketplaceImage } from '../../../src/providers/azure/image-aliases.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import {
  customDataOf,
  storageAccountTypeOf,
  toImportedDiskBody,
  toNetworkInterfaceBody,
  toPublicIpBody,
  toVirtualMachineBody,
  type VirtualMachineInput,
} from '../../../src/providers/azure/vm-mapping.js';
import { thrownBy } from '../../helpers.js';
import { capturingClients } from './sdk-wire.js';

const names = resourceNamesFor('key-1');
const ubuntu = (resolveAzureImage('ubuntu-22.04') as { image: MarketplaceImage }).image;
const input = (extra: Partial<VirtualMachineInput> = {}): VirtualMachineInput => ({
  location: 'westus2',
  vmSize: 'Standard_D2s_v5',
  zone: '2',
  os: 'linux',
  source: { kind: 'marketplace', image: ubuntu },
  osDiskType: 'Premium_LRS',
  osDiskGiB: 30,
  nicId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic',
  names,
  computerName: 'web',
  admin: { username: 'azureuser', sshPublicKey: 'ssh-ed25519 AAAA test' },
  tags: { team: 'web' },
  ...extra,
});
const spec = (extra: Partial<VMSpecInput> = {}) => parseVMSpec({ name: 'web', cpu: 2, memory: 8, ...extra });

describe('OS disk types', () => {
  it('map the portable classes and pass Azure names through', () => {
    expect(storageAccountTypeOf('ssd')).toBe('StandardSSD_LRS');
    expect(storageAccountTypeOf('standard')).toBe('StandardSSD_LRS');
    expect(storageAccountTypeOf('premium-ssd')).toBe('Premium_LRS');
    expect(storageAccountTypeOf('hdd')).toBe('Standard_LRS');
    for (const t of ['Standard_LRS', 'StandardSSD_LRS', 'Premium_LRS'] as const) expect(storageAccountTypeOf(t)).toBe(t);
  });

  it('refuse Premium SSD v2 (not an OS disk on Azure) and other clouds\' names on disk.type', () => {
    for (const t of [...DISK_TYPES.filter((d) => /^(gp[23]|io[12]|st1|sc1|pd-)/.test(d)), 'PremiumV2_LRS'] as DiskType[]) {
      const error = thrownBy(() => storageAccountTypeOf(t));
      expect(InvalidSpecError.isInstance(error), t).toBe(true);
      expect((error as InvalidSpecError).field).toBe('disk.type');
    }
  });
});

describe('customData', () => {
  it('is the base64 of the UTF-8 user data, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(Buffer.from(customDataOf(text)!, 'base64').toString('utf8')).toBe(text);
      }),
    );
    expect(customDataOf(undefined)).toBeUndefined();
  });
});

describe('the VM body', () => {
  it('sets size, image, disk type and size, zone, tags, NIC and the SSH key', () => {
    const vm = toVirtualMachineBody(spec({ disk: { size: 64, type: 'premium-ssd' }, userData: '#cloud-config\n' }), input({ osDiskGiB: 64 }));
    expect(vm.hardwareProfile?.vmSize).toBe('Standard_D2s_v5');
    expect(vm.storageProfile?.imageReference).toEqual({ publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2', version: 'latest' });
    expect(vm.storageProfile?.osDisk).toMatchObject({ name: names.osDisk, createOption: 'FromImage', diskSizeGB: 64, managedDisk: { storageAccountType: 'Premium_LRS' }, deleteOption: 'Delete' });
    expect(vm.zones).toEqual(['2']);
    expect(vm.networkProfile?.networkInterfaces).toEqual([{ id: input().nicId, primary: true, deleteOption: 'Delete' }]);
    expect(vm.osProfile?.customData).toBe(Buffer.from('#cloud-config\n').toString('base64'));
    expect(vm.osProfile?.linuxConfiguration).toMatchObject({ disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: 'ssh-ed25519 AAAA test' }] } });
    expect(vm.osProfile?.adminPassword).toBeUndefined();
    expect(vm.priority).toBeUndefined();
    expect(vm.tags).toEqual({ team: 'web' });
  });

  it('asks for Spot with the eviction policy and the max price (-1 when none is given)', () => {
    expect(toVirtualMachineBody(spec({ spot: true }), input())).toMatchObject({ priority: 'Spot', evictionPolicy: 'Deallocate', billingProfile: { maxPrice: -1 } });
    expect(toVirtualMachineBody(spec({ spot: true, spotMaxPrice: 0.05 }), input({ spotEvictionPolicy: 'Delete' }))).toMatchObject({ priority: 'Spot', evictionPolicy: 'Delete', billingProfile: { maxPrice: 0.05 } });
  });

  it('needs a password for Windows, and an SSH key or a password for Linux', () => {
    expect((thrownBy(() => toVirtualMachineBody(spec(), input({ os: 'windows', admin: { username: 'u', sshPublicKey: 'k' } }))) as InvalidSpecError).field).toBe('defaults.adminPassword');
    expect((thrownBy(() => toVirtualMachineBody(spec(), input({ admin: { username: 'u' } }))) as InvalidSpecError).field).toBe('defaults.sshPublicKey');
    const win = toVirtualMachineBody(spec(), input({ os: 'windows', admin: { username: 'u', password: 'S3cret!pass' } }));
    expect(win.osProfile).toMatchObject({ adminPassword: 'S3cret!pass', windowsConfiguration: { provisionVMAgent: true } });
    expect(win.osProfile?.linuxConfiguration).toBeUndefined();
  });

  it('boots an imported disk by attaching it, with no OS profile, and refuses user data then', () => {
    const diskId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d';
    const vm = toVirtualMachineBody(spec(), input({ source: { kind: 'attach', diskId } }));
    expect(vm.osProfile).toBeUndefined();
    expect(vm.storageProfile?.imageReference).toBeUndefined();
    expect(vm.storageProfile?.osDisk).toMatchObject({ createOption: 'Attach', osType: 'Linux', managedDisk: { id: diskId } });
    expect((thrownBy(() => toVirtualMachineBody(spec({ userData: 'x' }), input({ source: { kind: 'attach', diskId } }))) as InvalidSpecError).field).toBe('userData');
  });

  it('reaches the wire through the SDK serializer with every property nested where ARM reads it', async () => {
    const { compute, requests } = capturingClients();
    const body = toVirtualMachineBody(spec({ spot: true, spotMaxPrice: 0.05, userData: 'hello', iamRole: 'id' }), input({ identityId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id' }));
    await compute.virtualMachines.createOrUpdate('rg', names.vm, body, { updateIntervalInMs: 0 });
    const wire = requests.find((r) => r.method === 'PUT')!.body as { location: string; zones: string[]; tags: object; identity: object; properties: Record<string, unknown> };
    expect(wire.location).toBe('westus2');
    expect(wire.zones).toEqual(['2']);
    expect(wire.tags).toEqual({ team: 'web' });
    expect(wire.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id': {} } });
    expect(wire.properties).toMatchObject({
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      priority: 'Spot',
      evictionPolicy: 'Deallocate',
      billingProfile: { maxPrice: 0.05 },
      storageProfile: { osDisk: { createOption: 'FromImage', diskSizeGB: 30, managedDisk: { storageAccountType: 'Premium_LRS' } }, imageReference: { publisher: 'Canonical' } },
      osProfile: { computerName: 'web', adminUsername: 'azureuser', customData: Buffer.from('hello').toString('base64'), linuxConfiguration: { disablePasswordAuthentication: true } },
    });
    // The NIC reference keeps its own nesting: `id` beside `properties: { primary, deleteOption }`.
    expect((wire.properties.networkProfile as { networkInterfaces: unknown[] }).networkInterfaces).toEqual([{ id: input().nicId, properties: { primary: true, deleteOption: 'Delete' } }]);
  });
});

describe('the network bodies', () => {
  it('give a NIC its subnet, NSG and public IP, and no public IP unless asked', async () => {
    const { network, requests } = capturingClients();
    const subnet = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/default';
    const nsg = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n';
    const ip = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/ip';
    const without = toNetworkInterfaceBody({ location: 'westus2', subnetId: subnet, networkSecurityGroupId: nsg, publicIpId: undefined, names, tags: {} });
    expect(without.ipConfigurations?.[0]?.publicIPAddress).toBeUndefined();
    await network.networkInterfaces.createOrUpdate('rg', names.nic, toNetworkInterfaceBody({ location: 'westus2', subnetId: subnet, networkSecurityGroupId: nsg, publicIpId: ip, names, tags: { a: 'b' } }), { updateIntervalInMs: 0 });
    const wire = requests[0]!.body as { properties: { networkSecurityGroup: { id: string }; ipConfigurations: { name: string; properties: Record<string, unknown> }[] } };
    expect(wire.properties.networkSecurityGroup.id).toBe(nsg);
    expect(wire.properties.ipConfigurations[0]).toMatchObject({ name: 'ipconfig1', properties: { subnet: { id: subnet }, publicIPAddress: { id: ip }, primary: true, privateIPAllocationMethod: 'Dynamic' } });
  });

  it('make a Standard static public IP in the VM\'s zone', async () => {
    const { network, requests } = capturingClients();
    await network.publicIPAddresses.createOrUpdate('rg', names.publicIp, toPublicIpBody({ location: 'westus2', zone: '1', tags: {} }), { updateIntervalInMs: 0 });
    expect(requests[0]!.body).toMatchObject({ sku: { name: 'Standard' }, zones: ['1'], properties: { publicIPAllocationMethod: 'Static', deleteOption: 'Delete' } });
  });

  it('import a disk from a VHD URL', async () => {
    const { compute, requests } = capturingClients();
    const body = toImportedDiskBody({ location: 'westus2', zone: undefined, sourceUri: 'https://a.blob.core.windows.net/c/d.vhd', storageAccountId: undefined, storageType: 'StandardSSD_LRS', os: 'linux', sizeGiB: 30.2, hyperVGeneration: 'V2', tags: {} });
    await compute.disks.createOrUpdate('rg', names.osDisk, body, { updateIntervalInMs: 0 });
    expect(requests[0]!.body).toMatchObject({ sku: { name: 'StandardSSD_LRS' }, properties: { osType: 'Linux', diskSizeGB: 31, hyperVGeneration: 'V2', creationData: { createOption: 'Import', sourceUri: 'https://a.blob.core.windows.net/c/d.vhd' } } });
  });
});
