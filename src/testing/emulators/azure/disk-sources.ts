/**
 * Where a new disk or snapshot comes from (`creationData`): `Empty` (a size), `Import` (a VHD at
 * `sourceUri`, with the storage account in `storageAccountId`; checked and read by
 * `disk-import.ts`), `Copy` (another disk or snapshot in `sourceResourceId`, whose guest bytes it
 * shares). The disk RP refuses a source it cannot use: a blob that is no fixed VHD (see
 * `disk-import.ts`), a source in another location, or a size below the source's (wording as Azure
 * migration docs and SDK issue threads quote the disk RP, read 2026-12).
 */
import type { GuestDisk } from '../kit/guest-disks.js';
import { ArmError, invalidParameter, missingParameter } from './arm-error.js';
import type { ArmCall } from './arm-call.js';
import { readImportBlob } from './disk-import.js';
import type { ArmCreationData } from './arm-shapes.js';
import type { BodyField } from './request-body.js';
import { idKey, isIdOfType } from './resource-id.js';

/** What a source gives a new disk. */
export interface DiskSource {
  /** `creationData` as stored. */
  readonly creationData: ArmCreationData;
  /** Size, GiB. */
  readonly sizeGB: number;
  /** OS type carried over. */
  readonly osType: string | undefined;
  /** Hyper-V generation carried over. */
  readonly hyperVGeneration: string | undefined;
  /** The guest bytes it starts with (none: derived from how it was made, see `disk-contents.ts`). */
  readonly contents?: Promise<GuestDisk> | undefined;
}

function sizeFor(asked: number | undefined, minimum: number, target: string): number {
  if (asked === undefined) return minimum;
  if (!Number.isInteger(asked) || asked < 1) throw invalidParameter(target, `The value '${asked}' of parameter '${target}' is out of range.`);
  if (asked < minimum) throw invalidParameter(target, `Disk size ${asked} GB is smaller than the size of the source (${minimum} GB). The size of a new disk must be at least the size of its source.`);
  return asked;
}

/** Reads `properties.creationData` of a disk or snapshot PUT and checks its source. */
export async function readDiskSource(call: ArmCall, props: BodyField, name: string, location: string): Promise<DiskSource> {
  const data = props.get('creationData');
  const option = data.get('createOption').string();
  if (option === undefined) throw missingParameter('creationData.createOption');
  const askedSize = props.get('diskSizeGB').number();
  const osType = props.get('osType').string();
  const generation = props.get('hyperVGeneration').string();
  switch (option.toLowerCase()) {
    case 'empty': {
      if (askedSize === undefined) throw missingParameter('diskSizeGB');
      return { creationData: { createOption: 'Empty' }, sizeGB: sizeFor(askedSize, 1, 'diskSizeGB'), osType, hyperVGeneration: generation };
    }
    case 'import': {
      const uri = data.get('sourceUri').string();
      if (uri === undefined) throw missingParameter('creationData.sourceUri');
      const account = data.get('storageAccountId').string();
      if (account !== undefined && !isIdOfType(account, 'Microsoft.Storage/storageAccounts')) {
        throw invalidParameter('creationData.storageAccountId', `The value '${account}' of parameter 'creationData.storageAccountId' is not a storage account id.`);
      }
      const blob = await readImportBlob(call, { uri, storageAccountId: account, diskName: name });
      return {
        creationData: { createOption: 'Import', sourceUri: uri, ...(account !== undefined ? { storageAccountId: account } : {}) },
        sizeGB: sizeFor(askedSize, blob.sizeGiB, 'diskSizeGB'),
        osType,
        hyperVGeneration: generation,
        contents: blob.contents,
      };
    }
    case 'copy': {
      const sourceId = data.get('sourceResourceId').string();
      if (sourceId === undefined) throw missingParameter('creationData.sourceResourceId');
      const disk = isIdOfType(sourceId, 'Microsoft.Compute/disks') ? call.state.disks.get(idKey(sourceId))?.body : undefined;
      const snapshot = isIdOfType(sourceId, 'Microsoft.Compute/snapshots') ? call.state.snapshots.get(idKey(sourceId)) : undefined;
      const source = disk ?? snapshot;
      if (!source) throw new ArmError(404, 'NotFound', `The entity was not found in this Azure location. Source resource '${sourceId}' does not exist.`, { target: 'creationData.sourceResourceId' });
      if (source.location !== location) throw invalidParameter('creationData.sourceResourceId', `Source resource '${sourceId}' is in location '${source.location}'; the new resource is in '${location}'. Copy it across regions with createOption 'CopyStart'.`);
      return {
        creationData: { createOption: 'Copy', sourceResourceId: source.id, sourceUniqueId: source.properties.uniqueId },
        sizeGB: sizeFor(askedSize, source.properties.diskSizeGB, 'diskSizeGB'),
        osType: osType ?? source.properties.osType,
        hyperVGeneration: generation ?? source.properties.hyperVGeneration,
        contents: call.state.contents.of(source),
      };
    }
    default:
      throw invalidParameter('creationData.createOption', `The value '${option}' of parameter 'creationData.createOption' is not supported by the ARM emulator. Supported values are 'Empty, Import, Copy'.`);
  }
}
