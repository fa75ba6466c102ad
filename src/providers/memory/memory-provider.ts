/**
 * A complete provider that runs in-process: regions and zones, a priced catalog, VMs that go
 * pending → running after a delay, capacity, quotas, throttling, idempotency keys, paged
 * listing and image export/import. It is the embedded default for examples and notebooks and
 * the reference the conformance suite is written against.
 *
 * Faults are the emulator kit's vocabulary (`controls.faults`, the calls a test makes on an
 * emulator's `faults`), each answered with the novacron error an adapter raises for it. The
 * parts live beside this file: records and lifecycle (`memory-vm-records.ts`), catalog
 * (`memory-catalog.ts`), capacity and quotas (`memory-limits.ts`), images
 * (`memory-images.ts`), faults (`memory-faults.ts`, `memory-refusals.ts`).
 *
 * State moves with the clock, not with timers, so a provider left alone holds no timers and
 * needs no shutdown.
 */
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { COST_ESTIMATE_DISPLAY } from '../../provider/display.js';
import { CapacityError, ConflictError, ProviderUnavailableError, ThrottledError, TimeoutError, UnsupportedError } from '../../provider/errors.js';
import { EventBus } from '../../provider/events.js';
import { specFingerprint } from '../../provider/offer-selection.js';
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
  type Offer,
  type ProviderCapabilities,
  type ProviderKind,
  type Region,
  type VM,
  type VMSpec,
  type VMSpecInput,
  type VMState,
} from '../../provider/types.js';
import { knownRegion, loadMemoryCatalog, offerFor, regionOf, type MemoryCatalog } from './memory-catalog.js';
import { MEMORY_OPERATIONS, MemoryFaults, type MemoryFaultControls, type MemoryOperation } from './memory-faults.js';
import { createMemoryImageStore, type MemoryImageStore } from './memory-image-store.js';
import { MemoryImages } from './memory-images.js';
import { MemoryLimits, type MemoryCapacity, type MemoryQuotas } from './memory-limits.js';
import { MemoryNetwork, type MemoryNetworkOptions } from './memory-network.js';
import { EGRESS_PRICE_PER_GB, STORAGE_PRICE_PER_GIB_MONTH, STORAGE_PRICE_SOURCE } from './memory-rate-card.js';
import { DEFAULT_THROTTLE_RETRY_AFTER_MS, refusalError, type RefusedCall } from './memory-refusals.js';
import { VmRecords } from './memory-vm-records.js';

/** Throttling of an in-memory provider's API calls from the start (`controls.faults.throttle` changes it later). */
export interface MemoryThrottle {
  /** Fraction of calls refused with `ThrottledError` (0–1). */
  rate: number;
  /** Retry-after the refusals carry, in ms (default 10). */
  retryAfterMs?: number | undefined;
  /** Seed of the refusals' pseudo-random sequence, so that a run replays (default 1). */
  seed?: number | undefined;
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
   * The size of each zone: a number caps all active VMs in the zone, a record caps each
   * instance type (`'*'` for the rest). Zones not named are unlimited. (A test that wants a
   * zone full for a while says `controls.faults.capacity({ zone }, 0)` instead.)
   */
  capacity?: MemoryCapacity | undefined;
  /** Account limits per region (`controls.faults.quota` may lower them). */
  quotas?: MemoryQuotas | undefined;
  /** Throttling of API calls from the start. */
  throttle?: MemoryThrottle | undefined;
  /** Retries of throttled calls inside the provider, as cloud SDKs do (default 3 attempts, 5 ms base). */
  retry?: RetryPolicy | undefined;
  /** VMs per page of the internal list API (default 100). */
  pageSize?: number | undefined;
  /** Simulated latency of every API call, in ms (default 0). */
  callLatencyMs?: number | undefined;
  /** Clock in epoch milliseconds that VM lifecycles follow (default `Date.now`). */
  clock?: (() => number) | undefined;
  /** Where events go. */
  events?: EventBus | undefined;
  /** Where exported images go; share one between providers to move VMs between them. */
  imageStore?: MemoryImageStore | undefined;
  /** Overrides of the declared capabilities. */
  capabilities?: Partial<ProviderCapabilities> | undefined;
  /**
   * Gives the provider a network companion (`provider.networking`: networks, VPN, peering,
   * routes) and declares `vpn` and `peering`; `true` for the defaults. Off by default.
   */
  network?: MemoryNetworkOptions | boolean | undefined;
}

/** Test and demo controls of an in-memory provider: faults on demand and call counts. */
export interface MemoryProviderControls {
  /**
   * Faults, in the emulator kit's vocabulary: `failNext`, `throttle`, `capacity`, `quota`,
   * `expireCredentials`/`restoreCredentials`, `dropResponse` (the call takes effect and its
   * answer is lost: `ProviderUnavailableError` "response was lost"), `delay`, `hang` (never
   * takes effect, rejects with the caller's signal reason on abort), `reset`.
   */
  readonly faults: MemoryFaultControls;
  /** Makes the whole provider unreachable (`ProviderUnavailableError`, `requestSent: false`) or reachable again. */
  setAvailable(available: boolean): void;
  /** Interrupts a spot VM now (it is terminated, with a reason). */
  interruptSpot(id: string): void;
  /** Calls made per operation, refused ones included; list pages count one each. */
  readonly calls: Readonly<Record<MemoryOperation, number>>;
  /** Resets the call counters. */
  resetCalls(): void;
  /** VMs in the provider (terminated ones included, until their retention ends). */
  readonly vmCount: number;
}

/** Calls made per operation. */
class CallCounts {
  private readonly counts = new Map<MemoryOperation, number>();

  count(operation: MemoryOperation): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  snapshot(): Record<MemoryOperation, number> {
    return Object.fromEntries(MEMORY_OPERATIONS.map((op) => [op, this.counts.get(op) ?? 0])) as Record<MemoryOperation, number>;
  }

  reset(): void {
    this.counts.clear();
  }
}

/** What a refusal of a call may name: the region, zone or resource it is about. */
type CallScope = Omit<RefusedCall, 'provider' | 'operation'>;

/** An in-memory provider: {@link ProviderV1} plus {@link MemoryProviderControls}. Made by {@link createMemoryProvider}. */
export class MemoryProvider implements ProviderV1 {
  /** The specification this provider implements. */
  readonly specificationVersion = 'v1' as const;
  /** Provider name. */
  readonly name: string;
  /** The cloud it stands in for. */
  readonly kind: ProviderKind;
  /** What it supports. */
  readonly capabilities: ProviderCapabilities;
  /** Fault injection and call counts. */
  readonly controls: MemoryProviderControls;
  /** The network companion, when the `network` option asked for one. */
  readonly networking: MemoryNetwork | undefined;

  private readonly clock: () => number;
  private readonly provisioningDelayMs: number;
  private readonly transitionDelayMs: number;
  private readonly pageSize: number;
  private readonly retry: RetryPolicy;
  /** Where this provider publishes its events (the `events` option, or a bus of its own). */
  readonly events: EventBus;
  private readonly faults: MemoryFaults;
  private readonly records: VmRecords;
  private readonly limits: MemoryLimits;
  private readonly images: MemoryImages;
  private readonly counts = new CallCounts();
  private available = true;
  private catalogLoad: Promise<MemoryCatalog> | undefined;

  constructor(private readonly options: MemoryProviderOptions = {}) {
    this.name = options.name ?? 'memory';
    this.kind = options.kind ?? 'memory';
    this.clock = options.clock ?? Date.now;
    this.provisioningDelayMs = options.provisioningDelayMs ?? 20;
    this.transitionDelayMs = options.transitionDelayMs ?? this.provisioningDelayMs;
    this.pageSize = Math.max(1, options.pageSize ?? 100);
    this.retry = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 200, ...options.retry };
    this.events = options.events ?? new EventBus();
    this.capabilities = {
      spot: true,
      gpu: true,
      reservedPricing: true,
      stopStart: true,
      deallocate: this.kind === 'azure',
      exportFormats: ['raw', 'qcow2'],
      importFormats: ['raw', 'qcow2', 'vmdk', 'vhd'],
      vpn: options.network !== undefined && options.network !== false,
      peering: options.network !== undefined && options.network !== false,
      ...options.capabilities,
    };
    this.faults = new MemoryFaults(options.throttle?.seed);
    if (options.throttle) {
      this.faults.throttle(options.throttle.rate, { retryAfterMs: options.throttle.retryAfterMs ?? DEFAULT_THROTTLE_RETRY_AFTER_MS });
    }
    this.records = new VmRecords({
      provider: this.name,
      kind: this.kind,
      clock: this.clock,
      retentionMs: options.terminatedRetentionMs ?? 3_600_000,
      events: this.events,
    });
    this.limits = new MemoryLimits({ provider: this.name, records: this.records, faults: this.faults.plan, capacity: options.capacity, quotas: options.quotas });
    this.images = new MemoryImages({
      provider: this.name,
      kind: this.kind,
      capabilities: this.capabilities,
      store: options.imageStore ?? createMemoryImageStore(),
      records: this.records,
      clock: this.clock,
    });
    this.controls = this.makeControls();
    this.networking = options.network === undefined || options.network === false ? undefined : this.makeNetwork(options.network === true ? {} : options.network);
  }

  async createVM(input: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    throwIfAborted(options.signal);
    const spec = parseVMSpec(input, { provider: this.name });
    return this.provision(spec, spec.image, options, 'createVM');
  }

  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    return this.call('getVM', options.signal, () => this.records.toVM(this.records.find(id)), { resourceId: id });
  }

  /**
   * The VM a create (or import) with this key made, from the provider's idempotency records,
   * which are strongly consistent: `undefined` is a confirmed absence (or a VM gone past its
   * retention). Goes through the same fault path as every call (`failNext`, `hang`, ...).
   */
  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    return this.call('findByIdempotencyKey', options.signal, () => {
      const rec = this.records.byKey(idempotencyKey)?.rec;
      return rec === undefined ? undefined : this.records.toVM(rec);
    });
  }

  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    // A region this provider does not have is a mistake, not an empty answer.
    if (filter.region !== undefined) knownRegion(await this.catalog(), filter.region, this.name);
    // Pages are cut by sequence number, so VMs created while listing never shift a page.
    let after = 0;
    for (;;) {
      const page = await this.call('listVMs', options.signal, () => this.records.page(filter, after, this.pageSize), { region: filter.region });
      for (const vm of page.items) yield vm;
      if (!page.more || page.last === undefined) return;
      after = page.last;
    }
  }

  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    const vm = await this.call(
      'deleteVM',
      options.signal,
      () => {
        const rec = this.records.find(id);
        if (rec.state !== 'terminated' && rec.state !== 'terminating') {
          this.records.transition(rec, 'terminating', 'terminated', this.transitionDelayMs);
          this.events.publish('vm.deleted', { provider: this.name, vmId: id });
        }
        return this.records.toVM(rec);
      },
      { resourceId: id },
    );
    if (options.wait !== false && vm.state !== 'terminated') {
      await this.waitFor(id, ['terminated'], options.signal, 300_000, 'deleteVM').catch((e: unknown) => {
        if (!ConflictError.isInstance(e)) throw e; // reaching terminated is the goal here
      });
    }
  }

  async startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    const vm = await this.call(
      'startVM',
      options.signal,
      () => {
        const rec = this.records.find(id);
        if (rec.state === 'running' || rec.state === 'pending') return this.records.toVM(rec);
        if (rec.state !== 'stopped' && rec.state !== 'deallocated') {
          throw new ConflictError({ provider: this.name, message: `cannot start VM ${id} while it is ${rec.state}` });
        }
        if (rec.spec.spot) {
          // Spot capacity is re-requested on start, as the clouds do: a start is a launch.
          if (this.limits.capacityLeft(rec.zone, rec.offer.instanceType) <= 0) {
            throw new CapacityError({ provider: this.name, message: `no capacity to start ${id}`, region: rec.region, zone: rec.zone, instanceType: rec.offer.instanceType });
          }
          this.limits.consumeLaunch(rec.zone, rec.offer.instanceType);
        }
        this.records.transition(rec, 'pending', 'running', this.provisioningDelayMs);
        return this.records.toVM(rec);
      },
      { resourceId: id },
    );
    if (options.wait === false || vm.state === 'running') return vm;
    return this.waitFor(id, ['running'], options.signal, 300_000, 'startVM');
  }

  async stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    const deallocate = options.deallocate === true && this.capabilities.deallocate;
    const resting: VMState = deallocate ? 'deallocated' : 'stopped';
    const vm = await this.call(
      'stopVM',
      options.signal,
      () => {
        if (!this.capabilities.stopStart) throw new UnsupportedError({ provider: this.name, message: 'stop/start is not supported', capability: 'stopStart' });
        const rec = this.records.find(id);
        if (rec.state === 'stopped' || rec.state === 'deallocated' || rec.state === 'stopping') {
          if (rec.state === 'stopped' && deallocate) this.records.setState(rec, 'deallocated');
          return this.records.toVM(rec);
        }
        if (rec.state !== 'running' && rec.state !== 'pending') {
          throw new ConflictError({ provider: this.name, message: `cannot stop VM ${id} while it is ${rec.state}` });
        }
        this.records.transition(rec, 'stopping', resting, this.transitionDelayMs);
        return this.records.toVM(rec);
      },
      { resourceId: id },
    );
    if (options.wait === false || vm.state === 'stopped' || vm.state === 'deallocated') return vm;
    return this.waitFor(id, ['stopped', 'deallocated'], options.signal, 300_000, 'stopVM');
  }

  async rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.call(
      'rebootVM',
      options.signal,
      () => {
        const rec = this.records.find(id);
        if (rec.state !== 'running') throw new ConflictError({ provider: this.name, message: `cannot reboot VM ${id} while it is ${rec.state}` });
        // A reboot keeps the VM running from the cloud's point of view, as on EC2 and GCE.
        return this.records.toVM(rec);
      },
      { resourceId: id },
    );
  }

  /** The names of the `regions` option, when it was given (the default ones come from the snapshot, read on first use). */
  get regionNames(): readonly string[] | undefined {
    return this.options.regions?.map((r) => (typeof r === 'string' ? r : r.name));
  }

  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    const catalog = await this.call('regions', options.signal, () => this.catalog());
    for (const region of catalog.regions) yield region;
  }

  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    const catalog = await this.call('offers', options.signal, () => this.catalog(), { region });
    if (region !== undefined) knownRegion(catalog, region, this.name);
    for (const offer of catalog.offers) if (region === undefined || offer.region === region) yield offer;
  }

  async estimateCost(input: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<CostEstimate> {
    throwIfAborted(options.signal);
    const spec = parseVMSpec(input, { provider: this.name });
    const estimate = await this.call(
      'estimateCost',
      options.signal,
      async () => {
        const catalog = await this.catalog();
        const region = regionOf(catalog, spec, this.name);
        const offer = offerFor(catalog, spec, region, this.name);
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
      },
      { region: spec.region, zone: spec.zone },
    );
    return COST_ESTIMATE_DISPLAY.attach(estimate);
  }

  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    return this.call('exportVM', options.signal, () => this.images.export(id), { resourceId: id });
  }

  async importVM(artifact: ImageArtifact, input: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    throwIfAborted(options.signal);
    const spec = parseVMSpec(input, { provider: this.name });
    this.images.checkImport(artifact, spec);
    return this.provision(spec, artifact.location, options, 'importVM');
  }

  private catalog(): Promise<MemoryCatalog> {
    return (this.catalogLoad ??= loadMemoryCatalog({ kind: this.kind, regions: this.options.regions, offers: this.options.offers }));
  }

  /** Runs one API call with the SDK-style retries on throttling; a dropped response is lost after the body took effect. */
  private call<T>(operation: MemoryOperation, signal: AbortSignal | undefined, body: () => Promise<T> | T, scope: CallScope = {}): Promise<T> {
    return withRetry(
      async () => {
        await this.admit(operation, signal, scope);
        const result = await body();
        if (this.faults.plan.takeDrop(operation)) {
          throw new ProviderUnavailableError({ provider: this.name, message: `${operation}: the response was lost (the connection reset after the call took effect)` });
        }
        return result;
      },
      { ...this.retry, signal, operation, provider: this.name, events: this.events, shouldRetry: (e) => ThrottledError.isInstance(e) },
    );
  }

  /**
   * One call arriving at the simulated API: counted, its latency, the endpoint's reachability,
   * then the fault plan's checks in the kit's order (credentials, hang, delay, one-off failure,
   * throttling). Throws the refusal, if any.
   */
  private async admit(operation: MemoryOperation, signal: AbortSignal | undefined, scope: CallScope): Promise<void> {
    throwIfAborted(signal);
    this.counts.count(operation);
    if (this.options.callLatencyMs) await sleep(this.options.callLatencyMs, signal);
    // An unreachable endpoint refuses before anything is sent: provably nothing happened.
    if (!this.available) throw new ProviderUnavailableError({ provider: this.name, message: `${operation}: the API endpoint is unreachable`, requestSent: false });
    const decision = await this.faults.plan.beforeCall(operation, signal);
    if ('refuse' in decision) {
      throw this.faults.takeReadyError(decision.refuse) ?? refusalError(decision.refuse, { provider: this.name, operation, ...scope });
    }
  }

  /** Shared by createVM and importVM: idempotency, placement checks, record, then wait. */
  private async provision(spec: VMSpec, image: string, options: CreateVMOptions, operation: 'createVM' | 'importVM'): Promise<VM> {
    const { signal, idempotencyKey } = options;
    const fingerprint = specFingerprint({ ...spec, image });
    let reused = false;
    const vm = await this.call(
      operation,
      signal,
      async () => {
        if (idempotencyKey !== undefined) {
          const prior = this.records.byKey(idempotencyKey);
          if (prior && prior.fingerprint !== fingerprint) {
            throw new ConflictError({ provider: this.name, message: `idempotency key "${idempotencyKey}" was already used with a different spec` });
          }
          if (prior?.rec) {
            reused = true;
            return this.records.toVM(prior.rec);
          }
        }
        const catalog = await this.catalog();
        const region = regionOf(catalog, spec, this.name);
        const offer = offerFor(catalog, spec, region, this.name);
        if (spec.spot && spec.spotMaxPrice !== undefined && offer.spotHourly !== undefined && offer.spotHourly > spec.spotMaxPrice) {
          throw new CapacityError({
            provider: this.name,
            message: `spot price ${offer.spotHourly} of ${offer.instanceType} is above the max price ${spec.spotMaxPrice}`,
            region: region.name,
            instanceType: offer.instanceType,
          });
        }
        const zone = this.limits.chooseZone(region, spec, offer);
        this.limits.checkQuotas(region.name, offer, spec.spot);
        this.limits.consumeLaunch(zone, offer.instanceType);
        const key = idempotencyKey === undefined ? undefined : { idempotencyKey, fingerprint };
        return this.records.toVM(this.records.launch({ spec, offer, region: region.name, zone, image }, this.provisioningDelayMs, key));
      },
      { region: spec.region, zone: spec.zone },
    );
    this.events.publish('vm.created', { provider: this.name, vm, reused });
    await options.onProvisioned?.(vm);
    if (options.wait === false || vm.state === 'running') return vm;
    return this.waitFor(vm.id, ['running'], signal, options.waitTimeoutMs ?? 300_000, operation);
  }

  /** Polls a VM until it reaches one of `targets`, by the wall clock (the provider's clock may stand still). */
  private async waitFor(id: string, targets: readonly VMState[], signal: AbortSignal | undefined, timeoutMs: number, operation: string): Promise<VM> {
    const deadline = Date.now() + timeoutMs;
    const interval = Math.max(1, Math.min(25, Math.ceil(Math.max(this.provisioningDelayMs, this.transitionDelayMs) / 4)));
    for (;;) {
      const vm = await this.call('getVM', signal, () => this.records.toVM(this.records.find(id)), { resourceId: id });
      if (targets.includes(vm.state)) return vm;
      if (vm.state === 'terminated' || vm.state === 'error') {
        throw new ConflictError({ provider: this.name, message: `${operation}: VM ${id} became ${vm.state}${vm.stateReason ? ` (${vm.stateReason})` : ''}` });
      }
      if (Date.now() >= deadline) {
        throw new TimeoutError({ provider: this.name, message: `${operation}: VM ${id} still ${vm.state} after ${timeoutMs} ms`, resourceId: id });
      }
      await sleep(interval, signal);
    }
  }

  private interruptSpot(id: string): void {
    const rec = this.records.find(id);
    if (!rec.spec.spot) throw new ConflictError({ provider: this.name, message: `VM ${id} is not a spot VM` });
    this.records.terminateNow(rec, 'spot-interruption: capacity reclaimed by the cloud');
  }

  private makeNetwork(options: MemoryNetworkOptions): MemoryNetwork {
    return new MemoryNetwork(
      {
        provider: this.name,
        kind: this.kind,
        clock: this.clock,
        events: this.events,
        defaultRegion: async () => (await this.catalog()).regions[0]?.name ?? 'local-1',
        admit: (operation, signal) => {
          throwIfAborted(signal);
          if (!this.available) throw new ProviderUnavailableError({ provider: this.name, message: `${operation}: the API endpoint is unreachable`, requestSent: false });
        },
      },
      { ...options, capabilities: { vpn: this.capabilities.vpn, peering: this.capabilities.peering, ...options.capabilities } },
    );
  }

  private makeControls(): MemoryProviderControls {
    const { counts, records } = this;
    return {
      faults: this.faults,
      setAvailable: (available) => {
        this.available = available;
      },
      interruptSpot: (id) => this.interruptSpot(id),
      get calls() {
        return counts.snapshot();
      },
      resetCalls: () => counts.reset(),
      get vmCount() {
        return records.size;
      },
    };
  }
}

/**
 * Creates an in-memory provider.
 *
 * @example
 * ```ts
 * const aws = createMemoryProvider({ name: 'aws-sim', kind: 'aws' });
 * const vm = await aws.createVM({ name: 'web-1', cpu: 2, memory: '4Gi' });
 * aws.controls.faults.capacity({ zone: 'us-east-1a' }, 0); // InsufficientInstanceCapacity there, as on the EC2 emulator
 * ```
 */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  return new MemoryProvider(options);
}
