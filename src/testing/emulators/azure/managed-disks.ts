/**
 * Managed disks as stored and rendered, shared by the disk handlers and VM creation (a VM's OS
 * disk is a disk resource of its own). `diskState` is derived when rendered: `ActiveSAS` while a
 * read SAS is granted, `Attached` under a running VM, `Reserved` under a deallocated one,
 * `Unattached` otherwise (DiskRP `DiskState`, stable/2024-03-02, read 2026-12). SKU tiers:
 * Standard for HDD and standard SSD, Premium for premium SSDs (v1 and v2), Ultra for Ultra Disk.
 */
import { randomUUID } from 'node:crypto';
import type { ArmCreationData, ArmDisk, ArmSnapshot } from './arm-shapes.js';
import type { ArmState, DiskRecord } from './arm-state.js';
import { idKey } from './resource-id.js';

const GIB = 1024 ** 3;

/** The SKU tier of a disk type. */
export function diskTier(storageType: string): string {
  if (storageType.startsWith('Premium')) return 'Premium';
  if (storageType.startsWith('Ultra')) return 'Ultra';
  return 'Standard';
}

/** What a new disk is made of. */
export interface NewDisk {
  /** Id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Location. */
  readonly location: string;
  /** Tags. */
  readonly tags?: Record<string, string> | undefined;
  /** Disk type (`Premium_LRS`). */
  readonly storageType: string;
  /** Zones. */
  readonly zones?: readonly string[] | undefined;
  /** Size, GiB. */
  readonly sizeGB: number;
  /** How it was made. */
  readonly creationData: ArmCreationData;
  /** OS type, for OS disks. */
  readonly osType?: string | undefined;
  /** Hyper-V generation, for OS disks. */
  readonly hyperVGeneration?: string | undefined;
  /** The VM it is attached to. */
  readonly managedBy?: string | undefined;
  /** Provisioning state to start in. */
  readonly provisioningState?: string | undefined;
}

/** Builds and stores a disk. */
export function storeDisk(state: ArmState, disk: NewDisk): DiskRecord {
  const body: ArmDisk = {
    id: disk.id,
    name: disk.name,
    type: 'Microsoft.Compute/disks',
    location: disk.location,
    ...(disk.tags ? { tags: disk.tags } : {}),
    sku: { name: disk.storageType, tier: diskTier(disk.storageType) },
    ...(disk.zones && disk.zones.length > 0 ? { zones: [...disk.zones] } : {}),
    ...(disk.managedBy !== undefined ? { managedBy: disk.managedBy } : {}),
    properties: {
      ...(disk.osType !== undefined ? { osType: disk.osType } : {}),
      ...(disk.hyperVGeneration !== undefined ? { hyperVGeneration: disk.hyperVGeneration } : {}),
      creationData: disk.creationData,
      diskSizeGB: disk.sizeGB,
      diskSizeBytes: disk.sizeGB * GIB,
      uniqueId: randomUUID(),
      provisioningState: disk.provisioningState ?? 'Succeeded',
      timeCreated: state.isoNow(),
      diskState: 'Unattached',
      encryption: { type: 'EncryptionAtRestWithPlatformKey' },
      networkAccessPolicy: 'AllowAll',
      publicNetworkAccess: 'Enabled',
      ...(disk.storageType === 'PremiumV2_LRS' || disk.storageType === 'UltraSSD_LRS' ? { diskIOPSReadWrite: 3000, diskMBpsReadWrite: 125 } : {}),
    },
  };
  const record: DiskRecord = { body };
  state.disks.set(idKey(disk.id), record);
  return record;
}

/** A disk as ARM returns it, `diskState` derived. */
export function renderDisk(state: ArmState, record: DiskRecord): ArmDisk {
  const body = structuredClone(record.body);
  const owner = body.managedBy !== undefined ? state.virtualMachines.get(idKey(body.managedBy)) : undefined;
  body.properties.diskState = state.blobs.hasActiveGrant(body.id) ? 'ActiveSAS' : owner ? (owner.power === 'deallocated' ? 'Reserved' : 'Attached') : 'Unattached';
  return body;
}

/** A snapshot as ARM returns it, `diskState` derived. */
export function renderSnapshot(state: ArmState, snapshot: ArmSnapshot): ArmSnapshot {
  const body = structuredClone(snapshot);
  body.properties.diskState = state.blobs.hasActiveGrant(body.id) ? 'ActiveSAS' : 'Unattached';
  return body;
}
