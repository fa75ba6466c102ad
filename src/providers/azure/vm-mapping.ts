/**
 * Portable {@link VMSpec} → the ARM request bodies of one create: the public IP (only when the
 * spec asks for one), the NIC, and the VM (or, for an import, the managed disk it boots from).
 * Pure functions: sizes, images, ids and names are resolved before and passed in, so a repeated
 * create sends byte-identical bodies, which is what makes a PUT to the same name a no-op.
 *
 * The bodies use the model layout of `@azure/arm-compute` 25 and `@azure/arm-network` 39 (read
 * from their type definitions, 2026-12): properties sit flat on the model (`hardwareProfile`,
 * `storageProfile`, `ipConfigurations`, ...) and the SDK's serializers nest them under
 * `properties` on the wire. A `properties` object written here would be dropped by the
 * serializer without an error, so these functions are typed with the SDK's own models and every
 * body is checked in the tests against what the emulator stored.
 */
import type { Disk, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress } from '@azure/arm-network';
import { InvalidSpecError } from '../../provider/errors.js';
import type { DiskType, VMSpec } from '../../provider/types.js';
import type { MarketplaceImage } from './image-aliases.js';
import type { ResourceNames } from './naming.js';

/** Managed-disk account types that can hold an OS disk. */
export type OsDiskStorageType = 'Standard_LRS' | 'StandardSSD_LRS' | 'Premium_LRS';

/**
 * The managed-disk type of a portable disk class: `hdd` → Standard HDD (`Standard_LRS`),
 * `ssd` (the default) and `standard` → Standard SSD (`StandardSSD_LRS`, the general-purpose SSD,
 * like gp3 on EBS), `premium-ssd` → Premium SSD (`Premium_LRS`). Azure names pass through.
 * `PremiumV2_LRS` is refused: Premium SSD v2 "can't be used as an OS disk" (learn.microsoft.com
 * /azure/virtual-machines/disks-deploy-premium-v2, Limitations, read 2026-12). Other clouds'
 * names are refused on `disk.type`.
 */
export function storageAccountTypeOf(type: DiskType): OsDiskStorageType {
  switch (type) {
    case 'hdd':
    case 'Standard_LRS':
      return 'Standard_LRS';
    case 'ssd':
    case 'standard':
    case 'StandardSSD_LRS':
      return 'StandardSSD_LRS';
    case 'premium-ssd':
    case 'Premium_LRS':
      return 'Premium_LRS';
    case 'PremiumV2_LRS':
      throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: 'Premium SSD v2 (PremiumV2_LRS) cannot be an OS disk on Azure; use Premium_LRS (premium-ssd), StandardSSD_LRS (ssd) or Standard_LRS (hdd)' }] });
    default:
      throw new InvalidSpecError({ issues: [{ field: 'disk.type', message: `"${type}" is not an Azure managed-disk type; use ssd, premium-ssd, hdd, Standard_LRS, StandardSSD_LRS or Premium_LRS` }] });
  }
}

/** True for types that need a size with premium storage (`PremiumIO` in Resource SKUs). */
export function needsPremiumStorage(type: OsDiskStorageType): boolean {
  return type === 'Premium_LRS';
}

/** cloud-init user data as Azure's `customData` expects it: base64 of the UTF-8 text. */
export function customDataOf(userData: string | undefined): string | undefined {
  return userData === undefined ? undefined : Buffer.from(userData, 'utf8').toString('base64');
}

/** What the public IP body needs. */
export interface PublicIpInput {
  /** Location. */
  readonly location: string;
  /** The VM's zone, when it has one (the address is pinned to it). */
  readonly zone: string | undefined;
  /** Tags (novacron's ownership tags). */
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A Standard, static IPv4 public address (Microsoft retired Basic SKU public IPs on 2025-09-30,
 * per its Basic-to-Standard upgrade guidance on learn.microsoft.com, read 2026-12; a Standard
 * address must be allocated statically). `deleteOption: Delete` lets Azure remove it with
 * its VM; the adapter removes it itself too.
 */
export function toPublicIpBody(input: PublicIpInput): PublicIPAddress {
  return {
    location: input.location,
    tags: { ...input.tags },
    sku: { name: 'Standard', tier: 'Regional' },
    publicIPAllocationMethod: 'Static',
    publicIPAddressVersion: 'IPv4',
    deleteOption: 'Delete',
    ...(input.zone !== undefined ? { zones: [input.zone] } : {}),
  };
}

/** What the NIC body needs. */
export interface NetworkInterfaceInput {
  /** Location. */
  readonly location: string;
  /** Subnet id. */
  readonly subnetId: string;
  /** Network security group id, when one is attached. */
  readonly networkSecurityGroupId: string | undefined;
  /** Public IP id, only when the spec asked for one. */
  readonly publicIpId: string | undefined;
  /** Names of the create. */
  readonly names: ResourceNames;
  /** Tags (novacron's ownership tags). */
  readonly tags: Readonly<Record<string, string>>;
}

/** One dynamic private address in the subnet, the public IP when asked for, the NSG when one is set. */
export function toNetworkInterfaceBody(input: NetworkInterfaceInput): NetworkInterface {
  return {
    location: input.location,
    tags: { ...input.tags },
    ...(input.networkSecurityGroupId !== undefined ? { networkSecurityGroup: { id: input.networkSecurityGroupId } } : {}),
    ipConfigurations: [
      {
        name: input.names.ipConfiguration,
        primary: true,
        privateIPAllocationMethod: 'Dynamic',
        privateIPAddressVersion: 'IPv4',
        subnet: { id: input.subnetId },
        ...(input.publicIpId !== undefined ? { publicIPAddress: { id: input.publicIpId } } : {}),
      },
    ],
  };
}

/** The administrator account of a VM made from an image. */
export interface AdminAccount {
  /** User name. */
  readonly username: string;
  /** SSH public key (OpenSSH format), for Linux. */
  readonly sshPublicKey?: string | undefined;
  /** Password (a secret: it goes into this body and nowhere else). */
  readonly password?: string | undefined;
}

/** Where the OS disk comes from. */
export type OsDiskSource =
  | {
      /** A Marketplace image. */
      readonly kind: 'marketplace';
      /** The reference. */
      readonly image: MarketplaceImage;
    }
  | {
      /** A managed image or gallery image version. */
      readonly kind: 'image-id';
      /** Its id. */
      readonly id: string;
    }
  | {
      /** A managed disk made from an imported VHD: attached, not provisioned (no OS profile). */
      readonly kind: 'attach';
      /** The disk's id. */
      readonly diskId: string;
    };

/** What the VM body needs besides the spec. */
export interface VirtualMachineInput {
  /** Location. */
  readonly location: string;
  /** Chosen VM size. */
  readonly vmSize: string;
  /** Zone, when the VM is zonal. */
  readonly zone: string | undefined;
  /** Operating system of the image. */
  readonly os: 'linux' | 'windows';
  /** Where the OS disk comes from. */
  readonly source: OsDiskSource;
  /** Managed-disk type of the OS disk. */
  readonly osDiskType: OsDiskStorageType;
  /** OS disk size, GiB: the spec's, raised to the image's own when that is larger. */
  readonly osDiskGiB: number;
  /** The NIC's id. */
  readonly nicId: string;
  /** Names of the create. */
  readonly names: ResourceNames;
  /** Computer (host) name. */
  readonly computerName: string;
  /** Administrator account (not used for an attached disk). */
  readonly admin: AdminAccount | undefined;
  /** The VM's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** What Azure does when it evicts a spot VM (default `Deallocate`). */
  readonly spotEvictionPolicy?: 'Deallocate' | 'Delete' | undefined;
  /** User-assigned managed identity id, for `spec.iamRole`. */
  readonly identityId?: string | undefined;
}

/** The VM body of a create. */
export function toVirtualMachineBody(spec: VMSpec, input: VirtualMachineInput): VirtualMachine {
  const attach = input.source.kind === 'attach';
  if (attach && spec.userData !== undefined) {
    throw new InvalidSpecError({ issues: [{ field: 'userData', message: 'a VM booted from an imported disk keeps its own OS configuration: Azure takes no customData with an attached OS disk' }] });
  }
  const vm: VirtualMachine = {
    location: input.location,
    tags: { ...input.tags },
    hardwareProfile: { vmSize: input.vmSize },
    storageProfile: {
      ...(input.source.kind === 'marketplace' ? { imageReference: { ...input.source.image } } : {}),
      ...(input.source.kind === 'image-id' ? { imageReference: { id: input.source.id } } : {}),
      osDisk: attach
        ? {
            name: input.names.osDisk,
            createOption: 'Attach',
            osType: input.os === 'windows' ? 'Windows' : 'Linux',
            caching: 'ReadWrite',
            managedDisk: { id: input.source.kind === 'attach' ? input.source.diskId : undefined, storageAccountType: input.osDiskType },
            deleteOption: 'Delete',
          }
        : {
            name: input.names.osDisk,
            createOption: 'FromImage',
            diskSizeGB: Math.ceil(input.osDiskGiB),
            caching: 'ReadWrite',
            managedDisk: { storageAccountType: input.osDiskType },
            deleteOption: 'Delete',
          },
    },
    networkProfile: { networkInterfaces: [{ id: input.nicId, primary: true, deleteOption: 'Delete' }] },
  };
  if (!attach) vm.osProfile = osProfileOf(spec, input);
  if (input.zone !== undefined) vm.zones = [input.zone];
  if (spec.spot) {
    vm.priority = 'Spot';
    vm.evictionPolicy = input.spotEvictionPolicy ?? 'Deallocate';
    // -1: pay up to the on-demand price and never be evicted for price (Azure Spot VMs docs).
    vm.billingProfile = { maxPrice: spec.spotMaxPrice ?? -1 };
  }
  if (input.identityId !== undefined) vm.identity = { type: 'UserAssigned', userAssignedIdentities: { [input.identityId]: {} } };
  return vm;
}

function osProfileOf(spec: VMSpec, input: VirtualMachineInput): NonNullable<VirtualMachine['osProfile']> {
  const admin = input.admin;
  if (!admin) throw new InvalidSpecError({ issues: [{ field: 'defaults.adminUsername', message: 'a VM made from an image needs an administrator account' }] });
  const customData = customDataOf(spec.userData);
  if (input.os === 'windows') {
    if (admin.password === undefined) {
      throw new InvalidSpecError({ issues: [{ field: 'defaults.adminPassword', message: 'a Windows VM needs an administrator password (Azure takes no SSH key for Windows)' }] });
    }
    return {
      computerName: input.computerName,
      adminUsername: admin.username,
      adminPassword: admin.password,
      ...(customData !== undefined ? { customData } : {}),
      windowsConfiguration: { provisionVMAgent: true },
    };
  }
  if (admin.sshPublicKey === undefined && admin.password === undefined) {
    throw new InvalidSpecError({ issues: [{ field: 'defaults.sshPublicKey', message: 'a Linux VM needs an SSH public key or an administrator password' }] });
  }
  return {
    computerName: input.computerName,
    adminUsername: admin.username,
    ...(admin.password !== undefined && admin.sshPublicKey === undefined ? { adminPassword: admin.password } : {}),
    ...(customData !== undefined ? { customData } : {}),
    linuxConfiguration: {
      disablePasswordAuthentication: admin.sshPublicKey !== undefined,
      provisionVMAgent: true,
      ...(admin.sshPublicKey !== undefined ? { ssh: { publicKeys: [{ path: `/home/${admin.username}/.ssh/authorized_keys`, keyData: admin.sshPublicKey }] } } : {}),
    },
  };
}

/** What the managed disk of an import needs. */
export interface ImportedDiskInput {
  /** Location. */
  readonly location: string;
  /** Zone, when the VM is zonal (the disk must be in the same one). */
  readonly zone: string | undefined;
  /** The VHD to import (a blob URL, e.g. an export's read SAS). */
  readonly sourceUri: string;
  /** Storage account holding the VHD, when it is one of the subscription's (`Import` from another subscription needs it). */
  readonly storageAccountId: string | undefined;
  /** Managed-disk type. */
  readonly storageType: OsDiskStorageType;
  /** Operating system of the disk. */
  readonly os: 'linux' | 'windows';
  /** Size in GiB, at least the VHD's. */
  readonly sizeGiB: number;
  /** Hyper-V generation of the image: `V2` (UEFI) for Azure's own exports of Gen2 images, `V1` (BIOS) for others. */
  readonly hyperVGeneration: 'V1' | 'V2';
  /** Tags (novacron's ownership tags). */
  readonly tags: Readonly<Record<string, string>>;
}

/** A managed disk imported from a VHD (`createOption: Import`), to boot a VM from. */
export function toImportedDiskBody(input: ImportedDiskInput): Disk {
  return {
    location: input.location,
    tags: { ...input.tags },
    sku: { name: input.storageType },
    osType: input.os === 'windows' ? 'Windows' : 'Linux',
    hyperVGeneration: input.hyperVGeneration,
    diskSizeGB: Math.ceil(input.sizeGiB),
    creationData: {
      createOption: 'Import',
      sourceUri: input.sourceUri,
      ...(input.storageAccountId !== undefined ? { storageAccountId: input.storageAccountId } : {}),
    },
    ...(input.zone !== undefined ? { zones: [input.zone] } : {}),
  };
}
