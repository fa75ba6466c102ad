/**
 * The FederationManager: one control plane over many providers. A thin facade: it validates
 * what callers hand it and passes the work to the parts that do one job each — the provider
 * registry, the catalog cache (placement engine), creates with failover on the durable
 * operation core, groups, and the inventory with reconciliation.
 *
 * Safety rules the parts keep together:
 * - one request creates at most one VM: a create is a durable operation in the state store,
 *   guarded by a fenced lease, and each attempt's idempotency token is written before the call;
 * - the VM id is recorded before any wait;
 * - failover moves on only after an error that proves nothing was created; an uncertain attempt
 *   is first resolved by asking its provider, and a retry with the same key resumes it;
 * - every provider call has a deadline besides the caller's signal.
 */
import { randomUUID } from 'node:crypto';
import { closestMatch } from '../provider/closest-match.js';
import { VM_DISPLAY } from '../provider/display.js';
import { InvalidSpecError } from '../provider/errors.js';
import { EventBus, NOVACRON_EVENT_NAMES, type NovacronEventName } from '../provider/events.js';
import type { CallOptions, ListVMsFilter, PowerOptions, ProviderV1, StopVMOptions } from '../provider/provider-v1.js';
import type { RetryPolicy } from '../provider/retry.js';
import type { Offer, VM } from '../provider/types.js';
import { createFederationMetrics } from '../metrics/federation-metrics.js';
import type { MetricsSink } from '../metrics/metrics-sink.js';
import { createMemoryStore } from '../state/memory-store.js';
import type { StateStore } from '../state/state-store.js';
import { carbonGramsPerHour } from '../optimizer/carbon.js';
import { PriceAgeWatch } from '../optimizer/price-age.js';
import { BlockList } from './placement/index.js';
import { BUILT_IN_PROVIDER_FACTORIES } from './built-in-factories.js';
import { CatalogCache } from './catalog-cache.js';
import { asConfigError, loadFederationConfig, unservedPolicyRegions, type LoadOptions, type OptimizationSettings, type ProviderEntry } from './config.js';
import { ConfigError } from './federation-errors.js';
import { VMCreator, type CreateVMResult } from './create-vm.js';
import { VMMigrator } from './migration/migrator.js';
import { applyPlan } from './plans/apply-plan.js';
import { optimizePlacement, revalidateProposal } from './plans/placement-optimizer.js';
import type { ApplyPlanOptions, ApplyPlanResult, OptimizePlacementOptions, PlacementPlan } from './plans/plan-types.js';
import { startOptimizationSchedule, type OptimizationHandle, type OptimizationScheduleOptions } from './plans/optimization-schedule.js';
import type {
  MigrateVMOptions,
  MigrationArtifactStores,
  MigrationDefaults,
  MigrationRecord,
  MigrationResult,
  MigrationSource,
  MigrationTarget,
  ResumedMigration,
  ResumeMigrationsOptions,
} from './migration/migration-types.js';
import { decideOrThrow } from './decide.js';
import type { FederationContext } from './federation-context.js';
import { createGroup, type GroupResult } from './groups.js';
import { Inventory, type InventoryRecord, type ReconcileReport } from './inventory.js';
import { LatencyMatrix } from './placement/index.js';
import { redactingLogger, type Logger } from './logger.js';
import { mergedListing, type FederatedListing } from './merged-listing.js';
import { withDeadline } from './operations/deadline.js';
import type { PlacementDecision, ProviderDefaults } from './placement/index.js';
import type { Policy } from './placement/index.js';
import { ProviderRegistry, type ProviderRegistration, type ProviderTimeouts } from './provider-registry.js';
import { startReconciler, type ReconcilerHandle, type ReconcilerOptions } from './reconciler.js';
import { parseCreateOptions, parseGroupOptions, parsePlaceOptions } from './request-options.js';
import { resolveRequest, type CreateGroupOptions, type FederatedCreateOptions, type PlaceOptions, type VMRequestInput } from './request-input.js';

export type { AttemptRecord, CreateVMResult, SettledCreate } from './create-vm.js';
export type { GroupResult } from './groups.js';
export type { InventoryCost, InventoryDecision, InventoryRecord, ProviderFailure, ReconcileReport, StoredSpec } from './inventory.js';
export type { Logger } from './logger.js';
export type { ProviderRegistration, ProviderTimeouts } from './provider-registry.js';
export type { ReconcilerHandle, ReconcilerOptions } from './reconciler.js';
export type { CreateGroupOptions, FederatedCreateOptions, PlaceOptions, VMRequestInput } from './request-input.js';

/** Failover behaviour. */
export interface FailoverOptions {
  /** Candidates tried per run of a request (default 6). */
  readonly maxAttempts?: number | undefined;
  /** How long a refusing zone, region or provider stays blocked, in ms (default 10 minutes). */
  readonly blockTtlMs?: number | undefined;
  /** Retries of throttled calls on one candidate (default 5 attempts, honouring retry-after). */
  readonly throttleRetry?: RetryPolicy | undefined;
  /**
   * Lookups of an attempt whose outcome is uncertain (lost answer, timeout, 5xx) before the
   * request gives up with `OutcomeUncertainError` rather than risk a second VM (default 5).
   */
  readonly resolveAttempts?: number | undefined;
  /** Backoff between those lookups (default 200 ms base, 5 s cap). */
  readonly resolveRetry?: RetryPolicy | undefined;
}

/** What `JSON.stringify(manager)` shows. */
export interface FederationManagerSummary {
  /** The federation id. */
  readonly federationId: string;
  /** Names of the registered providers. */
  readonly providers: readonly string[];
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
  /** Grams CO2e per hour of an offer, for the carbon strategy (default: the optimizer's Cloud Carbon Footprint estimate). `offer.provider` is the cloud kind. */
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
  /** Deadlines of provider calls, for every provider (a registration's own `timeouts` win). */
  readonly timeouts?: ProviderTimeouts | undefined;
  /** Admitted offers the fast placement path scores per price basis before its bound may stop it (default 1; see `PlacementEngineOptions.topK`). */
  readonly topK?: number | undefined;
  /** Providers listed at once by `listVMs` (default 4). */
  readonly listConcurrency?: number | undefined;
  /** When a provider's catalog cannot be loaded, how long until it is tried again, in ms (default 60,000). */
  readonly catalogRetryMs?: number | undefined;
  /**
   * Oldest acceptable price age in days (default 90): a decision whose chosen price is older says
   * so in its explanation (source, date, age), and `price.stale` is published once per source and date.
   */
  readonly maxPriceAgeDays?: number | undefined;
  /**
   * Artifact stores for migrations, by target provider name: `store` is where images for imports
   * into that provider are written (a transfer's destination), `from` the stores exports are
   * read from (and intermediate images deleted from). A provider without an entry is handed an
   * export where it is, when it imports the export's format (see `MigrationArtifactStores`).
   *
   * @example
   * ```ts
   * artifactStores: { 'azure-east': { store: azureContainer, from: [awsExportBucket] } }
   * ```
   */
  readonly artifactStores?: Readonly<Record<string, MigrationArtifactStores>> | undefined;
  /** Migration defaults: health check, traffic switcher, grace period (5 minutes), verify and export deadlines. */
  readonly migration?: MigrationDefaults | undefined;
}

/** Host-supplied lookups for `fromConfig`. */
export interface FromConfigOptions extends LoadOptions, Omit<FederationManagerOptions, 'providers' | 'policies'> {
  /** Builds a provider from its configuration entry, by type (built in: `aws`, `azure`, `gcp`, `openstack`, `memory`; a host's own types beside them). */
  readonly providerFactories?: Readonly<Record<string, (entry: ProviderEntry) => ProviderV1 | Promise<ProviderV1>>> | undefined;
  /** Resolves `credentials: { secret: name }`; the value goes to the factory only and is never stored or logged. */
  readonly secrets?: ((name: string) => unknown | Promise<unknown>) | undefined;
}

/** The federation control plane. */
export class FederationManager {
  /** Events of the federation and of its providers' operations. */
  readonly events: EventBus;
  private readonly fed: FederationContext;
  private readonly registry: ProviderRegistry;
  private readonly catalog: CatalogCache;
  private readonly store: StateStore;
  private readonly creator: VMCreator;
  private readonly migrator: VMMigrator;
  /** The configuration's `optimization` section, for `startOptimization`. */
  private optimizationSettings: OptimizationSettings | undefined;
  private readonly book: Inventory;
  private readonly listConcurrency: number;

  /** Creates a manager; every dependency is optional. */
  constructor(options: FederationManagerOptions = {}) {
    this.events = options.events ?? new EventBus();
    this.registry = new ProviderRegistry(options.timeouts);
    for (const p of options.providers ?? []) this.registry.add(p);
    // The providers' own events reach `manager.events`, whoever built the providers.
    for (const provider of this.registry.list()) forwardEvents(provider, this.events);
    const now = options.clock ?? Date.now;
    const log = redactingLogger(options.logger);
    this.store = options.stateStore ?? createMemoryStore();
    this.listConcurrency = options.listConcurrency ?? 4;
    const federationId = options.federationId ?? 'default';
    const replicaId = options.replicaId ?? `replica-${randomUUID().slice(0, 8)}`;
    const policies = options.policies ?? [];
    const latency = options.latency ?? new LatencyMatrix();
    // Default carbon model: the Cloud Carbon Footprint estimate, keyed by the offer's cloud kind.
    const carbon = options.carbon ?? ((offer: Offer): number | undefined => carbonGramsPerHour(offer).gramsPerHour);
    this.catalog = new CatalogCache({ registry: this.registry, policies, latency, carbon, topK: options.topK, clock: now, log, retryMs: options.catalogRetryMs ?? 60_000 });
    const metrics = createFederationMetrics(options.metrics);
    this.book = new Inventory({
      store: this.store,
      registry: this.registry,
      events: this.events,
      metrics,
      now,
      federationId,
      replicaId,
      listConcurrency: this.listConcurrency,
    });
    const failover = options.failover;
    const blockTtlMs = failover?.blockTtlMs ?? 600_000;
    this.fed = {
      registry: this.registry,
      catalog: this.catalog,
      inventory: this.book,
      store: this.store,
      events: this.events,
      log,
      policies,
      blocks: new BlockList(blockTtlMs, now),
      priceAge: new PriceAgeWatch({ component: 'federation', maxAgeDays: options.maxPriceAgeDays, clock: now, events: this.events }),
      failover: {
        maxAttempts: failover?.maxAttempts ?? 6,
        blockTtlMs,
        throttleRetry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 5_000, ...failover?.throttleRetry },
        resolveAttempts: failover?.resolveAttempts ?? 5,
        resolveRetry: { baseDelayMs: 200, maxDelayMs: 5_000, ...failover?.resolveRetry },
      },
      now,
      federationId,
      replicaId,
    };
    this.creator = new VMCreator(this.fed);
    this.migrator = new VMMigrator({ fed: this.fed, metrics, artifactStores: options.artifactStores, defaults: options.migration });
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
        throw new ConfigError({
          issues: [{ field: `spec.providers[${i}].type`, message: `no provider factory for type "${entry.type}"; pass providerFactories.${entry.type}` }],
        });
      }
      const config = { ...entry.config };
      const creds = config.credentials as { secret?: string } | undefined;
      if (creds?.secret !== undefined) {
        if (!options.secrets) {
          throw new ConfigError({ issues: [{ field: `spec.providers[${i}].config.credentials.secret`, message: 'names a secret but no secrets resolver was given' }] });
        }
        config.credentials = await options.secrets(creds.secret);
      }
      const defaults = config.defaults as { instanceFamily?: string; instanceFamilies?: string[]; spotEnabled?: boolean } | undefined;
      // A factory names fields as `providers.<name>.config.…`; say them in the document's terms.
      const prefix = `providers.${entry.name}.`;
      const provider = await Promise.resolve()
        .then(() => factory({ name: entry.name, type: entry.type, config }))
        .catch((error: unknown) => Promise.reject(asConfigError(error, (f) => (f.startsWith(prefix) ? `spec.providers[${i}].${f.slice(prefix.length)}` : `spec.providers[${i}].config.${f}`))));
      providers.push({
        provider,
        defaults: {
          spotEnabled: defaults?.spotEnabled,
          instanceFamilies: defaults?.instanceFamilies ?? (defaults?.instanceFamily ? [defaults.instanceFamily] : undefined),
        },
      });
    }
    // Regions are known here only when every provider says which it serves without a call.
    const unserved = unservedPolicyRegions(loaded.policies, providers.map((r) => r.provider));
    if (unserved.length > 0) throw new ConfigError({ issues: unserved });
    const manager = new FederationManager({ ...options, providers, policies: loaded.policies, federationId: options.federationId ?? loaded.name });
    manager.optimizationSettings = loaded.optimization;
    // Sections whose features have not landed are read (and validated) but say so, not silently ignored.
    const ignored: [string, unknown, string][] = [
      ['spec.networking', loaded.networking, 'FederationManager does not join networks itself; pass the loaded section to CrossCloudNetwork (networkOptionsFromSettings in novacron/network)'],
    ];
    for (const [section, value, message] of ignored) {
      if (value === undefined) continue;
      manager.fed.log.warn(`${section} is ignored`, { section });
      manager.events.publish('config.ignored', { section, message: `${section}: ${message}` });
    }
    return manager;
  }

  /** Adds a provider; the catalog is rebuilt on the next decision. */
  register(provider: ProviderV1, defaults?: ProviderDefaults, timeouts?: ProviderTimeouts): void {
    this.registry.add({ provider, defaults, timeouts });
    this.catalog.invalidate();
  }

  /** Registered providers, by name. */
  get providers(): ReadonlyMap<string, ProviderV1> {
    return new Map(this.registry.list().map((p) => [p.name, p]));
  }

  /** Reloads regions and offers from every provider on the next decision. */
  refreshCatalog(): void {
    this.catalog.invalidate();
  }

  /** Loads regions and offers from every provider (once) and builds the placement engine. */
  async ready(options: CallOptions = {}): Promise<void> {
    await this.catalog.get(options.signal);
  }

  /**
   * Decides where a VM would go, without creating anything. Throws `PlacementRefusedError`
   * (with the full explanation) when no candidate is feasible, and `InvalidSpecError` naming
   * the field for malformed input.
   */
  async place(input: VMRequestInput, options?: PlaceOptions): Promise<PlacementDecision> {
    const opts = parsePlaceOptions(options);
    const { spec, request } = await resolveRequest(input, opts.request);
    const engine = await this.catalog.get(opts.signal);
    return decideOrThrow({ engine, spec, request, explain: opts.explain ?? true, exclusions: this.fed.blocks, priceAge: this.fed.priceAge, providers: this.registry.list() });
  }

  /**
   * Places and creates a VM, failing over to the next candidate when a cloud refuses. Safe to
   * repeat with the same `idempotencyKey`: from any replica sharing the state store, before or
   * after a crash, it never creates a second VM for one request. When a cloud may have acted
   * but cannot say, it throws `OutcomeUncertainError` instead of trying elsewhere; a retry with
   * the same key resolves it.
   */
  async createVM(input: VMRequestInput, options?: FederatedCreateOptions): Promise<CreateVMResult> {
    const opts = parseCreateOptions(options);
    const { spec, request } = await resolveRequest(input, opts.request);
    this.checkFailoverPriority(request.failoverPriority);
    return this.creator.run({ key: opts.idempotencyKey ?? randomUUID(), spec, request, options: opts });
  }

  /**
   * Creates `replicas` VMs spread over at least `minProviders` providers (the `distribute`
   * policy's figure by default). Failed replicas are retried on other candidates; if the group
   * still falls short, `GroupIncompleteError` lists what exists and what failed.
   */
  async createGroup(input: VMRequestInput, options: CreateGroupOptions): Promise<GroupResult> {
    const opts = parseGroupOptions(options);
    const resolved = await resolveRequest(input, opts.request);
    this.checkFailoverPriority(resolved.request.failoverPriority);
    return createGroup(this.fed, this.creator, resolved, opts);
  }

  /**
   * Refuses a failover priority that names a provider not registered here: failover ranks
   * providers by name, so a misspelt one would be silently ignored.
   */
  private checkFailoverPriority(priority: readonly string[] | undefined): void {
    const names = this.registry.names();
    const issues = (priority ?? []).flatMap((name, i) => {
      if (names.includes(name)) return [];
      const suggestion = closestMatch(name, names);
      const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : `providers: ${names.join(', ') || 'none'}`;
      return [{ field: `failoverPriority[${i}]`, message: `no provider named "${name}" is registered (${hint})` }];
    });
    if (issues.length > 0) throw new InvalidSpecError({ issues });
  }

  /** Deletes a VM through its provider and marks its record deleted. */
  async deleteVM(provider: string, id: string, options: CallOptions = {}): Promise<void> {
    const p = this.registry.get(provider);
    await withDeadline({ operation: 'deleteVM', provider }, this.registry.timeouts(provider).createMs, options.signal, (signal) => p.deleteVM(id, { signal }));
    await this.book.markDeleted(provider, id, options);
    await this.book.refreshGauges();
  }

  /** What a person sees of the manager: its federation and providers (never their options or credentials). */
  toString(): string {
    return `FederationManager ${this.fed.federationId} (providers: ${this.registry.names().join(', ') || 'none'})`;
  }

  /** A credential-free summary for `JSON.stringify`. */
  toJSON(): FederationManagerSummary {
    return { federationId: this.fed.federationId, providers: this.registry.names() };
  }

  /** `util.inspect` shows {@link toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Reads a VM through its provider, and brings its inventory record up to date. */
  async getVM(provider: string, id: string, options: CallOptions = {}): Promise<VM> {
    const p = this.registry.get(provider);
    const vm = await withDeadline({ operation: 'getVM', provider }, this.registry.timeouts(provider).callMs, options.signal, (signal) => p.getVM(id, { signal }));
    await this.book.observe(vm, options);
    return VM_DISPLAY.attach(vm);
  }

  /** Starts a stopped VM through its provider (waiting until it runs), and records its state. */
  startVM(provider: string, id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('startVM', provider, id, options, (p, o) => p.startVM(id, o));
  }

  /** Stops a running VM through its provider (waiting until it is stopped), and records its state. */
  stopVM(provider: string, id: string, options: StopVMOptions = {}): Promise<VM> {
    return this.power('stopVM', provider, id, options, (p, o) => p.stopVM(id, { ...options, ...o }));
  }

  /** Reboots a running VM through its provider, and records its state. */
  rebootVM(provider: string, id: string, options: PowerOptions = {}): Promise<VM> {
    return this.power('rebootVM', provider, id, options, (p, o) => p.rebootVM(id, o));
  }

  /** One power operation under the provider's create deadline, then the inventory. */
  private async power(operation: string, provider: string, id: string, options: PowerOptions, call: (p: ProviderV1, o: PowerOptions) => Promise<VM>): Promise<VM> {
    const p = this.registry.get(provider);
    const vm = await withDeadline({ operation, provider }, this.registry.timeouts(provider).createMs, options.signal, (signal) => call(p, { ...options, signal }));
    await this.book.observe(vm, { signal: options.signal });
    return VM_DISPLAY.attach(vm);
  }

  /** Inventory records, in key order. */
  inventory(options: CallOptions = {}): AsyncIterable<InventoryRecord> {
    return this.book.list(options);
  }

  /**
   * Streams VMs from every provider concurrently (`listConcurrency` at a time). After
   * iteration, `failures` names the providers that could not be listed.
   */
  listVMs(filter: ListVMsFilter = {}, options: CallOptions & { concurrency?: number } = {}): FederatedListing {
    return mergedListing(this.registry.list(), filter, { concurrency: options.concurrency ?? this.listConcurrency, signal: options.signal });
  }

  /**
   * Compares inventory records with what providers report: VMs gone at their provider are
   * marked `lost`, VMs carrying this federation's label without a record are adopted, state
   * and prices are refreshed. First, creates an earlier run left unsettled (a crash, an
   * `OutcomeUncertainError`) are looked up by their tokens: a VM found completes its request,
   * so a later retry with the same key returns it. Nothing is ever launched by a reconcile.
   * Only one replica reconciles at a time (a lease).
   */
  reconcile(options: CallOptions = {}): Promise<ReconcileReport> {
    return this.book.reconcile({ ...options, settleCreates: () => this.creator.settlePending(options) });
  }

  /**
   * Proposes moves that pay: every VM in `scope` is scored where it runs and where it would run
   * best now (the placement engine under the current policies, constraints and prices); a move is
   * proposed when it scores at least `minScoreGain` better, saves at least `minMonthlySavings` a
   * month and pays back its one-off cost (the disk's egress) within `budgets.maxPaybackDays` — or
   * when where the VM runs breaks a policy now. Moves that would leave a group on fewer providers
   * than its `distribute` policy asks are never proposed; the rest are ranked by saving per minute
   * of downtime and cut into waves within the budgets. Changes nothing; the same inventory, prices
   * and options give the same plan.
   */
  async optimizePlacement(options: OptimizePlacementOptions = {}): Promise<PlacementPlan> {
    const engine = await this.catalog.get(options.signal);
    return optimizePlacement(this.fed, engine, options);
  }

  /**
   * Runs optimization on a schedule (croner): at each firing the replica holding the `optimizer`
   * lease in the shared state store makes one plan per strategy (`optimizePlacement`) and, with
   * `apply`, applies it (`applyPlan`); the other replicas skip that firing. Defaults come from the
   * configuration's `optimization` section (`schedule`, `strategies`); a section with
   * `enabled: false`, or no schedule at all, is an `InvalidSpecError`.
   */
  startOptimization(options: OptimizationScheduleOptions = {}): OptimizationHandle {
    const settings = this.optimizationSettings;
    if (options.schedule === undefined && settings?.enabled === false) {
      throw new InvalidSpecError({ issues: [{ field: 'spec.optimization.enabled', message: 'optimization is disabled in the configuration; pass a schedule to run it anyway' }] });
    }
    const schedule = options.schedule ?? settings?.schedule;
    if (schedule === undefined) throw new InvalidSpecError({ issues: [{ field: 'schedule', message: 'give a cron schedule (or load a configuration whose optimization section has one)' }] });
    const strategies = options.strategies ?? settings?.strategies ?? [];
    return startOptimizationSchedule(
      {
        store: this.store,
        replicaId: this.fed.replicaId,
        now: this.fed.now,
        log: this.fed.log,
        optimize: (o) => this.optimizePlacement(o),
        apply: (plan, signal) => this.applyPlan(plan, { signal }),
      },
      { ...options, schedule, strategies },
    );
  }

  /**
   * Carries out a plan wave by wave within its budgets (at most `maxConcurrentMigrations` at once,
   * only inside its migration windows): each proposal is re-validated against fresh prices just
   * before its migration starts (a stale one is skipped), then migrated with `migrateVM` under a key
   * derived from the plan and the VM, so applying a plan again migrates nothing twice.
   */
  async applyPlan(plan: PlacementPlan, options: ApplyPlanOptions = {}): Promise<ApplyPlanResult> {
    // Prices are read afresh for the first proposal, and again once they are a minute old.
    let pricesReadAt = -Infinity;
    return applyPlan(
      plan,
      {
        revalidate: async (proposal, signal) => {
          if (this.fed.now() - pricesReadAt > 60_000) {
            this.catalog.invalidate();
            pricesReadAt = this.fed.now();
          }
          return revalidateProposal(this.fed, await this.catalog.get(signal), plan, proposal, signal);
        },
        migrate: async (proposal, idempotencyKey, signal) => {
          const target = { provider: proposal.to.provider, region: proposal.to.region, zone: proposal.to.zone, instanceType: proposal.to.instanceType };
          const result = await this.migrateVM({ provider: proposal.vm.provider, id: proposal.vm.id }, target, { idempotencyKey, liveMigration: plan.criteria.liveMigration, signal });
          return { id: result.migrationId };
        },
        now: this.fed.now,
      },
      options,
    );
  }

  /**
   * Runs `reconcile` on a schedule until the signal aborts or `stop()` is called: every
   * `intervalMs`, or at the times of a `cron` expression (croner's syntax, in `timezone`, default
   * UTC). Every replica may run one; the reconcile lease lets only one of them work at a time.
   */
  startReconciler(options: ReconcilerOptions): ReconcilerHandle {
    return startReconciler((o) => this.reconcile(o), options, { now: this.fed.now, log: this.fed.log });
  }

  /**
   * Moves a VM to another provider, region or size without ever losing it, as a durable
   * operation: lock → stop (unless `liveMigration`) → export → transfer (across providers, when
   * the target cannot read the export as it is) → import → verify (`healthCheck`) → switch traffic
   * (`trafficSwitcher`) → grace period → delete the source → release the lock → clean up. A
   * failure before the switch rolls back (the target and every intermediate image are deleted, the
   * source started again if this migration stopped it) and throws `MigrationFailedError`; a
   * failure after it is retried by `resumeMigrations`. Returns once the grace period has begun
   * (status `grace-period`) unless `waitForGrace`. A second migration of the same VM is a
   * `MigrationConflictError`; the same `idempotencyKey` resumes the same migration.
   */
  migrateVM(source: MigrationSource, target: MigrationTarget, options: MigrateVMOptions = {}): Promise<MigrationResult> {
    return this.migrator.migrate(source, target, options);
  }

  /**
   * Picks up every unfinished migration in the state store (a crashed process's, or one whose
   * grace period has ended) and drives it forward, or back; one entry per migration.
   */
  resumeMigrations(options: ResumeMigrationsOptions = {}): Promise<ResumedMigration[]> {
    return this.migrator.resume(options);
  }

  /** A migration's record: status, steps with timings, source, target VM, bytes moved, cost, error; `undefined` for an unknown id. */
  getMigration(id: string, options: CallOptions = {}): Promise<MigrationRecord | undefined> {
    return this.migrator.get(id, options);
  }

  /** Every migration's record, in id order. */
  listMigrations(options: CallOptions = {}): AsyncIterable<MigrationRecord> {
    return this.migrator.list(options);
  }
}

/** Republishes every event of `provider`'s bus on `to` (nothing when they are the same bus). */
function forwardEvents(provider: ProviderV1, to: EventBus): void {
  const from = provider.events;
  if (!from || from === to) return;
  for (const name of NOVACRON_EVENT_NAMES) {
    (from.on as (event: NovacronEventName, listener: (payload: unknown) => void) => EventBus)(name, (payload) =>
      (to.publish as (event: NovacronEventName, payload: unknown) => boolean)(name, payload),
    );
  }
}
