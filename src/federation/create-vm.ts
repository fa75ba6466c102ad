/**
 * Creating one VM with failover, as a durable operation.
 *
 * The operation's steps are the launch attempts (one per candidate tried) and, once a VM
 * exists, the idempotent finishing steps (price estimate, inventory record, done). Each launch
 * is recorded `started` with the idempotency token it sends before the call, and settled after:
 * `succeeded` with the VM id, `failed` when the error proves nothing was created, `uncertain`
 * otherwise. An uncertain attempt is resolved — the same provider is asked for the VM by that
 * token — before anything else happens; only a confirmed absence lets failover move on. A run
 * that finds a record left by an earlier run (a crash, a lost store write, another replica)
 * settles its unsettled attempts the same way first, and a succeeded one goes straight to the
 * finishing steps, which can never launch anything.
 */
import { createHash } from 'node:crypto';
import { sleep } from '../provider/abort.js';
import {
  AuthError,
  CapacityError,
  NotFoundError,
  NovacronError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
} from '../provider/errors.js';
import { specFingerprint } from '../provider/offer-selection.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import { backoffDelay, withRetry } from '../provider/retry.js';
import type { VM, VMSpec } from '../provider/types.js';
import type { JsonValue } from '../state/state-store.js';
import { combineExclusions, type PlacementEngine, type PlacementExclusions } from './placement/index.js';
import { decideOrThrow } from './decide.js';
import type { FederationContext } from './federation-context.js';
import { AllCandidatesFailedError, OutcomeUncertainError, PlacementRefusedError, type FailedAttempt } from './federation-errors.js';
import { ConflictError } from '../provider/errors.js';
import { LABEL_FEDERATION, LABEL_REQUEST, labelValue, specForStore, specFromStore, type StoredSpec } from './inventory.js';
import { provesNothingCreated } from './operations/call-outcome.js';
import { abortErrorFor, throwIfCallerAborted, withDeadline } from './operations/deadline.js';
import { DurableOperation, listOperations } from './operations/durable-operation.js';
import { isUnsettled, type OperationRecord, type StepRecord } from './operations/operation-record.js';
import type { PlacementCandidate, PlacementDecision } from './placement/index.js';
import type { PlacementRequest } from './placement/index.js';
import type { FederatedCreateOptions } from './request-input.js';
import type { PlacementTarget } from './placement-target.js';
import { displayCreateResult } from './result-display.js';

/** What reconciliation did with a create that an earlier run left unsettled. */
export interface SettledCreate {
  /** The create's operation id (`create-<request id>`). */
  readonly operationId: string;
  /**
   * `adopted`: the attempt had made a VM, now in the inventory; `absent`: the provider has no
   * VM for any unsettled attempt (a retry with the same key may try again); `unresolved`: the
   * provider could not say, or cannot be asked by token; `busy`: another replica holds it.
   */
  readonly outcome: 'adopted' | 'absent' | 'unresolved' | 'busy';
  /** Provider of the adopted VM. */
  readonly provider?: string | undefined;
  /** Id of the adopted VM. */
  readonly vmId?: string | undefined;
  /** Why it is unresolved. */
  readonly message?: string | undefined;
}

/** One attempt of a request, as recorded. */
export interface AttemptRecord extends PlacementTarget {
  /** The idempotency key sent to the provider. */
  readonly providerKey: string;
  /** `pending` while the call runs, `uncertain` when its outcome is not known yet. */
  readonly outcome: 'pending' | 'created' | 'failed' | 'uncertain';
  /** The VM id, once known. */
  readonly vmId?: string | undefined;
  /** Error code when failed or uncertain. */
  readonly code?: string | undefined;
  /** Error message when failed or uncertain. */
  readonly message?: string | undefined;
}

/** The outcome of `FederationManager.createVM`. */
export interface CreateVMResult {
  /** The VM. */
  readonly vm: VM;
  /** The placement decision (`undefined` when an earlier run of the same request had decided). */
  readonly decision: PlacementDecision | undefined;
  /** Every attempt, failed ones included. */
  readonly attempts: readonly AttemptRecord[];
  /** The request had completed before: nothing new was created. */
  readonly reused: boolean;
}

/** What one run of a create is asked. */
export interface CreateRequest {
  /** The caller's idempotency key. */
  readonly key: string;
  readonly spec: VMSpec;
  readonly request: PlacementRequest;
  readonly options: FederatedCreateOptions;
  /** Only these providers (groups keep their spread this way). */
  readonly onlyProviders?: readonly string[] | undefined;
  /** The group the VM is a replica of (its `createGroup` key), recorded in the inventory. */
  readonly group?: string | undefined;
}

/** What a launch step is asked to do, as stored in the step's input. */
interface LaunchInput {
  readonly provider: string;
  readonly region: string;
  readonly zone: string | null;
  readonly instanceType: string;
  readonly spot: boolean;
}

type LaunchOutcome = { readonly vm: VM } | { readonly failed: unknown };

/** What an attempt that ended without an answer turned out to have done: nothing (its candidate stays open). */
const NOT_CREATED = Object.freeze({ code: 'NOT_CREATED', message: 'the run that made this attempt ended without an answer, and the provider has no VM for it' });

/** The request id under which a key's operation, labels and tokens live. */
export function requestIdOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

/** Creates VMs with failover on the durable-operation core. */
export class VMCreator {
  /** Creates the creator over the federation's shared parts. */
  constructor(private readonly fed: FederationContext) {}

  /** Runs (or resumes, or returns the result of) the create named by `req.key`. */
  async run(req: CreateRequest): Promise<CreateVMResult> {
    return displayCreateResult(await this.runOnce(req));
  }

  private async runOnce(req: CreateRequest): Promise<CreateVMResult> {
    const rid = requestIdOf(req.key);
    const opId = `create-${rid}`;
    const signal = req.options.signal;
    throwIfCallerAborted(signal, { operation: 'createVM', operationId: opId });
    const opened = await DurableOperation.open({
      store: this.fed.store,
      id: opId,
      kind: 'createVM',
      fingerprint: specFingerprint(req.spec),
      input: { spec: specForStore(req.spec) as unknown as JsonValue, ...(req.onlyProviders ? { onlyProviders: [...req.onlyProviders] } : {}) },
      holder: this.fed.replicaId,
      waitMs: req.options.waitForOtherReplicaMs ?? 600_000,
      now: this.fed.now,
      signal,
      conflictMessage: `idempotency key "${req.key}" was already used for a different VM spec`,
    });
    if ('settled' in opened) return this.reuse(opened.settled, signal);
    const op = opened.operation;
    try {
      if (op.record.status === 'succeeded') return await this.reuse(op.record, signal);
      return await new CreateRun(this.fed, op, req, rid).execute();
    } finally {
      await op.close();
    }
  }

  /**
   * Settles the creates that an earlier run left unsettled (a crash, a lost answer, an
   * `OutcomeUncertainError` nobody retried): each attempt is looked up at its provider by its
   * token; a VM found is adopted into the inventory and its request completed, a confirmed
   * absence lets a later retry try again. Nothing is ever launched here: what a create sends
   * (its user data) is not stored, so only a lookup can settle an attempt.
   */
  async settlePending(options: { signal?: AbortSignal | undefined } = {}): Promise<SettledCreate[]> {
    const out: SettledCreate[] = [];
    for await (const record of listOperations(this.fed.store, options)) {
      if (record.kind !== 'createVM' || record.status === 'succeeded' || !record.steps.some((s) => s.name === 'launch' && isUnsettled(s))) continue;
      out.push(await this.settleOne(record, options.signal));
    }
    return out;
  }

  private async settleOne(record: OperationRecord, signal: AbortSignal | undefined): Promise<SettledCreate> {
    const operationId = record.id;
    const input = record.input as { spec?: StoredSpec; onlyProviders?: string[] } | undefined;
    if (!input?.spec) return { operationId, outcome: 'unresolved', message: 'the record does not say what was asked' };
    let opened;
    try {
      opened = await DurableOperation.open({
        store: this.fed.store,
        id: operationId,
        kind: record.kind,
        fingerprint: record.fingerprint,
        holder: this.fed.replicaId,
        waitMs: 0,
        now: this.fed.now,
        signal,
        conflictMessage: 'the operation record changed under reconcile',
      });
    } catch (error) {
      // Another replica is working on the request: it settles the attempts itself.
      if (ConflictError.isInstance(error)) return { operationId, outcome: 'busy' };
      throw error;
    }
    if ('settled' in opened) return { operationId, outcome: 'adopted', ...(opened.settled.result as { provider: string; vmId: string }) };
    const op = opened.operation;
    try {
      const req: CreateRequest = { key: '', spec: specFromStore(input.spec), request: {}, options: { signal }, onlyProviders: input.onlyProviders };
      return await new CreateRun(this.fed, op, req, operationId.slice('create-'.length), 'settle').settleEarlier();
    } finally {
      await op.close();
    }
  }

  /** The VM of a request that had completed: nothing is created. */
  private async reuse(record: OperationRecord, signal: AbortSignal | undefined): Promise<CreateVMResult> {
    const ref = record.result as { provider: string; vmId: string };
    const step = record.steps.find((s) => s.name === 'launch' && (s.output as { vmId?: string } | undefined)?.vmId === ref.vmId);
    const vm = await readCreatedVM(this.fed, { operationId: record.id, provider: ref.provider, vmId: ref.vmId, token: step?.token, signal });
    return { vm, decision: undefined, attempts: attemptsOf(record), reused: true };
  }
}

/**
 * Reads a VM the federation knows it created. Right after a create, a read by id can miss (EC2
 * answers `InvalidInstanceID.NotFound` for a while, and a fresh process has no memory of the
 * launch): a miss is asked again by the create's token and retried within the resolution
 * budget before it is believed.
 */
async function readCreatedVM(fed: FederationContext, ref: { operationId: string; provider: string; vmId: string; token: string | undefined; signal: AbortSignal | undefined }): Promise<VM> {
  const provider = fed.registry.get(ref.provider);
  const callMs = fed.registry.timeouts(provider.name).callMs;
  const context = { operation: 'getVM', provider: provider.name, operationId: ref.operationId };
  return withRetry(
    async () => {
      try {
        return await withDeadline(context, callMs, ref.signal, (signal) => provider.getVM(ref.vmId, { signal }));
      } catch (error) {
        if (!NotFoundError.isInstance(error) || !provider.findByIdempotencyKey || ref.token === undefined) throw error;
        const found = await withDeadline(context, callMs, ref.signal, (signal) => provider.findByIdempotencyKey!(ref.token!, { signal }));
        if (found?.id === ref.vmId) return found;
        throw error;
      }
    },
    {
      ...fed.failover.resolveRetry,
      maxAttempts: fed.failover.resolveAttempts,
      signal: ref.signal,
      operation: 'getVM',
      provider: provider.name,
      shouldRetry: (e) => NotFoundError.isInstance(e) || !NovacronError.isInstance(e) || e.retryable,
    },
  );
}

/** One run of one create operation. */
class CreateRun {
  private readonly signal: AbortSignal | undefined;
  /** Places refused for this request only (spec refusals, throttling past the retries). */
  private readonly local = new Map<string, string>();

  constructor(
    private readonly fed: FederationContext,
    private readonly op: DurableOperation,
    private readonly req: CreateRequest,
    private readonly rid: string,
    /** `settle`: only earlier attempts are looked up (reconcile); nothing is launched. */
    private readonly mode: 'create' | 'settle' = 'create',
  ) {
    this.signal = req.options.signal;
  }

  /** Settles the earlier runs' attempts by lookup only (see {@link VMCreator.settlePending}). */
  async settleEarlier(): Promise<SettledCreate> {
    const operationId = this.op.id;
    for (const [index, step] of this.op.record.steps.entries()) {
      if (step.name !== 'launch') continue;
      if (step.status === 'succeeded') {
        const vm = await this.finish(await this.recordedVM(step), undefined, undefined);
        return { operationId, outcome: 'adopted', provider: vm.vm.provider, vmId: vm.vm.id };
      }
      if (!isUnsettled(step)) continue;
      try {
        const outcome = await this.resolve(index, undefined);
        if ('vm' in outcome) {
          const done = await this.finish(outcome.vm, undefined, undefined);
          return { operationId, outcome: 'adopted', provider: done.vm.provider, vmId: done.vm.id };
        }
      } catch (error) {
        if (!OutcomeUncertainError.isInstance(error)) throw error;
        return { operationId, outcome: 'unresolved', message: error.message };
      }
    }
    return { operationId, outcome: 'absent' };
  }

  async execute(): Promise<CreateVMResult> {
    // An earlier run's attempts come first: a created VM is finished, an unsettled one resolved.
    for (const [index, step] of this.op.record.steps.entries()) {
      if (step.name !== 'launch') continue;
      if (step.status === 'succeeded') return this.finish(await this.recordedVM(step), undefined, undefined);
      if (isUnsettled(step)) {
        // An attempt whose run ended without an answer; when it made nothing, its candidate is open again.
        const outcome = await this.resolve(index, undefined);
        if ('vm' in outcome) return this.finish(outcome.vm, undefined, undefined);
        if (outcome.failed !== NOT_CREATED) this.applyFailure(outcome.failed, step);
      }
    }
    return this.failover();
  }

  private async failover(): Promise<CreateVMResult> {
    const { fed, req } = this;
    const engine = await fed.catalog.get(this.signal);
    const local = this.local;
    const exclusions = combineExclusions(fed.blocks, {
      provider: (p) => local.get(p),
      region: (p, r) => (local.size === 0 ? undefined : local.get(`${p}|${r}`)),
      zone: (p, r, z) => (local.size === 0 ? undefined : local.get(`${p}|${r}|${z}`)),
      mayExcludeRegions: () => local.size > 0,
    });
    const tried = new Set(this.launchSteps().filter((s) => s.error?.code !== NOT_CREATED.code).map((s) => candidateKey(s.input as unknown as LaunchInput)));
    let first: PlacementDecision | undefined;
    let refusal: PlacementRefusedError | undefined;
    for (let attempts = 0; attempts < fed.failover.maxAttempts; attempts++) {
      let decision: PlacementDecision;
      try {
        decision = decideOrThrow({ engine, spec: req.spec, request: req.request, explain: first === undefined && req.options.explain !== false, exclusions, onlyProviders: req.onlyProviders, priceAge: fed.priceAge, providers: fed.registry.list() });
      } catch (error) {
        if (!PlacementRefusedError.isInstance(error)) throw error;
        if (this.launchSteps().length === 0) {
          await this.op.fail(error);
          throw error;
        }
        refusal = error;
        break;
      }
      if (first === undefined) {
        first = decision;
        this.publishDecision(decision);
      }
      const candidate = (this.launchSteps().length > 0 ? priorityCandidate(engine, req, exclusions, tried) : undefined) ?? nextCandidate(decision, req.request.failoverPriority, this.launchSteps().length === 0, tried);
      if (!candidate) break;
      tried.add(candidateKey(launchInput(candidate)));
      const outcome = await this.launch(candidate);
      if ('vm' in outcome) return this.finish(outcome.vm, first, candidate);
      this.applyFailure(outcome.failed, this.op.record.steps.at(-1)!);
    }
    const attempts: FailedAttempt[] = attemptsOf(this.op.record).map((a) => ({
      provider: a.provider,
      region: a.region,
      zone: a.zone,
      instanceType: a.instanceType,
      spot: a.spot,
      code: a.code ?? 'UNKNOWN',
      message: a.message ?? '',
    }));
    const error = new AllCandidatesFailedError({
      message: `every candidate for ${req.spec.name} failed (${attempts.length} attempt${attempts.length === 1 ? '' : 's'})${refusal ? '; no candidate is left' : ''}`,
      attempts,
    });
    await this.op.fail(error);
    fed.events.publish('operation.failed', { provider: undefined, operation: 'createVM', errorCode: error.code, message: error.message });
    throw error;
  }

  /** One create on one candidate: `started` before the call, settled after; throttling retried with the same token. */
  private async launch(candidate: PlacementCandidate): Promise<LaunchOutcome> {
    const { fed } = this;
    const provider = fed.registry.get(candidate.provider);
    const token = `${this.rid}:${this.op.record.steps.length + 1}`;
    const index = await this.op.startStep({ name: 'launch', token, input: launchInput(candidate) as unknown as JsonValue });
    const spec = this.attemptSpec(launchInput(candidate));
    let provisioned: string | undefined;
    let vm: VM;
    try {
      vm = await withRetry(
        () =>
          withDeadline({ operation: 'createVM', provider: provider.name, operationId: this.op.id }, fed.registry.timeouts(provider.name).createMs, this.signal, (signal) =>
            provider.createVM(spec, {
              signal,
              idempotencyKey: token,
              // No VM is ever lost: its id is in the operation record before any wait.
              onProvisioned: async (v) => {
                provisioned = v.id;
                await this.op.annotateStep(index, { vmId: v.id });
              },
            }),
          ),
        { ...fed.failover.throttleRetry, signal: this.signal, operation: 'createVM', provider: provider.name, events: fed.events, shouldRetry: (e) => ThrottledError.isInstance(e) },
      );
    } catch (error) {
      // The caller gave up: the step stays `started`, and a retry with the same key resolves it.
      if (this.signal?.aborted) throw abortErrorFor(this.signal, { operation: 'createVM', provider: provider.name, operationId: this.op.id });
      if (provesNothingCreated(error) && provisioned === undefined) {
        await this.op.settleStep(index, 'failed', { error });
        return { failed: error };
      }
      await this.op.settleStep(index, 'uncertain', { error });
      return this.resolve(index, error);
    }
    // A failure of this write is the store's, not the cloud's: it ends the run, and the next run adopts the VM.
    await this.op.settleStep(index, 'succeeded', { output: { vmId: vm.id } });
    return { vm };
  }

  /**
   * Finds out what an unsettled attempt did, asking its provider by the attempt's token: a VM
   * found is adopted, a confirmed absence (or a VM that has already terminated) settles the
   * attempt `failed`, and anything else is asked again, within the resolution budget. Past it,
   * `OutcomeUncertainError`: nothing else is tried.
   */
  private async resolve(index: number, cause: unknown): Promise<LaunchOutcome> {
    const { fed } = this;
    const step = this.op.record.steps[index]!;
    const input = step.input as unknown as LaunchInput;
    const provider = fed.registry.find(input.provider);
    let last: unknown = cause;
    for (let round = 0; provider && round < fed.failover.resolveAttempts; round++) {
      if (round > 0) await sleep(backoffDelay(round, last, fed.failover.resolveRetry), this.signal).catch(() => undefined);
      throwIfCallerAborted(this.signal, { operation: 'createVM', provider: provider.name, operationId: this.op.id });
      try {
        const found = await withDeadline({ operation: 'resolveCreate', provider: provider.name, operationId: this.op.id }, fed.registry.timeouts(provider.name).callMs, this.signal, (signal) =>
          this.lookup(provider, this.op.record.steps[index]!, signal),
        );
        if (found && !isGone(found)) {
          await this.op.settleStep(index, 'succeeded', { output: { vmId: found.id } });
          fed.log.info('uncertain create resolved: adopted', { provider: provider.name, vmId: found.id, operationId: this.op.id });
          // A create answers once its VM runs; an adopted one is waited for the same way.
          const started = await this.untilStarted(provider, found);
          if (!isGone(started)) return { vm: started };
          const error = new CapacityError({ provider: provider.name, message: `the VM ${started.id} terminated while it was starting${started.stateReason ? `: ${started.stateReason}` : ''}`, region: started.region, zone: started.zone });
          await this.op.settleStep(index, 'failed', { error });
          return { failed: error };
        }
        // Confirmed: no VM lives for this token. Failover may go on, blocking what the first error proved.
        const error = found
          ? new CapacityError({ provider: provider.name, message: `the VM ${found.id} terminated while it was starting${found.stateReason ? `: ${found.stateReason}` : ''}`, region: found.region, zone: found.zone })
          : (cause ?? NOT_CREATED);
        await this.op.settleStep(index, 'failed', { error, output: found ? { vmId: found.id } : undefined });
        return { failed: error };
      } catch (error) {
        if (this.signal?.aborted) throw abortErrorFor(this.signal, { operation: 'createVM', provider: provider.name, operationId: this.op.id });
        if (OutcomeUncertainError.isInstance(error)) throw error; // cannot be asked: no use asking again
        last = error;
      }
    }
    const vmId = (step.output as { vmId?: string } | undefined)?.vmId;
    const e = last as NovacronError | undefined;
    throw new OutcomeUncertainError({
      message: `${this.req.spec.name}: the create on ${input.provider} (${input.region}${input.zone ? `/${input.zone}` : ''}, key ${step.token}) may have made a VM and the provider could not say (${e?.message ?? 'no answer'}); nothing else was tried — retry with the same idempotency key, or reconcile`,
      attempt: { provider: input.provider, region: input.region, zone: input.zone ?? undefined, instanceType: input.instanceType, spot: input.spot, providerKey: step.token!, vmId, code: NovacronError.isInstance(last) ? last.code : 'UNKNOWN' },
      operationId: this.op.id,
      cause: last,
    });
  }

  /**
   * The adopted VM once it has left `pending`, read by id with backoff within the provider's
   * create deadline; still pending at the deadline, it is returned as it is (it exists, and is
   * recorded).
   */
  private async untilStarted(provider: ProviderV1, vm: VM): Promise<VM> {
    const { fed } = this;
    const until = fed.now() + fed.registry.timeouts(provider.name).createMs;
    let current = vm;
    for (let round = 1; current.state === 'pending' && fed.now() < until; round++) {
      await sleep(backoffDelay(round, undefined, fed.failover.resolveRetry), this.signal).catch(() => undefined);
      throwIfCallerAborted(this.signal, { operation: 'createVM', provider: provider.name, operationId: this.op.id });
      current = await withDeadline({ operation: 'getVM', provider: provider.name, operationId: this.op.id }, fed.registry.timeouts(provider.name).callMs, this.signal, (signal) =>
        provider.getVM(vm.id, { signal }),
      ).catch((error: unknown) => (NotFoundError.isInstance(error) || (NovacronError.isInstance(error) && error.retryable) ? current : Promise.reject(error)));
    }
    return current;
  }

  /** The VM an attempt made, `undefined` when the provider confirms there is none. */
  private async lookup(provider: ProviderV1, step: StepRecord, signal: AbortSignal): Promise<VM | undefined> {
    const vmId = (step.output as { vmId?: string } | undefined)?.vmId;
    if (vmId !== undefined) {
      try {
        return await provider.getVM(vmId, { signal });
      } catch (error) {
        // Listings can lag behind a create; the token lookup below decides.
        if (!NotFoundError.isInstance(error)) throw error;
      }
    }
    if (provider.findByIdempotencyKey) return provider.findByIdempotencyKey(step.token!, { signal });
    if (this.mode === 'settle') {
      // Reconcile knows the spec without its user data: a repeated create could launch a different VM.
      throw new OutcomeUncertainError({
        message: `${provider.name} cannot be asked for a VM by idempotency key; retry the create with its key to settle it`,
        attempt: { provider: provider.name, region: (step.input as unknown as LaunchInput).region, zone: undefined, instanceType: (step.input as unknown as LaunchInput).instanceType, spot: (step.input as unknown as LaunchInput).spot, providerKey: step.token!, vmId: undefined, code: 'UNSUPPORTED' },
        operationId: this.op.id,
      });
    }
    // No lookup by key: repeating the create with the same key is idempotent by the Provider contract.
    try {
      return await provider.createVM(this.attemptSpec(step.input as unknown as LaunchInput), { signal, idempotencyKey: step.token });
    } catch (error) {
      if (provesNothingCreated(error)) return undefined;
      throw error;
    }
  }

  /** The VM of a launch recorded `succeeded`. */
  private recordedVM(step: StepRecord): Promise<VM> {
    const input = step.input as unknown as LaunchInput;
    return readCreatedVM(this.fed, { operationId: this.op.id, provider: input.provider, vmId: (step.output as { vmId: string }).vmId, token: step.token, signal: this.signal });
  }

  /** The steps after a VM exists; each is idempotent, so a run that repeats them creates nothing. */
  private async finish(vm: VM, decision: PlacementDecision | undefined, candidate: PlacementCandidate | undefined): Promise<CreateVMResult> {
    const { fed } = this;
    const provider = fed.registry.get(vm.provider);
    const spec = this.attemptSpec({ provider: vm.provider, region: vm.region, zone: vm.zone ?? null, instanceType: vm.instanceType, spot: vm.spot });
    const cost = await withDeadline({ operation: 'estimateCost', provider: provider.name, operationId: this.op.id }, fed.registry.timeouts(provider.name).callMs, this.signal, (signal) =>
      provider.estimateCost(spec, { signal }),
    ).catch(() => undefined);
    await fed.inventory.recordCreated(vm, {
      requestId: this.rid,
      group: this.req.group,
      spec: this.req.spec,
      cost,
      decision: decision && candidate ? { strategy: decision.strategy, score: candidate.score, hourlyPrice: candidate.hourlyPrice } : undefined,
    }, { signal: this.signal });
    await this.op.succeed({ provider: vm.provider, vmId: vm.id });
    return { vm, decision, attempts: attemptsOf(this.op.record), reused: false };
  }

  private attemptSpec(input: LaunchInput): VMSpec {
    const spec = this.req.spec;
    return {
      ...spec,
      region: input.region,
      zone: input.zone ?? undefined,
      instanceType: input.instanceType,
      spot: input.spot,
      spotMaxPrice: input.spot ? spec.spotMaxPrice : undefined,
      labels: { ...spec.labels, [LABEL_FEDERATION]: labelValue(this.fed.federationId), [LABEL_REQUEST]: this.rid.slice(0, 16) },
    };
  }

  private launchSteps(): readonly StepRecord[] {
    return this.op.record.steps.filter((s) => s.name === 'launch');
  }

  /** Blocks what a failure proves unusable, and reports it. */
  private applyFailure(error: unknown, step: StepRecord): void {
    const { fed } = this;
    const c = step.input as unknown as LaunchInput;
    const e = error as NovacronError;
    const code = NovacronError.isInstance(error) ? e.code : 'UNKNOWN';
    let blocked: 'zone' | 'region' | 'provider' | 'candidate' = 'candidate';
    const reason = `${code} on ${c.provider} ${c.region}`;
    if (CapacityError.isInstance(error)) {
      const zone = error.zone ?? c.zone ?? undefined;
      if (zone) {
        fed.blocks.block('zone', c.provider, c.region, zone, reason);
        blocked = 'zone';
      } else {
        fed.blocks.block('region', c.provider, c.region, undefined, reason);
        blocked = 'region';
      }
    } else if (QuotaError.isInstance(error)) {
      fed.blocks.block('region', c.provider, error.region ?? c.region, undefined, reason);
      blocked = 'region';
    } else if (AuthError.isInstance(error) || ProviderUnavailableError.isInstance(error)) {
      fed.blocks.block('provider', c.provider, undefined, undefined, reason);
      blocked = 'provider';
    } else if (ThrottledError.isInstance(error) || !NovacronError.isInstance(error) || e.code === 'TIMEOUT') {
      // Still throttled after retries, or slow: leave this provider alone for this request only.
      this.local.set(c.provider, `${code}: ${e.message}`);
      blocked = 'provider';
    } else {
      // Refused for this spec only (image, instance type, unsupported feature): skip this region for this request.
      this.local.set(`${c.provider}|${c.region}`, `${code}: ${e.message}`);
    }
    fed.log.warn('create attempt failed; failing over', { provider: c.provider, region: c.region, code });
    fed.events.publish('failover.attempt-failed', {
      vmName: this.req.spec.name,
      provider: c.provider,
      region: c.region,
      zone: c.zone ?? undefined,
      instanceType: c.instanceType,
      errorCode: code,
      message: e?.message ?? String(error),
      blocked,
    });
  }

  private publishDecision(decision: PlacementDecision): void {
    const c = decision.chosen;
    this.fed.events.publish('placement.decided', {
      vmName: this.req.spec.name,
      provider: c.provider,
      region: c.region,
      instanceType: c.instanceType,
      spot: c.spot,
      hourlyPrice: c.hourlyPrice,
      score: c.score,
      candidates: decision.ranked.length,
    });
  }
}

/** A VM that is going or gone: its attempt made nothing that lasts. */
function isGone(vm: VM): boolean {
  return vm.state === 'terminated' || vm.state === 'terminating';
}

function launchInput(c: PlacementCandidate): LaunchInput {
  return { provider: c.provider, region: c.region, zone: c.zone ?? null, instanceType: c.instanceType, spot: c.spot };
}

function candidateKey(c: { provider: string; region: string; zone: string | null | undefined; instanceType: string; spot: boolean }): string {
  return `${c.provider}|${c.region}|${c.zone ?? ''}|${c.instanceType}|${c.spot}`;
}

/**
 * After a failure, with a failover priority: the best untried candidate of the first provider in
 * that order that has one, each provider's decided on its own (a decision ranks only what could
 * beat its best, so another provider's candidates need not be in it); `undefined` when none has.
 */
function priorityCandidate(engine: PlacementEngine, req: CreateRequest, exclusions: PlacementExclusions, tried: Set<string>): PlacementCandidate | undefined {
  for (const name of req.request.failoverPriority ?? []) {
    if (req.onlyProviders && !req.onlyProviders.includes(name)) continue;
    const decision = engine.decide(req.spec, req.request, { exclusions, onlyProviders: [name] });
    const candidate = decision.ranked.find((c) => !tried.has(candidateKey(c)));
    if (candidate) return candidate;
  }
  return undefined;
}

/** The next candidate: the best first; after a failure, the failover priority order, then score. */
function nextCandidate(decision: PlacementDecision, priority: readonly string[] | undefined, firstAttempt: boolean, tried: Set<string>): PlacementCandidate | undefined {
  const open = decision.ranked.filter((c) => !tried.has(candidateKey(c)));
  if (open.length === 0) return undefined;
  if (firstAttempt || !priority || priority.length === 0) return open[0];
  const rank = (c: PlacementCandidate): number => {
    const i = priority.indexOf(c.provider);
    return i === -1 ? priority.length : i;
  };
  let best = open[0]!;
  for (const c of open) if (rank(c) < rank(best)) best = c;
  return best;
}

const OUTCOME: Readonly<Record<StepRecord['status'], AttemptRecord['outcome']>> = {
  planned: 'pending',
  started: 'pending',
  succeeded: 'created',
  failed: 'failed',
  uncertain: 'uncertain',
};

/** The launch steps of a create operation, as attempt records. */
export function attemptsOf(record: OperationRecord): AttemptRecord[] {
  return record.steps
    .filter((s) => s.name === 'launch')
    .map((s) => {
      const input = s.input as unknown as LaunchInput;
      return {
        provider: input.provider,
        region: input.region,
        zone: input.zone ?? undefined,
        instanceType: input.instanceType,
        spot: input.spot,
        providerKey: s.token!,
        outcome: OUTCOME[s.status],
        vmId: (s.output as { vmId?: string } | undefined)?.vmId,
        code: s.error?.code,
        message: s.error?.message,
      };
    });
}
