/**
 * Placement: the engine that decides where a VM goes, its inputs (requests, policies, provider
 * defaults, exclusions, latency) and the decisions it returns. This list is what the rest of
 * the federation layer and the public entry may use; the rules, the search and the scorer stay
 * internal to this folder.
 */
export { BlockList, type BlockScope } from './block-list.js';
export {
  DecisionParts,
  RefusedDecision,
  type AppliedPolicy,
  type PlacementCandidate,
  type PlacementDecision,
  type PolicyBonus,
  type RejectedCandidate,
  type ScoreComponents,
} from './decision.js';
export { combineExclusions, type PlacementExclusions } from './exclusions.js';
export { estimateRttMs, greatCircleKm, LatencyMatrix, type LatencyFigure, type LatencyMatrixOptions } from './latency-matrix.js';
export { PlacementEngine, type DecideOptions, type PlacementEngineOptions } from './placement-engine.js';
export type { PlacementProvider, ProviderDefaults } from './placement-provider.js';
export {
  hasCapability,
  PLACEMENT_STRATEGIES,
  STRATEGY_WEIGHTS,
  type CapabilityConstraint,
  type CapabilityName,
  type CostConstraint,
  type PlacementConstraint,
  type PlacementRequest,
  type PlacementStrategy,
  type ProviderConstraint,
  type RegionNearConstraint,
  type RegionSetConstraint,
  type ScoreWeights,
  type SpotPolicy,
  type ZoneConstraint,
} from './placement-request.js';
export {
  conditionHolds,
  orderPolicies,
  targetMatches,
  type ConditionOperator,
  type DistributeAction,
  type Policy,
  type PolicyAction,
  type PolicyCondition,
  type PolicySubject,
  type PreferAction,
  type RequireAction,
  type RestrictAction,
} from './policy.js';
export {
  BURSTABLE_PERFORMANCE,
  CARBON_REFERENCE_GRAMS_PER_HOUR,
  compareCandidates,
  complianceScore,
  isBurstable,
  performanceScore,
  SPOT_STEADINESS,
} from './scoring.js';
