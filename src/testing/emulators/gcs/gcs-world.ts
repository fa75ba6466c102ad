/**
 * What every Cloud Storage handler is given: the state, the emulator's base URL, the service
 * account whose key verifies signed URLs, and the request helpers every handler shares
 * (preconditions, the binary body, the media answer with ranges).
 */
import type { KeyObject } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import { conditionNotMet, GcsError, invalid } from './gcs-error.js';
import type { GcsObjectRecord, GcsPreconditions, GcsState } from './gcs-state.js';
import { etagOf } from './object-views.js';

/** The emulator's world, as handlers see it. */
export interface GcsWorld {
  /** Buckets, objects, sessions. */
  readonly state: GcsState;
  /** Base URL of the emulator. */
  readonly endpoint: () => string;
  /** The service account whose signed URLs are accepted. */
  readonly serviceAccount: { readonly email: string; readonly publicKey: KeyObject };
  /** Cloud Storage's single-request upload limit the emulator keeps (5 TiB in Cloud Storage; less here). */
  readonly maxObjectBytes: number;
}

/** The preconditions in a request's query. */
export function preconditionsOf(request: EmulatorRequest): GcsPreconditions {
  const n = (name: string): number | undefined => {
    const v = request.query.get(name);
    if (v === null) return undefined;
    if (!/^-?[0-9]+$/.test(v)) throw invalid(`Invalid argument: ${name}=${v}`);
    return Number(v);
  };
  return { ifGenerationMatch: n('ifGenerationMatch'), ifGenerationNotMatch: n('ifGenerationNotMatch'), ifMetagenerationMatch: n('ifMetagenerationMatch'), ifMetagenerationNotMatch: n('ifMetagenerationNotMatch') };
}

/** Throws 412 `conditionNotMet` when `live` fails the preconditions. */
export function checkPreconditions(live: GcsObjectRecord | undefined, p: GcsPreconditions): void {
  const generation = live?.generation ?? 0;
  if (p.ifGenerationMatch !== undefined && p.ifGenerationMatch !== generation) throw conditionNotMet();
  if (p.ifGenerationNotMatch !== undefined && p.ifGenerationNotMatch === generation) throw conditionNotMet();
  if (p.ifMetagenerationMatch !== undefined && p.ifMetagenerationMatch !== live?.metageneration) throw conditionNotMet();
  if (p.ifMetagenerationNotMatch !== undefined && p.ifMetagenerationNotMatch === live?.metageneration) throw conditionNotMet();
}

/** Reads a streamed request body whole, refusing more than `max` bytes. */
export async function binaryBody(request: EmulatorRequest, max: number): Promise<Buffer> {
  const stream = request.bodyStream;
  if (!stream) return Buffer.from(request.body, 'utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) throw new GcsError(413, 'uploadTooLarge', `The request body is larger than the emulator's limit of ${max} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** The object's bytes as Cloud Storage answers a media download: a `Range` gives 206, and `x-goog-*` headers describe the object. */
export function mediaResponse(o: GcsObjectRecord, rangeHeader: string | undefined): EmulatorResponse {
  const size = o.data.byteLength;
  const headers: Record<string, string> = {
    'content-type': o.contentType,
    etag: etagOf(o),
    'x-goog-generation': String(o.generation),
    'x-goog-metageneration': String(o.metageneration),
    'x-goog-stored-content-length': String(size),
    'x-goog-stored-content-encoding': 'identity',
    'x-goog-storage-class': 'STANDARD',
    'accept-ranges': 'bytes',
    'last-modified': new Date(o.updated).toUTCString(),
  };
  for (const [k, v] of Object.entries(o.metadata)) headers[`x-goog-meta-${k}`] = v;
  const m = rangeHeader === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(rangeHeader.trim());
  if (!m || (m[1] === '' && m[2] === '')) {
    headers['x-goog-hash'] = `crc32c=${o.crc32c},md5=${o.md5Hash}`;
    headers['content-length'] = String(size);
    return { status: 200, headers, body: o.data };
  }
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) {
    throw new GcsError(416, 'requestedRangeNotSatisfiable', 'The requested range cannot be satisfied.', { 'content-range': `bytes */${size}` });
  }
  headers['content-range'] = `bytes ${start}-${end}/${size}`;
  headers['content-length'] = String(end - start + 1);
  // Cloud Storage sends the whole object's hashes with a partial answer; clients skip checking them for ranges.
  headers['x-goog-hash'] = `crc32c=${o.crc32c},md5=${o.md5Hash}`;
  return { status: 206, headers, body: o.data.subarray(start, end + 1) };
}
