/**
 * The shapes of placement plans: what `optimizePlacement` proposes and `applyPlan` carries out.
 * Plain data (JSON-safe), so a plan can be stored, shown, reviewed and applied later.
 */
import type { CallOptions } from '../../provider/provider-v1.js';
import type { InterruptionBucket, ProviderKind } from '../../provider/types.js';
import type { PlacementConstraint, PlacementStrategy } from '../placement/index.js';
import type { PlacementTarget } from '../placement-target.js';

/** Which VMs of the inventory a plan considers (all given fields must match; default: every active VM). */
export interface PlanScope {
  /** Registered provider names the VMs run on. */
  readonly providers?: readonly string[] | undefined;
  /** VM names. */
  readonly names?: readonly string[] | undefined;
  /** Groups (the idempotency key a `createGroup` was called with). */
  readonly groups?: readonly string[] | undefined;
  /** Labels every VM must carry (key and value). */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** A time of day when migrations may start: from each fire of `cron` (croner syntax), for `durationMinutes`. */
export interface MigrationWindow {
  /** When the window opens, e.g. `"0 2 * * *"` (02:00 every day). */
  readonly cron: string;
  /** How long it stays open, in minutes. */
  readonly durationMinutes: number;
  /** IANA time zone of `cron` (default `UTC`). */
  readonly timezone?: string | undefined;
}

/** Limits on disruption, like Karpenter's disruption budgets, across clouds. */
export interface PlanBudgets {
  /** Migrations running at once: the size of each wave (default 2). */
  readonly maxConcurrentMigrations?: number | undefined;
  /** Largest share (0–1) of one group moved in one wave, at least one VM (default 0.5). */
  readonly maxGroupShare?: number | undefined;
  /** Longest payback accepted, in days (default 30); moves to fix a broken policy are exempt. */
  readonly maxPaybackDays?: number | undefined;
  /** Windows in which `applyPlan` may start a migration (default: any time). */
  readonly windows?: readonly MigrationWindow[] | undefined;
}

/** The budgets with every default filled in. */
export interface ResolvedPlanBudgets {
  /** See {@link PlanBudgets.maxConcurrentMigrations}. */
  readonly maxConcurrentMigrations: number;
  /** See {@link PlanBudgets.maxGroupShare}. */
  readonly maxGroupShare: number;
  /** See {@link PlanBudgets.maxPaybackDays}. */
  readonly maxPaybackDays: number;
  /** See {@link PlanBudgets.windows}. */
  readonly windows: readonly MigrationWindow[];
}

/** Options of `FederationManager.optimizePlacement`. */
export interface OptimizePlacementOptions extends CallOptions {
  /** Strategy to score by (default: the one each VM was placed with, else `cost-optimized`). */
  readonly strategy?: PlacementStrategy | undefined;
  /** Which VMs to consider. */
  readonly scope?: PlanScope | undefined;
  /** Constraints every VM's new placement must meet, besides the federation's policies. */
  readonly constraints?: readonly PlacementConstraint[] | undefined;
  /** Smallest gain of score (0–1 scale) a move must bring (default 0.02). */
  readonly minScoreGain?: number | undefined;
  /** Smallest monthly saving a move must bring, in the prices' currency (default 1); moves to fix a broken policy are exempt. */
  readonly minMonthlySavings?: number | undefined;
  /** Disruption limits. */
  readonly budgets?: PlanBudgets | undefined;
  /** Migrations keep the source serving until the cut-over (shorter downtime; default `true`). */
  readonly liveMigration?: boolean | undefined;
  /** Throughput assumed for export, conversion and transfer, MiB/s (default 50). */
  readonly transferMiBps?: number | undefined;
  /** Egress price per GB leaving a cloud (default: the bundled price snapshot's list price; 0 when it has none). */
  readonly egressPricePerGB?: ((kind: ProviderKind) => number | undefined) | undefined;
}

/** One end of a proposed move: where, and at what price now. */
export interface PlannedPlacement extends PlacementTarget {
  /** Cloud kind. */
  readonly providerKind: ProviderKind;
  /** Price per hour now. */
  readonly hourlyPrice: number;
  /** Its currency. */
  readonly currency: string;
  /** Score under the plan's strategy, on the same scale for both ends. */
  readonly score: number;
}

/** A move the plan proposes. */
export interface MigrationProposal {
  /** The VM. */
  readonly vm: {
    /** Registered provider name. */
    readonly provider: string;
    /** VM id at that provider. */
    readonly id: string;
    /** VM name. */
    readonly name: string;
    /** Group it belongs to, if any. */
    readonly group: string | undefined;
  };
  /** Where it runs. */
  readonly from: PlannedPlacement;
  /** Where it would run. */
  readonly to: PlannedPlacement;
  /** Why: `cheaper`, `better-score` (same or higher price, better by the strategy), or `policy` (where it runs breaks a policy now). */
  readonly reason: 'cheaper' | 'better-score' | 'policy';
  /** Saving per month (730 h) at today's prices; negative when the move costs more. */
  readonly monthlySavings: number;
  /** What moving costs once: the disk leaving the source cloud at its egress price. */
  readonly oneOffCost: number;
  /** Days until the saving repays the one-off cost (`0` when it costs nothing; `null` when it never does). */
  readonly paybackDays: number | null;
  /** Data moved, GiB (the boot disk). */
  readonly transferGiB: number;
  /** Export, conversion and transfer time, minutes. */
  readonly transferMinutes: number;
  /** Expected downtime, minutes (the cut-over when live; the whole move otherwise). */
  readonly expectedDowntimeMinutes: number;
  /** Interruption risk of the target: `on-demand`, or its spot interruption bucket. */
  readonly risk: 'on-demand' | InterruptionBucket | 'unknown';
  /** Monthly saving per minute of downtime: the ranking key. */
  readonly savingsPerDisruption: number;
  /** Wave it runs in (0 first): each wave stays within the budgets. */
  readonly wave: number;
}

/** A VM the plan considered and did not move, and why. */
export interface PlanSkip {
  /** Provider name. */
  readonly provider: string;
  /** VM id. */
  readonly id: string;
  /** VM name. */
  readonly name: string;
  /** Why it stays. */
  readonly reason: string;
}

/** What a plan's moves were chosen by, kept so that `applyPlan` re-validates by the same measure. */
export interface PlanCriteria {
  /** See {@link OptimizePlacementOptions.strategy}. */
  readonly strategy: PlacementStrategy | undefined;
  /** See {@link OptimizePlacementOptions.constraints}. */
  readonly constraints: readonly PlacementConstraint[];
  /** See {@link OptimizePlacementOptions.minScoreGain}. */
  readonly minScoreGain: number;
  /** See {@link OptimizePlacementOptions.minMonthlySavings}. */
  readonly minMonthlySavings: number;
  /** See {@link OptimizePlacementOptions.liveMigration}. */
  readonly liveMigration: boolean;
  /** See {@link OptimizePlacementOptions.transferMiBps}. */
  readonly transferMiBps: number;
}

/** What `optimizePlacement` proposes: deterministic for the same inventory, prices and options. */
export interface PlacementPlan {
  /** Content hash of the plan: the same inventory, prices and options give the same id. */
  readonly id: string;
  /** When it was made (ISO 8601). */
  readonly createdAt: string;
  /** The strategy asked for (`undefined`: each VM's own). */
  readonly strategy: PlacementStrategy | undefined;
  /** The moves, in the order they run (by wave, then by saving per disruption). */
  readonly proposals: readonly MigrationProposal[];
  /** VMs that stay, with the reason (no better place, payback too long, a budget, a policy). */
  readonly skipped: readonly PlanSkip[];
  /** Sum of the proposals' monthly savings. */
  readonly monthlySavings: number;
  /** Sum of their one-off costs. */
  readonly oneOffCost: number;
  /** The budgets the plan was cut to. */
  readonly budgets: ResolvedPlanBudgets;
  /** What the moves were chosen by. */
  readonly criteria: PlanCriteria;
  /** VMs considered. */
  readonly considered: number;
}

/** What happened to one proposal in `applyPlan`. */
export interface AppliedProposal {
  /** The proposal. */
  readonly proposal: MigrationProposal;
  /** `migrated` (or under way: in its grace period), `dry-run`, `skipped` (stale at re-validation), `deferred` (outside the windows, or aborted), `failed`. */
  readonly status: 'migrated' | 'dry-run' | 'skipped' | 'deferred' | 'failed';
  /** The migration's id, when one started. */
  readonly migrationId?: string | undefined;
  /** Why it was skipped, deferred or failed. */
  readonly reason?: string | undefined;
}

/** Options of `FederationManager.applyPlan`. */
export interface ApplyPlanOptions extends CallOptions {
  /** Re-validate and report what would run, without migrating (default `false`). */
  readonly dryRun?: boolean | undefined;
  /** Migrations at once (default and maximum: the plan's `maxConcurrentMigrations`). */
  readonly concurrency?: number | undefined;
}

/** What `applyPlan` did, proposal by proposal. */
export interface ApplyPlanResult {
  /** The plan's id. */
  readonly planId: string;
  /** One entry per proposal, in the plan's order. */
  readonly results: readonly AppliedProposal[];
}
