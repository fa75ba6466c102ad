/**
 * The create flow of the Azure adapter, in the order it runs:
 *
 * 1. plan (location, zone, size, image, network: `launch-plan.ts`) and tag, before anything is sent;
 * 2. look for the key's VM by its deterministic name: the same spec is adopted (and followed to
 *    `running`), another spec is a `ConflictError`; a create whose operation is recorded in the
 *    state store but whose VM is not visible is followed by that operation (`restorePoller`);
 * 3. otherwise PUT the public IP (only when asked), the NIC and the VM, each a long-running
 *    operation; the VM's resume token goes to the state store before anything waits;
 * 4. wait for `PowerState/running`.
 *
 * A create refused for good (capacity, quota, bad input, credentials) removes what it made, so a
 * federation can fail over without leaving a NIC, an IP or a failed VM behind; an uncertain one
 * (a timeout, a lost answer) leaves everything in place for the retry of its key to adopt.
 */
import { PerNameQueue } from '../../provider/keyed-creates.js';
import type { VirtualMachine } from '@azure/arm-compute';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { AuthError, CapacityError, ConflictError, InvalidSpecError, NotFoundError, NovacronError, ProviderUnavailableError, QuotaError, TimeoutError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import { findPortableImage } from '../../provider/images.js';
import { specFingerprint } from '../../provider/offer-selection.js';
import type { CreateVMOptions } from '../../provider/provider-v1.js';
import type { ImageArtifact, VM, VMSpec } from '../../provider/types.js';
import type { AzureApi } from './azure-api.js';
import type { AzureProviderDefaults } from './azure-provider.js';
import { asCreateRecord, createRecordKey, type AzureStateStoreLike, type CreateRecord } from './create-record.js';
import { toNovacronError } from './error-mapping.js';
import type { LaunchPlan, LaunchPlanner } from './launch-plan.js';
import { storageAccountIdFor } from './import-source.js';
import { computerNameOf, oneOffKey, resourceNamesFor, type ResourceNames } from './naming.js';
import type { LocationCatalog } from './offer-catalog.js';
import type { OwnedResources } from './owned-resources.js';
import type { AzurePoller, AzurePollers } from './pollers.js';
import { isResourceId, resourceId, type ResourceScope } from './resource-id.js';
import type { AddressBook } from './state-mapping.js';
import { NOVACRON_TAG, ownedResourceTags, vmTags } from './tags.js';
import type { VmReader } from './vm-reader.js';
import { toImportedDiskBody, toNetworkInterfaceBody, toPublicIpBody, toVirtualMachineBody, type OsDiskSource } from './vm-mapping.js';

/** What the create flow needs of the provider's options. */
export interface VmCreatorOptions {
  /** Federation id, written as a tag. */
  readonly federationId?: string | undefined;
  /** Where keyed creates are recorded. */
  readonly stateStore?: AzureStateStoreLike | undefined;
  /** Spec defaults (admin account, eviction policy). */
  readonly defaults?: AzureProviderDefaults | undefined;
  /** Import options. */
  readonly import?: { readonly storageAccountId?: string | undefined; readonly storageAccounts?: readonly string[] | undefined } | undefined;
  /** Longest wait when the caller gives none, ms. */
  readonly waitTimeoutMs?: number | undefined;
}

/** The provider's parts the create flow works with. */
export interface VmCreatorContext {
  /** Provider name. */
  readonly providerName: string;
  /** Subscription and resource group. */
  readonly scope: ResourceScope;
  /** The provider's options. */
  readonly options: VmCreatorOptions;
  /** Where `vm.created` goes. */
  readonly events: EventBus;
  /** The SDK clients. */
  readonly api: AzureApi;
  /** Waiting on operations. */
  readonly pollers: AzurePollers;
  /** Reading VMs. */
  readonly reader: VmReader;
  /** Removing what a refused create made. */
  readonly owned: OwnedResources;
  /** Planning. */
  readonly planner: LaunchPlanner;
  /** An ARM VM as a portable one. */
  readonly toVM: (raw: VirtualMachine, catalog: LocationCatalog | undefined, addresses: AddressBook | undefined) => VM;
}

/** Errors that prove a create made nothing usable: its resources are removed, and it can fail over at once. */
export function isDefinitiveRefusal(error: unknown): boolean {
  return CapacityError.isInstance(error) || QuotaError.isInstance(error) || InvalidSpecError.isInstance(error) || AuthError.isInstance(error);
}

/** Creates (and imports) VMs for one provider. */
export class VmCreator {
  private readonly providerName: string;
  private readonly scope: ResourceScope;
  private readonly options: VmCreatorOptions;
  private readonly events: EventBus;
  private readonly api: AzureApi;
  private readonly pollers: AzurePollers;
  private readonly reader: VmReader;
  private readonly owned: OwnedResources;
  private readonly planner: LaunchPlanner;
  private readonly toVM: VmCreatorContext['toVM'];
  /** Creates in progress per VM name: the same key in one process waits for the one before. */
  private readonly creating = new PerNameQueue();

  /** Keeps the provider's parts. */
  constructor(ctx: VmCreatorContext) {
    this.providerName = ctx.providerName;
    this.scope = ctx.scope;
    this.options = ctx.options;
    this.events = ctx.events;
    this.api = ctx.api;
    this.pollers = ctx.pollers;
    this.reader = ctx.reader;
    this.owned = ctx.owned;
    this.planner = ctx.planner;
    this.toVM = ctx.toVM;
  }

  /** Runs `fn` for the key's names, after any create of the same key in this process. */
  keyed<T>(key: string | undefined, fn: (names: ResourceNames) => Promise<T>): Promise<T> {
    const names = resourceNamesFor(key ?? oneOffKey());
    return this.creating.run(names.vm, () => fn(names));
  }

  /**
   * A create (or, with `imported`, an import) under the names of its key: the VM of the key when
   * it exists with the same spec (followed to `running`), a `ConflictError` when its spec
   * differs, the recorded operation followed when one is in flight, else a new public IP, NIC and VM.
   */
  async create(spec: VMSpec, names: ResourceNames, options: CreateVMOptions, imported: ImageArtifact | undefined): Promise<VM> {
    const { signal } = options;
    const key = options.idempotencyKey;
    const specHash = specFingerprint(spec);
    const plan = await this.planner.plan({ spec, withImage: imported === undefined, os: imported ? osOfArtifact(imported) : undefined, signal });
    const tags = this.planner.named(() => vmTags(spec, { providerName: this.providerName, specHash, federationId: this.options.federationId, idempotencyKey: key }));
    if (imported) tags[NOVACRON_TAG.image] = (imported.baseImage ?? `imported:${imported.sourceProvider}/${imported.sourceVmId}`).slice(0, 256);
    const vmId = resourceId(this.scope, 'Microsoft.Compute/virtualMachines', names.vm);
    const record = key !== undefined ? await this.readRecord(names.vm) : undefined;
    if (record && record.specHash !== specHash) throw this.conflict(key!, vmId);
    const existing = await this.reader.get(names.vm, 'createVM', signal);
    if (existing) {
      if (existing.tags?.[NOVACRON_TAG.specHash] !== specHash) throw this.conflict(key ?? names.vm, vmId);
      // A VM whose provisioning failed is retried by a PUT of the same body, as Azure intends.
      if (existing.provisioningState?.toLowerCase() !== 'failed') {
        const adopted = await this.adopt(existing, record, plan, options);
        if (adopted) return adopted;
      }
    } else if (record?.resumeToken !== undefined) {
      // The create was accepted but its VM is not visible (yet): follow the same operation.
      const resumed = await this.resume(record, undefined, plan, options);
      if (resumed) return resumed;
    }
    return this.launch({ spec, plan, names, tags, specHash, vmId, imported }, options);
  }

  /**
   * A create of a key whose VM exists: report it and wait for `running`, following the recorded
   * operation while it is still provisioning. `undefined` when that operation failed for good
   * (the caller creates afresh).
   */
  private async adopt(existing: VirtualMachine, record: CreateRecord | undefined, plan: LaunchPlan, options: CreateVMOptions): Promise<VM | undefined> {
    const { signal } = options;
    const provisioning = existing.provisioningState?.toLowerCase();
    if (options.wait !== false && record?.resumeToken !== undefined && provisioning !== 'succeeded') return this.resume(record, existing, plan, options);
    const vm = this.toVM(existing, plan.catalog, await this.reader.addressesOf(existing, signal));
    this.events.publish('vm.created', { provider: this.providerName, vm, reused: true });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false || vm.state === 'running') return vm;
    return this.waitRunning(existing.name!, plan, signal, options.waitTimeoutMs);
  }

  /**
   * Follows the VM create operation recorded in `record` (the SDK's `restorePoller`: the same
   * operation, not a new PUT), reporting the VM first, then waits for `running`. `undefined` when
   * the operation ended in a definitive failure (its leftovers are removed and the caller creates
   * afresh); any other failure is thrown.
   */
  private async resume(record: CreateRecord, existing: VirtualMachine | undefined, plan: LaunchPlan, options: CreateVMOptions): Promise<VM | undefined> {
    const { signal } = options;
    const vm = existing ? this.toVM(existing, plan.catalog, undefined) : pendingFromRecord(record, this.providerName);
    this.events.publish('vm.created', { provider: this.providerName, vm, reused: true });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false) return vm;
    const ctx = { operation: 'createVM', region: plan.location, zone: plan.zone, instanceType: plan.size.name, resourceType: 'vm', resourceId: record.vmId, mutating: true };
    try {
      await this.api.run(ctx, signal, async ({ compute, computeSdk }) => {
        const poller = computeSdk.restorePoller(compute, record.resumeToken!, compute.virtualMachines.createOrUpdate, { updateIntervalInMs: this.pollers.pollIntervalMs, abortSignal: signal });
        return this.pollers.wait(poller, { signal, timeoutMs: options.waitTimeoutMs, resourceId: record.vmId, what: `the create of ${record.vmId}` });
      });
    } catch (error) {
      if (!isDefinitiveRefusal(error) && !NotFoundError.isInstance(error)) throw error;
      await this.discard(record.vmName, record);
      return undefined;
    }
    // The operation is over; a VM that is gone since (deleted) leaves the key free for a new create.
    if (!existing && !(await this.reader.get(record.vmName, 'createVM', signal))) {
      await this.forgetOperation(record);
      return undefined;
    }
    return this.waitRunning(record.vmName, plan, signal, options.waitTimeoutMs);
  }

  private async launch(
    job: { spec: VMSpec; plan: LaunchPlan; names: ResourceNames; tags: Record<string, string>; specHash: string; vmId: string; imported: ImageArtifact | undefined },
    options: CreateVMOptions,
  ): Promise<VM> {
    const { spec, plan, names, tags, specHash, vmId, imported } = job;
    const { signal } = options;
    const key = options.idempotencyKey;
    const rg = this.scope.resourceGroup;
    const owned = ownedResourceTags(names.vm, { providerName: this.providerName, federationId: this.options.federationId });
    const ctx = { operation: imported ? 'importVM' : 'createVM', region: plan.location, zone: plan.zone, instanceType: plan.size.name, mutating: true };
    const interval = { updateIntervalInMs: this.pollers.pollIntervalMs, abortSignal: signal };
    const wait = <T>(poller: AzurePoller<T>, what: string, id: string): Promise<T> => this.pollers.wait(poller, { signal, timeoutMs: options.waitTimeoutMs, resourceId: id, what });
    const d = this.options.defaults ?? {};
    let poller: AzurePoller<VirtualMachine>;
    let vmBody: VirtualMachine | undefined;
    try {
      let source: OsDiskSource | undefined = plan.source;
      if (imported) {
        const diskId = resourceId(this.scope, 'Microsoft.Compute/disks', names.osDisk);
        const body = toImportedDiskBody({
          location: plan.location,
          zone: plan.zone,
          sourceUri: imported.location,
          storageAccountId: storageAccountIdFor(imported.location, [this.options.import?.storageAccountId, ...(this.options.import?.storageAccounts ?? [])]),
          storageType: plan.osDiskType,
          os: plan.os,
          sizeGiB: Math.max(spec.disk.sizeGiB, Math.ceil(imported.sizeBytes / 1024 ** 3)),
          hyperVGeneration: imported.sourceProviderKind === 'azure' ? 'V2' : 'V1',
          tags: owned,
        });
        await this.api.run({ ...ctx, resourceType: 'disk', resourceId: diskId }, signal, ({ compute }) => wait(compute.disks.createOrUpdate(rg, names.osDisk, body, interval), `the import of ${diskId}`, diskId));
        source = { kind: 'attach', diskId };
      }
      let publicIpId: string | undefined;
      if (spec.network.publicIp) {
        publicIpId = resourceId(this.scope, 'Microsoft.Network/publicIPAddresses', names.publicIp);
        const body = toPublicIpBody({ location: plan.location, zone: plan.zone, tags: owned });
        await this.api.run({ ...ctx, resourceType: 'publicIp', resourceId: publicIpId }, signal, ({ network }) => wait(network.publicIPAddresses.createOrUpdate(rg, names.publicIp, body, interval), `the create of ${publicIpId}`, publicIpId!));
      }
      const nicId = resourceId(this.scope, 'Microsoft.Network/networkInterfaces', names.nic);
      const nicBody = toNetworkInterfaceBody({ location: plan.location, subnetId: plan.subnetId, networkSecurityGroupId: plan.networkSecurityGroupId, publicIpId, names, tags: owned });
      await this.api.run({ ...ctx, resourceType: 'nic', resourceId: nicId }, signal, ({ network }) => wait(network.networkInterfaces.createOrUpdate(rg, names.nic, nicBody, interval), `the create of ${nicId}`, nicId));
      const body = (vmBody = this.planner.named(() =>
        toVirtualMachineBody(spec, {
          location: plan.location,
          vmSize: plan.size.name,
          zone: plan.zone,
          os: plan.os,
          source: source!,
          osDiskType: plan.osDiskType,
          osDiskGiB: plan.osDiskGiB,
          nicId,
          names,
          computerName: computerNameOf(spec.name, plan.os),
          admin: { username: d.adminUsername ?? 'azureuser', sshPublicKey: d.sshPublicKey, password: d.adminPassword },
          tags,
          spotEvictionPolicy: d.spotEvictionPolicy,
          identityId: spec.iamRole === undefined ? undefined : isResourceId(spec.iamRole) ? spec.iamRole : resourceId(this.scope, 'Microsoft.ManagedIdentity/userAssignedIdentities', spec.iamRole),
        }),
      ));
      // Wrapped: a poller is a thenable, and an async function's result would be awaited to its end.
      ({ poller } = await this.api.run({ ...ctx, resourceType: 'vm', resourceId: vmId }, signal, async ({ compute }) => {
        const started = compute.virtualMachines.createOrUpdate(rg, names.vm, body, interval);
        await this.pollers.submitted(started);
        return { poller: started };
      }));
    } catch (error) {
      // Refused for good (no capacity, quota, bad input): nothing of this create may linger.
      if (isDefinitiveRefusal(error)) await this.discard(names.vm, undefined);
      throw error;
    }
    // No VM is ever lost: the operation to follow is recorded before anything waits.
    if (key !== undefined && this.options.stateStore) await this.record({ vmId, vmName: names.vm, specHash, idempotencyKey: key, location: plan.location, startedAt: new Date().toISOString() }, poller);
    const vm = this.toVM(poller.result ?? { ...vmBody!, id: vmId, name: names.vm, provisioningState: 'Creating' }, plan.catalog, undefined);
    this.events.publish('vm.created', { provider: this.providerName, vm, reused: false });
    await options.onProvisioned?.(vm);
    throwIfAborted(signal);
    if (options.wait === false) return vm;
    try {
      await this.api.run({ ...ctx, resourceType: 'vm', resourceId: vmId }, signal, () => wait(poller, `the create of ${vmId}`, vmId));
    } catch (error) {
      if (isDefinitiveRefusal(error)) await this.discard(names.vm, undefined);
      throw error;
    }
    return this.waitRunning(names.vm, plan, signal, options.waitTimeoutMs);
  }

  /** Writes a create's record with its poller's resume token; a failed write names the VM that exists. */
  private async record(record: CreateRecord, poller: AzurePoller<VirtualMachine>): Promise<void> {
    try {
      await this.pollers.submitted(poller, (resumeToken) => this.options.stateStore!.put(createRecordKey(this.providerName, record.vmName), { ...record, resumeToken }).then(() => undefined));
    } catch (error) {
      throw new ProviderUnavailableError({
        provider: this.providerName,
        message: `createVM: VM ${record.vmId} was accepted by Azure but could not be recorded in the state store; repeat the create with idempotency key "${record.idempotencyKey}" to adopt it`,
        cause: error,
        resourceId: record.vmId,
      });
    }
  }

  async readRecord(vmName: string): Promise<CreateRecord | undefined> {
    if (!this.options.stateStore) return undefined;
    return asCreateRecord((await this.options.stateStore.get(createRecordKey(this.providerName, vmName)))?.value);
  }

  /**
   * Removes what a refused create made (the failed VM, its NIC, IP and disk) and forgets the
   * operation it recorded, so that a retry of the key creates afresh. Never throws.
   */
  private async discard(vmName: string, record: CreateRecord | undefined): Promise<void> {
    const known = await this.owned.deleteVirtualMachine(vmName, undefined).catch(() => undefined);
    await this.owned.removeFor(vmName, known);
    const stored = record ?? (await this.readRecord(vmName).catch(() => undefined));
    if (stored) await this.forgetOperation(stored);
  }

  /** Drops the resume token from a create's record: its operation is over, nothing is to be followed. Never throws. */
  async forgetOperation(record: CreateRecord): Promise<void> {
    if (!this.options.stateStore || record.resumeToken === undefined) return;
    const { resumeToken: _dropped, ...rest } = record;
    await this.options.stateStore.put(createRecordKey(this.providerName, record.vmName), rest).catch(() => undefined);
  }

  /**
   * Polls the VM's instance view until `PowerState/running`. A VM whose provisioning failed is
   * removed and reported as the error its failure code maps to (capacity, quota, ...).
   */
  private async waitRunning(vmName: string, plan: LaunchPlan, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<VM> {
    const limitMs = timeoutMs ?? this.options.waitTimeoutMs ?? 15 * 60_000;
    const deadline = Date.now() + limitMs;
    const vmId = resourceId(this.scope, 'Microsoft.Compute/virtualMachines', vmName);
    for (let look = 0; ; look++) {
      const current = await this.reader.get(vmName, 'createVM', signal);
      if (current) {
        const vm = this.toVM(current, plan.catalog, undefined);
        if (vm.state === 'running') return this.toVM(current, plan.catalog, await this.reader.addressesOf(current, signal));
        if (vm.state === 'error') {
          const code = vm.stateReason?.split(':')[0] ?? 'ProvisioningFailed';
          const error = toNovacronError({ name: 'ProvisioningFailed', code, message: vm.stateReason ?? 'provisioning failed' }, { provider: this.providerName, operation: 'createVM', region: plan.location, zone: plan.zone, instanceType: plan.size.name, resourceType: 'vm', resourceId: vmId });
          if (isDefinitiveRefusal(error)) await this.discard(vmName, undefined);
          throw NovacronError.isInstance(error) && !isDefinitiveRefusal(error) ? new ProviderUnavailableError({ provider: this.providerName, message: `VM ${vmId} failed to provision: ${vm.stateReason}`, cause: error, retryable: false, resourceId: vmId }) : error;
        }
        if (vm.state === 'terminating' || vm.state === 'terminated') {
          throw new ProviderUnavailableError({ provider: this.providerName, message: `VM ${vmId} is ${vm.rawState}, not running`, retryable: false, resourceId: vmId });
        }
      } else if (look > 2) {
        throw new ProviderUnavailableError({ provider: this.providerName, message: `VM ${vmId} disappeared while it was being created`, retryable: false, resourceId: vmId });
      }
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.providerName, resourceId: vmId, message: `VM ${vmId} did not become running within ${limitMs} ms; it still exists` });
      await sleep(Math.min(this.pollers.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  private conflict(key: string, vmId: string): ConflictError {
    return new ConflictError({ provider: this.providerName, message: `idempotency key "${key}" was already used for a different spec (VM ${vmId})` });
  }
}

/** The OS of an imported image: Windows when the artifact's base image says so. */
function osOfArtifact(artifact: ImageArtifact): 'linux' | 'windows' {
  const base = artifact.baseImage ?? '';
  return findPortableImage(base)?.os === 'windows' || /windows/i.test(base) ? 'windows' : 'linux';
}

/** A VM of a create that Azure accepted but does not show yet. */
export function pendingFromRecord(record: CreateRecord, provider: string): VM {
  return {
    id: record.vmId,
    name: record.vmName,
    provider,
    providerKind: 'azure',
    region: record.location,
    zone: undefined,
    state: 'pending',
    rawState: 'ProvisioningState/creating',
    instanceType: 'unknown',
    cpu: undefined,
    memoryGiB: undefined,
    spot: false,
    privateIps: [],
    publicIps: [],
    labels: {},
    image: undefined,
    createdAt: record.startedAt,
    hourlyPrice: undefined,
    stateReason: undefined,
  };
}
