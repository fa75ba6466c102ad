/**
 * What a VM PUT refers to, checked against the subscription: its image (404
 * `PlatformImageNotFound`), the size's Hyper-V generation and architecture against the image's
 * (400 `BadRequest` "The selected VM size '{size}' cannot boot Hypervisor Generation '1'. ...";
 * learn.microsoft.com "Generation 2 VMs on Azure", read 2026-12), premium disks on sizes that take
 * them, an attached OS disk (free, same location and zone), and its NICs (they exist, are in the
 * VM's location, and no other VM has or holds them: 400 `NicInUse` / `NicReservedForAnotherVm`).
 * The codes are Azure's; the messages for an architecture mismatch, a taken or misplaced disk
 * and a misplaced or taken NIC are the emulator's (Azure's wording for these was not found).
 */
import { ArmError, invalidParameter } from './arm-error.js';
import type { ArmState, DiskRecord, NetworkInterfaceRecord } from './arm-state.js';
import { resolvePlatformImage, type ResolvedImage } from './platform-images.js';
import { idKey, isIdOfType } from './resource-id.js';
import type { VmRequest } from './vm-request.js';
import { premiumIoCapable } from './vm-size-families.js';

/** The image of a FromImage VM; throws `PlatformImageNotFound`. */
export function resolveImage(request: VmRequest): ResolvedImage | undefined {
  if (!request.image) return undefined;
  const resolved = resolvePlatformImage(request.image);
  if (!resolved) {
    const { publisher, offer, sku, version } = request.image;
    throw new ArmError(
      404,
      'PlatformImageNotFound',
      `The platform image '${publisher}:${offer}:${sku}:${version}' is not available. Verify that all fields in the storage profile are correct. For more details about storage profile information, please refer to https://aka.ms/storageprofile`,
    );
  }
  return resolved;
}

/** Checks the size can boot the image (generation and architecture). */
export function checkBootable(size: { name: string; arch: string; gpus: number }, generation: string, arch: string): void {
  const v2Only = size.arch === 'arm64' || size.gpus > 0;
  if (v2Only && generation === 'V1') {
    throw new ArmError(
      400,
      'BadRequest',
      `The selected VM size '${size.name}' cannot boot Hypervisor Generation '1'. If this was a Create operation please check that the Hypervisor Generation of the Image matches the Hypervisor Generation of the selected VM Size. If this was an Update operation please select a Hypervisor Generation '1' VM Size. For more information, see https://aka.ms/azuregen2vm`,
    );
  }
  if (size.arch !== arch) {
    const wire = (a: string): string => (a === 'arm64' ? 'Arm64' : 'x64');
    throw new ArmError(400, 'BadRequest', `The VM size '${size.name}' has architecture '${wire(size.arch)}', which cannot boot an image of architecture '${wire(arch)}'.`);
  }
}

/** Checks a premium disk type against the size. */
export function checkDiskTypeForSize(storageType: string, size: string, diskName: string): void {
  if (storageType.startsWith('Premium') && !premiumIoCapable(size)) {
    throw invalidParameter(
      'osDisk.managedDisk.storageAccountType',
      `Requested operation cannot be performed because the VM size ${size} does not support the storage account type ${storageType} of disk '${diskName}'. Consider updating the VM to a size that supports Premium storage.`,
    );
  }
}

/** The disk an Attach VM boots from; throws when it is missing, elsewhere or taken. */
export function resolveAttachedDisk(state: ArmState, diskId: string, vmId: string, location: string, zones: readonly string[]): DiskRecord {
  if (!isIdOfType(diskId, 'Microsoft.Compute/disks')) throw invalidParameter('osDisk.managedDisk.id', `The value '${diskId}' of parameter 'osDisk.managedDisk.id' is not a managed disk id.`);
  const disk = state.disks.get(idKey(diskId));
  if (!disk) throw new ArmError(404, 'NotFound', `The entity was not found in this Azure location. Disk '${diskId}' does not exist.`);
  if (disk.body.location !== location) throw invalidParameter('osDisk.managedDisk.id', `Disk '${disk.body.name}' is in location '${disk.body.location}', the VM is in '${location}'.`);
  const owner = disk.body.managedBy;
  if (owner !== undefined && idKey(owner) !== idKey(vmId)) {
    throw new ArmError(409, 'OperationNotAllowed', `Disk '${disk.body.name}' is already attached to VM '${owner}'.`);
  }
  const diskZones = disk.body.zones ?? [];
  if (diskZones.length > 0 && (zones.length === 0 || diskZones[0] !== zones[0])) {
    throw invalidParameter('zones', `Disk '${disk.body.name}' is in zone '${diskZones[0]}'; a VM that attaches it must be in the same zone.`);
  }
  return disk;
}

/** The NICs of a VM; throws when one is missing, elsewhere, or another VM's. */
export function resolveNics(state: ArmState, request: VmRequest, vmId: string, location: string): NetworkInterfaceRecord[] {
  return request.nics.map((ref) => {
    const nic = isIdOfType(ref.id, 'Microsoft.Network/networkInterfaces') ? state.networkInterfaces.get(idKey(ref.id)) : undefined;
    if (!nic) throw new ArmError(404, 'NotFound', `Resource ${ref.id} not found.`);
    if (nic.body.location !== location) {
      throw invalidParameter('networkProfile.networkInterfaces', `The network interface ${nic.body.id} is in location '${nic.body.location}'; a virtual machine in '${location}' cannot use it.`);
    }
    const user = nic.body.properties.virtualMachine?.id;
    if (user !== undefined && idKey(user) !== idKey(vmId)) {
      throw new ArmError(400, 'NicInUse', `Network Interface ${nic.body.id} is used by existing resource ${user}. In order to use it with another virtual machine, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`);
    }
    if (nic.reservedUntil !== undefined && nic.reservedUntil > state.clock.now() && nic.reservedFor !== undefined && idKey(nic.reservedFor) !== idKey(vmId)) {
      const seconds = Math.ceil(state.nicReservationMs / 1000);
      throw new ArmError(400, 'NicReservedForAnotherVm', `Nic(s) in request is reserved for another Virtual Machine for ${seconds} seconds. Please provide another nic(s) or retry after ${seconds} seconds. Reserved VM: ${nic.reservedFor}`);
    }
    return nic;
  });
}
