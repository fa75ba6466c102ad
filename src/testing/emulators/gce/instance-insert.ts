/**
 * `instances.insert`: GCE's checks on the Instance resource in the order GCE reports them
 * (name, machine type, disks, network, labels and metadata, accelerators and scheduling), each
 * refusal a 400 naming the field as GCE does (`Invalid value for field 'resource.…'`); then the
 * request id (same `requestId` → the same operation, no second instance), the name's uniqueness
 * (409), and the work: the instance is stored PROVISIONING and moves to STAGING when its
 * operation starts and RUNNING when it is DONE. A stock-out (capacity fault), a spent quota or a
 * planned operation failure lets GCE accept the insert and end its operation with the error;
 * the instance then disappears (a GET is 404, as users of GCE see it).
 *
 * Messages confirmed against users' reports (issue and PR threads found with the project's
 * search tool, read 2026-12): "Instances with guest accelerators do not support live migration."
 * (400 badRequest), ZONE_RESOURCE_POOL_EXHAUSTED and QUOTA_EXCEEDED in operations. Other wordings
 * follow GCE's pattern and are approximate.
 */
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { arrayField, booleanField, integerField, objectField, parseReference, stringField, type GceCall } from './gce-call.js';
import type { GceAcceleratorConfig, GceAccessConfig, GceJsonObject, GceMetadataItem, GceOperation, GceScheduling, GceServiceAccount } from './gce-shapes.js';
import { startPacking, type ExportWorkerJob } from './export-worker.js';
import type { AttachmentRecord, DiskRecord, GceState, ImageRecord, InstanceRecord, NetworkInterfaceRecord } from './gce-state.js';
import { checkLabels } from './label-rules.js';
import { COMPUTE_BASE, DISK_TYPES, diskTypeRefusal, type AcceleratorSpec, type MachineTypeSpec } from './machine-catalog.js';
import type { GceOperationFailure } from './operation-store.js';

/** GCE's instance (and disk) name pattern. */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Checks a resource name. */
export function checkName(name: string | undefined, field: string): string {
  if (name === undefined || !NAME_PATTERN.test(name)) throw invalidField(field, name ?? '', "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
  return name;
}

function machineTypeOf(call: GceCall, zone: string, body: GceJsonObject): MachineTypeSpec {
  const value = stringField(body.machineType, 'resource.machineType');
  if (value === undefined || value === '') throw new GceError(400, 'required', "Required field 'resource.machineType' not specified");
  const ref = parseReference(value);
  const m = ref ? /^zones\/([^/]+)\/machineTypes\/([^/]+)$/.exec(ref.path) : null;
  if (!ref || !m || (ref.project !== undefined && ref.project !== call.state.project)) throw invalidField('resource.machineType', value, 'The URL is malformed.');
  if (m[1] !== zone) throw invalidField('resource.machineType', value, `Cross-zone references are not allowed: the machine type's zone is not '${zone}'.`);
  const found = call.state.catalog.machineType(zone, m[2]!);
  if (typeof found === 'string') throw invalidField('resource.machineType', value, found);
  if (!found) throw invalidField('resource.machineType', value, `Machine type with name '${m[2]}' does not exist in zone '${zone}'.`);
  return found;
}

/** Resolves an image reference (`projects/p/global/images/[family/]x`, `global/images/...`, full URL). */
export function resolveImage(state: GceState, value: string): ImageRecord | undefined {
  const ref = parseReference(value);
  if (!ref) return undefined;
  const project = ref.project ?? state.project;
  const family = /^global\/images\/family\/([^/]+)$/.exec(ref.path);
  if (family) return state.imageFromFamily(project, family[1]!);
  const name = /^global\/images\/([^/]+)$/.exec(ref.path);
  return name ? state.images.get(`${project}/${name[1]}`) : undefined;
}

interface PlannedDisk {
  readonly record: DiskRecord | undefined;
  readonly existingKey: string | undefined;
  readonly attachment: AttachmentRecord;
}

function planDisks(call: GceCall, zone: string, name: string, type: MachineTypeSpec, body: GceJsonObject): PlannedDisk[] {
  const disks = arrayField(body.disks, 'resource.disks');
  if (disks.length === 0 || booleanField(disks[0]!.boot, 'resource.disks[0].boot') !== true) {
    throw invalidField('resource.disks', '', 'The first disk of an instance must be its boot disk (boot: true).');
  }
  const planned: PlannedDisk[] = [];
  const names = new Set<string>();
  disks.forEach((disk, i) => {
    const field = `resource.disks[${i}]`;
    const boot = booleanField(disk.boot, `${field}.boot`) ?? false;
    if (boot && i > 0) throw invalidField(`${field}.boot`, 'true', 'Only one boot disk is allowed.');
    const autoDelete = booleanField(disk.autoDelete, `${field}.autoDelete`) ?? false;
    const iface = stringField(disk.interface, `${field}.interface`) ?? 'SCSI';
    if (iface !== 'SCSI' && iface !== 'NVME') throw invalidField(`${field}.interface`, iface, 'Must be SCSI or NVME.');
    const source = stringField(disk.source, `${field}.source`);
    const init = objectField(disk.initializeParams, `${field}.initializeParams`);
    if (source !== undefined) {
      const ref = parseReference(source);
      const m = ref ? /^zones\/([^/]+)\/disks\/([^/]+)$/.exec(ref.path) : null;
      const existing = m && m[1] === zone ? call.state.disks.get(`${zone}/${m[2]}`) : undefined;
      if (!existing) throw invalidField(`${field}.source`, source, 'The referenced disk resource cannot be found.');
      if (existing.users.length > 0) throw new GceError(400, 'resourceInUseByAnotherResource', `The disk resource 'projects/${call.state.project}/zones/${zone}/disks/${existing.name}' is already being used by '${existing.users[0]!.replace(`${COMPUTE_BASE}/`, '')}'`);
      const refusal = diskTypeRefusal(type.family, existing.type);
      if (refusal) throw invalidField(`${field}.source`, source, refusal);
      planned.push({ record: undefined, existingKey: `${zone}/${existing.name}`, attachment: { diskKey: `${zone}/${existing.name}`, deviceName: stringField(disk.deviceName, `${field}.deviceName`) ?? existing.name, boot, autoDelete, interface: iface } });
      return;
    }
    if (!init) throw invalidField(field, '', 'A disk must have either source or initializeParams.');
    const imageRef = stringField(init.sourceImage, `${field}.initializeParams.sourceImage`);
    let image: ImageRecord | undefined;
    if (imageRef !== undefined) {
      image = resolveImage(call.state, imageRef);
      if (!image) throw invalidField(`${field}.initializeParams.sourceImage`, imageRef, 'The referenced image resource cannot be found.');
      if (image.status !== 'READY') throw new GceError(400, 'resourceNotReady', `The resource '${image.project}/global/images/${image.name}' is not ready`);
      if (image.architecture !== type.architecture) {
        throw invalidField(`${field}.initializeParams.sourceImage`, imageRef, `The architecture of the image (${image.architecture}) is not compatible with the machine type '${type.name}' (${type.architecture}).`);
      }
    } else if (boot) {
      throw invalidField(`${field}.initializeParams.sourceImage`, '', 'A boot disk created with the instance needs a source image.');
    }
    const sizeGb = integerField(init.diskSizeGb, `${field}.initializeParams.diskSizeGb`) ?? image?.diskSizeGb ?? 10;
    if (image && sizeGb < image.diskSizeGb) {
      throw invalidField(`${field}.initializeParams.diskSizeGb`, String(sizeGb), `Requested disk size cannot be smaller than the image size (${image.diskSizeGb} GB).`);
    }
    const typeRef = stringField(init.diskType, `${field}.initializeParams.diskType`);
    let diskType = 'pd-standard';
    if (typeRef !== undefined) {
      const ref = parseReference(typeRef);
      const m = ref ? /^zones\/([^/]+)\/diskTypes\/([^/]+)$/.exec(ref.path) : null;
      if (!ref || !m) throw invalidField(`${field}.initializeParams.diskType`, typeRef, 'The URL is malformed.');
      if (m[1] !== zone || !(DISK_TYPES as readonly string[]).includes(m[2]!)) throw invalidField(`${field}.initializeParams.diskType`, typeRef, 'The referenced diskType resource cannot be found.');
      diskType = m[2]!;
    }
    const refusal = diskTypeRefusal(type.family, diskType);
    if (refusal) throw invalidField(`${field}.initializeParams.diskType`, typeRef ?? diskType, refusal);
    const diskName = checkName(stringField(init.diskName, `${field}.initializeParams.diskName`) ?? (boot ? name : `${name}-${i}`), `${field}.initializeParams.diskName`);
    if (names.has(diskName) || call.state.disks.has(`${zone}/${diskName}`)) throw alreadyExists(`projects/${call.state.project}/zones/${zone}/disks/${diskName}`);
    names.add(diskName);
    const record: DiskRecord = {
      id: call.state.newId(),
      name: diskName,
      zone,
      sizeGb,
      type: diskType,
      sourceImage: image ? call.state.imageUrl(image.project, image.name) : undefined,
      architecture: image?.architecture ?? type.architecture,
      labels: checkLabels(init.labels, `${field}.initializeParams.labels`),
      users: [],
      createdAt: call.state.clock.now(),
      guest: image?.guest,
    };
    planned.push({ record, existingKey: undefined, attachment: { diskKey: `${zone}/${diskName}`, deviceName: stringField(disk.deviceName, `${field}.deviceName`) ?? diskName, boot, autoDelete, interface: iface } });
  });
  return planned;
}

function planNetwork(call: GceCall, zone: string, body: GceJsonObject): NetworkInterfaceRecord[] {
  const region = call.state.catalog.zone(zone)!.region;
  const project = call.state.project;
  const interfaces = arrayField(body.networkInterfaces, 'resource.networkInterfaces');
  if (interfaces.length === 0) throw invalidField('resource.networkInterfaces', '', 'At least one network interface is required.');
  return interfaces.map((nic, i) => {
    const field = `resource.networkInterfaces[${i}]`;
    const networkRef = stringField(nic.network, `${field}.network`);
    const subnetRef = stringField(nic.subnetwork, `${field}.subnetwork`);
    const networkName = networkRef === undefined ? call.world.defaults.network : /^global\/networks\/([^/]+)$/.exec(parseReference(networkRef)?.path ?? '')?.[1];
    if (networkName !== call.world.defaults.network) throw invalidField(`${field}.network`, networkRef ?? '', 'The referenced network resource cannot be found.');
    if (subnetRef !== undefined) {
      const m = /^regions\/([^/]+)\/subnetworks\/([^/]+)$/.exec(parseReference(subnetRef)?.path ?? '');
      if (!m || m[1] !== region || m[2] !== call.world.defaults.subnetwork) throw invalidField(`${field}.subnetwork`, subnetRef, 'The referenced subnetwork resource cannot be found.');
    }
    const configs = arrayField(nic.accessConfigs, `${field}.accessConfigs`);
    if (configs.length > 1) throw invalidField(`${field}.accessConfigs`, '', 'At most one access config is allowed per network interface.');
    const addresses = call.state.newAddresses();
    const accessConfigs: GceAccessConfig[] | undefined =
      configs.length === 0
        ? undefined
        : configs.map((c, j) => {
            const type = stringField(c.type, `${field}.accessConfigs[${j}].type`) ?? 'ONE_TO_ONE_NAT';
            if (type !== 'ONE_TO_ONE_NAT') throw invalidField(`${field}.accessConfigs[${j}].type`, type, 'Only ONE_TO_ONE_NAT is supported for IPv4.');
            return {
              kind: 'compute#accessConfig',
              type,
              name: stringField(c.name, `${field}.accessConfigs[${j}].name`) ?? 'External NAT',
              natIP: stringField(c.natIP, `${field}.accessConfigs[${j}].natIP`) ?? addresses.external,
              networkTier: stringField(c.networkTier, `${field}.accessConfigs[${j}].networkTier`) ?? 'PREMIUM',
            };
          });
    return {
      network: `${COMPUTE_BASE}/projects/${project}/global/networks/${call.world.defaults.network}`,
      subnetwork: `${COMPUTE_BASE}/projects/${project}/regions/${region}/subnetworks/${call.world.defaults.subnetwork}`,
      networkIP: stringField(nic.networkIP, `${field}.networkIP`) ?? addresses.internal,
      accessConfigs,
    };
  });
}

function checkMetadata(body: GceJsonObject): GceMetadataItem[] {
  const metadata = objectField(body.metadata, 'resource.metadata');
  const items = arrayField(metadata?.items, 'resource.metadata.items');
  const seen = new Set<string>();
  let total = 0;
  return items.map((item, i) => {
    const key = stringField(item.key, `resource.metadata.items[${i}].key`) ?? '';
    if (!/^[a-zA-Z0-9_-]{1,128}$/.test(key)) throw invalidField(`resource.metadata.items[${i}].key`, key, "Must be a match of regex '[a-zA-Z0-9-_]{1,128}'");
    if (seen.has(key)) throw invalidField('resource.metadata', '', `Duplicate metadata key '${key}'.`);
    seen.add(key);
    const value = stringField(item.value, `resource.metadata.items[${i}].value`) ?? '';
    if (Buffer.byteLength(value) > 256 * 1024) throw invalidField(`resource.metadata.items[${i}].value`, '', 'Metadata values are limited to 256 KB.');
    total += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (total > 512 * 1024) throw invalidField('resource.metadata', '', 'Metadata is limited to 512 KB in all.');
    return { key, value };
  });
}

function planAccelerators(call: GceCall, zone: string, type: MachineTypeSpec, body: GceJsonObject): { configs: GceAcceleratorConfig[]; specs: { spec: AcceleratorSpec | undefined; type: string; count: number }[] } {
  const requested = arrayField(body.guestAccelerators, 'resource.guestAccelerators');
  const configs: GceAcceleratorConfig[] = [];
  const specs: { spec: AcceleratorSpec | undefined; type: string; count: number }[] = [];
  requested.forEach((g, i) => {
    const field = `resource.guestAccelerators[${i}].acceleratorType`;
    const value = stringField(g.acceleratorType, field) ?? '';
    const m = /^zones\/([^/]+)\/acceleratorTypes\/([^/]+)$/.exec(parseReference(value)?.path ?? '');
    if (!m) throw invalidField(field, value, 'The URL is malformed.');
    const spec = m[1] === zone ? call.state.catalog.acceleratorType(zone, m[2]!) : undefined;
    if (!spec) throw invalidField(field, value, `Accelerator type '${m[2]}' does not exist in zone '${zone}'.`);
    const count = integerField(g.acceleratorCount, `resource.guestAccelerators[${i}].acceleratorCount`) ?? 1;
    if (type.family !== 'n1' || type.accelerators) throw invalidField(field, value, `Accelerator type '${spec.name}' is not supported with machine type '${type.name}'.`);
    if (count < 1 || count > spec.maxCards || (spec.name === 'nvidia-tesla-t4' && ![1, 2, 4].includes(count))) {
      throw invalidField(`resource.guestAccelerators[${i}].acceleratorCount`, String(count), `Count ${count} is not supported for accelerator type '${spec.name}'.`);
    }
    configs.push({ acceleratorType: `${COMPUTE_BASE}/projects/${call.state.project}/zones/${zone}/acceleratorTypes/${spec.name}`, acceleratorCount: count });
    specs.push({ spec, type: spec.name, count });
  });
  if (type.accelerators) specs.push({ spec: call.state.catalog.acceleratorType(zone, type.accelerators.type), type: type.accelerators.type, count: type.accelerators.count });
  return { configs, specs };
}

function checkScheduling(body: GceJsonObject, hasGpus: boolean): GceScheduling {
  const s = objectField(body.scheduling, 'resource.scheduling') ?? {};
  const model = stringField(s.provisioningModel, 'resource.scheduling.provisioningModel') ?? 'STANDARD';
  if (model !== 'STANDARD' && model !== 'SPOT') throw invalidField('resource.scheduling.provisioningModel', model, 'Must be STANDARD or SPOT.');
  const preemptible = booleanField(s.preemptible, 'resource.scheduling.preemptible') ?? false;
  const spot = model === 'SPOT' || preemptible;
  const host = stringField(s.onHostMaintenance, 'resource.scheduling.onHostMaintenance');
  if (host !== undefined && host !== 'MIGRATE' && host !== 'TERMINATE') throw invalidField('resource.scheduling.onHostMaintenance', host, 'Must be MIGRATE or TERMINATE.');
  const restart = booleanField(s.automaticRestart, 'resource.scheduling.automaticRestart');
  const action = stringField(s.instanceTerminationAction, 'resource.scheduling.instanceTerminationAction');
  if (spot) {
    if (restart !== false) throw invalidField('resource.scheduling.automaticRestart', String(restart ?? true), 'Scheduling must have automatic restart disabled (automaticRestart: false) for Spot and preemptible instances.');
    if (host === 'MIGRATE') throw invalidField('resource.scheduling.onHostMaintenance', host, "Scheduling must have preemptible be false when OnHostMaintenance isn't TERMINATE.");
    if (action !== undefined && action !== 'STOP' && action !== 'DELETE') throw invalidField('resource.scheduling.instanceTerminationAction', action, 'Must be STOP or DELETE.');
  } else if (action !== undefined) {
    throw invalidField('resource.scheduling.instanceTerminationAction', action, 'An instance termination action can only be set for Spot or preemptible instances.');
  }
  const onHostMaintenance = host ?? (spot ? 'TERMINATE' : 'MIGRATE');
  if (hasGpus && onHostMaintenance === 'MIGRATE') throw new GceError(400, 'badRequest', 'Instances with guest accelerators do not support live migration.');
  return {
    onHostMaintenance,
    automaticRestart: restart ?? !spot,
    preemptible,
    provisioningModel: model === 'SPOT' ? 'SPOT' : 'STANDARD',
    ...(spot ? { instanceTerminationAction: action ?? 'STOP' } : {}),
  };
}

function checkServiceAccounts(call: GceCall, body: GceJsonObject): GceServiceAccount[] | undefined {
  if (body.serviceAccounts === undefined) return undefined;
  return arrayField(body.serviceAccounts, 'resource.serviceAccounts').map((sa, i) => {
    const email = stringField(sa.email, `resource.serviceAccounts[${i}].email`) ?? 'default';
    const scopes = Array.isArray(sa.scopes) ? sa.scopes.map((s) => String(s)) : [];
    return { email: email === 'default' ? call.world.defaultServiceAccount : email, scopes };
  });
}

/** Demand of a new instance against quotas and capacity. */
interface Demand {
  readonly region: string;
  readonly type: MachineTypeSpec;
  readonly spot: boolean;
  readonly gpus: readonly { readonly type: string; readonly count: number }[];
}

const FAMILY_QUOTAS = new Set(['n2', 'n2d', 'c2', 'c2d', 'c3', 'c3d', 'c4', 'c4a', 'n4', 't2a', 't2d', 'a2', 'g2', 'm1', 'm2', 'm3']);

function gpuQuotaName(type: string): string {
  return `NVIDIA_${type.replace(/^nvidia-(tesla-)?/, '').replace(/-/g, '_').toUpperCase()}_GPUS`;
}

/** The failure a quota in force causes for `demand`, if any. */
export function quotaFailure(state: GceState, faults: GceCall['world']['faults'], demand: Demand): GceOperationFailure | undefined {
  const active = [...state.instances.values()].filter((i) => !i.leaving && i.state !== 'TERMINATED' && state.catalog.zone(i.zone)?.region === demand.region);
  const allActive = [...state.instances.values()].filter((i) => !i.leaving && i.state !== 'TERMINATED');
  const gpuCount = (list: readonly InstanceRecord[], type?: string): number =>
    list.reduce((n, i) => n + i.guestAccelerators.filter((g) => type === undefined || g.acceleratorType.endsWith(`/${type}`)).reduce((m, g) => m + g.acceleratorCount, 0) + (i.machineType.accelerators && (type === undefined || i.machineType.accelerators.type === type) ? i.machineType.accelerators.count : 0), 0);
  const cpus = (list: readonly InstanceRecord[]): number => list.reduce((n, i) => n + i.machineType.vcpus, 0);
  const checks: { name: string; used: number; want: number; global?: boolean }[] = [
    { name: 'INSTANCES', used: active.length, want: 1 },
    { name: 'CPUS', used: cpus(active), want: demand.type.vcpus },
  ];
  if (FAMILY_QUOTAS.has(demand.type.family)) checks.push({ name: `${demand.type.family.toUpperCase()}_CPUS`, used: cpus(active.filter((i) => i.machineType.family === demand.type.family)), want: demand.type.vcpus });
  if (demand.spot) checks.push({ name: 'PREEMPTIBLE_CPUS', used: cpus(active.filter((i) => i.scheduling.provisioningModel === 'SPOT' || i.scheduling.preemptible)), want: demand.type.vcpus });
  for (const gpu of demand.gpus) {
    checks.push({ name: gpuQuotaName(gpu.type), used: gpuCount(active, gpu.type), want: gpu.count });
    checks.push({ name: 'GPUS_ALL_REGIONS', used: gpuCount(allActive), want: gpu.count, global: true });
  }
  for (const check of checks) {
    const limit = check.global ? faults.quotaOf(check.name) ?? faults.quotaOf('gpus') : faults.quotaIn(demand.region, check.name);
    if (limit === undefined || check.used + check.want <= limit) continue;
    const where = check.global ? 'globally' : `in region ${demand.region}`;
    return {
      code: 'QUOTA_EXCEEDED',
      message: `Quota '${check.name}' exceeded.  Limit: ${limit.toFixed(1)} ${where}.`,
      errorDetails: [
        { quotaInfo: { metricName: `compute.googleapis.com/${check.name.toLowerCase()}`, limitName: `${check.name}-per-project${check.global ? '' : '-region'}`, dimensions: check.global ? {} : { region: demand.region }, limit } },
      ],
      httpStatus: 403,
    };
  }
  return undefined;
}

/** The stock-out failure when the zone has no capacity left for the type (or one of its GPUs); uses capacity up otherwise. */
export function capacityFailure(state: GceState, faults: GceCall['world']['faults'], zone: string, demand: Demand): GceOperationFailure | undefined {
  const scopes = [demand.type.name, ...demand.gpus.map((g) => g.type)];
  if (scopes.some((s) => faults.capacityLeft(zone, s) <= 0)) {
    return {
      code: 'ZONE_RESOURCE_POOL_EXHAUSTED',
      message: `The zone 'projects/${state.project}/zones/${zone}' does not have enough resources available to fulfill the request.  Try a different zone, or try again later.`,
      errorDetails: [
        { help: { links: [{ description: 'Troubleshooting documentation', url: 'https://cloud.google.com/compute/docs/resource-error' }] } },
        { errorInfo: { domain: 'compute.googleapis.com', reason: 'resource_availability', metadatas: { vmType: demand.type.name, zone, attachment: demand.gpus.map((g) => `${g.type}:${g.count}`).join(',') } } },
      ],
      httpStatus: 503,
    };
  }
  for (const s of scopes) faults.consumeCapacity(zone, s);
  return undefined;
}

/** `instances.insert`. */
export function insertInstance(call: GceCall): GceOperation {
  const zone = call.zone();
  const { state, faults } = call.world;
  const requestId = call.requestId();
  if (requestId !== undefined) {
    const seen = state.requestIdOperation(requestId);
    if (seen) return state.operations.get(seen.operation, state.project, seen.zone)!;
  }
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const type = machineTypeOf(call, zone, body);
  const disks = planDisks(call, zone, name, type, body);
  const networkInterfaces = planNetwork(call, zone, body);
  const labels = checkLabels(body.labels, 'resource.labels');
  const metadata = checkMetadata(body);
  const accelerators = planAccelerators(call, zone, type, body);
  const scheduling = checkScheduling(body, accelerators.specs.length > 0);
  const serviceAccounts = checkServiceAccounts(call, body);
  const tags = (objectField(body.tags, 'resource.tags')?.items as unknown[] | undefined)?.map(String) ?? [];
  for (const [i, tag] of tags.entries()) checkName(tag, `resource.tags.items[${i}]`);
  const key = `${zone}/${name}`;
  if (state.instances.has(key)) throw alreadyExists(call.instancePath(zone, name));

  const demand: Demand = { region: state.catalog.zone(zone)!.region, type, spot: scheduling.provisioningModel === 'SPOT' || scheduling.preemptible, gpus: accelerators.specs.map((s) => ({ type: s.type, count: s.count })) };
  const failure = quotaFailure(state, faults, demand) ?? faults.takeOperationFailure() ?? capacityFailure(state, faults, zone, demand);
  const now = state.clock.now();
  const instance: InstanceRecord = {
    id: state.newId(),
    name,
    zone,
    createdAt: now,
    sent: structuredClone(body),
    machineType: type,
    description: stringField(body.description, 'resource.description'),
    labels,
    metadata,
    tags,
    networkInterfaces,
    disks: disks.map((d) => d.attachment),
    scheduling,
    guestAccelerators: accelerators.configs,
    serviceAccounts,
    canIpForward: booleanField(body.canIpForward, 'resource.canIpForward') ?? false,
    deletionProtection: booleanField(body.deletionProtection, 'resource.deletionProtection') ?? false,
    lastStart: undefined,
    lastStop: undefined,
    lastSuspended: undefined,
    leaving: failure !== undefined,
    state: 'PROVISIONING',
    transition: undefined,
    queue: [],
  };
  const url = state.instanceUrl(zone, name);
  for (const d of disks) {
    if (d.record) state.disks.set(d.attachment.diskKey, d.record);
    state.disks.get(d.attachment.diskKey)!.users.push(url);
  }
  state.instances.set(key, instance);
  const operation = state.operations.start({
    project: state.project,
    zone,
    type: 'insert',
    operation: call.operation,
    targetLink: url,
    targetId: instance.id,
    pendingMs: call.world.timings.pendingMs,
    runningMs: call.world.timings.runningMs,
    failure,
    onFailed: () => {
      if (state.instances.get(key) === instance) state.removeInstance({ ...instance, disks: instance.disks.map((a) => (a.diskKey && disks.find((d) => d.attachment.diskKey === a.diskKey)?.record ? { ...a, autoDelete: true } : a)) });
    },
  });
  const view = state.operations.view(operation)!;
  const job = failure ? undefined : exportWorkerJob(call, instance, disks);
  if (job && state.linkedStorage) {
    // An export worker writing to linked Cloud Storage: RUNNING as any instance, until its
    // archive is whole and written; then it powers off (export-worker.ts).
    state.exportWorkers.set(key, job);
    state.schedule(instance, 'PROVISIONING', [['STAGING', view.startsAt], ['RUNNING', view.doneAt]]);
    startPacking(state, key, job);
  } else if (job) {
    // An export worker: RUNNING as any instance, then its startup script streams the image disk
    // out (the object appears when it is done) and powers the instance off.
    const { runningMs } = call.world.timings;
    state.exportWorkers.set(key, job);
    state.schedule(instance, 'PROVISIONING', [['STAGING', view.startsAt], ['RUNNING', view.doneAt], ['STOPPING', view.doneAt + runningMs], ['TERMINATED', view.doneAt + 2 * runningMs]]);
  } else {
    state.schedule(instance, 'PROVISIONING', failure ? [['STAGING', view.startsAt]] : [['STAGING', view.startsAt], ['RUNNING', view.doneAt]]);
  }
  if (requestId !== undefined) state.rememberRequestId(requestId, operation, zone);
  return state.operations.get(operation, state.project, zone)!;
}

/** The metadata key naming where an export worker writes its archive (`gs://bucket/object.tar.gz`). */
export const EXPORT_DESTINATION_KEY = 'novacron-export-destination';

/**
 * The Cloud Storage write of an instance that is an export worker: its metadata names a
 * `gs://` destination and one of its non-boot disks is created from an image. With linked
 * storage it writes that disk's guest bytes; without, a registry entry whose size is the image's
 * archive size (its disk size when unknown), its disk size the image's.
 */
function exportWorkerJob(call: GceCall, instance: InstanceRecord, disks: readonly PlannedDisk[]): ExportWorkerJob | undefined {
  const destination = instance.metadata.find((m) => m.key === EXPORT_DESTINATION_KEY)?.value;
  const m = destination === undefined ? null : /^gs:\/\/([^/]+)\/(.+)$/.exec(destination);
  if (!m) return undefined;
  const source = disks.find((d) => !d.attachment.boot && d.record?.sourceImage !== undefined)?.record;
  if (!source) return undefined;
  const image = [...call.state.images.values()].find((i) => call.state.imageUrl(i.project, i.name) === source.sourceImage);
  const diskSizeGb = image?.diskSizeGb ?? source.sizeGb;
  const sizeBytes = image && image.archiveSizeBytes > 0 ? image.archiveSizeBytes : diskSizeGb * 1024 ** 3;
  return { url: `https://storage.googleapis.com/${m[1]}/${m[2]}`, object: { sizeBytes, diskSizeGb }, writes: !call.world.faults.takeExportWorkerFailure(), guest: source.guest, stopMs: call.world.timings.runningMs };
}
