/**
 * The emulator's state: instances, volumes, images, subnets, client tokens and image tasks,
 * per region. Time-driven transitions (pending → running, stopping → stopped, image
 * pending → available) are applied lazily whenever state is read, so the model needs no
 * timers and a test can drive it with its own clock.
 */
import { randomBytes } from 'node:crypto';
import { SEED_IMAGES, SEED_INSTANCE_TYPES, SEED_REGIONS, type SeedInstanceType, type SeedRegion } from './seed-catalog.js';

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
  transition: { to: InstanceStateName; at: number; reason?: StateReason | undefined } | undefined;
  subnetId: string;
  vpcId: string;
  networkInterfaceId: string;
  privateIp: string;
  publicIp: string | undefined;
  /** Asked for a public address (a new one is assigned at each start). */
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
  tags: Map<string, string>;
}

/** A subnet of a region's default VPC, or one a test added. */
export interface EmulatedSubnet {
  subnetId: string;
  vpcId: string;
  region: string;
  zone: string;
  cidrPrefix: string;
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
  sizeBytes: number;
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
  sizeBytes: number;
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

/** The whole emulated account. */
export class Ec2State {
  readonly instances = new Map<string, EmulatedInstance>();
  readonly volumes = new Map<string, EmulatedVolume>();
  readonly images = new Map<string, EmulatedImage>();
  readonly subnets = new Map<string, EmulatedSubnet>();
  /** Client tokens by `region/token`. */
  readonly clientTokens = new Map<string, ClientTokenRecord>();
  /** Results of idempotent non-launch calls (CopyImage, ExportImage, ImportImage) by `action/region/token`. */
  readonly requestTokens = new Map<string, string>();
  readonly exportTasks = new Map<string, ExportImageTask>();
  readonly importTasks = new Map<string, ImportImageTask>();
  readonly regions: ReadonlyMap<string, SeedRegion>;
  private ipCounter = 10;

  /** Builds the account with the seed regions, default subnets and public images. */
  constructor(
    readonly timings: Ec2Timings,
    readonly now: () => number = Date.now,
  ) {
    this.regions = new Map(SEED_REGIONS.map((r) => [r.name, r]));
    for (const region of SEED_REGIONS) {
      const vpcId = `vpc-${region.name.replace(/[^a-z0-9]/g, '').slice(0, 17).padEnd(8, '0')}`;
      region.zones.forEach((letter, i) => {
        const zone = region.name + letter;
        const subnetId = `subnet-${zone.replace(/[^a-z0-9]/g, '').slice(-17)}`;
        this.subnets.set(subnetId, { subnetId, vpcId, region: region.name, zone, cidrPrefix: `172.31.${i * 16}` });
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
          tags: new Map(),
        });
      }
    }
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
    for (const s of this.subnets.values()) if (s.zone === zone) return s;
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
    const now = this.now();
    while (instance.transition && instance.transition.at <= now) {
      const { to, reason } = instance.transition;
      instance.transition = undefined;
      instance.state = to;
      if (reason) instance.stateReason = reason;
      if (to === 'stopped') instance.publicIp = undefined;
      if (to === 'terminated') {
        instance.publicIp = undefined;
        instance.purgeAt = now + this.timings.terminatedRetentionMs;
        for (const v of this.volumes.values()) {
          if (v.attachedTo === instance.instanceId) {
            v.attachedTo = undefined;
            v.state = v.deleteOnTermination ? 'deleted' : 'available';
          }
        }
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
    for (const task of this.exportTasks.values()) if (task.status === 'active' && task.doneAt <= now) task.status = 'completed';
    for (const task of this.importTasks.values()) {
      if (task.status === 'active' && task.doneAt <= now) {
        task.status = 'completed';
        const imageId = hexId('ami');
        task.imageId = imageId;
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
          rootSizeGiB: Math.max(1, Math.ceil(task.sizeBytes / 1024 ** 3)),
          sourceInstanceId: undefined,
          sourceImageId: undefined,
          sourceRegion: undefined,
          tags: new Map(),
        });
      }
    }
  }

  /** Schedules a time-driven transition. */
  scheduleTransition(instance: EmulatedInstance, to: InstanceStateName, afterMs: number, reason?: StateReason): void {
    instance.transition = { to, at: this.now() + afterMs, reason };
  }

  /** New ids, in EC2's shapes. */
  newId(kind: 'i' | 'r' | 'vol' | 'ami' | 'eni' | 'export-ami' | 'import-ami'): string {
    return hexId(kind);
  }

  /** A spot request id (`sir-` and eight characters). */
  newSpotRequestId(): string {
    return hexId('sir', 8);
  }
}
