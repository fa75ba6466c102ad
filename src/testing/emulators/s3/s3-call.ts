/**
 * One S3 call as its handler sees it: the request, the bucket and key it names (path style
 * `/<bucket>/<key>`, or virtual-hosted `<bucket>.localhost`), and the rules several handlers
 * share (bucket look-up, body reading, metadata and tag headers, names).
 */
import { parseAuthorization } from '../aws/signature-v4.js';
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import { s3Headers, S3Error } from './s3-errors.js';
import { readS3Payload, type S3Payload } from './s3-payload.js';
import type { S3Bucket, S3State } from './s3-state.js';

/** What the handlers serve. */
export interface S3Context {
  /** Buckets, objects, uploads. */
  readonly state: S3State;
  /** Smallest part of a multipart upload but the last. */
  readonly minPartBytes: number;
  /** Region of the emulated account. */
  readonly region: string;
  /** The secret signatures are made with (for signed streaming bodies). */
  readonly secretAccessKey: string;
}

/** A call to an S3 operation. */
export interface S3Call {
  /** The request. */
  readonly request: EmulatorRequest;
  /** Bucket named, `''` for the service. */
  readonly bucket: string;
  /** Key named, `''` for a bucket call. */
  readonly key: string;
  /** What the handlers serve. */
  readonly ctx: S3Context;
}

/** Answers an S3 operation. */
export type S3Handler = (call: S3Call) => EmulatorResponse | Promise<EmulatorResponse>;

/** The bucket and key a request names. */
export function addressOf(request: EmulatorRequest): { bucket: string; key: string } {
  const host = (request.header('host') ?? '').replace(/:\d+$/, '');
  const path = request.path;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.");
    }
  };
  if (host.endsWith('.localhost')) return { bucket: host.slice(0, -'.localhost'.length), key: decode(path.slice(1)) };
  const slash = path.indexOf('/', 1);
  if (slash === -1) return { bucket: decode(path.slice(1)), key: '' };
  return { bucket: decode(path.slice(1, slash)), key: decode(path.slice(slash + 1)) };
}

/** The bucket of a call, or `NoSuchBucket`. */
export function bucketOf(call: S3Call): S3Bucket {
  const bucket = call.ctx.state.buckets.get(call.bucket);
  if (!bucket) throw new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: call.bucket });
  return bucket;
}

/** Refuses keys S3 refuses: longer than 1,024 bytes of UTF-8. */
export function checkKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new S3Error('KeyTooLongError', 400, 'Your key is too long', { MaxSizeAllowed: '1024', Size: String(Buffer.byteLength(key, 'utf8')) });
}

/** The body of a call, decoded and checked. */
export function payloadOf(call: S3Call): Promise<S3Payload> {
  const auth = parseAuthorization(call.request.header('authorization'));
  return readS3Payload(call.request, auth ? { auth, secretAccessKey: call.ctx.secretAccessKey } : undefined);
}

/** The `x-amz-meta-*` headers, without the prefix. */
export function userMetadataOf(request: EmulatorRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) out[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** Checks a tag set against S3's limits (10 tags, keys to 128 and values to 256 characters). */
export function checkTags(tags: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (tags.size > 10) throw new S3Error('BadRequest', 400, 'Object tags cannot be greater than 10');
  for (const [key, value] of tags) {
    if (key.length === 0 || key.length > 128) throw new S3Error('InvalidTag', 400, 'The TagKey you have provided is too long, max 128');
    if (value.length > 256) throw new S3Error('InvalidTag', 400, 'The TagValue you have provided is too long, max 256');
  }
  return tags;
}

/** The tags of an `x-amz-tagging` header (URL-encoded `k=v&…`). */
export function taggingHeaderOf(request: EmulatorRequest): ReadonlyMap<string, string> {
  const header = request.header('x-amz-tagging');
  if (header === undefined || header === '') return new Map();
  return checkTags(new Map(new URLSearchParams(header)));
}

/** A success answer with S3's common headers. */
export function s3Response(call: S3Call, status: number, headers: Readonly<Record<string, string>> = {}, body?: EmulatorResponse['body']): EmulatorResponse {
  return { status, headers: s3Headers(call.request, typeof body === 'string' ? { 'content-type': 'application/xml', ...headers } : headers), body };
}
