/**
 * What the emulated subscription holds before the first call: the resource group, and per
 * location a virtual network with one subnet and a network security group (the default location
 * under the names of `providerOptions.defaults`, the others under the same names suffixed with
 * `-{location}`, since names are unique per resource group). And, for listing benchmarks, VMs
 * added straight to the state with their NIC and OS disk, as a PUT would leave them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ArmNetworkInterface, ArmVirtualMachine } from './arm-shapes.js';
import type { ArmState, PowerState } from './arm-state.js';
import { storeDisk } from './managed-disks.js';
import { buildNetworkSecurityGroup } from './network-security-group-handlers.js';
import { PLATFORM_IMAGES } from './platform-images.js';
import { idKey, resourceId } from './resource-id.js';
import { buildSubnet, buildVirtualNetwork } from './virtual-network-handlers.js';
import { familyOf } from './vm-size-families.js';

/** The seeded network names of one location. */
export interface SeededNetwork {
  /** Location. */
  readonly location: string;
  /** Virtual network name. */
  readonly virtualNetwork: string;
  /** Subnet name. */
  readonly subnet: string;
  /** NSG name. */
  readonly networkSecurityGroup: string;
  /** Subnet id. */
  readonly subnetId: string;
  /** NSG id. */
  readonly networkSecurityGroupId: string;
}

/** Seeds a location's virtual network (10.{n}.0.0/16, subnet 10.{n}.0.0/24) and NSG. */
export function seedNetwork(state: ArmState, resourceGroup: string, location: string, names: { virtualNetwork: string; subnet: string; networkSecurityGroup: string }, index: number): SeededNetwork {
  const sub = state.subscriptionId;
  const nsgId = resourceId(sub, resourceGroup, 'Microsoft.Network/networkSecurityGroups', names.networkSecurityGroup);
  state.networkSecurityGroups.set(idKey(nsgId), buildNetworkSecurityGroup(state, nsgId, names.networkSecurityGroup, location, []));
  const vnetId = resourceId(sub, resourceGroup, 'Microsoft.Network/virtualNetworks', names.virtualNetwork);
  const subnet = buildSubnet(state, vnetId, names.subnet, `10.${index}.0.0/24`, nsgId);
  state.virtualNetworks.set(idKey(vnetId), buildVirtualNetwork(state, vnetId, names.virtualNetwork, location, [`10.${index}.0.0/16`], [subnet]));
  state.networkSecurityGroups.get(idKey(nsgId))!.properties.subnets = [{ id: subnet.id }];
  return { location, ...names, subnetId: subnet.id, networkSecurityGroupId: nsgId };
}

/** What {@link ArmEmulator.seedVirtualMachines} makes. */
export interface SeedVirtualMachinesOptions {
  /** Location (default: the emulator's). */
  readonly location?: string | undefined;
  /** Resource group (default: the seeded one). */
  readonly resourceGroup?: string | undefined;
  /** Name prefix (default `seed-vm`); names are `{prefix}-{00001}`. */
  readonly namePrefix?: string | undefined;
  /** Size (default `Standard_D2s_v5`). */
  readonly size?: string | undefined;
  /** Tags of every VM. */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Power state (default `running`). */
  readonly power?: PowerState | undefined;
  /** Zone (default: none). */
  readonly zone?: string | undefined;
}

/** Adds `count` VMs (each with a NIC in the location's seeded subnet and an OS disk) directly to the state; returns their ids. */
export function seedVirtualMachines(state: ArmState, network: SeededNetwork, resourceGroup: string, adminUsername: string, count: number, options: SeedVirtualMachinesOptions): string[] {
  const sub = state.subscriptionId;
  const size = options.size ?? 'Standard_D2s_v5';
  const offer = state.catalog.offering(size, network.location);
  if (!offer) throw new Error(`[novacron] [arm-emulator] size ${size} is not offered in ${network.location}`);
  const image = PLATFORM_IMAGES.find((i) => i.sku === '22_04-lts-gen2')!;
  const start = state.virtualMachines.size;
  const ids: string[] = [];
  const subnet = [...state.virtualNetworks.values()].flatMap((v) => v.properties.subnets).find((s) => idKey(s.id) === idKey(network.subnetId))!;
  for (let i = 0; i < count; i++) {
    const name = `${options.namePrefix ?? 'seed-vm'}-${String(start + i + 1).padStart(5, '0')}`;
    const vmId = resourceId(sub, resourceGroup, 'Microsoft.Compute/virtualMachines', name);
    const nicId = resourceId(sub, resourceGroup, 'Microsoft.Network/networkInterfaces', `${name}-nic`);
    const configId = `${nicId}/ipConfigurations/ipconfig1`;
    const nic: ArmNetworkInterface = {
      id: nicId,
      name: `${name}-nic`,
      type: 'Microsoft.Network/networkInterfaces',
      location: network.location,
      etag: state.networkEtag(),
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: randomUUID(),
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: configId,
            type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
            properties: { provisioningState: 'Succeeded', privateIPAddress: state.nextPrivateIp(subnet.id, subnet.properties.addressPrefix), privateIPAllocationMethod: 'Dynamic', privateIPAddressVersion: 'IPv4', subnet: { id: subnet.id }, primary: true },
          },
        ],
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        macAddress: state.nextMacAddress(),
        primary: true,
        enableAcceleratedNetworking: false,
        enableIPForwarding: false,
        virtualMachine: { id: vmId },
        nicType: 'Standard',
        vnetEncryptionSupported: false,
      },
    };
    state.networkInterfaces.set(idKey(nicId), { body: nic, reservedUntil: undefined, reservedFor: undefined });
    subnet.properties.ipConfigurations = [...(subnet.properties.ipConfigurations ?? []), { id: configId }];
    const diskName = `${name}_OsDisk_1_${randomBytes(16).toString('hex')}`;
    const diskId = resourceId(sub, resourceGroup, 'Microsoft.Compute/disks', diskName);
    const zones = options.zone !== undefined ? [options.zone] : [];
    storeDisk(state, { id: diskId, name: diskName, location: network.location, storageType: 'Premium_LRS', zones, sizeGB: 30, osType: 'Linux', hyperVGeneration: 'V2', managedBy: vmId, creationData: { createOption: 'FromImage' } });
    const body: ArmVirtualMachine = {
      id: vmId,
      name,
      type: 'Microsoft.Compute/virtualMachines',
      location: network.location,
      ...(options.tags ? { tags: { ...options.tags } } : {}),
      ...(zones.length > 0 ? { zones } : {}),
      etag: '"1"',
      properties: {
        vmId: randomUUID(),
        hardwareProfile: { vmSize: offer.offer.instanceType },
        storageProfile: {
          imageReference: { publisher: image.publisher, offer: image.offer, sku: image.sku, version: 'latest', exactVersion: image.versions.at(-1)! },
          osDisk: { osType: 'Linux', name: diskName, createOption: 'FromImage', caching: 'ReadWrite', diskSizeGB: 30, managedDisk: { storageAccountType: 'Premium_LRS', id: diskId }, deleteOption: 'Detach' },
          dataDisks: [],
        },
        osProfile: { computerName: name, adminUsername, linuxConfiguration: { disablePasswordAuthentication: true }, secrets: [], allowExtensionOperations: true, requireGuestProvisionSignal: true },
        networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] },
        provisioningState: 'Succeeded',
        timeCreated: state.isoNow(),
      },
    };
    state.virtualMachines.set(idKey(vmId), {
      body,
      power: options.power ?? 'running',
      powerTime: state.isoNow(),
      failure: undefined,
      lastWrite: {},
      passwordSet: false,
      customData: undefined,
      vcpus: offer.offer.vcpus,
      family: familyOf(offer.offer.instanceType),
      hyperVGeneration: 'V2',
      evicted: false,
    });
    ids.push(vmId);
  }
  return ids;
}
