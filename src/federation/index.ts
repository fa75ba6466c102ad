/**
 * The FederationManager: placement, failover, inventory and configuration. This list is what a
 * host sees of the federation layer (the root entry re-exports it); the engine, the search, the
 * block list and the create machinery stay internal.
 */
export { FederationManager, type FailoverOptions, type FederationManagerOptions, type FederationManagerSummary, type FromConfigOptions } from './federation-manager.js';
export type { AttemptRecord, CreateVMResult, SettledCreate } from './create-vm.js';
export type { GroupResult } from './groups.js';
export type { InventoryCost, InventoryDecision, InventoryRecord, ProviderFailure, ReconcileReport, StoredSpec } from './inventory.js';
export type { Logger } from './logger.js';
export { debugLogger, pinoLogger, type DebugLoggerOptions, type FieldsFirstLogger } from './logger.js';
export type { ProviderRegistration, ProviderTimeouts } from './provider-registry.js';
export type { ReconcilerHandle, ReconcilerOptions } from './reconciler.js';
export { memoryProviderOptions } from './built-in-factories.js';
export type {
  AppliedProposal,
  ApplyPlanOptions,
  ApplyPlanResult,
  MigrationProposal,
  MigrationWindow,
  OptimizePlacementOptions,
  PlacementPlan,
  PlanBudgets,
  PlanCriteria,
  PlannedPlacement,
  PlanScope,
  PlanSkip,
  ResolvedPlanBudgets,
} from './plans/plan-types.js';
export type { OptimizationHandle, OptimizationRun, OptimizationScheduleOptions } from './plans/optimization-schedule.js';
export type {
  MigrateVMOptions,
  MigrationArtifactStores,
  MigrationCostEstimate,
  MigrationDefaults,
  MigrationPath,
  MigrationRecord,
  MigrationResult,
  MigrationSource,
  MigrationStatus,
  MigrationStepName,
  MigrationStepRecord,
  MigrationTarget,
  MigrationTransferOptions,
  ResumedMigration,
  ResumeMigrationsOptions,
} from './migration/migration-types.js';
export { RecordingTrafficSwitcher, type RecordingTrafficSwitcherOptions, type TrafficSwitchContext, type TrafficSwitcher, type TrafficSwitchRecord } from './migration/traffic-switcher.js';
export { runningByProvider, type HealthCheck, type HealthCheckContext } from './migration/health-check.js';
export { HealthCheckFailedError, MigrationConflictError, MigrationFailedError } from './migration/migration-errors.js';
export type { VMRef } from './migration/traffic-switcher.js';
export type { StepStatus, StoredError } from './operations/operation-record.js';
export type { CreateGroupOptions, FederatedCreateOptions, PlaceOptions, VMRequestInput } from './request-input.js';
export {
  AllCandidatesFailedError,
  ConfigError,
  GroupIncompleteError,
  OutcomeUncertainError,
  PlacementRefusedError,
  type FailedAttempt,
  type GroupMember,
  type RejectionSummary,
  type ReplicaFailure,
  type UncertainAttempt,
} from './federation-errors.js';
export type { PlacementTarget } from './placement-target.js';
export {
  DecisionParts,
  LatencyMatrix,
  PLACEMENT_STRATEGIES,
  RefusedDecision,
  STRATEGY_WEIGHTS,
  type AppliedPolicy,
  type CapabilityConstraint,
  type CapabilityName,
  type ConditionOperator,
  type CostConstraint,
  type DistributeAction,
  type LatencyFigure,
  type LatencyMatrixOptions,
  type PlacementCandidate,
  type PlacementConstraint,
  type PlacementDecision,
  type PlacementRequest,
  type PlacementStrategy,
  type Policy,
  type PolicyAction,
  type PolicyBonus,
  type PolicyCondition,
  type PolicySubject,
  type PreferAction,
  type ProviderConstraint,
  type ProviderDefaults,
  type RegionNearConstraint,
  type RegionSetConstraint,
  type RejectedCandidate,
  type RequireAction,
  type RestrictAction,
  type ScoreComponents,
  type ScoreWeights,
  type SpotPolicy,
  type ZoneConstraint,
} from './placement/index.js';
export {
  API_VERSION,
  loadFederationConfig,
  loadVirtualMachine,
  type FederationConfig,
  type LoadOptions,
  type OptimizationSettings,
  type ProviderEntry,
  type VirtualMachineManifest,
} from './config.js';
export type { FederatedListing, ProviderListingFailure } from './merged-listing.js';
export type { ProviderFactory } from './built-in-factories.js';
