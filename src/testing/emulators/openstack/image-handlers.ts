/**
 * Glance v2's image calls (Image service api-ref, `api-ref/source/v2/images-images-v2.inc`,
 * `images-data.inc`, and the samples beside them, read 2026-12):
 * - `GET /v2/images`: newest first; `limit` (default 25, as Glance's `limit_param_default`) and
 *   `marker`, with `next` and `first` as paths relative to the image endpoint
 *   (`/v2/images?marker=...`); filters `name`, `status`, `visibility`, `owner`, `tag`,
 *   `disk_format`, `container_format`, `protected`, and any other key as an extra property
 *   (`os_distro=ubuntu`).
 * - `GET`, `POST` (201, extra properties as top-level string keys; read-only attributes 403),
 *   `PATCH` (`application/openstack-images-v2.1-json-patch`: add, replace, remove) and `DELETE`
 *   (204; 403 when protected) on `/v2/images/{id}`.
 * - `PUT /v2/images/{id}/file` (`application/octet-stream`, 204): streamed in, digested as it
 *   comes (MD5 `checksum`, SHA-512 `os_hash_value`, `size`), the image `saving` meanwhile and
 *   `active` at the end; formats must be set first. `GET .../file` streams the bytes back with
 *   `Content-MD5` (204 when the image has no data), or the bytes of a `Range` (206).
 */
import { Readable } from 'node:stream';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { CORE_IMAGE_ATTRIBUTES, ImageDigest, type ImageRecord, type ImageVisibility } from './image-state.js';
import { markerPage, nextHref, parseLimit, UnknownMarkerError } from './marker-pagination.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { OpenStackApiError } from './openstack-errors.js';

const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
const VISIBILITIES: readonly ImageVisibility[] = ['public', 'private', 'shared', 'community'];
const WRITABLE = new Set(['name', 'visibility', 'protected', 'min_disk', 'min_ram', 'disk_format', 'container_format', 'tags', 'os_hidden']);
const LIST_PARAMS = new Set(['limit', 'marker', 'name', 'status', 'visibility', 'owner', 'tag', 'disk_format', 'container_format', 'protected', 'os_hidden', 'member_status', 'sort_key', 'sort_dir', 'sort', 'size_min', 'size_max', 'created_at', 'updated_at', 'id']);
const PATCH_TYPES = ['application/openstack-images-v2.1-json-patch', 'application/openstack-images-v2.0-json-patch'];
const GLANCE_DEFAULT_LIMIT = 25;

const bad = (message: string): OpenStackApiError => new OpenStackApiError(400, message);

/** An image by id, or Glance's 404. */
function findImage(call: OpenStackCall): ImageRecord {
  call.state.advance();
  const image = call.state.images.images.get(call.param('id'));
  if (!image) throw new OpenStackApiError(404, `No image found with ID ${call.param('id')}`);
  return image;
}

function render(call: OpenStackCall, image: ImageRecord): JsonObject {
  return call.state.images.render(image);
}

function schemaError(field: string, value: unknown, allowed: readonly string[]): OpenStackApiError {
  return bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not one of ${JSON.stringify(allowed)}\n\nFailed validating 'enum' in schema['properties']['${field}']`);
}

/** Applies one writable attribute or extra property to an image; throws Glance's 400/403. */
function setAttribute(image: ImageRecord, key: string, value: unknown): void {
  if (CORE_IMAGE_ATTRIBUTES.has(key) && !WRITABLE.has(key)) throw new OpenStackApiError(403, `Attribute '${key}' is read-only.`);
  switch (key) {
    case 'name':
      if (value !== null && typeof value !== 'string') throw bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'null', 'string'`);
      image.name = value;
      return;
    case 'visibility':
      if (!VISIBILITIES.includes(value as ImageVisibility)) throw schemaError('visibility', value, VISIBILITIES);
      if (value === 'public') throw new OpenStackApiError(403, 'You are not authorized to complete publicize_image action.');
      image.visibility = value as ImageVisibility;
      return;
    case 'protected':
    case 'os_hidden':
      if (typeof value !== 'boolean') throw bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'boolean'`);
      if (key === 'protected') image.protected = value;
      return;
    case 'min_disk':
    case 'min_ram':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'integer'`);
      if (key === 'min_disk') image.minDisk = value;
      else image.minRam = value;
      return;
    case 'disk_format':
    case 'container_format': {
      const allowed = key === 'disk_format' ? DISK_FORMATS : CONTAINER_FORMATS;
      if (value !== null && !allowed.includes(value as string)) throw schemaError(key, value, allowed);
      if (image.status !== 'queued') throw new OpenStackApiError(403, `Attribute ${key} can be only replaced for a queued image.`);
      if (key === 'disk_format') image.diskFormat = value as string | null;
      else image.containerFormat = value as string | null;
      return;
    }
    case 'tags':
      if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) throw bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'array'`);
      image.tags = [...new Set(value)];
      return;
    default:
      if (typeof value !== 'string') throw bad(`Provided object does not match schema 'image': ${JSON.stringify(value)} is not of type 'string'\n\nFailed validating 'type' in schema['additionalProperties']`);
      if (key.length > 255) throw bad(`Provided object does not match schema 'image': '${key.slice(0, 40)}...' is too long`);
      image.properties[key] = value;
  }
}

/** `GET /v2/images`. */
export function listImages(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  const q = call.request.query;
  let images = [...call.state.images.images.values()].filter((i) => i.visibility !== 'community' || q.get('visibility') === 'community');
  for (const [key, value] of q) {
    if (key === 'limit' || key === 'marker' || key === 'sort_key' || key === 'sort_dir' || key === 'sort' || key === 'member_status') continue;
    if (key === 'tag') images = images.filter((i) => i.tags.includes(value));
    else if (key === 'visibility') images = value === 'all' ? images : images.filter((i) => i.visibility === value);
    else if (key === 'protected') images = images.filter((i) => String(i.protected) === value);
    else if (key === 'size_min') images = images.filter((i) => (i.data?.size ?? 0) >= Number(value));
    else if (key === 'size_max') images = images.filter((i) => (i.data?.size ?? 0) <= Number(value));
    else if (LIST_PARAMS.has(key)) {
      const wanted = value.startsWith('in:') ? value.slice(3).split(',') : [value];
      images = images.filter((i) => wanted.includes(String(render(call, i)[key] ?? '')));
    } else images = images.filter((i) => i.properties[key] === value);
  }
  images.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const { limit, invalid } = parseLimit(q.get('limit'));
  if (invalid) throw bad('limit param must be an integer');
  let result;
  try {
    result = markerPage(images, (i) => i.id, { limit, marker: q.get('marker') ?? undefined, defaultLimit: GLANCE_DEFAULT_LIMIT, maxLimit: call.world.maxPageSize, linkFullPages: true });
  } catch (e) {
    if (e instanceof UnknownMarkerError) throw bad(`Marker ${e.marker} could not be found.`);
    throw e;
  }
  const body: JsonObject = { images: result.items.map((i) => render(call, i)), first: '/v2/images', schema: '/v2/schemas/images' };
  if (result.nextMarker !== undefined) body.next = nextHref('/v2/images', q, result.nextMarker, result.limit);
  return jsonResponse(200, body);
}

/** `GET /v2/images/{id}`. */
export function getImage(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, render(call, findImage(call)));
}

/** `POST /v2/images`: a record in `queued`, without data. */
export function createImage(call: OpenStackCall): EmulatorResponse {
  const body = call.body(bad);
  const id = body.id;
  if (id !== undefined && (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))) throw bad(`Provided object does not match schema 'image': ${JSON.stringify(id)} does not match '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'`);
  if (typeof id === 'string' && call.state.images.images.has(id)) throw new OpenStackApiError(409, `An image with identifier ${id} already exists`);
  const staged = call.state.images.add({ name: null, id: typeof id === 'string' ? id : undefined });
  try {
    for (const [key, value] of Object.entries(body)) if (key !== 'id') setAttribute(staged, key, value);
  } catch (e) {
    call.state.images.images.delete(staged.id);
    throw e;
  }
  return jsonResponse(201, render(call, staged), { location: `${call.serviceUrl('image')}/v2/images/${staged.id}` });
}

/** `PATCH /v2/images/{id}` with a JSON patch. */
export function updateImage(call: OpenStackCall): EmulatorResponse {
  const type = (call.request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!PATCH_TYPES.includes(type)) throw new OpenStackApiError(415, `Content-Type ${type || '(none)'} is not supported; use ${PATCH_TYPES[0]}.`, { headers: { 'accept-patch': PATCH_TYPES.join(', ') } });
  const image = findImage(call);
  let ops: unknown;
  try {
    ops = JSON.parse(call.request.body);
  } catch {
    throw bad('Malformed JSON in request body.');
  }
  if (!Array.isArray(ops)) throw bad('Request body must be a JSON array of operation objects.');
  for (const op of ops as unknown[]) {
    const { op: verb, path, value } = (typeof op === 'object' && op !== null ? op : {}) as JsonObject;
    if (typeof path !== 'string' || !path.startsWith('/') || path.length < 2) throw bad(`Pointer \`${String(path)}\` does not start with "/".`);
    const key = path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~');
    if (verb === 'add' || verb === 'replace') {
      if (verb === 'replace' && !CORE_IMAGE_ATTRIBUTES.has(key) && !(key in image.properties)) throw new OpenStackApiError(409, `Property ${key} does not exist.`);
      setAttribute(image, key, value);
    } else if (verb === 'remove') {
      if (CORE_IMAGE_ATTRIBUTES.has(key)) throw new OpenStackApiError(403, `Attribute '${key}' is read-only.`);
      if (!(key in image.properties)) throw new OpenStackApiError(409, `Property ${key} does not exist.`);
      delete image.properties[key];
    } else throw bad(`Operation objects must contain exactly one member named "add", "remove", or "replace".`);
  }
  image.updatedAt = call.state.clock.now();
  return jsonResponse(200, render(call, image));
}

/** `DELETE /v2/images/{id}`. */
export function deleteImage(call: OpenStackCall): EmulatorResponse {
  const image = findImage(call);
  if (image.protected) throw new OpenStackApiError(403, `Image ${image.id} is protected and cannot be deleted.`);
  call.state.images.images.delete(image.id);
  return { status: 204 };
}

/** `PUT /v2/images/{id}/file`: streams the data in. */
export async function uploadImageData(call: OpenStackCall): Promise<EmulatorResponse> {
  const type = (call.request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/octet-stream') throw new OpenStackApiError(415, `Content-Type '${type || '(none)'}' is not supported for image data; use application/octet-stream.`);
  const image = findImage(call);
  if (image.status !== 'queued') throw new OpenStackApiError(409, `Image status transition from ${image.status} to saving is not allowed`);
  if (image.diskFormat === null || image.containerFormat === null) throw bad('Properties disk_format, container_format must be set prior to saving data.');
  const stream = call.request.bodyStream;
  if (!stream) throw new Error('image upload route must stream its body');
  image.status = 'saving';
  image.updatedAt = call.state.clock.now();
  const digest = new ImageDigest();
  try {
    for await (const chunk of stream) digest.update(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  } catch (e) {
    image.status = 'queued';
    throw e;
  }
  if (call.request.signal.aborted) {
    image.status = 'queued';
    throw new OpenStackApiError(400, 'The client disconnected before the image data was complete.');
  }
  image.data = digest.finish();
  image.status = 'active';
  image.updatedAt = call.state.clock.now();
  return { status: 204 };
}

/** The byte range a `Range: bytes=a-b` / `bytes=a-` / `bytes=-n` header asks of `size` bytes; `undefined` without one; 416 when unsatisfiable. */
function requestedRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const unsatisfiable = (): OpenStackApiError => new OpenStackApiError(416, 'Requested range not satisfiable', { headers: { 'content-range': `bytes */${size}` } });
  if (!m || (m[1] === '' && m[2] === '')) throw bad(`Invalid Range header: ${header.slice(0, 60)}`);
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) throw unsatisfiable();
  return { start, end };
}

/** The bytes `start..end` (inclusive) of chunks, without joining them. */
function* sliceChunks(chunks: readonly Buffer[], start: number, end: number): Generator<Buffer> {
  let at = 0;
  for (const chunk of chunks) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end + 1 - at, chunk.length);
    if (from < to) yield chunk.subarray(from, to);
    at += chunk.length;
    if (at > end) return;
  }
}

/**
 * `GET /v2/images/{id}/file`: streams the data out. A `Range` header (`bytes=a-b`, `bytes=a-`,
 * `bytes=-n`) is answered 206 with `Content-Range` and no `Content-MD5` (it digests the whole
 * image), an unsatisfiable one 416, as Glance does since Pike.
 */
export function downloadImageData(call: OpenStackCall): EmulatorResponse {
  const image = findImage(call);
  if (image.status === 'deactivated') throw new OpenStackApiError(403, 'The requested image has been deactivated. Image data download is forbidden.');
  const data = image.data;
  if (!data) return { status: 204 };
  const range = requestedRange(call.request.header('range'), data.size);
  if (range) {
    return {
      status: 206,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${data.size}` },
      body: Readable.from(sliceChunks(data.chunks, range.start, range.end)),
    };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.size), 'content-md5': data.checksum },
    body: Readable.from(data.chunks),
  };
}
