/**
 * The EC2 actions the emulator answers, one handler each. Behaviour, validation and error codes
 * follow the Amazon EC2 API Reference for each action (read 2026-11); messages are written the
 * way EC2 words them so that error mapping is tested against realistic text.
 */
import { createHash } from 'node:crypto';
import { Ec2ApiError } from './ec2-api-error.js';
import type { Ec2Faults } from './ec2-faults.js';
import {
  EMULATOR_ACCOUNT_ID,
  INSTANCE_STATE_CODES,
  INSTANCE_TYPES,
  type Ec2State,
  type EmulatedInstance,
  type EmulatedSubnet,
  type InstanceStateName,
} from './ec2-state.js';
import { imageXml, instanceXml, reservationXml, volumeXml } from './instance-xml.js';
import {
  boolOf,
  filtersOf,
  intOf,
  listOf,
  matchesFilterValue,
  structOf,
  textListOf,
  textOf,
  type QueryFilter,
  type QueryNode,
} from './query-request.js';
import { SPOT_FACTORS } from './seed-catalog.js';
import type { XmlValue } from './xml-writer.js';

/** What a handler sees of one call. */
export interface ActionContext {
  /** The account. */
  readonly state: Ec2State;
  /** Faults in force (capacity, quotas). */
  readonly faults: Ec2Faults;
  /** Region of the call (from the request signature's credential scope). */
  readonly region: string;
  /** Spot price overrides by `zone/instanceType`. */
  readonly spotPrices: ReadonlyMap<string, number>;
  /** Objects "stored in S3" by the emulator (export output, import input), by `s3://bucket/key`. */
  readonly objects: Map<string, { sizeBytes: number; sha256: string }>;
}

/** A handler: parameters in, the response body's members out. */
export type ActionHandler = (ctx: ActionContext, params: { readonly [key: string]: QueryNode }) => Record<string, XmlValue>;

type Params = { readonly [key: string]: QueryNode };

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

function canonical(node: QueryNode | Params): string {
  if (typeof node === 'string') return JSON.stringify(node);
  if (Array.isArray(node)) return `[${node.map(canonical).join(',')}]`;
  return `{${Object.keys(node)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((node as Params)[k]!)}`)
    .join(',')}}`;
}

function pageSize(params: Params, min: number, max: number, paramName = 'maxResults'): number | undefined {
  const n = intOf(params.MaxResults);
  if (n === undefined) return undefined;
  if (n < min || n > max) {
    throw new Ec2ApiError('InvalidParameterValue', `Value ( ${n} ) for parameter ${paramName} is invalid. Expecting a value between ${min} and ${max}.`);
  }
  return n;
}

/** Slices `items` into a page, with an opaque token bound to the query it came from. */
function paginate<T>(items: readonly T[], params: Params, size: number | undefined): { page: T[]; nextToken: string | undefined } {
  const query = createHash('sha256')
    .update(canonical({ ...params, NextToken: '', MaxResults: '' }))
    .digest('hex')
    .slice(0, 12);
  let offset = 0;
  const token = textOf(params.NextToken);
  if (token) {
    const [q, o] = Buffer.from(token, 'base64url').toString('utf8').split(':');
    if (q !== query || o === undefined || !/^[0-9]+$/.test(o)) throw new Ec2ApiError('InvalidPaginationToken', `The pagination token is invalid: ${token}`);
    offset = Number(o);
  }
  if (size === undefined) return { page: items.slice(offset), nextToken: undefined };
  const page = items.slice(offset, offset + size);
  const nextToken = offset + size < items.length ? Buffer.from(`${query}:${offset + size}`).toString('base64url') : undefined;
  return { page, nextToken };
}

function matchesAll<T>(filters: readonly QueryFilter[], item: T, value: (name: string, item: T) => string | readonly string[] | undefined): boolean {
  return filters.every((f) => {
    const v = value(f.name, item);
    if (v === undefined) return false;
    const candidates = typeof v === 'string' ? [v] : v;
    return f.values.some((pattern) => candidates.some((c) => matchesFilterValue(pattern, c)));
  });
}

function instanceFilterValue(name: string, i: EmulatedInstance): string | readonly string[] | undefined {
  if (name.startsWith('tag:')) return i.tags.get(name.slice(4));
  switch (name) {
    case 'instance-id':
      return i.instanceId;
    case 'instance-state-name':
      return i.state;
    case 'instance-state-code':
      return String(INSTANCE_STATE_CODES[i.state]);
    case 'instance-type':
      return i.instanceType;
    case 'availability-zone':
      return i.zone;
    case 'image-id':
      return i.imageId;
    case 'subnet-id':
      return i.subnetId;
    case 'vpc-id':
      return i.vpcId;
    case 'client-token':
      return i.clientToken;
    case 'instance-lifecycle':
      return i.spot ? 'spot' : undefined;
    case 'tag-key':
      return [...i.tags.keys()];
    case 'reservation-id':
      return i.reservationId;
    default:
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

function findInstances(ctx: ActionContext, ids: readonly string[], visibleOnly: boolean): EmulatedInstance[] {
  const now = ctx.state.now();
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw new Ec2ApiError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
  const found: EmulatedInstance[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const i = ctx.state.instances.get(id);
    if (!i || i.region !== ctx.region || (visibleOnly && i.visibleAt > now)) missing.push(id);
    else found.push(i);
  }
  if (missing.length === 1) throw new Ec2ApiError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2ApiError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  return found;
}

function requireInstanceIds(params: Params): string[] {
  const ids = textListOf(params.InstanceId);
  if (ids.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter InstanceId');
  return ids;
}

/** Current spot price of a type in a zone. */
export function spotPriceOf(ctx: Pick<ActionContext, 'state' | 'spotPrices'>, zone: string, instanceType: string): number | undefined {
  const override = ctx.spotPrices.get(`${zone}/${instanceType}`);
  if (override !== undefined) return override;
  const type = INSTANCE_TYPES.get(instanceType);
  const region = [...ctx.state.regions.values()].find((r) => zone.startsWith(r.name));
  if (!type || !region) return undefined;
  const index = region.zones.indexOf(zone.slice(region.name.length));
  const factor = SPOT_FACTORS[index % SPOT_FACTORS.length] ?? SPOT_FACTORS[0]!;
  return Number((type.onDemandUsEast1 * region.priceFactor * factor).toFixed(4));
}

// ---------------------------------------------------------------------------------------------
// RunInstances

const VOLUME_TYPES = new Set(['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3']);
const TAGGABLE_AT_LAUNCH = new Set(['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu']);

function tagsFor(params: Params, resourceType: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of listOf(params.TagSpecification)) {
    const s = structOf(spec);
    const type = textOf(s.ResourceType) ?? '';
    if (!TAGGABLE_AT_LAUNCH.has(type)) throw new Ec2ApiError('InvalidParameterValue', `'${type}' is not a valid taggable resource type for this operation.`);
    if (type !== resourceType) continue;
    for (const tag of listOf(s.Tag)) {
      const t = structOf(tag);
      const key = textOf(t.Key) ?? '';
      if (key.toLowerCase().startsWith('aws:')) throw new Ec2ApiError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
      if (key.length === 0 || key.length > 128) throw new Ec2ApiError('InvalidParameterValue', `Tag key must be between 1 and 128 characters`);
      tags.set(key, textOf(t.Value) ?? '');
    }
    if (tags.size > 50) throw new Ec2ApiError('TagLimitExceeded', 'The maximum number of tags per resource (50) has been exceeded');
  }
  return tags;
}

function countsTowardQuota(i: EmulatedInstance): boolean {
  return i.state === 'pending' || i.state === 'running' || i.state === 'stopping' || i.state === 'shutting-down';
}

function checkQuotas(ctx: ActionContext, instanceType: string, count: number, spot: boolean): void {
  const { maxOnDemandVcpus, maxInstances, maxSpotInstances } = ctx.faults.quotas;
  const live = [...ctx.state.instances.values()].filter((i) => i.region === ctx.region && (ctx.state.advanceInstance(i), countsTowardQuota(i)));
  const type = INSTANCE_TYPES.get(instanceType)!;
  if (maxInstances !== undefined && live.length + count > maxInstances) {
    throw new Ec2ApiError('InstanceLimitExceeded', `You have requested more instances (${live.length + count}) than your current instance limit of ${maxInstances} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`);
  }
  if (spot) {
    const spots = live.filter((i) => i.spot).length;
    if (maxSpotInstances !== undefined && spots + count > maxSpotInstances) {
      throw new Ec2ApiError('MaxSpotInstanceCountExceeded', 'Max spot instance count exceeded');
    }
    return;
  }
  if (maxOnDemandVcpus !== undefined) {
    const vcpus = live.filter((i) => !i.spot).reduce((n, i) => n + (INSTANCE_TYPES.get(i.instanceType)?.vcpus ?? 0), 0);
    if (vcpus + type.vcpus * count > maxOnDemandVcpus) {
      throw new Ec2ApiError('VcpuLimitExceeded', `You have requested more vCPU capacity than your current vCPU limit of ${maxOnDemandVcpus} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`);
    }
  }
}

function chooseZone(ctx: ActionContext, instanceType: string, requested: string | undefined): string {
  const zones = ctx.state.zonesOf(ctx.region);
  if (requested !== undefined) {
    if (!zones.includes(requested)) throw new Ec2ApiError('InvalidParameterValue', `Invalid availability zone: [${requested}]`);
    if (!ctx.state.isOffered(requested, instanceType)) {
      const others = zones.filter((z) => ctx.state.isOffered(z, instanceType));
      throw new Ec2ApiError('Unsupported', `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${requested}). Please retry your request by not specifying an Availability Zone or choosing ${others.join(', ')}.`);
    }
    if (ctx.faults.capacityLeft(requested, instanceType) <= 0) {
      const others = zones.filter((z) => z !== requested && ctx.state.isOffered(z, instanceType) && ctx.faults.capacityLeft(z, instanceType) > 0);
      throw new Ec2ApiError('InsufficientInstanceCapacity', `We currently do not have sufficient ${instanceType} capacity in the Availability Zone you requested (${requested}). Our system will be working on provisioning additional capacity. You can currently get ${instanceType} capacity by not specifying an Availability Zone in your request${others.length ? ` or choosing ${others.join(', ')}` : ''}.`);
    }
    return requested;
  }
  const zone = zones.find((z) => ctx.state.isOffered(z, instanceType) && ctx.faults.capacityLeft(z, instanceType) > 0);
  if (zone === undefined) {
    throw new Ec2ApiError('InsufficientInstanceCapacity', `We currently do not have sufficient ${instanceType} capacity in the region you requested. Our system will be working on provisioning additional capacity.`);
  }
  return zone;
}

const runInstances: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const imageId = textOf(params.ImageId);
  if (!imageId) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter ImageId');
  const minCount = intOf(params.MinCount);
  const maxCount = intOf(params.MaxCount);
  if (minCount === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter MinCount');
  if (maxCount === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter MaxCount');
  if (minCount < 1 || maxCount < minCount) throw new Ec2ApiError('InvalidParameterValue', `Invalid MinCount/MaxCount: ${minCount}/${maxCount}`);

  // ClientToken: the same token with the same arguments answers with the first launch.
  const clientToken = textOf(params.ClientToken);
  const fingerprint = createHash('sha256').update(canonical({ ...params, ClientToken: '' })).digest('hex');
  if (clientToken !== undefined) {
    if (clientToken.length > 64) throw new Ec2ApiError('InvalidParameterValue', 'ClientToken must be at most 64 ASCII characters');
    const record = state.clientTokens.get(`${ctx.region}/${clientToken}`);
    if (record) {
      if (record.fingerprint !== fingerprint) {
        throw new Ec2ApiError('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).');
      }
      const instances = record.instanceIds.map((id) => state.instances.get(id)).filter((i): i is EmulatedInstance => i !== undefined);
      for (const i of instances) state.advanceInstance(i);
      return reservationXml(state, record.reservationId, EMULATOR_ACCOUNT_ID, instances) as Record<string, XmlValue>;
    }
  }

  const instanceType = textOf(params.InstanceType) ?? 'm1.small';
  const type = INSTANCE_TYPES.get(instanceType);
  if (!type) throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
  if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) throw new Ec2ApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  const image = state.images.get(imageId);
  if (!image || image.region !== ctx.region || image.state === 'deregistered') throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (image.state !== 'available') throw new Ec2ApiError('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is not available (state: ${image.state})`);
  if (image.architecture !== type.arch) {
    throw new Ec2ApiError('InvalidParameterValue', `The architecture '${type.arch}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again.`);
  }

  // Network: one interface (DeviceIndex 0) or instance-level SubnetId / SecurityGroupId.
  const interfaces = listOf(params.NetworkInterface).map(structOf);
  if (interfaces.length > 0 && (params.SubnetId !== undefined || params.SecurityGroupId !== undefined)) {
    throw new Ec2ApiError('InvalidParameterCombination', 'Network interfaces and an instance-level subnet ID or security groups may not be specified on the same request');
  }
  const primary = interfaces.find((ni) => intOf(ni.DeviceIndex) === 0) ?? (interfaces.length > 0 ? undefined : {});
  if (primary === undefined) throw new Ec2ApiError('InvalidParameterValue', 'A network interface with DeviceIndex 0 is required');
  const subnetId = textOf(primary.SubnetId) ?? textOf(params.SubnetId);
  const groupIds = [...textListOf(primary.SecurityGroupId), ...textListOf(params.SecurityGroupId)];
  for (const g of groupIds) if (!/^sg-[0-9a-f]{8,17}$/.test(g)) throw new Ec2ApiError('InvalidGroupId.Malformed', `Invalid id: "${g}" (expecting "sg-...")`);
  let subnet: EmulatedSubnet | undefined;
  if (subnetId !== undefined) {
    subnet = state.subnets.get(subnetId);
    if (!subnet || subnet.region !== ctx.region) throw new Ec2ApiError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
  }
  const placementZone = textOf(structOf(params.Placement).AvailabilityZone);
  if (subnet && placementZone && subnet.zone !== placementZone) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${placementZone}) for parameter availabilityZone is invalid. Subnet '${subnet.subnetId}' is in the availability zone ${subnet.zone}`);
  }

  // Spot market options.
  const market = structOf(params.InstanceMarketOptions);
  const spot = textOf(market.MarketType) === 'spot';
  const spotOptions = structOf(market.SpotOptions);
  const maxPrice = textOf(spotOptions.MaxPrice);
  const spotType = textOf(spotOptions.SpotInstanceType) ?? 'one-time';
  const interruption = textOf(spotOptions.InstanceInterruptionBehavior) ?? 'terminate';
  if (spot && spotType === 'one-time' && interruption !== 'terminate') {
    throw new Ec2ApiError('InvalidParameterCombination', `The interruption behavior '${interruption}' is not supported for one-time Spot Instance requests.`);
  }

  // Block devices: the root mapping sets size/type/encryption of the boot volume.
  const rootDeviceName = '/dev/sda1';
  let root = { sizeGiB: image.rootSizeGiB, volumeType: 'gp3', encrypted: false, deleteOnTermination: true, iops: undefined as number | undefined, throughput: undefined as number | undefined, kmsKeyId: undefined as string | undefined };
  for (const m of listOf(params.BlockDeviceMapping).map(structOf)) {
    const device = textOf(m.DeviceName);
    if (!device) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter BlockDeviceMapping.DeviceName');
    const ebs = structOf(m.Ebs);
    const volumeType = textOf(ebs.VolumeType) ?? 'gp3';
    if (!VOLUME_TYPES.has(volumeType)) throw new Ec2ApiError('InvalidParameterValue', `Value (${volumeType}) for parameter volumeType is invalid. Valid volume types are standard, io1, io2, gp2, sc1, st1 and gp3.`);
    if (device !== rootDeviceName) continue;
    const size = intOf(ebs.VolumeSize) ?? image.rootSizeGiB;
    if (size < image.rootSizeGiB) {
      throw new Ec2ApiError('InvalidBlockDeviceMapping', `Volume of size ${size}GB is smaller than snapshot 'snap-${image.imageId.slice(4)}', expect size >= ${image.rootSizeGiB}GB`);
    }
    if (size > 16384) throw new Ec2ApiError('InvalidParameterValue', `Volume size ${size}GiB exceeds the maximum of 16384GiB for ${volumeType}`);
    root = {
      sizeGiB: size,
      volumeType,
      encrypted: boolOf(ebs.Encrypted) ?? false,
      deleteOnTermination: boolOf(ebs.DeleteOnTermination) ?? true,
      iops: intOf(ebs.Iops),
      throughput: intOf(ebs.Throughput),
      kmsKeyId: textOf(ebs.KmsKeyId),
    };
  }

  const userDataB64 = textOf(params.UserData);
  let userData: string | undefined;
  if (userDataB64 !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userDataB64) || userDataB64.length % 4 !== 0) throw new Ec2ApiError('InvalidParameterValue', 'Invalid BASE64 encoding of user data.');
    userData = Buffer.from(userDataB64, 'base64').toString('utf8');
    if (Buffer.byteLength(userData) > 16384) throw new Ec2ApiError('InvalidParameterValue', 'User data is limited to 16384 bytes');
  }
  const instanceTags = tagsFor(params, 'instance');
  const volumeTags = tagsFor(params, 'volume');

  const profile = structOf(params.IamInstanceProfile);
  const profileArn = textOf(profile.Arn) ?? (textOf(profile.Name) ? `arn:aws:iam::${EMULATOR_ACCOUNT_ID}:instance-profile/${textOf(profile.Name)}` : undefined);

  // Placement, capacity, quotas and spot price, in the order EC2 reports them.
  const zone = chooseZone(ctx, instanceType, subnet?.zone ?? placementZone);
  checkQuotas(ctx, instanceType, maxCount, spot);
  if (spot && maxPrice !== undefined) {
    const current = spotPriceOf(ctx, zone, instanceType)!;
    if (Number(maxPrice) < current) {
      throw new Ec2ApiError('SpotMaxPriceTooLow', `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${current}.`);
    }
  }
  subnet ??= state.defaultSubnet(zone)!;
  const publicIp = boolOf(primary.AssociatePublicIpAddress) ?? false;

  const reservationId = state.newId('r');
  const launched: EmulatedInstance[] = [];
  const now = state.now();
  for (let n = 0; n < maxCount; n++) {
    ctx.faults.consumeCapacity(zone, instanceType);
    const instanceId = state.newId('i');
    const volumeId = state.newId('vol');
    state.volumes.set(volumeId, {
      volumeId,
      region: ctx.region,
      zone,
      sizeGiB: root.sizeGiB,
      volumeType: root.volumeType,
      encrypted: root.encrypted,
      kmsKeyId: root.encrypted ? (root.kmsKeyId ?? `arn:aws:kms:${ctx.region}:${EMULATOR_ACCOUNT_ID}:alias/aws/ebs`) : undefined,
      iops: root.iops ?? (root.volumeType === 'gp3' ? 3000 : undefined),
      throughput: root.throughput ?? (root.volumeType === 'gp3' ? 125 : undefined),
      state: 'in-use',
      attachedTo: instanceId,
      device: rootDeviceName,
      deleteOnTermination: root.deleteOnTermination,
      tags: new Map(volumeTags),
      createTime: new Date(now),
    });
    const instance: EmulatedInstance = {
      instanceId,
      reservationId,
      ownerId: EMULATOR_ACCOUNT_ID,
      region: ctx.region,
      zone,
      instanceType,
      imageId,
      architecture: type.arch,
      clientToken,
      state: 'pending',
      stateTransitionReason: '',
      stateReason: { code: 'pending', message: 'pending' },
      launchTime: new Date(now),
      visibleAt: now + state.timings.consistencyWindowMs,
      transition: undefined,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      networkInterfaceId: state.newId('eni'),
      privateIp: state.nextPrivateIp(subnet),
      publicIp: publicIp ? state.nextPublicIp() : undefined,
      associatePublicIp: publicIp,
      securityGroupIds: groupIds.length > 0 ? groupIds : ['sg-default'],
      tags: new Map(instanceTags),
      rootDeviceName,
      rootVolumeId: volumeId,
      iamInstanceProfile: profileArn ? { arn: profileArn, id: `AIPA${createHash('sha256').update(profileArn).digest('hex').slice(0, 17).toUpperCase()}` } : undefined,
      userData,
      spot: spot ? { requestId: state.newSpotRequestId(), maxPrice, type: spotType, interruptionBehavior: interruption } : undefined,
      platform: image.platform,
      purgeAt: undefined,
    };
    state.scheduleTransition(instance, 'running', state.timings.pendingMs);
    state.instances.set(instanceId, instance);
    launched.push(instance);
  }
  if (clientToken !== undefined) {
    state.clientTokens.set(`${ctx.region}/${clientToken}`, { fingerprint, reservationId, instanceIds: launched.map((i) => i.instanceId) });
  }
  return reservationXml(state, reservationId, EMULATOR_ACCOUNT_ID, launched) as Record<string, XmlValue>;
};

// ---------------------------------------------------------------------------------------------
// Instances: describe and power

const describeInstances: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const ids = textListOf(params.InstanceId);
  if (ids.length > 0 && params.MaxResults !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const size = pageSize(params, 5, 1000);
  const filters = filtersOf(params);
  state.advanceAll();
  // The consistency window hides new instances from lookups by id, the symptom AWS documents
  // (InvalidInstanceID.NotFound right after RunInstances); filtered listings show them.
  const candidates = ids.length > 0 ? findInstances(ctx, ids, true) : [...state.instances.values()].filter((i) => i.region === ctx.region);
  const matching = candidates.filter((i) => matchesAll(filters, i, instanceFilterValue));
  // Pages hold instances; each instance is shown inside its reservation, as EC2 does.
  const { page, nextToken } = paginate(matching, params, size);
  const byReservation = new Map<string, EmulatedInstance[]>();
  for (const i of page) {
    const list = byReservation.get(i.reservationId) ?? [];
    list.push(i);
    byReservation.set(i.reservationId, list);
  }
  return {
    reservationSet: [...byReservation].map(([rid, list]) => reservationXml(state, rid, list[0]!.ownerId, list)),
    nextToken,
  };
};

function stateChange(i: EmulatedInstance, previous: InstanceStateName): XmlValue {
  return {
    instanceId: i.instanceId,
    currentState: { code: INSTANCE_STATE_CODES[i.state], name: i.state },
    previousState: { code: INSTANCE_STATE_CODES[previous], name: previous },
  };
}

const startInstances: ActionHandler = (ctx, params) => {
  const instances = findInstances(ctx, requireInstanceIds(params), false);
  for (const i of instances) ctx.state.advanceInstance(i);
  for (const i of instances) {
    if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'stopping') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be started.`);
    }
  }
  const changes = instances.map((i) => {
    const previous = i.state;
    if (i.state === 'stopped') {
      i.state = 'pending';
      i.stateReason = undefined;
      i.stateTransitionReason = '';
      if (i.associatePublicIp) i.publicIp = ctx.state.nextPublicIp();
      ctx.state.scheduleTransition(i, 'running', ctx.state.timings.pendingMs);
    }
    return stateChange(i, previous);
  });
  return { instancesSet: changes };
};

/** EC2's `reason` text for a user-initiated change. */
function userReason(now: number): string {
  return `User initiated (${new Date(now).toISOString().replace('T', ' ').slice(0, 19)} GMT)`;
}

const stopInstances: ActionHandler = (ctx, params) => {
  const instances = findInstances(ctx, requireInstanceIds(params), false);
  for (const i of instances) ctx.state.advanceInstance(i);
  for (const i of instances) {
    if (i.state === 'terminated' || i.state === 'shutting-down' || i.state === 'pending') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be stopped.`);
    }
    if (i.spot && i.spot.type === 'one-time') {
      throw new Ec2ApiError('UnsupportedOperation', `You can't stop the Spot Instance '${i.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`);
    }
  }
  const now = ctx.state.now();
  const changes = instances.map((i) => {
    const previous = i.state;
    if (i.state === 'running') {
      i.state = 'stopping';
      i.stateTransitionReason = userReason(now);
      ctx.state.scheduleTransition(i, 'stopped', ctx.state.timings.stoppingMs, { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' });
    }
    return stateChange(i, previous);
  });
  return { instancesSet: changes };
};

const rebootInstances: ActionHandler = (ctx, params) => {
  const instances = findInstances(ctx, requireInstanceIds(params), false);
  for (const i of instances) {
    ctx.state.advanceInstance(i);
    if (i.state !== 'running' && i.state !== 'pending') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be rebooted.`);
    }
  }
  return { return: true };
};

const terminateInstances: ActionHandler = (ctx, params) => {
  const instances = findInstances(ctx, requireInstanceIds(params), false);
  const now = ctx.state.now();
  const changes = instances.map((i) => {
    ctx.state.advanceInstance(i);
    const previous = i.state;
    if (i.state !== 'terminated' && i.state !== 'shutting-down') {
      i.state = 'shutting-down';
      i.stateTransitionReason = userReason(now);
      ctx.state.scheduleTransition(i, 'terminated', ctx.state.timings.shuttingDownMs, { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' });
    }
    return stateChange(i, previous);
  });
  return { instancesSet: changes };
};

// ---------------------------------------------------------------------------------------------
// Images

const describeImages: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  state.advanceAll();
  const owners = textListOf(params.Owner).map((o) => (o === 'self' ? EMULATOR_ACCOUNT_ID : o));
  const ids = textListOf(params.ImageId);
  const filters = filtersOf(params);
  const size = pageSize(params, 6, 1000);
  let images = [...state.images.values()].filter((img) => img.region === ctx.region && img.state !== 'deregistered');
  if (ids.length > 0) {
    const missing = ids.filter((id) => !images.some((img) => img.imageId === id));
    if (missing.length > 0) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
    images = images.filter((img) => ids.includes(img.imageId));
  }
  if (owners.length > 0) images = images.filter((img) => owners.includes(img.ownerId) || (img.ownerAlias !== undefined && owners.includes(img.ownerAlias)));
  else if (ids.length === 0) images = images.filter((img) => img.isPublic || img.ownerId === EMULATOR_ACCOUNT_ID);
  images = images.filter((img) =>
    matchesAll(filters, img, (name, i) => {
      if (name.startsWith('tag:')) return i.tags.get(name.slice(4));
      switch (name) {
        case 'name':
          return i.name;
        case 'architecture':
          return i.architecture;
        case 'state':
          return i.state;
        case 'owner-id':
          return i.ownerId;
        case 'owner-alias':
          return i.ownerAlias;
        case 'image-id':
          return i.imageId;
        case 'platform':
          return i.platform;
        case 'is-public':
          return String(i.isPublic);
        case 'root-device-type':
          return 'ebs';
        case 'virtualization-type':
          return 'hvm';
        default:
          throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
      }
    }),
  );
  const { page, nextToken } = paginate(images, params, size);
  return { imagesSet: page.map(imageXml), nextToken };
};

const createImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const [instance] = findInstances(ctx, requireInstanceIds({ InstanceId: params.InstanceId ?? [] }), false);
  const name = textOf(params.Name);
  if (!name) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter Name');
  state.advanceInstance(instance!);
  if (instance!.state === 'terminated' || instance!.state === 'shutting-down') {
    throw new Ec2ApiError('IncorrectInstanceState', `The instance '${instance!.instanceId}' is not in a state from which an image can be created.`);
  }
  for (const img of state.images.values()) {
    if (img.region === ctx.region && img.ownerId === EMULATOR_ACCOUNT_ID && img.name === name && img.state !== 'deregistered') {
      throw new Ec2ApiError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${img.imageId}`);
    }
  }
  const imageId = state.newId('ami');
  const root = state.volumes.get(instance!.rootVolumeId);
  state.images.set(imageId, {
    imageId,
    region: ctx.region,
    ownerId: EMULATOR_ACCOUNT_ID,
    ownerAlias: undefined,
    name,
    description: textOf(params.Description),
    architecture: instance!.architecture,
    creationDate: new Date(state.now()).toISOString(),
    state: 'pending',
    availableAt: state.now() + state.timings.imageAvailableMs,
    platform: instance!.platform,
    isPublic: false,
    rootSizeGiB: root?.sizeGiB ?? 8,
    sourceInstanceId: instance!.instanceId,
    sourceImageId: instance!.imageId,
    sourceRegion: undefined,
    tags: new Map(),
  });
  return { imageId };
};

const copyImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const sourceImageId = textOf(params.SourceImageId);
  const sourceRegion = textOf(params.SourceRegion);
  const name = textOf(params.Name);
  if (!sourceImageId || !sourceRegion || !name) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameters SourceImageId, SourceRegion and Name');
  state.advanceAll();
  const source = state.images.get(sourceImageId);
  if (!source || source.region !== sourceRegion) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${sourceImageId}]' does not exist`);
  if (source.state !== 'available') throw new Ec2ApiError('IncorrectState', `Image ${sourceImageId} is not in a valid state to copy (state: ${source.state})`);
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `CopyImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  if (previous) return { imageId: previous };
  const imageId = state.newId('ami');
  if (tokenKey) state.requestTokens.set(tokenKey, imageId);
  state.images.set(imageId, {
    ...source,
    imageId,
    region: ctx.region,
    ownerId: EMULATOR_ACCOUNT_ID,
    ownerAlias: undefined,
    name,
    description: textOf(params.Description) ?? `[Copied ${sourceImageId} from ${sourceRegion}] ${source.description ?? ''}`.trim(),
    creationDate: new Date(state.now()).toISOString(),
    state: 'pending',
    availableAt: state.now() + state.timings.imageAvailableMs,
    isPublic: false,
    sourceImageId,
    sourceRegion,
    tags: new Map(),
  });
  return { imageId };
};

const EXPORT_FORMATS = { VMDK: 'vmdk', RAW: 'raw', VHD: 'vhd' } as const;

const exportImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const imageId = textOf(params.ImageId);
  const format = textOf(params.DiskImageFormat) as keyof typeof EXPORT_FORMATS | undefined;
  const location = structOf(params.S3ExportLocation);
  const bucket = textOf(location.S3Bucket);
  if (!imageId || !format || !bucket) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameters ImageId, DiskImageFormat and S3ExportLocation.S3Bucket');
  if (!(format in EXPORT_FORMATS)) throw new Ec2ApiError('InvalidParameterValue', `Value (${format}) for parameter DiskImageFormat is invalid. Valid values: VMDK, RAW, VHD`);
  state.advanceAll();
  const image = state.images.get(imageId);
  if (!image || image.region !== ctx.region) throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (image.state !== 'available') throw new Ec2ApiError('IncorrectState', `Image ${imageId} is not available`);
  if (image.ownerId !== EMULATOR_ACCOUNT_ID) throw new Ec2ApiError('InvalidParameter', 'Only AMIs you own can be exported');
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `ExportImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  const existing = previous ? state.exportTasks.get(previous) : undefined;
  if (existing) {
    return { exportImageTaskId: existing.taskId, imageId: existing.imageId, diskImageFormat: existing.format, roleName: existing.roleName, s3ExportLocation: { s3Bucket: existing.bucket, s3Prefix: existing.prefix }, status: existing.status };
  }
  const taskId = state.newId('export-ami');
  if (tokenKey) state.requestTokens.set(tokenKey, taskId);
  const prefix = textOf(location.S3Prefix) ?? '';
  // Exported disks are sparse-ish; RAW is the full volume size, the others about a third.
  const full = image.rootSizeGiB * 1024 ** 3;
  const sizeBytes = format === 'RAW' ? full : Math.round(full / 3);
  state.exportTasks.set(taskId, {
    taskId,
    region: ctx.region,
    imageId,
    format,
    bucket,
    prefix,
    roleName: textOf(params.RoleName) ?? 'vmimport',
    status: 'active',
    doneAt: state.now() + state.timings.imageTaskMs,
    sizeBytes,
  });
  ctx.objects.set(`s3://${bucket}/${prefix}${taskId}.${EXPORT_FORMATS[format]}`, {
    sizeBytes,
    sha256: createHash('sha256').update(`${imageId}/${format}`).digest('hex'),
  });
  return {
    exportImageTaskId: taskId,
    imageId,
    diskImageFormat: format,
    roleName: textOf(params.RoleName) ?? 'vmimport',
    s3ExportLocation: { s3Bucket: bucket, s3Prefix: prefix },
    status: 'active',
    progress: '0',
    description: textOf(params.Description),
  };
};

const describeExportImageTasks: ActionHandler = (ctx, params) => {
  ctx.state.advanceAll();
  const ids = textListOf(params.ExportImageTaskId);
  const tasks = [...ctx.state.exportTasks.values()].filter((t) => t.region === ctx.region && (ids.length === 0 || ids.includes(t.taskId)));
  if (ids.length > 0 && tasks.length < ids.length) throw new Ec2ApiError('InvalidExportImageTaskId.NotFound', `The export task ID '${ids.find((id) => !tasks.some((t) => t.taskId === id))}' does not exist`);
  return {
    exportImageTaskSet: tasks.map((t) => ({
      exportImageTaskId: t.taskId,
      imageId: t.imageId,
      progress: t.status === 'active' ? '50' : undefined,
      s3ExportLocation: { s3Bucket: t.bucket, s3Prefix: t.prefix },
      status: t.status,
      statusMessage: t.status === 'active' ? 'converting' : undefined,
    })),
  };
};

const IMPORT_FORMATS = new Set(['VMDK', 'VHD', 'VHDX', 'RAW', 'OVA']);

const importImage: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const containers = listOf(params.DiskContainer).map(structOf);
  const first = containers[0];
  if (!first) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter DiskContainer');
  const format = (textOf(first.Format) ?? '').toUpperCase();
  if (!IMPORT_FORMATS.has(format)) throw new Ec2ApiError('InvalidParameterValue', `Value (${format}) for parameter Format is invalid. Valid values: OVA, VHD, VHDX, VMDK, RAW`);
  const bucketSpec = structOf(first.UserBucket);
  const bucket = textOf(bucketSpec.S3Bucket);
  const key = textOf(bucketSpec.S3Key);
  if (!bucket || !key) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter DiskContainer.UserBucket');
  const object = ctx.objects.get(`s3://${bucket}/${key}`);
  const token = textOf(params.ClientToken);
  const tokenKey = token ? `ImportImage/${ctx.region}/${token}` : undefined;
  const previous = tokenKey ? state.requestTokens.get(tokenKey) : undefined;
  if (previous) return { importTaskId: previous, status: state.importTasks.get(previous)?.status ?? 'active' };
  const taskId = state.newId('import-ami');
  if (tokenKey) state.requestTokens.set(tokenKey, taskId);
  state.importTasks.set(taskId, {
    taskId,
    region: ctx.region,
    format,
    bucket,
    key,
    // A missing object fails the task later, as on AWS, not the call.
    status: object ? 'active' : 'deleted',
    doneAt: state.now() + state.timings.imageTaskMs,
    imageId: undefined,
    architecture: textOf(params.Architecture) === 'arm64' ? 'arm64' : 'x86_64',
    sizeBytes: object?.sizeBytes ?? 0,
  });
  return { importTaskId: taskId, status: 'active', progress: '2', statusMessage: 'pending', architecture: textOf(params.Architecture) };
};

const describeImportImageTasks: ActionHandler = (ctx, params) => {
  ctx.state.advanceAll();
  const ids = textListOf(params.ImportTaskId);
  const tasks = [...ctx.state.importTasks.values()].filter((t) => t.region === ctx.region && (ids.length === 0 || ids.includes(t.taskId)));
  return {
    importImageTaskSet: tasks.map((t) => ({
      importTaskId: t.taskId,
      status: t.status,
      statusMessage: t.status === 'deleted' ? `ClientError: Unable to retrieve the disk from S3 (s3://${t.bucket}/${t.key} not found)` : t.status === 'active' ? 'converting' : undefined,
      imageId: t.imageId,
      architecture: t.architecture,
      progress: t.status === 'active' ? '40' : undefined,
      snapshotDetailSet: [{ diskImageSize: t.sizeBytes, format: t.format, userBucket: { s3Bucket: t.bucket, s3Key: t.key }, status: t.status }],
    })),
  };
};

// ---------------------------------------------------------------------------------------------
// Regions, zones, instance types, offerings, spot prices, volumes

const describeRegions: ActionHandler = (ctx, params) => {
  const names = textListOf(params.RegionName);
  const unknown = names.find((n) => !ctx.state.regions.has(n));
  if (unknown !== undefined) throw new Ec2ApiError('InvalidParameterValue', `Invalid region: ${unknown}`);
  const filters = filtersOf(params);
  const regions = [...ctx.state.regions.values()].filter(
    (r) => (names.length === 0 || names.includes(r.name)) && matchesAll(filters, r, (name, x) => (name === 'region-name' ? x.name : name === 'opt-in-status' ? 'opt-in-not-required' : undefined)),
  );
  return { regionInfo: regions.map((r) => ({ regionName: r.name, regionEndpoint: `ec2.${r.name}.amazonaws.com`, optInStatus: 'opt-in-not-required' })) };
};

const describeAvailabilityZones: ActionHandler = (ctx, params) => {
  const region = ctx.state.regions.get(ctx.region)!;
  const names = textListOf(params.ZoneName);
  const filters = filtersOf(params);
  const zones = region.zones
    .map((letter, i) => ({ zoneName: region.name + letter, zoneId: `${region.name.replace(/^(\w)\w*-(\w)\w*-(\d)$/, '$1$2$3')}-az${i + 1}` }))
    .filter((z) => (names.length === 0 || names.includes(z.zoneName)) && matchesAll(filters, z, (name, x) => {
        switch (name) {
          case 'zone-name':
            return x.zoneName;
          case 'zone-id':
            return x.zoneId;
          case 'region-name':
          case 'group-name':
            return region.name;
          case 'state':
            return 'available';
          case 'zone-type':
            return 'availability-zone';
          case 'opt-in-status':
            return 'opt-in-not-required';
          default:
            throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        }
      }));
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.zoneName,
      zoneId: z.zoneId,
      zoneState: 'available',
      regionName: region.name,
      groupName: region.name,
      networkBorderGroup: region.name,
      zoneType: 'availability-zone',
      optInStatus: 'opt-in-not-required',
      messageSet: [],
    })),
  };
};

const describeInstanceTypes: ActionHandler = (ctx, params) => {
  const names = textListOf(params.InstanceType);
  const unknown = names.filter((n) => !INSTANCE_TYPES.has(n));
  if (unknown.length > 0) throw new Ec2ApiError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  const size = pageSize(params, 5, 100);
  const filters = filtersOf(params);
  const types = [...INSTANCE_TYPES.values()].filter(
    (t) =>
      (names.length === 0 || names.includes(t.name)) &&
      matchesAll(filters, t, (name, x) => {
        switch (name) {
          case 'instance-type':
            return x.name;
          case 'processor-info.supported-architecture':
            return x.arch;
          case 'vcpu-info.default-vcpus':
            return String(x.vcpus);
          case 'current-generation':
            return 'true';
          default:
            throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        }
      }),
  );
  const { page, nextToken } = paginate(types, params, size ?? 100);
  return {
    instanceTypeSet: page.map((t) => ({
      instanceType: t.name,
      currentGeneration: true,
      freeTierEligible: t.name === 't3.micro',
      supportedUsageClasses: ['on-demand', 'spot'],
      supportedRootDeviceTypes: ['ebs'],
      supportedVirtualizationTypes: ['hvm'],
      bareMetal: false,
      hypervisor: 'nitro',
      processorInfo: { supportedArchitectures: [t.arch], manufacturer: t.arch === 'arm64' ? 'AWS' : 'Intel' },
      vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: Math.max(1, t.vcpus / 2), defaultThreadsPerCore: t.vcpus > 1 ? 2 : 1 },
      memoryInfo: { sizeInMiB: t.memoryMiB },
      instanceStorageSupported: false,
      ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
      networkInfo: { networkPerformance: t.vcpus >= 8 ? 'Up to 10 Gigabit' : 'Up to 5 Gigabit', maximumNetworkInterfaces: 3, ipv6Supported: true, enaSupport: 'required' },
      gpuInfo: t.gpu
        ? { gpus: [{ name: t.gpu.name, manufacturer: t.gpu.manufacturer, count: t.gpu.count, memoryInfo: { sizeInMiB: t.gpu.memoryMiB } }], totalGpuMemoryInMiB: t.gpu.memoryMiB * t.gpu.count }
        : undefined,
    })),
    nextToken,
  };
};

const describeInstanceTypeOfferings: ActionHandler = (ctx, params) => {
  const locationType = textOf(params.LocationType) ?? 'region';
  if (locationType !== 'region' && locationType !== 'availability-zone') throw new Ec2ApiError('InvalidParameterValue', `Invalid LocationType: ${locationType}`);
  const size = pageSize(params, 5, 1000);
  const filters = filtersOf(params);
  const rows: { instanceType: string; locationType: string; location: string }[] = [];
  for (const type of INSTANCE_TYPES.keys()) {
    if (locationType === 'region') rows.push({ instanceType: type, locationType, location: ctx.region });
    else for (const zone of ctx.state.zonesOf(ctx.region)) if (ctx.state.isOffered(zone, type)) rows.push({ instanceType: type, locationType, location: zone });
  }
  const matching = rows.filter((r) => matchesAll(filters, r, (name, x) => (name === 'location' ? x.location : name === 'instance-type' ? x.instanceType : undefined)));
  const { page, nextToken } = paginate(matching, params, size);
  return { instanceTypeOfferingSet: page, nextToken };
};

const describeSpotPriceHistory: ActionHandler = (ctx, params) => {
  const types = textListOf(params.InstanceType);
  const products = textListOf(params.ProductDescription);
  const zone = textOf(params.AvailabilityZone);
  const size = pageSize(params, 1, 1000);
  const timestamp = new Date(ctx.state.now() - 60_000);
  const rows: XmlValue[] = [];
  const zones = ctx.state.zonesOf(ctx.region).filter((z) => zone === undefined || z === zone);
  const filters = filtersOf(params);
  for (const z of zones) {
    for (const t of INSTANCE_TYPES.keys()) {
      if (types.length > 0 && !types.includes(t)) continue;
      if (!ctx.state.isOffered(z, t)) continue;
      for (const product of ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)']) {
        if (products.length > 0 && !products.includes(product)) continue;
        const row = { availabilityZone: z, instanceType: t, productDescription: product, spotPrice: spotPriceOf(ctx, z, t)!.toFixed(6), timestamp };
        if (!matchesAll(filters, row, (name, x) => (name === 'availability-zone' ? x.availabilityZone : name === 'instance-type' ? x.instanceType : name === 'product-description' ? x.productDescription : undefined))) continue;
        rows.push(row);
      }
    }
  }
  const { page, nextToken } = paginate(rows, params, size);
  return { spotPriceHistorySet: page, nextToken: nextToken ?? '' };
};

const describeVolumes: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.VolumeId);
  const filters = filtersOf(params);
  const size = pageSize(params, 5, 500);
  ctx.state.advanceAll();
  const volumes = [...ctx.state.volumes.values()].filter(
    (v) =>
      v.region === ctx.region &&
      v.state !== 'deleted' &&
      (ids.length === 0 || ids.includes(v.volumeId)) &&
      matchesAll(filters, v, (name, x) => (name === 'attachment.instance-id' ? x.attachedTo : name === 'volume-id' ? x.volumeId : name === 'volume-type' ? x.volumeType : name.startsWith('tag:') ? x.tags.get(name.slice(4)) : undefined)),
  );
  const missing = ids.find((id) => !volumes.some((v) => v.volumeId === id));
  if (missing !== undefined) throw new Ec2ApiError('InvalidVolume.NotFound', `The volume '${missing}' does not exist.`);
  const { page, nextToken } = paginate(volumes, params, size);
  return { volumeSet: page.map(volumeXml), nextToken };
};

/** Every action the emulator answers. */
export const EC2_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
  TerminateInstances: terminateInstances,
  DescribeImages: describeImages,
  CreateImage: createImage,
  CopyImage: copyImage,
  ExportImage: exportImage,
  DescribeExportImageTasks: describeExportImageTasks,
  ImportImage: importImage,
  DescribeImportImageTasks: describeImportImageTasks,
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeSpotPriceHistory: describeSpotPriceHistory,
  DescribeVolumes: describeVolumes,
};

/** Renders one instance as `DescribeInstances` would (used by emulator controls). */
export { instanceXml };
