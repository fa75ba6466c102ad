/**
 * The JSON API's object and bucket calls: objects get (metadata, or the bytes with `alt=media`
 * and `Range`), list (`prefix`, `delimiter`, `maxResults` up to 1000, `pageToken` bound to its
 * query), delete, patch (metadata merged, a `null` value removes a key; metageneration + 1),
 * single-request inserts (`uploadType=media` and `multipart`), and buckets get and insert; each
 * with the generation and metageneration preconditions Cloud Storage takes.
 */
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import { checkPageSize, paginate, PaginationError } from '../kit/token-pagination.js';
import { GcsError, invalid, noSuchBucket, noSuchObject } from './gcs-error.js';
import type { GcsObjectRecord } from './gcs-state.js';
import { binaryBody, checkPreconditions, mediaResponse, preconditionsOf, type GcsWorld } from './gcs-world.js';
import { bucketResource, objectResource } from './object-views.js';

/** The bucket of the request's `:bucket`, or 404. */
export function bucketOf(world: GcsWorld, request: EmulatorRequest): string {
  const name = request.params.bucket ?? '';
  if (!world.state.bucket(name)) throw noSuchBucket();
  return name;
}

/** The live object of `:bucket`/`:object` (or the `generation` asked for), or 404. */
function liveObject(world: GcsWorld, request: EmulatorRequest): GcsObjectRecord {
  const bucket = bucketOf(world, request);
  const name = request.params.object ?? '';
  const o = world.state.object(bucket, name);
  const generation = request.query.get('generation');
  if (!o || (generation !== null && generation !== String(o.generation))) throw noSuchObject(bucket, name);
  return o;
}

/** `GET /storage/v1/b/{bucket}/o/{object}` (and `?alt=media`). */
export function getObject(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const o = liveObject(world, request);
  checkPreconditions(o, preconditionsOf(request));
  if (request.query.get('alt') === 'media') return mediaResponse(o, request.header('range'));
  return jsonResponse(200, objectResource(world.endpoint(), o));
}

/** `GET /storage/v1/b/{bucket}/o`. */
export function listObjects(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const bucket = bucketOf(world, request);
  const prefix = request.query.get('prefix') ?? '';
  const delimiter = request.query.get('delimiter') ?? '';
  const max = request.query.get('maxResults');
  let pageSize: number | undefined;
  try {
    pageSize = checkPageSize(max === null ? undefined : Number(max), { min: 1, max: 1000, default: 1000 });
  } catch {
    // Cloud Storage takes any maxResults and serves at most 1000.
    pageSize = 1000;
  }
  const entries: ({ readonly object: GcsObjectRecord } | { readonly prefix: string })[] = [];
  const seen = new Set<string>();
  for (const o of world.state.objectsOf(bucket)) {
    if (!o.name.startsWith(prefix)) continue;
    const cut = delimiter === '' ? -1 : o.name.indexOf(delimiter, prefix.length);
    if (cut === -1) entries.push({ object: o });
    else {
      const p = o.name.slice(0, cut + delimiter.length);
      if (!seen.has(p)) {
        seen.add(p);
        entries.push({ prefix: p });
      }
    }
  }
  let page;
  try {
    page = paginate(entries, { token: request.query.get('pageToken') ?? undefined, pageSize, query: `${bucket}\n${prefix}\n${delimiter}` });
  } catch (e) {
    if (e instanceof PaginationError) throw invalid('Invalid argument: pageToken');
    throw e;
  }
  const body: Record<string, unknown> = { kind: 'storage#objects' };
  const items = page.items.flatMap((e) => ('object' in e ? [objectResource(world.endpoint(), e.object)] : []));
  const prefixes = page.items.flatMap((e) => ('prefix' in e ? [e.prefix] : []));
  if (items.length > 0) body.items = items;
  if (prefixes.length > 0) body.prefixes = prefixes;
  if (page.nextToken) body.nextPageToken = page.nextToken;
  return jsonResponse(200, body);
}

/** `DELETE /storage/v1/b/{bucket}/o/{object}`: 204. */
export function deleteObject(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const o = liveObject(world, request);
  checkPreconditions(o, preconditionsOf(request));
  world.state.deleteObject(o.bucket, o.name);
  return { status: 204 };
}

/** `PATCH /storage/v1/b/{bucket}/o/{object}`: user metadata merged, content type replaced. */
export function patchObject(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const o = liveObject(world, request);
  checkPreconditions(o, preconditionsOf(request));
  let body: { metadata?: Record<string, string | null> | null; contentType?: string };
  try {
    body = request.json<typeof body>({});
  } catch {
    throw new GcsError(400, 'parseError', 'Parse Error');
  }
  if (body.metadata === null) o.metadata = {};
  else if (body.metadata) {
    for (const [k, v] of Object.entries(body.metadata)) {
      if (v === null) delete o.metadata[k];
      else o.metadata[k] = String(v);
    }
  }
  if (typeof body.contentType === 'string') o.contentType = body.contentType;
  o.metageneration++;
  o.updated = world.state.clock();
  return jsonResponse(200, objectResource(world.endpoint(), o));
}

/** What an insert carries besides its bytes. */
export interface InsertMetadata {
  /** Object name. */
  readonly name: string;
  /** Media type. */
  readonly contentType: string;
  /** User metadata. */
  readonly metadata: Record<string, string>;
}

/** The object metadata of an insert: the JSON resource, with `name` from the query when absent. */
export function insertMetadataOf(request: EmulatorRequest, resource: { name?: unknown; contentType?: unknown; metadata?: unknown }, mediaType?: string): InsertMetadata {
  const name = typeof resource.name === 'string' && resource.name !== '' ? resource.name : (request.query.get('name') ?? '');
  if (name === '') throw new GcsError(400, 'required', 'Required', {}, { type: 'parameter', name: 'name' });
  const metadata: Record<string, string> = {};
  if (resource.metadata && typeof resource.metadata === 'object') for (const [k, v] of Object.entries(resource.metadata as Record<string, unknown>)) if (v !== null && v !== undefined) metadata[k] = String(v);
  const contentType = typeof resource.contentType === 'string' ? resource.contentType : (mediaType ?? 'application/octet-stream');
  return { name, contentType, metadata };
}

/** `POST /upload/storage/v1/b/{bucket}/o?uploadType=media|multipart`. */
export async function insertObject(world: GcsWorld, request: EmulatorRequest): Promise<EmulatorResponse> {
  const bucket = bucketOf(world, request);
  const type = request.query.get('uploadType');
  const data = await binaryBody(request, world.maxObjectBytes);
  let meta: InsertMetadata;
  let content: Buffer;
  if (type === 'media') {
    meta = insertMetadataOf(request, {}, request.header('content-type'));
    content = data;
  } else if (type === 'multipart') {
    const parts = multipartParts(request.header('content-type') ?? '', data);
    let resource: Record<string, unknown>;
    try {
      resource = JSON.parse(parts.metadata.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new GcsError(400, 'parseError', 'Parse Error');
    }
    meta = insertMetadataOf(request, resource, parts.mediaType);
    content = parts.media;
  } else throw invalid(`Invalid upload type: ${type ?? '(none)'}`);
  checkPreconditions(world.state.object(bucket, meta.name), preconditionsOf(request));
  const o = world.state.putObject({ bucket, name: meta.name, data: content, contentType: meta.contentType, metadata: meta.metadata });
  return jsonResponse(200, objectResource(world.endpoint(), o));
}

/** The two parts of a `multipart/related` insert: the JSON resource and the media. */
function multipartParts(contentType: string, body: Buffer): { metadata: Buffer; media: Buffer; mediaType: string | undefined } {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!/^multipart\/related/i.test(contentType) || !m) throw invalid('Multipart upload requires a multipart/related body with a boundary.');
  const delimiter = Buffer.from(`--${m[1]}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    parts.push(body.subarray(at + delimiter.length, next));
    at = next;
  }
  if (parts.length < 2) throw invalid('Multipart upload needs a metadata part and a media part.');
  const read = (part: Buffer): { headers: string; content: Buffer } => {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) throw invalid('Malformed multipart part.');
    let content = part.subarray(split + 4);
    if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
    return { headers: part.subarray(0, split).toString('utf8'), content };
  };
  const metadata = read(parts[0]!);
  const media = read(parts[1]!);
  const type = /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1]?.trim();
  return { metadata: metadata.content, media: media.content, mediaType: type };
}

/** `GET /storage/v1/b/{bucket}`. */
export function getBucket(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const name = bucketOf(world, request);
  return jsonResponse(200, bucketResource(world.endpoint(), world.state.project, world.state.bucket(name)!));
}

/** `POST /storage/v1/b?project=`: 409 when it exists. */
export function insertBucket(world: GcsWorld, request: EmulatorRequest): EmulatorResponse {
  const body = request.json<{ name?: unknown }>({});
  const name = typeof body.name === 'string' ? body.name : '';
  if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(name)) throw invalid(`Invalid bucket name: '${name}'`);
  if (!world.state.createBucket(name)) throw new GcsError(409, 'conflict', 'Your previous request to create the named bucket succeeded and you already own it.');
  return jsonResponse(200, bucketResource(world.endpoint(), world.state.project, world.state.bucket(name)!));
}
