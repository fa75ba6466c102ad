/**
 * The price catalog: offers gathered from loaders (bundled snapshot, live price APIs, SkyPilot
 * CSVs, provider adapters, rate cards), adjusted by the user's discounts and overrides, versioned,
 * refreshed on a TTL and persisted in a state store.
 *
 * Refresh policy: stale-while-revalidate. Decisions never wait for I/O once a catalog exists;
 * a stale catalog is served while a refresh runs in the background. A loader that fails keeps
 * its last good offers (and the status says so, with the error and the age of what was kept).
 */
import { abortReason, throwIfAborted, withSignal } from '../provider/abort.js';
import { ConflictError, isAbortError } from '../provider/errors.js';
import type { CallOptions } from '../provider/provider-v1.js';
import type { Architecture, InterruptionBucket, Offer, ProviderKind } from '../provider/types.js';
import type { StateStore, StoredRecord } from '../state/state-store.js';
import { applyAdjustments, type PriceAdjustments } from './loaders/adjustments.js';
import { OfferIndex } from './offer-index.js';

/** Something that produces offers: a price API, a file, a provider, a rate card. */
export interface OfferLoader {
  /** Unique name within a catalog (`bundled-snapshot`, `azure-retail-prices`, ...). */
  readonly name: string;
  /** Streams the loader's offers; honours `signal`. */
  load(options?: CallOptions): AsyncIterable<Offer>;
}

/** The part of a `StateStore` the catalog needs: a versioned get and a conditional put. */
export type CatalogStore = Pick<StateStore, 'get' | 'put'>;

/** Options of {@link Catalog}. */
export interface CatalogOptions {
  /** Where offers come from, in priority order (no order dependence today; kept for reports). */
  readonly loaders: readonly OfferLoader[];
  /** Enterprise discounts and fixed price overrides, applied to every loader's offers. */
  readonly adjustments?: PriceAdjustments | undefined;
  /** Age after which the catalog is refreshed, in milliseconds (default 6 hours). */
  readonly ttlMs?: number | undefined;
  /** Persists the catalog so that a restarted process (or another replica) need not reload it. */
  readonly store?: CatalogStore | undefined;
  /** Key of the catalog record in `store` (default `optimizer/catalog`). */
  readonly storeKey?: string | undefined;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
  /** Called after every refresh, successful or not. */
  readonly onRefresh?: ((report: CatalogRefreshReport) => void) | undefined;
}

/** How one loader fared in the last refresh. */
export interface LoaderStatus {
  /** Loader name. */
  readonly name: string;
  /** True when the last attempt succeeded. */
  readonly ok: boolean;
  /** Offers the catalog holds from this loader (the last good ones when `ok` is false). */
  readonly offers: number;
  /** Offers the loader produced that failed validation and were dropped. */
  readonly rejected: number;
  /** When the offers held were loaded (ISO 8601), if ever. */
  readonly loadedAt: string | undefined;
  /** Why the last attempt failed. */
  readonly error: string | undefined;
}

/** What a refresh did. */
export interface CatalogRefreshReport {
  /** Catalog version after the refresh. */
  readonly version: number;
  /** True when every loader succeeded. */
  readonly ok: boolean;
  /** Loaders whose last good offers were kept because they failed this time. */
  readonly keptLastGood: readonly string[];
  /** Per-loader status. */
  readonly loaders: readonly LoaderStatus[];
  /** Offers in the catalog after the refresh. */
  readonly offers: number;
  /** Whether the catalog was written to the store (undefined without a store). */
  readonly persisted: boolean | undefined;
  /** Why persisting failed, when it did. */
  readonly persistError: string | undefined;
}

/** The catalog as it stands: one immutable version. */
export interface CatalogSnapshot {
  /** Version number, +1 per refresh that loaded anything. */
  readonly version: number;
  /** Every offer, adjusted, in a stable order. */
  readonly offers: readonly Offer[];
  /** When the oldest loader's offers were loaded (ISO 8601). */
  readonly loadedAt: string;
  /** The offer index over `offers`, built on first use and then kept with this version. */
  index(): OfferIndex;
}

/** Current state of a catalog. */
export interface CatalogStatus {
  /** Version (0 before anything was loaded). */
  readonly version: number;
  /** True when older than the TTL. */
  readonly stale: boolean;
  /** Offers held. */
  readonly offers: number;
  /** Per-loader status. */
  readonly loaders: readonly LoaderStatus[];
  /** True while a refresh is running. */
  readonly refreshing: boolean;
}

interface LoaderState {
  offers: readonly Offer[];
  ok: boolean;
  rejected: number;
  loadedAtMs: number | undefined;
  error: string | undefined;
}

/** Version of the persisted record's layout. */
const RECORD_FORMAT = 1;

/**
 * A versioned, refreshable price catalog.
 *
 * @example
 * ```ts
 * const catalog = new Catalog({ loaders: [bundledSnapshotLoader()], ttlMs: 3_600_000 });
 * const snapshot = await catalog.current();
 * snapshot.index().query({ minVcpus: 4, minMemoryGiB: 8 }, out);
 * ```
 */
export class Catalog {
  private readonly loaders: readonly OfferLoader[];
  private readonly adjustments: PriceAdjustments | undefined;
  private readonly ttlMs: number;
  private readonly store: CatalogStore | undefined;
  private readonly storeKey: string;
  private readonly now: () => number;
  private readonly onRefresh: ((report: CatalogRefreshReport) => void) | undefined;

  private readonly states = new Map<string, LoaderState>();
  private snapshot: CatalogSnapshot | undefined;
  private versionNumber = 0;
  private storeVersion: number | null | undefined;
  private restoring: Promise<void> | undefined;
  private inflight: Promise<CatalogRefreshReport> | undefined;
  private readonly lifetime = new AbortController();

  /** Creates a catalog; nothing is loaded until first use. */
  constructor(options: CatalogOptions) {
    const names = new Set<string>();
    for (const l of options.loaders) {
      if (names.has(l.name)) throw new TypeError(`[novacron] catalog: two loaders are named '${l.name}'`);
      names.add(l.name);
    }
    this.loaders = options.loaders;
    this.adjustments = options.adjustments;
    this.ttlMs = options.ttlMs ?? 6 * 3600_000;
    this.store = options.store;
    this.storeKey = options.storeKey ?? 'optimizer/catalog';
    this.now = options.clock ?? Date.now;
    this.onRefresh = options.onRefresh;
  }

  /** Current version (0 before the first load). */
  get version(): number {
    return this.versionNumber;
  }

  /**
   * The catalog as it stands. The first call restores it from the store or loads it; later
   * calls return at once, starting a background refresh when the catalog is older than the TTL.
   */
  async current(options: CallOptions = {}): Promise<CatalogSnapshot> {
    throwIfAborted(options.signal);
    // One restore for all first callers, so that concurrent first calls do not each load.
    if (this.snapshot === undefined) await (this.restoring ??= this.restore(options));
    if (this.snapshot === undefined) {
      await this.refresh(options);
    } else if (this.isStale() && this.inflight === undefined) {
      // Stale-while-revalidate: serve what we have, refresh behind it. Failures land in status().
      this.refresh({ signal: this.lifetime.signal }).catch(() => undefined);
    }
    return this.snapshot ?? this.publish();
  }

  /** Loads every loader now (joining a refresh already running) and reports what happened. */
  refresh(options: CallOptions = {}): Promise<CatalogRefreshReport> {
    if (this.inflight) return withSignal(this.inflight, options.signal);
    const run = this.runRefresh(options.signal).finally(() => {
      this.inflight = undefined;
    });
    this.inflight = run;
    return run;
  }

  /** Per-loader health, version and staleness. */
  status(): CatalogStatus {
    return {
      version: this.versionNumber,
      stale: this.isStale(),
      offers: this.snapshot?.offers.length ?? 0,
      loaders: this.loaderStatuses(),
      refreshing: this.inflight !== undefined,
    };
  }

  /** Stops background refreshes. */
  close(): void {
    this.lifetime.abort(new DOMException('catalog closed', 'AbortError'));
  }

  private isStale(): boolean {
    const oldest = this.oldestLoadMs();
    return oldest === undefined || this.now() - oldest >= this.ttlMs;
  }

  private oldestLoadMs(): number | undefined {
    let oldest: number | undefined;
    for (const l of this.loaders) {
      const t = this.states.get(l.name)?.loadedAtMs;
      if (t === undefined) return undefined;
      oldest = oldest === undefined ? t : Math.min(oldest, t);
    }
    return oldest;
  }

  private loaderStatuses(): LoaderStatus[] {
    return this.loaders.map((l) => {
      const s = this.states.get(l.name);
      return {
        name: l.name,
        ok: s?.ok ?? false,
        offers: s?.offers.length ?? 0,
        rejected: s?.rejected ?? 0,
        loadedAt: s?.loadedAtMs === undefined ? undefined : new Date(s.loadedAtMs).toISOString(),
        error: s?.error,
      };
    });
  }

  private async runRefresh(signal: AbortSignal | undefined): Promise<CatalogRefreshReport> {
    throwIfAborted(signal);
    const keptLastGood: string[] = [];
    let loadedAny = false;
    for (const loader of this.loaders) {
      const previous = this.states.get(loader.name);
      try {
        const { offers, rejected } = await collect(loader, signal);
        this.states.set(loader.name, { offers, ok: true, rejected, loadedAtMs: this.now(), error: undefined });
        loadedAny = true;
      } catch (error) {
        if (isAbortError(error) || signal?.aborted) throw signal?.aborted ? abortReason(signal) : error;
        const message = error instanceof Error ? error.message : String(error);
        this.states.set(loader.name, {
          offers: previous?.offers ?? [],
          ok: false,
          rejected: 0,
          loadedAtMs: previous?.loadedAtMs,
          error: message,
        });
        if (previous && previous.offers.length > 0) keptLastGood.push(loader.name);
      }
    }
    if (loadedAny || this.snapshot === undefined) this.publish();
    let persisted: boolean | undefined;
    let persistError: string | undefined;
    if (this.store && loadedAny) {
      try {
        await this.persist(signal);
        persisted = true;
      } catch (error) {
        if (isAbortError(error)) throw error;
        persisted = false;
        persistError = error instanceof Error ? error.message : String(error);
      }
    }
    const loaders = this.loaderStatuses();
    const report: CatalogRefreshReport = {
      version: this.versionNumber,
      ok: loaders.every((l) => l.ok),
      keptLastGood,
      loaders,
      offers: this.snapshot?.offers.length ?? 0,
      persisted,
      persistError,
    };
    this.onRefresh?.(report);
    return report;
  }

  private publish(): CatalogSnapshot {
    const raw: Offer[] = [];
    for (const l of this.loaders) for (const o of this.states.get(l.name)?.offers ?? []) raw.push(o);
    const offers = Object.freeze(this.adjustments ? applyAdjustments(raw, this.adjustments) : raw);
    this.versionNumber++;
    const oldest = this.oldestLoadMs();
    let index: OfferIndex | undefined;
    this.snapshot = {
      version: this.versionNumber,
      offers,
      loadedAt: new Date(oldest ?? this.now()).toISOString(),
      index: () => (index ??= OfferIndex.build(offers)),
    };
    return this.snapshot;
  }

  /** Adopts the persisted catalog once, if there is one. */
  private async restore(options: CallOptions): Promise<void> {
    if (!this.store) return;
    let record: StoredRecord<PersistedCatalog> | undefined;
    try {
      record = await this.store.get<PersistedCatalog>(this.storeKey, options);
    } catch (error) {
      // An unreadable store must not stop pricing: load from the loaders instead.
      if (isAbortError(error) || options.signal?.aborted) throw error;
      return;
    }
    this.storeVersion = record?.version ?? null;
    if (!record || !isPersistedCatalog(record.value)) return;
    let adopted = false;
    for (const l of this.loaders) {
      const saved = record.value.loaders[l.name];
      if (!saved) continue;
      this.states.set(l.name, { offers: saved.rows.map(decodeOffer), ok: true, rejected: 0, loadedAtMs: Date.parse(saved.loadedAt), error: undefined });
      adopted = true;
    }
    if (adopted) this.publish();
  }

  private async persist(signal: AbortSignal | undefined): Promise<void> {
    const store = this.store!;
    const value: PersistedCatalog = { format: RECORD_FORMAT, savedAt: new Date(this.now()).toISOString(), loaders: {} };
    for (const l of this.loaders) {
      const s = this.states.get(l.name);
      if (s?.loadedAtMs === undefined) continue;
      value.loaders[l.name] = { loadedAt: new Date(s.loadedAtMs).toISOString(), rows: s.offers.map(encodeOffer) };
    }
    if (this.storeVersion === undefined) this.storeVersion = (await store.get(this.storeKey, { signal }))?.version ?? null;
    try {
      this.storeVersion = await store.put(this.storeKey, value, { expectedVersion: this.storeVersion, signal });
    } catch (error) {
      // Another replica wrote first: ours is at least as fresh, so write over theirs once, by version.
      if (!ConflictError.isInstance(error)) throw error;
      const theirs = await store.get(this.storeKey, { signal });
      this.storeVersion = await store.put(this.storeKey, value, { expectedVersion: theirs?.version ?? null, signal });
    }
  }
}

async function collect(loader: OfferLoader, signal: AbortSignal | undefined): Promise<{ offers: Offer[]; rejected: number }> {
  const offers: Offer[] = [];
  let rejected = 0;
  for await (const offer of loader.load({ signal })) {
    throwIfAborted(signal);
    if (offerProblem(offer) === undefined) offers.push(offer);
    else rejected++;
  }
  return { offers, rejected };
}

/**
 * Why an offer cannot be used for decisions, or `undefined` when it can: sizes must be finite
 * and non-negative, the on-demand price finite and non-negative, names non-empty, and the
 * provenance present (invariant: every figure that drives a decision carries source and date).
 */
export function offerProblem(offer: Offer): string | undefined {
  if (typeof offer !== 'object' || offer === null) return 'not an object';
  if (!offer.provider || !offer.region || !offer.instanceType) return 'provider, region and instanceType are required';
  if (!(Number.isFinite(offer.vcpus) && offer.vcpus > 0)) return 'vcpus must be a positive number';
  if (!(Number.isFinite(offer.memoryGiB) && offer.memoryGiB >= 0)) return 'memoryGiB must be a non-negative number';
  if (!(Number.isFinite(offer.onDemandHourly) && offer.onDemandHourly >= 0)) return 'onDemandHourly must be a non-negative number';
  if (!offer.source || !offer.asOf) return 'source and asOf are required';
  if (!offer.currency) return 'currency is required';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Persistence: one JSON record, offers as compact rows (a tenth of the size of objects).
// ---------------------------------------------------------------------------------------------

type OfferRow = [
  provider: string,
  region: string,
  zone: string | null,
  instanceType: string,
  vcpus: number,
  memoryGiB: number,
  gpu: [model: string, count: number, memoryGiB: number | null] | null,
  arch: string,
  localDiskGiB: number | null,
  onDemand: number,
  spot: number | null,
  interruption: string | null,
  reserved1y: number | null,
  reserved3y: number | null,
  currency: string,
  source: string,
  asOf: string,
];

interface PersistedCatalog {
  format: number;
  savedAt: string;
  loaders: Record<string, { loadedAt: string; rows: OfferRow[] }>;
}

function isPersistedCatalog(value: unknown): value is PersistedCatalog {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PersistedCatalog>;
  return v.format === RECORD_FORMAT && typeof v.loaders === 'object' && v.loaders !== null;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function encodeOffer(o: Offer): OfferRow {
  return [
    o.provider,
    o.region,
    orNull(o.zone),
    o.instanceType,
    o.vcpus,
    o.memoryGiB,
    o.gpu ? [o.gpu.model, o.gpu.count, orNull(o.gpu.memoryGiB)] : null,
    o.arch,
    orNull(o.localDiskGiB),
    o.onDemandHourly,
    orNull(o.spotHourly),
    orNull(o.spotInterruption),
    orNull(o.reserved1yHourly),
    orNull(o.reserved3yHourly),
    o.currency,
    o.source,
    o.asOf,
  ];
}

function decodeOffer(r: OfferRow): Offer {
  const [provider, region, zone, instanceType, vcpus, memoryGiB, gpu, arch, localDiskGiB, onDemand, spot, interruption, r1, r3, currency, source, asOf] = r;
  return Object.freeze({
    provider: provider as ProviderKind,
    region,
    zone: orUndefined(zone),
    instanceType,
    vcpus,
    memoryGiB,
    gpu: gpu ? { model: gpu[0], count: gpu[1], memoryGiB: orUndefined(gpu[2]) } : undefined,
    arch: arch as Architecture,
    localDiskGiB: orUndefined(localDiskGiB),
    onDemandHourly: onDemand,
    spotHourly: orUndefined(spot),
    spotInterruption: orUndefined(interruption) as InterruptionBucket | undefined,
    reserved1yHourly: orUndefined(r1),
    reserved3yHourly: orUndefined(r3),
    currency,
    source,
    asOf,
  });
}
