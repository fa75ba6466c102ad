/**
 * Migrations on the durable-operation core: what `FederationManager.migrateVM`,
 * `resumeMigrations`, `getMigration` and `listMigrations` do.
 *
 * A migration's id is derived from its idempotency key (`migration-<hash>`), so the same key
 * always names the same migration: calling `migrateVM` again resumes it (from any replica that
 * shares the state store, after any crash) or reports how it ended. Its plan is stored in the
 * record when it begins; every later run follows the stored plan.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError } from '../../provider/errors.js';
import { canonicalJson } from '../../provider/offer-selection.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { VM } from '../../provider/types.js';
import type { FederationMetrics } from '../../metrics/federation-metrics.js';
import type { JsonValue } from '../../state/state-store.js';
import { requestIdOf } from '../create-vm.js';
import type { FederationContext } from '../federation-context.js';
import { withDeadline } from '../operations/deadline.js';
import { DurableOperation, listOperations, readOperation } from '../operations/durable-operation.js';
import type { OperationRecord } from '../operations/operation-record.js';
import { runningByProvider } from './health-check.js';
import { MigrationConflictError, MigrationFailedError } from './migration-errors.js';
import { parseMigrateArguments, parseResumeOptions } from './migration-input.js';
import { planMigration, type MigrationPlan } from './migration-plan.js';
import { MIGRATION_KIND, migrationRecordOf, statusOf } from './migration-record.js';
import { MigrationRun, type MigrationRunContext, type RunOutcome } from './migration-run.js';
import { MigrationStores } from './migration-stores.js';
import type {
  MigrateVMOptions,
  MigrationArtifactStores,
  MigrationDefaults,
  MigrationRecord,
  MigrationResult,
  MigrationSource,
  ResumedMigration,
  ResumeMigrationsOptions,
} from './migration-types.js';
import { RecordingTrafficSwitcher } from './traffic-switcher.js';

/** Defaults of {@link MigrationDefaults}. */
const DEFAULTS = { gracePeriodMs: 5 * 60_000, verifyTimeoutMs: 10 * 60_000, exportTimeoutMs: 60 * 60_000 } as const;

/** What the migrator works with. */
export interface MigratorOptions {
  readonly fed: FederationContext;
  readonly metrics: FederationMetrics;
  readonly artifactStores?: Readonly<Record<string, MigrationArtifactStores>> | undefined;
  readonly defaults?: MigrationDefaults | undefined;
}

/** Per-run choices: the host's pluggable parts and whether to wait out the grace period. */
type RunChoices = Pick<MigrationRunContext, 'healthCheck' | 'switcher' | 'waitForGrace' | 'signal'>;

/** Runs, resumes and reports migrations. */
export class VMMigrator {
  private readonly stores: MigrationStores;
  private readonly defaults: MigrationDefaults;
  /** The switcher of a manager configured with none: it records, and moves nothing. */
  private readonly recorder: RecordingTrafficSwitcher;

  /** Creates the migrator over the federation's shared parts. */
  constructor(private readonly o: MigratorOptions) {
    this.stores = new MigrationStores(o.artifactStores ?? {});
    this.defaults = o.defaults ?? {};
    this.recorder = new RecordingTrafficSwitcher({ clock: o.fed.now });
  }

  /** Starts (or resumes, or reports) the migration named by `options.idempotencyKey`. */
  async migrate(sourceInput: unknown, targetInput: unknown, optionsInput: unknown): Promise<MigrationResult> {
    const { source, target, options } = parseMigrateArguments(sourceInput, targetInput, optionsInput);
    const { fed } = this.o;
    const key = options.idempotencyKey ?? randomUUID();
    const rid = requestIdOf(key);
    const id = `migration-${rid}`;
    const live = options.liveMigration ?? false;
    const fingerprint = createHash('sha256').update(canonicalJson({ source, target, live } as unknown as JsonValue)).digest('hex').slice(0, 32);
    const existing = await readOperation(fed.store, id, { signal: options.signal });
    if (existing && existing.fingerprint !== fingerprint) {
      throw new ConflictError({ message: `[migration] idempotency key "${key}" was already used for another migration (${id})`, operationId: id });
    }
    // A new migration is planned (and refused, when it cannot work) before anything is recorded.
    const plan = existing
      ? undefined
      : await planMigration(fed, {
          source,
          target,
          live,
          gracePeriodMs: options.gracePeriodMs ?? this.defaults.gracePeriodMs ?? DEFAULTS.gracePeriodMs,
          rid,
          stores: this.stores.byProvider,
          signal: options.signal,
        });
    let opened;
    try {
      opened = await DurableOperation.open({
        store: fed.store,
        id,
        kind: MIGRATION_KIND,
        fingerprint,
        input: plan as unknown as JsonValue,
        holder: fed.replicaId,
        waitMs: options.waitForOtherReplicaMs ?? 0,
        now: fed.now,
        signal: options.signal,
        conflictMessage: `[migration] idempotency key "${key}" was already used for another migration (${id})`,
      });
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      // Either the key was taken meanwhile by another migration, or another replica holds this one.
      const now = await readOperation(fed.store, id, { signal: options.signal });
      if (now && now.fingerprint !== fingerprint) throw error;
      throw new MigrationConflictError({ message: `${id} is being run by another replica`, vm: source, migrationId: id, cause: error });
    }
    if ('settled' in opened) return this.settledResult(opened.settled, options.signal);
    const op = opened.operation;
    try {
      if (op.record.status !== 'running') return await this.settledResult(op.record, options.signal);
      if (!existing) this.publishStatus(op.record, source);
      const outcome = await new MigrationRun(this.context(this.choices(options)), op).execute();
      return this.result(op.record, outcome);
    } finally {
      await op.close();
    }
  }

  /**
   * Drives every unfinished migration in the store forward (or back): the way a new process
   * picks up what a stopped one left, and how a source is deleted once its grace period ends.
   * One migration's failure is reported in its entry, never thrown; the others go on.
   */
  async resume(optionsInput: unknown = {}): Promise<ResumedMigration[]> {
    const options = parseResumeOptions(optionsInput);
    const { fed } = this.o;
    const pending: OperationRecord[] = [];
    // Listed first, worked on after: the runs write to the store being listed.
    for await (const record of listOperations(fed.store, { signal: options.signal })) {
      if (record.kind === MIGRATION_KIND && record.status === 'running') pending.push(record);
    }
    const out: ResumedMigration[] = [];
    for (const record of pending) out.push(await this.resumeOne(record, options));
    return out;
  }

  /** A migration's record, or `undefined` when there is no migration of that id. */
  async get(id: string, options: CallOptions = {}): Promise<MigrationRecord | undefined> {
    const record = await readOperation(this.o.fed.store, id, options);
    return record?.kind === MIGRATION_KIND ? migrationRecordOf(record) : undefined;
  }

  /** Every migration's record, in id order. */
  async *list(options: CallOptions = {}): AsyncIterable<MigrationRecord> {
    for await (const record of listOperations(this.o.fed.store, options)) if (record.kind === MIGRATION_KIND) yield migrationRecordOf(record);
  }

  private async resumeOne(record: OperationRecord, options: ResumeMigrationsOptions): Promise<ResumedMigration> {
    const { fed } = this.o;
    const migrationId = record.id;
    const status = statusOf(record);
    const deadline = migrationRecordOf(record).graceDeadline;
    // A grace period that has not ended: nothing to do yet, and no lease to take for it.
    if (status === 'grace-period' && deadline !== undefined && fed.now() < Date.parse(deadline) && options.waitForGrace !== true) {
      return { migrationId, outcome: 'waiting', status, graceDeadline: deadline };
    }
    let opened;
    try {
      opened = await DurableOperation.open({ store: fed.store, id: migrationId, kind: record.kind, fingerprint: record.fingerprint, holder: fed.replicaId, waitMs: 0, now: fed.now, signal: options.signal, conflictMessage: 'the migration record changed' });
    } catch (error) {
      if (ConflictError.isInstance(error)) return { migrationId, outcome: 'busy', status };
      throw error;
    }
    if ('settled' in opened) return { migrationId, outcome: 'finished', status: 'succeeded' };
    const op = opened.operation;
    try {
      if (op.record.status !== 'running') return { migrationId, outcome: 'finished', status: statusOf(op.record) };
      const outcome: RunOutcome = await new MigrationRun(this.context(this.choices(options)), op).execute();
      const after = migrationRecordOf(op.record);
      if (outcome.status === 'succeeded') return { migrationId, outcome: 'finished', status: 'succeeded' };
      if (outcome.status === 'grace-period') return { migrationId, outcome: 'waiting', status: outcome.status, graceDeadline: after.graceDeadline };
      return { migrationId, outcome: 'incomplete', status: after.status, error: after.error };
    } catch (error) {
      const after = migrationRecordOf(op.record);
      if ((MigrationFailedError.isInstance(error) && error.status !== 'rolling-back') || MigrationConflictError.isInstance(error)) {
        return { migrationId, outcome: 'finished', status: after.status, error: after.error };
      }
      fed.log.warn('a migration could not be resumed; it stays unfinished', { migrationId, code: (error as { code?: string }).code ?? 'UNKNOWN' });
      return { migrationId, outcome: 'incomplete', status: after.status, error: { code: (error as { code?: string }).code ?? 'UNKNOWN', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) } };
    } finally {
      await op.close();
    }
  }

  /** The result of a migration that had ended (or throws how it failed). */
  private async settledResult(record: OperationRecord, signal: AbortSignal | undefined): Promise<MigrationResult> {
    const view = migrationRecordOf(record);
    if (record.status === 'failed') {
      const plan = record.input as unknown as MigrationPlan;
      const why = view.error ? `${view.error.code}: ${view.error.message}` : 'no reason was recorded';
      if (view.status === 'failed' && view.error?.code === 'CONFLICT') {
        throw new MigrationConflictError({ message: `${record.id} was refused (${why}); use a new idempotency key to try again`, vm: plan.source, migrationId: record.id });
      }
      if (view.status === 'failed') throw new MigrationFailedError({ message: `${record.id} had failed before it changed anything (${why}); use a new idempotency key to try again`, migrationId: record.id, status: 'failed' });
      throw new MigrationFailedError({ message: `${record.id} had rolled back (${why})`, migrationId: record.id, status: 'rolled-back' });
    }
    return { migrationId: record.id, status: view.status, vm: await this.readTargetQuietly(view, signal), record: view };
  }

  private async result(record: OperationRecord, outcome: RunOutcome): Promise<MigrationResult> {
    const view = migrationRecordOf(record);
    return { migrationId: record.id, status: view.status, vm: outcome.vm ?? (await this.readTargetQuietly(view, undefined)), record: view };
  }

  /** The target VM, when it can be read (a report never fails for want of it). */
  private async readTargetQuietly(view: MigrationRecord, signal: AbortSignal | undefined): Promise<VM | undefined> {
    const ref = view.targetVm;
    const provider = ref ? this.o.fed.registry.find(ref.provider) : undefined;
    if (!ref || !provider) return undefined;
    return withDeadline({ operation: 'getVM', provider: provider.name, operationId: view.id }, this.o.fed.registry.timeouts(provider.name).callMs, signal, (s) => provider.getVM(ref.id, { signal: s })).catch(() => undefined);
  }

  private choices(options: MigrateVMOptions | ResumeMigrationsOptions): RunChoices {
    return {
      healthCheck: options.healthCheck ?? this.defaults.healthCheck ?? runningByProvider,
      switcher: options.trafficSwitcher ?? this.defaults.trafficSwitcher ?? this.recorder,
      waitForGrace: options.waitForGrace ?? false,
      signal: options.signal,
    };
  }

  private context(choices: RunChoices): MigrationRunContext {
    return {
      fed: this.o.fed,
      stores: this.stores,
      metrics: this.o.metrics,
      verifyTimeoutMs: this.defaults.verifyTimeoutMs ?? DEFAULTS.verifyTimeoutMs,
      exportTimeoutMs: this.defaults.exportTimeoutMs ?? DEFAULTS.exportTimeoutMs,
      transfer: this.defaults.transfer ?? {},
      ...choices,
    };
  }

  private publishStatus(record: OperationRecord, source: MigrationSource): void {
    const plan = record.input as unknown as MigrationPlan;
    this.o.fed.events.publish('migration.status', { migrationId: record.id, status: 'running', sourceProvider: source.provider, sourceVmId: source.id, targetProvider: plan.target.provider });
  }
}
