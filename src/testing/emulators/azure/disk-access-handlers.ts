/**
 * Export access to disks and snapshots: `POST .../beginGetAccess` with `{ access, durationInSeconds,
 * fileFormat }` answers 202 with `Location` and `Azure-AsyncOperation`; once the operation ends, the
 * `Location` URL answers 200 `{ "accessSAS": "https://..." }` (DiskRP stable/2024-03-02
 * `Disk_BeginGetAccess.json`, read 2026-12). `endGetAccess` revokes it. Only `Read` is granted
 * (`Write` is for upload disks, which the emulator does not make); a disk under an allocated VM
 * cannot be exported (409 `OperationNotAllowed`; the messages of both refusals are the emulator's).
 *
 * The SAS URL is served by {@link getBlob} as Azure's disk export endpoint serves it: the disk as a
 * fixed VHD (its raw guest bytes and the 512-byte footer, rendered by qemu-img with
 * `subformat=fixed,force_size=on`), a page blob (`x-ms-blob-type: PageBlob`), `Content-Length`,
 * one `Range` (206 with `Content-Range`, 416 past the end), GET and HEAD; 403
 * `AuthenticationFailed` once expired or revoked or when tampered with, as Blob Storage answers a
 * bad SAS (learn.microsoft.com "Blob service error codes", read 2026-12). The VHD is the guest disk
 * the emulator keeps (see `disk-contents.ts`), which may be smaller than `diskSizeGB`.
 */
import { Readable } from 'node:stream';
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { GuestDiskStore } from '../kit/guest-disks.js';
import { ArmError, invalidParameter, missingParameter } from './arm-error.js';
import { asyncAnswer, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ContentHolder } from './disk-contents.js';
import type { VhdBlobs } from './vhd-blobs.js';
import { idKey, resourceId } from './resource-id.js';

interface Exportable {
  readonly holder: ContentHolder;
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly sizeGB: number;
  readonly managedBy: string | undefined;
}

function exportableOf(call: ArmCall, kind: 'disks' | 'snapshots'): Exportable {
  const state = call.state;
  const param = kind === 'disks' ? 'diskName' : 'snapshotName';
  const id = resourceId(state.subscriptionId, call.group().name, `Microsoft.Compute/${kind}`, call.param(param));
  if (kind === 'disks') {
    const disk = state.disks.get(idKey(id));
    if (!disk) throw resourceNotFound('Microsoft.Compute/disks', call.param(param), call.group().name);
    return { holder: disk.body, id: disk.body.id, name: disk.body.name, location: disk.body.location, sizeGB: disk.body.properties.diskSizeGB, managedBy: disk.body.managedBy };
  }
  const snapshot = state.snapshots.get(idKey(id));
  if (!snapshot) throw resourceNotFound('Microsoft.Compute/snapshots', call.param(param), call.group().name);
  return { holder: snapshot, id: snapshot.id, name: snapshot.name, location: snapshot.location, sizeGB: snapshot.properties.diskSizeGB, managedBy: undefined };
}

function grantAccess(call: ArmCall, kind: 'disks' | 'snapshots'): ArmAnswer {
  const target = exportableOf(call, kind);
  const body = call.body();
  const access = body.get('access').string();
  if (access === undefined) throw missingParameter('access');
  if (access.toLowerCase() !== 'read') throw new ArmError(409, 'OperationNotAllowed', `Access level '${access}' can only be granted on a disk created for upload. Use 'Read' to export '${target.name}'.`, { target: 'access' });
  const duration = body.get('durationInSeconds').number();
  if (duration === undefined) throw missingParameter('durationInSeconds');
  if (!Number.isInteger(duration) || duration < 1) throw invalidParameter('durationInSeconds', `The value '${duration}' of parameter 'durationInSeconds' is out of range.`);
  const format = body.get('fileFormat').string() ?? 'VHD';
  if (format !== 'VHD' && format !== 'VHDX') throw invalidParameter('fileFormat', `The value '${format}' of parameter 'fileFormat' is not allowed. Allowed values are 'VHD, VHDX'.`);
  const owner = target.managedBy !== undefined ? call.state.virtualMachines.get(idKey(target.managedBy)) : undefined;
  if (owner && owner.power !== 'deallocated') {
    throw new ArmError(409, 'OperationNotAllowed', `Operation 'beginGetAccess' is not allowed on Disk '${target.name}' since it is attached to VM '${owner.body.id}' that is not deallocated.`);
  }
  const state = call.state;
  return asyncAnswer(
    call,
    { kind: call.operation, provider: 'compute', location: target.location, target: target.id, effect: () => ({ accessSAS: state.blobs.grant(target.id, target.sizeGB, duration, state.contents.of(target.holder)) }) },
    { status: 202, withLocation: true },
  );
}

function revokeAccess(call: ArmCall, kind: 'disks' | 'snapshots'): ArmAnswer {
  const target = exportableOf(call, kind);
  const state = call.state;
  return asyncAnswer(call, { kind: call.operation, provider: 'compute', location: target.location, target: target.id, effect: () => state.blobs.revoke(target.id) }, { status: 202, withLocation: true });
}

/** POST disks/{d}/beginGetAccess. */
export const grantDiskAccess = (call: ArmCall): ArmAnswer => grantAccess(call, 'disks');
/** POST disks/{d}/endGetAccess. */
export const revokeDiskAccess = (call: ArmCall): ArmAnswer => revokeAccess(call, 'disks');
/** POST snapshots/{s}/beginGetAccess. */
export const grantSnapshotAccess = (call: ArmCall): ArmAnswer => grantAccess(call, 'snapshots');
/** POST snapshots/{s}/endGetAccess. */
export const revokeSnapshotAccess = (call: ArmCall): ArmAnswer => revokeAccess(call, 'snapshots');

function storageError(request: EmulatorRequest, status: number, code: string, message: string): EmulatorResponse {
  const body = request.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${request.id}\nTime:${new Date().toISOString()}</Message></Error>`;
  return { status, headers: { 'content-type': 'application/xml', 'x-ms-request-id': request.id, 'x-ms-error-code': code }, body, errorCode: code };
}

/** GET / HEAD of a SAS URL: the granted disk as a fixed VHD. */
export async function getBlob(request: EmulatorRequest, blobs: VhdBlobs, store: GuestDiskStore): Promise<EmulatorResponse> {
  const grant = blobs.byAccessPath(request.path, request.query);
  if (grant === undefined || grant === 'expired') {
    return storageError(request, 403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
  }
  const image = await store.render(await grant.contents, 'vhd');
  const total = image.sizeBytes;
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'x-ms-blob-type': 'PageBlob',
    'accept-ranges': 'bytes',
    etag: `"0x${image.sha256.slice(0, 16).toUpperCase()}"`,
    'x-ms-request-id': request.id,
    'last-modified': new Date().toUTCString(),
  };
  const asked = request.header('x-ms-range') ?? request.header('range');
  const range = /^bytes=(\d+)-(\d*)$/.exec(asked ?? '');
  let start = 0;
  let end = total - 1;
  let status = 200;
  if (range) {
    start = Number(range[1]);
    end = Math.min(total - 1, range[2] === '' ? total - 1 : Number(range[2]));
    if (start >= total || start > end) return { status: 416, headers: { 'content-range': `bytes */${total}`, 'x-ms-request-id': request.id }, errorCode: 'InvalidRange' };
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${total}`;
  }
  headers['content-length'] = String(end - start + 1);
  if (request.method === 'HEAD') return { status, headers };
  const read = store.read(image.path, { start, end });
  const body = read instanceof Readable ? read : Readable.from(read, { objectMode: false });
  // A client that goes away mid-download must not leave the file open.
  request.signal.addEventListener('abort', () => body.destroy(), { once: true });
  return { status, headers, body };
}
