/**
 * A local, stateful EC2 (and Price List) endpoint for tests, demos and offline work. It speaks
 * the EC2 Query protocol (form-encoded requests, XML answers, EC2's error codes and HTTP
 * statuses) and the Price List awsJson1_1 protocol for GetProducts, so the real AWS SDK talks
 * to it through nothing more than an endpoint override. It stands on the emulator kit (server,
 * fault plan, lifecycle clock, pagination) and runs without vitest.
 */
import { EventEmitter } from 'node:events';
import { EmulatorBase } from '../kit/emulator-base.js';
import { EmulatorServer } from '../kit/emulator-server.js';
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
    const state = new Ec2State({ ...DEFAULT_TIMINGS, ...options.timings }, options.clock ?? Date.now);
    if (!state.regions.has(region)) throw new Error(`[novacron] [ec2-emulator] unknown region ${region}; known: ${[...state.regions.keys()].join(', ')}`);
    const faults = new Ec2FaultPlan(options.seed ?? 1);
    for (const [name, limit] of Object.entries(options.quotas ?? {})) faults.quota(name, limit);
    const world: Ec2World = {
      state,
      faults,
      region,
      credentials: { accessKeyId: options.accessKeyId ?? 'AKIAEMULATOR00000001', secretAccessKey: options.secretAccessKey ?? 'emulator-secret-access-key' },
      spotPrices: new Map(),
      objects: state.objects,
      events: new EventEmitter<Ec2EmulatorEventMap>(),
    };
    const server = await EmulatorServer.start({
      host: options.host,
      port: options.port,
      ...ec2EndpointOptions({
        ...world,
        priceList: buildPriceList(),
        onCall: (entry, callRegion) => world.events.emit('call', { action: entry.operation, region: callRegion, status: entry.status, errorCode: entry.errorCode }),
      }),
    });
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

  /** Stores an object "in S3" (what ImportImage reads, what ExportImage writes). */
  putObject(uri: string, sizeBytes: number, sha256 = '0'.repeat(64)): void {
    this.world.objects.set(uri, { sizeBytes, sha256 });
  }

  /** An object "in S3". */
  getObject(uri: string): EmulatedObject | undefined {
    return this.world.objects.get(uri);
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
