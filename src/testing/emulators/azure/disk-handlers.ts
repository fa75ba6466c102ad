/**
 * `Microsoft.Compute/disks` and `snapshots`: PUT (202 with `Location` and `Azure-AsyncOperation`
 * for a new one, 200 for an update; the operation's status carries the resource in
 * `properties.output`), GET, list (group and subscription), DELETE (202, or 204 when absent).
 * DiskRP stable/2024-03-02 examples (`Disk_Create_ByImportingBlobFromTheSameSubscription.json`,
 * `Disk_Get.json`, `Disk_Delete.json`), read 2026-12. A disk attached to a VM cannot be deleted
 * (409 `OperationNotAllowed` "Disk {name} is attached to VM {vm}."), nor resized while its VM is
 * allocated; `creationData` cannot change (409 `PropertyChangeNotAllowed`). The resize refusal's
 * wording is the emulator's. What a disk or snapshot holds (its guest bytes) comes with its source
 * (`disk-sources.ts`) and is kept in `state.contents`.
 */
import { randomUUID } from 'node:crypto';
import { ArmError, invalidParameter } from './arm-error.js';
import { asyncAnswer, checkLocation, locationOf, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmSnapshot } from './arm-shapes.js';
import { readDiskSource } from './disk-sources.js';
import { pagedList } from './list-paging.js';
import { diskTier, renderDisk, renderSnapshot, storeDisk } from './managed-disks.js';
import { idKey, resourceId } from './resource-id.js';
import { checkTags } from './tag-rules.js';
import { DISK_STORAGE_TYPES } from './vm-request.js';

const DISK_TYPE = 'Microsoft.Compute/disks';
const SNAPSHOT_TYPE = 'Microsoft.Compute/snapshots';
const SNAPSHOT_SKUS = ['Standard_LRS', 'Premium_LRS', 'Standard_ZRS'] as const;

function idOf(call: ArmCall, fullType: string, param: string): string {
  return resourceId(call.state.subscriptionId, call.group().name, fullType, call.param(param));
}

/** Marks a resource `Succeeded` and returns what the operation reports as its output. */
function settle<T>(properties: { provisioningState: string }, output: () => T): T {
  properties.provisioningState = 'Succeeded';
  return output();
}

/** Runs the steps of a deletion; the operation has no output. */
function forget(...steps: (() => unknown)[]): undefined {
  for (const step of steps) step();
  return undefined;
}

function skuOf(call: ArmCall, allowed: readonly string[], fallback: string): string {
  const asked = call.body().at('sku.name').string();
  if (asked === undefined) return fallback;
  const match = allowed.find((a) => a.toLowerCase() === asked.toLowerCase());
  if (!match) throw invalidParameter('sku.name', `The value '${asked}' of parameter 'sku.name' is not allowed. Allowed values are '${allowed.join(', ')}'.`);
  return match;
}

/** PUT a disk. */
export async function putDisk(call: ArmCall): Promise<ArmAnswer> {
  const state = call.state;
  const location = locationOf(call);
  checkLocation(call, location, DISK_TYPE);
  const id = idOf(call, DISK_TYPE, 'diskName');
  const tags = call.body().get('tags').stringMap();
  checkTags(tags);
  const props = call.body().get('properties');
  const existing = state.disks.get(idKey(id));
  const sku = skuOf(call, DISK_STORAGE_TYPES, existing?.body.sku.name ?? 'Standard_LRS');
  if (existing) {
    if (props.get('creationData').present) {
      const option = props.at('creationData.createOption').string();
      if (option !== undefined && option.toLowerCase() !== existing.body.properties.creationData.createOption.toLowerCase()) {
        throw new ArmError(409, 'PropertyChangeNotAllowed', "Changing property 'creationData' is not allowed.", { target: 'creationData' });
      }
    }
    const size = props.get('diskSizeGB').number();
    if (size !== undefined && size !== existing.body.properties.diskSizeGB) {
      if (size < existing.body.properties.diskSizeGB) throw invalidParameter('diskSizeGB', `Disk size can only be increased. Current size: ${existing.body.properties.diskSizeGB} GB, requested: ${size} GB.`);
      const owner = existing.body.managedBy !== undefined ? state.virtualMachines.get(idKey(existing.body.managedBy)) : undefined;
      if (owner && owner.power !== 'deallocated') {
        throw new ArmError(409, 'OperationNotAllowed', `Disk resizing is allowed only when creating a VM or when the VM is deallocated. Disk '${existing.body.name}' is attached to VM '${owner.body.id}'.`);
      }
      existing.body.properties.diskSizeGB = size;
      existing.body.properties.diskSizeBytes = size * 1024 ** 3;
    }
    existing.body.sku = { name: sku, tier: diskTier(sku) };
    if (tags) existing.body.tags = tags;
    existing.body.properties.provisioningState = 'Updating';
    return asyncAnswer(
      call,
      { kind: call.operation, provider: 'disk', location, target: id, effect: () => settle(existing.body.properties, () => renderDisk(state, existing)) },
      { status: 200, body: renderDisk(state, existing), withLocation: true },
    );
  }
  const source = await readDiskSource(call, props, call.param('diskName'), location);
  const zones = call.body().get('zones').items().map((z) => z.string() ?? '');
  const record = storeDisk(state, {
    id,
    name: call.param('diskName'),
    location,
    tags,
    storageType: sku,
    zones,
    sizeGB: source.sizeGB,
    creationData: source.creationData,
    osType: source.osType,
    hyperVGeneration: source.hyperVGeneration,
    provisioningState: 'Updating',
  });
  if (source.contents) state.contents.record(record.body.properties.uniqueId, source.contents);
  return asyncAnswer(
    call,
    { kind: call.operation, provider: 'disk', location, target: id, effect: () => settle(record.body.properties, () => renderDisk(state, record)) },
    { status: 202, body: renderDisk(state, record), withLocation: true },
  );
}

/** GET a disk. */
export function getDisk(call: ArmCall): ArmAnswer {
  const disk = call.state.disks.get(idKey(idOf(call, DISK_TYPE, 'diskName')));
  if (!disk) throw resourceNotFound(DISK_TYPE, call.param('diskName'), call.group().name);
  return { status: 200, body: renderDisk(call.state, disk) };
}

/** GET the disks of a resource group. */
export function listDisks(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/${DISK_TYPE}/`);
  return pagedList(call, [...call.state.disks.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (d) => renderDisk(call.state, d));
}

/** GET every disk of the subscription. */
export function listAllDisks(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.disks.values()], (d) => renderDisk(call.state, d));
}

/** DELETE a disk. */
export function deleteDisk(call: ArmCall): ArmAnswer {
  const state = call.state;
  const id = idOf(call, DISK_TYPE, 'diskName');
  const disk = state.disks.get(idKey(id));
  if (!disk) return { status: 204 };
  if (disk.body.managedBy !== undefined) throw new ArmError(409, 'OperationNotAllowed', `Disk ${disk.body.name} is attached to VM ${disk.body.managedBy}.`);
  disk.body.properties.provisioningState = 'Deleting';
  return asyncAnswer(call, { kind: call.operation, provider: 'disk', location: disk.body.location, target: id, effect: () => forget(() => state.disks.delete(idKey(id)), () => state.blobs.revoke(id)) }, { status: 202, withLocation: true });
}

/** PUT a snapshot. */
export async function putSnapshot(call: ArmCall): Promise<ArmAnswer> {
  const state = call.state;
  const location = locationOf(call);
  checkLocation(call, location, SNAPSHOT_TYPE);
  const id = idOf(call, SNAPSHOT_TYPE, 'snapshotName');
  const tags = call.body().get('tags').stringMap();
  checkTags(tags);
  const existing = state.snapshots.get(idKey(id));
  const props = call.body().get('properties');
  if (existing) {
    if (tags) existing.tags = tags;
    return asyncAnswer(call, { kind: call.operation, provider: 'disk', location, target: id, effect: () => renderSnapshot(state, existing) }, { status: 200, body: renderSnapshot(state, existing), withLocation: true });
  }
  const sku = skuOf(call, SNAPSHOT_SKUS, 'Standard_LRS');
  const source = await readDiskSource(call, props, call.param('snapshotName'), location);
  const snapshot: ArmSnapshot = {
    id,
    name: call.param('snapshotName'),
    type: SNAPSHOT_TYPE,
    location,
    ...(tags ? { tags } : {}),
    sku: { name: sku, tier: sku.startsWith('Premium') ? 'Premium' : 'Standard' },
    properties: {
      ...(source.osType !== undefined ? { osType: source.osType } : {}),
      ...(source.hyperVGeneration !== undefined ? { hyperVGeneration: source.hyperVGeneration } : {}),
      creationData: source.creationData,
      diskSizeGB: source.sizeGB,
      diskSizeBytes: source.sizeGB * 1024 ** 3,
      uniqueId: randomUUID(),
      provisioningState: 'Updating',
      timeCreated: state.isoNow(),
      incremental: props.get('incremental').boolean() ?? false,
      diskState: 'Unattached',
      encryption: { type: 'EncryptionAtRestWithPlatformKey' },
      networkAccessPolicy: 'AllowAll',
      publicNetworkAccess: 'Enabled',
    },
  };
  state.snapshots.set(idKey(id), snapshot);
  if (source.contents) state.contents.record(snapshot.properties.uniqueId, source.contents);
  return asyncAnswer(
    call,
    { kind: call.operation, provider: 'disk', location, target: id, effect: () => settle(snapshot.properties, () => renderSnapshot(state, snapshot)) },
    { status: 202, body: renderSnapshot(state, snapshot), withLocation: true },
  );
}

/** GET a snapshot. */
export function getSnapshot(call: ArmCall): ArmAnswer {
  const snapshot = call.state.snapshots.get(idKey(idOf(call, SNAPSHOT_TYPE, 'snapshotName')));
  if (!snapshot) throw resourceNotFound(SNAPSHOT_TYPE, call.param('snapshotName'), call.group().name);
  return { status: 200, body: renderSnapshot(call.state, snapshot) };
}

/** GET the snapshots of a resource group. */
export function listSnapshots(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/${SNAPSHOT_TYPE}/`);
  return pagedList(call, [...call.state.snapshots.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (s) => renderSnapshot(call.state, s));
}

/** GET every snapshot of the subscription. */
export function listAllSnapshots(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.snapshots.values()], (s) => renderSnapshot(call.state, s));
}

/** DELETE a snapshot. */
export function deleteSnapshot(call: ArmCall): ArmAnswer {
  const state = call.state;
  const id = idOf(call, SNAPSHOT_TYPE, 'snapshotName');
  const snapshot = state.snapshots.get(idKey(id));
  if (!snapshot) return { status: 204 };
  snapshot.properties.provisioningState = 'Deleting';
  return asyncAnswer(call, { kind: call.operation, provider: 'disk', location: snapshot.location, target: id, effect: () => forget(() => state.snapshots.delete(idKey(id)), () => state.blobs.revoke(id)) }, { status: 202, withLocation: true });
}
