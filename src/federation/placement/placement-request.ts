/**
 * What one VM asks of placement: hard constraints, a strategy, score weights and a failover
 * order. The VirtualMachine manifest's `spec.federation` maps onto this one to one.
 */
import type { ProviderCapabilities } from '../../provider/types.js';

/** Provider must (`in`) or must not (`notIn`) be one of `values` (provider names or kinds). */
export interface ProviderConstraint {
  /** Constraint kind. */
  readonly type: 'provider';
  /** `in` or `notIn`. */
  readonly operator: 'in' | 'notIn';
  /** Provider names (`aws-us-east`) or kinds (`aws`). */
  readonly values: readonly string[];
}

/** Region must (`in`) or must not (`notIn`) be one of `values`. */
export interface RegionSetConstraint {
  /** Constraint kind. */
  readonly type: 'region';
  /** `in` or `notIn`. */
  readonly operator: 'in' | 'notIn';
  /** Region names. */
  readonly values: readonly string[];
}

/** Region must be within `maxLatencyMs` round trip of `value`. */
export interface RegionNearConstraint {
  /** Constraint kind. */
  readonly type: 'region';
  /** `near`. */
  readonly operator: 'near';
  /** The reference region (any cloud's name). */
  readonly value: string;
  /** Longest acceptable round trip, in ms. Without it, `near` only feeds the location score. */
  readonly maxLatencyMs?: number | undefined;
}

/** Zone must (`in`) or must not (`notIn`) be one of `values`. */
export interface ZoneConstraint {
  /** Constraint kind. */
  readonly type: 'zone';
  /** `in` or `notIn`. */
  readonly operator: 'in' | 'notIn';
  /** Zone names. */
  readonly values: readonly string[];
}

/** Hourly price must stay under (`<`) or at most (`<=`) `value`, in USD. */
export interface CostConstraint {
  /** Constraint kind. */
  readonly type: 'cost';
  /** `<` or `<=`. */
  readonly operator: '<' | '<=';
  /** Price per hour. */
  readonly value: number;
}

/** Names of the boolean capabilities a constraint can require. */
export type CapabilityName = 'spot' | 'gpu' | 'reservedPricing' | 'stopStart' | 'deallocate' | 'vpn' | 'peering' | 'export' | 'import';

/** The provider must declare every capability in `values`. */
export interface CapabilityConstraint {
  /** Constraint kind. */
  readonly type: 'capability';
  /** `has`. */
  readonly operator: 'has';
  /** Capabilities required. */
  readonly values: readonly CapabilityName[];
}

/** One hard constraint of a placement. */
export type PlacementConstraint = ProviderConstraint | RegionSetConstraint | RegionNearConstraint | ZoneConstraint | CostConstraint | CapabilityConstraint;

/** How candidates are ranked. */
export type PlacementStrategy = 'cost-optimized' | 'performance' | 'balanced' | 'carbon';

/** Every {@link PlacementStrategy}. */
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['cost-optimized', 'performance', 'balanced', 'carbon'];

/** Weights of the score components; each component is normalized to 0–1 (1 is best). */
export interface ScoreWeights {
  /** Cheapness: the cheapest feasible candidate's price over this one's. */
  readonly cost: number;
  /** Steadiness: on-demand over spot (by interruption rate), dedicated over burstable CPUs. */
  readonly performance: number;
  /** Fit with the VM's residency label (`data-residency`). */
  readonly compliance: number;
  /** Closeness to the `near` region. */
  readonly location: number;
  /** Lowest emissions: the cleanest feasible candidate's grams CO2e per hour over this one's. */
  readonly carbon: number;
}

/** The weights each strategy uses (frozen: decisions share them). `balanced` is the specification's 40/30/20/10. */
export const STRATEGY_WEIGHTS: Readonly<Record<PlacementStrategy, ScoreWeights>> = Object.freeze({
  'cost-optimized': Object.freeze({ cost: 1, performance: 0, compliance: 0, location: 0, carbon: 0 }),
  performance: Object.freeze({ cost: 0.1, performance: 0.6, compliance: 0, location: 0.3, carbon: 0 }),
  balanced: Object.freeze({ cost: 0.4, performance: 0.3, compliance: 0.2, location: 0.1, carbon: 0 }),
  carbon: Object.freeze({ cost: 0.3, performance: 0.1, compliance: 0, location: 0, carbon: 0.6 }),
});

/**
 * Whether spot capacity may be used: `require` (only spot), `forbid` (never), or
 * `provider-default` (on-demand everywhere, plus spot on providers whose defaults say
 * `spotEnabled: true` and wherever a `prefer: [spot-instances]` policy applies).
 */
export type SpotPolicy = 'require' | 'forbid' | 'provider-default';

/** What one VM asks of placement. */
export interface PlacementRequest {
  /** Ranking strategy (default `balanced`). */
  readonly strategy?: PlacementStrategy | undefined;
  /** Hard constraints. */
  readonly constraints?: readonly PlacementConstraint[] | undefined;
  /** Overrides of the strategy's weights. */
  readonly weights?: Partial<ScoreWeights> | undefined;
  /** Spot use (default: `require` when the spec says `spot: true`, else `provider-default`). */
  readonly spot?: SpotPolicy | undefined;
  /** Failover order: after the chosen candidate fails, providers are tried in this order. */
  readonly failoverPriority?: readonly string[] | undefined;
}

/** True when a provider declares a capability. */
export function hasCapability(capabilities: ProviderCapabilities, name: CapabilityName): boolean {
  if (name === 'export') return capabilities.exportFormats.length > 0;
  if (name === 'import') return capabilities.importFormats.length > 0;
  return capabilities[name];
}
