/**
 * `POST /servers`, as Nova takes it (compute api-ref "Create Server" and the samples
 * `servers/v2.73/server-create-req.json` / `-resp.json`, read 2026-12): the body is validated
 * in Nova's words (unknown keys refused, `networks` required from 2.37, base64 `user_data`,
 * metadata rules), the flavor, image, boot volume, networks, ports, security groups, key pair
 * and zone are resolved, and the quota (instances, cores, RAM) is checked — 403 "Quota exceeded
 * for cores: Requested 4, but already used 8 of 8 cores". Then the server exists (202 with `id`,
 * `links`, `OS-DCF:diskConfig`, `security_groups`, `adminPass`) and is in BUILD. When the host
 * pool (or the fault plan's `capacity`) has no room, it is still accepted and goes to ERROR with
 * "No valid host was found. There are not enough hosts available.", as the scheduler reports;
 * such a server gets no ports. Otherwise Nova makes a port on each requested network (device
 * owner `compute:<zone>`) and binds the ports the user passed in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { ServerPort, ServerRecord } from './compute-state.js';
import { checkMetadata, checkName, checkUserData, invalidInput, optionalString, unexpectedKeys } from './compute-validation.js';
import type { FlavorRecord } from './flavor-catalog.js';
import type { ImageRecord } from './image-state.js';
import { atLeast } from './microversion.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { badRequest, conflict, forbidden, OpenStackApiError } from './openstack-errors.js';
import type { NetworkRecord, PortRecord } from './network-state.js';

const TOP_KEYS = new Set(['server', 'os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints']);
const SERVER_KEYS = new Set([
  'name',
  'imageRef',
  'flavorRef',
  'adminPass',
  'metadata',
  'networks',
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
  'personality',
  'block_device_mapping',
  'block_device_mapping_v2',
  'config_drive',
  'key_name',
  'min_count',
  'max_count',
  'return_reservation_id',
  'security_groups',
  'user_data',
  'availability_zone',
  'description',
  'tags',
  'trusted_image_certificates',
  'host',
  'hypervisor_hostname',
  'hostname',
]);
const BDM_KEYS = new Set(['boot_index', 'uuid', 'source_type', 'destination_type', 'volume_size', 'delete_on_termination', 'device_name', 'disk_bus', 'device_type', 'guest_format', 'volume_type', 'tag', 'no_device']);
const NETWORK_KEYS = new Set(['uuid', 'port', 'fixed_ip', 'tag']);
const GIB = 1024 ** 3;

/** A network or port the server is to be attached to. */
type NetworkRequest = { readonly network: NetworkRecord; readonly fixedIp: string | undefined } | { readonly port: PortRecord };

interface BootSource {
  readonly image: ImageRecord;
  readonly imageId: string | undefined;
  readonly bootVolume: ServerRecord['bootVolume'];
}

/** `POST /servers`. */
export function createServer(call: OpenStackCall): EmulatorResponse {
  const body = call.body(badRequest);
  const extraTop = unexpectedKeys('', body, TOP_KEYS);
  if (extraTop) throw extraTop;
  const server = body.server;
  if (typeof server !== 'object' || server === null || Array.isArray(server)) throw badRequest("Invalid input for field/attribute server. Value: None. 'server' is a required property");
  const spec = server as JsonObject;
  const extra = unexpectedKeys('server', spec, SERVER_KEYS);
  if (extra) throw extra;
  const name = checkName(spec.name);
  const flavor = resolveFlavor(call, spec.flavorRef);
  const boot = resolveBootSource(call, spec, flavor);
  const networks = resolveNetworks(call, spec.networks);
  const securityGroups = resolveSecurityGroups(call, spec.security_groups);
  const userData = spec.user_data === undefined || spec.user_data === null ? undefined : checkUserData(spec.user_data);
  const metadata = spec.metadata === undefined ? {} : checkMetadata(spec.metadata);
  const keyName = optionalString(spec.key_name, 'key_name');
  if (keyName !== undefined && !call.state.compute.keypairs.has(keyName)) throw badRequest('Invalid key_name provided.');
  const zone = optionalString(spec.availability_zone, 'availability_zone');
  if (zone !== undefined && !call.state.compute.availabilityZones.includes(zone)) throw badRequest('The requested availability zone is not available');
  for (const count of ['min_count', 'max_count'] as const) {
    if (spec[count] !== undefined && spec[count] !== 1 && spec[count] !== '1') throw badRequest(`${count} other than 1 is not served by the emulator`);
  }
  checkQuota(call, flavor);

  const compute = call.state.compute;
  const now = call.state.clock.now();
  const record: ServerRecord = {
    id: randomUUID(),
    name,
    flavor: { ...flavor },
    imageId: boot.imageId,
    bootVolume: boot.bootVolume,
    metadata,
    keyName,
    availabilityZone: zone ?? '',
    userData,
    securityGroups: securityGroups.map((g) => g.name),
    ports: [],
    createdAt: now,
    updatedAt: now,
    launchedAt: undefined,
    projectId: call.state.project.id,
    userId: call.userId,
    fault: undefined,
    taskState: 'scheduling',
    placed: false,
    snapshotUntil: undefined,
    removeAt: undefined,
    instanceName: compute.nextInstanceName(),
    reservationId: `r-${randomBytes(4).toString('hex')}`,
    description: optionalString(spec.description, 'description') ?? null,
    state: 'BUILD',
    transition: undefined,
  };
  compute.servers.set(record.id, record);
  if (place(call, record)) {
    record.ports = attachNetworks(call, record, networks, securityGroups.map((g) => g.id));
    compute.schedule(record, 'spawning', 'ACTIVE', compute.timings.buildMs);
  } else {
    compute.schedule(record, 'scheduling', 'ERROR', compute.timings.buildMs, 'no-valid-host');
  }
  const links = [
    { href: `${call.serviceUrl('compute')}/servers/${record.id}`, rel: 'self' },
    { href: `${call.serviceUrl('compute').replace(/\/v2\.1$/, '')}/servers/${record.id}`, rel: 'bookmark' },
  ];
  const adminPass = typeof spec.adminPass === 'string' ? spec.adminPass : randomBytes(9).toString('base64url').slice(0, 12);
  return jsonResponse(
    202,
    { server: { 'OS-DCF:diskConfig': 'MANUAL', adminPass, id: record.id, links, security_groups: record.securityGroups.map((n) => ({ name: n })) } },
    { location: links[0]!.href },
  );
}

function resolveFlavor(call: OpenStackCall, ref: unknown): FlavorRecord {
  if (ref === undefined) throw badRequest("Invalid input for field/attribute server. Value: ... 'flavorRef' is a required property");
  if (typeof ref !== 'string' && typeof ref !== 'number') throw badRequest('Invalid flavorRef provided.');
  const flavor = call.state.compute.flavor(String(ref));
  if (!flavor) throw badRequest(`Flavor ${ref} could not be found.`);
  return flavor;
}

function findImage(call: OpenStackCall, ref: string): ImageRecord {
  call.state.images.advance();
  const id = ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  const image = call.state.images.images.get(id);
  if (!image) throw badRequest('Can not find requested image');
  if (image.status !== 'active') throw badRequest(`Image ${id} is not active.`);
  return image;
}

function resolveBootSource(call: OpenStackCall, spec: JsonObject, flavor: FlavorRecord): BootSource {
  const imageRef = optionalString(spec.imageRef, 'imageRef');
  const bdms = spec.block_device_mapping_v2;
  if (bdms !== undefined) {
    if (!Array.isArray(bdms)) throw invalidInput('block_device_mapping_v2', bdms, `${JSON.stringify(bdms)} is not of type 'array'`);
    const root = bdms.find((b: unknown) => typeof b === 'object' && b !== null && Number((b as JsonObject).boot_index) === 0) as JsonObject | undefined;
    for (const bdm of bdms as unknown[]) {
      if (typeof bdm !== 'object' || bdm === null) throw invalidInput('block_device_mapping_v2', bdm, "is not of type 'object'");
      const extra = unexpectedKeys('block_device_mapping_v2', bdm as JsonObject, BDM_KEYS);
      if (extra) throw extra;
    }
    if (root) {
      if (root.source_type !== 'image' || root.destination_type !== 'volume') {
        throw badRequest('Block Device Mapping is Invalid: the emulator boots from volumes made from images only (source_type image, destination_type volume).');
      }
      if (typeof root.uuid !== 'string') throw badRequest('Block Device Mapping is Invalid: failed to get image for the boot device.');
      const image = findImage(call, root.uuid);
      const size = Number(root.volume_size);
      if (!Number.isInteger(size) || size <= 0) throw badRequest("Block Device Mapping is Invalid: Images with destination_type 'volume' need to have a non-zero size specified");
      const minBytes = Math.max(image.minDisk * GIB, image.data?.size ?? 0);
      if (size * GIB < minBytes) throw badRequest(`Volume is smaller than the minimum size specified in image metadata. Volume size is ${size * GIB} bytes, minimum size is ${minBytes} bytes.`);
      return { image, imageId: undefined, bootVolume: { sizeGiB: size, imageId: image.id, deleteOnTermination: root.delete_on_termination === true } };
    }
  }
  if (imageRef === undefined || imageRef === '') throw badRequest('Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.');
  const image = findImage(call, imageRef);
  if (flavor.diskGiB > 0) {
    if (image.minDisk > flavor.diskGiB) throw badRequest(`Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavor.diskGiB * GIB} bytes, minimum size is ${image.minDisk * GIB} bytes.`);
    if ((image.data?.size ?? 0) > flavor.diskGiB * GIB) throw badRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavor.diskGiB * GIB} bytes, image is ${image.data?.size ?? 0} bytes.`);
  }
  return { image, imageId: image.id, bootVolume: undefined };
}

function resolveNetworks(call: OpenStackCall, value: unknown): NetworkRequest[] {
  const net = call.state.network;
  const tenantNetwork = (): NetworkRecord => {
    const found = [...net.networks.values()].find((n) => !n.external);
    if (!found) throw badRequest(`Unable to automatically allocate a network for project ${call.state.project.id}`);
    return found;
  };
  if (value === undefined) {
    if (atLeast(call.microversion, 37)) throw badRequest("Invalid input for field/attribute server. Value: ... 'networks' is a required property");
    return [{ network: tenantNetwork(), fixedIp: undefined }];
  }
  if (value === 'none') return [];
  if (value === 'auto') return [{ network: tenantNetwork(), fixedIp: undefined }];
  if (!Array.isArray(value)) throw invalidInput('networks', value, `${JSON.stringify(value)} is not valid under any of the given schemas`);
  const seenPorts = new Set<string>();
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw invalidInput('networks', item, "is not of type 'object'");
    const entry = item as JsonObject;
    const extra = unexpectedKeys('networks', entry, NETWORK_KEYS);
    if (extra) throw extra;
    if (typeof entry.port === 'string') {
      const port = net.ports.get(entry.port);
      if (!port) throw badRequest(`Port ${entry.port} could not be found.`);
      if (port.deviceId !== '' || seenPorts.has(port.id)) throw conflict(`Port ${port.id} is still in use.`);
      seenPorts.add(port.id);
      return { port };
    }
    if (typeof entry.uuid !== 'string') throw badRequest('Bad networks format: network uuid is not in proper format ()');
    const network = net.networks.get(entry.uuid);
    if (!network) throw badRequest(`Network ${entry.uuid} could not be found.`);
    if (network.external) throw forbidden(`It is not allowed to create an interface on external network ${network.id}`);
    return { network, fixedIp: optionalString(entry.fixed_ip, 'fixed_ip') };
  });
}

function resolveSecurityGroups(call: OpenStackCall, value: unknown): { readonly id: string; readonly name: string }[] {
  if (value === undefined) {
    const group = call.state.network.securityGroupNamed('default');
    return group ? [group] : [];
  }
  if (!Array.isArray(value)) throw invalidInput('security_groups', value, `${JSON.stringify(value)} is not of type 'array'`);
  return value.map((item: unknown) => {
    const name = typeof item === 'object' && item !== null ? (item as JsonObject).name : undefined;
    if (typeof name !== 'string') throw invalidInput('security_groups', item, "'name' is a required property");
    const group = call.state.network.securityGroupNamed(name) ?? call.state.network.securityGroups.get(name);
    if (!group) throw badRequest(`Security group ${name} not found.`);
    return group;
  });
}

/** 403 in Nova's words when the create would pass the instances, cores or RAM quota. */
function checkQuota(call: OpenStackCall, flavor: FlavorRecord): void {
  const used = call.state.compute.quotaUsage();
  const asks = [
    { name: 'instances', requested: 1, used: used.instances, limit: call.quota('instances') },
    { name: 'cores', requested: flavor.vcpus, used: used.cores, limit: call.quota('cores') },
    { name: 'ram', requested: flavor.ramMiB, used: used.ram, limit: call.quota('ram') },
  ].filter((a) => a.limit !== undefined && a.limit >= 0 && a.used + a.requested > a.limit);
  if (asks.length === 0) return;
  const overs = asks.map((a) => a.name).join(', ');
  throw new OpenStackApiError(
    403,
    `Quota exceeded for ${overs}: Requested ${asks.map((a) => a.requested).join(', ')}, but already used ${asks.map((a) => a.used).join(', ')} of ${asks.map((a) => a.limit).join(', ')} ${overs}`,
  );
}

/**
 * Finds a host, as Nova's scheduler does: in the zone the create asked for, else in the first
 * zone whose host pool and fault-plan capacity have room (then it is used and the server is in
 * that zone). False when none has: "No valid host", the server left in the zone it asked for.
 */
function place(call: OpenStackCall, server: ServerRecord): boolean {
  const compute = call.state.compute;
  const zones = server.availabilityZone !== '' ? [server.availabilityZone] : compute.availabilityZones;
  const zone = zones.find((z) => {
    const usage = compute.hostUsage(z);
    const fits = usage.vcpus + server.flavor.vcpus <= compute.hostPool.vcpus && usage.ramMiB + server.flavor.ramMiB <= compute.hostPool.ramMiB;
    return fits && call.world.faults.capacityLeft(z, server.flavor.name) > 0;
  });
  if (zone === undefined) return false;
  call.world.faults.consumeCapacity(zone, server.flavor.name);
  server.availabilityZone = zone;
  server.placed = true;
  return true;
}

function attachNetworks(call: OpenStackCall, server: ServerRecord, requests: readonly NetworkRequest[], securityGroupIds: readonly string[]): ServerPort[] {
  const net = call.state.network;
  const owner = `compute:${server.availabilityZone}`;
  return requests.map((request) => {
    if ('port' in request) {
      request.port.deviceId = server.id;
      request.port.deviceOwner = owner;
      request.port.updatedAt = call.state.clock.now();
      request.port.revision++;
      return { portId: request.port.id, createdByNova: false };
    }
    const port = net.createPort(request.network, { securityGroupIds, fixedIps: request.fixedIp === undefined ? undefined : [{ ipAddress: request.fixedIp }], deviceId: server.id, deviceOwner: owner });
    return { portId: port.id, createdByNova: true };
  });
}
