/**
 * The inventory: one record per VM the federation manages (`vms/<provider>/<id>`), the gauges
 * derived from it, and reconciliation of the records with what the clouds report.
 */
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../provider/errors.js';
import { isSecretKey, REDACTED, redactString } from '../provider/redact.js';
import type { EventBus } from '../provider/events.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { HOURS_PER_MONTH, type CostEstimate, type VM, type VMSpec } from '../provider/types.js';
import type { FederationMetrics } from '../metrics/federation-metrics.js';
import type { StateStore, StoredRecord } from '../state/state-store.js';
import { mergedListing } from './merged-listing.js';
import type { PlacementTarget } from './placement-target.js';
import type { ProviderRegistry } from './provider-registry.js';
import { withDeadline } from './operations/deadline.js';
import type { SettledCreate } from './create-vm.js';

/**
 * The store key of a VM's record, `vms/<provider>/<id>`. The id is URI-encoded: some clouds' ids
 * are paths (an Azure resource id is `/subscriptions/.../virtualMachines/<name>`), and a key's
 * segments must not be empty.
 */
function inventoryKey(provider: string, id: string): string {
  return `vms/${provider}/${encodeURIComponent(id)}`;
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

/** The inventory record of a VM the federation manages. */
export interface InventoryRecord extends PlacementTarget {
  /** VM id at the provider. */
  readonly vmId: string;
  /** VM name. */
  readonly name: string;
  /** Last known state. */
  readonly state: string;
  /** `active`, `lost` (gone at the provider), `adopted` (found by label), or `deleted`. */
  readonly status: 'active' | 'lost' | 'adopted' | 'deleted';
  /** The request that created it, when the federation created it. */
  readonly requestId: string | undefined;
  /** The group it is a replica of (the `createGroup` idempotency key), when it is one. */
  readonly group?: string | undefined;
  /** The normalized spec, when known, without its secrets (its user data is a digest; see {@link StoredSpec}). */
  readonly spec: StoredSpec | undefined;
  /** Monthly cost by component and where the prices came from. */
  readonly cost: InventoryCost | undefined;
  /** How placement scored it. */
  readonly decision: InventoryDecision | undefined;
  /** When the record was created (ISO 8601). */
  readonly recordedAt: string;
  /** When reconciliation last saw the VM (ISO 8601). */
  readonly lastSeenAt: string | undefined;
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
  /** Creates an earlier run left unsettled, and what reconciliation made of each. */
  readonly creates: readonly SettledCreate[];
}

/** Label every VM the federation creates carries: the federation id. */
export const LABEL_FEDERATION = 'novacron-federation';
/** Label every VM the federation creates carries: its request. */
export const LABEL_REQUEST = 'novacron-request';

/**
 * A spec as the federation stores it, with nothing secret-shaped in plain text: `userData` (which
 * often carries bootstrap secrets) is replaced by its SHA-256 digest, the value of every label
 * whose key names a secret (`db-password`, `api-token`, ...) by `[REDACTED]`, and a password
 * inside an image URL likewise. Every other field is stored as given.
 */
export type StoredSpec = Omit<VMSpec, 'userData'> & {
  /** Hex SHA-256 of the user data the VM was created with, when it had any. */
  readonly userDataSha256?: string | undefined;
};

/** The spec as stored (see {@link StoredSpec}). */
export function specForStore(spec: VMSpec): StoredSpec {
  const { userData, ...rest } = spec;
  // Label values are short: a digest of one could be guessed back, so it is removed, not hashed.
  const labels = Object.fromEntries(Object.entries(rest.labels).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : v]));
  const stored: StoredSpec = { ...rest, labels, image: redactString(rest.image) };
  return userData === undefined ? stored : { ...stored, userDataSha256: createHash('sha256').update(userData).digest('hex') };
}

/**
 * What a stored spec still says of the VM asked for, as a spec: no user data, and no label whose
 * value was redacted (what was stored cannot be sent again; settling a create only looks up).
 */
export function specFromStore(stored: StoredSpec): VMSpec {
  const { userDataSha256: _digest, ...spec } = stored;
  const labels = Object.fromEntries(Object.entries(spec.labels).filter(([, v]) => v !== REDACTED));
  return { ...spec, labels, userData: undefined };
}

/** A label value any cloud accepts. */
export function labelValue(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 63);
}

/** What the inventory works with. */
export interface InventoryOptions {
  readonly store: StateStore;
  readonly registry: ProviderRegistry;
  readonly events: EventBus;
  readonly metrics: FederationMetrics;
  readonly now: () => number;
  readonly federationId: string;
  readonly replicaId: string;
  readonly listConcurrency: number;
}

/** The federation's inventory of VMs. */
export class Inventory {
  private readonly gauges = new Map<string, number>();
  /** Totals behind the gauges, once they have been read from the store. */
  private totals: GaugeTotals | undefined;

  /** Creates the inventory over a store. */
  constructor(private readonly o: InventoryOptions) {}

  /**
   * Writes the record of a VM the federation created and counts it in the gauges. Idempotent:
   * a second write for the same VM (a resumed request) leaves the first record and counts nothing.
   */
  async recordCreated(
    vm: VM,
    detail: { requestId: string; group?: string | undefined; spec: VMSpec; cost: CostEstimate | undefined; decision: InventoryDecision | undefined },
    options: CallOptions = {},
  ): Promise<void> {
    const { cost } = detail;
    const record = inventoryRecord(vm, 'active', this.iso(), {
      requestId: detail.requestId,
      group: detail.group,
      spec: specForStore(detail.spec),
      cost: cost ? { hourly: cost.hourly, compute: cost.breakdown.compute, storage: cost.breakdown.storage, network: cost.breakdown.network, source: cost.source, asOf: cost.asOf } : undefined,
      // A figure that is not a number is left out rather than stored (it would refuse the write).
      decision: detail.decision && Number.isFinite(detail.decision.score) && Number.isFinite(detail.decision.hourlyPrice) ? detail.decision : undefined,
    });
    try {
      await this.o.store.put(inventoryKey(vm.provider, vm.id), record, { expectedVersion: null, signal: options.signal });
    } catch (error) {
      if (ConflictError.isInstance(error)) return; // written by an earlier run of the same request
      throw error;
    }
    if (!this.totals) return this.refreshGauges();
    this.count(record, 1);
    this.publishGauges();
  }

  /**
   * Brings a VM's record up to date with what its provider just reported (after a read or a
   * power operation through the manager); a VM without a record is left alone. Publishes
   * `inventory.changed` when the state moved.
   */
  async observe(vm: VM, options: CallOptions = {}): Promise<void> {
    const key = inventoryKey(vm.provider, vm.id);
    const rec = await this.o.store.get<InventoryRecord>(key, options);
    if (!rec || rec.value.state === vm.state) return;
    try {
      await this.o.store.put(key, { ...rec.value, state: vm.state, lastSeenAt: this.iso() } satisfies InventoryRecord, { expectedVersion: rec.version, signal: options.signal });
    } catch (error) {
      if (ConflictError.isInstance(error)) return; // a newer write (reconcile, another replica) wins
      throw error;
    }
    this.o.events.publish('inventory.changed', { provider: vm.provider, vmId: vm.id, change: 'refreshed' });
  }

  /** Marks a VM's record deleted, when it has one. */
  async markDeleted(provider: string, id: string, options: CallOptions = {}): Promise<void> {
    const key = inventoryKey(provider, id);
    const rec = await this.o.store.get<InventoryRecord>(key, options);
    if (rec) await this.o.store.put(key, { ...rec.value, status: 'deleted', state: 'terminated' } satisfies InventoryRecord, { expectedVersion: rec.version, signal: options.signal });
  }

  /** The record of one VM, or `undefined`. */
  async get(provider: string, id: string, options: CallOptions = {}): Promise<InventoryRecord | undefined> {
    return (await this.o.store.get<InventoryRecord>(inventoryKey(provider, id), options))?.value;
  }

  /** Records in key order. */
  async *list(options: CallOptions = {}): AsyncIterable<InventoryRecord> {
    for await (const rec of this.o.store.list<InventoryRecord>('vms', { signal: options.signal })) yield rec.value;
  }

  /**
   * Compares records with what providers report: VMs gone at their provider are marked `lost`,
   * VMs carrying this federation's label without a record are adopted, state and prices are
   * refreshed. Only one replica reconciles at a time (a lease).
   */
  async reconcile(options: CallOptions & { settleCreates?: (() => Promise<readonly SettledCreate[]>) | undefined } = {}): Promise<ReconcileReport> {
    const { store, registry, events } = this.o;
    const lease = await store.acquireLease('reconcile', this.o.replicaId, 120_000, { signal: options.signal });
    if (!lease) return { skipped: true, checked: 0, lost: [], adopted: [], refreshed: 0, failures: [], creates: [] };
    const fencing = { lease: 'reconcile', token: lease.fencingToken };
    try {
      // Unsettled creates first: a VM they made gets its request's record, not an anonymous adoption.
      const creates = (await options.settleCreates?.()) ?? [];
      const records = new Map<string, StoredRecord<InventoryRecord>>();
      for await (const rec of store.list<InventoryRecord>('vms', { signal: options.signal })) records.set(rec.key, rec);
      const seen = new Map<string, VM>();
      const listing = mergedListing(registry.list(), { labels: { [LABEL_FEDERATION]: labelValue(this.o.federationId) } }, { concurrency: this.o.listConcurrency, signal: options.signal });
      for await (const vm of listing) seen.set(inventoryKey(vm.provider, vm.id), vm);
      const failed = new Set(listing.failures.map((f) => f.provider));
      const lost: string[] = [];
      const adopted: string[] = [];
      let refreshed = 0;
      const nowIso = this.iso();
      for (const [key, rec] of records) {
        const r = rec.value;
        if (r.status === 'deleted' || r.status === 'lost' || failed.has(r.provider)) continue;
        let vm = seen.get(key);
        if (!vm) {
          // Not listed: confirm with a direct read before calling it lost (listings can lag).
          const provider = registry.find(r.provider);
          vm = provider
            ? await withDeadline({ operation: 'getVM', provider: provider.name }, registry.timeouts(provider.name).callMs, options.signal, (signal) => provider.getVM(r.vmId, { signal })).catch((e: unknown) =>
                NotFoundError.isInstance(e) ? undefined : Promise.reject(e),
              )
            : undefined;
        }
        if (!vm || vm.state === 'terminated') {
          await store.put(key, { ...r, status: 'lost', state: vm?.state ?? 'terminated' } satisfies InventoryRecord, { expectedVersion: rec.version, fencing });
          lost.push(`${r.provider}/${r.vmId}`);
          events.publish('inventory.changed', { provider: r.provider, vmId: r.vmId, change: 'lost' });
          continue;
        }
        // The compute price as the provider now reports it (storage and egress keep their estimate).
        const compute = vm.hourlyPrice ? vm.hourlyPrice.amount * HOURS_PER_MONTH : undefined;
        const repriced = compute !== undefined && r.cost !== undefined && Math.abs(r.cost.compute - compute) > 1e-6;
        if (vm.state !== r.state || repriced) {
          const cost = repriced
            ? { ...r.cost!, compute: compute!, hourly: (compute! + r.cost!.storage + r.cost!.network) / HOURS_PER_MONTH, source: vm.hourlyPrice!.source, asOf: vm.hourlyPrice!.asOf }
            : r.cost;
          await store.put(key, { ...r, state: vm.state, cost, lastSeenAt: nowIso } satisfies InventoryRecord, { expectedVersion: rec.version, fencing });
          refreshed++;
          events.publish('inventory.changed', { provider: r.provider, vmId: r.vmId, change: 'refreshed' });
        }
      }
      for (const [key, vm] of seen) {
        if (records.has(key) || vm.state === 'terminated') continue;
        const record = inventoryRecord(vm, 'adopted', nowIso, {
          cost: vm.hourlyPrice
            ? { hourly: vm.hourlyPrice.amount, compute: vm.hourlyPrice.amount * HOURS_PER_MONTH, storage: 0, network: 0, source: vm.hourlyPrice.source, asOf: vm.hourlyPrice.asOf }
            : undefined,
        });
        await store.put(key, record, { expectedVersion: null, fencing });
        adopted.push(`${vm.provider}/${vm.id}`);
        events.publish('inventory.changed', { provider: vm.provider, vmId: vm.id, change: 'adopted' });
      }
      await this.refreshGauges();
      return {
        skipped: false,
        checked: records.size,
        lost,
        adopted,
        refreshed,
        failures: listing.failures.map((f) => ({ provider: f.provider, code: f.code, message: f.message })),
        creates,
      };
    } finally {
      await store.releaseLease(lease).catch(() => undefined);
    }
  }

  /**
   * Recomputes the VM-count and cost gauges from every record (after deletes and
   * reconciliation); a create only adds its own VM to the totals, so it costs no full listing.
   */
  async refreshGauges(): Promise<void> {
    const totals: GaugeTotals = { counts: new Map(), costs: new Map() };
    this.totals = totals;
    for await (const { value: r } of this.o.store.list<InventoryRecord>('vms')) this.count(r, 1);
    this.publishGauges();
  }

  private count(r: InventoryRecord, sign: 1 | -1): void {
    if (r.status !== 'active' && r.status !== 'adopted') return;
    const { counts, costs } = this.totals!;
    const k = `${r.provider}|${r.region}`;
    counts.set(k, (counts.get(k) ?? 0) + sign);
    const c = costs.get(r.provider) ?? { compute: 0, storage: 0, network: 0 };
    if (r.cost) {
      c.compute += sign * r.cost.compute;
      c.storage += sign * r.cost.storage;
      c.network += sign * r.cost.network;
    }
    costs.set(r.provider, c);
  }

  private publishGauges(): void {
    const { counts, costs } = this.totals!;
    for (const k of this.gauges.keys()) if (!counts.has(k)) counts.set(k, 0);
    for (const [k, n] of counts) {
      const [provider, region] = k.split('|') as [string, string];
      this.o.metrics.vmsTotal.set({ provider, region }, n);
      this.gauges.set(k, n);
    }
    for (const name of this.o.registry.names()) {
      const c = costs.get(name) ?? { compute: 0, storage: 0, network: 0 };
      for (const type of ['compute', 'storage', 'network'] as const) this.o.metrics.providerCostsDollars.set({ provider: name, type }, c[type]);
    }
  }

  private iso(): string {
    return new Date(this.o.now()).toISOString();
  }
}

/** VM counts by provider and region, and monthly costs by provider. */
interface GaugeTotals {
  readonly counts: Map<string, number>;
  readonly costs: Map<string, { compute: number; storage: number; network: number }>;
}

/** An inventory record for a VM as its provider reports it. */
function inventoryRecord(
  vm: VM,
  status: InventoryRecord['status'],
  at: string,
  extra: Partial<Pick<InventoryRecord, 'requestId' | 'group' | 'spec' | 'cost' | 'decision'>>,
): InventoryRecord {
  return {
    ...(extra.group !== undefined ? { group: extra.group } : {}),
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
