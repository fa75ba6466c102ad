/**
 * Export access to disks and snapshots: `POST .../beginGetAccess` with `{ access, durationInSeconds,
 * fileFormat }` answers 202 with `Location` and `Azure-AsyncOperation`; once the operation ends, the
 * `Location` URL answers 200 `{ "accessSAS": "https://..." }` (DiskRP stable/2024-03-02
 * `Disk_BeginGetAccess.json`, read 2026-12). `endGetAccess` revokes it. Only `Read` is granted
 * (`Write` is for upload disks, which the emulator does not make); a disk under an allocated VM
 * cannot be exported (409 `OperationNotAllowed`; the messages of both refusals are the emulator's). The SAS URL is served by {@link getBlob}: GET
 * (with a single `Range`) and HEAD, 403 `AuthenticationFailed` once expired or when tampered
 * with, as Blob Storage answers a bad SAS (learn.microsoft.com "Blob service error codes", read 2026-12).
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import { ArmError, invalidParameter, missingParameter } from './arm-error.js';
import { asyncAnswer, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { VhdBlobs } from './vhd-blobs.js';
import { idKey, resourceId } from './resource-id.js';

interface Exportable {
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
    return { id: disk.body.id, name: disk.body.name, location: disk.body.location, sizeGB: disk.body.properties.diskSizeGB, managedBy: disk.body.managedBy };
  }
  const snapshot = state.snapshots.get(idKey(id));
  if (!snapshot) throw resourceNotFound('Microsoft.Compute/snapshots', call.param(param), call.group().name);
  return { id: snapshot.id, name: snapshot.name, location: snapshot.location, sizeGB: snapshot.properties.diskSizeGB, managedBy: undefined };
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
    { kind: call.operation, provider: 'compute', location: target.location, target: target.id, effect: () => ({ accessSAS: state.blobs.grant(target.id, target.sizeGB, duration) }) },
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

/** GET / HEAD of a SAS URL. */
export function getBlob(request: EmulatorRequest, blobs: VhdBlobs): EmulatorResponse {
  const blob = blobs.byAccessPath(request.path, request.query);
  if (blob === undefined || blob === 'expired') {
    return storageError(request, 403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
  }
  const bytes = blobs.body(blob);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-ms-blob-type': 'PageBlob', 'accept-ranges': 'bytes', 'x-ms-request-id': request.id, 'last-modified': new Date().toUTCString() };
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.header('range') ?? request.header('x-ms-range') ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(bytes.length - 1, range[2] === '' ? bytes.length - 1 : Number(range[2]));
    if (start >= bytes.length || start > end) return { status: 416, headers: { 'content-range': `bytes */${bytes.length}`, 'x-ms-request-id': request.id } };
    const part = bytes.subarray(start, end + 1);
    return { status: 206, headers: { ...headers, 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': String(part.length) }, body: request.method === 'HEAD' ? undefined : part };
  }
  return { status: 200, headers: { ...headers, 'content-length': String(bytes.length) }, body: request.method === 'HEAD' ? undefined : bytes };
}
