/**
 * The emulator's state: instances, volumes, images and their snapshots, VPCs, subnets,
 * security groups, instance profiles, client tokens and image tasks, per region. Every region
 * has a default VPC (172.31.0.0/16) with one default subnet per zone that maps public
 * addresses on launch and a `default` security group, as an AWS account has (source: Amazon
 * VPC User Guide, "Default VPCs", read 2026-11); tests add non-default ones. Time-driven transitions (pending → running, stopping → stopped, image
 * pending → available) are applied lazily whenever state is read, on the kit's lifecycle
 * clock, so the model needs no timers and a test can drive it with its own clock. Guest disks
 * and the S3 side of the image tasks belong to {@link VmImportExport}; an image task whose time
 * is up ends once its background work has.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LifecycleClock, type ScheduledTransition } from '../kit/lifecycle-clock.js';
import { SEED_IMAGES, SEED_INSTANCE_TYPES, SEED_REGIONS, type SeedInstanceType, type SeedRegion } from './seed-catalog.js';
import type { DeclaredObject, GuestDiskRef, VmImportExport } from './vm-import-export.js';

/** EC2 instance state names. */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/**
 * State codes as EC2 reports them (low byte of `instanceState/code`).
 * Source: EC2 API Reference, InstanceState (read 2026-11).
 */
export const INSTANCE_STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** A reason EC2 gives for a state change. */
export interface StateReason {
  /** E.g. `Client.UserInitiatedShutdown`, `Server.SpotInstanceTermination`. */
  readonly code: string;
  /** Human text, starting with the code as EC2 writes it. */
  readonly message: string;
}

/** An emulated instance. Fields are mutable: this is the emulator's own record. */
export interface EmulatedInstance {
  instanceId: string;
  reservationId: string;
  ownerId: string;
  region: string;
  zone: string;
  instanceType: string;
  imageId: string;
  architecture: 'x86_64' | 'arm64';
  clientToken: string | undefined;
  state: InstanceStateName;
  stateTransitionReason: string;
  stateReason: StateReason | undefined;
  launchTime: Date;
  /** The instance shows up in describe calls by id from this time (eventual consistency). */
  visibleAt: number;
  /** The instance shows up in describe calls without ids (filtered listings) from this time. */
  listedAt: number;
  /** A pending time-driven transition. */
  transition: ScheduledTransition<InstanceStateName, StateReason> | undefined;
  subnetId: string;
  vpcId: string;
  networkInterfaceId: string;
  privateIp: string;
  publicIp: string | undefined;
  /** Has a public address while running (a new one is assigned at each start). */
  associatePublicIp: boolean;
  securityGroupIds: string[];
  tags: Map<string, string>;
  rootDeviceName: string;
  rootVolumeId: string;
  iamInstanceProfile: { arn: string; id: string } | undefined;
  userData: string | undefined;
  spot: { requestId: string; maxPrice: string | undefined; type: string; interruptionBehavior: string } | undefined;
  platform: 'windows' | undefined;
  /** When the instance disappears from describe calls after termination. */
  purgeAt: number | undefined;
}

/** An emulated EBS volume. */
export interface EmulatedVolume {
  volumeId: string;
  region: string;
  zone: string;
  sizeGiB: number;
  volumeType: string;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  iops: number | undefined;
  throughput: number | undefined;
  state: 'creating' | 'available' | 'in-use' | 'deleting' | 'deleted';
  attachedTo: string | undefined;
  device: string | undefined;
  deleteOnTermination: boolean;
  tags: Map<string, string>;
  createTime: Date;
}

/** An emulated image (AMI). */
export interface EmulatedImage {
  imageId: string;
  region: string;
  ownerId: string;
  ownerAlias: string | undefined;
  name: string;
  description: string | undefined;
  architecture: 'x86_64' | 'arm64';
  creationDate: string;
  state: 'pending' | 'available' | 'failed' | 'deregistered';
  availableAt: number | undefined;
  platform: 'windows' | undefined;
  isPublic: boolean;
  rootSizeGiB: number;
  sourceInstanceId: string | undefined;
  sourceImageId: string | undefined;
  sourceRegion: string | undefined;
  /**
   * The EBS snapshot of the root device. Images of this account own a record in
   * `Ec2State.snapshots`; public images name a snapshot of their publisher's.
   */
  rootSnapshotId: string;
  tags: Map<string, string>;
}

/** An EBS snapshot of this account (made by CreateImage, CopyImage or ImportImage). */
export interface EmulatedSnapshot {
  snapshotId: string;
  region: string;
  ownerId: string;
  volumeId: string | undefined;
  volumeSizeGiB: number;
  description: string;
  encrypted: boolean;
  state: 'pending' | 'completed' | 'error';
  /** When a pending snapshot completes. */
  completedAt: number;
  startTime: Date;
  tags: Map<string, string>;
}

/** A VPC: the region's default one, or one a test added. */
export interface EmulatedVpc {
  vpcId: string;
  region: string;
  cidr: string;
  isDefault: boolean;
}

/** A subnet of a region's default VPC, or one a test added. */
export interface EmulatedSubnet {
  subnetId: string;
  vpcId: string;
  region: string;
  zone: string;
  cidr: string;
  /** The first three octets private addresses are taken from. */
  cidrPrefix: string;
  /** The default subnet of its zone (in the default VPC). */
  defaultForAz: boolean;
  /** Instances launched here get a public address unless their interface says otherwise. */
  mapPublicIpOnLaunch: boolean;
}

/** A security group of a VPC. */
export interface EmulatedSecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  region: string;
}

/** An IAM instance profile the account has (IAM is global: no region). */
export interface EmulatedInstanceProfile {
  name: string;
  arn: string;
  id: string;
}

/** What a client token remembers: the request fingerprint and what it launched. */
export interface ClientTokenRecord {
  readonly fingerprint: string;
  readonly reservationId: string;
  readonly instanceIds: readonly string[];
}

/** An image export task (ExportImage). */
export interface ExportImageTask {
  taskId: string;
  region: string;
  imageId: string;
  format: 'VMDK' | 'RAW' | 'VHD';
  bucket: string;
  prefix: string;
  roleName: string;
  status: 'active' | 'completed' | 'deleting' | 'deleted';
  doneAt: number;
  /** Why the task will fail (it ends `deleted` with this message), when a test said so. */
  failure: string | undefined;
  /** Key of the object written when the task completes (`<prefix><task id>.<ext>`). */
  key: string;
  /** Why the task ended `deleted`. */
  statusMessage: string | undefined;
}

/** An image import task (ImportImage). */
export interface ImportImageTask {
  taskId: string;
  region: string;
  format: string;
  bucket: string;
  key: string;
  status: 'active' | 'completed' | 'deleting' | 'deleted';
  doneAt: number;
  imageId: string | undefined;
  architecture: 'x86_64' | 'arm64';
  /** Bytes of the upload (`diskImageSize`). */
  sizeBytes: number;
  /** Why the task ended `deleted`. */
  statusMessage: string | undefined;
}

/** Timings of the emulated lifecycle, in milliseconds. */
export interface Ec2Timings {
  /** pending → running. */
  pendingMs: number;
  /** stopping → stopped. */
  stoppingMs: number;
  /** shutting-down → terminated. */
  shuttingDownMs: number;
  /** How long a new instance stays invisible to describe calls by instance id (`InvalidInstanceID.NotFound`). */
  consistencyWindowMs: number;
  /**
   * How long a new instance stays out of describe calls without instance ids (filtered
   * listings, the `client-token` filter included). Default 0: listed at once. AWS documents
   * eventual consistency for describe results in general; turn this on to prove that a caller
   * does not take a listing that lags a launch for proof that nothing was launched.
   */
  listingConsistencyWindowMs: number;
  /** Image pending → available (CreateImage, CopyImage). */
  imageAvailableMs: number;
  /** ExportImage / ImportImage task duration. */
  imageTaskMs: number;
  /** How long terminated instances stay visible (about an hour on AWS). */
  terminatedRetentionMs: number;
}

/** Default account id of the emulated caller. */
export const EMULATOR_ACCOUNT_ID = '123456789012';

/** Instance types by name. */
export const INSTANCE_TYPES: ReadonlyMap<string, SeedInstanceType> = new Map(SEED_INSTANCE_TYPES.map((t) => [t.name, t]));

function hexId(prefix: string, length = 17): string {
  return `${prefix}-${randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length)}`;
}

/** An id in EC2's shape that is the same in every run (default VPCs, subnets, groups). */
function stableId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

/** `a.b.c.d/n` with a prefix length EC2 accepts for a VPC or subnet (/16 to /28). */
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The three leading octets of a CIDR block; throws when it is not one EC2 takes. */
export function cidrPrefixOf(cidr: string): string {
  const m = CIDR.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const length = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || !(length >= 16 && length <= 28)) {
    throw new Error(`[novacron] [ec2-emulator] "${cidr}" is not a CIDR block EC2 accepts (a.b.c.d/16 to /28)`);
  }
  return octets.slice(0, 3).join('.');
}

/** The whole emulated account. */
export class Ec2State {
  readonly instances = new Map<string, EmulatedInstance>();
  readonly volumes = new Map<string, EmulatedVolume>();
  readonly images = new Map<string, EmulatedImage>();
  readonly snapshots = new Map<string, EmulatedSnapshot>();
  readonly vpcs = new Map<string, EmulatedVpc>();
  readonly subnets = new Map<string, EmulatedSubnet>();
  readonly securityGroups = new Map<string, EmulatedSecurityGroup>();
  /** Instance profiles by name. */
  readonly instanceProfiles = new Map<string, EmulatedInstanceProfile>();
  /** Client tokens by `region/token`. */
  readonly clientTokens = new Map<string, ClientTokenRecord>();
  /** Results of idempotent non-launch calls (CopyImage, ExportImage, ImportImage) by `action/region/token`. */
  readonly requestTokens = new Map<string, string>();
  readonly exportTasks = new Map<string, ExportImageTask>();
  /** Objects declared "in S3" by size alone, by `s3://bucket/key` (see {@link VmImportExport}). */
  readonly objects: Map<string, DeclaredObject>;
  readonly importTasks = new Map<string, ImportImageTask>();
  readonly regions: ReadonlyMap<string, SeedRegion>;
  /** The clock transitions and consistency windows run on. */
  readonly clock: LifecycleClock;
  private ipCounter = 10;

  /** Builds the account with the seed regions, default subnets and public images. */
  constructor(
    readonly timings: Ec2Timings,
    now: () => number,
    /** Guest disks and the S3 bucket of the image tasks. */
    readonly vmImportExport: VmImportExport,
  ) {
    this.clock = new LifecycleClock(now);
    this.objects = vmImportExport.declared;
    this.regions = new Map(SEED_REGIONS.map((r) => [r.name, r]));
    for (const region of SEED_REGIONS) {
      const vpc = this.addVpc({ region: region.name, cidr: '172.31.0.0/16', isDefault: true });
      region.zones.forEach((letter, i) => {
        this.addSubnet({ vpcId: vpc.vpcId, zone: region.name + letter, cidr: `172.31.${i * 16}.0/20`, defaultForAz: true, mapPublicIpOnLaunch: true });
      });
      for (const image of SEED_IMAGES) {
        const imageId = hexId('ami');
        this.images.set(imageId, {
          imageId,
          region: region.name,
          ownerId: image.ownerId,
          ownerAlias: image.ownerAlias,
          name: image.name,
          description: undefined,
          architecture: image.arch,
          creationDate: image.creationDate,
          state: 'available',
          availableAt: undefined,
          platform: image.platform,
          isPublic: true,
          rootSizeGiB: image.platform === 'windows' ? 30 : 8,
          sourceInstanceId: undefined,
          sourceImageId: undefined,
          sourceRegion: undefined,
          rootSnapshotId: `snap-${imageId.slice(4)}`,
          tags: new Map(),
        });
      }
    }
  }

  /** Adds a VPC with its `default` security group. */
  addVpc(spec: { region: string; cidr: string; isDefault?: boolean }): EmulatedVpc {
    cidrPrefixOf(spec.cidr);
    const isDefault = spec.isDefault ?? false;
    const vpcId = isDefault ? stableId('vpc', `default/${spec.region}`) : hexId('vpc');
    const vpc: EmulatedVpc = { vpcId, region: spec.region, cidr: spec.cidr, isDefault };
    this.vpcs.set(vpcId, vpc);
    this.addSecurityGroup({ vpcId, groupName: 'default', description: 'default VPC security group' });
    return vpc;
  }

  /** Adds a subnet to a VPC. */
  addSubnet(spec: { vpcId: string; zone: string; cidr: string; defaultForAz?: boolean; mapPublicIpOnLaunch?: boolean }): EmulatedSubnet {
    const vpc = this.vpcs.get(spec.vpcId);
    if (!vpc) throw new Error(`[novacron] [ec2-emulator] unknown VPC ${spec.vpcId}`);
    if (!this.zonesOf(vpc.region).includes(spec.zone)) throw new Error(`[novacron] [ec2-emulator] zone ${spec.zone} is not in ${vpc.region} (zones: ${this.zonesOf(vpc.region).join(', ')})`);
    const defaultForAz = spec.defaultForAz ?? false;
    const subnetId = defaultForAz ? stableId('subnet', `default/${spec.zone}`) : hexId('subnet');
    const subnet: EmulatedSubnet = {
      subnetId,
      vpcId: vpc.vpcId,
      region: vpc.region,
      zone: spec.zone,
      cidr: spec.cidr,
      cidrPrefix: cidrPrefixOf(spec.cidr),
      defaultForAz,
      // Non-default subnets do not map public addresses unless told to (VPC User Guide).
      mapPublicIpOnLaunch: spec.mapPublicIpOnLaunch ?? defaultForAz,
    };
    this.subnets.set(subnetId, subnet);
    return subnet;
  }

  /** Adds a security group to a VPC; names are unique per VPC (`InvalidGroup.Duplicate` on EC2). */
  addSecurityGroup(spec: { vpcId: string; groupName: string; description?: string }): EmulatedSecurityGroup {
    const vpc = this.vpcs.get(spec.vpcId);
    if (!vpc) throw new Error(`[novacron] [ec2-emulator] unknown VPC ${spec.vpcId}`);
    if (this.groupByName(vpc.vpcId, spec.groupName)) throw new Error(`[novacron] [ec2-emulator] VPC ${vpc.vpcId} already has a security group named ${spec.groupName}`);
    const groupId = vpc.isDefault && spec.groupName === 'default' ? stableId('sg', `default/${vpc.region}`) : hexId('sg');
    const group: EmulatedSecurityGroup = { groupId, groupName: spec.groupName, description: spec.description ?? spec.groupName, vpcId: vpc.vpcId, region: vpc.region };
    this.securityGroups.set(groupId, group);
    return group;
  }

  /** Adds an IAM instance profile (IAM names: letters, digits and `+=,.@_-`, at most 128). */
  addInstanceProfile(name: string, path = '/'): EmulatedInstanceProfile {
    if (!/^[\w+=,.@-]{1,128}$/.test(name)) throw new Error(`[novacron] [ec2-emulator] "${name}" is not a valid IAM name`);
    if (!/^\/([\w+=,.@-]+\/)*$/.test(path)) throw new Error(`[novacron] [ec2-emulator] "${path}" is not a valid IAM path`);
    const profile: EmulatedInstanceProfile = {
      name,
      arn: `arn:aws:iam::${EMULATOR_ACCOUNT_ID}:instance-profile${path}${name}`,
      id: `AIPA${createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase()}`,
    };
    this.instanceProfiles.set(name, profile);
    return profile;
  }

  /** The default VPC of a region. */
  defaultVpc(region: string): EmulatedVpc | undefined {
    for (const v of this.vpcs.values()) if (v.region === region && v.isDefault) return v;
    return undefined;
  }

  /** The security group named `name` in a VPC. */
  groupByName(vpcId: string, name: string): EmulatedSecurityGroup | undefined {
    for (const g of this.securityGroups.values()) if (g.vpcId === vpcId && g.groupName === name) return g;
    return undefined;
  }

  /** Records the snapshot of an image's root volume (pending until the image is available). */
  addSnapshot(spec: { region: string; volumeId: string | undefined; volumeSizeGiB: number; description: string; encrypted: boolean; completedAt: number }): EmulatedSnapshot {
    const snapshot: EmulatedSnapshot = {
      snapshotId: hexId('snap'),
      region: spec.region,
      ownerId: EMULATOR_ACCOUNT_ID,
      volumeId: spec.volumeId,
      volumeSizeGiB: spec.volumeSizeGiB,
      description: spec.description,
      encrypted: spec.encrypted,
      state: spec.completedAt <= this.now() ? 'completed' : 'pending',
      completedAt: spec.completedAt,
      startTime: new Date(this.now()),
      tags: new Map(),
    };
    this.snapshots.set(snapshot.snapshotId, snapshot);
    return snapshot;
  }

  /** Clock milliseconds now. */
  now(): number {
    return this.clock.now();
  }

  /** Zone names of a region. */
  zonesOf(region: string): string[] {
    const r = this.regions.get(region);
    return r ? r.zones.map((z) => region + z) : [];
  }

  /** True when `instanceType` is offered in `zone`. */
  isOffered(zone: string, instanceType: string): boolean {
    const region = [...this.regions.values()].find((r) => zone.startsWith(r.name) && r.zones.includes(zone.slice(r.name.length)));
    if (!region || !INSTANCE_TYPES.has(instanceType)) return false;
    return !(region.missing?.[zone] ?? []).includes(instanceType);
  }

  /** The default subnet of a zone. */
  defaultSubnet(zone: string): EmulatedSubnet | undefined {
    for (const s of this.subnets.values()) if (s.zone === zone && s.defaultForAz) return s;
    return undefined;
  }

  /** Next private address in a subnet. */
  nextPrivateIp(subnet: EmulatedSubnet): string {
    const n = this.ipCounter++;
    const [a, b, c] = subnet.cidrPrefix.split('.');
    return `${a}.${b}.${Number(c) + Math.floor(n / 250)}.${(n % 250) + 4}`;
  }

  /** A fresh public address. */
  nextPublicIp(): string {
    const n = this.ipCounter++;
    return `54.${80 + ((n >> 16) & 0x7f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
  }

  /** Applies due transitions to one instance (and its volumes). */
  advanceInstance(instance: EmulatedInstance): void {
    this.clock.advance(instance, (to, reason) => {
      if (reason) instance.stateReason = reason;
      if (to === 'stopped') instance.publicIp = undefined;
      if (to === 'terminated') this.releaseTerminated(instance);
    });
  }

  private releaseTerminated(instance: EmulatedInstance): void {
    instance.publicIp = undefined;
    instance.purgeAt = this.now() + this.timings.terminatedRetentionMs;
    for (const v of this.volumes.values()) {
      if (v.attachedTo === instance.instanceId) {
        v.attachedTo = undefined;
        v.state = v.deleteOnTermination ? 'deleted' : 'available';
      }
    }
  }

  /** Applies due transitions to everything and forgets long-terminated instances. */
  advanceAll(): void {
    const now = this.now();
    for (const [id, instance] of this.instances) {
      this.advanceInstance(instance);
      if (instance.purgeAt !== undefined && instance.purgeAt <= now) this.instances.delete(id);
    }
    for (const image of this.images.values()) {
      if (image.state === 'pending' && image.availableAt !== undefined && image.availableAt <= now) image.state = 'available';
    }
    for (const snapshot of this.snapshots.values()) if (snapshot.state === 'pending' && snapshot.completedAt <= now) snapshot.state = 'completed';
    for (const task of this.exportTasks.values()) if (task.status === 'active' && task.doneAt <= now) this.finishExport(task);
    for (const task of this.importTasks.values()) if (task.status === 'active' && task.doneAt <= now) this.finishImport(task, now);
  }

  /** Ends an export task whose time is up: the object is written, or the task fails; or it waits for its work. */
  private finishExport(task: ExportImageTask): void {
    if (task.failure !== undefined) {
      this.vmImportExport.dropExport(task.taskId);
      task.status = 'deleted';
      task.statusMessage = task.failure;
      return;
    }
    const finish = this.vmImportExport.finishExport(task);
    if (finish.status === 'active') return;
    task.status = finish.status;
    if (finish.status === 'deleted') task.statusMessage = finish.message;
  }

  /** Ends an import task whose time is up: registers the AMI with the imported disk, or fails; or waits for its work. */
  private finishImport(task: ImportImageTask, now: number): void {
    const finish = this.vmImportExport.finishImport(task.taskId);
    if (finish.status === 'active') return;
    if (finish.status === 'deleted') {
      task.status = 'deleted';
      task.statusMessage = finish.message;
      return;
    }
    task.status = 'completed';
    const imageId = hexId('ami');
    task.imageId = imageId;
    const { rootSizeGiB } = finish;
    const snapshot = this.addSnapshot({ region: task.region, volumeId: undefined, volumeSizeGiB: rootSizeGiB, description: `Created by AWS-VMImport service for ${task.taskId}`, encrypted: false, completedAt: now });
    this.images.set(imageId, {
      imageId,
      region: task.region,
      ownerId: EMULATOR_ACCOUNT_ID,
      ownerAlias: undefined,
      name: `import-ami-${task.taskId}`,
      description: `imported from s3://${task.bucket}/${task.key}`,
      architecture: task.architecture,
      creationDate: new Date(now).toISOString(),
      state: 'available',
      availableAt: undefined,
      platform: undefined,
      isPublic: false,
      rootSizeGiB,
      sourceInstanceId: undefined,
      sourceImageId: undefined,
      sourceRegion: undefined,
      rootSnapshotId: snapshot.snapshotId,
      tags: new Map(),
    });
    this.vmImportExport.setImageDisk(imageId, finish.disk);
  }

  /** The guest disk of an instance's root volume: its AMI's disk (guests never write here). */
  diskOfInstance(instance: Pick<EmulatedInstance, 'imageId'>): GuestDiskRef {
    return this.diskOfImage(instance.imageId);
  }

  /** The guest disk of an AMI (kept when the AMI is deregistered, for the instances launched from it). */
  diskOfImage(imageId: string): GuestDiskRef {
    const image = this.images.get(imageId);
    return this.vmImportExport.diskOfImage(image ?? { imageId, name: imageId });
  }

  /** Schedules a time-driven transition. */
  scheduleTransition(instance: EmulatedInstance, to: InstanceStateName, afterMs: number, reason?: StateReason): void {
    instance.transition = this.clock.schedule(to, afterMs, reason);
  }

  /** New ids, in EC2's shapes. */
  newId(kind: 'i' | 'r' | 'vol' | 'ami' | 'eni' | 'snap' | 'export-ami' | 'import-ami'): string {
    return hexId(kind);
  }

  /** A spot request id (`sir-` and eight characters). */
  newSpotRequestId(): string {
    return hexId('sir', 8);
  }
}
