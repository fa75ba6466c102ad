/**
 * Nova's server reads and writes besides create and actions: `GET /servers/detail` and
 * `GET /servers` (newest first, as Nova sorts by `created_at` then `id`, descending; `limit`
 * and `marker` with `servers_links` rel="next"; filters `name` — a regular expression searched in
 * the name, as Nova's database filter does —, `status`, `image`, `flavor`, `availability_zone`,
 * `key_name`; other query parameters are refused from 2.75 and ignored before, as Nova does),
 * `GET /servers/{id}`, `DELETE /servers/{id}` (204; DELETED, then 404), and the metadata calls
 * `GET`/`PUT` (replace) /`POST` (merge) `/servers/{id}/metadata` (compute api-ref, read 2026-12).
 * A deleted server that is still being removed is shown by id (status DELETED) but not listed.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { ServerRecord } from './compute-state.js';
import { renderServer, renderServerBrief, type ComputeLinks } from './compute-views.js';
import { checkMetadata } from './compute-validation.js';
import { markerPage, nextHref, parseLimit, UnknownMarkerError } from './marker-pagination.js';
import { atLeast } from './microversion.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { badRequest, notFound } from './openstack-errors.js';

const LIST_PARAMS = new Set([
  'limit',
  'marker',
  'name',
  'status',
  'image',
  'flavor',
  'availability_zone',
  'key_name',
  'changes-since',
  'changes-before',
  'ip',
  'ip6',
  'sort_key',
  'sort_dir',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
  'reservation_id',
  'locked',
  'description',
  'all_tenants',
  'deleted',
  'created_at',
  'launched_at',
  'terminated_at',
  'host',
  'node',
  'hostname',
  'user_id',
  'project_id',
  'tenant_id',
  'uuid',
  'vm_state',
  'task_state',
  'power_state',
  'config_drive',
  'access_ip_v4',
  'access_ip_v6',
  'progress',
  'root_device_name',
  'kernel_id',
  'ramdisk_id',
  'launch_index',
  'display_name',
  'display_description',
  'auto_disk_config',
  'soft_deleted',
]);

/** The compute links of a call. */
export function computeLinks(call: OpenStackCall): ComputeLinks {
  return { versioned: call.serviceUrl('compute') };
}

/** A live server by id, or Nova's 404. */
export function findServer(call: OpenStackCall, id: string): ServerRecord {
  call.state.advance();
  const server = call.state.compute.servers.get(id);
  if (!server) throw notFound(`Instance ${id} could not be found.`);
  return server;
}

function render(call: OpenStackCall, server: ServerRecord): JsonObject {
  return renderServer(server, { version: call.microversion, links: computeLinks(call), network: call.state.network });
}

function listed(call: OpenStackCall): ServerRecord[] {
  const q = call.request.query;
  if (atLeast(call.microversion, 75)) {
    for (const key of q.keys()) if (!LIST_PARAMS.has(key)) throw badRequest(`Invalid input for query parameters ${key}. Value: ${q.get(key)}. Additional properties are not allowed ('${key}' was unexpected)`);
  }
  call.state.advance();
  let servers = [...call.state.compute.servers.values()].filter((s) => s.state !== 'DELETED');
  const name = q.get('name');
  if (name !== null) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(name);
    } catch {
      throw badRequest(`Invalid input for query parameters name. Value: ${name}. '${name}' is not a 'regex'`);
    }
    servers = servers.filter((s) => pattern.test(s.name));
  }
  const statuses = q.getAll('status').map((s) => s.toUpperCase());
  if (statuses.length > 0) servers = servers.filter((s) => statuses.includes(s.state));
  const image = q.get('image');
  if (image !== null) servers = servers.filter((s) => s.imageId === image);
  const flavor = q.get('flavor');
  if (flavor !== null) servers = servers.filter((s) => s.flavor.id === flavor);
  const zone = q.get('availability_zone');
  if (zone !== null) servers = servers.filter((s) => s.availabilityZone === zone);
  const keyName = q.get('key_name');
  if (keyName !== null) servers = servers.filter((s) => s.keyName === keyName);
  return servers.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function page(call: OpenStackCall, path: string, view: (s: ServerRecord) => JsonObject): EmulatorResponse {
  const q = call.request.query;
  const { limit, invalid } = parseLimit(q.get('limit'));
  if (invalid) throw badRequest(`Invalid input for query parameters limit. Value: ${q.get('limit')}. '${q.get('limit')}' does not match '^[0-9]*$'`);
  let result;
  try {
    result = markerPage(listed(call), (s) => s.id, { limit, marker: q.get('marker') ?? undefined, maxLimit: call.world.maxPageSize, linkFullPages: true });
  } catch (e) {
    if (e instanceof UnknownMarkerError) throw badRequest(e.message);
    throw e;
  }
  const body: JsonObject = { servers: result.items.map(view) };
  if (result.nextMarker !== undefined) body.servers_links = [{ href: nextHref(`${call.serviceUrl('compute')}${path}`, q, result.nextMarker, result.limit), rel: 'next' }];
  return jsonResponse(200, body);
}

/** `GET /servers/detail`. */
export function listServersDetail(call: OpenStackCall): EmulatorResponse {
  return page(call, '/servers/detail', (s) => render(call, s));
}

/** `GET /servers`. */
export function listServers(call: OpenStackCall): EmulatorResponse {
  return page(call, '/servers', (s) => renderServerBrief(s, computeLinks(call)));
}

/** `GET /servers/{id}`. */
export function getServer(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { server: render(call, findServer(call, call.param('id'))) });
}

/** `DELETE /servers/{id}`. */
export function deleteServer(call: OpenStackCall): EmulatorResponse {
  const server = findServer(call, call.param('id'));
  if (server.state !== 'DELETED') call.state.deleteServer(server);
  return { status: 204 };
}

/** `GET /servers/{id}/metadata`. */
export function getServerMetadata(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { metadata: { ...findServer(call, call.param('id')).metadata } });
}

function metadataBody(call: OpenStackCall): Record<string, string> {
  const body = call.body(badRequest);
  if (body.metadata === undefined) throw badRequest("Invalid input for field/attribute metadata. Value: None. 'metadata' is a required property");
  return checkMetadata(body.metadata);
}

/** `PUT /servers/{id}/metadata`: replaces every item. */
export function replaceServerMetadata(call: OpenStackCall): EmulatorResponse {
  const server = findServer(call, call.param('id'));
  server.metadata = metadataBody(call);
  server.updatedAt = call.state.clock.now();
  return jsonResponse(200, { metadata: { ...server.metadata } });
}

/** `POST /servers/{id}/metadata`: adds or changes the items sent. */
export function updateServerMetadata(call: OpenStackCall): EmulatorResponse {
  const server = findServer(call, call.param('id'));
  const merged = checkMetadata({ ...server.metadata, ...metadataBody(call) });
  server.metadata = merged;
  server.updatedAt = call.state.clock.now();
  return jsonResponse(200, { metadata: { ...merged } });
}
