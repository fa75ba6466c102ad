/**
 * Cloud Storage's resumable uploads (JSON API; "Perform resumable uploads",
 * cloud.google.com/storage/docs/performing-resumable-uploads, read 2026-12 with the project's
 * search tool):
 * - `POST /upload/storage/v1/b/{bucket}/o?uploadType=resumable` with the object resource as JSON
 *   (metadata is given here, at session start) answers 200 with the session URI in `Location`;
 * - `PUT {session}` with `Content-Range: bytes a-b/total` (`/*` while the total is unknown) sends
 *   a chunk. A chunk that does not finish the object answers 308 Resume Incomplete with
 *   `Range: bytes=0-n` (no `Range` when nothing is persisted); only whole multiples of 256 KiB of
 *   such a chunk are persisted, as Cloud Storage does, so a client must read `Range` rather than
 *   assume its chunk landed. Bytes already persisted may be sent again and are skipped; a chunk
 *   that starts past the persisted end is refused. The chunk that reaches the total finalizes:
 *   200 with the object resource (preconditions checked then);
 * - `PUT {session}` with `Content-Range: bytes *\/total` (or `*\/*`) and no body asks where it
 *   stands: 308 with `Range`, or 200 with the object when it is finished (also when the bytes are
 *   all there and the total is now given: that finalizes);
 * - `DELETE {session}` cancels: 499; later requests to it answer 410.
 * The session URI is its own credential (no bearer token is needed on it).
 */
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import { GcsError, invalid } from './gcs-error.js';
import type { ResumableSession } from './gcs-state.js';
import { binaryBody, checkPreconditions, preconditionsOf, type GcsWorld } from './gcs-world.js';
import { bucketOf, insertMetadataOf } from './object-handlers.js';
import { objectResource } from './object-views.js';

/** Chunks that do not finish an upload are persisted in whole multiples of this. */
export const RESUMABLE_CHUNK_QUANTUM = 256 * 1024;

/** `POST ...?uploadType=resumable`: opens a session. */
export function initiateResumable(world: GcsWorld, request: EmulatorRequest, body: Buffer): EmulatorResponse {
  const bucket = bucketOf(world, request);
  let resource: Record<string, unknown> = {};
  if (body.byteLength > 0) {
    try {
      resource = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new GcsError(400, 'parseError', 'Parse Error');
    }
  }
  const meta = insertMetadataOf(request, resource, request.header('x-upload-content-type'));
  const length = request.header('x-upload-content-length');
  const preconditions = preconditionsOf(request);
  checkPreconditions(world.state.object(bucket, meta.name), preconditions);
  const session = world.state.openSession({ bucket, ...meta, preconditions, total: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined });
  const location = `${world.endpoint()}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(meta.name)}&upload_id=${session.id}`;
  return { status: 200, headers: { location, 'x-guploader-uploadid': session.id, 'content-length': '0' }, body: '' };
}

function sessionOf(world: GcsWorld, request: EmulatorRequest): ResumableSession {
  const id = request.query.get('upload_id') ?? '';
  const session = world.state.session(id);
  if (!session) throw new GcsError(404, 'notFound', 'No such upload.');
  if (session.state === 'cancelled') throw new GcsError(410, 'gone', 'The upload session has been cancelled.');
  return session;
}

/** A parsed `Content-Range` of an upload request. */
interface UploadRange {
  /** First and last byte of the chunk, absent for a status query. */
  readonly chunk: { readonly first: number; readonly last: number } | undefined;
  /** Total size, when given. */
  readonly total: number | undefined;
}

function uploadRangeOf(header: string | undefined, bodyBytes: number): UploadRange {
  if (header === undefined) return bodyBytes === 0 ? { chunk: undefined, total: 0 } : { chunk: { first: 0, last: bodyBytes - 1 }, total: bodyBytes };
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!m) throw invalid(`Failed to parse Content-Range header: ${header}`);
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (m[1] === undefined) return { chunk: undefined, total };
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (last < first) throw invalid(`Failed to parse Content-Range header: ${header}`);
  return { chunk: { first, last }, total };
}

function incomplete(session: ResumableSession): EmulatorResponse {
  const headers: Record<string, string> = { 'x-guploader-uploadid': session.id, 'content-length': '0' };
  if (session.persisted > 0) headers.range = `bytes=0-${session.persisted - 1}`;
  return { status: 308, headers, body: '' };
}

function finalize(world: GcsWorld, session: ResumableSession): EmulatorResponse {
  checkPreconditions(world.state.object(session.bucket, session.name), session.preconditions);
  const data = Buffer.concat(session.chunks, session.persisted);
  session.chunks.length = 0;
  session.object = world.state.putObject({ bucket: session.bucket, name: session.name, data, contentType: session.contentType, metadata: session.metadata });
  session.state = 'final';
  return jsonResponse(200, objectResource(world.endpoint(), session.object));
}

/** `PUT {session}`: a chunk, the last chunk, or a status query. */
export async function putResumable(world: GcsWorld, request: EmulatorRequest): Promise<EmulatorResponse> {
  const session = sessionOf(world, request);
  const body = await binaryBody(request, world.maxObjectBytes);
  const range = uploadRangeOf(request.header('content-range'), body.byteLength);
  if (session.state === 'final') return jsonResponse(200, objectResource(world.endpoint(), session.object!));
  if (range.total !== undefined) {
    if (session.total !== undefined && session.total !== range.total) throw invalid(`The Content-Range total ${range.total} differs from the upload's length ${session.total}.`);
    session.total = range.total;
  }
  if (!range.chunk) {
    if (body.byteLength > 0) throw invalid('A status query carries no body.');
    if (session.total !== undefined && session.persisted === session.total) return finalize(world, session);
    return incomplete(session);
  }
  const { first, last } = range.chunk;
  if (body.byteLength !== last - first + 1) throw invalid(`The request body holds ${body.byteLength} bytes; Content-Range says ${last - first + 1}.`);
  if (first > session.persisted) {
    throw new GcsError(400, 'invalid', `Invalid request. According to the Content-Range header, the upload offset is ${first} byte(s), which exceeds already uploaded size of ${session.persisted} byte(s).`);
  }
  if (session.total !== undefined && last + 1 > session.total) throw invalid(`The chunk ends at byte ${last}, past the upload's length ${session.total}.`);
  const finishes = session.total !== undefined && last + 1 === session.total;
  // Only what is past the persisted end is new; a chunk that does not finish lands in whole quanta.
  const end = finishes ? last + 1 : Math.floor((last + 1) / RESUMABLE_CHUNK_QUANTUM) * RESUMABLE_CHUNK_QUANTUM;
  if (end > session.persisted) {
    session.chunks.push(Buffer.from(body.subarray(session.persisted - first, end - first)));
    session.persisted = end;
  }
  if (finishes) return finalize(world, session);
  return incomplete(session);
}

/** `DELETE {session}`: cancels the upload, 499. */
export function cancelResumable(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const id = request.query.get('upload_id') ?? '';
  const session = world.state.session(id);
  if (!session) throw new GcsError(404, 'notFound', 'No such upload.');
  if (session.state === 'final') throw new GcsError(400, 'invalid', 'The upload is already complete.');
  session.state = 'cancelled';
  session.chunks.length = 0;
  return { status: 499, headers: { 'content-length': '0' }, body: '' };
}
