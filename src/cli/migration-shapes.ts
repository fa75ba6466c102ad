/**
 * The migration shapes the CLI prints, named from the FederationManager's own signatures: the
 * root entry does not list them by name (yet), and the CLI imports only what a host can.
 */
import type { FederationManager } from '../index.js';

/** What `migrateVM` returns. */
export type MigrationResult = Awaited<ReturnType<FederationManager['migrateVM']>>;
/** A migration's record. */
export type MigrationRecord = MigrationResult['record'];
/** What `resumeMigrations` did with one migration. */
export type ResumedMigration = Awaited<ReturnType<FederationManager['resumeMigrations']>>[number];
