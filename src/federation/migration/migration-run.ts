/**
 * One run of one migration: its steps driven forward from wherever its record stands, or back.
 *
 * Every step is written `started` before it touches anything and settled after, and every step is
 * idempotent, so a run that finds a step unsettled (its process died, or the answer was lost)
 * simply does it again — with two refinements: the import asks the target for the VM by the
 * import's idempotency key before anything else (a retried import never makes a second VM), and
 * the switch is called again with the same token (switchers are idempotent per token).
 *
 * Before the traffic switch, a step that fails (after its retries of transient errors) rolls the
 * migration back: traffic is reverted where a switch was attempted, the source is started again
 * if this migration stopped it, the target and every intermediate image are deleted, the lock is
 * released. After the switch nothing is undone: a failing step is retried by the next run, and
 * the source is deleted only once the grace period's recorded deadline has passed.
 */
import { transferArtifact } from '../../artifacts/transfer.js';
import { sleep } from '../../provider/abort.js';
import {
  CapacityError,
  ConflictError,
  ErrorCause,
  InvalidSpecError,
  isAbortError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  ThrottledError,
  TimeoutError,
} from '../../provider/errors.js';
import type { ProviderV1 } from '../../provider/provider-v1.js';
import { backoffDelay } from '../../provider/retry.js';
import { parseVMSpec } from '../../provider/spec-schema.js';
import type { ImageArtifact, VM } from '../../provider/types.js';
import type { FederationMetrics } from '../../metrics/federation-metrics.js';
import type { JsonValue } from '../../state/state-store.js';
import type { FederationContext } from '../federation-context.js';
import { OutcomeUncertainError } from '../federation-errors.js';
import { provesNothingCreated } from '../operations/call-outcome.js';
import { abortErrorFor, throwIfCallerAborted, withDeadline } from '../operations/deadline.js';
import type { DurableOperation } from '../operations/durable-operation.js';
import { isUnsettled, storedError, type StepRecord, type StoredError } from '../operations/operation-record.js';
import type { HealthCheck } from './health-check.js';
import { HealthCheckFailedError, MigrationConflictError, MigrationFailedError } from './migration-errors.js';
import { importSpec, type MigrationPlan } from './migration-plan.js';
import { BEFORE_SWITCH, lastStep, outputOf, type ExportOutput } from './migration-record.js';
import type { MigrationStores } from './migration-stores.js';
import type { MigrationCostEstimate, MigrationStatus, MigrationStepName, MigrationTransferOptions } from './migration-types.js';
import type { TrafficSwitcher } from './traffic-switcher.js';
import { VmLock } from './vm-lock.js';

/** What a run needs besides its operation. */
export interface MigrationRunContext {
  readonly fed: FederationContext;
  readonly stores: MigrationStores;
  readonly metrics: FederationMetrics;
  readonly healthCheck: HealthCheck;
  readonly switcher: TrafficSwitcher;
  readonly verifyTimeoutMs: number;
  readonly exportTimeoutMs: number;
  readonly transfer: MigrationTransferOptions;
  /** Wait out the grace period in this run. */
  readonly waitForGrace: boolean;
  readonly signal: AbortSignal | undefined;
}

/** Where a run left the migration (past the switch; a rollback or refusal throws). */
export interface RunOutcome {
  readonly status: MigrationStatus;
  /** The target VM, as last read in this run. */
  readonly vm: VM | undefined;
}

/** What the import step records. */
interface ImportOutput {
  readonly vmId: string;
}

/** A step's own failure (a cloud or host call), as opposed to the store's: before the switch it rolls back. */
class StepFailure extends Error {
  constructor(
    readonly step: MigrationStepName,
    readonly failure: unknown,
  ) {
    super(`step ${step} failed`);
  }
}

/** What a step's work is told. */
interface StepCall {
  /** Index of the step's record. */
  readonly index: number;
  /** The record as it stood when this run took the step up (`undefined` for a fresh step). */
  readonly earlier: StepRecord | undefined;
}

/** How a step is done. */
interface StepDefinition<T extends JsonValue> {
  readonly token?: string | undefined;
  readonly input?: Record<string, JsonValue> | undefined;
  /** Retry transient failures (default `true`); steps that resolve on their own say `false`. */
  readonly retry?: boolean | undefined;
  readonly act: (call: StepCall) => Promise<T>;
}

/** Errors worth trying again: throttling, unavailability, timeouts, lost answers, and errors of unknown kind. */
function isTransient(error: unknown): boolean {
  if (isAbortError(error)) return false;
  if (ThrottledError.isInstance(error) || ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error) || OutcomeUncertainError.isInstance(error)) return true;
  return !NovacronError.isInstance(error);
}

/** What is stored of a failure: a novacron error as it is (already redacted), anything else by its safe fields (a host's switcher or check may say anything). */
function safeError(error: unknown): unknown {
  return NovacronError.isInstance(error) ? error : (ErrorCause.from(error) ?? error);
}

/** A VM that is going or gone. */
function isGone(vm: VM): boolean {
  return vm.state === 'terminated' || vm.state === 'terminating';
}

/** One run of one migration. */
export class MigrationRun {
  private readonly plan: MigrationPlan;
  private readonly rid: string;
  private readonly lock: VmLock;
  private readonly signal: AbortSignal | undefined;
  private targetVm: VM | undefined;

  constructor(
    private readonly ctx: MigrationRunContext,
    private readonly op: DurableOperation,
  ) {
    this.plan = op.record.input as unknown as MigrationPlan;
    this.rid = op.id.slice('migration-'.length);
    this.signal = ctx.signal;
    this.lock = new VmLock(ctx.fed.store, this.plan.source, op.id, ctx.fed.now);
  }

  /** Drives the migration as far as it goes now. Throws `MigrationFailedError` for a rollback, `MigrationConflictError` for a refusal. */
  async execute(): Promise<RunOutcome> {
    try {
      return await this.drive();
    } finally {
      await this.lock.pause();
    }
  }

  private async drive(): Promise<RunOutcome> {
    const record = this.op.record;
    const rollback = lastStep(record, 'rollback');
    if (rollback) {
      const input = rollback.step.input as unknown as { cause: StoredError; step?: MigrationStepName };
      return this.rollBack(input.cause, input.step);
    }
    const switched = outputOf(record, 'switch') !== undefined;
    if (!switched) {
      // A step an earlier run gave up on (it died between settling the step and starting the rollback).
      const gaveUp = record.steps.find((s) => BEFORE_SWITCH.has(s.name) && (s.status === 'failed' || s.status === 'uncertain'));
      if (gaveUp) return gaveUp.name === 'lock' ? this.refuse(gaveUp.error) : this.rollBack(gaveUp.error ?? { code: 'UNKNOWN', message: 'a step failed' }, gaveUp.name as MigrationStepName);
      try {
        await this.beforeSwitch();
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        if (error.step === 'lock') return this.refuse(storedError(safeError(error.failure)), error.failure);
        return this.rollBack(storedError(safeError(error.failure)), error.step, error.failure);
      }
    } else if (outputOf(record, 'release-lock') === undefined) {
      await this.lock.hold({ signal: this.signal });
    }
    return this.afterSwitch();
  }

  // -------------------------------------------------------------------------------------------
  // Forward

  private async beforeSwitch(): Promise<void> {
    const relock = outputOf(this.op.record, 'lock') !== undefined;
    await this.step('lock', { act: async () => ({ fencingToken: await this.lock.hold({ signal: this.signal }) }) });
    if (relock) await this.lock.hold({ signal: this.signal });
    if (!this.plan.live) await this.stopSource();
    const exported = await this.exportSource();
    const artifact = await this.transferIfNeeded(exported.artifact);
    await this.importTarget(artifact);
    await this.verify();
    await this.switchTraffic();
  }

  /** Stops the source, noting first whether it ran (so that a rollback starts it again only then). */
  private async stopSource(): Promise<void> {
    const source = this.sourceProvider();
    await this.step('stop-source', {
      act: async ({ index }) => {
        // As recorded now: a retry in this run must not take the state its own first stop made for the source's.
        let wasRunning = (this.op.record.steps[index]!.output as { wasRunning?: boolean } | undefined)?.wasRunning;
        if (wasRunning === undefined) {
          const vm = await this.call(source, 'getVM', 'callMs', (signal) => source.getVM(this.plan.source.id, { signal }));
          wasRunning = vm.state === 'running' || vm.state === 'pending';
          await this.op.annotateStep(index, { wasRunning });
        }
        const vm = await this.call(source, 'stopVM', 'createMs', (signal) => source.stopVM(this.plan.source.id, { signal }));
        return { wasRunning, state: vm.state };
      },
    });
  }

  /** Exports the source; an export whose answer was lost is counted (it may have left an image) and done again. */
  private async exportSource(): Promise<ExportOutput> {
    const source = this.sourceProvider();
    const { fed } = this.ctx;
    const output = await this.step('export', {
      retry: false,
      act: async ({ index, earlier }) => {
        let lost = (earlier?.output as { lostExports?: number } | undefined)?.lostExports ?? 0;
        // An earlier run that ended inside the call may have exported.
        if (earlier && isUnsettled(earlier)) lost++;
        let artifact: ImageArtifact | undefined;
        for (let attempt = 1; artifact === undefined; attempt++) {
          try {
            artifact = await withDeadline(this.context('exportVM', source), this.ctx.exportTimeoutMs, this.signal, (signal) => source.exportVM(this.plan.source.id, { signal }));
          } catch (error) {
            if (!isTransient(error) || attempt >= fed.failover.resolveAttempts || this.signal?.aborted) {
              if (lost > 0) await this.op.annotateStep(index, { lostExports: lost });
              throw error;
            }
            if (!provesNothingCreated(error)) lost++;
            await this.op.annotateStep(index, { lostExports: lost });
            await this.pause(attempt, error);
          }
        }
        return { artifact, lostExports: lost, cost: await this.estimateCost(artifact) } as unknown as JsonValue;
      },
    });
    return output as unknown as ExportOutput;
  }

  /** Moves the export into the target's artifact store when the target cannot read it where it is. */
  private async transferIfNeeded(artifact: ImageArtifact): Promise<ImageArtifact> {
    if (this.plan.path !== 'cross-provider') return artifact;
    const target = this.targetProvider();
    const recorded = lastStep(this.op.record, 'transfer');
    if (!recorded) {
      let needed: boolean;
      try {
        needed = this.ctx.stores.needsTransfer(artifact, target);
      } catch (error) {
        throw new StepFailure('transfer', error);
      }
      if (!needed) return artifact;
    }
    let dest: ReturnType<MigrationStores['destination']>;
    try {
      dest = this.ctx.stores.destination(artifact, target, this.op.id);
    } catch (error) {
      throw new StepFailure('transfer', error);
    }
    const output = await this.step('transfer', {
      input: { store: dest.store.name, key: dest.key, format: dest.format },
      act: async () => {
        const t = this.ctx.transfer;
        const result = await transferArtifact(artifact, dest.store, {
          from: this.ctx.stores.readersFor(target.name),
          format: dest.format,
          packaging: dest.packaging,
          key: dest.key,
          // The key is this migration's own: an object there is an earlier run's.
          overwrite: true,
          // A failed attempt leaves its upload for the next one to resume; a rollback abandons it.
          onFailure: 'keep-resumable',
          operation: { store: this.ctx.fed.store, id: this.transferOperationId(), holder: this.ctx.fed.replicaId },
          workDir: t.workDir,
          qemuImg: t.qemuImg,
          timeoutMs: t.timeoutMs,
          now: this.ctx.fed.now,
          signal: this.signal,
        });
        return { artifact: result.artifact, bytes: result.object.sizeBytes } as unknown as JsonValue;
      },
    });
    return (output as unknown as { artifact: ImageArtifact }).artifact;
  }

  /**
   * Imports the target with an idempotency key derived from the migration: a run that finds the
   * import unsettled, and every retry, asks the target for the VM by that key first.
   */
  private async importTarget(artifact: ImageArtifact): Promise<void> {
    const target = this.targetProvider();
    const { fed } = this.ctx;
    const token = this.importToken();
    const input = importSpec(this.plan, artifact);
    await this.step('import', {
      token,
      retry: false,
      act: async ({ index, earlier }) => {
        for (let attempt = 1; ; attempt++) {
          try {
            const found = earlier !== undefined || attempt > 1 ? await this.lookupTarget(this.op.record.steps[index]!) : undefined;
            if (found && isGone(found)) {
              throw new CapacityError({ provider: target.name, message: `[migration] the imported VM ${found.id} terminated while it was starting${found.stateReason ? `: ${found.stateReason}` : ''}`, region: found.region, zone: found.zone });
            }
            const vm =
              found ??
              (await this.call(target, 'importVM', 'createMs', (signal) =>
                target.importVM(artifact, input, {
                  signal,
                  idempotencyKey: token,
                  // No VM is ever lost: its id is in the record before any wait.
                  onProvisioned: (v) => this.op.annotateStep(index, { vmId: v.id }),
                }),
              ));
            this.targetVm = vm;
            return { vmId: vm.id } satisfies ImportOutput;
          } catch (error) {
            if (!isTransient(error) || attempt >= fed.failover.resolveAttempts || this.signal?.aborted) throw error;
            await this.pause(attempt, error);
          }
        }
      },
    });
    // Idempotent: a later run writes nothing new. The record is a convenience; the migration's own record is what keeps the VM.
    const vm = this.targetVm ?? (await this.readTarget());
    let spec;
    try {
      spec = parseVMSpec(input, { provider: target.name });
    } catch (error) {
      if (!InvalidSpecError.isInstance(error)) throw error;
      fed.log.warn('the imported VM is not recorded in the inventory: its spec does not parse', { migrationId: this.op.id, vmId: vm.id });
      return;
    }
    // The target stays in the source's group, so plans keep counting the group's spread.
    const group = (await fed.inventory.get(this.plan.source.provider, this.plan.source.id, { signal: this.signal }).catch(() => undefined))?.group;
    await fed.inventory.recordCreated(vm, { requestId: this.rid, group, spec, cost: undefined, decision: undefined }, { signal: this.signal });
  }

  /** Runs the health check on the target, bounded by the verify deadline. */
  private async verify(): Promise<void> {
    const target = this.targetProvider();
    const { fed } = this.ctx;
    await this.step('verify', {
      retry: false,
      act: async () => {
        const vm = await this.readTarget();
        const budget = this.ctx.verifyTimeoutMs;
        let healthy: boolean | void;
        try {
          healthy = await withDeadline(this.context('healthCheck', target), budget + fed.registry.timeouts(target.name).callMs, this.signal, (signal) =>
            this.ctx.healthCheck(vm, { migrationId: this.op.id, provider: target, deadline: fed.now() + budget, now: fed.now, callTimeoutMs: fed.registry.timeouts(target.name).callMs, signal }),
          );
        } catch (error) {
          if (this.signal?.aborted) throw error;
          throw new HealthCheckFailedError({ message: `the target VM ${vm.id} on ${target.name} failed its health check: ${error instanceof Error ? error.message : String(error)}`, cause: error });
        }
        if (healthy === false) throw new HealthCheckFailedError({ message: `the target VM ${vm.id} on ${target.name} did not pass its health check within ${budget} ms` });
        return { healthy: true };
      },
    });
  }

  /** Moves traffic to the target (again, with the same token, after a run that died in the call). */
  private async switchTraffic(): Promise<void> {
    const target = this.targetProvider();
    await this.step('switch', {
      token: `${this.rid}:switch`,
      retry: false,
      act: async () => {
        const [from, to] = await Promise.all([this.readSource(), this.readTarget()]);
        await withDeadline(this.context('switchTraffic', target), this.ctx.fed.registry.timeouts(target.name).createMs, this.signal, (signal) =>
          this.ctx.switcher.switch(from, to, { migrationId: this.op.id, token: `${this.rid}:switch`, signal }),
        );
        return { provider: to.provider, id: to.id };
      },
    });
  }

  /** Past the switch: the grace period, then the source's deletion, the lock, the leftovers. Never undone. */
  private async afterSwitch(): Promise<RunOutcome> {
    const { fed } = this.ctx;
    const entering = outputOf(this.op.record, 'grace') === undefined;
    const grace = await this.forward(() => this.step('grace', { act: async () => ({ deadline: new Date(fed.now() + this.plan.gracePeriodMs).toISOString() }) }));
    if (!grace) return this.outcome('completing');
    if (entering) this.status('grace-period');
    const deadline = Date.parse(grace.deadline);
    if (fed.now() < deadline && lastStep(this.op.record, 'delete-source') === undefined) {
      if (!this.ctx.waitForGrace) return this.outcome('grace-period');
      // A recorded deadline, waited for here only because the caller asked (abortably).
      await sleep(deadline - fed.now(), this.signal).catch((error: unknown) => Promise.reject(this.signal?.aborted ? abortErrorFor(this.signal, this.context('migrateVM')) : error));
    }
    const done =
      (await this.forward(() => this.deleteSource())) &&
      (await this.forward(() => this.step('release-lock', { act: () => this.releaseLock() }))) &&
      (await this.forward(() => this.step('cleanup', { act: () => this.cleanUp() })));
    if (!done) return this.outcome('completing');
    await this.op.succeed({ provider: this.plan.target.provider, vmId: this.importedVmId() ?? null });
    this.count('succeeded');
    this.status('succeeded');
    return this.outcome('succeeded');
  }

  /** A step after the switch: its failure leaves the migration `completing`, for the next run to retry. */
  private async forward<T>(body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await body();
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      const e = storedError(safeError(error.failure));
      this.ctx.fed.log.warn('migration step failed after the traffic switch; it is retried by the next run', { migrationId: this.op.id, step: error.step, code: e.code });
      this.status('completing', e);
      return undefined;
    }
  }

  private async deleteSource(): Promise<JsonValue> {
    const source = this.sourceProvider();
    const output = await this.step('delete-source', {
      act: async () => {
        await this.call(source, 'deleteVM', 'createMs', (signal) => source.deleteVM(this.plan.source.id, { signal })).catch((error: unknown) => {
          if (!NotFoundError.isInstance(error)) throw error; // already gone: that is the goal
        });
        return {};
      },
    });
    await this.ctx.fed.inventory.markDeleted(this.plan.source.provider, this.plan.source.id, { signal: this.signal }).catch((error: unknown) => {
      if (!ConflictError.isInstance(error)) throw error; // a newer write to the record wins
    });
    return output;
  }

  /** Deletes the intermediate images: the transferred object (and any upload left of it) and the export. */
  private async cleanUp(): Promise<JsonValue> {
    const { stores, fed } = this.ctx;
    const deleted: string[] = [];
    const leftovers: string[] = [];
    const transfer = lastStep(this.op.record, 'transfer');
    if (transfer) {
      const input = transfer.step.input as { store: string; key: string };
      const store = stores.byProvider[this.plan.target.provider]?.store;
      if (store && store.name === input.store) {
        await stores.abandonTransfer(fed.store, this.transferOperationId(), { store, key: input.key }, { signal: this.signal });
        deleted.push(store.locationOf(input.key));
      } else {
        leftovers.push(`the transferred image ${input.key} in store ${input.store} (that store is no longer configured for ${this.plan.target.provider})`);
      }
    }
    const exported = outputOf<ExportOutput>(this.op.record, 'export');
    if (exported) {
      const location = exported.artifact.location;
      if (await stores.discard(location, { signal: this.signal })) deleted.push(location);
      else leftovers.push(`the export ${location} (${exported.artifact.format}) is in no configured artifact store; delete it where ${this.plan.source.provider} keeps its images`);
    }
    return { deleted, leftovers };
  }

  // -------------------------------------------------------------------------------------------
  // Back

  /** Undoes everything done before the switch, in the order that keeps the source serving longest; then throws. */
  private async rollBack(cause: StoredError, failedStep: MigrationStepName | undefined, failure?: unknown): Promise<never> {
    let marker = lastStep(this.op.record, 'rollback');
    if (!marker) {
      await this.op.startStep({ name: 'rollback', input: { startedAt: this.iso(), cause: cause as unknown as JsonValue, ...(failedStep ? { step: failedStep } : {}) } });
      marker = lastStep(this.op.record, 'rollback')!;
      this.stepEvent('rollback', 'started');
      this.status('rolling-back', cause);
    }
    const has = (name: MigrationStepName): StepRecord | undefined => lastStep(this.op.record, name)?.step;
    try {
      const sw = has('switch');
      if (sw && sw.status !== 'succeeded' && this.ctx.switcher.revert) await this.step('revert-switch', { act: () => this.revertSwitch() });
      if ((has('stop-source')?.output as { wasRunning?: boolean } | undefined)?.wasRunning === true) await this.step('restart-source', { act: () => this.restartSource() });
      if (has('import')) await this.step('delete-target', { act: () => this.deleteTarget() });
      if (has('export') || has('transfer')) await this.step('cleanup', { act: () => this.cleanUp() });
      if (has('lock')) await this.step('release-lock', { act: () => this.releaseLock() });
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      const e = storedError(safeError(error.failure));
      throw new MigrationFailedError({
        message: `${this.op.id} failed at ${failedStep ?? 'a step'} (${cause.code}: ${cause.message}) and its rollback could not finish yet (${error.step}: ${e.message}); resumeMigrations() goes on with it`,
        migrationId: this.op.id,
        status: 'rolling-back',
        step: failedStep,
        cause: error.failure,
      });
    }
    await this.op.settleStep(marker.index, 'succeeded', { output: {} });
    this.stepEvent('rollback', 'succeeded');
    const error = new MigrationFailedError({
      message: `${this.op.id} rolled back after ${failedStep ?? 'a step'} failed (${cause.code}: ${cause.message}); the source ${this.plan.source.id} on ${this.plan.source.provider} is as it was`,
      migrationId: this.op.id,
      status: 'rolled-back',
      step: failedStep,
      cause: failure,
    });
    await this.op.fail(failure === undefined ? cause : safeError(failure));
    this.count('rolled_back');
    this.status('rolled-back', cause);
    throw error;
  }

  /**
   * Ends a migration whose lock could not be taken, having changed nothing: another migration holds
   * the VM (`MigrationConflictError`), or the lock could not be written (`MigrationFailedError`,
   * status `failed`, with the store's error as cause).
   */
  private async refuse(stored: StoredError | undefined, failure?: unknown): Promise<never> {
    const why = failure !== undefined ? storedError(safeError(failure)) : (stored ?? { code: 'UNKNOWN', message: 'no reason was recorded' });
    const conflict = MigrationConflictError.isInstance(failure) || (failure === undefined && why.code === 'CONFLICT');
    const error = MigrationConflictError.isInstance(failure)
      ? failure
      : conflict
        ? new MigrationConflictError({ message: why.message.replace(/^\[novacron\] (\[migration\] )?/, ''), vm: this.plan.source, migrationId: this.op.id })
        : new MigrationFailedError({ message: `${this.op.id} could not lock VM ${this.plan.source.id} (${why.code}: ${why.message}); nothing was changed`, migrationId: this.op.id, status: 'failed', step: 'lock', cause: failure });
    const recorded = conflict ? storedError(error) : why;
    await this.op.fail(recorded);
    this.count('failed');
    this.status('failed', recorded);
    throw error;
  }

  private async releaseLock(): Promise<JsonValue> {
    await this.lock.release({ signal: this.signal });
    return {};
  }

  private async revertSwitch(): Promise<JsonValue> {
    const [from, to] = await Promise.all([this.readSource(), this.readTargetOrStandIn()]);
    const target = this.targetProvider();
    await withDeadline(this.context('revertTraffic', target), this.ctx.fed.registry.timeouts(target.name).createMs, this.signal, (signal) =>
      this.ctx.switcher.revert!(from, to, { migrationId: this.op.id, token: `${this.rid}:revert`, signal }),
    );
    return {};
  }

  /** Brings the source back to running (it was running before this migration stopped it). */
  private async restartSource(): Promise<JsonValue> {
    const source = this.sourceProvider();
    const { fed } = this.ctx;
    const until = fed.now() + fed.registry.timeouts(source.name).createMs;
    for (let round = 1; ; round++) {
      const vm = await this.call(source, 'getVM', 'callMs', (signal) => source.getVM(this.plan.source.id, { signal }));
      if (vm.state === 'running' || vm.state === 'pending') return { state: vm.state };
      if (vm.state === 'stopped' || vm.state === 'deallocated') {
        const started = await this.call(source, 'startVM', 'createMs', (signal) => source.startVM(this.plan.source.id, { signal }));
        return { state: started.state };
      }
      if (vm.state !== 'stopping' || fed.now() >= until) {
        throw new ConflictError({ provider: source.name, message: `[migration] cannot start the source ${vm.id} again: it is ${vm.state}` });
      }
      await this.pause(round, undefined);
    }
  }

  /** Deletes whatever the import made, found by its id or its idempotency key. */
  private async deleteTarget(): Promise<JsonValue> {
    const target = this.targetProvider();
    const step = lastStep(this.op.record, 'import')!.step;
    let vm = await this.lookupTarget(step);
    if (vm === undefined && !target.findByIdempotencyKey && !provesNothingCreatedStored(step)) {
      // No lookup by key: the same import with the same key returns what it made (the Provider contract), to be deleted.
      const exported = outputOf<ExportOutput>(this.op.record, 'export');
      const artifact = outputOf<{ artifact: ImageArtifact }>(this.op.record, 'transfer')?.artifact ?? exported?.artifact;
      if (artifact) {
        vm = await this.call(target, 'importVM', 'createMs', (signal) => target.importVM(artifact, importSpec(this.plan, artifact), { signal, idempotencyKey: this.importToken(), wait: false })).catch(
          (error: unknown) => (provesNothingCreated(error) ? undefined : Promise.reject(error)),
        );
      }
    }
    if (vm && !isGone(vm)) {
      const id = vm.id;
      await this.call(target, 'deleteVM', 'createMs', (signal) => target.deleteVM(id, { signal })).catch((error: unknown) => {
        if (!NotFoundError.isInstance(error)) throw error;
      });
    }
    if (vm) await this.ctx.fed.inventory.markDeleted(target.name, vm.id, { signal: this.signal }).catch(() => undefined);
    return { vmId: vm?.id ?? null };
  }

  // -------------------------------------------------------------------------------------------
  // Parts

  /**
   * Runs one step: skipped when it had succeeded; otherwise written `started` (a fresh record, or
   * the earlier run's again), done, and settled. A failure of the work is a {@link StepFailure};
   * a failure of the store's writes is thrown as it is (it ends the run and rolls nothing back).
   */
  private async step<T extends JsonValue>(name: MigrationStepName, def: StepDefinition<T>): Promise<T> {
    const found = lastStep(this.op.record, name);
    if (found?.step.status === 'succeeded') return found.step.output as T;
    let index: number;
    if (found) {
      index = found.index;
      await this.op.settleStep(index, 'started');
    } else {
      index = await this.op.startStep({ name, token: def.token, input: { ...def.input, startedAt: this.iso() } });
    }
    this.stepEvent(name, 'started');
    let output: T;
    try {
      output = await this.attempts(def.retry ?? true, () => def.act({ index, earlier: found?.step }));
    } catch (error) {
      // The caller gave up: the step stays `started`, and the next run (or resumeMigrations) takes it up.
      if (this.signal?.aborted) throw abortErrorFor(this.signal, this.context('migrateVM'));
      const definite = provesNothingCreated(error) || HealthCheckFailedError.isInstance(error) || MigrationConflictError.isInstance(error) || ConflictError.isInstance(error);
      const status = definite ? 'failed' : 'uncertain';
      await this.op.settleStep(index, status, { error: safeError(error) });
      this.stepEvent(name, status, error);
      throw new StepFailure(name, error);
    }
    await this.op.settleStep(index, 'succeeded', { output });
    this.stepEvent(name, 'succeeded');
    return output;
  }

  private async attempts<T>(retry: boolean, body: () => Promise<T>): Promise<T> {
    const max = retry ? this.ctx.fed.failover.resolveAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      throwIfCallerAborted(this.signal, this.context('migrateVM'));
      try {
        return await body();
      } catch (error) {
        if (attempt >= max || !isTransient(error) || this.signal?.aborted) throw error;
        await this.pause(attempt, error);
      }
    }
  }

  private async pause(attempt: number, error: unknown): Promise<void> {
    await sleep(backoffDelay(attempt, error, this.ctx.fed.failover.resolveRetry), this.signal).catch(() => undefined);
    throwIfCallerAborted(this.signal, this.context('migrateVM'));
  }

  /** One provider call under the provider's deadline (`callMs` for reads, `createMs` for changes that wait). */
  private call<T>(provider: ProviderV1, operation: string, budget: 'callMs' | 'createMs', body: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withDeadline(this.context(operation, provider), this.ctx.fed.registry.timeouts(provider.name)[budget], this.signal, body);
  }

  /** The VM the import made: by its recorded id, else by the import's key; `undefined` when the target confirms there is none. */
  private async lookupTarget(step: StepRecord): Promise<VM | undefined> {
    const target = this.targetProvider();
    const vmId = (step.output as { vmId?: string } | undefined)?.vmId;
    if (vmId !== undefined) {
      try {
        return await this.call(target, 'getVM', 'callMs', (signal) => target.getVM(vmId, { signal }));
      } catch (error) {
        // Reads can lag behind an import; the key decides.
        if (!NotFoundError.isInstance(error)) throw error;
      }
    }
    if (!target.findByIdempotencyKey) return undefined;
    return this.call(target, 'findByIdempotencyKey', 'callMs', (signal) => target.findByIdempotencyKey!(this.importToken(), { signal }));
  }

  private async readSource(): Promise<VM> {
    const source = this.sourceProvider();
    return this.attempts(true, () => this.call(source, 'getVM', 'callMs', (signal) => source.getVM(this.plan.source.id, { signal })));
  }

  private async readTarget(): Promise<VM> {
    const target = this.targetProvider();
    const vmId = this.importedVmId();
    if (vmId === undefined) throw new NotFoundError({ provider: target.name, message: '[migration] the import recorded no VM id', resourceType: 'vm' });
    const vm = await this.attempts(true, () => this.call(target, 'getVM', 'callMs', (signal) => target.getVM(vmId, { signal })));
    this.targetVm = vm;
    return vm;
  }

  /** The target as last read, or a stand-in built from the record when it cannot be read (a revert after the target went). */
  private async readTargetOrStandIn(): Promise<VM> {
    try {
      return await this.readTarget();
    } catch {
      const s = this.plan.spec;
      return {
        id: this.importedVmId() ?? '',
        name: s.name,
        provider: this.plan.target.provider,
        providerKind: this.targetProvider().kind,
        region: s.region ?? '',
        zone: s.zone ?? undefined,
        state: 'unknown',
        rawState: 'unknown',
        instanceType: s.instanceType ?? '',
        cpu: s.cpu,
        memoryGiB: s.memoryGiB,
        spot: s.spot,
        privateIps: [],
        publicIps: [],
        labels: s.labels,
        image: undefined,
        createdAt: this.op.record.createdAt,
        hourlyPrice: undefined,
        stateReason: undefined,
      };
    }
  }

  /** What the move costs: the source's egress for the image's bytes, and both hourly rates (best effort). */
  private async estimateCost(artifact: ImageArtifact): Promise<MigrationCostEstimate | null> {
    const source = this.sourceProvider();
    const target = this.targetProvider();
    const gb = artifact.sizeBytes / 1e9;
    const s = this.plan.spec;
    const base = { name: this.plan.source.name, cpu: s.cpu, memory: s.memoryGiB, spot: s.spot };
    const quiet = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
    const [egress, was, will] = await Promise.all([
      this.plan.path === 'resize' ? undefined : quiet(this.call(source, 'estimateCost', 'callMs', (signal) => source.estimateCost({ ...base, region: this.plan.source.region, instanceType: this.plan.source.instanceType, egressGBPerMonth: gb }, { signal }))),
      quiet(this.call(source, 'estimateCost', 'callMs', (signal) => source.estimateCost({ ...base, region: this.plan.source.region, instanceType: this.plan.source.instanceType }, { signal }))),
      quiet(this.call(target, 'estimateCost', 'callMs', (signal) => target.estimateCost(importSpec(this.plan, artifact), { signal }))),
    ]);
    const any = egress ?? was ?? will;
    if (!any) return null;
    const priced = [egress, was, will].filter((e) => e !== undefined);
    return {
      currency: any.currency,
      transfer: egress?.breakdown.network,
      sourceHourly: was?.hourly,
      targetHourly: will?.hourly,
      source: [...new Set(priced.map((e) => e.source))].join('+'),
      asOf: priced.map((e) => e.asOf).sort()[0]!,
    };
  }

  private sourceProvider(): ProviderV1 {
    return this.ctx.fed.registry.get(this.plan.source.provider);
  }

  private targetProvider(): ProviderV1 {
    return this.ctx.fed.registry.get(this.plan.target.provider);
  }

  private importToken(): string {
    return `${this.rid}:import`;
  }

  private importedVmId(): string | undefined {
    return (lastStep(this.op.record, 'import')?.step.output as { vmId?: string } | undefined)?.vmId;
  }

  private transferOperationId(): string {
    return `${this.op.id}-transfer`;
  }

  private context(operation: string, provider?: ProviderV1): { operation: string; provider?: string; operationId: string } {
    return { operation, provider: provider?.name, operationId: this.op.id };
  }

  private outcome(status: MigrationStatus): RunOutcome {
    return { status, vm: this.targetVm };
  }

  private count(status: 'succeeded' | 'rolled_back' | 'failed'): void {
    this.ctx.metrics.migrationsTotal.inc({ source: this.plan.source.provider, destination: this.plan.target.provider, status });
  }

  private stepEvent(step: MigrationStepName, status: 'started' | 'succeeded' | 'failed' | 'uncertain', error?: unknown): void {
    const e = error === undefined ? undefined : storedError(safeError(error));
    this.ctx.fed.events.publish('migration.step', {
      migrationId: this.op.id,
      step,
      status,
      sourceProvider: this.plan.source.provider,
      sourceVmId: this.plan.source.id,
      targetProvider: this.plan.target.provider,
      errorCode: e?.code,
      message: e?.message,
    });
  }

  private status(status: MigrationStatus, error?: StoredError): void {
    this.ctx.fed.events.publish('migration.status', {
      migrationId: this.op.id,
      status,
      sourceProvider: this.plan.source.provider,
      sourceVmId: this.plan.source.id,
      targetProvider: this.plan.target.provider,
      targetVmId: this.importedVmId(),
      errorCode: error?.code,
      message: error?.message,
    });
  }

  private iso(): string {
    return new Date(this.ctx.fed.now()).toISOString();
  }
}

/** True when a step's recorded error proves the call made nothing (a refusal), as far as its code tells. */
function provesNothingCreatedStored(step: StepRecord): boolean {
  return step.status === 'failed' && ['CAPACITY', 'QUOTA', 'AUTH', 'INVALID_SPEC', 'UNSUPPORTED'].includes(step.error?.code ?? '');
}
