/**
 * What a placement decision says: the chosen candidate and the ranking, every rejection with its
 * rule, and the strategy, weights and policies it used. These are the shapes callers read; how
 * they are produced lives beside them (rules.ts, search.ts, scoring.ts) and how they read as text
 * in explanation.ts, so a caller's view of a decision does not move when the search does.
 */
import { INSPECT } from '../../provider/display.js';
import type { Offer, ProviderKind } from '../../provider/types.js';
import type { RejectionSummary } from '../federation-errors.js';
import type { PlacementTarget } from '../placement-target.js';
import { describeDecision, renderDecision, summarizeDecision } from './explanation.js';
import type { PlacementStrategy, ScoreWeights, SpotPolicy } from './placement-request.js';

/** Score components of a candidate, each 0–1 (1 best). */
export interface ScoreComponents {
  /** Cheapest feasible price over this one's. */
  readonly cost: number;
  /** Headroom and uninterrupted-running chance. */
  readonly performance: number;
  /** Residency fit. */
  readonly compliance: number;
  /** Closeness to the `near` region. */
  readonly location: number;
  /** Cleanest feasible emissions over this one's. */
  readonly carbon: number;
}

/** Score a `prefer` policy added to a candidate. */
export interface PolicyBonus {
  /** Policy name. */
  readonly policy: string;
  /** Score added. */
  readonly weight: number;
}

/** A feasible placement with its score. */
export interface PlacementCandidate extends PlacementTarget {
  /** Cloud kind of the provider (the offer's `provider`); `provider` is the registered name. */
  readonly providerKind: ProviderKind;
  /** Zone to ask for, when one must be named (zone-priced offers, or zones blocked after failures). */
  readonly zone: string | undefined;
  /** The offer, as the provider's catalog lists it (`offer.provider` is the cloud kind). */
  readonly offer: Offer;
  /** Why spot was allowed, when it is spot. */
  readonly spotReason: string | undefined;
  /** Price per hour the score used. */
  readonly hourlyPrice: number;
  /** Round trip to the `near` region, when there is one. */
  readonly latencyMs: number | undefined;
  /** Grams CO2e per hour, when known. */
  readonly carbonGramsPerHour: number | undefined;
  /** Normalized components. */
  readonly components: ScoreComponents;
  /** `prefer` policies that added to the score. */
  readonly bonuses: readonly PolicyBonus[];
  /** Weighted score plus bonuses. */
  readonly score: number;
}

/** A candidate turned down. */
export interface RejectedCandidate extends RejectionSummary {
  /** Zone, when the rejection concerns one. */
  readonly zone?: string | undefined;
  /** Instance type, when the rejection concerns one offer. */
  readonly instanceType?: string | undefined;
  /** The rule: `constraint:provider`, `policy:data-residency`, `blocked`, `no-fit`, ... */
  readonly rule: string;
}

/** A policy and whether it applied to this VM. */
export interface AppliedPolicy {
  /** Policy name. */
  readonly name: string;
  /** The condition held. */
  readonly applied: boolean;
  /** Action kind. */
  readonly action: string;
}

/** The outcome of placement: the choice, the ranking, and every rejection (fields shared with refusals in {@link DecisionParts}). */
export interface PlacementDecision extends DecisionParts {
  /** The best candidate. */
  readonly chosen: PlacementCandidate;
  /** Every scored candidate, best first (`chosen` is the first). */
  readonly ranked: readonly PlacementCandidate[];
  /** Renders the decision as a table a person can read. */
  explain(): string;
}

/** What every decision carries, feasible or not. */
export abstract class DecisionParts {
  /** Rejections (complete with `explain: true`; empty on the fast path). */
  declare readonly rejected: readonly RejectedCandidate[];
  /** Strategy used. */
  declare readonly strategy: PlacementStrategy;
  /** Weights used. */
  declare readonly weights: ScoreWeights;
  /** Spot policy used. */
  declare readonly spot: SpotPolicy;
  /** Policies considered, in priority order. */
  declare readonly policies: readonly AppliedPolicy[];
  /** Whether rejections were fully explained. */
  declare readonly explained: boolean;
  /** Every scored candidate, best first (empty for a refusal). */
  abstract readonly ranked: readonly PlacementCandidate[];
  /** @internal */
  constructor(parts: Omit<DecisionParts, 'ranked'>) {
    this.rejected = parts.rejected;
    this.strategy = parts.strategy;
    this.weights = parts.weights;
    this.spot = parts.spot;
    this.policies = parts.policies;
    this.explained = parts.explained;
  }

  /** One line: the choice with its price and score, or the refusal (`explain()` has the table). */
  toString(): string {
    return summarizeDecision(this);
  }

  /** What `util.inspect` (and `console.log`) shows: the summary and the first few candidates or rejections. */
  [INSPECT](): string {
    return describeDecision(this);
  }
}

/** A decision with a feasible candidate: the {@link PlacementDecision} the engine returns. */
export class Decision extends DecisionParts implements PlacementDecision {
  declare readonly chosen: PlacementCandidate;
  declare readonly ranked: readonly PlacementCandidate[];
  /** @internal `ranked` is not empty: its first is the choice. */
  constructor(parts: Omit<DecisionParts, 'ranked'>, ranked: readonly PlacementCandidate[]) {
    super(parts);
    this.chosen = ranked[0]!;
    this.ranked = ranked;
  }
  explain(limit = 20): string {
    return renderDecision(this, limit);
  }
}

/** A decision with no feasible candidate: its rejections say why. */
export class RefusedDecision extends DecisionParts {
  /** Always empty. */
  readonly ranked: readonly PlacementCandidate[] = [];
  /** Renders the refusal as a table. */
  explain(): string {
    return renderDecision(this, 0);
  }
}
