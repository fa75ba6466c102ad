/**
 * Errors of migrations. Each is a novacron error (recognized across package copies by its
 * marker) whose message starts `[novacron] [migration]`.
 */
import { ConflictError, NovacronError, type NovacronErrorOptions } from '../../provider/errors.js';
import type { MigrationSource, MigrationStatus } from './migration-types.js';

/**
 * The VM is already being migrated (by another migration, or by another replica running this
 * one): nothing was changed. A {@link ConflictError} (code `CONFLICT`) marked `MIGRATION_CONFLICT`.
 */
export class MigrationConflictError extends ConflictError {
  /** The VM asked for. */
  readonly vm: MigrationSource;
  /** The migration that was refused. */
  readonly migrationId: string;
  /** The migration that holds the VM, when known. */
  readonly heldBy: string | undefined;
  /** Creates the error. */
  constructor(options: Omit<NovacronErrorOptions, 'message'> & { message: string; vm: MigrationSource; migrationId: string; heldBy?: string | undefined }) {
    super({ ...options, message: `[migration] ${options.message}`, operationId: options.migrationId });
    this.name = 'MigrationConflictError';
    this.vm = { provider: options.vm.provider, id: options.vm.id };
    this.migrationId = options.migrationId;
    this.heldBy = options.heldBy;
    this.addMarker('MIGRATION_CONFLICT');
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is MigrationConflictError {
    return NovacronError.hasMarker(value, 'MIGRATION_CONFLICT');
  }
}

/**
 * A migration did not reach its target: a step before the traffic switch failed, and the
 * migration rolled back (`status: 'rolled-back'`: the source runs as before, nothing of the
 * target is left) or is still rolling back (`'rolling-back'`: an undo step failed too;
 * `resumeMigrations` goes on with it). `cause` is the step's error.
 */
export class MigrationFailedError extends NovacronError {
  /** The migration. */
  readonly migrationId: string;
  /** Where it stands. */
  readonly status: Extract<MigrationStatus, 'rolled-back' | 'rolling-back' | 'failed'>;
  /** The step whose failure started the rollback, when known. */
  readonly step: string | undefined;
  /** Creates the error. */
  constructor(options: Omit<NovacronErrorOptions, 'message'> & { message: string; migrationId: string; status: MigrationFailedError['status']; step?: string | undefined }) {
    super('MIGRATION_FAILED', false, { ...options, message: `[migration] ${options.message}`, operationId: options.migrationId });
    this.name = 'MigrationFailedError';
    this.migrationId = options.migrationId;
    this.status = options.status;
    this.step = options.step;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is MigrationFailedError {
    return NovacronError.hasMarker(value, 'MIGRATION_FAILED');
  }
}

/** The target VM did not pass its health check (the migration's `verify` step). */
export class HealthCheckFailedError extends NovacronError {
  /** Creates the error. */
  constructor(options: Omit<NovacronErrorOptions, 'message'> & { message: string }) {
    super('HEALTH_CHECK_FAILED', false, { ...options, message: `[migration] ${options.message}` });
    this.name = 'HealthCheckFailedError';
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is HealthCheckFailedError {
    return NovacronError.hasMarker(value, 'HEALTH_CHECK_FAILED');
  }
}
