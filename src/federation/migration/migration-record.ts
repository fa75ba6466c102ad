/**
 * A migration's record as a reader sees it: the durable operation's steps (kind `migrateVM`)
 * turned into a {@link MigrationRecord}. The status is worked out from the steps, so the record
 * is the one source of truth whichever process wrote it last: a `rollback` step means it is
 * rolling back (or rolled back, once the operation failed); a settled `grace` step means traffic
 * has moved; and so on.
 */
import type { ImageArtifact } from '../../provider/types.js';
import type { OperationRecord, StepRecord } from '../operations/operation-record.js';
import type { MigrationPlan } from './migration-plan.js';
import type { MigrationCostEstimate, MigrationRecord, MigrationStatus, MigrationStepName, MigrationStepRecord } from './migration-types.js';

/** Kind of a migration's durable operation. */
export const MIGRATION_KIND = 'migrateVM';

/** Steps before the traffic switch: a failure among them rolls the migration back. */
export const BEFORE_SWITCH: ReadonlySet<string> = new Set<MigrationStepName>(['lock', 'stop-source', 'export', 'transfer', 'import', 'verify', 'switch']);

/** What every step records as input besides its own fields. */
export interface StepInput {
  readonly startedAt: string;
}

/** What the export step records. */
export interface ExportOutput {
  readonly artifact: ImageArtifact;
  /** Exports whose answer was lost before this one (each may have left an image). */
  readonly lostExports: number;
  readonly cost: MigrationCostEstimate | null;
}

/** The last step named `name`, with its index. */
export function lastStep(record: OperationRecord, name: MigrationStepName): { index: number; step: StepRecord } | undefined {
  for (let i = record.steps.length - 1; i >= 0; i--) if (record.steps[i]!.name === name) return { index: i, step: record.steps[i]! };
  return undefined;
}

/** The output of the last step named `name` when it succeeded. */
export function outputOf<T>(record: OperationRecord, name: MigrationStepName): T | undefined {
  const found = lastStep(record, name);
  return found?.step.status === 'succeeded' ? (found.step.output as T) : undefined;
}

/** Where the migration of `record` stands (see the file comment). */
export function statusOf(record: OperationRecord): MigrationStatus {
  const has = (name: MigrationStepName): boolean => lastStep(record, name) !== undefined;
  if (record.status === 'succeeded') return 'succeeded';
  if (record.status === 'failed') return has('rollback') ? 'rolled-back' : 'failed';
  if (has('rollback')) return 'rolling-back';
  if (outputOf(record, 'grace') !== undefined) return has('delete-source') ? 'completing' : 'grace-period';
  if (outputOf(record, 'switch') !== undefined) return 'completing';
  return 'running';
}

/** The reader's view of a migration's operation record. */
export function migrationRecordOf(record: OperationRecord): MigrationRecord {
  const plan = record.input as unknown as MigrationPlan;
  const exported = outputOf<ExportOutput>(record, 'export');
  const lostExports = (lastStep(record, 'export')?.step.output as { lostExports?: number } | undefined)?.lostExports ?? 0;
  const transferred = outputOf<{ bytes: number }>(record, 'transfer');
  const imported = lastStep(record, 'import')?.step.output as { vmId?: string } | undefined;
  const grace = outputOf<{ deadline: string }>(record, 'grace');
  const cleanup = outputOf<{ leftovers?: string[] }>(record, 'cleanup');
  const leftovers = [...(cleanup?.leftovers ?? [])];
  if (lostExports > 0) {
    leftovers.unshift(`${lostExports} export${lostExports === 1 ? '' : 's'} of ${plan.source.id} on ${plan.source.provider} ended without an answer and may have left an image there`);
  }
  const lastError = [...record.steps].reverse().find((s) => s.error !== undefined && s.status !== 'succeeded')?.error;
  return {
    id: record.id,
    status: statusOf(record),
    path: plan.path,
    live: plan.live,
    source: { provider: plan.source.provider, id: plan.source.id, name: plan.source.name, region: plan.source.region, instanceType: plan.source.instanceType },
    target: plan.target,
    targetVm: imported?.vmId !== undefined ? { provider: plan.target.provider, id: imported.vmId } : undefined,
    steps: record.steps.map(stepRecordOf),
    bytesMoved: transferred ? transferred.bytes : exported ? 0 : undefined,
    cost: exported?.cost ?? undefined,
    graceDeadline: grace?.deadline,
    error: record.error ?? (record.status === 'running' ? lastError : undefined),
    leftovers,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function stepRecordOf(step: StepRecord): MigrationStepRecord {
  const startedAt = (step.input as StepInput | undefined)?.startedAt ?? step.updatedAt;
  const settled = step.status !== 'started' && step.status !== 'planned';
  return {
    name: step.name as MigrationStepName,
    status: step.status,
    startedAt,
    settledAt: settled ? step.updatedAt : undefined,
    durationMs: settled ? Math.max(0, Date.parse(step.updatedAt) - Date.parse(startedAt)) : undefined,
    error: step.error,
  };
}
