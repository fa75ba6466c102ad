/**
 * Instance actions: RunInstances (validation, placement, capacity, quotas, spot, ClientToken
 * idempotency), DescribeInstances (filters, pagination, reservations) and the power actions.
 * Behaviour and messages per the Amazon EC2 API Reference for each action (read 2026-11).
 */
import { createHash } from 'node:crypto';
import { canonical, matchesAll, pageSize, paginate, spotPriceOf, type ActionContext, type ActionHandler, type Params } from './action-support.js';
import { visibleNow } from '../kit/lifecycle-clock.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID, INSTANCE_STATE_CODES, INSTANCE_TYPES, type EmulatedInstance, type EmulatedInstanceProfile, type InstanceStateName } from './ec2-state.js';
import { launchNetworkOf } from './launch-network.js';
import { reservationXml } from './instance-xml.js';
import { boolOf, filtersOf, intOf, listOf, structOf, textListOf, textOf } from './query-request.js';
import type { XmlValue } from './xml-writer.js';

const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
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

/** The instances named by id in the call's region; `InvalidInstanceID.*` otherwise. */
export function findInstances(ctx: ActionContext, ids: readonly string[], visibleOnly: boolean): EmulatedInstance[] {
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

/** `InstanceId.N`, required. */
export function requireInstanceIds(params: Params): string[] {
  const ids = textListOf(params.InstanceId);
  if (ids.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter InstanceId');
  return ids;
}

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
  const maxInstances = ctx.faults.quotaOf('instances');
  const maxSpotInstances = ctx.faults.quotaOf('spot-instances');
  const maxOnDemandVcpus = ctx.faults.quotaOf('vcpus');
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

/** Instance-profile ARNs: `arn:aws:iam::<account>:instance-profile/<path/><name>`. */
const PROFILE_ARN = /^arn:aws:iam::(\d{12}):instance-profile\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,128})$/;

/**
 * The instance profile of `IamInstanceProfile.Name` or `.Arn`: one the account has, as EC2
 * requires (both at once is `InvalidParameterCombination`; an unknown name or an ARN that is
 * not one of the account's instance profiles is `InvalidParameterValue`).
 */
function instanceProfileOf(ctx: ActionContext, params: Params): EmulatedInstanceProfile | undefined {
  const spec = structOf(params.IamInstanceProfile);
  const name = textOf(spec.Name);
  const arn = textOf(spec.Arn);
  if (name !== undefined && arn !== undefined) throw new Ec2ApiError('InvalidParameterCombination', "The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'");
  if (name !== undefined) {
    const profile = ctx.state.instanceProfiles.get(name);
    if (!profile) throw new Ec2ApiError('InvalidParameterValue', `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`);
    return profile;
  }
  if (arn !== undefined) {
    const m = PROFILE_ARN.exec(arn);
    const profile = m ? ctx.state.instanceProfiles.get(m[2]!) : undefined;
    if (!m || m[1] !== EMULATOR_ACCOUNT_ID || profile?.arn !== arn) throw new Ec2ApiError('InvalidParameterValue', `Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`);
    return profile;
  }
  return undefined;
}

/** The `RunInstances` action. */
export const runInstances: ActionHandler = (ctx, params) => {
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

  const network = launchNetworkOf(ctx, params);
  const requested = network.subnet;
  const placementZone = textOf(structOf(params.Placement).AvailabilityZone);
  if (requested && placementZone && requested.zone !== placementZone) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${placementZone}) for parameter availabilityZone is invalid. Subnet '${requested.subnetId}' is in the availability zone ${requested.zone}`);
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

  const profile = instanceProfileOf(ctx, params);

  // Placement, capacity, quotas and spot price, in the order EC2 reports them.
  const zone = chooseZone(ctx, instanceType, requested?.zone ?? placementZone);
  checkQuotas(ctx, instanceType, maxCount, spot);
  if (spot && maxPrice !== undefined) {
    const current = spotPriceOf(ctx, zone, instanceType)!;
    if (Number(maxPrice) < current) {
      throw new Ec2ApiError('SpotMaxPriceTooLow', `Your Spot request price of ${maxPrice} is lower than the minimum required Spot request fulfillment price of ${current}.`);
    }
  }
  const subnet = requested ?? state.defaultSubnet(zone)!;
  const publicIp = network.associatePublicIp ?? subnet.mapPublicIpOnLaunch;

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
      visibleAt: state.clock.window(state.timings.consistencyWindowMs).closesAt,
      listedAt: state.clock.window(state.timings.listingConsistencyWindowMs).closesAt,
      transition: undefined,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      networkInterfaceId: state.newId('eni'),
      privateIp: state.nextPrivateIp(subnet),
      publicIp: publicIp ? state.nextPublicIp() : undefined,
      associatePublicIp: publicIp,
      securityGroupIds: [...network.groupIds],
      tags: new Map(instanceTags),
      rootDeviceName,
      rootVolumeId: volumeId,
      iamInstanceProfile: profile ? { arn: profile.arn, id: profile.id } : undefined,
      userData,
      spot: spot ? { requestId: state.newSpotRequestId(), maxPrice, type: spotType, interruptionBehavior: interruption } : undefined,
      platform: image.platform,
      purgeAt: undefined,
    };
    const launchFailure = ctx.faults.takeLaunchFailure();
    if (launchFailure) state.scheduleTransition(instance, 'terminated', state.timings.pendingMs, launchFailure);
    else state.scheduleTransition(instance, 'running', state.timings.pendingMs);
    state.instances.set(instanceId, instance);
    launched.push(instance);
  }
  if (clientToken !== undefined) {
    state.clientTokens.set(`${ctx.region}/${clientToken}`, { fingerprint, reservationId, instanceIds: launched.map((i) => i.instanceId) });
  }
  return reservationXml(state, reservationId, EMULATOR_ACCOUNT_ID, launched) as Record<string, XmlValue>;
};

/** The `DescribeInstances` action. */
export const describeInstances: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const ids = textListOf(params.InstanceId);
  if (ids.length > 0 && params.MaxResults !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  const size = pageSize(params, 5, 1000);
  const filters = filtersOf(params);
  state.advanceAll();
  // The consistency window hides new instances from lookups by id, the symptom AWS documents
  // (InvalidInstanceID.NotFound right after RunInstances); filtered listings show them unless
  // `listingConsistencyWindowMs` makes them lag too.
  const inRegion = [...state.instances.values()].filter((i) => i.region === ctx.region);
  const candidates = ids.length > 0 ? findInstances(ctx, ids, true) : visibleNow(state.clock, inRegion, (i) => i.listedAt);
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

/** The `StartInstances` action. */
export const startInstances: ActionHandler = (ctx, params) => {
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

/** The `StopInstances` action. */
export const stopInstances: ActionHandler = (ctx, params) => {
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

/** The `RebootInstances` action. */
export const rebootInstances: ActionHandler = (ctx, params) => {
  const instances = findInstances(ctx, requireInstanceIds(params), false);
  for (const i of instances) {
    ctx.state.advanceInstance(i);
    if (i.state !== 'running' && i.state !== 'pending') {
      throw new Ec2ApiError('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be rebooted.`);
    }
  }
  return { return: true };
};

/** The `TerminateInstances` action. */
export const terminateInstances: ActionHandler = (ctx, params) => {
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
