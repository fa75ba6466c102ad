/**
 * Typed events. Every payload passes through `redact` before listeners see it, so an event
 * can never carry a credential out of the library.
 */
import { EventEmitter } from 'eventemitter3';
import { redact } from './redact.js';
import type { VM, VMState } from './types.js';

/** A VM was created (or adopted by an idempotent retry: `reused: true`). */
export interface VMCreatedEvent {
  /** Provider name. */
  readonly provider: string;
  /** The VM as the provider reported it. */
  readonly vm: VM;
  /** The idempotency key returned an existing VM instead of creating one. */
  readonly reused: boolean;
}

/** A VM was deleted. */
export interface VMDeletedEvent {
  /** Provider name. */
  readonly provider: string;
  /** VM id. */
  readonly vmId: string;
}

/** A VM changed state. */
export interface VMStateChangedEvent {
  /** Provider name. */
  readonly provider: string;
  /** VM id. */
  readonly vmId: string;
  /** Previous normalized state. */
  readonly from: VMState;
  /** New normalized state. */
  readonly to: VMState;
  /** Why, when the cloud said (e.g. a spot interruption). */
  readonly reason?: string | undefined;
}

/** An operation failed with a retryable error and will be tried again. */
export interface OperationRetriedEvent {
  /** Provider name, when the operation targets one. */
  readonly provider: string | undefined;
  /** Operation name, e.g. `createVM`. */
  readonly operation: string;
  /** Attempt that failed (1 for the first). */
  readonly attempt: number;
  /** Delay before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Code of the error that caused the retry. */
  readonly errorCode: string;
  /** Message of that error (redacted). */
  readonly message: string;
}

/** An operation failed for good. */
export interface OperationFailedEvent {
  /** Provider name, when the operation targets one. */
  readonly provider: string | undefined;
  /** Operation name. */
  readonly operation: string;
  /** Error code. */
  readonly errorCode: string;
  /** Error message (redacted). */
  readonly message: string;
}

/** Placement chose where a VM goes. */
export interface PlacementDecidedEvent {
  /** VM name. */
  readonly vmName: string;
  /** Chosen provider. */
  readonly provider: string;
  /** Chosen region. */
  readonly region: string;
  /** Chosen instance type. */
  readonly instanceType: string;
  /** Spot capacity. */
  readonly spot: boolean;
  /** Price per hour. */
  readonly hourlyPrice: number;
  /** Score of the choice. */
  readonly score: number;
  /** Feasible candidates considered. */
  readonly candidates: number;
}

/** A create attempt failed and the federation moves on to the next candidate. */
export interface FailoverEvent {
  /** VM name. */
  readonly vmName: string;
  /** Provider that refused. */
  readonly provider: string;
  /** Region of the attempt. */
  readonly region: string;
  /** Zone of the attempt, when named. */
  readonly zone: string | undefined;
  /** Instance type of the attempt. */
  readonly instanceType: string;
  /** Error code. */
  readonly errorCode: string;
  /** Error message (redacted). */
  readonly message: string;
  /** What was blocked as a result. */
  readonly blocked: 'zone' | 'region' | 'provider' | 'candidate';
}

/** Reconciliation changed the inventory. */
export interface InventoryEvent {
  /** Provider name. */
  readonly provider: string;
  /** VM id. */
  readonly vmId: string;
  /** What happened: a VM deleted out of band, or a labelled VM adopted. */
  readonly change: 'lost' | 'adopted' | 'refreshed';
}

/**
 * A provider works with less than it should: a source it uses is out of reach and it fell back
 * (e.g. AWS list prices from the bundled snapshot when the Price List API refuses). Published
 * once per cause, not per call.
 */
export interface ProviderDegradedEvent {
  /** Provider name. */
  readonly provider: string;
  /** What is degraded (`pricing`, ...). */
  readonly capability: string;
  /** What it fell back to (`bundled-snapshot`, `unpriced`, ...). */
  readonly fallback: string;
  /** Why (redacted error message). */
  readonly message: string;
}

/**
 * A decision or a cost estimate used a price older than the component accepts (its
 * `maxPriceAgeDays`, default 90), or one whose date cannot be read. Published once per
 * (source, asOf) per component — the CostOptimizer and the FederationManager each keep their own
 * record — not once per call; the explanation of each affected result says so too.
 */
export interface PriceStaleEvent {
  /** Which component used the price (`cost-optimizer`, `federation`). */
  readonly component: string;
  /** Provider of the first offer found stale: the cloud kind in the optimizer, the registered name in the federation. */
  readonly provider: string;
  /** Region of that offer. */
  readonly region: string;
  /** Instance type of that offer. */
  readonly instanceType: string;
  /** Where the price came from (`bundled-snapshot:aws`, ...). */
  readonly source: string;
  /** The date the price describes, as the source recorded it. */
  readonly asOf: string;
  /** Whole days since `asOf` by the component's clock; `undefined` when `asOf` is not a date. */
  readonly ageDays: number | undefined;
  /** The oldest age the component accepts. */
  readonly maxAgeDays: number;
}

/** A configuration section was read but has no effect yet (its feature has not landed). */
export interface ConfigIgnoredEvent {
  /** The section, as a path in the document (`spec.networking`). */
  readonly section: string;
  /** What is ignored and why. */
  readonly message: string;
}

/** A network resource was created, accepted or deleted (a VPN gateway, a peering, a route, ...). */
export interface NetworkChangedEvent {
  /** Provider name. */
  readonly provider: string;
  /** What happened. */
  readonly action: 'created' | 'accepted' | 'deleted';
  /** Kind of resource (`vpn-gateway`, `peering`, ...). */
  readonly resourceType: string;
  /** The cloud's id. */
  readonly resourceId: string;
  /** Its state after the change. */
  readonly state: string;
}

/** A step of a migration started or settled (`FederationManager.migrateVM`, `resumeMigrations`). */
export interface MigrationStepEvent {
  /** The migration. */
  readonly migrationId: string;
  /** The step (`lock`, `stop-source`, `export`, `transfer`, `import`, `verify`, `switch`, `grace`, ...). */
  readonly step: string;
  /** Where the step stands now. */
  readonly status: 'started' | 'succeeded' | 'failed' | 'uncertain';
  /** Provider of the VM moved. */
  readonly sourceProvider: string;
  /** Id of the VM moved. */
  readonly sourceVmId: string;
  /** Provider it moves to. */
  readonly targetProvider: string;
  /** Error code, when the step failed or is uncertain. */
  readonly errorCode?: string | undefined;
  /** Error message (redacted), when the step failed or is uncertain. */
  readonly message?: string | undefined;
}

/** A migration reached a new status. */
export interface MigrationStatusEvent {
  /** The migration. */
  readonly migrationId: string;
  /** Its new status. */
  readonly status: 'running' | 'grace-period' | 'completing' | 'succeeded' | 'rolling-back' | 'rolled-back' | 'failed';
  /** Provider of the VM moved. */
  readonly sourceProvider: string;
  /** Id of the VM moved. */
  readonly sourceVmId: string;
  /** Provider it moves to. */
  readonly targetProvider: string;
  /** Id of the VM at the target, once known. */
  readonly targetVmId?: string | undefined;
  /** Error code, for a failure, a rollback or a roll-forward step that failed. */
  readonly errorCode?: string | undefined;
  /** Error message (redacted). */
  readonly message?: string | undefined;
}

/** Every event novacron emits, by name. */
export interface NovacronEventMap {
  /** A VM was created. */
  'vm.created': VMCreatedEvent;
  /** A VM was deleted. */
  'vm.deleted': VMDeletedEvent;
  /** A VM changed state. */
  'vm.state-changed': VMStateChangedEvent;
  /** A retryable failure will be retried. */
  'operation.retried': OperationRetriedEvent;
  /** An operation failed for good. */
  'operation.failed': OperationFailedEvent;
  /** Placement chose a candidate. */
  'placement.decided': PlacementDecidedEvent;
  /** A create attempt failed over to the next candidate. */
  'failover.attempt-failed': FailoverEvent;
  /** Reconciliation found a change. */
  'inventory.changed': InventoryEvent;
  /** A provider fell back from a source it could not reach. */
  'provider.degraded': ProviderDegradedEvent;
  /** A configuration section is read but not acted on yet. */
  'config.ignored': ConfigIgnoredEvent;
  /** A price older than the component accepts was used (once per source and date). */
  'price.stale': PriceStaleEvent;
  /** A network resource changed. */
  'network.changed': NetworkChangedEvent;
  /** A migration step started or settled. */
  'migration.step': MigrationStepEvent;
  /** A migration reached a new status. */
  'migration.status': MigrationStatusEvent;
}

/** Names of {@link NovacronEventMap} events. */
export type NovacronEventName = keyof NovacronEventMap;

/** Every event name, at run time (kept complete by the compiler). */
export const NOVACRON_EVENT_NAMES = Object.keys({
  'vm.created': true,
  'vm.deleted': true,
  'vm.state-changed': true,
  'operation.retried': true,
  'operation.failed': true,
  'placement.decided': true,
  'failover.attempt-failed': true,
  'inventory.changed': true,
  'provider.degraded': true,
  'price.stale': true,
  'config.ignored': true,
  'network.changed': true,
  'migration.step': true,
  'migration.status': true,
} satisfies Record<NovacronEventName, true>) as readonly NovacronEventName[];

/** Listener signatures of an {@link EventBus}, one per event. */
export type NovacronListeners = { [K in NovacronEventName]: (event: NovacronEventMap[K]) => void };

/**
 * An event emitter whose payloads are redacted on the way out. Pass one instance to several
 * providers and managers to observe them all in one place.
 */
export class EventBus extends EventEmitter<NovacronListeners> {
  /** Emits `event` with a redacted copy of `payload`; returns whether anyone listened. */
  publish<K extends NovacronEventName>(event: K, payload: NovacronEventMap[K]): boolean {
    if (this.listenerCount(event) === 0) return false;
    const safe = redact(payload) as NovacronEventMap[K];
    return (this.emit as (e: K, p: NovacronEventMap[K]) => boolean)(event, safe);
  }
}

/** Creates an {@link EventBus}. */
export function createEventBus(): EventBus {
  return new EventBus();
}
