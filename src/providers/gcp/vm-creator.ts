/**
 * The create flow of the GCE adapter, in the order it runs:
 *
 * 1. plan (region, zone, machine type, image, disk, network: `launch-plan.ts`) and label, before
 *    anything is sent;
 * 2. look for the key's instance by its deterministic name in the zone (the recorded zone when the
 *    state store has the create): the same spec is adopted (and followed to RUNNING), another spec
 *    is a `ConflictError`; a create whose insert operation is recorded but whose instance is not
 *    visible is followed by that operation;
 * 3. otherwise `instances.insert` with the key's `requestId` (a retried insert, in any process,
 *    is deduplicated by GCE; an insert that meets its own instance as `alreadyExists` adopts it);
 *    the operation's name goes to the state store before anything waits;
 * 4. wait for the operation (DONE, then its `error`), then for RUNNING.
 *
 * GCE removes the instance of an insert whose operation failed (no capacity, a quota), so a
 * refused create leaves nothing behind and a federation can fail over at once; the record's
 * operation is forgotten so that a retry of the key inserts afresh.
 */
import { PerNameQueue } from '../../provider/keyed-creates.js';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError, QuotaError, TimeoutError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { specFingerprint } from '../../provider/offer-selection.js';
import type { CreateVMOptions } from '../../provider/provider-v1.js';
import type { ImageArtifact, VM, VMSpec } from '../../provider/types.js';
import { asCreateRecord, createRecordKey, type CreateRecord, type GcpStateStoreLike } from './create-record.js';
import type { GcpApi } from './gcp-api.js';
import { toInstanceBody, type GceInstanceBody } from './instance-mapping.js';
import type { InstanceReader } from './instance-reader.js';
import { NOVACRON_LABEL, encodeLabelValue, vmLabels } from './labels.js';
import type { LaunchPlan, LaunchPlanner } from './launch-plan.js';
import { instanceId, instanceNameFor, keyLabelValue, oneOffKey, requestIdFor, type InstanceRef } from './naming.js';
import type { RegionCatalog } from './offer-catalog.js';
import type { OperationWaiter } from './operation-waiter.js';
import type { GceInstance } from './state-mapping.js';

/** What the create flow needs of the provider's options. */
export interface VmCreatorOptions {
  /** Federation id, written as a label. */
  readonly federationId?: string | undefined;
  /** Where keyed creates are recorded. */
  readonly stateStore?: GcpStateStoreLike | undefined;
  /** `ssh-keys` metadata. */
  readonly sshKeys?: string | undefined;
  /** Default service account e-mail. */
  readonly serviceAccount?: string | undefined;
  /** Its scopes. */
  readonly scopes?: readonly string[] | undefined;
  /** What GCE does with a preempted spot VM. */
  readonly spotTerminationAction?: 'STOP' | 'DELETE' | undefined;
  /** Longest wait when the caller gives none, ms. */
  readonly waitTimeoutMs?: number | undefined;
  /** Pause between reads while waiting for RUNNING, ms. */
  readonly pollIntervalMs: number;
}

/** The provider's parts the create flow works with. */
export interface VmCreatorContext {
  /** Provider name. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** The provider's options. */
  readonly options: VmCreatorOptions;
  /** Where `vm.created` goes. */
  readonly events: EventBus;
  /** The clients. */
  readonly api: GcpApi;
  /** Operation waits. */
  readonly waiter: OperationWaiter;
  /** Reading instances. */
  readonly reader: InstanceReader;
  /** Planning. */
  readonly planner: LaunchPlanner;
  /** A GCE instance as a portable VM. */
  readonly toVM: (raw: GceInstance, catalog: RegionCatalog | undefined) => VM;
}

/** The image an import boots from. */
export interface ImportedImage {
  /** The artifact it was made from. */
  readonly artifact: ImageArtifact;
  /** Its path (`projects/<p>/global/images/<name>`). */
  readonly sourceImage: string;
  /** Its disk size, GiB: the least the boot disk may have. */
  readonly diskGiB: number;
}

/** Errors that prove a create made nothing: it can fail over at once. */
export function isDefinitiveRefusal(error: unknown): boolean {
  return CapacityError.isInstance(error) || QuotaError.isInstance(error) || InvalidSpecError.isInstance(error) || AuthError.isInstance(error);
}

/** Creates (and imports) VMs for one provider. */
export class VmCreator {
  /** Creates in progress per instance name: the same key in one process waits for the one before. */
  private readonly creating = new PerNameQueue();

  /** Keeps the provider's parts. */
  constructor(private readonly c: VmCreatorContext) {}

  /** Runs `fn` for the key's instance name, after any create of the same key in this process. */
  keyed<T>(key: string | undefined, fn: (key: string, name: string) => Promise<T>): Promise<T> {
    const k = key ?? oneOffKey();
    const name = instanceNameFor(k);
    return this.creating.run(name, () => fn(k, name));
  }

  /** A create (or an import, booting `imageOf` the artifact) under its key's instance name. */
  async create(spec: VMSpec, key: string, name: string, options: CreateVMOptions, imported?: ImportedImage): Promise<VM> {
    const { signal } = options;
    const keyed = options.idempotencyKey !== undefined;
    const specHash = specFingerprint(spec);
    const plan = await this.c.planner.plan({ spec, withImage: imported === undefined, signal });
    const labels = this.c.planner.named(() => vmLabels(spec, { providerName: this.c.providerName, specHash, federationId: this.c.options.federationId, keyLabel: keyed ? keyLabelValue(key) : undefined }));
    if (imported) labels[NOVACRON_LABEL.image] = encodeLabelValue(imported.artifact.baseImage ?? `imported-${imported.artifact.sourceVmId}`);
    const record = keyed ? await this.readRecord(name) : undefined;
    if (record && record.specHash !== specHash) throw this.conflict(key, record.vmId);
    const ref: InstanceRef = { project: this.c.project, zone: record?.zone ?? plan.zone, name };
    const vmId = instanceId(ref);
    const existing = keyed ? await this.c.reader.get(ref, 'createVM', signal) : undefined;
    if (existing) return this.adopt(existing, record, plan, key, specHash, options);
    if (record?.operation !== undefined) {
      const resumed = await this.resume(record, plan, options);
      if (resumed) return resumed;
    }
    const body = this.c.planner.named(() =>
      toInstanceBody(spec, {
        name,
        zone: ref.zone,
        machineType: plan.machine.name,
        attachedGpu: plan.attachedGpu,
        hasGpu: plan.gpu !== undefined,
        sourceImage: imported?.sourceImage ?? plan.sourceImage!,
        diskType: plan.diskType,
        diskGiB: Math.max(plan.diskGiB, imported?.diskGiB ?? 0), // GCE refuses a boot disk smaller than its image
        network: plan.network,
        subnetwork: plan.subnetwork,
        labels,
        sshKeys: this.c.options.sshKeys,
        serviceAccount: this.c.options.serviceAccount,
        scopes: this.c.options.scopes,
        spotTerminationAction: this.c.options.spotTerminationAction,
      }),
    );
    const ctx = { operation: imported ? 'importVM' : 'createVM', region: plan.region, zone: ref.zone, instanceType: plan.machine.name, resourceType: 'vm', resourceId: vmId, mutating: true };
    let operationName: string;
    try {
      const [operation] = await this.c.api.run(ctx, signal, async ({ instances }, call) => instances.insert({ project: ref.project, zone: ref.zone, instanceResource: body, requestId: requestIdFor(key) }, call));
      operationName = operation.latestResponse?.name ?? String(operation.name);
    } catch (error) {
      // The key's instance exists already (an earlier insert whose request id GCE has forgotten, another process).
      if (ConflictError.isInstance(error)) {
        const found = await this.c.reader.get(ref, 'createVM', signal);
        if (found) return this.adopt(found, record, plan, key, specHash, options);
      }
      throw error;
    }
    // No VM is ever lost: the operation to follow is recorded before anything waits.
    const started: CreateRecord = { vmId, instanceName: name, zone: ref.zone, specHash, idempotencyKey: key, operation: operationName, startedAt: new Date().toISOString() };
    if (keyed && this.c.options.stateStore) await this.record(started);
    const vm = this.c.toVM(pendingInstance(body, ref), plan.catalog);
    this.c.events.publish('vm.created', { provider: this.c.providerName, vm, reused: false });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false) return vm;
    await this.followOperation(started, plan, options);
    return this.waitRunning(ref, plan, signal, options.waitTimeoutMs);
  }

  /** The key's instance exists: the same spec is followed to RUNNING, another is a conflict. */
  private async adopt(existing: GceInstance, record: CreateRecord | undefined, plan: LaunchPlan, key: string, specHash: string, options: CreateVMOptions): Promise<VM> {
    const ref = refOf(this.c.project, existing);
    if (existing.labels?.[NOVACRON_LABEL.specHash] !== specHash) throw this.conflict(key, instanceId(ref));
    const vm = this.c.toVM(existing, plan.catalog);
    this.c.events.publish('vm.created', { provider: this.c.providerName, vm, reused: true });
    await options.onProvisioned?.(vm);
    throwIfAborted(options.signal);
    if (options.wait === false || vm.state === 'running') return vm;
    if (record?.operation !== undefined) await this.followOperation(record, plan, options).catch(() => undefined);
    return this.waitRunning(ref, plan, options.signal, options.waitTimeoutMs);
  }

  /**
   * Follows the insert operation a record names, the instance not (yet) visible. `undefined` when
   * the operation failed for good or is gone and no instance came of it (the caller inserts afresh).
   */
  private async resume(record: CreateRecord, plan: LaunchPlan, options: CreateVMOptions): Promise<VM | undefined> {
    const ref: InstanceRef = { project: this.c.project, zone: record.zone, name: record.instanceName };
    try {
      await this.followOperation(record, plan, { ...options, wait: true });
    } catch (error) {
      if (!isDefinitiveRefusal(error) && !NotFoundError.isInstance(error)) throw error;
      return undefined;
    }
    const found = await this.c.reader.get(ref, 'createVM', options.signal);
    if (!found) {
      await this.forgetOperation(record);
      return undefined;
    }
    const vm = this.c.toVM(found, plan.catalog);
    this.c.events.publish('vm.created', { provider: this.c.providerName, vm, reused: true });
    await options.onProvisioned?.(vm);
    if (options.wait === false || vm.state === 'running') return vm;
    return this.waitRunning(ref, plan, options.signal, options.waitTimeoutMs);
  }

  /** Waits for a recorded insert operation; a definitive failure forgets it (the instance is gone with it). */
  private async followOperation(record: CreateRecord, plan: LaunchPlan, options: CreateVMOptions): Promise<void> {
    const ctx = { operation: 'createVM', region: plan.region, zone: record.zone, instanceType: plan.machine.name, resourceType: 'vm', resourceId: record.vmId, mutating: true };
    try {
      await this.c.waiter.wait({ zone: record.zone, operation: record.operation!, ctx, signal: options.signal, timeoutMs: options.waitTimeoutMs, what: `the insert of ${record.vmId}` });
    } catch (error) {
      if (isDefinitiveRefusal(error)) await this.forgetOperation(record);
      throw error;
    }
  }

  private async record(record: CreateRecord): Promise<void> {
    try {
      await this.c.options.stateStore!.put(createRecordKey(this.c.providerName, record.instanceName), record);
    } catch (error) {
      throw new ProviderUnavailableError({
        provider: this.c.providerName,
        message: `createVM: instance ${record.vmId} was accepted by GCE but could not be recorded in the state store; repeat the create with idempotency key "${record.idempotencyKey}" to adopt it`,
        cause: error,
        resourceId: record.vmId,
      });
    }
  }

  /** The record of a keyed create, when the provider has a state store. */
  async readRecord(name: string): Promise<CreateRecord | undefined> {
    if (!this.c.options.stateStore) return undefined;
    return asCreateRecord((await this.c.options.stateStore.get(createRecordKey(this.c.providerName, name)))?.value);
  }

  /** Drops the operation from a create's record: nothing is to be followed. Never throws. */
  async forgetOperation(record: CreateRecord): Promise<void> {
    if (!this.c.options.stateStore || record.operation === undefined) return;
    const { operation: _done, ...rest } = record;
    await this.c.options.stateStore.put(createRecordKey(this.c.providerName, record.instanceName), rest).catch(() => undefined);
  }

  /** Reads the instance until RUNNING; a TERMINATED or vanished one is an error naming it. */
  private async waitRunning(ref: InstanceRef, plan: LaunchPlan, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<VM> {
    const limitMs = timeoutMs ?? this.c.options.waitTimeoutMs ?? 15 * 60_000;
    const deadline = Date.now() + limitMs;
    const vmId = instanceId(ref);
    for (let look = 0; ; look++) {
      const current = await this.c.reader.get(ref, 'createVM', signal);
      if (current) {
        const vm = this.c.toVM(current, plan.catalog);
        if (vm.state === 'running') return vm;
        if (current.status === 'TERMINATED' || current.status === 'SUSPENDED') {
          throw new ProviderUnavailableError({ provider: this.c.providerName, message: `instance ${vmId} is ${current.status}, not running${vm.stateReason ? ` (${vm.stateReason})` : ''}`, retryable: false, resourceId: vmId });
        }
      } else if (look > 2) {
        throw new ProviderUnavailableError({ provider: this.c.providerName, message: `instance ${vmId} disappeared while it was being created`, retryable: false, resourceId: vmId });
      }
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.c.providerName, resourceId: vmId, message: `instance ${vmId} did not become RUNNING within ${limitMs} ms; it still exists` });
      await sleep(Math.min(this.c.options.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  private conflict(key: string, vmId: string): ConflictError {
    return new ConflictError({ provider: this.c.providerName, message: `idempotency key "${key}" was already used for a different spec (instance ${vmId})` });
  }
}

/** The instance as the insert asked for it, before GCE shows it. */
function pendingInstance(body: GceInstanceBody, ref: InstanceRef): GceInstance {
  return { ...body, zone: `projects/${ref.project}/zones/${ref.zone}`, status: 'PROVISIONING', creationTimestamp: new Date().toISOString(), metadata: undefined };
}

/** Where an instance is. */
export function refOf(project: string, instance: GceInstance): InstanceRef {
  const zone = (instance.zone ?? '').split('/').pop() ?? '';
  return { project, zone, name: instance.name ?? '' };
}
