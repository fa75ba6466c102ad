/**
 * Nova's JSON for servers and flavors, by microversion, as the compute api-ref and its API
 * samples show them (nova `doc/api_samples/servers/v2.73/server-get-resp.json`,
 * `servers/v2.47/server-get-resp.json`, `flavors/v2.75/flavor-get-resp.json`, read 2026-12):
 * from 2.47 the flavor is embedded (`original_name`, `vcpus`, `ram`, `disk`, `ephemeral`, `swap`,
 * `extra_specs`) instead of linked; 2.9 adds `locked`, 2.19 `description`, 2.26 `tags`, 2.63
 * `trusted_image_certificates`, 2.71 `server_groups`, 2.73 `locked_reason`, 2.96
 * `pinned_availability_zone`. The `OS-EXT-SRV-ATTR:*` and `host_status` fields are admin-only
 * under Nova's default policy, and the emulated user is not an admin, so they are left out; so is
 * a 500 fault's `details`, which Nova shows only to admins. A server booted from a volume has
 * `image: ""`.
 */
import { createHash } from 'node:crypto';
import { extendedStatus, type ServerRecord } from './compute-state.js';
import type { FlavorRecord } from './flavor-catalog.js';
import { atLeast, type Microversion } from './microversion.js';
import { isoSeconds } from './openstack-call.js';
import type { NetworkState } from './network-state.js';

type Json = Record<string, unknown>;

/** Where a view's links point: the compute base URL as the client reached it. */
export interface ComputeLinks {
  /** `https://host:port/compute/v2.1` (or under an interface prefix). */
  readonly versioned: string;
}

function bookmarkBase(links: ComputeLinks): string {
  return links.versioned.replace(/\/v2(\.1)?$/, '');
}

function resourceLinks(links: ComputeLinks, collection: string, id: string): Json[] {
  return [
    { href: `${links.versioned}/${collection}/${id}`, rel: 'self' },
    { href: `${bookmarkBase(links)}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

/** A server as `GET /servers/{id}` shows it at `version`. */
export function renderServer(server: ServerRecord, context: { readonly version: Microversion; readonly links: ComputeLinks; readonly network: NetworkState }): Json {
  const { version, links, network } = context;
  const { vmState, powerState } = extendedStatus(server.state);
  const view: Json = {
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': server.availabilityZone,
    'OS-EXT-STS:power_state': powerState,
    'OS-EXT-STS:task_state': server.taskState,
    'OS-EXT-STS:vm_state': vmState,
    'OS-SRV-USG:launched_at': server.launchedAt === undefined ? null : new Date(server.launchedAt).toISOString().replace('Z', '000'),
    'OS-SRV-USG:terminated_at': null,
    accessIPv4: '',
    accessIPv6: '',
    addresses: addresses(server, network),
    config_drive: '',
    created: isoSeconds(server.createdAt),
    flavor: atLeast(version, 47) ? embeddedFlavor(server.flavor) : { id: server.flavor.id, links: [{ href: `${bookmarkBase(links)}/flavors/${server.flavor.id}`, rel: 'bookmark' }] },
    hostId: server.placed ? createHash('sha224').update(`${server.projectId}compute-1`).digest('hex') : '',
    id: server.id,
    image: server.imageId === undefined ? '' : { id: server.imageId, links: [{ href: `${bookmarkBase(links)}/images/${server.imageId}`, rel: 'bookmark' }] },
    key_name: server.keyName ?? null,
    links: resourceLinks(links, 'servers', server.id),
    metadata: { ...server.metadata },
    name: server.name,
    'os-extended-volumes:volumes_attached': server.bootVolume ? [{ id: bootVolumeId(server), ...(atLeast(version, 3) ? { delete_on_termination: server.bootVolume.deleteOnTermination } : {}) }] : [],
    status: server.state,
    tenant_id: server.projectId,
    updated: isoSeconds(server.updatedAt),
    user_id: server.userId,
  };
  if (server.state === 'BUILD' || server.state === 'ACTIVE') view.progress = 0;
  if (server.securityGroups.length > 0) view.security_groups = server.securityGroups.map((name) => ({ name }));
  if (server.state === 'ERROR' && server.fault) {
    const fault: Json = { code: server.fault.code, created: isoSeconds(server.fault.created), message: server.fault.message };
    if (server.fault.code !== 500 && server.fault.details !== '') fault.details = server.fault.details;
    view.fault = fault;
  }
  if (atLeast(version, 9)) view.locked = false;
  if (atLeast(version, 19)) view.description = server.description;
  if (atLeast(version, 26)) view.tags = [];
  if (atLeast(version, 63)) view.trusted_image_certificates = null;
  if (atLeast(version, 71)) view.server_groups = [];
  if (atLeast(version, 73)) view.locked_reason = null;
  if (atLeast(version, 96)) view.pinned_availability_zone = null;
  return view;
}

/** A server in `GET /servers` (id, name, links). */
export function renderServerBrief(server: ServerRecord, links: ComputeLinks): Json {
  return { id: server.id, links: resourceLinks(links, 'servers', server.id), name: server.name };
}

/** The id Nova's volume for a boot-from-volume server has here (stable per server). */
export function bootVolumeId(server: ServerRecord): string {
  const h = createHash('sha256').update(`volume:${server.id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function embeddedFlavor(f: FlavorRecord): Json {
  return { disk: f.diskGiB, ephemeral: f.ephemeralGiB, extra_specs: { ...f.extraSpecs }, original_name: f.name, ram: f.ramMiB, swap: 0, vcpus: f.vcpus };
}

function addresses(server: ServerRecord, network: NetworkState): Record<string, Json[]> {
  const out: Record<string, Json[]> = {};
  for (const { portId } of server.ports) {
    const port = network.ports.get(portId);
    const net = port ? network.networks.get(port.networkId) : undefined;
    if (!port || !net) continue;
    const list = (out[net.name] ??= []);
    for (const ip of port.fixedIps) {
      list.push({ 'OS-EXT-IPS-MAC:mac_addr': port.macAddress, 'OS-EXT-IPS:type': 'fixed', addr: ip.ipAddress, version: 4 });
    }
    for (const fip of network.floatingIps.values()) {
      if (fip.portId === port.id) list.push({ 'OS-EXT-IPS-MAC:mac_addr': port.macAddress, 'OS-EXT-IPS:type': 'floating', addr: fip.floatingIpAddress, version: 4 });
    }
  }
  return out;
}

/** A flavor as `GET /flavors/{id}` shows it at `version`. */
export function renderFlavor(f: FlavorRecord, version: Microversion, links: ComputeLinks): Json {
  const view: Json = {
    'OS-FLV-DISABLED:disabled': false,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGiB,
    disk: f.diskGiB,
    id: f.id,
    links: resourceLinks(links, 'flavors', f.id),
    name: f.name,
    'os-flavor-access:is_public': f.isPublic,
    ram: f.ramMiB,
    rxtx_factor: 1.0,
    // Before 2.75 an unset swap is the empty string.
    swap: atLeast(version, 75) ? 0 : '',
    vcpus: f.vcpus,
  };
  if (atLeast(version, 55)) view.description = f.description;
  if (atLeast(version, 61)) view.extra_specs = { ...f.extraSpecs };
  return view;
}
