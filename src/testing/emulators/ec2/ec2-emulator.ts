/**
 * A local, stateful EC2 (and Price List) endpoint for tests, demos and offline work. It speaks
 * the EC2 Query protocol (form-encoded requests, XML answers, EC2's error codes and HTTP
 * statuses) and the Price List awsJson1_1 protocol for GetProducts, so the real AWS SDK talks
 * to it through nothing more than an endpoint override. It runs without vitest.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EC2_ACTIONS, type ActionContext } from './ec2-actions.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { Ec2Faults, type Ec2Quotas } from './ec2-faults.js';
import { EMULATOR_ACCOUNT_ID, INSTANCE_TYPES, Ec2State, type EmulatedInstance, type Ec2Timings, type InstanceStateName } from './ec2-state.js';
import { buildPriceList, getProducts, type GetProductsRequest } from './pricing-endpoint.js';
import { parseQueryRequest } from './query-request.js';
import { parseAuthorization, verifySignature } from './request-signature.js';
import { renderActionResponse, renderErrorResponse } from './xml-writer.js';

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
  /** Account quotas in force from the start. */
  quotas?: Ec2Quotas | undefined;
  /** Seed of the throttling PRNG. */
  seed?: number | undefined;
  /** Clock in milliseconds (default `Date.now`). */
  now?: (() => number) | undefined;
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

/** The root EBS volume of an emulated instance. */
export interface EmulatedVolumeView {
  /** Volume id. */
  readonly volumeId: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** EBS volume type (`gp3`, `io2`, ...). */
  readonly volumeType: string;
  /** Encrypted at rest. */
  readonly encrypted: boolean;
  /** Deleted when the instance terminates. */
  readonly deleteOnTermination: boolean;
  /** Tags of the volume. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The spot request behind an emulated spot instance. */
export interface EmulatedSpotView {
  /** Highest price asked, as sent (`undefined`: the on-demand price). */
  readonly maxPrice: string | undefined;
  /** `one-time` or `persistent`. */
  readonly type: string;
  /** Spot request id (`sir-...`). */
  readonly requestId: string;
}

/** A read-only view of an emulated instance with its root volume, for assertions. */
export interface EmulatedInstanceView {
  /** Instance id. */
  readonly instanceId: string;
  /** Region. */
  readonly region: string;
  /** Availability zone. */
  readonly zone: string;
  /** EC2 state name. */
  readonly state: InstanceStateName;
  /** Instance type. */
  readonly instanceType: string;
  /** AMI id. */
  readonly imageId: string;
  /** ClientToken of the launch, if one was sent. */
  readonly clientToken: string | undefined;
  /** Subnet id. */
  readonly subnetId: string;
  /** Security group ids. */
  readonly securityGroupIds: readonly string[];
  /** Public address, when it has one. */
  readonly publicIp: string | undefined;
  /** Tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** User data, decoded from base64. */
  readonly userData: string | undefined;
  /** ARN of the IAM instance profile. */
  readonly iamInstanceProfileArn: string | undefined;
  /** Spot request, for spot instances. */
  readonly spot: EmulatedSpotView | undefined;
  /** Root volume. */
  readonly rootVolume: EmulatedVolumeView | undefined;
  /** Code of the last state reason (e.g. `Server.SpotInstanceTermination`). */
  readonly stateReason: string | undefined;
}

/** An image owned by the emulated account (made by CreateImage, CopyImage or ImportImage). */
export interface EmulatedImageView {
  /** AMI id. */
  readonly imageId: string;
  /** Image name. */
  readonly name: string;
  /** `pending`, `available`, ... */
  readonly state: string;
  /** Region. */
  readonly region: string;
  /** AMI it was copied from, or the instance's AMI for CreateImage. */
  readonly sourceImageId: string | undefined;
}

/** An object "stored in S3" by the emulator. */
export interface EmulatedObject {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
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

/** A running emulator. */
export interface Ec2Emulator {
  /** Base URL of the endpoint. */
  readonly endpoint: string;
  /** Spread into `createAwsProvider({ ...emu.providerOptions })`. */
  readonly providerOptions: Ec2EmulatorProviderOptions;
  /** Fault controls. */
  readonly faults: Ec2Faults;
  /** Call counts. */
  readonly stats: Ec2EmulatorStats;
  /** Emits `call` ({@link Ec2EmulatorCallEvent}) after each answered call. */
  readonly events: EventEmitter<Ec2EmulatorEventMap>;
  /** The account id of the emulated caller. */
  readonly accountId: string;
  /** One instance, or `undefined`. */
  instance(instanceId: string): EmulatedInstanceView | undefined;
  /** Every instance (optionally of one region), terminated ones included while they are retained. */
  instances(filter?: { region?: string | undefined }): EmulatedInstanceView[];
  /** Images owned by the emulated account. */
  ownImages(region?: string): EmulatedImageView[];
  /** Interrupts a spot instance now, as AWS does when it reclaims capacity. */
  interruptSpot(instanceId: string): void;
  /** Sets the spot price of a type in a zone. */
  setSpotPrice(zone: string, instanceType: string, price: number): void;
  /** Stores an object "in S3" (what ImportImage reads, what ExportImage writes). */
  putObject(uri: string, sizeBytes: number, sha256?: string): void;
  /** An object "in S3". */
  getObject(uri: string): EmulatedObject | undefined;
  /**
   * Adds `count` running instances directly to the state (no API call), for listing
   * benchmarks; returns their ids.
   */
  seedInstances(count: number, options?: { region?: string; instanceType?: string; tags?: Readonly<Record<string, string>> }): string[];
  /** Stops the server. */
  close(): Promise<void>;
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function view(state: Ec2State, i: EmulatedInstance): EmulatedInstanceView {
  state.advanceInstance(i);
  const root = state.volumes.get(i.rootVolumeId);
  return {
    instanceId: i.instanceId,
    region: i.region,
    zone: i.zone,
    state: i.state,
    instanceType: i.instanceType,
    imageId: i.imageId,
    clientToken: i.clientToken,
    subnetId: i.subnetId,
    securityGroupIds: [...i.securityGroupIds],
    publicIp: i.publicIp,
    tags: Object.fromEntries(i.tags),
    userData: i.userData,
    iamInstanceProfileArn: i.iamInstanceProfile?.arn,
    spot: i.spot ? { maxPrice: i.spot.maxPrice, type: i.spot.type, requestId: i.spot.requestId } : undefined,
    rootVolume: root
      ? { volumeId: root.volumeId, sizeGiB: root.sizeGiB, volumeType: root.volumeType, encrypted: root.encrypted, deleteOnTermination: root.deleteOnTermination, tags: Object.fromEntries(root.tags) }
      : undefined,
    stateReason: i.stateReason?.code,
  };
}

/**
 * Starts an EC2 emulator on a local port. Works in plain Node (no test runner needed).
 *
 * ```ts
 * const emu = await startEc2Emulator();
 * const aws = createAwsProvider({ ...emu.providerOptions });
 * emu.faults.throttle(0.3);                      // 30 % RequestLimitExceeded
 * emu.faults.setCapacity('us-east-1a', 0);       // InsufficientInstanceCapacity there
 * emu.faults.quotas = { maxOnDemandVcpus: 32 };  // VcpuLimitExceeded beyond
 * const vm = await aws.createVM({ name: 'web', cpu: 2, memory: '4Gi', spot: true });
 * emu.interruptSpot(vm.id);
 * console.log(emu.stats.byAction());             // API calls per action
 * await emu.close();
 * ```
 */
export async function startEc2Emulator(options: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const accessKeyId = options.accessKeyId ?? 'AKIAEMULATOR00000001';
  const secretAccessKey = options.secretAccessKey ?? 'emulator-secret-access-key';
  const region = options.region ?? 'us-east-1';
  const state = new Ec2State({ ...DEFAULT_TIMINGS, ...options.timings }, options.now ?? Date.now);
  if (!state.regions.has(region)) throw new Error(`[novacron] [ec2-emulator] unknown region ${region}; known: ${[...state.regions.keys()].join(', ')}`);
  const faults = new Ec2Faults(options.seed ?? 1);
  if (options.quotas) faults.quotas = { ...options.quotas };
  const priceList = buildPriceList();
  const spotPrices = new Map<string, number>();
  const objects = new Map<string, { sizeBytes: number; sha256: string }>();
  const events = new EventEmitter<Ec2EmulatorEventMap>();
  const calls = new Map<string, number>();
  let throttledCalls = 0;
  let serverTimeMs = 0;

  const count = (action: string): void => {
    calls.set(action, (calls.get(action) ?? 0) + 1);
  };
  const emit = (e: Ec2EmulatorCallEvent): void => {
    events.emit('call', e);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    const isPricing = typeof target === 'string' && target.startsWith('AWSPriceListService.');
    const action = isPricing ? (target as string).split('.')[1]! : parseQueryRequest(body).action;
    count(action);

    const sendXmlError = (error: Ec2ApiError, callRegion: string): void => {
      res.writeHead(error.status, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
      res.end(renderErrorResponse(error.code, error.message, requestId));
      emit({ action, region: callRegion, status: error.status, errorCode: error.code });
    };
    const sendJsonError = (status: number, type: string, message: string, callRegion: string): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': type });
      res.end(JSON.stringify({ __type: type, message }));
      emit({ action, region: callRegion, status, errorCode: type });
    };

    // Authentication: a SigV4 signature, by our key id, that our secret reproduces.
    const auth = parseAuthorization(req.headers.authorization);
    const callRegion = auth?.region ?? region;
    if (!auth || !req.headers['x-amz-date']) {
      if (isPricing) return sendJsonError(400, 'IncompleteSignature', 'Authorization header requires a SigV4 Credential, SignedHeaders and Signature.', callRegion);
      return sendXmlError(new Ec2ApiError('IncompleteSignature', 'Request must contain a signature that conforms to AWS standards', 400), callRegion);
    }
    if (auth.accessKeyId !== accessKeyId) {
      if (isPricing) return sendJsonError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', callRegion);
      return sendXmlError(new Ec2ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials'), callRegion);
    }
    if (!verifySignature(auth, { method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body }, secretAccessKey)) {
      const message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
      if (isPricing) return sendJsonError(400, 'InvalidSignatureException', message, callRegion);
      return sendXmlError(new Ec2ApiError('SignatureDoesNotMatch', message, 403), callRegion);
    }
    if (faults.credentialsExpired) {
      if (isPricing) return sendJsonError(400, 'ExpiredTokenException', 'The security token included in the request is expired', callRegion);
      return sendXmlError(new Ec2ApiError('RequestExpired', 'Request has expired.'), callRegion);
    }
    if (!state.regions.has(callRegion) && !(isPricing && callRegion === 'us-east-1')) {
      return sendXmlError(new Ec2ApiError('AuthFailure', `Credential should be scoped to a valid region. (region: ${callRegion})`), callRegion);
    }
    if (faults.shouldThrottle(action)) {
      throttledCalls++;
      if (isPricing) return sendJsonError(400, 'ThrottlingException', 'Rate exceeded', callRegion);
      return sendXmlError(new Ec2ApiError('RequestLimitExceeded', 'Request limit exceeded.'), callRegion);
    }
    const failure = faults.takeFailure(action);
    if (failure) {
      if (isPricing) return sendJsonError(failure.status ?? 400, failure.code, failure.message ?? failure.code, callRegion);
      return sendXmlError(new Ec2ApiError(failure.code, failure.message ?? `Injected failure ${failure.code}`, failure.status), callRegion);
    }

    if (isPricing) {
      if (action !== 'GetProducts') return sendJsonError(400, 'UnknownOperationException', `Unknown operation ${action}`, callRegion);
      try {
        const request = JSON.parse(body || '{}') as GetProductsRequest;
        const result = getProducts(priceList, request);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId });
        res.end(JSON.stringify(result));
        emit({ action, region: callRegion, status: 200, errorCode: undefined });
      } catch (e) {
        const err = e as { type?: string; message?: string };
        sendJsonError(400, err.type ?? 'InternalErrorException', err.message ?? 'internal error', callRegion);
      }
      return;
    }

    const handler = EC2_ACTIONS[action];
    if (!handler) return sendXmlError(new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`), callRegion);
    const ctx: ActionContext = { state, faults, region: callRegion, spotPrices, objects };
    try {
      const started = performance.now();
      const { params } = parseQueryRequest(body);
      const result = handler(ctx, params);
      if (faults.takeDrop(action)) {
        // The work is done, but the caller never hears about it.
        emit({ action, region: callRegion, status: 0, errorCode: undefined });
        req.socket.destroy();
        return;
      }
      const xml = renderActionResponse(action, requestId, result);
      serverTimeMs += performance.now() - started;
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
      res.end(xml);
      emit({ action, region: callRegion, status: 200, errorCode: undefined });
    } catch (e) {
      if (e instanceof Ec2ApiError) return sendXmlError(e, callRegion);
      sendXmlError(new Ec2ApiError('InternalError', `An internal error has occurred: ${e instanceof Error ? e.message : String(e)}`, 500), callRegion);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const endpoint = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  const stats: Ec2EmulatorStats = {
    count: (action) => (action === undefined ? [...calls.values()].reduce((a, b) => a + b, 0) : (calls.get(action) ?? 0)),
    byAction: () => Object.fromEntries([...calls].sort(([a], [b]) => a.localeCompare(b))),
    throttled: () => throttledCalls,
    serverTimeMs: () => serverTimeMs,
    reset: () => {
      calls.clear();
      throttledCalls = 0;
      serverTimeMs = 0;
    },
  };

  return {
    endpoint,
    providerOptions: {
      endpoint,
      pricingEndpoint: endpoint,
      region,
      credentials: { accessKeyId, secretAccessKey },
      waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.2 },
      retryBaseDelayMs: 5,
      consistencyWindowMs: 2 * Math.max(state.timings.consistencyWindowMs, state.timings.listingConsistencyWindowMs),
    },
    faults,
    stats,
    events,
    accountId: EMULATOR_ACCOUNT_ID,
    instance: (id) => {
      const i = state.instances.get(id);
      return i ? view(state, i) : undefined;
    },
    instances: (filter = {}) => [...state.instances.values()].filter((i) => filter.region === undefined || i.region === filter.region).map((i) => view(state, i)),
    ownImages: (r) => {
      state.advanceAll();
      return [...state.images.values()]
        .filter((img) => img.ownerId === EMULATOR_ACCOUNT_ID && (r === undefined || img.region === r))
        .map((img) => ({ imageId: img.imageId, name: img.name, state: img.state, region: img.region, sourceImageId: img.sourceImageId }));
    },
    interruptSpot: (id) => {
      const i = state.instances.get(id);
      if (!i || !i.spot) throw new Error(`[novacron] [ec2-emulator] ${id} is not a spot instance`);
      state.advanceInstance(i);
      const reason = { code: 'Server.SpotInstanceTermination', message: 'Server.SpotInstanceTermination: Spot instance termination' };
      i.stateReason = reason;
      i.stateTransitionReason = `Service initiated (${new Date(state.now()).toISOString().replace('T', ' ').slice(0, 19)} GMT)`;
      if (i.spot.interruptionBehavior === 'stop') {
        i.state = 'stopping';
        state.scheduleTransition(i, 'stopped', state.timings.stoppingMs, reason);
      } else {
        i.state = 'shutting-down';
        state.scheduleTransition(i, 'terminated', state.timings.shuttingDownMs, reason);
      }
    },
    setSpotPrice: (zone, instanceType, price) => {
      spotPrices.set(`${zone}/${instanceType}`, price);
    },
    putObject: (uri, sizeBytes, sha256 = '0'.repeat(64)) => {
      objects.set(uri, { sizeBytes, sha256 });
    },
    getObject: (uri) => objects.get(uri),
    seedInstances: (n, opts = {}) => {
      const r = opts.region ?? region;
      const type = INSTANCE_TYPES.get(opts.instanceType ?? 't3.micro');
      if (!type) throw new Error(`[novacron] [ec2-emulator] unknown instance type ${opts.instanceType}`);
      const image = [...state.images.values()].find((img) => img.region === r && img.architecture === type.arch)!;
      const zones = state.zonesOf(r);
      const ids: string[] = [];
      const now = state.now();
      for (let k = 0; k < n; k++) {
        const zone = zones[k % zones.length]!;
        const subnet = state.defaultSubnet(zone)!;
        const instanceId = state.newId('i');
        const volumeId = state.newId('vol');
        state.volumes.set(volumeId, {
          volumeId, region: r, zone, sizeGiB: 8, volumeType: 'gp3', encrypted: true, kmsKeyId: undefined, iops: 3000, throughput: 125,
          state: 'in-use', attachedTo: instanceId, device: '/dev/sda1', deleteOnTermination: true, tags: new Map(), createTime: new Date(now),
        });
        state.instances.set(instanceId, {
          instanceId, reservationId: state.newId('r'), ownerId: EMULATOR_ACCOUNT_ID, region: r, zone, instanceType: type.name, imageId: image.imageId,
          architecture: type.arch, clientToken: undefined, state: 'running', stateTransitionReason: '', stateReason: undefined, launchTime: new Date(now),
          visibleAt: now, listedAt: now, transition: undefined, subnetId: subnet.subnetId, vpcId: subnet.vpcId, networkInterfaceId: state.newId('eni'),
          privateIp: state.nextPrivateIp(subnet), publicIp: undefined, associatePublicIp: false, securityGroupIds: ['sg-default'],
          tags: new Map(Object.entries({ Name: `seeded-${k}`, ...opts.tags })), rootDeviceName: '/dev/sda1', rootVolumeId: volumeId,
          iamInstanceProfile: undefined, userData: undefined, spot: undefined, platform: undefined, purgeAt: undefined,
        });
        ids.push(instanceId);
      }
      return ids;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

