/**
 * A complete provider that runs in-process: regions and zones, a priced catalog, VMs that go
 * pending → running after a delay, capacity, quotas, throttling, idempotency keys, paged
 * listing and image export/import. It is the embedded default for examples and notebooks and
 * the reference the conformance suite is written against.
 *
 * State moves with the clock, not with timers: every read settles due transitions first, so
 * a provider left alone holds no timers and needs no shutdown.
 */
import { createHash, randomUUID } from 'node:crypto';
import { abortReason, sleep, throwIfAborted } from '../../provider/abort.js';
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
} from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { requirementOf, selectOffer, specFingerprint } from '../../provider/offer-selection.js';
import type {
  CallOptions,
  CreateVMOptions,
  ImportVMOptions,
  ListVMsFilter,
  PowerOptions,
  ProviderV1,
  StopVMOptions,
} from '../../provider/provider-v1.js';
import { withRetry, type RetryPolicy } from '../../provider/retry.js';
import { parseVMSpec } from '../../provider/spec-schema.js';
import {
  HOURS_PER_MONTH,
  type CostEstimate,
  type ImageArtifact,
  type ImageFormat,
  type Offer,
  type ProviderCapabilities,
  type ProviderKind,
  type Region,
  type VM,
  type VMSpec,
  type VMSpecInput,
  type VMState,
} from '../../provider/types.js';
import { createMemoryImageStore, type MemoryImageStore } from './memory-image-store.js';
import {
  DEFAULT_MEMORY_REGIONS,
  EGRESS_PRICE_PER_GB,
  STORAGE_PRICE_PER_GIB_MONTH,
  STORAGE_PRICE_SOURCE,
  syntheticOffers,
} from './memory-rate-card.js';

/** The operations of a provider, as named in stats and fault injection. */
export type MemoryOperation =
  | 'createVM'
  | 'getVM'
  | 'findByIdempotencyKey'
  | 'listVMs'
  | 'deleteVM'
  | 'startVM'
  | 'stopVM'
  | 'rebootVM'
  | 'regions'
  | 'offers'
  | 'estimateCost'
  | 'exportVM'
  | 'importVM';

/** Account limits of an in-memory provider, per region. */
export interface MemoryQuotas {
  /** vCPUs of running and pending VMs. */
  vcpusPerRegion?: number | undefined;
  /** Running and pending VMs. */
  instancesPerRegion?: number | undefined;
}

/** Throttling of an in-memory provider's API calls. */
export interface MemoryThrottle {
  /** Fraction of calls refused with `ThrottledError` (0–1). */
  rate: number;
  /** Retry-after the refusals carry, in ms (default 10). */
  retryAfterMs?: number | undefined;
}

/** Options of {@link createMemoryProvider}. */
export interface MemoryProviderOptions {
  /** Provider name (default `memory`). */
  name?: string | undefined;
  /** Cloud it stands in for (default `memory`). With `aws`, `azure` or `gcp` and no `offers`, it prices from the bundled list-price snapshot. */
  kind?: ProviderKind | undefined;
  /** Regions (names or full regions). Default: the snapshot's regions for its kind, else `local-1` with three zones. */
  regions?: readonly (string | Region)[] | undefined;
  /** Instance types with prices. Default: the bundled snapshot for `aws`/`azure`/`gcp`, a synthetic rate card otherwise. */
  offers?: readonly Offer[] | undefined;
  /** Time from create (or start) to `running`, in ms (default 20). */
  provisioningDelayMs?: number | undefined;
  /** Time spent in `stopping` and `terminating`, in ms (default: `provisioningDelayMs`). */
  transitionDelayMs?: number | undefined;
  /** How long terminated VMs stay visible to `getVM`, in ms (default one hour, as on EC2). */
  terminatedRetentionMs?: number | undefined;
  /**
   * Capacity per zone: a number caps all VMs in the zone, a record caps each instance type
   * (`'*'` for the rest). Zones not named are unlimited.
   */
  capacity?: Readonly<Record<string, number | Readonly<Record<string, number>>>> | undefined;
  /** Account limits per region. */
  quotas?: MemoryQuotas | undefined;
  /** Throttling of API calls. */
  throttle?: MemoryThrottle | undefined;
  /** Retries of throttled calls inside the provider, as cloud SDKs do (default 3 attempts, 5 ms base). */
  retry?: RetryPolicy | undefined;
  /** VMs per page of the internal list API (default 100). */
  pageSize?: number | undefined;
  /** Simulated latency of every API call, in ms (default 0). */
  callLatencyMs?: number | undefined;
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: (() => number) | undefined;
  /** Randomness in [0, 1) for throttling (default `Math.random`). */
  random?: (() => number) | undefined;
  /** Where events go. */
  events?: EventBus | undefined;
  /** Where exported images go; share one between providers to move VMs between them. */
  imageStore?: MemoryImageStore | undefined;
  /** Overrides of the declared capabilities. */
  capabilities?: Partial<ProviderCapabilities> | undefined;
}

/** Test and demo controls of an in-memory provider: faults on demand and call counts. */
export interface MemoryProviderControls {
  /** Sets the capacity of a zone (all types, or one type). */
  setCapacity(zone: string, limit: number | undefined, instanceType?: string): void;
  /** Sets the fraction of calls refused with `ThrottledError`. */
  setThrottleRate(rate: number, retryAfterMs?: number): void;
  /** The next call of `operation` fails with `error` (once per call to this method); nothing takes effect. */
  failNext(operation: MemoryOperation, error: Error): void;
  /**
   * The next `count` (default 1) successful calls of `operation` take effect and then lose
   * their answer: a `createVM` creates the VM (and records its idempotency key), and the caller
   * gets `ProviderUnavailableError` saying the response was lost, exactly what a client sees
   * when the connection resets after the cloud acted. Calls that fail for another reason do
   * not use up a drop. Same word and semantics as the EC2 emulator's `faults.dropResponses`.
   */
  dropResponses(operation: MemoryOperation, count?: number): void;
  /**
   * Makes calls of `operation` (or of every operation, with `'all'`) hang: they are counted,
   * never take effect and never answer until the caller's `AbortSignal` aborts, and then reject
   * with the signal's reason. A call without a signal waits forever (it holds no timer).
   * `hang(operation, false)` ends the hang for calls made afterwards (calls already hanging
   * keep hanging); `hang('all', false)` ends every hang.
   */
  hang(operation: MemoryOperation | 'all', on?: boolean): void;
  /** Marks the credentials valid or not; invalid credentials fail every call with `AuthError`. */
  setCredentialsValid(valid: boolean): void;
  /** Makes the whole provider unreachable (`ProviderUnavailableError`) or reachable again. */
  setAvailable(available: boolean): void;
  /** Interrupts a spot VM now (it is terminated, with a reason). */
  interruptSpot(id: string): void;
  /** Calls made per operation, throttled ones included; list pages count one each. */
  readonly calls: Readonly<Record<MemoryOperation, number>>;
  /** Resets the call counters. */
  resetCalls(): void;
  /** VMs in the provider (terminated ones included, until their retention ends). */
  readonly vmCount: number;
}

/** An in-memory provider: {@link ProviderV1} plus {@link MemoryProviderControls}. */
export interface MemoryProvider extends ProviderV1 {
  /**
   * The VM a create (or import) with this key made, from the provider's idempotency records,
   * which are strongly consistent: `undefined` is a confirmed absence (or a VM gone past its
   * retention). Goes through the same fault path as every call (`failNext`, `hang`, ...).
   */
  findByIdempotencyKey(idempotencyKey: string, options?: CallOptions): Promise<VM | undefined>;
  /** Fault injection and call counts. */
  readonly controls: MemoryProviderControls;
}

interface VmRecord {
  id: string;
  spec: VMSpec;
  offer: Offer;
  region: string;
  zone: string;
  state: VMState;
  rawState: string;
  /** Time at which the pending transition lands, and the state it lands in. */
  transition: { at: number; to: VMState } | undefined;
  createdAt: number;
  terminatedAt: number | undefined;
  stateReason: string | undefined;
  image: string;
  privateIp: string;
  publicIp: string | undefined;
  seq: number;
}

interface Catalog {
  regions: Region[];
  offers: Offer[];
}

const RAW_STATE: Readonly<Record<VMState, string>> = {
  pending: 'PROVISIONING',
  running: 'RUNNING',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
  deallocated: 'DEALLOCATED',
  terminating: 'TERMINATING',
  terminated: 'TERMINATED',
  error: 'ERROR',
  unknown: 'UNKNOWN',
};

const ALL_OPERATIONS: readonly MemoryOperation[] = [
  'createVM',
  'getVM',
  'findByIdempotencyKey',
  'listVMs',
  'deleteVM',
  'startVM',
  'stopVM',
  'rebootVM',
  'regions',
  'offers',
  'estimateCost',
  'exportVM',
  'importVM',
];

const BUNDLED_KINDS = new Set(['aws', 'azure', 'gcp']);

/** Never settles, except by rejecting with the signal's reason once it aborts (a hung call). */
function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}

/** A region given by name takes its zones from the snapshot when it knows the region, else gets `a`–`c`. */
function normalizeRegion(region: string | Region, known: readonly Region[] = []): Region {
  if (typeof region !== 'string') return region;
  return known.find((r) => r.name === region) ?? { name: region, zones: ['a', 'b', 'c'].map((z) => `${region}${z}`) };
}

async function loadCatalog(kind: ProviderKind, options: MemoryProviderOptions): Promise<Catalog> {
  if (options.offers) {
    const regions = options.regions?.map((r) => normalizeRegion(r)) ?? regionsOfOffers(options.offers);
    return { regions, offers: [...options.offers] };
  }
  if (BUNDLED_KINDS.has(kind)) {
    // The list-price snapshot is loaded only when a provider needs it, to keep the root import light.
    const snapshot = await import('../../catalog/bundled-snapshot.js');
    const known = snapshot.bundledRegions(kind).map((r) => ({ ...r, zones: [...r.zones] }));
    const regions = options.regions?.map((r) => normalizeRegion(r, known)) ?? known;
    const offers = snapshot.bundledOffers({ provider: kind, regions: regions.map((r) => r.name) });
    return { regions, offers };
  }
  const regions = options.regions?.map((r) => normalizeRegion(r)) ?? DEFAULT_MEMORY_REGIONS.map((r) => ({ ...r, zones: [...r.zones] }));
  return { regions, offers: syntheticOffers(kind, regions) };
}

function regionsOfOffers(offers: readonly Offer[]): Region[] {
  const zones = new Map<string, Set<string>>();
  for (const o of offers) {
    const set = zones.get(o.region) ?? new Set<string>();
    if (o.zone) set.add(o.zone);
    zones.set(o.region, set);
  }
  return [...zones].map(([name, z]) => ({ name, zones: z.size > 0 ? [...z].sort() : [`${name}a`, `${name}b`] }));
}

/**
 * Creates an in-memory provider.
 *
 * @example
 * ```ts
 * const aws = createMemoryProvider({ name: 'aws-sim', kind: 'aws' });
 * const vm = await aws.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' });
 * ```
 */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  const name = options.name ?? 'memory';
  const kind: ProviderKind = options.kind ?? 'memory';
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const provisioningDelayMs = options.provisioningDelayMs ?? 20;
  const transitionDelayMs = options.transitionDelayMs ?? provisioningDelayMs;
  const retentionMs = options.terminatedRetentionMs ?? 3_600_000;
  const pageSize = Math.max(1, options.pageSize ?? 100);
  const imageStore = options.imageStore ?? createMemoryImageStore();
  const events = options.events;
  const retry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 200, ...options.retry };

  const capabilities: ProviderCapabilities = {
    spot: true,
    gpu: true,
    reservedPricing: true,
    stopStart: true,
    deallocate: kind === 'azure',
    exportFormats: ['raw', 'qcow2'],
    importFormats: ['raw', 'qcow2', 'vmdk', 'vhd'],
    vpn: false,
    peering: false,
    ...options.capabilities,
  };

  const vms = new Map<string, VmRecord>();
  const idempotency = new Map<string, { fingerprint: string; vmId: string }>();
  const capacity = new Map<string, number | Map<string, number>>();
  for (const [zone, limit] of Object.entries(options.capacity ?? {})) {
    capacity.set(zone, typeof limit === 'number' ? limit : new Map(Object.entries(limit)));
  }
  let throttle = { rate: options.throttle?.rate ?? 0, retryAfterMs: options.throttle?.retryAfterMs ?? 10 };
  const pendingFaults = new Map<MemoryOperation, Error[]>();
  const pendingDrops = new Map<MemoryOperation, number>();
  const hanging = new Set<MemoryOperation | 'all'>();
  const calls = Object.fromEntries(ALL_OPERATIONS.map((op) => [op, 0])) as Record<MemoryOperation, number>;
  let credentialsValid = true;
  let available = true;
  let seq = 0;
  let catalogPromise: Promise<Catalog> | undefined;

  const catalog = (): Promise<Catalog> => (catalogPromise ??= loadCatalog(kind, options));

  /** One call of the simulated cloud API: latency, hangs, faults, auth, throttling, in that order. */
  async function apiCall(operation: MemoryOperation, signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal);
    calls[operation]++;
    if (options.callLatencyMs) await sleep(options.callLatencyMs, signal);
    if (hanging.has('all') || hanging.has(operation)) await untilAborted(signal);
    const fault = pendingFaults.get(operation)?.shift();
    if (fault) throw fault;
    // Refusals before the body runs prove the call did nothing: `requestSent: false`.
    if (!available) throw new ProviderUnavailableError({ provider: name, message: `${operation}: the API endpoint is unreachable`, requestSent: false });
    if (!credentialsValid) throw new AuthError({ provider: name, message: `${operation}: the credentials were rejected` });
    if (throttle.rate > 0 && random() < throttle.rate) {
      throw new ThrottledError({ provider: name, message: `${operation}: request rate exceeded`, retryAfterMs: throttle.retryAfterMs, requestSent: false });
    }
  }

  /** Takes one pending lost response of `operation`. */
  function takeDrop(operation: MemoryOperation): boolean {
    const left = pendingDrops.get(operation) ?? 0;
    if (left <= 0) return false;
    pendingDrops.set(operation, left - 1);
    return true;
  }

  /** Runs one API call with the SDK-style retries on throttling; a dropped response is lost after the body took effect. */
  function call<T>(operation: MemoryOperation, signal: AbortSignal | undefined, body: () => Promise<T> | T): Promise<T> {
    return withRetry(
      async () => {
        await apiCall(operation, signal);
        const result = await body();
        if (takeDrop(operation)) {
          throw new ProviderUnavailableError({ provider: name, message: `${operation}: the response was lost (the connection reset after the call took effect)` });
        }
        return result;
      },
      { ...retry, signal, operation, provider: name, events, shouldRetry: (e) => ThrottledError.isInstance(e) },
    );
  }

  function setState(rec: VmRecord, state: VMState, reason?: string): void {
    const from = rec.state;
    rec.state = state;
    rec.rawState = RAW_STATE[state];
    if (reason !== undefined) rec.stateReason = reason;
    if (state === 'terminated' && rec.terminatedAt === undefined) rec.terminatedAt = now();
    if (from !== state) events?.publish('vm.state-changed', { provider: name, vmId: rec.id, from, to: state, reason });
  }

  function settle(rec: VmRecord): void {
    if (rec.transition && now() >= rec.transition.at) {
      const to = rec.transition.to;
      rec.transition = undefined;
      setState(rec, to);
    }
  }

  function transition(rec: VmRecord, through: VMState, to: VMState, delayMs: number): void {
    setState(rec, through);
    rec.transition = { at: now() + delayMs, to };
    settle(rec);
  }

  function expireTerminated(): void {
    const cutoff = now() - retentionMs;
    for (const [id, rec] of vms) {
      settle(rec);
      if (rec.terminatedAt !== undefined && rec.terminatedAt <= cutoff) vms.delete(id);
    }
  }

  function toVM(rec: VmRecord): VM {
    settle(rec);
    const price = rec.spec.spot ? rec.offer.spotHourly : rec.offer.onDemandHourly;
    return {
      id: rec.id,
      name: rec.spec.name,
      provider: name,
      providerKind: kind,
      region: rec.region,
      zone: rec.zone,
      state: rec.state,
      rawState: rec.rawState,
      instanceType: rec.offer.instanceType,
      cpu: rec.offer.vcpus,
      memoryGiB: rec.offer.memoryGiB,
      spot: rec.spec.spot,
      privateIps: [rec.privateIp],
      publicIps: rec.publicIp && rec.state !== 'terminated' ? [rec.publicIp] : [],
      labels: { ...rec.spec.labels },
      image: rec.image,
      createdAt: new Date(rec.createdAt).toISOString(),
      hourlyPrice:
        price === undefined
          ? undefined
          : { amount: price, currency: rec.offer.currency, source: rec.offer.source, asOf: rec.offer.asOf },
      stateReason: rec.stateReason,
    };
  }

  function find(id: string): VmRecord {
    expireTerminated();
    const rec = vms.get(id);
    if (!rec) throw new NotFoundError({ provider: name, message: `VM ${id} not found`, resourceType: 'vm', resourceId: id });
    return rec;
  }

  function active(rec: VmRecord): boolean {
    return rec.state !== 'terminated' && rec.state !== 'terminating';
  }

  function regionOf(cat: Catalog, spec: VMSpec): Region {
    const regionName = spec.region ?? cat.regions[0]?.name;
    const region = cat.regions.find((r) => r.name === regionName);
    if (!region) {
      throw new InvalidSpecError({
        provider: name,
        issues: [{ field: 'region', message: `unknown region "${regionName}"; this provider has ${cat.regions.map((r) => r.name).join(', ')}` }],
      });
    }
    if (spec.zone !== undefined && region.zones.length > 0 && !region.zones.includes(spec.zone)) {
      throw new InvalidSpecError({
        provider: name,
        issues: [{ field: 'zone', message: `unknown zone "${spec.zone}" in ${region.name}; zones: ${region.zones.join(', ')}` }],
      });
    }
    return region;
  }

  function offerFor(cat: Catalog, spec: VMSpec, region: Region): Offer {
    const offer = selectOffer(cat.offers, requirementOf(spec, region.name));
    if (offer) return offer;
    const field = spec.instanceType ? 'instanceType' : spec.gpu ? 'gpu' : 'cpu';
    const wanted = spec.instanceType
      ? `instance type "${spec.instanceType}"${spec.spot ? ' at spot' : ''}`
      : `${spec.cpu} vCPU / ${spec.memoryGiB} GiB${spec.gpu ? ` / ${spec.gpu.count}× ${spec.gpu.type ?? 'any'} GPU` : ''}${spec.spot ? ' at spot' : ''}`;
    throw new InvalidSpecError({ provider: name, issues: [{ field, message: `no instance type in ${region.name} offers ${wanted}` }] });
  }

  function capacityLeft(zone: string, instanceType: string): number {
    const limit = capacity.get(zone);
    if (limit === undefined) return Infinity;
    const inZone = [...vms.values()].filter((r) => r.zone === zone && active(r));
    if (typeof limit === 'number') return limit - inZone.length;
    const typeLimit = limit.get(instanceType) ?? limit.get('*');
    if (typeLimit === undefined) return Infinity;
    const sameType = limit.has(instanceType) ? inZone.filter((r) => r.offer.instanceType === instanceType) : inZone.filter((r) => !limit.has(r.offer.instanceType));
    return typeLimit - sameType.length;
  }

  function chooseZone(region: Region, spec: VMSpec, offer: Offer): string {
    const zones = spec.zone ? [spec.zone] : offer.zone ? [offer.zone] : region.zones.length > 0 ? region.zones : [region.name];
    const zone = zones.find((z) => capacityLeft(z, offer.instanceType) > 0);
    if (zone === undefined) {
      throw new CapacityError({
        provider: name,
        message: `insufficient capacity for ${offer.instanceType} in ${spec.zone ?? region.name}`,
        region: region.name,
        zone: spec.zone ?? (zones.length === 1 ? zones[0] : undefined),
        instanceType: offer.instanceType,
      });
    }
    return zone;
  }

  function checkQuotas(region: string, offer: Offer): void {
    const quotas = options.quotas;
    if (!quotas) return;
    const inRegion = [...vms.values()].filter((r) => r.region === region && active(r) && r.state !== 'stopped' && r.state !== 'deallocated');
    if (quotas.instancesPerRegion !== undefined && inRegion.length + 1 > quotas.instancesPerRegion) {
      throw new QuotaError({ provider: name, message: `instance limit of ${quotas.instancesPerRegion} reached in ${region}`, region, quotaName: 'instances' });
    }
    const vcpus = inRegion.reduce((sum, r) => sum + r.offer.vcpus, 0);
    if (quotas.vcpusPerRegion !== undefined && vcpus + offer.vcpus > quotas.vcpusPerRegion) {
      throw new QuotaError({
        provider: name,
        message: `vCPU limit of ${quotas.vcpusPerRegion} would be exceeded in ${region} (${vcpus} in use, ${offer.vcpus} requested)`,
        region,
        quotaName: 'vcpus',
      });
    }
  }

  async function waitFor(id: string, targets: readonly VMState[], signal: AbortSignal | undefined, timeoutMs: number, operation: string): Promise<VM> {
    const deadline = Date.now() + timeoutMs;
    const interval = Math.max(1, Math.min(25, Math.ceil(Math.max(provisioningDelayMs, transitionDelayMs) / 4)));
    for (;;) {
      const vm = await call('getVM', signal, () => toVM(find(id)));
      if (targets.includes(vm.state)) return vm;
      if (vm.state === 'terminated' || vm.state === 'error') {
        throw new ConflictError({ provider: name, message: `${operation}: VM ${id} became ${vm.state}${vm.stateReason ? ` (${vm.stateReason})` : ''}` });
      }
      if (Date.now() >= deadline) {
        throw new TimeoutError({ provider: name, message: `${operation}: VM ${id} still ${vm.state} after ${timeoutMs} ms`, resourceId: id });
      }
      await sleep(interval, signal);
    }
  }

  function newRecord(spec: VMSpec, offer: Offer, region: string, zone: string, image: string): VmRecord {
    const n = ++seq;
    return {
      id: `vm-${randomUUID().replace(/-/g, '').slice(0, 17)}`,
      spec,
      offer,
      region,
      zone,
      state: 'pending',
      rawState: RAW_STATE.pending,
      transition: undefined,
      createdAt: now(),
      terminatedAt: undefined,
      stateReason: undefined,
      image,
      privateIp: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      publicIp: spec.network.publicIp ? `203.0.113.${n % 254 + 1}` : undefined,
      seq: n,
    };
  }

  /** Shared by createVM and importVM: idempotency, placement checks, record, then wait. */
  async function provision(spec: VMSpec, image: string, options: CreateVMOptions, operation: 'createVM' | 'importVM'): Promise<VM> {
    const signal = options.signal;
    const key = options.idempotencyKey;
    const fingerprint = specFingerprint({ ...spec, image });
    let reused = false;
    const vm = await call(operation, signal, async () => {
      if (key !== undefined) {
        const prior = idempotency.get(key);
        if (prior) {
          if (prior.fingerprint !== fingerprint) {
            throw new ConflictError({ provider: name, message: `idempotency key "${key}" was already used with a different spec` });
          }
          const rec = vms.get(prior.vmId);
          if (rec) {
            reused = true;
            return toVM(rec);
          }
        }
      }
      const cat = await catalog();
      const region = regionOf(cat, spec);
      const offer = offerFor(cat, spec, region);
      if (spec.spot && spec.spotMaxPrice !== undefined && offer.spotHourly !== undefined && offer.spotHourly > spec.spotMaxPrice) {
        throw new CapacityError({
          provider: name,
          message: `spot price ${offer.spotHourly} of ${offer.instanceType} is above the max price ${spec.spotMaxPrice}`,
          region: region.name,
          instanceType: offer.instanceType,
        });
      }
      const zone = chooseZone(region, spec, offer);
      checkQuotas(region.name, offer);
      const rec = newRecord(spec, offer, region.name, zone, image);
      vms.set(rec.id, rec);
      if (key !== undefined) idempotency.set(key, { fingerprint, vmId: rec.id });
      rec.transition = { at: now() + provisioningDelayMs, to: 'running' };
      return toVM(rec);
    });
    events?.publish('vm.created', { provider: name, vm, reused });
    await options.onProvisioned?.(vm);
    if (options.wait === false || vm.state === 'running') return vm;
    return waitFor(vm.id, ['running'], signal, options.waitTimeoutMs ?? 300_000, operation);
  }

  function matches(rec: VmRecord, filter: ListVMsFilter): boolean {
    if (!filter.includeTerminated && rec.state === 'terminated' && !filter.states?.includes('terminated')) return false;
    if (filter.region !== undefined && rec.region !== filter.region) return false;
    if (filter.states && !filter.states.includes(rec.state)) return false;
    if (filter.labels) {
      for (const [k, v] of Object.entries(filter.labels)) if (rec.spec.labels[k] !== v) return false;
    }
    return true;
  }

  function checksumOf(rec: VmRecord): string {
    return createHash('sha256').update(`${name}\n${rec.id}\n${rec.image}\n${rec.spec.disk.sizeGiB}`).digest('hex');
  }

  const provider: MemoryProvider = {
    specificationVersion: 'v1',
    name,
    kind,
    capabilities,

    async createVM(input: VMSpecInput | VMSpec, opts: CreateVMOptions = {}): Promise<VM> {
      throwIfAborted(opts.signal);
      const spec = parseVMSpec(input, { provider: name });
      return provision(spec, spec.image, opts, 'createVM');
    },

    async getVM(id: string, opts: CallOptions = {}): Promise<VM> {
      return call('getVM', opts.signal, () => toVM(find(id)));
    },

    async findByIdempotencyKey(idempotencyKey: string, opts: CallOptions = {}): Promise<VM | undefined> {
      return call('findByIdempotencyKey', opts.signal, () => {
        expireTerminated();
        const prior = idempotency.get(idempotencyKey);
        const rec = prior === undefined ? undefined : vms.get(prior.vmId);
        return rec === undefined ? undefined : toVM(rec);
      });
    },

    async *listVMs(filter: ListVMsFilter = {}, opts: CallOptions = {}): AsyncIterable<VM> {
      // Pages are cut by sequence number, so VMs created while listing never shift a page.
      let after = 0;
      for (;;) {
        const page = await call('listVMs', opts.signal, () => {
          expireTerminated();
          const rows = [...vms.values()]
            .filter((r) => r.seq > after && matches(r, filter))
            .sort((a, b) => a.seq - b.seq)
            .slice(0, pageSize);
          return { items: rows.map(toVM), last: rows.at(-1)?.seq, more: rows.length === pageSize };
        });
        for (const vm of page.items) yield vm;
        if (!page.more || page.last === undefined) return;
        after = page.last;
      }
    },

    async deleteVM(id: string, opts: PowerOptions = {}): Promise<void> {
      const vm = await call('deleteVM', opts.signal, () => {
        const rec = find(id);
        if (rec.state !== 'terminated' && rec.state !== 'terminating') {
          transition(rec, 'terminating', 'terminated', transitionDelayMs);
          events?.publish('vm.deleted', { provider: name, vmId: id });
        }
        return toVM(rec);
      });
      if (opts.wait !== false && vm.state !== 'terminated') {
        await waitFor(id, ['terminated'], opts.signal, 300_000, 'deleteVM').catch((e: unknown) => {
          if (!ConflictError.isInstance(e)) throw e; // reaching terminated is the goal here
        });
      }
    },

    async startVM(id: string, opts: PowerOptions = {}): Promise<VM> {
      const vm = await call('startVM', opts.signal, () => {
        const rec = find(id);
        settle(rec);
        if (rec.state === 'running' || rec.state === 'pending') return toVM(rec);
        if (rec.state !== 'stopped' && rec.state !== 'deallocated') {
          throw new ConflictError({ provider: name, message: `cannot start VM ${id} while it is ${rec.state}` });
        }
        if (rec.spec.spot) {
          // Spot capacity is re-requested on start, as the clouds do.
          if (capacityLeft(rec.zone, rec.offer.instanceType) <= 0) {
            throw new CapacityError({ provider: name, message: `no capacity to start ${id}`, region: rec.region, zone: rec.zone, instanceType: rec.offer.instanceType });
          }
        }
        transition(rec, 'pending', 'running', provisioningDelayMs);
        return toVM(rec);
      });
      if (opts.wait === false || vm.state === 'running') return vm;
      return waitFor(id, ['running'], opts.signal, 300_000, 'startVM');
    },

    async stopVM(id: string, opts: StopVMOptions = {}): Promise<VM> {
      const deallocate = opts.deallocate === true && capabilities.deallocate;
      const resting: VMState = deallocate ? 'deallocated' : 'stopped';
      const vm = await call('stopVM', opts.signal, () => {
        if (!capabilities.stopStart) throw new UnsupportedError({ provider: name, message: 'stop/start is not supported', capability: 'stopStart' });
        const rec = find(id);
        settle(rec);
        if (rec.state === 'stopped' || rec.state === 'deallocated' || rec.state === 'stopping') {
          if (rec.state === 'stopped' && deallocate) setState(rec, 'deallocated');
          return toVM(rec);
        }
        if (rec.state !== 'running' && rec.state !== 'pending') {
          throw new ConflictError({ provider: name, message: `cannot stop VM ${id} while it is ${rec.state}` });
        }
        transition(rec, 'stopping', resting, transitionDelayMs);
        return toVM(rec);
      });
      if (opts.wait === false || vm.state === 'stopped' || vm.state === 'deallocated') return vm;
      return waitFor(id, ['stopped', 'deallocated'], opts.signal, 300_000, 'stopVM');
    },

    async rebootVM(id: string, opts: PowerOptions = {}): Promise<VM> {
      const vm = await call('rebootVM', opts.signal, () => {
        const rec = find(id);
        settle(rec);
        if (rec.state !== 'running') throw new ConflictError({ provider: name, message: `cannot reboot VM ${id} while it is ${rec.state}` });
        // A reboot keeps the VM running from the cloud's point of view, as on EC2 and GCE.
        return toVM(rec);
      });
      return vm;
    },

    async *regions(opts: CallOptions = {}): AsyncIterable<Region> {
      const cat = await call('regions', opts.signal, () => catalog());
      for (const region of cat.regions) yield region;
    },

    async *offers(region?: string, opts: CallOptions = {}): AsyncIterable<Offer> {
      const cat = await call('offers', opts.signal, () => catalog());
      for (const offer of cat.offers) if (region === undefined || offer.region === region) yield offer;
    },

    async estimateCost(input: VMSpecInput | VMSpec, opts: CallOptions = {}): Promise<CostEstimate> {
      throwIfAborted(opts.signal);
      const spec = parseVMSpec(input, { provider: name });
      return call('estimateCost', opts.signal, async () => {
        const cat = await catalog();
        const region = regionOf(cat, spec);
        const offer = offerFor(cat, spec, region);
        const computeHourly = (spec.spot ? offer.spotHourly : offer.onDemandHourly) ?? offer.onDemandHourly;
        const compute = computeHourly * HOURS_PER_MONTH;
        const storage = spec.disk.sizeGiB * STORAGE_PRICE_PER_GIB_MONTH[spec.disk.type];
        const network = spec.egressGBPerMonth * EGRESS_PRICE_PER_GB;
        const monthly = compute + storage + network;
        const asOf = offer.asOf < STORAGE_PRICE_SOURCE.asOf ? offer.asOf : STORAGE_PRICE_SOURCE.asOf;
        return {
          hourly: monthly / HOURS_PER_MONTH,
          monthly,
          breakdown: { compute, storage, network },
          currency: offer.currency,
          instanceType: offer.instanceType,
          region: region.name,
          spot: spec.spot,
          source: `${offer.source}+${STORAGE_PRICE_SOURCE.source}`,
          asOf,
        };
      });
    },

    async exportVM(id: string, opts: CallOptions = {}): Promise<ImageArtifact> {
      return call('exportVM', opts.signal, () => {
        const format = capabilities.exportFormats[0];
        if (format === undefined) throw new UnsupportedError({ provider: name, message: 'image export is not supported', capability: 'export' });
        const rec = find(id);
        settle(rec);
        if (!active(rec)) throw new ConflictError({ provider: name, message: `cannot export VM ${id} while it is ${rec.state}` });
        const artifact: ImageArtifact = {
          format,
          location: `memory://${name}/images/${rec.id}-${randomUUID().slice(0, 8)}.${format}`,
          sizeBytes: rec.spec.disk.sizeGiB * 1024 ** 3,
          checksum: { algorithm: 'sha256', value: checksumOf(rec) },
          sourceProvider: name,
          sourceProviderKind: kind,
          sourceVmId: rec.id,
          baseImage: rec.image,
          createdAt: new Date(now()).toISOString(),
        };
        imageStore.put(artifact);
        return artifact;
      });
    },

    async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, opts: ImportVMOptions = {}): Promise<VM> {
      throwIfAborted(opts.signal);
      const spec = parseVMSpec(input, { provider: name });
      if (!capabilities.importFormats.includes(artifact.format as ImageFormat)) {
        throw new UnsupportedError({
          provider: name,
          message: `cannot import ${artifact.format} images; accepted formats: ${capabilities.importFormats.join(', ') || 'none'}`,
          capability: 'import',
        });
      }
      const stored = imageStore.get(artifact.location);
      if (!stored) {
        throw new NotFoundError({ provider: name, message: `image ${artifact.location} is not in this provider's image store`, resourceType: 'image', resourceId: artifact.location });
      }
      if (stored.checksum.value !== artifact.checksum.value || stored.sizeBytes !== artifact.sizeBytes) {
        throw new ConflictError({ provider: name, message: `image ${artifact.location} does not match its checksum` });
      }
      if (spec.disk.sizeGiB * 1024 ** 3 < artifact.sizeBytes) {
        throw new InvalidSpecError({
          provider: name,
          issues: [{ field: 'disk.size', message: `must be at least the image size, ${artifact.sizeBytes / 1024 ** 3} GiB` }],
        });
      }
      return provision(spec, artifact.location, opts, 'importVM');
    },

    controls: {
      setCapacity(zone, limit, instanceType) {
        if (instanceType === undefined) {
          if (limit === undefined) capacity.delete(zone);
          else capacity.set(zone, limit);
          return;
        }
        const current = capacity.get(zone);
        const perType = current instanceof Map ? current : new Map<string, number>();
        if (typeof current === 'number') perType.set('*', current);
        if (limit === undefined) perType.delete(instanceType);
        else perType.set(instanceType, limit);
        capacity.set(zone, perType);
      },
      setThrottleRate(rate, retryAfterMs) {
        throttle = { rate, retryAfterMs: retryAfterMs ?? throttle.retryAfterMs };
      },
      failNext(operation, error) {
        const queue = pendingFaults.get(operation) ?? [];
        queue.push(error);
        pendingFaults.set(operation, queue);
      },
      dropResponses(operation, count = 1) {
        pendingDrops.set(operation, (pendingDrops.get(operation) ?? 0) + Math.max(0, count));
      },
      hang(operation, on = true) {
        if (on) hanging.add(operation);
        else if (operation === 'all') hanging.clear();
        else hanging.delete(operation);
      },
      setCredentialsValid(valid) {
        credentialsValid = valid;
      },
      setAvailable(value) {
        available = value;
      },
      interruptSpot(id) {
        const rec = find(id);
        if (!rec.spec.spot) throw new ConflictError({ provider: name, message: `VM ${id} is not a spot VM` });
        rec.transition = undefined;
        setState(rec, 'terminated', 'spot-interruption: capacity reclaimed by the cloud');
      },
      get calls() {
        return { ...calls };
      },
      resetCalls() {
        for (const op of ALL_OPERATIONS) calls[op] = 0;
      },
      get vmCount() {
        return vms.size;
      },
    },
  };
  return provider;
}
