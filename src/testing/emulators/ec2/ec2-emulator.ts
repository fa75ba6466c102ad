/**
 * A local, stateful EC2 (and Price List) endpoint for tests, demos and offline work. It speaks
 * the EC2 Query protocol (form-encoded requests, XML answers, EC2's error codes and HTTP
 * statuses) and the Price List awsJson1_1 protocol for GetProducts, so the real AWS SDK talks
 * to it through nothing more than an endpoint override. It stands on the emulator kit (server,
 * fault plan, lifecycle clock, pagination) and runs without vitest.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
import { GuestDiskStore, type GuestDisk } from '../kit/guest-disks.js';
import { startS3Emulator, type S3Emulator, type S3EmulatorClientOptions } from '../s3/s3-emulator.js';
import { interruptSpot, seedRunningInstances, type SeedInstancesOptions } from './direct-changes.js';
import { ec2EndpointOptions } from './ec2-endpoint.js';
import { Ec2FaultPlan, type Ec2QuotaName } from './ec2-fault-plan.js';
import { EMULATOR_ACCOUNT_ID, Ec2State, type Ec2Timings } from './ec2-state.js';
import {
  instanceView,
  securityGroupView,
  snapshotView,
  subnetView,
  vpcView,
  type EmulatedImageView,
  type EmulatedInstanceView,
  type EmulatedObject,
  type EmulatedSecurityGroupView,
  type EmulatedSnapshotView,
  type EmulatedSubnetView,
  type EmulatedVpcView,
} from './instance-views.js';
import { buildPriceList } from './pricing-endpoint.js';
import { SEED_REGIONS } from './seed-catalog.js';
import { VmImportExport } from './vm-import-export.js';

/** Options of {@link startEc2Emulator}. */
export interface Ec2EmulatorOptions {
  /** Port to listen on (default: any free port). */
  port?: number | undefined;
  /** Host to bind (default `127.0.0.1`). */
  host?: string | undefined;
  /** Region `providerOptions` points at (default `us-east-1`). */
  region?: string | undefined;
  /** The only access key id the emulator accepts (default `AKIAEMULATOR00000001`). */
  accessKeyId?: string | undefined;
  /** The secret that signatures must be made with (default `emulator-secret-access-key`). */
  secretAccessKey?: string | undefined;
  /** Lifecycle timings; the defaults are short so tests run fast. */
  timings?: Partial<Ec2Timings> | undefined;
  /** Account quotas in force from the start, as `faults.quota(name, n)` sets them (`{ vcpus: 32 }`). */
  quotas?: Partial<Record<Ec2QuotaName, number>> | undefined;
  /** Seed of the throttling PRNG. */
  seed?: number | undefined;
  /** Clock in milliseconds (default `Date.now`). */
  clock?: (() => number) | undefined;
  /**
   * The S3 emulator VM Import/Export uses as the customer's buckets, in-process: ExportImage
   * writes the rendered disk there (the bucket must exist, in the emulator's region) and
   * ImportImage reads uploads from there. Without it the emulator runs a private S3 emulator in
   * which every bucket exists (see {@link Ec2Emulator.s3}). The emulator does not close a linked one.
   */
  s3?: S3Emulator | undefined;
  /**
   * Part size ExportImage writes its object in (default 8 MiB): a larger export gets S3's
   * multipart ETag (`<md5 of part md5s>-N`), a smaller one the MD5 of its bytes.
   */
  exportPartBytes?: number | undefined;
  /** Size of the synthetic disk of a public AMI, bytes (default 2 MiB). */
  publicImageDiskBytes?: number | undefined;
  /** Work directory of the guest disks, made if missing and removed on close (default: a fresh one under the system's temporary directory). */
  diskDir?: string | undefined;
}

/** How an AWS provider reaches the emulator's S3 (the linked or the private S3 emulator). */
export interface Ec2EmulatorS3Options {
  /** `S3Client` options: the S3 emulator's endpoint, region, path-style addressing and credentials. */
  readonly clientConfig: S3EmulatorClientOptions;
}

/** What {@link Ec2Emulator.createVpc} makes. */
export interface CreateVpcOptions {
  /** Region (default: the emulator's). */
  readonly region?: string | undefined;
  /** CIDR block, /16 to /28 (default `10.0.0.0/16`). */
  readonly cidr?: string | undefined;
}

/** What {@link Ec2Emulator.createSubnet} makes. */
export interface CreateSubnetOptions {
  /** Region (default: the emulator's). */
  readonly region?: string | undefined;
  /** Availability zone of the subnet. */
  readonly zone: string;
  /** CIDR block, /16 to /28. */
  readonly cidr: string;
  /** VPC (default: the region's default VPC). */
  readonly vpcId?: string | undefined;
  /** Whether instances get a public address by default (default `false`, as for any non-default subnet). */
  readonly mapPublicIpOnLaunch?: boolean | undefined;
}

/** What {@link Ec2Emulator.createSecurityGroup} makes. */
export interface CreateSecurityGroupOptions {
  /** Region (default: the emulator's); used to find the default VPC when `vpcId` is absent. */
  readonly region?: string | undefined;
  /** VPC (default: the region's default VPC). */
  readonly vpcId?: string | undefined;
  /** Group name, unique in its VPC. */
  readonly name: string;
  /** Description (default: the name). */
  readonly description?: string | undefined;
}

/** Calls counted per action, for N+1 checks and figures. */
export interface Ec2EmulatorStats {
  /** Calls of one action (all actions when absent), throttled and failed ones included. */
  count(action?: string): number;
  /** Calls per action. */
  byAction(): Record<string, number>;
  /** Calls answered with a throttling error. */
  throttled(): number;
  /** Milliseconds the emulator spent handling and rendering calls (for splitting benchmark time). */
  serverTimeMs(): number;
  /** Forgets every count. */
  reset(): void;
}

/** Events of {@link Ec2Emulator.events}. */
export interface Ec2EmulatorEventMap {
  /** After each answered call. */
  call: [Ec2EmulatorCallEvent];
}

/** What points an AWS provider (or any AWS SDK client) at the emulator. */
export interface Ec2EmulatorProviderOptions {
  /** EC2 endpoint. */
  readonly endpoint: string;
  /** Price List endpoint (the same server). */
  readonly pricingEndpoint: string;
  /** Default region. */
  readonly region: string;
  /** Static credentials the emulator accepts. */
  readonly credentials: {
    /** Access key id the emulator accepts. */
    readonly accessKeyId: string;
    /** Secret access key; the emulator verifies SigV4 signatures with it. */
    readonly secretAccessKey: string;
  };
  /** Short waiter delays, since emulated instances start in milliseconds. */
  readonly waiter: {
    /** Shortest delay between polls, seconds. */
    readonly minDelaySeconds: number;
    /** Longest delay between polls, seconds. */
    readonly maxDelaySeconds: number;
  };
  /** Short SDK retry backoff. */
  readonly retryBaseDelayMs: number;
  /** Where the provider reads the objects ExportImage writes (its size and checksum). */
  readonly s3: Ec2EmulatorS3Options;
  /**
   * How long a lookup by idempotency key keeps looking before it reports absence: longer than
   * the emulator's own consistency windows, and short, so tests stay fast.
   */
  readonly consistencyWindowMs: number;
}

/** Something emitted for every call the emulator answers. */
export interface Ec2EmulatorCallEvent {
  /** EC2 action or `GetProducts`. */
  readonly action: string;
  /** Region of the call. */
  readonly region: string;
  /** HTTP status answered (0 when the response was dropped on purpose). */
  readonly status: number;
  /** Error code, when the call failed. */
  readonly errorCode: string | undefined;
}

const DEFAULT_TIMINGS: Ec2Timings = {
  pendingMs: 150,
  stoppingMs: 100,
  shuttingDownMs: 100,
  consistencyWindowMs: 60,
  listingConsistencyWindowMs: 0,
  imageAvailableMs: 150,
  imageTaskMs: 200,
  terminatedRetentionMs: 60 * 60 * 1000,
};

/** What the emulator holds besides its server. */
interface Ec2World {
  readonly state: Ec2State;
  readonly faults: Ec2FaultPlan;
  readonly region: string;
  readonly credentials: Ec2EmulatorProviderOptions['credentials'];
  readonly spotPrices: Map<string, number>;
  readonly objects: Map<string, EmulatedObject>;
  readonly events: EventEmitter<Ec2EmulatorEventMap>;
}

/**
 * A running EC2 emulator. Start one with {@link startEc2Emulator}.
 *
 * ```ts
 * const emu = await startEc2Emulator();
 * const aws = createAwsProvider({ ...emu.providerOptions });
 * emu.faults.throttle(0.3);                               // 30 % RequestLimitExceeded
 * emu.faults.capacity({ zone: 'us-east-1a' }, 0);         // InsufficientInstanceCapacity there
 * emu.faults.quota('vcpus', 32);                          // VcpuLimitExceeded beyond
 * const vm = await aws.createVM({ name: 'web', cpu: 2, memory: '4Gi', spot: true });
 * emu.interruptSpot(vm.id);
 * console.log(emu.stats.byAction());                      // API calls per action
 * await emu.close();
 * ```
 *
 * Disks carry guest bytes, and VM Import/Export moves them through S3 (link an S3 emulator to
 * see the objects, or use the private one at {@link Ec2Emulator.s3}):
 *
 * ```ts
 * const s3 = await startS3Emulator({ buckets: ['exports'] });
 * const emu = await startEc2Emulator({ s3 });
 * const aws = createAwsProvider({ ...emu.providerOptions, export: { bucket: 'exports', format: 'vmdk' } });
 * const vm = await aws.createVM({ name: 'web', cpu: 1, memory: 1 });
 * const artifact = await aws.exportVM(vm.id);              // a real stream-optimized VMDK in s3://exports/...
 * console.log((await emu.guestDiskOf(vm.id)).sha256);      // the raw guest bytes' SHA-256
 * ```
 */
export class Ec2Emulator extends EmulatorBase {
  /** Spread into `createAwsProvider({ ...emu.providerOptions })`. */
  readonly providerOptions: Ec2EmulatorProviderOptions;
  /** Call counts per action (a view of {@link log}). */
  readonly stats: Ec2EmulatorStats;
  /** The account id of the emulated caller. */
  readonly accountId = EMULATOR_ACCOUNT_ID;

  private constructor(
    server: EmulatorServer,
    private readonly world: Ec2World,
  ) {
    super(server);
    const { endpoint } = server;
    const { timings } = world.state;
    this.providerOptions = {
      endpoint,
      pricingEndpoint: endpoint,
      region: world.region,
      credentials: world.credentials,
      waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.2 },
      retryBaseDelayMs: 5,
      s3: { clientConfig: world.state.vmImportExport.s3.clientOptions },
      consistencyWindowMs: 2 * Math.max(timings.consistencyWindowMs, timings.listingConsistencyWindowMs),
    };
    const { log } = server;
    this.stats = {
      count: (action) => log.count(action),
      byAction: () => log.counts(),
      throttled: () => log.refused('throttled'),
      serverTimeMs: () => log.handlerMs(),
      reset: () => log.reset(),
    };
  }

  /** Starts an emulator; see {@link startEc2Emulator}. */
  static async start(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
    const region = options.region ?? 'us-east-1';
    if (!SEED_REGIONS.some((r) => r.name === region)) throw new Error(`[novacron] [ec2-emulator] unknown region ${region}; known: ${SEED_REGIONS.map((r) => r.name).join(', ')}`);
    const credentials = { accessKeyId: options.accessKeyId ?? 'AKIAEMULATOR00000001', secretAccessKey: options.secretAccessKey ?? 'emulator-secret-access-key' };
    // Without a linked S3 emulator, a private one (same credentials) stands for the account's buckets.
    if (options.diskDir !== undefined) await mkdir(options.diskDir, { recursive: true });
    const s3 = options.s3 ?? (await startS3Emulator({ host: options.host, region, ...credentials, clock: options.clock }));
    const vmImportExport = new VmImportExport({
      s3,
      linked: options.s3 !== undefined,
      disks: new GuestDiskStore({ dir: options.diskDir }),
      exportPartBytes: options.exportPartBytes ?? 8 * 1024 * 1024,
      publicDiskBytes: options.publicImageDiskBytes,
    });
    const state = new Ec2State({ ...DEFAULT_TIMINGS, ...options.timings }, options.clock ?? Date.now, vmImportExport);
    const faults = new Ec2FaultPlan(options.seed ?? 1);
    for (const [name, limit] of Object.entries(options.quotas ?? {})) faults.quota(name, limit);
    const world: Ec2World = {
      state,
      faults,
      region,
      credentials,
      spotPrices: new Map(),
      objects: state.objects,
      events: new EventEmitter<Ec2EmulatorEventMap>(),
    };
    let server: EmulatorServer;
    try {
      server = await EmulatorServer.start({
        host: options.host,
        port: options.port,
        ...ec2EndpointOptions({
          ...world,
          priceList: buildPriceList(),
          onCall: (entry, callRegion) => world.events.emit('call', { action: entry.operation, region: callRegion, status: entry.status, errorCode: entry.errorCode }),
        }),
      });
    } catch (error) {
      await vmImportExport.close();
      throw error;
    }
    return new Ec2Emulator(server, world);
  }

  /** The kit's fault plan, with EC2's `failNextLaunch`. */
  override get faults(): Ec2FaultPlan {
    return this.world.faults;
  }

  /** Emits `call` ({@link Ec2EmulatorCallEvent}) after each answered call. */
  get events(): EventEmitter<Ec2EmulatorEventMap> {
    return this.world.events;
  }

  /** One instance, or `undefined`. */
  instance(instanceId: string): EmulatedInstanceView | undefined {
    const i = this.world.state.instances.get(instanceId);
    return i ? instanceView(this.world.state, i) : undefined;
  }

  /** Every instance (optionally of one region), terminated ones included while they are retained. */
  instances(filter: { region?: string | undefined } = {}): EmulatedInstanceView[] {
    const { state } = this.world;
    return [...state.instances.values()].filter((i) => filter.region === undefined || i.region === filter.region).map((i) => instanceView(state, i));
  }

  /** Images owned by the emulated account. */
  ownImages(region?: string): EmulatedImageView[] {
    const { state } = this.world;
    state.advanceAll();
    return [...state.images.values()]
      .filter((img) => img.ownerId === EMULATOR_ACCOUNT_ID && img.state !== 'deregistered' && (region === undefined || img.region === region))
      .map((img) => ({ imageId: img.imageId, name: img.name, state: img.state, region: img.region, sourceImageId: img.sourceImageId, rootSnapshotId: img.rootSnapshotId }));
  }

  /** EBS snapshots of the emulated account (those behind its images), optionally of one region. */
  snapshots(region?: string): EmulatedSnapshotView[] {
    const { state } = this.world;
    state.advanceAll();
    return [...state.snapshots.values()].filter((s) => region === undefined || s.region === region).map(snapshotView);
  }

  /** VPCs of a region (default: the emulator's), the default VPC first. */
  vpcs(region = this.world.region): EmulatedVpcView[] {
    return [...this.world.state.vpcs.values()].filter((v) => v.region === region).map(vpcView);
  }

  /** Subnets of a region (default: the emulator's). */
  subnets(region = this.world.region): EmulatedSubnetView[] {
    return [...this.world.state.subnets.values()].filter((s) => s.region === region).map(subnetView);
  }

  /** The default subnet of a zone (in its region's default VPC). */
  defaultSubnet(zone: string): EmulatedSubnetView {
    const subnet = this.world.state.defaultSubnet(zone);
    if (!subnet) throw new Error(`[novacron] [ec2-emulator] unknown zone ${zone}`);
    return subnetView(subnet);
  }

  /** Security groups of a region (default: the emulator's). */
  securityGroups(region = this.world.region): EmulatedSecurityGroupView[] {
    return [...this.world.state.securityGroups.values()].filter((g) => g.region === region).map(securityGroupView);
  }

  /** Adds a non-default VPC, with its `default` security group (as CreateVpc does). */
  createVpc(options: CreateVpcOptions = {}): EmulatedVpcView {
    const region = options.region ?? this.world.region;
    if (!this.world.state.regions.has(region)) throw new Error(`[novacron] [ec2-emulator] unknown region ${region}`);
    return vpcView(this.world.state.addVpc({ region, cidr: options.cidr ?? '10.0.0.0/16' }));
  }

  /** Adds a non-default subnet (as CreateSubnet does), in the region's default VPC unless `vpcId` names another. */
  createSubnet(options: CreateSubnetOptions): EmulatedSubnetView {
    const vpcId = options.vpcId ?? this.defaultVpcOf(options.region).vpcId;
    return subnetView(this.world.state.addSubnet({ vpcId, zone: options.zone, cidr: options.cidr, mapPublicIpOnLaunch: options.mapPublicIpOnLaunch ?? false }));
  }

  /** Adds a security group to a VPC (the region's default one unless `vpcId` names another). */
  createSecurityGroup(options: CreateSecurityGroupOptions): EmulatedSecurityGroupView {
    const vpcId = options.vpcId ?? this.defaultVpcOf(options.region).vpcId;
    return securityGroupView(this.world.state.addSecurityGroup({ vpcId, groupName: options.name, description: options.description }));
  }

  /**
   * Adds an IAM instance profile the account has (`path` default `/`); returns its ARN. RunInstances
   * accepts only known profiles, by name or by ARN, as EC2 does.
   */
  createInstanceProfile(name: string, path = '/'): string {
    return this.world.state.addInstanceProfile(name, path).arn;
  }

  private defaultVpcOf(region: string | undefined): EmulatedVpcView {
    const vpc = this.world.state.defaultVpc(region ?? this.world.region);
    if (!vpc) throw new Error(`[novacron] [ec2-emulator] unknown region ${region}`);
    return vpcView(vpc);
  }

  /** Interrupts a spot instance now, as AWS does when it reclaims capacity. */
  interruptSpot(instanceId: string): void {
    interruptSpot(this.world.state, instanceId);
  }

  /** Sets the spot price of a type in a zone. */
  setSpotPrice(zone: string, instanceType: string, price: number): void {
    this.world.spotPrices.set(`${zone}/${instanceType}`, price);
  }

  /**
   * The S3 emulator VM Import/Export writes to and reads from: the linked one
   * (`startEc2Emulator({ s3 })`), or the emulator's private one, in which every bucket exists.
   */
  get s3(): S3Emulator {
    return this.world.state.vmImportExport.s3;
  }

  /**
   * The raw guest disk of an instance's root volume (its AMI's disk: guests never write here),
   * made on first use. Compare `sha256` along a chain of exports and imports.
   */
  guestDiskOf(instanceId: string): Promise<GuestDisk> {
    const instance = this.world.state.instances.get(instanceId);
    if (!instance) return Promise.reject(new Error(`[novacron] [ec2-emulator] unknown instance ${instanceId}`));
    return this.world.state.diskOfInstance(instance).get();
  }

  /** The raw guest disk of an AMI (a public image's synthetic disk, or the disk it was made, copied or imported with). */
  guestDiskOfImage(imageId: string): Promise<GuestDisk> {
    if (!this.world.state.images.has(imageId)) return Promise.reject(new Error(`[novacron] [ec2-emulator] unknown image ${imageId}`));
    return this.world.state.diskOfImage(imageId).get();
  }

  /**
   * Declares an object "in S3" by its size alone, with no bytes: ImportImage of it makes a
   * synthetic disk whose AMI has a root volume of that size. To import real bytes, put them in
   * the S3 emulator ({@link s3}) instead.
   */
  putObject(uri: string, sizeBytes: number, sha256 = '0'.repeat(64)): void {
    this.world.objects.set(uri, { sizeBytes, sha256 });
  }

  /** An object "in S3" by `s3://bucket/key`: one in the S3 emulator (its size and SHA-256), else one declared with {@link putObject}. */
  getObject(uri: string): EmulatedObject | undefined {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    const object = m ? this.s3.object(m[1]!, m[2]!) : undefined;
    if (object) return { sizeBytes: object.bytes.length, sha256: createHash('sha256').update(object.bytes).digest('hex') };
    return this.world.objects.get(uri);
  }

  /** Ends hanging requests, frees the port, waits for running image tasks' work and removes the guest disks (and stops a private S3 emulator). */
  override async close(): Promise<void> {
    await super.close();
    await this.world.state.vmImportExport.close();
  }

  /** Adds `count` running instances directly to the state (no API call), for listing benchmarks; returns their ids. */
  seedInstances(count: number, options: SeedInstancesOptions = {}): string[] {
    return seedRunningInstances(this.world.state, count, this.world.region, options);
  }
}

/**
 * Starts an EC2 emulator on a local port. Works in plain Node (no test runner needed); see
 * {@link Ec2Emulator} for an example.
 */
export function startEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  return Ec2Emulator.start(options);
}
