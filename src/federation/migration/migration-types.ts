/**
 * What a migration is asked, how it is configured, and what it reports: the public shapes of
 * `FederationManager.migrateVM`, `resumeMigrations`, `getMigration` and `listMigrations`.
 *
 * A migration is a durable operation (kind `migrateVM`) whose steps are, in order: `lock` →
 * `stop-source` (unless live) → `export` → `transfer` (across providers, when the target cannot
 * read the export where it is) → `import` → `verify` → `switch` → `grace` → `delete-source` →
 * `release-lock` → `cleanup`. A failure before the switch rolls back through `rollback`,
 * `revert-switch`, `restart-source`, `delete-target`, `cleanup` and `release-lock`; a failure
 * after it rolls forward.
 */
import type { ArtifactStore } from '../../provider/artifact-store.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { VM } from '../../provider/types.js';
import type { QemuImg, QemuImgOptions } from '../../artifacts/qemu-img.js';
import type { StepStatus, StoredError } from '../operations/operation-record.js';
import type { HealthCheck } from './health-check.js';
import type { TrafficSwitcher } from './traffic-switcher.js';

/** The VM to move: its provider (by registered name) and its id there. */
export interface MigrationSource {
  /** Registered provider name. */
  readonly provider: string;
  /** The VM's id at that provider. */
  readonly id: string;
}

/** Where the VM goes. Omitted fields keep the source's (same provider) or the target's defaults (another provider). */
export interface MigrationTarget {
  /** Registered provider name (the source's own for a region move or a resize). */
  readonly provider: string;
  /** Target region. */
  readonly region?: string | undefined;
  /** Target zone. */
  readonly zone?: string | undefined;
  /** Instance type at the target (a resize when the provider and region stay). */
  readonly instanceType?: string | undefined;
}

/**
 * How the disk moves, decided from the pair of providers:
 * - `resize`: same provider and region: export, then import with the new size;
 * - `region-move`: same provider, another region: the provider's export (its own image kind,
 *   e.g. an AMI that the AWS adapter copies on import) and import in the target region;
 * - `cross-provider`: export, transfer into the target's artifact store with conversion when the
 *   target cannot take the export as it is, then import.
 */
export type MigrationPath = 'resize' | 'region-move' | 'cross-provider';

/**
 * Where a migration stands:
 * - `running`: steps before the traffic switch are under way (or were, in a process that stopped);
 * - `grace-period`: traffic has moved to the target; the source is kept until the recorded deadline;
 * - `completing`: past the deadline, the source is being deleted and the leftovers cleaned up
 *   (a failure here is retried by `resumeMigrations`, never rolled back);
 * - `succeeded`: the target serves, the source is deleted, the lock released, the leftovers gone;
 * - `rolling-back`: a step before the switch failed and the migration is being undone;
 * - `rolled-back`: undone: the source runs as before, the target and every intermediate image are deleted;
 * - `failed`: refused before it changed anything (the VM was being migrated by another migration).
 */
export type MigrationStatus = 'running' | 'grace-period' | 'completing' | 'succeeded' | 'rolling-back' | 'rolled-back' | 'failed';

/** Names of the steps a migration records. */
export type MigrationStepName =
  | 'lock'
  | 'stop-source'
  | 'export'
  | 'transfer'
  | 'import'
  | 'verify'
  | 'switch'
  | 'grace'
  | 'delete-source'
  | 'release-lock'
  | 'cleanup'
  | 'rollback'
  | 'revert-switch'
  | 'restart-source'
  | 'delete-target';

/** One step of a migration, as `getMigration` reports it. */
export interface MigrationStepRecord {
  /** The step. */
  readonly name: MigrationStepName;
  /** Where it stands (`started` also for a step whose process stopped in it). */
  readonly status: StepStatus;
  /** When it (first) started (ISO 8601). */
  readonly startedAt: string;
  /** When it last settled (ISO 8601), once settled. */
  readonly settledAt?: string | undefined;
  /** From its first start to its last settlement, in ms. */
  readonly durationMs?: number | undefined;
  /** Why it failed, or why it was last retried. */
  readonly error?: StoredError | undefined;
}

/** What moving the VM costs, when the providers can price it (every figure with its source and date). */
export interface MigrationCostEstimate {
  /** ISO 4217 currency of the figures. */
  readonly currency: string;
  /** One-off egress of the disk image out of the source (`undefined` for a resize, or when not priced). */
  readonly transfer: number | undefined;
  /** What the source costs per hour. */
  readonly sourceHourly: number | undefined;
  /** What the target will cost per hour. */
  readonly targetHourly: number | undefined;
  /** Where the prices came from. */
  readonly source: string;
  /** When they were true. */
  readonly asOf: string;
}

/** A migration, as recorded: `FederationManager.getMigration` and `listMigrations`. */
export interface MigrationRecord {
  /** Migration id (`migration-<hash of the idempotency key>`). */
  readonly id: string;
  /** Where it stands. */
  readonly status: MigrationStatus;
  /** How the disk moves. */
  readonly path: MigrationPath;
  /** Whether the source kept running until the cut-over. */
  readonly live: boolean;
  /** The VM moved, with what it was when the migration began. */
  readonly source: MigrationSource & {
    /** VM name. */
    readonly name: string;
    /** Its region. */
    readonly region: string;
    /** Its instance type. */
    readonly instanceType: string;
  };
  /** Where it was asked to go. */
  readonly target: MigrationTarget;
  /** The VM made at the target, once its id is known. */
  readonly targetVm?:
    | {
        /** Provider name. */
        readonly provider: string;
        /** VM id at that provider. */
        readonly id: string;
      }
    | undefined;
  /** Every step, in the order they first started. */
  readonly steps: readonly MigrationStepRecord[];
  /** Bytes the migration moved between artifact stores (0 when the target read the export where it was). */
  readonly bytesMoved: number | undefined;
  /** What the move costs, when known. */
  readonly cost: MigrationCostEstimate | undefined;
  /** When the grace period ends and the source may be deleted (ISO 8601), once traffic has moved. */
  readonly graceDeadline?: string | undefined;
  /** Why it failed, rolled back, or why its last roll-forward step failed. */
  readonly error?: StoredError | undefined;
  /** What the migration could not clean up and a person should look at (an export whose answer was lost, say). */
  readonly leftovers: readonly string[];
  /** When it was first recorded (ISO 8601). */
  readonly createdAt: string;
  /** Last change (ISO 8601). */
  readonly updatedAt: string;
}

/** What `migrateVM` returns: the record, and the target VM as last read. */
export interface MigrationResult {
  /** Migration id. */
  readonly migrationId: string;
  /** Where it stands: `grace-period` (the default return point), `completing` or `succeeded`. */
  readonly status: MigrationStatus;
  /** The target VM, when it could be read. */
  readonly vm: VM | undefined;
  /** The full record. */
  readonly record: MigrationRecord;
}

/** Artifact stores for moves into one provider (`FederationManagerOptions.artifactStores[providerName]`). */
export interface MigrationArtifactStores {
  /**
   * Where images for imports into this provider are written (the transfer's destination): an S3
   * bucket for AWS, a container for Azure, a Cloud Storage bucket for GCP, Glance for OpenStack.
   * Without one, the provider is handed the export where it is, which works when both providers
   * read the same store (two memory providers sharing one image store, one cloud's own images).
   */
  readonly store?: ArtifactStore | undefined;
  /**
   * Stores the source providers' exports land in (the bucket an AWS export writes to, say): a
   * transfer reads the export from the one whose `keyOf` claims its location, and the clean-up
   * deletes intermediate images from it. Stores named under any provider are searched.
   */
  readonly from?: readonly ArtifactStore[] | undefined;
}

/** How `transferArtifact` runs for migrations. */
export interface MigrationTransferOptions {
  /** Folder for converted images (default the OS temporary folder). */
  readonly workDir?: string | undefined;
  /** The qemu-img to convert with, or options to find it (default `qemu-img` on `PATH`). */
  readonly qemuImg?: QemuImg | QemuImgOptions | undefined;
  /** Longest transfer, in ms (default 6 h). */
  readonly timeoutMs?: number | undefined;
}

/** Migration defaults of a manager (`FederationManagerOptions.migration`); `migrateVM` and `resumeMigrations` may override them per call. */
export interface MigrationDefaults {
  /** Decides whether the target is healthy (default: running, by the target provider's own `getVM`, polled until `verifyTimeoutMs`). */
  readonly healthCheck?: HealthCheck | undefined;
  /** Moves traffic from the source to the target (default: a `RecordingTrafficSwitcher` of the manager's own). */
  readonly trafficSwitcher?: TrafficSwitcher | undefined;
  /** How long the source is kept after the switch, in ms (default 5 minutes). */
  readonly gracePeriodMs?: number | undefined;
  /** Longest wait for the target to pass its health check, in ms (default 10 minutes). */
  readonly verifyTimeoutMs?: number | undefined;
  /** Longest export, in ms (default 60 minutes: a cloud's export task can take that long). */
  readonly exportTimeoutMs?: number | undefined;
  /** How transfers run. */
  readonly transfer?: MigrationTransferOptions | undefined;
}

/** Options of `FederationManager.migrateVM`. */
export interface MigrateVMOptions extends CallOptions {
  /**
   * Makes the call safe to repeat: the same key names the same migration (`migration-<hash>`),
   * which a repeated call resumes (or reports, when it has finished) instead of starting another.
   * Default: a random key.
   */
  readonly idempotencyKey?: string | undefined;
  /** Keep the source running until the cut-over (default `false`: the source is stopped first, for a consistent disk). */
  readonly liveMigration?: boolean | undefined;
  /** How long the source is kept after the switch, in ms (default: the manager's, 5 minutes). */
  readonly gracePeriodMs?: number | undefined;
  /**
   * Wait out the grace period and finish the migration before returning (abortably; default
   * `false`: return once the grace period has begun, status `grace-period`, and let whichever
   * process calls `resumeMigrations()` after the deadline delete the source).
   */
  readonly waitForGrace?: boolean | undefined;
  /** This call's health check (over the manager's). */
  readonly healthCheck?: HealthCheck | undefined;
  /** This call's traffic switcher (over the manager's). */
  readonly trafficSwitcher?: TrafficSwitcher | undefined;
  /** Longest wait for another replica that is running the same migration, in ms (default 0: a `MigrationConflictError` at once). */
  readonly waitForOtherReplicaMs?: number | undefined;
}

/** Options of `FederationManager.resumeMigrations`. */
export interface ResumeMigrationsOptions extends CallOptions {
  /** Health check for the migrations resumed (over the manager's). */
  readonly healthCheck?: HealthCheck | undefined;
  /** Traffic switcher for the migrations resumed (over the manager's). */
  readonly trafficSwitcher?: TrafficSwitcher | undefined;
  /** Wait out grace periods that have not ended (default `false`: such migrations are left `waiting`). */
  readonly waitForGrace?: boolean | undefined;
}

/** What `resumeMigrations` did with one unfinished migration. */
export interface ResumedMigration {
  /** Migration id. */
  readonly migrationId: string;
  /**
   * `finished`: it succeeded or rolled back now; `waiting`: its grace period has not ended;
   * `incomplete`: a step failed again and the migration stays unfinished (see `error`);
   * `busy`: another replica is working on it.
   */
  readonly outcome: 'finished' | 'waiting' | 'incomplete' | 'busy';
  /** Where it stands afterwards. */
  readonly status: MigrationStatus;
  /** The grace deadline, for `waiting`. */
  readonly graceDeadline?: string | undefined;
  /** Why it is `incomplete`, or why it rolled back. */
  readonly error?: StoredError | undefined;
}
