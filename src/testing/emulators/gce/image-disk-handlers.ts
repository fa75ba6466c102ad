/**
 * Images, disks and snapshots: what an export (disk → snapshot or image) and an import (a raw
 * disk archive in Cloud Storage → image → boot disk) go through. `images.insert` takes one source
 * — `rawDisk.source` (`https://storage.googleapis.com/{bucket}/{object}`, a `disk.raw` in a
 * tar.gz), `sourceDisk` or `sourceSnapshot` — and runs as a global operation, the image PENDING
 * until it is DONE (Compute Engine REST reference, images.insert and disks.createSnapshot, read
 * 2026-12). An image from a disk attached to a running instance needs `forceCreate=true`, as GCE
 * asks. An image, a snapshot and a disk made from one another share their guest bytes.
 *
 * With a Cloud Storage emulator linked, a `rawDisk.source` is read from it for real
 * (`raw-disk-import.ts`) while the operation runs — it is RUNNING as long as the reading takes —:
 * a missing bucket is refused at once, a missing object or an archive that is no valid image
 * fails the operation and leaves no image (GCE's words and their sources: `storage-link.ts`).
 * Without a link an archive must be known to the `storageObject` lookup
 * (`emu.registerStorageObject`), holds no bytes, and its image gets a synthetic guest disk.
 */
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { objectField, parseReference, stringField, type GceCall } from './gce-call.js';
import type { GceDisk, GceImage, GceJsonObject, GceOperation, GceSnapshot } from './gce-shapes.js';
import type { DiskRecord, ImageRecord } from './gce-state.js';
import { GuestDiskRef, PUBLIC_IMAGE_GUEST_BYTES } from './guest-disk-ref.js';
import type { GceOperationFailure } from './operation-store.js';
import { importRawDisk, type RawDiskImport } from './raw-disk-import.js';
import { bucketNotFound, malformedSource, objectNotFound, storageObjectOf, unsupportedSource } from './storage-link.js';
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

/** Where an image's bytes and sizes come from. */
interface ImageSource {
  readonly diskSizeGb: number;
  readonly archiveSizeBytes: number;
  readonly architecture: 'X86_64' | 'ARM64';
  readonly sourceDisk: string | undefined;
  readonly rawDiskSource: string | undefined;
  readonly guest: GuestDiskRef | undefined;
  readonly failure: GceOperationFailure | undefined;
  /** The reading of a linked archive, which decides the operation. */
  readonly reading?: Promise<RawDiskImport> | undefined;
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
  let source: ImageSource;
  if (rawDisk) {
    source = rawDiskSource(call, rawDisk, architecture);
  } else if (sourceDisk !== undefined) {
    source = diskSource(call, sourceDisk);
  } else {
    source = snapshotSource(call, sourceSnapshot!);
  }
  const image: ImageRecord = {
    id: state.newId(),
    project: state.project,
    name,
    family,
    diskSizeGb: source.diskSizeGb,
    archiveSizeBytes: source.archiveSizeBytes,
    architecture: source.architecture,
    description: stringField(body.description, 'resource.description'),
    sourceDisk: source.sourceDisk,
    rawDiskSource: source.rawDiskSource,
    deprecatedBy: undefined,
    labels,
    status: 'PENDING',
    createdAt: state.clock.now(),
    guest: source.guest,
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
    failure: source.failure,
    decidedBy: source.reading?.then((read) => {
      if (read.kind === 'failed') return read.failure;
      image.diskSizeGb = read.diskSizeGb;
      image.archiveSizeBytes = read.archiveSizeBytes;
      return undefined;
    }),
    onDone: () => (image.status = 'READY'),
    onFailed: () => state.images.delete(`${state.project}/${name}`),
  });
  const id = call.requestId();
  if (id !== undefined) state.rememberRequestId(id, operation, undefined);
  return state.operations.get(operation, state.project, undefined)!;
}

/** The image of a raw disk archive: read from linked Cloud Storage, or known to the object registry. */
function rawDiskSource(call: GceCall, rawDisk: GceJsonObject, architecture: 'X86_64' | 'ARM64'): ImageSource {
  const url = stringField(rawDisk.source, 'resource.rawDisk.source') ?? '';
  const object = storageObjectOf(url);
  if (!object) throw malformedSource(url);
  if (!object.object.endsWith('.tar.gz')) throw unsupportedSource(url);
  const base = { architecture, sourceDisk: undefined, rawDiskSource: url };
  const linked = call.state.linkedStorage;
  if (linked) {
    if (!linked.hasBucket(object.bucket)) throw bucketNotFound(object.bucket);
    const reading = importRawDisk(linked, call.state.guestDisks, object);
    call.state.track(reading);
    const guest = GuestDiskRef.lazy(async () => {
      const read = await reading;
      if (read.kind === 'failed') throw new Error(`[novacron] [gce-emulator] the import of ${url} failed: ${read.failure.message}`);
      return read.disk;
    });
    // Sizes are known once the archive is read.
    return { ...base, diskSizeGb: 0, archiveSizeBytes: 0, guest, failure: undefined, reading };
  }
  const found = call.world.storageObject(url);
  if (!found) return { ...base, diskSizeGb: 10, archiveSizeBytes: 0, guest: undefined, failure: objectNotFound(object) };
  // A registered object holds no bytes: its image's guest disk is synthetic, a whole GiB.
  const guestDisks = call.state.guestDisks;
  return {
    ...base,
    diskSizeGb: found.diskSizeGb ?? Math.max(1, Math.ceil(found.sizeBytes / 1024 ** 3)),
    archiveSizeBytes: found.sizeBytes,
    guest: GuestDiskRef.lazy(() => guestDisks.syntheticDisk(url, PUBLIC_IMAGE_GUEST_BYTES)),
    failure: undefined,
  };
}

/** The image of a disk (a running instance's needs `forceCreate=true`). */
function diskSource(call: GceCall, sourceDisk: string): ImageSource {
  const { state } = call;
  const disk = diskByReference(call, sourceDisk, 'resource.sourceDisk');
  const running = disk.users.some((u) => {
    const instance = state.instances.get(`${disk.zone}/${u.slice(u.lastIndexOf('/') + 1)}`);
    return instance !== undefined && instance.state !== 'TERMINATED';
  });
  if (running && call.request.query.get('forceCreate') !== 'true') {
    throw new GceError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${state.project}/zones/${disk.zone}/disks/${disk.name}' is already being used by '${disk.users[0]!.replace(`${COMPUTE_BASE}/`, '')}'`);
  }
  return {
    diskSizeGb: disk.sizeGb,
    archiveSizeBytes: (disk.sizeGb * 1024 ** 3) / 4,
    architecture: disk.architecture as 'X86_64' | 'ARM64',
    sourceDisk: state.diskUrl(disk.zone, disk.name),
    rawDiskSource: undefined,
    guest: disk.guest,
    failure: undefined,
  };
}

/** The image of a snapshot. */
function snapshotSource(call: GceCall, sourceSnapshot: string): ImageSource {
  const snapshotName = /^global\/snapshots\/([^/]+)$/.exec(parseReference(sourceSnapshot)?.path ?? '')?.[1];
  const snapshot = snapshotName === undefined ? undefined : call.state.snapshots.get(snapshotName);
  if (!snapshot) throw invalidField('resource.sourceSnapshot', sourceSnapshot, 'The referenced snapshot resource cannot be found.');
  return {
    diskSizeGb: snapshot.diskSizeGb,
    archiveSizeBytes: (snapshot.diskSizeGb * 1024 ** 3) / 4,
    architecture: snapshot.architecture as 'X86_64' | 'ARM64',
    sourceDisk: undefined,
    rawDiskSource: undefined,
    guest: snapshot.guest,
    failure: undefined,
  };
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
  const snapshot = { id: state.newId(), name, sourceDisk: state.diskUrl(zone, disk.name), diskSizeGb: disk.sizeGb, architecture: disk.architecture, labels: checkLabels(body.labels, 'resource.labels'), status: 'CREATING', createdAt: state.clock.now(), guest: disk.guest };
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
