/**
 * Images, disks and snapshots: what an export (disk → snapshot or image) and an import (a raw
 * disk archive in Cloud Storage → image → boot disk) go through. `images.insert` takes one source
 * — `rawDisk.source` (`https://storage.googleapis.com/{bucket}/{object}`, a `disk.raw` in a
 * tar.gz), `sourceDisk` or `sourceSnapshot` — and runs as a global operation, the image PENDING
 * until it is DONE (Compute Engine REST reference, images.insert and disks.createSnapshot, read
 * 2026-12). An image from a disk attached to a running instance needs `forceCreate=true`, as GCE
 * asks. The emulator holds no Cloud Storage: an archive must be known to its `storageObject`
 * lookup (`emu.registerStorageObject`), otherwise the operation ends with `RESOURCE_NOT_FOUND`
 * (the wording of that failure is approximate).
 */
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { objectField, parseReference, stringField, type GceCall } from './gce-call.js';
import type { GceDisk, GceImage, GceOperation, GceSnapshot } from './gce-shapes.js';
import type { DiskRecord, ImageRecord } from './gce-state.js';
import { checkName } from './instance-insert.js';
import { checkLabels } from './label-rules.js';
import { ordered, pageOf, readListQuery } from './list-query.js';
import { COMPUTE_BASE } from './machine-catalog.js';

function listBody<T>(kind: string, id: string, items: T[], next: string | undefined): object {
  return { kind, id, items, ...(next ? { nextPageToken: next } : {}), selfLink: `${COMPUTE_BASE}/${id}` };
}

/** `images.get`, in the emulated project or a public image project. */
export function getImage(call: GceCall): GceImage {
  const project = call.param('project');
  const image = call.state.images.get(`${project}/${call.param('image')}`);
  if (!image) throw call.notFound(`projects/${project}/global/images/${call.param('image')}`);
  return call.state.renderImage(image);
}

/** `images.getFromFamily`: the newest image of the family that is not deprecated. */
export function getImageFromFamily(call: GceCall): GceImage {
  const project = call.param('project');
  const image = call.state.imageFromFamily(project, call.param('family'));
  if (!image) throw call.notFound(`projects/${project}/global/images/family/${call.param('family')}`);
  return call.state.renderImage(image);
}

/** `images.list`. */
export function listImages(call: GceCall): object {
  const project = call.param('project');
  const list = readListQuery(call.request.query);
  const all = [...call.state.images.values()].filter((i) => i.project === project).map((i) => call.state.renderImage(i));
  const page = pageOf(ordered(all.filter(list.matches), list.orderBy), list);
  return listBody('compute#imageList', `projects/${project}/global/images`, page.items, page.nextToken);
}

function ownProject(call: GceCall): void {
  const project = call.param('project');
  if (project !== call.state.project) throw new GceError(403, 'forbidden', `Required 'compute.images.create' permission for 'projects/${project}/global/images'`);
}

function globalRequestId(call: GceCall): GceOperation | undefined {
  const id = call.requestId();
  const seen = id === undefined ? undefined : call.state.requestIdOperation(id);
  return seen ? call.state.operations.get(seen.operation, call.state.project, seen.zone) : undefined;
}

function diskByReference(call: GceCall, value: string, field: string): DiskRecord {
  const m = /^zones\/([^/]+)\/disks\/([^/]+)$/.exec(parseReference(value)?.path ?? '');
  const disk = m ? call.state.disks.get(`${m[1]}/${m[2]}`) : undefined;
  if (!disk) throw invalidField(field, value, 'The referenced disk resource cannot be found.');
  return disk;
}

/** `images.insert` from a raw disk archive, a disk or a snapshot. */
export function insertImage(call: GceCall): GceOperation {
  ownProject(call);
  const repeated = globalRequestId(call);
  if (repeated) return repeated;
  const { state } = call;
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const family = stringField(body.family, 'resource.family');
  if (family !== undefined) checkName(family, 'resource.family');
  const labels = checkLabels(body.labels, 'resource.labels');
  const rawDisk = objectField(body.rawDisk, 'resource.rawDisk');
  const sourceDisk = stringField(body.sourceDisk, 'resource.sourceDisk');
  const sourceSnapshot = stringField(body.sourceSnapshot, 'resource.sourceSnapshot');
  const sources = [rawDisk, sourceDisk, sourceSnapshot].filter((s) => s !== undefined).length;
  if (sources !== 1) throw invalidField('resource', '', 'Exactly one of rawDisk.source, sourceDisk, sourceSnapshot or sourceImage must be given.');
  if (state.images.has(`${state.project}/${name}`)) throw alreadyExists(`projects/${state.project}/global/images/${name}`);
  const architecture = (stringField(body.architecture, 'resource.architecture') ?? 'X86_64') as 'X86_64' | 'ARM64';
  if (architecture !== 'X86_64' && architecture !== 'ARM64') throw invalidField('resource.architecture', architecture, 'Must be X86_64 or ARM64.');
  let diskSizeGb = 10;
  let archiveSizeBytes = 0;
  let failure: { code: string; message: string; httpStatus: number } | undefined;
  let rawDiskSource: string | undefined;
  let sourceDiskUrl: string | undefined;
  let arch: 'X86_64' | 'ARM64' = architecture;
  if (rawDisk) {
    rawDiskSource = stringField(rawDisk.source, 'resource.rawDisk.source') ?? '';
    if (!/^https:\/\/storage\.(googleapis|cloud\.google)\.com\/[^/]+\/.+/.test(rawDiskSource)) throw invalidField('resource.rawDisk.source', rawDiskSource, 'The URL is malformed.');
    const object = call.world.storageObject(rawDiskSource);
    if (!object) failure = { code: 'RESOURCE_NOT_FOUND', message: `The resource '${rawDiskSource}' was not found`, httpStatus: 404 };
    else {
      archiveSizeBytes = object.sizeBytes;
      diskSizeGb = object.diskSizeGb ?? Math.max(1, Math.ceil(object.sizeBytes / 1024 ** 3));
    }
  } else if (sourceDisk !== undefined) {
    const disk = diskByReference(call, sourceDisk, 'resource.sourceDisk');
    const running = disk.users.some((u) => {
      const instance = state.instances.get(`${disk.zone}/${u.slice(u.lastIndexOf('/') + 1)}`);
      return instance !== undefined && instance.state !== 'TERMINATED';
    });
    if (running && call.request.query.get('forceCreate') !== 'true') {
      throw new GceError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${state.project}/zones/${disk.zone}/disks/${disk.name}' is already being used by '${disk.users[0]!.replace(`${COMPUTE_BASE}/`, '')}'`);
    }
    diskSizeGb = disk.sizeGb;
    archiveSizeBytes = disk.sizeGb * 1024 ** 3 / 4;
    sourceDiskUrl = state.diskUrl(disk.zone, disk.name);
    arch = disk.architecture as 'X86_64' | 'ARM64';
  } else {
    const snapshotName = /^global\/snapshots\/([^/]+)$/.exec(parseReference(sourceSnapshot!)?.path ?? '')?.[1];
    const snapshot = snapshotName === undefined ? undefined : state.snapshots.get(snapshotName);
    if (!snapshot) throw invalidField('resource.sourceSnapshot', sourceSnapshot, 'The referenced snapshot resource cannot be found.');
    diskSizeGb = snapshot.diskSizeGb;
    archiveSizeBytes = snapshot.diskSizeGb * 1024 ** 3 / 4;
    arch = snapshot.architecture as 'X86_64' | 'ARM64';
  }
  const image: ImageRecord = {
    id: state.newId(),
    project: state.project,
    name,
    family,
    diskSizeGb,
    archiveSizeBytes,
    architecture: arch,
    description: stringField(body.description, 'resource.description'),
    sourceDisk: sourceDiskUrl,
    rawDiskSource,
    deprecatedBy: undefined,
    labels,
    status: 'PENDING',
    createdAt: state.clock.now(),
  };
  state.images.set(`${state.project}/${name}`, image);
  const operation = state.operations.start({
    project: state.project,
    type: 'insert',
    operation: call.operation,
    targetLink: state.imageUrl(state.project, name),
    targetId: image.id,
    pendingMs: call.world.timings.pendingMs,
    runningMs: call.world.timings.runningMs,
    failure,
    onDone: () => (image.status = 'READY'),
    onFailed: () => state.images.delete(`${state.project}/${name}`),
  });
  const id = call.requestId();
  if (id !== undefined) state.rememberRequestId(id, operation, undefined);
  return state.operations.get(operation, state.project, undefined)!;
}

/** `images.delete`. */
export function deleteImage(call: GceCall): GceOperation {
  ownProject(call);
  const { state } = call;
  const key = `${state.project}/${call.param('image')}`;
  const image = state.images.get(key);
  if (!image) throw call.notFound(`projects/${state.project}/global/images/${call.param('image')}`);
  const operation = state.operations.start({ project: state.project, type: 'delete', operation: call.operation, targetLink: state.imageUrl(state.project, image.name), targetId: image.id, onDone: () => state.images.delete(key) });
  return state.operations.get(operation, state.project, undefined)!;
}

function diskOf(call: GceCall): DiskRecord {
  const zone = call.zone();
  const disk = call.state.disks.get(`${zone}/${call.param('disk')}`);
  if (!disk) throw call.notFound(`projects/${call.state.project}/zones/${zone}/disks/${call.param('disk')}`);
  return disk;
}

/** `disks.get`. */
export function getDisk(call: GceCall): GceDisk {
  return call.state.renderDisk(diskOf(call));
}

/** `disks.list`. */
export function listDisks(call: GceCall): object {
  const zone = call.zone();
  const list = readListQuery(call.request.query);
  const all = [...call.state.disks.values()].filter((d) => d.zone === zone).map((d) => call.state.renderDisk(d));
  const page = pageOf(ordered(all.filter(list.matches), list.orderBy), list);
  return listBody('compute#diskList', `projects/${call.state.project}/zones/${zone}/disks`, page.items, page.nextToken);
}

/** `disks.delete`: refused while an instance uses the disk. */
export function deleteDisk(call: GceCall): GceOperation {
  const disk = diskOf(call);
  const { state } = call;
  if (disk.users.length > 0) {
    throw new GceError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${state.project}/zones/${disk.zone}/disks/${disk.name}' is already being used by '${disk.users[0]!.replace(`${COMPUTE_BASE}/`, '')}'`);
  }
  const operation = state.operations.start({ project: state.project, zone: disk.zone, type: 'delete', operation: call.operation, targetLink: state.diskUrl(disk.zone, disk.name), targetId: disk.id, onDone: () => state.disks.delete(`${disk.zone}/${disk.name}`) });
  return state.operations.get(operation, state.project, disk.zone)!;
}

/** `disks.createSnapshot`. */
export function createSnapshot(call: GceCall): GceOperation {
  const { state } = call;
  const zone = call.zone();
  const id = call.requestId();
  const seen = id === undefined ? undefined : state.requestIdOperation(id);
  if (seen) return state.operations.get(seen.operation, state.project, seen.zone)!;
  const disk = diskOf(call);
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  if (state.snapshots.has(name)) throw alreadyExists(`projects/${state.project}/global/snapshots/${name}`);
  const snapshot = { id: state.newId(), name, sourceDisk: state.diskUrl(zone, disk.name), diskSizeGb: disk.sizeGb, architecture: disk.architecture, labels: checkLabels(body.labels, 'resource.labels'), status: 'CREATING', createdAt: state.clock.now() };
  state.snapshots.set(name, snapshot);
  const operation = state.operations.start({
    project: state.project,
    zone,
    type: 'createSnapshot',
    operation: call.operation,
    targetLink: state.diskUrl(zone, disk.name),
    targetId: disk.id,
    pendingMs: call.world.timings.pendingMs,
    runningMs: call.world.timings.runningMs,
    onDone: () => (snapshot.status = 'READY'),
  });
  if (id !== undefined) state.rememberRequestId(id, operation, zone);
  return state.operations.get(operation, state.project, zone)!;
}

/** `snapshots.get`. */
export function getSnapshot(call: GceCall): GceSnapshot {
  const snapshot = call.state.snapshots.get(call.param('snapshot'));
  if (!snapshot) throw call.notFound(`projects/${call.state.project}/global/snapshots/${call.param('snapshot')}`);
  return call.state.renderSnapshot(snapshot);
}

/** `snapshots.list`. */
export function listSnapshots(call: GceCall): object {
  const list = readListQuery(call.request.query);
  const all = [...call.state.snapshots.values()].map((s) => call.state.renderSnapshot(s));
  const page = pageOf(ordered(all.filter(list.matches), list.orderBy), list);
  return listBody('compute#snapshotList', `projects/${call.state.project}/global/snapshots`, page.items, page.nextToken);
}

/** `snapshots.delete`. */
export function deleteSnapshot(call: GceCall): GceOperation {
  const { state } = call;
  const snapshot = state.snapshots.get(call.param('snapshot'));
  if (!snapshot) throw call.notFound(`projects/${state.project}/global/snapshots/${call.param('snapshot')}`);
  const operation = state.operations.start({ project: state.project, type: 'delete', operation: call.operation, targetLink: `${COMPUTE_BASE}/projects/${state.project}/global/snapshots/${snapshot.name}`, targetId: snapshot.id, onDone: () => state.snapshots.delete(snapshot.name) });
  return state.operations.get(operation, state.project, undefined)!;
}
