/**
 * Nova's catalog and account reads: flavors (`GET /flavors/detail` paged with `flavors_links`,
 * `GET /flavors/{id}`; public flavors unless `is_public=None`; `minRam`/`minDisk` filters), key
 * pairs (list, create — imported, or generated before 2.92 —, get, delete), availability zones
 * and the project's absolute limits (`maxTotal*` and `total*Used`, -1 when unlimited), in the
 * shapes of the compute api-ref (read 2026-12).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { renderFlavor } from './compute-views.js';
import { checkName } from './compute-validation.js';
import { markerPage, nextHref, parseLimit, UnknownMarkerError } from './marker-pagination.js';
import { atLeast } from './microversion.js';
import { isoSeconds, type OpenStackCall } from './openstack-call.js';
import { badRequest, conflict, notFound } from './openstack-errors.js';
import { computeLinks } from './server-handlers.js';
import type { KeypairRecord } from './compute-state.js';

/** `GET /flavors/detail`. */
export function listFlavors(call: OpenStackCall): EmulatorResponse {
  const q = call.request.query;
  // is_public: absent or true → public flavors; `None` → all; false → private ones.
  const isPublic = q.get('is_public')?.toLowerCase();
  const visible = (f: { readonly isPublic: boolean }): boolean => (isPublic === undefined || ['true', '1', 'yes'].includes(isPublic) ? f.isPublic : isPublic === 'none' || !f.isPublic);
  const minRam = Number(q.get('minRam') ?? 0);
  const minDisk = Number(q.get('minDisk') ?? 0);
  const flavors = call.state.compute.flavors.filter((f) => visible(f) && f.ramMiB >= minRam && f.diskGiB >= minDisk);
  const { limit, invalid } = parseLimit(q.get('limit'));
  if (invalid) throw badRequest(`Invalid input for query parameters limit. Value: ${q.get('limit')}. '${q.get('limit')}' does not match '^[0-9]*$'`);
  let result;
  try {
    result = markerPage(flavors, (f) => f.id, { limit, marker: q.get('marker') ?? undefined, maxLimit: call.world.maxPageSize, linkFullPages: true });
  } catch (e) {
    if (e instanceof UnknownMarkerError) throw badRequest(e.message);
    throw e;
  }
  const body: Record<string, unknown> = { flavors: result.items.map((f) => renderFlavor(f, call.microversion, computeLinks(call))) };
  if (result.nextMarker !== undefined) body.flavors_links = [{ href: nextHref(`${call.serviceUrl('compute')}/flavors/detail`, q, result.nextMarker, result.limit), rel: 'next' }];
  return jsonResponse(200, body);
}

/** `GET /flavors/{id}`. */
export function getFlavor(call: OpenStackCall): EmulatorResponse {
  const flavor = call.state.compute.flavor(call.param('id'));
  if (!flavor) throw notFound(`Flavor ${call.param('id')} could not be found.`);
  return jsonResponse(200, { flavor: renderFlavor(flavor, call.microversion, computeLinks(call)) });
}

function renderKeypair(k: KeypairRecord, call: OpenStackCall, withUser: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { fingerprint: k.fingerprint, name: k.name, public_key: k.publicKey };
  if (atLeast(call.microversion, 2)) view.type = k.type;
  if (withUser) view.user_id = k.userId;
  return view;
}

/** `GET /os-keypairs`. */
export function listKeypairs(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { keypairs: [...call.state.compute.keypairs.values()].map((k) => ({ keypair: renderKeypair(k, call, false) })) });
}

/** `GET /os-keypairs/{name}`. */
export function getKeypair(call: OpenStackCall): EmulatorResponse {
  const k = call.state.compute.keypairs.get(call.param('name'));
  if (!k) throw notFound(`Keypair ${call.param('name')} not found for user ${call.userId}`);
  return jsonResponse(200, { keypair: { ...renderKeypair(k, call, true), created_at: isoSeconds(k.createdAt).replace('Z', '.000000'), deleted: false, deleted_at: null, id: 1, updated_at: null } });
}

/** `DELETE /os-keypairs/{name}`. */
export function deleteKeypair(call: OpenStackCall): EmulatorResponse {
  if (!call.state.compute.keypairs.delete(call.param('name'))) throw notFound(`Keypair ${call.param('name')} not found for user ${call.userId}`);
  return { status: atLeast(call.microversion, 2) ? 204 : 202 };
}

/** The MD5 fingerprint of an OpenSSH public key line, as Nova computes it. */
function fingerprint(publicKey: string): string | undefined {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  return createHash('md5').update(Buffer.from(blob, 'base64')).digest('hex').replace(/(..)(?!$)/g, '$1:');
}

function generatedKey(): { readonly publicKey: string; readonly privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const part = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return { publicKey: `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]).toString('base64')} Generated-by-Nova`, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

/** `POST /os-keypairs`: imports `public_key`, or (before 2.92) generates a pair and returns its private key once. */
export function createKeypair(call: OpenStackCall): EmulatorResponse {
  const spec = call.body(badRequest).keypair;
  if (typeof spec !== 'object' || spec === null) throw badRequest("Invalid input for field/attribute keypair. Value: None. 'keypair' is a required property");
  const { name: rawName, public_key: publicKey, type } = spec as Record<string, unknown>;
  const name = checkName(rawName);
  if (call.state.compute.keypairs.has(name)) throw conflict(`Key pair '${name}' already exists.`);
  let key: { readonly publicKey: string; readonly privateKey: string | undefined };
  if (typeof publicKey === 'string') key = { publicKey, privateKey: undefined };
  else if (atLeast(call.microversion, 92)) throw badRequest("Invalid input for field/attribute keypair. Value: ... 'public_key' is a required property");
  else key = generatedKey();
  const print = fingerprint(key.publicKey);
  if (print === undefined) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
  const record: KeypairRecord = { name, publicKey: key.publicKey, fingerprint: print, type: typeof type === 'string' ? type : 'ssh', userId: call.userId, createdAt: call.state.clock.now() };
  call.state.compute.keypairs.set(name, record);
  const view = renderKeypair(record, call, true);
  if (key.privateKey !== undefined) view.private_key = key.privateKey;
  return jsonResponse(atLeast(call.microversion, 2) ? 201 : 200, { keypair: view });
}

/** `GET /os-availability-zone`. */
export function listAvailabilityZones(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { availabilityZoneInfo: call.state.compute.availabilityZones.map((zoneName) => ({ hosts: null, zoneName, zoneState: { available: true } })) });
}

/** `GET /limits`. */
export function getLimits(call: OpenStackCall): EmulatorResponse {
  call.state.advance();
  const used = call.state.compute.quotaUsage();
  const limit = (name: string): number => call.quota(name) ?? -1;
  const absolute: Record<string, number> = {
    maxImageMeta: 128,
    maxServerGroupMembers: 10,
    maxServerGroups: 10,
    maxServerMeta: 128,
    maxTotalCores: limit('cores'),
    maxTotalInstances: limit('instances'),
    maxTotalKeypairs: 100,
    maxTotalRAMSize: limit('ram'),
    totalCoresUsed: used.cores,
    totalInstancesUsed: used.instances,
    totalRAMUsed: used.ram,
    totalServerGroupsUsed: 0,
  };
  if (!atLeast(call.microversion, 57)) Object.assign(absolute, { maxPersonality: 5, maxPersonalitySize: 10240 });
  return jsonResponse(200, { limits: { absolute, rate: [] } });
}
