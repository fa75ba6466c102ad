/**
 * What the federation's parts share: one object handed to each, instead of long parameter
 * lists. Built once by the FederationManager.
 */
import type { PriceAgeWatch } from '../optimizer/price-age.js';
import type { EventBus } from '../provider/events.js';
import type { RetryPolicy } from '../provider/retry.js';
import type { StateStore } from '../state/state-store.js';
import type { BlockList } from './placement/index.js';
import type { CatalogCache } from './catalog-cache.js';
import type { Inventory } from './inventory.js';
import type { Logger } from './logger.js';
import type { Policy } from './placement/index.js';
import type { ProviderRegistry } from './provider-registry.js';

/** Failover settings with every default filled in. */
export interface ResolvedFailover {
  /** Candidates tried per run of a request. */
  readonly maxAttempts: number;
  /** How long a refusing zone, region or provider stays blocked, in ms. */
  readonly blockTtlMs: number;
  /** Retries of throttled calls on one candidate. */
  readonly throttleRetry: RetryPolicy;
  /** Lookups of an uncertain attempt before the request gives up on it (`OutcomeUncertainError`). */
  readonly resolveAttempts: number;
  /** Backoff between those lookups. */
  readonly resolveRetry: RetryPolicy;
}

/** The federation's shared parts. */
export interface FederationContext {
  readonly registry: ProviderRegistry;
  readonly catalog: CatalogCache;
  readonly inventory: Inventory;
  readonly store: StateStore;
  readonly events: EventBus;
  readonly log: Logger;
  readonly policies: readonly Policy[];
  readonly blocks: BlockList;
  /** Ages the prices decisions use; warns once per stale source and date. */
  readonly priceAge: PriceAgeWatch;
  readonly failover: ResolvedFailover;
  readonly now: () => number;
  readonly federationId: string;
  readonly replicaId: string;
}
