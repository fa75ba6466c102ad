/**
 * The FederationManager: one control plane over many providers. It places VMs (explained),
 * creates them with failover, keeps an inventory in the state store, lists across clouds and
 * reconciles its records with what the clouds report.
 *
 * Safety rules it keeps:
 * - one request creates at most one VM: requests are records in the state store, guarded by a
 *   lease, and every attempt's provider idempotency key is written before the call;
 * - the VM id is recorded before any wait;
 * - it fails over only on errors that prove nothing was created (capacity, quota, auth,
 *   unavailability, refusal of the spec); a timeout or an unknown error stops the request,
 *   which a retry with the same idempotency key resumes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sleep, throwIfAborted } from '../provider/abort.js';
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  UnsupportedError,
  isAbortError,
} from '../provider/errors.js';
import { EventBus } from '../provider/events.js';
import { specFingerprint } from '../provider/offer-selection.js';
import type { CallOptions, ListVMsFilter, ProviderV1 } from '../provider/provider-v1.js';
import { redact } from '../provider/redact.js';
import { withRetry, type RetryPolicy } from '../provider/retry.js';
import { parseVMSpec } from '../provider/spec-schema.js';
import { HOURS_PER_MONTH, type Offer, type Region, type VM, type VMSpec, type VMSpecInput } from '../provider/types.js';
import { createFederationMetrics, type FederationMetrics } from '../metrics/federation-metrics.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import { createMemoryStore } from '../state/memory-store.js';
import { carbonGramsPerHour } from '../optimizer/carbon.js';
import type { Lease, StateStore, StoredRecord } from '../state/state-store.js';
import { BlockList, combineExclusions } from './block-list.js';
import { BUILT_IN_PROVIDER_FACTORIES } from './built-in-factories.js';
import { parseCron } from './cron-schedule.js';
import { loadFederationConfig, loadVirtualMachine, type LoadOptions, type ProviderEntry } from './config.js';
import {
  AllCandidatesFailedError,
  GroupIncompleteError,
  PlacementRefusedError,
  type FailedAttempt,
} from './federation-errors.js';
import { LatencyMatrix } from './latency-matrix.js';
import { mergedListing, type FederatedListing } from './merged-listing.js';
import {
  PlacementEngine,
  RefusedDecision,
  type PlacementCandidate,
  type PlacementDecision,
  type PlacementExclusions,
  type ProviderDefaults,
} from './placement-engine.js';
import type { PlacementRequest } from './placement-request.js';
import type { Policy } from './policy.js';

/** A provider with its placement defaults. */
export interface ProviderRegistration {
  /** The provider. */
  readonly provider: ProviderV1;
  /** Defaults: instance families, spot. */
  readonly defaults?: ProviderDefaults | undefined;
}

/** A structured logger; messages and fields are redacted before they reach it. */
export interface Logger {
  /** Debug detail. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was handled. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was not handled. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Failover behaviour. */
export interface FailoverOptions {
  /** Candidates tried per request (default 6). */
  readonly maxAttempts?: number | undefined;
  /** How long a refusing zone, region or provider stays blocked, in ms (default 10 minutes). */
  readonly blockTtlMs?: number | undefined;
  /** Retries of throttled calls on one candidate (default 5 attempts, honouring retry-after). */
  readonly throttleRetry?: RetryPolicy | undefined;
}

/** Options of {@link FederationManager}. */
export interface FederationManagerOptions {
  /** Providers, each with optional defaults. */
  readonly providers?: readonly (ProviderV1 | ProviderRegistration)[] | undefined;
  /** Federation policies. */
  readonly policies?: readonly Policy[] | undefined;
  /** Where requests and inventory live (default: an in-memory store). */
  readonly stateStore?: StateStore | undefined;
  /** Where metrics go (default: nowhere). */
  readonly metrics?: MetricsSink | undefined;
  /** Round-trip times between regions (default: built-in table + distance model). */
  readonly latency?: LatencyMatrix | undefined;
  /** Grams CO2e per hour of an offer, for the carbon strategy (default: the optimizer's Cloud Carbon Footprint estimate). */
  readonly carbon?: ((offer: Offer) => number | undefined) | undefined;
  /** Clock in epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Logger (default: silent). */
  readonly logger?: Logger | undefined;
  /** Where events go (default: a new bus, `manager.events`). */
  readonly events?: EventBus | undefined;
  /** Identifies this federation on the VMs it creates (label `novacron-federation`; default `default`). */
  readonly federationId?: string | undefined;
  /** Identifies this replica in leases (default: random). */
  readonly replicaId?: string | undefined;
  /** Failover behaviour. */
  readonly failover?: FailoverOptions | undefined;
  /** Candidates the fast placement path scores (default 32). */
  readonly topK?: number | undefined;
  /** Providers listed at once by `listVMs` (default 4). */
  readonly listConcurrency?: number | undefined;
  /** When a provider's catalog cannot be loaded, how long until it is tried again, in ms (default 60,000). */
  readonly catalogRetryMs?: number | undefined;
}

/** A VMSpec, a VirtualMachine manifest object, or a manifest as YAML text. */
export type VMRequestInput = VMSpecInput | VMSpec | string | Record<string, unknown>;

/** Options of {@link FederationManager.place}. */
export interface PlaceOptions extends CallOptions {
  /** Placement request (merged over the manifest's). */
  readonly request?: PlacementRequest | undefined;
  /** Build the full explanation (default `true`). */
  readonly explain?: boolean | undefined;
}

/** Options of {@link FederationManager.createVM}. */
export interface FederatedCreateOptions extends PlaceOptions {
  /** Makes the request safe to repeat, across replicas and restarts (default: a new random key). */
  readonly idempotencyKey?: string | undefined;
  /** Longest wait for another replica working on the same request, in ms (default 10 minutes). */
  readonly waitForOtherReplicaMs?: number | undefined;
}

/** One attempt of a request, as recorded. */
export interface AttemptRecord {
  /** Provider name. */
  readonly provider: string;
  /** Region. */
  readonly region: string;
  /** Zone, when named. */
  readonly zone: string | undefined;
  /** Instance type. */
  readonly instanceType: string;
  /** Spot capacity. */
  readonly spot: boolean;
  /** The idempotency key sent to the provider. */
  readonly providerKey: string;
  /** `pending` until the provider answers. */
  readonly outcome: 'pending' | 'created' | 'failed';
  /** The VM id, once known. */
  readonly vmId?: string | undefined;
  /** Error code when failed. */
  readonly code?: string | undefined;
  /** Error message when failed. */
  readonly message?: string | undefined;
}

/** The outcome of {@link FederationManager.createVM}. */
export interface CreateVMResult {
  /** The VM. */
  readonly vm: VM;
  /** The placement decision (`undefined` when an earlier run of the same request had decided). */
  readonly decision: PlacementDecision | undefined;
  /** Every attempt, failed ones included. */
  readonly attempts: readonly AttemptRecord[];
  /** The request had completed before: nothing new was created. */
  readonly reused: boolean;
}

/** What a managed VM costs, as recorded. */
export interface InventoryCost {
  /** Total per hour. */
  readonly hourly: number;
  /** Compute per month. */
  readonly compute: number;
  /** Storage per month. */
  readonly storage: number;
  /** Egress per month. */
  readonly network: number;
  /** Where the prices came from. */
  readonly source: string;
  /** When they were true. */
  readonly asOf: string;
}

/** How placement scored a managed VM. */
export interface InventoryDecision {
  /** Strategy used. */
  readonly strategy: string;
  /** Score of the chosen candidate. */
  readonly score: number;
  /** Price per hour it was chosen at. */
  readonly hourlyPrice: number;
}

/** A provider that could not be read. */
export interface ProviderFailure {
  /** Provider name. */
  readonly provider: string;
  /** Error code. */
  readonly code: string;
  /** Error message (secret-free). */
  readonly message: string;
}

/** The VMs of a group. */
export interface GroupResult {
  /** The replicas' VMs. */
  readonly vms: readonly VM[];
  /** The distinct providers they run on. */
  readonly providers: readonly string[];
}

/** A running reconciliation schedule. */
export interface ReconcilerHandle {
  /** Stops the schedule (a run in progress is aborted). */
  stop(): void;
  /** Settles when the schedule has stopped. */
  readonly done: Promise<void>;
}

/** The inventory record of a VM the federation manages. */
export interface InventoryRecord {
  /** Provider name. */
  readonly provider: string;
  /** VM id at the provider. */
  readonly vmId: string;
  /** VM name. */
  readonly name: string;
  /** Region. */
  readonly region: string;
  /** Zone. */
  readonly zone: string | undefined;
  /** Instance type. */
  readonly instanceType: string;
  /** Spot. */
  readonly spot: boolean;
  /** Last known state. */
  readonly state: string;
  /** `active`, `lost` (gone at the provider), `adopted` (found by label), or `deleted`. */
  readonly status: 'active' | 'lost' | 'adopted' | 'deleted';
  /** The request that created it, when the federation created it. */
  readonly requestId: string | undefined;
  /** The normalized spec, when known. */
  readonly spec: VMSpec | undefined;
  /** Monthly cost by component and where the prices came from. */
  readonly cost: InventoryCost | undefined;
  /** How placement scored it. */
  readonly decision: InventoryDecision | undefined;
  /** When the record was created (ISO 8601). */
  readonly recordedAt: string;
  /** When reconciliation last saw the VM (ISO 8601). */
  readonly lastSeenAt: string | undefined;
}

/** What a reconciliation found. */
export interface ReconcileReport {
  /** Another replica held the reconcile lease. */
  readonly skipped: boolean;
  /** Records compared. */
  readonly checked: number;
  /** Records whose VM is gone at its provider. */
  readonly lost: readonly string[];
  /** VMs carrying the federation's label that had no record, now adopted. */
  readonly adopted: readonly string[];
  /** Records whose state or price changed. */
  readonly refreshed: number;
  /** Providers that could not be listed (their records were left alone). */
  readonly failures: readonly ProviderFailure[];
}

/** When {@link FederationManager.startReconciler} runs. */
export interface ReconcilerOptions {
  /** Run every this many ms (the first run is immediate). */
  readonly intervalMs?: number | undefined;
  /** Or run at the times of this five-field cron expression, in UTC (e.g. `"0 2 * * *"`). */
  readonly cron?: string | undefined;
  /** Called with each report. */
  readonly onReport?: ((report: ReconcileReport) => void) | undefined;
  /** Stops the schedule. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link FederationManager.createGroup}. */
export interface CreateGroupOptions extends FederatedCreateOptions {
  /** Number of VMs. */
  readonly replicas: number;
  /** Fewest distinct providers (default: the `distribute` policy's, else 1). */
  readonly minProviders?: number | undefined;
  /** Extra rounds for replicas that failed (default 2). */
  readonly retries?: number | undefined;
}

/** Host-supplied lookups for `fromConfig`. */
export interface FromConfigOptions extends LoadOptions, Omit<FederationManagerOptions, 'providers' | 'policies'> {
  /** Builds a provider from its configuration entry, by type (built in: `aws`; others as their adapters land). */
  readonly providerFactories?: Readonly<Record<string, (entry: ProviderEntry) => ProviderV1 | Promise<ProviderV1>>> | undefined;
  /** Resolves `credentials: { secret: name }`; the value goes to the factory only and is never stored or logged. */
  readonly secrets?: ((name: string) => unknown | Promise<unknown>) | undefined;
}

interface RequestRecord {
  readonly key: string;
  readonly fingerprint: string;
  readonly status: 'placing' | 'done' | 'failed';
  readonly attempts: AttemptRecord[];
  readonly vm?: { readonly provider: string; readonly id: string } | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

const LABEL_FEDERATION = 'novacron-federation';
const LABEL_REQUEST = 'novacron-request';
const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function isManifest(input: VMRequestInput): boolean {
  return typeof input === 'string' || ((input as Record<string, unknown>).kind === 'VirtualMachine' && 'apiVersion' in (input as object));
}

/** The federation control plane. */
export class FederationManager {
  /** Events of the federation and of its providers' operations. */
  readonly events: EventBus;
  private readonly registrations = new Map<string, ProviderRegistration>();
  private readonly policies: readonly Policy[];
  private readonly store: StateStore;
  private readonly metrics: FederationMetrics;
  private readonly latency: LatencyMatrix;
  private readonly carbon: ((offer: Offer) => number | undefined) | undefined;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly federationId: string;
  private readonly replicaId: string;
  private readonly failover: Required<Pick<FailoverOptions, 'maxAttempts' | 'blockTtlMs'>> & { throttleRetry: RetryPolicy };
  private readonly blocks: BlockList;
  private readonly topK: number | undefined;
  private readonly listConcurrency: number;
  private engine: Promise<PlacementEngine> | undefined;
  private catalogStaleAt = Infinity;
  private readonly catalogRetryMs: number;
  private readonly gauges = new Map<string, number>();

  /** Creates a manager; every dependency is optional. */
  constructor(options: FederationManagerOptions = {}) {
    this.events = options.events ?? new EventBus();
    for (const p of options.providers ?? []) {
      this.addRegistration('specificationVersion' in p ? { provider: p } : p);
    }
    this.policies = options.policies ?? [];
    this.store = options.stateStore ?? createMemoryStore();
    this.metrics = createFederationMetrics(options.metrics);
    this.latency = options.latency ?? new LatencyMatrix();
    // Default carbon model: the Cloud Carbon Footprint estimate, keyed by the provider's kind
    // (offers inside the manager carry provider names).
    this.carbon =
      options.carbon ??
      ((offer: Offer): number | undefined => {
        const kind = this.registrations.get(offer.provider)?.provider.kind ?? offer.provider;
        return carbonGramsPerHour({ ...offer, provider: kind }).gramsPerHour;
      });
    this.now = options.clock ?? Date.now;
    const logger = options.logger ?? SILENT;
    this.log = {
      debug: (m, f) => logger.debug(m, f && redact(f)),
      info: (m, f) => logger.info(m, f && redact(f)),
      warn: (m, f) => logger.warn(m, f && redact(f)),
      error: (m, f) => logger.error(m, f && redact(f)),
    };
    this.federationId = options.federationId ?? 'default';
    this.replicaId = options.replicaId ?? `replica-${randomUUID().slice(0, 8)}`;
    this.failover = {
      maxAttempts: options.failover?.maxAttempts ?? 6,
      blockTtlMs: options.failover?.blockTtlMs ?? 600_000,
      throttleRetry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 5_000, ...options.failover?.throttleRetry },
    };
    this.blocks = new BlockList(this.failover.blockTtlMs, this.now);
    this.topK = options.topK;
    this.listConcurrency = options.listConcurrency ?? 4;
    this.catalogRetryMs = options.catalogRetryMs ?? 60_000;
  }

  /**
   * Builds a manager from a FederationConfig (YAML text or object): providers through
   * `providerFactories[type](entry)`, `${VAR}` from `env`, credentials through `secrets`.
   */
  static async fromConfig(config: string | object, options: FromConfigOptions = {}): Promise<FederationManager> {
    const loaded = await loadFederationConfig(config, options);
    const providers: ProviderRegistration[] = [];
    for (const [i, entry] of loaded.providers.entries()) {
      const factory = options.providerFactories?.[entry.type] ?? BUILT_IN_PROVIDER_FACTORIES[entry.type];
      if (!factory) {
        throw new InvalidSpecError({
          issues: [{ field: `spec.providers[${i}].type`, message: `no provider factory for type "${entry.type}"; pass providerFactories.${entry.type}` }],
        });
      }
      const config = { ...entry.config };
      const creds = config.credentials as { secret?: string } | undefined;
      if (creds?.secret !== undefined) {
        if (!options.secrets) {
          throw new InvalidSpecError({ issues: [{ field: `spec.providers[${i}].config.credentials.secret`, message: 'names a secret but no secrets resolver was given' }] });
        }
        config.credentials = await options.secrets(creds.secret);
      }
      const defaults = config.defaults as { instanceFamily?: string; instanceFamilies?: string[]; spotEnabled?: boolean } | undefined;
      const provider = await factory({ name: entry.name, type: entry.type, config });
      providers.push({
        provider,
        defaults: {
          spotEnabled: defaults?.spotEnabled,
          instanceFamilies: defaults?.instanceFamilies ?? (defaults?.instanceFamily ? [defaults.instanceFamily] : undefined),
        },
      });
    }
    return new FederationManager({ ...options, providers, policies: loaded.policies, federationId: options.federationId ?? loaded.name });
  }

  /** Adds a provider; the catalog is rebuilt on the next decision. */
  register(provider: ProviderV1, defaults?: ProviderDefaults): void {
    this.addRegistration({ provider, defaults });
    this.engine = undefined;
  }

  private addRegistration(reg: ProviderRegistration): void {
    if (this.registrations.has(reg.provider.name)) throw new ConflictError({ message: `provider "${reg.provider.name}" is already registered` });
    this.registrations.set(reg.provider.name, reg);
  }

  /** Registered providers, by name. */
  get providers(): ReadonlyMap<string, ProviderV1> {
    return new Map([...this.registrations].map(([n, r]) => [n, r.provider]));
  }

  /** Reloads regions and offers from every provider on the next decision. */
  refreshCatalog(): void {
    this.engine = undefined;
  }

  /** Loads regions and offers from every provider (once) and builds the placement engine. */
  async ready(options: CallOptions = {}): Promise<void> {
    await this.getEngine(options.signal);
  }

  private getEngine(signal?: AbortSignal): Promise<PlacementEngine> {
    if (this.now() >= this.catalogStaleAt) {
      this.catalogStaleAt = Infinity;
      this.engine = undefined;
    }
    this.engine ??= this.buildEngine(signal).catch((error: unknown) => {
      this.engine = undefined;
      throw error;
    });
    return this.engine;
  }

  private async buildEngine(signal?: AbortSignal): Promise<PlacementEngine> {
    const unavailable = new Map<string, string>();
    const loaded = await Promise.all(
      [...this.registrations.values()].map(async (reg) => {
        try {
          const regions = new Map<string, Region>();
          for await (const r of reg.provider.regions({ signal })) {
            regions.set(r.name, r);
            this.latency.addRegion(r.name, r.geo);
          }
          const offers: Offer[] = [];
          for await (const o of reg.provider.offers(undefined, { signal })) {
            // Offers are keyed by provider *name* here, so two providers of one kind stay apart.
            if (regions.has(o.region)) offers.push({ ...o, provider: reg.provider.name });
          }
          return { reg, regions, offers };
        } catch (error) {
          if (isAbortError(error)) throw error;
          // One cloud that cannot be read must not stop placement on the others.
          const message = error instanceof Error ? error.message : String(error);
          unavailable.set(reg.provider.name, `catalog could not be loaded: ${message}`);
          this.log.warn('provider catalog unavailable', { provider: reg.provider.name, message });
          return undefined;
        }
      }),
    );
    const entries = loaded.filter((e) => e !== undefined);
    if (unavailable.size > 0) {
      // Try the failed providers again on a later decision.
      const retryAt = this.now() + this.catalogRetryMs;
      this.catalogStaleAt = Math.min(this.catalogStaleAt, retryAt);
    }
    return new PlacementEngine({
      providers: entries.map((e) => ({ provider: e.reg.provider, defaults: e.reg.defaults ?? {}, regions: e.regions })),
      offers: entries.flatMap((e) => e.offers),
      policies: this.policies,
      latency: this.latency,
      carbon: this.carbon,
      topK: this.topK,
      unavailable,
    });
  }

  private async resolve(input: VMRequestInput, request: PlacementRequest | undefined): Promise<{ spec: VMSpec; request: PlacementRequest; spotGiven: boolean }> {
    if (isManifest(input)) {
      const manifest = await loadVirtualMachine(input as string | object);
      const spec = parseVMSpec(manifest.spec);
      return { spec, request: { ...manifest.request, ...request }, spotGiven: manifest.spec.spot !== undefined };
    }
    const spec = parseVMSpec(input as VMSpecInput | VMSpec);
    return { spec, request: request ?? {}, spotGiven: (input as VMSpecInput).spot !== undefined };
  }

  private effectiveRequest(spec: VMSpec, request: PlacementRequest, spotGiven: boolean): PlacementRequest {
    // An explicit `spot: false` on the spec forbids spot; an absent one leaves it to provider defaults.
    if (request.spot !== undefined) return request;
    return { ...request, spot: spec.spot ? 'require' : spotGiven ? 'forbid' : 'provider-default' };
  }

  /**
   * Decides where a VM would go, without creating anything. Throws `PlacementRefusedError`
   * (with the full explanation) when no candidate is feasible.
   */
  async place(input: VMRequestInput, options: PlaceOptions = {}): Promise<PlacementDecision> {
    throwIfAborted(options.signal);
    const { spec, request, spotGiven } = await this.resolve(input, options.request);
    const engine = await this.getEngine(options.signal);
    return this.decideOrThrow(engine, spec, this.effectiveRequest(spec, request, spotGiven), options.explain ?? true, this.blocks);
  }

  private decideOrThrow(engine: PlacementEngine, spec: VMSpec, request: PlacementRequest, explain: boolean, exclusions: PlacementExclusions, only?: readonly string[]): PlacementDecision {
    const decision = engine.decide(spec, request, { explain, exclusions, onlyProviders: only });
    if (!(decision instanceof RefusedDecision)) return decision;
    // The explained decision (every rejection) is worked out only if someone reads it.
    let full: RefusedDecision | undefined = explain ? decision : undefined;
    const explained = (): RefusedDecision => (full ??= engine.decide(spec, request, { explain: true, exclusions, onlyProviders: only }) as RefusedDecision);
    throw new PlacementRefusedError({
      message: `no feasible placement for ${spec.name} (${spec.cpu} vCPU / ${spec.memoryGiB} GiB)`,
      rejected: () => explained().rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
      explanation: () => explained().explain(),
    });
  }

  /**
   * Places and creates a VM, failing over to the next candidate when a cloud refuses. Safe to
   * repeat with the same `idempotencyKey`: from any replica sharing the state store, before or
   * after a crash, it never creates a second VM for one request.
   */
  async createVM(input: VMRequestInput, options: FederatedCreateOptions = {}): Promise<CreateVMResult> {
    throwIfAborted(options.signal);
    const { spec, request, spotGiven } = await this.resolve(input, options.request);
    const effective = this.effectiveRequest(spec, request, spotGiven);
    const key = options.idempotencyKey ?? randomUUID();
    return this.runRequest(key, spec, effective, options, undefined);
  }

  private async runRequest(
    key: string,
    spec: VMSpec,
    request: PlacementRequest,
    options: FederatedCreateOptions,
    onlyProviders: readonly string[] | undefined,
  ): Promise<CreateVMResult> {
    const signal = options.signal;
    const rid = hashKey(key);
    const recordKey = `requests/${rid}`;
    const leaseName = `request/${rid}`;
    const fingerprint = specFingerprint(spec);
    const lease = await this.acquireRequestLease(leaseName, recordKey, options.waitForOtherReplicaMs ?? 600_000, signal);
    if ('done' in lease) return lease.done;
    const fencing = { lease: leaseName, token: lease.fencingToken };
    try {
      let stored = await this.store.get<RequestRecord>(recordKey, { signal });
      if (stored) {
        if (stored.value.fingerprint !== fingerprint) {
          throw new ConflictError({ message: `idempotency key "${key}" was already used for a different VM spec` });
        }
        const done = await this.completedResult(stored.value, signal);
        if (done) return done;
      } else {
        const version = await this.store.put(recordKey, { key: rid, fingerprint, status: 'placing', attempts: [] } satisfies RequestRecord, { expectedVersion: null, fencing, signal });
        stored = { key: recordKey, value: { key: rid, fingerprint, status: 'placing', attempts: [] }, version };
      }
      const ctx = new RequestContext(this.store, recordKey, stored.value, stored.version, fencing, signal);

      // Resume attempts a previous run left without an answer: same spec, same provider key.
      for (const attempt of ctx.record.attempts.filter((a) => a.outcome === 'pending')) {
        const provider = this.registrations.get(attempt.provider)?.provider;
        if (!provider) continue;
        const resumed = await this.attempt(provider, this.attemptSpec(spec, attempt, rid), attempt, ctx);
        if (resumed.vm) return await this.finish(resumed.vm, spec, undefined, ctx, rid);
      }

      const engine = await this.getEngine(signal);
      const local = new Map<string, string>(); // places refused for this request only
      const exclusions = combineExclusions(this.blocks, {
        provider: (p) => local.get(p),
        region: (p, r) => (local.size === 0 ? undefined : local.get(`${p}|${r}`)),
        zone: (p, r, z) => (local.size === 0 ? undefined : local.get(`${p}|${r}|${z}`)),
        mayExcludeRegions: () => local.size > 0,
      });
      const tried = new Set(ctx.record.attempts.map((a) => candidateKey(a)));
      let first: PlacementDecision | undefined;
      let lastRefusal: PlacementRefusedError | undefined;
      while (ctx.record.attempts.length < this.failover.maxAttempts) {
        let decision: PlacementDecision;
        try {
          decision = this.decideOrThrow(engine, spec, request, first === undefined && options.explain !== false, exclusions, onlyProviders);
        } catch (error) {
          if (!PlacementRefusedError.isInstance(error)) throw error;
          if (ctx.record.attempts.length === 0) {
            await ctx.save({ ...ctx.record, status: 'failed', error: { code: error.code, message: error.message.split('\n')[0]! } });
            throw error;
          }
          lastRefusal = error;
          break;
        }
        first ??= decision;
        if (first === decision) this.publishDecision(spec, decision);
        const candidate = this.nextCandidate(decision, request.failoverPriority, ctx.record.attempts.length === 0, tried);
        if (!candidate) break;
        tried.add(candidateKey(candidate));
        const attempt: AttemptRecord = {
          provider: candidate.provider,
          region: candidate.region,
          zone: candidate.zone,
          instanceType: candidate.instanceType,
          spot: candidate.spot,
          providerKey: `${rid}:${ctx.record.attempts.length + 1}`,
          outcome: 'pending',
        };
        await ctx.save({ ...ctx.record, attempts: [...ctx.record.attempts, attempt] });
        const provider = this.registrations.get(candidate.provider)!.provider;
        const outcome = await this.attempt(provider, this.attemptSpec(spec, attempt, rid), attempt, ctx);
        if (outcome.vm) return await this.finish(outcome.vm, spec, first, ctx, rid, candidate);
        this.applyFailure(outcome.error!, candidate, spec, local);
      }
      const attempts: FailedAttempt[] = ctx.record.attempts.map((a) => ({
        provider: a.provider,
        region: a.region,
        zone: a.zone,
        instanceType: a.instanceType,
        spot: a.spot,
        code: a.code ?? 'UNKNOWN',
        message: a.message ?? '',
      }));
      const error = new AllCandidatesFailedError({
        message: `every candidate for ${spec.name} failed (${attempts.length} attempt${attempts.length === 1 ? '' : 's'})${lastRefusal ? '; no candidate is left' : ''}`,
        attempts,
      });
      await ctx.save({ ...ctx.record, status: 'failed', error: { code: error.code, message: error.message.split('\n')[0]! } });
      this.events.publish('operation.failed', { provider: undefined, operation: 'createVM', errorCode: error.code, message: error.message });
      throw error;
    } finally {
      await this.store.releaseLease({ name: leaseName, holder: this.replicaId, fencingToken: lease.fencingToken }).catch(() => undefined);
    }
  }

  /** Takes the request's lease, or waits for the replica that holds it and returns its result. */
  private async acquireRequestLease(leaseName: string, recordKey: string, waitMs: number, signal?: AbortSignal): Promise<Lease | { done: CreateVMResult }> {
    const deadline = this.now() + waitMs;
    for (let round = 0; ; round++) {
      const lease = await this.store.acquireLease(leaseName, this.replicaId, 60_000, { signal });
      if (lease) return lease;
      const stored = await this.store.get<RequestRecord>(recordKey, { signal });
      if (stored) {
        const done = await this.completedResult(stored.value, signal);
        if (done) return { done };
      }
      if (this.now() > deadline) throw new ConflictError({ message: 'another replica is still working on this request' });
      await sleep(Math.min(250, 10 * 2 ** Math.min(round, 5)), signal);
    }
  }

  private async completedResult(record: RequestRecord, signal?: AbortSignal): Promise<CreateVMResult | undefined> {
    if (record.status === 'done' && record.vm) {
      const provider = this.registrations.get(record.vm.provider)?.provider;
      if (!provider) return undefined;
      const vm = await provider.getVM(record.vm.id, { signal });
      return { vm, decision: undefined, attempts: record.attempts, reused: true };
    }
    // Not done (or failed: a failed request may be retried, keeping the attempts it made).
    return undefined;
  }

  private attemptSpec(spec: VMSpec, attempt: AttemptRecord, rid: string): VMSpec {
    return {
      ...spec,
      region: attempt.region,
      zone: attempt.zone,
      instanceType: attempt.instanceType,
      spot: attempt.spot,
      spotMaxPrice: attempt.spot ? spec.spotMaxPrice : undefined,
      labels: { ...spec.labels, [LABEL_FEDERATION]: labelValue(this.federationId), [LABEL_REQUEST]: rid.slice(0, 16) },
    };
  }

  /** One create on one candidate, throttling retried; records the id before any wait and the outcome after. */
  private async attempt(provider: ProviderV1, spec: VMSpec, attempt: AttemptRecord, ctx: RequestContext): Promise<{ vm?: VM; error?: unknown }> {
    try {
      const vm = await withRetry(
        () =>
          provider.createVM(spec, {
            signal: ctx.signal,
            idempotencyKey: attempt.providerKey,
            onProvisioned: (v) => ctx.updateAttempt(attempt.providerKey, { vmId: v.id }),
          }),
        {
          ...this.failover.throttleRetry,
          signal: ctx.signal,
          operation: 'createVM',
          provider: provider.name,
          events: this.events,
          shouldRetry: (e) => ThrottledError.isInstance(e),
        },
      );
      await ctx.updateAttempt(attempt.providerKey, { vmId: vm.id, outcome: 'created' });
      return { vm };
    } catch (error) {
      if (!failsOverOn(error)) throw error; // unknown outcome: the pending attempt is resumed by a retry
      const e = error as NovacronError;
      await ctx.updateAttempt(attempt.providerKey, { outcome: 'failed', code: e.code, message: e.message });
      return { error };
    }
  }

  /** Blocks what the failure proves unusable, and reports it. */
  private applyFailure(error: unknown, candidate: PlacementCandidate, spec: VMSpec, local: Map<string, string>): void {
    const e = error as NovacronError;
    let blocked: 'zone' | 'region' | 'provider' | 'candidate' = 'candidate';
    const reason = `${e.code} on ${candidate.provider} ${candidate.region}`;
    if (CapacityError.isInstance(error)) {
      const zone = error.zone ?? candidate.zone;
      if (zone) {
        this.blocks.block('zone', candidate.provider, candidate.region, zone, reason);
        blocked = 'zone';
      } else {
        this.blocks.block('region', candidate.provider, candidate.region, undefined, reason);
        blocked = 'region';
      }
    } else if (QuotaError.isInstance(error)) {
      this.blocks.block('region', candidate.provider, error.region ?? candidate.region, undefined, reason);
      blocked = 'region';
    } else if (AuthError.isInstance(error) || ProviderUnavailableError.isInstance(error)) {
      this.blocks.block('provider', candidate.provider, undefined, undefined, reason);
      blocked = 'provider';
    } else if (ThrottledError.isInstance(error)) {
      // Still throttled after retries: leave this provider alone for this request only.
      local.set(candidate.provider, `${e.code}: ${e.message}`);
      blocked = 'provider';
    } else {
      // Refused for this spec only (image, instance type, unsupported feature): skip this region for this request.
      local.set(`${candidate.provider}|${candidate.region}`, `${e.code}: ${e.message}`);
    }
    this.log.warn('create attempt failed; failing over', { provider: candidate.provider, region: candidate.region, code: e.code });
    this.events.publish('failover.attempt-failed', {
      vmName: spec.name,
      provider: candidate.provider,
      region: candidate.region,
      zone: candidate.zone,
      instanceType: candidate.instanceType,
      errorCode: e.code,
      message: e.message,
      blocked,
    });
  }

  /** The next candidate: the best first; after a failure, the failover priority order, then score. */
  private nextCandidate(decision: PlacementDecision, priority: readonly string[] | undefined, firstAttempt: boolean, tried: Set<string>): PlacementCandidate | undefined {
    const open = decision.ranked.filter((c) => !tried.has(candidateKey(c)));
    if (open.length === 0) return undefined;
    if (firstAttempt || !priority || priority.length === 0) return open[0];
    const rank = (c: PlacementCandidate): number => {
      const i = priority.indexOf(c.provider);
      return i === -1 ? priority.length : i;
    };
    let best = open[0]!;
    for (const c of open) if (rank(c) < rank(best)) best = c;
    return best;
  }

  private publishDecision(spec: VMSpec, decision: PlacementDecision): void {
    const c = decision.chosen;
    this.events.publish('placement.decided', {
      vmName: spec.name,
      provider: c.provider,
      region: c.region,
      instanceType: c.instanceType,
      spot: c.spot,
      hourlyPrice: c.hourlyPrice,
      score: c.score,
      candidates: decision.ranked.length,
    });
  }

  private async finish(
    vm: VM,
    spec: VMSpec,
    decision: PlacementDecision | undefined,
    ctx: RequestContext,
    rid: string,
    candidate?: PlacementCandidate,
  ): Promise<CreateVMResult> {
    const cost = await this.registrations
      .get(vm.provider)
      ?.provider.estimateCost(this.attemptSpec(spec, { provider: vm.provider, region: vm.region, zone: vm.zone, instanceType: vm.instanceType, spot: vm.spot, providerKey: '', outcome: 'created' }, rid))
      .catch(() => undefined);
    const inventory = inventoryRecord(vm, 'active', new Date(this.now()).toISOString(), {
      requestId: rid,
      spec,
      cost: cost
        ? { hourly: cost.hourly, compute: cost.breakdown.compute, storage: cost.breakdown.storage, network: cost.breakdown.network, source: cost.source, asOf: cost.asOf }
        : undefined,
      decision: decision && candidate ? { strategy: decision.strategy, score: candidate.score, hourlyPrice: candidate.hourlyPrice } : undefined,
    });
    await this.store.put(`vms/${vm.provider}/${vm.id}`, inventory);
    await ctx.save({ ...ctx.record, status: 'done', vm: { provider: vm.provider, id: vm.id } });
    await this.refreshGauges();
    return { vm, decision, attempts: ctx.record.attempts, reused: false };
  }

  /**
   * Creates `replicas` VMs spread over at least `minProviders` providers (the `distribute`
   * policy's figure by default). Failed replicas are retried on other candidates; if the group
   * still falls short, `GroupIncompleteError` lists what exists and what failed.
   */
  async createGroup(input: VMRequestInput, options: CreateGroupOptions): Promise<GroupResult> {
    throwIfAborted(options.signal);
    const { spec, request, spotGiven } = await this.resolve(input, options.request);
    const effective = this.effectiveRequest(spec, request, spotGiven);
    const engine = await this.getEngine(options.signal);
    const groupKey = options.idempotencyKey ?? randomUUID();

    // Best candidate per provider, providers ranked by their best score.
    const decision = this.decideOrThrow(engine, spec, effective, false, this.blocks);
    const minProviders = options.minProviders ?? this.distributeMinimum(decision) ?? 1;
    const providerOrder: string[] = [];
    for (const c of decision.ranked) if (!providerOrder.includes(c.provider)) providerOrder.push(c.provider);
    if (providerOrder.length < minProviders) {
      const full = engine.decide(spec, effective, { explain: true, exclusions: this.blocks });
      throw new PlacementRefusedError({
        message: `${spec.name}: only ${providerOrder.length} provider(s) can host it, ${minProviders} required`,
        rejected: full.rejected.map((r) => ({ provider: r.provider, region: r.region, reason: r.reason })),
        explanation: () => full.explain(),
      });
    }
    const vms: (VM | undefined)[] = new Array<VM | undefined>(options.replicas).fill(undefined);
    const failures = new Map<number, { code: string; message: string }>();
    const assigned = (i: number): string => providerOrder[i % Math.max(minProviders, Math.min(providerOrder.length, options.replicas))]!;
    for (let round = 0; round <= (options.retries ?? 2); round++) {
      for (let i = 0; i < options.replicas; i++) {
        if (vms[i]) continue;
        const used = new Set(vms.filter((v): v is VM => v !== undefined).map((v) => v.provider));
        // Keep the spread: while too few providers are in use, a replica may only go to an unused one.
        const needed = minProviders - used.size;
        const remaining = vms.filter((v) => !v).length;
        const only = needed > 0 && needed >= remaining ? providerOrder.filter((p) => !used.has(p)) : round === 0 ? [assigned(i)] : undefined;
        try {
          const replicaSpec = { ...spec, name: options.replicas > 1 ? `${spec.name}-${i}`.slice(0, 63) : spec.name };
          const result = await this.runRequest(`${groupKey}/replica-${i}/${round}`, replicaSpec, effective, { ...options, explain: false }, only);
          vms[i] = result.vm;
          failures.delete(i);
        } catch (error) {
          if (isAbortError(error)) throw error;
          const e = error as NovacronError;
          failures.set(i, { code: NovacronError.isInstance(error) ? e.code : 'UNKNOWN', message: e.message });
        }
      }
      if (vms.every((v) => v)) break;
    }
    const created = vms.filter((v): v is VM => v !== undefined);
    const providers = [...new Set(created.map((v) => v.provider))];
    if (created.length < options.replicas || providers.length < minProviders) {
      throw new GroupIncompleteError({
        message: `${spec.name}: ${created.length} of ${options.replicas} replicas on ${providers.length} provider(s) (${minProviders} required)`,
        created: created.map((v) => ({ provider: v.provider, id: v.id })),
        failures: [...failures].map(([replica, f]) => ({ replica, ...f })),
      });
    }
    return { vms: created, providers };
  }

  /** The largest `minProviders` of the `distribute` policies that applied to the decision. */
  private distributeMinimum(decision: PlacementDecision): number | undefined {
    let min: number | undefined;
    for (const p of this.policies) {
      if (p.action.type !== 'distribute') continue;
      if (decision.policies.some((d) => d.name === p.name && d.applied)) min = Math.max(min ?? 0, p.action.minProviders);
    }
    return min;
  }

  /** Deletes a VM through its provider and marks its record deleted. */
  async deleteVM(provider: string, id: string, options: CallOptions = {}): Promise<void> {
    const p = this.registrations.get(provider)?.provider;
    if (!p) throw new NotFoundError({ message: `no provider named "${provider}"`, resourceType: 'provider', resourceId: provider });
    await p.deleteVM(id, { signal: options.signal });
    const key = `vms/${provider}/${id}`;
    const rec = await this.store.get<InventoryRecord>(key);
    if (rec) await this.store.put(key, { ...rec.value, status: 'deleted', state: 'terminated' } satisfies InventoryRecord, { expectedVersion: rec.version });
    await this.refreshGauges();
  }

  /** Inventory records, in key order. */
  async *inventory(options: CallOptions = {}): AsyncIterable<InventoryRecord> {
    for await (const rec of this.store.list<InventoryRecord>('vms', { signal: options.signal })) yield rec.value;
  }

  /**
   * Streams VMs from every provider concurrently (`listConcurrency` at a time). After
   * iteration, `failures` names the providers that could not be listed.
   */
  listVMs(filter: ListVMsFilter = {}, options: CallOptions & { concurrency?: number } = {}): FederatedListing {
    return mergedListing([...this.registrations.values()].map((r) => r.provider), filter, {
      concurrency: options.concurrency ?? this.listConcurrency,
      signal: options.signal,
    });
  }

  /**
   * Compares inventory records with what providers report: VMs gone at their provider are
   * marked `lost`, VMs carrying this federation's label without a record are adopted, state
   * and prices are refreshed. Only one replica reconciles at a time (a lease).
   */
  async reconcile(options: CallOptions = {}): Promise<ReconcileReport> {
    const lease = await this.store.acquireLease('reconcile', this.replicaId, 120_000, { signal: options.signal });
    if (!lease) return { skipped: true, checked: 0, lost: [], adopted: [], refreshed: 0, failures: [] };
    const fencing = { lease: 'reconcile', token: lease.fencingToken };
    try {
      const records = new Map<string, StoredRecord<InventoryRecord>>();
      for await (const rec of this.store.list<InventoryRecord>('vms', { signal: options.signal })) records.set(rec.key, rec);
      const seen = new Map<string, VM>();
      const listing = this.listVMs({ labels: { [LABEL_FEDERATION]: labelValue(this.federationId) } }, options);
      for await (const vm of listing) seen.set(`vms/${vm.provider}/${vm.id}`, vm);
      const failed = new Set(listing.failures.map((f) => f.provider));
      const lost: string[] = [];
      const adopted: string[] = [];
      let refreshed = 0;
      const nowIso = new Date(this.now()).toISOString();
      for (const [key, rec] of records) {
        const r = rec.value;
        if (r.status === 'deleted' || r.status === 'lost' || failed.has(r.provider)) continue;
        let vm = seen.get(key);
        if (!vm) {
          // Not listed: confirm with a direct read before calling it lost (listings can lag).
          const provider = this.registrations.get(r.provider)?.provider;
          vm = provider ? await provider.getVM(r.vmId, options).catch((e: unknown) => (NotFoundError.isInstance(e) ? undefined : Promise.reject(e))) : undefined;
        }
        if (!vm || vm.state === 'terminated') {
          await this.store.put(key, { ...r, status: 'lost', state: vm?.state ?? 'terminated' } satisfies InventoryRecord, { expectedVersion: rec.version, fencing });
          lost.push(`${r.provider}/${r.vmId}`);
          this.events.publish('inventory.changed', { provider: r.provider, vmId: r.vmId, change: 'lost' });
          continue;
        }
        // The compute price as the provider now reports it (storage and egress keep their estimate).
        const compute = vm.hourlyPrice ? vm.hourlyPrice.amount * HOURS_PER_MONTH : undefined;
        const repriced = compute !== undefined && r.cost !== undefined && Math.abs(r.cost.compute - compute) > 1e-6;
        if (vm.state !== r.state || repriced) {
          const cost = repriced
            ? { ...r.cost!, compute: compute!, hourly: (compute! + r.cost!.storage + r.cost!.network) / HOURS_PER_MONTH, source: vm.hourlyPrice!.source, asOf: vm.hourlyPrice!.asOf }
            : r.cost;
          await this.store.put(key, { ...r, state: vm.state, cost, lastSeenAt: nowIso } satisfies InventoryRecord, { expectedVersion: rec.version, fencing });
          refreshed++;
          this.events.publish('inventory.changed', { provider: r.provider, vmId: r.vmId, change: 'refreshed' });
        }
      }
      for (const [key, vm] of seen) {
        if (records.has(key) || vm.state === 'terminated') continue;
        const record = inventoryRecord(vm, 'adopted', nowIso, {
          cost: vm.hourlyPrice
            ? { hourly: vm.hourlyPrice.amount, compute: vm.hourlyPrice.amount * HOURS_PER_MONTH, storage: 0, network: 0, source: vm.hourlyPrice.source, asOf: vm.hourlyPrice.asOf }
            : undefined,
        });
        await this.store.put(key, record, { expectedVersion: null, fencing });
        adopted.push(`${vm.provider}/${vm.id}`);
        this.events.publish('inventory.changed', { provider: vm.provider, vmId: vm.id, change: 'adopted' });
      }
      await this.refreshGauges();
      return {
        skipped: false,
        checked: records.size,
        lost,
        adopted,
        refreshed,
        failures: listing.failures.map((f) => ({ provider: f.provider, code: f.code, message: f.message })),
      };
    } finally {
      await this.store.releaseLease(lease).catch(() => undefined);
    }
  }

  /**
   * Runs `reconcile` on a schedule until the signal aborts or `stop()` is called: every
   * `intervalMs`, or at the times of a five-field `cron` expression (UTC). Every replica may run
   * one; the reconcile lease lets only one of them work at a time.
   */
  startReconciler(options: ReconcilerOptions): ReconcilerHandle {
    const cron = options.cron === undefined ? undefined : parseCron(options.cron);
    if (!cron && !(options.intervalMs! > 0)) throw new InvalidSpecError({ issues: [{ field: 'intervalMs', message: 'give intervalMs > 0 or a cron expression' }] });
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    let lastFire = -Infinity;
    const waitNext = (): Promise<void> => {
      if (!cron) return sleep(options.intervalMs!, controller.signal);
      // From the later of now and the last firing, so a slow clock never fires one slot twice.
      lastFire = cron.next(Math.max(this.now(), lastFire));
      return sleep(lastFire - this.now(), controller.signal);
    };
    const done = (async () => {
      if (cron) await waitNext().catch(() => undefined);
      while (!controller.signal.aborted) {
        try {
          const report = await this.reconcile({ signal: controller.signal });
          options.onReport?.(report);
        } catch (error) {
          if (controller.signal.aborted) break;
          this.log.error('reconcile failed', { message: error instanceof Error ? error.message : String(error) });
        }
        await waitNext().catch(() => undefined);
      }
    })();
    return { stop: () => controller.abort(), done };
  }

  /** Recomputes the VM-count and cost gauges from the inventory. */
  private async refreshGauges(): Promise<void> {
    const counts = new Map<string, number>();
    const costs = new Map<string, { compute: number; storage: number; network: number }>();
    for await (const { value: r } of this.store.list<InventoryRecord>('vms')) {
      if (r.status !== 'active' && r.status !== 'adopted') continue;
      const k = `${r.provider}|${r.region}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
      const c = costs.get(r.provider) ?? { compute: 0, storage: 0, network: 0 };
      if (r.cost) {
        c.compute += r.cost.compute;
        c.storage += r.cost.storage;
        c.network += r.cost.network;
      }
      costs.set(r.provider, c);
    }
    for (const k of this.gauges.keys()) if (!counts.has(k)) counts.set(k, 0);
    for (const [k, n] of counts) {
      const [provider, region] = k.split('|') as [string, string];
      this.metrics.vmsTotal.set({ provider, region }, n);
      this.gauges.set(k, n);
    }
    for (const name of this.registrations.keys()) {
      const c = costs.get(name) ?? { compute: 0, storage: 0, network: 0 };
      for (const type of ['compute', 'storage', 'network'] as const) this.metrics.providerCostsDollars.set({ provider: name, type }, c[type]);
    }
  }
}

/** A request record being worked on: every write is a compare-and-swap fenced by the request's lease. */
class RequestContext {
  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    public record: RequestRecord,
    private version: number,
    private readonly fencing: { lease: string; token: number },
    readonly signal: AbortSignal | undefined,
  ) {}

  async save(next: RequestRecord): Promise<void> {
    this.version = await this.store.put(this.key, next, { expectedVersion: this.version, fencing: this.fencing, signal: this.signal });
    this.record = next;
  }

  updateAttempt(providerKey: string, change: Partial<AttemptRecord>): Promise<void> {
    return this.save({ ...this.record, attempts: this.record.attempts.map((a) => (a.providerKey === providerKey ? { ...a, ...change } : a)) });
  }
}

/** An inventory record for a VM as its provider reports it. */
function inventoryRecord(
  vm: VM,
  status: InventoryRecord['status'],
  at: string,
  extra: Partial<Pick<InventoryRecord, 'requestId' | 'spec' | 'cost' | 'decision'>>,
): InventoryRecord {
  return {
    provider: vm.provider,
    vmId: vm.id,
    name: vm.name,
    region: vm.region,
    zone: vm.zone,
    instanceType: vm.instanceType,
    spot: vm.spot,
    state: vm.state,
    status,
    requestId: extra.requestId,
    spec: extra.spec,
    cost: extra.cost,
    decision: extra.decision,
    recordedAt: at,
    lastSeenAt: at,
  };
}

function candidateKey(c: { provider: string; region: string; zone: string | undefined; instanceType: string; spot: boolean }): string {
  return `${c.provider}|${c.region}|${c.zone ?? ''}|${c.instanceType}|${c.spot}`;
}

/** Errors that prove the cloud created nothing, so the next candidate may be tried. */
function failsOverOn(error: unknown): boolean {
  return (
    CapacityError.isInstance(error) ||
    QuotaError.isInstance(error) ||
    AuthError.isInstance(error) ||
    ProviderUnavailableError.isInstance(error) ||
    ThrottledError.isInstance(error) ||
    InvalidSpecError.isInstance(error) ||
    UnsupportedError.isInstance(error)
  );
}

/** A label value any cloud accepts. */
function labelValue(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 63);
}
