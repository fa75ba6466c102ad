/**
 * Object operations: PutObject, GetObject (Range → 206 with Content-Range, 416 `InvalidRange`),
 * HeadObject (no body, errors by status alone), DeleteObject (204, also for a missing key), and
 * object tagging (Put/Get/DeleteObjectTagging, and `x-amz-tagging` on writes). Headers as the
 * Amazon S3 API Reference describes them (read 2026-12): `ETag`, `Last-Modified`, `Accept-Ranges`,
 * `x-amz-meta-*`, `x-amz-tagging-count`, and the stored `x-amz-checksum-*` of a single-PUT object
 * when asked with `x-amz-checksum-mode: ENABLED`.
 */
import { Readable } from 'node:stream';
import type { EmulatorResponse } from '../kit/emulator-request.js';
import { bucketOf, checkKey, checkTags, payloadOf, s3Response, taggingHeaderOf, userMetadataOf, type S3Call, type S3Handler } from './s3-call.js';
import { S3Error } from './s3-errors.js';
import { md5ETag, type S3StoredObject } from './s3-state.js';
import { parseTagging, s3Document } from './s3-xml.js';

function objectOf(call: S3Call): S3StoredObject {
  const object = bucketOf(call).objects.get(call.key);
  if (!object) throw new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: call.key });
  return object;
}

/** The headers S3 answers GetObject and HeadObject with. */
function objectHeaders(call: S3Call, object: S3StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': object.contentType,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (object.tags.size > 0) headers['x-amz-tagging-count'] = String(object.tags.size);
  if (object.partsCount !== undefined && call.request.query.has('partNumber')) headers['x-amz-mp-parts-count'] = String(object.partsCount);
  return headers;
}

/** A `Range: bytes=…` header read against an object of `size`: the inclusive range, `undefined` to send it whole. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // S3 ignores a range it cannot read
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', { RangeRequested: 'bytes', ActualObjectSize: String(size) });
}

const putObject: S3Handler = async (call) => {
  if (call.request.header('x-amz-copy-source') !== undefined) throw new S3Error('NotImplemented', 501, 'CopyObject is not implemented by this emulator.');
  const bucket = bucketOf(call);
  checkKey(call.key);
  const tags = taggingHeaderOf(call.request);
  const payload = await payloadOf(call);
  const object: S3StoredObject = {
    key: call.key,
    bytes: payload.bytes,
    etag: md5ETag(payload.bytes),
    contentType: call.request.header('content-type') ?? 'binary/octet-stream',
    metadata: userMetadataOf(call.request),
    tags,
    lastModified: call.ctx.state.now(),
    partsCount: undefined,
    checksums: payload.checksums,
  };
  bucket.objects.set(call.key, object);
  const checksumHeaders = Object.fromEntries(Object.entries(payload.checksums).map(([a, v]) => [`x-amz-checksum-${a}`, v]));
  return s3Response(call, 200, { etag: object.etag, ...checksumHeaders });
};

function readObject(call: S3Call, withBody: boolean): EmulatorResponse {
  const object = objectOf(call);
  const headers = objectHeaders(call, object);
  const range = rangeOf(call.request.header('range'), object.bytes.length);
  const bytes = range ? object.bytes.subarray(range.start, range.end + 1) : object.bytes;
  headers['content-length'] = String(bytes.length);
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${object.bytes.length}`;
  else if (call.request.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    for (const [algorithm, value] of Object.entries(object.checksums)) headers[`x-amz-checksum-${algorithm}`] = value;
  }
  // A stream, so that a large object goes out in chunks and a reader may stop half-way.
  return s3Response(call, range ? 206 : 200, headers, withBody ? Readable.from(chunked(bytes)) : undefined);
}

function* chunked(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
}

const getObject: S3Handler = (call) => readObject(call, true);
const headObject: S3Handler = (call) => readObject(call, false);

const deleteObject: S3Handler = (call) => {
  bucketOf(call).objects.delete(call.key);
  return s3Response(call, 204);
};

const putObjectTagging: S3Handler = async (call) => {
  const object = objectOf(call);
  object.tags = checkTags(parseTagging((await payloadOf(call)).bytes.toString('utf8')));
  return s3Response(call, 200);
};

const getObjectTagging: S3Handler = (call) => {
  const object = objectOf(call);
  return s3Response(call, 200, {}, s3Document('Tagging', { TagSet: { Tag: [...object.tags].map(([Key, Value]) => ({ Key, Value })) } }));
};

const deleteObjectTagging: S3Handler = (call) => {
  objectOf(call).tags = new Map();
  return s3Response(call, 204);
};

/** The object-level handlers by operation name. */
export const OBJECT_HANDLERS = {
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  PutObjectTagging: putObjectTagging,
  GetObjectTagging: getObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
} as const;
