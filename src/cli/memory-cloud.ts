/**
 * Memory clouds that outlive a CLI run. An in-memory provider forgets its VMs when the process
 * ends, and every `novacron` command is a process of its own: a VM created by `novacron create`
 * would be gone when `novacron migrate` asks for it. So the CLI keeps each `type: memory`
 * provider's VMs in the state file, beside the federation's records, and lays them out again in
 * a fresh in-memory provider the first time a run asks for them.
 *
 * A provider cannot be told which id to give a VM, so a VM keeps the id it was first given (its
 * "stored id") and this wrapper maps it to the id the current run's provider gave it. Everything
 * the federation sees — VMs, events, exported images — carries stored ids only.
 *
 * What is kept per VM (key `memory-clouds/<provider>/vms/<stored id>`): the spec it was created
 * with (without its user data or secret-named labels: secrets stay out of the state file), where it runs, its resting
 * state (running, stopped, deallocated) and its idempotency key. Disk images are not kept: an
 * export lives for the run that made it, which is the run of the migration that needs it.
 */
import { createHash } from 'node:crypto';
import {
  ConflictError,
  createMemoryImageStore,
  createMemoryProvider,
  EventBus,
  NOVACRON_EVENT_NAMES,
  type CallOptions,
  type CostEstimate,
  type CreateVMOptions,
  type ImageArtifact,
  type ImportVMOptions,
  type ListVMsFilter,
  type MemoryImageStore,
  type MemoryProvider,
  type NovacronEventName,
  type Offer,
  type PowerOptions,
  type ProviderCapabilities,
  type ProviderEntry,
  type ProviderKind,
  type ProviderV1,
  type Region,
  type StateStore,
  type StopVMOptions,
  type VM,
  type VMSpec,
  type VMSpecInput,
  type VMState,
} from '../index.js';
import { redact } from '../provider-utils/index.js';
// The options a `type: memory` entry stands for, read by the same code as the built-in factory's.
// (Requested as a root export; until then the one import from inside the package.)
import { memoryProviderOptions } from '../index.js';

/** The resting states a stored VM is laid out in again. */
type RestingState = 'running' | 'stopped' | 'deallocated';

/** One VM as the state file keeps it. */
interface StoredMemoryVm {
  /** The id the VM was first given; the one the federation knows. */
  readonly id: string;
  /** The spec it was created with, without user data, pinned to where it runs. */
  readonly spec: Record<string, unknown>;
  /** Its image (an imported VM's is the artifact it was imported from). */
  readonly image: string | undefined;
  /** The state it rests in. */
  readonly state: RestingState;
  /** When it was first created (ISO 8601). */
  readonly createdAt: string;
  /** The idempotency key it was created with, if any. */
  readonly idempotencyKey: string | undefined;
  /** SHA-256 of the spec as given (user data included), to refuse a key reused with another spec. */
  readonly fingerprint: string;
}

/** Where a stored VM is, and the id this run's provider gave it. */
interface LiveVm {
  readonly stored: StoredMemoryVm;
  readonly runId: string;
}

/** Options of {@link StoredMemoryProvider}. */
export interface StoredMemoryProviderOptions {
  /** This run's in-memory provider; its events bus must be its own (the wrapper republishes it). */
  readonly provider: MemoryProvider;
  /** The bus `provider` publishes on. */
  readonly providerEvents: EventBus;
  /** Where the VMs are kept. */
  readonly store: StateStore;
}

/** The resting state a VM in `state` reaches; `undefined` when it is on its way out. */
function restingState(state: VMState): RestingState | undefined {
  switch (state) {
    case 'pending':
    case 'running':
    case 'unknown':
    case 'error':
      return 'running';
    case 'stopping':
    case 'stopped':
      return 'stopped';
    case 'deallocated':
      return 'deallocated';
    default:
      return undefined;
  }
}

/** JSON with object keys sorted, so that equal specs read the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fingerprint of a spec as given. */
function fingerprintOf(spec: VMSpecInput | VMSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/**
 * A JSON copy of a spec as given, pinned to where the VM landed, with nothing secret in plain
 * text: no user data, and secret-named labels and passwords in URLs redacted, as the inventory
 * stores specs.
 */
function storedSpec(input: VMSpecInput | VMSpec, vm: VM): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  delete copy.userData;
  return redact({ ...copy, region: vm.region, zone: vm.zone, instanceType: vm.instanceType });
}

/**
 * A `type: memory` provider whose VMs are kept in a state store: see the file comment. The
 * methods answer as the in-memory provider does, with stored ids.
 */
export class StoredMemoryProvider implements ProviderV1 {
  /** The specification this provider implements. */
  readonly specificationVersion = 'v1' as const;
  /** Provider name. */
  readonly name: string;
  /** The cloud it stands in for. */
  readonly kind: ProviderKind;
  /** What it supports (the in-memory provider's). */
  readonly capabilities: ProviderCapabilities;
  /** Events of the provider, with stored ids. */
  readonly events = new EventBus();
  /** The in-memory provider's network companion, when the entry asks for one (kept for this run only). */
  readonly networking: MemoryProvider['networking'];

  private readonly inner: MemoryProvider;
  private readonly store: StateStore;
  private readonly prefix: string;
  /** Stored id → this run's VM; this run's id → stored id. */
  private readonly byStoredId = new Map<string, LiveVm>();
  private readonly storedIdOf = new Map<string, string>();
  /** Idempotency keys of the VMs laid out again (earlier runs' creates). */
  private readonly restoredKeys = new Map<string, LiveVm>();
  private loading: Promise<void> | undefined;
  /** While stored VMs are laid out again, their creation is no news to anybody. */
  private restoring = false;

  constructor(options: StoredMemoryProviderOptions) {
    this.inner = options.provider;
    this.store = options.store;
    this.name = options.provider.name;
    this.kind = options.provider.kind;
    this.capabilities = options.provider.capabilities;
    this.networking = options.provider.networking;
    this.prefix = `memory-clouds/${encodeURIComponent(this.name)}/vms`;
    for (const name of NOVACRON_EVENT_NAMES) this.forward(options.providerEvents, name);
  }

  /** The names of the configured regions, when the entry lists them. */
  get regionNames(): readonly string[] | undefined {
    return this.inner.regionNames;
  }

  async createVM(spec: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    await this.load(options.signal);
    // A key used in this run is the in-memory provider's to judge; one from an earlier run is ours.
    const prior = options.idempotencyKey === undefined ? undefined : this.restoredKeys.get(options.idempotencyKey);
    if (prior) {
      if (prior.stored.fingerprint !== fingerprintOf(spec)) {
        throw new ConflictError({ provider: this.name, message: `idempotency key "${options.idempotencyKey}" was already used with a different spec` });
      }
      return this.getVM(prior.stored.id, options);
    }
    const vm = await this.inner.createVM(spec, { ...options, onProvisioned: (made) => this.provisioned(spec, made, made.image, options) });
    return this.outward(vm);
  }

  async getVM(id: string, options: CallOptions = {}): Promise<VM> {
    await this.load(options.signal);
    return this.outward(await this.inner.getVM(this.runId(id), options));
  }

  async findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    await this.load(options.signal);
    const live = this.restoredKeys.get(idempotencyKey);
    if (live) return this.getVM(live.stored.id, options);
    const vm = await this.inner.findByIdempotencyKey(idempotencyKey, options);
    return vm === undefined ? undefined : this.outward(vm);
  }

  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    await this.load(options.signal);
    for await (const vm of this.inner.listVMs(filter, options)) yield this.outward(vm);
  }

  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    await this.load(options.signal);
    await this.inner.deleteVM(this.runId(id), options);
    await this.store.delete(this.keyOf(id), { signal: options.signal });
  }

  async startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    await this.load(options.signal);
    return this.rest(await this.inner.startVM(this.runId(id), options), options.signal);
  }

  async stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    await this.load(options.signal);
    return this.rest(await this.inner.stopVM(this.runId(id), options), options.signal);
  }

  async rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    await this.load(options.signal);
    return this.outward(await this.inner.rebootVM(this.runId(id), options));
  }

  regions(options: CallOptions = {}): AsyncIterable<Region> {
    return this.inner.regions(options);
  }

  offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    return this.inner.offers(region, options);
  }

  estimateCost(spec: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<CostEstimate> {
    return this.inner.estimateCost(spec, options);
  }

  async exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    await this.load(options.signal);
    const artifact = await this.inner.exportVM(this.runId(id), options);
    return { ...artifact, sourceVmId: id };
  }

  async importVM(artifact: ImageArtifact, spec: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    await this.load(options.signal);
    const vm = await this.inner.importVM(artifact, spec, { ...options, onProvisioned: (made) => this.provisioned(spec, made, artifact.location, options) });
    return this.outward(vm);
  }

  /** A new VM exists: it is recorded before anybody waits for it, then the caller's hook runs. */
  private async provisioned(spec: VMSpecInput | VMSpec, vm: VM, image: string | undefined, options: CreateVMOptions): Promise<void> {
    const stored: StoredMemoryVm = {
      id: vm.id,
      spec: storedSpec(spec, vm),
      image,
      state: 'running',
      createdAt: vm.createdAt,
      idempotencyKey: options.idempotencyKey,
      fingerprint: fingerprintOf(spec),
    };
    await this.store.put(this.keyOf(vm.id), stored, { signal: options.signal });
    this.byStoredId.set(vm.id, { stored, runId: vm.id });
    this.storedIdOf.set(vm.id, vm.id);
    await options.onProvisioned?.(this.outward(vm));
  }

  /** Records the state a power operation left the VM resting in. */
  private async rest(vm: VM, signal: AbortSignal | undefined): Promise<VM> {
    const out = this.outward(vm);
    const live = this.byStoredId.get(out.id);
    const state = restingState(vm.state);
    if (live && state !== undefined && state !== live.stored.state) {
      const stored = { ...live.stored, state };
      await this.store.put(this.keyOf(out.id), stored, { signal });
      this.byStoredId.set(out.id, { stored, runId: live.runId });
    }
    return out;
  }

  /** Lays the stored VMs out again in this run's provider, once. */
  private load(signal: AbortSignal | undefined): Promise<void> {
    this.loading ??= this.restore(signal).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async restore(signal: AbortSignal | undefined): Promise<void> {
    this.restoring = true;
    try {
      for await (const record of this.store.list<StoredMemoryVm>(this.prefix, { signal })) {
        const stored = record.value;
        const input = { ...stored.spec, ...(stored.image !== undefined ? { image: stored.image } : {}) } as unknown as VMSpecInput;
        const vm = await this.inner.createVM(input, { signal, wait: true });
        if (stored.state !== 'running') await this.inner.stopVM(vm.id, { signal, wait: true, deallocate: stored.state === 'deallocated' });
        const live = { stored, runId: vm.id };
        this.byStoredId.set(stored.id, live);
        this.storedIdOf.set(vm.id, stored.id);
        if (stored.idempotencyKey !== undefined) this.restoredKeys.set(stored.idempotencyKey, live);
      }
    } finally {
      this.restoring = false;
    }
  }

  /** This run's id of a stored VM (an unknown id goes through as it is, and the provider says it is not found). */
  private runId(id: string): string {
    return this.byStoredId.get(id)?.runId ?? id;
  }

  /** A VM as the federation sees it: its stored id and first creation time. */
  private outward(vm: VM): VM {
    const id = this.storedIdOf.get(vm.id) ?? vm.id;
    const live = this.byStoredId.get(id);
    return { ...vm, id, createdAt: live?.stored.createdAt ?? vm.createdAt };
  }

  private keyOf(id: string): string {
    return `${this.prefix}/${encodeURIComponent(id)}`;
  }

  /** Republishes one event of the provider's bus with stored ids (nothing while restoring). */
  private forward(from: EventBus, name: NovacronEventName): void {
    (from.on as (event: NovacronEventName, listener: (payload: unknown) => void) => EventBus)(name, (payload) => {
      if (this.restoring) return;
      (this.events.publish as (event: NovacronEventName, payload: unknown) => boolean)(name, this.withStoredIds(payload));
    });
  }

  private withStoredIds(payload: unknown): unknown {
    if (payload === null || typeof payload !== 'object') return payload;
    const p = payload as { vmId?: unknown; vm?: unknown };
    const out: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    if (typeof p.vmId === 'string') out.vmId = this.storedIdOf.get(p.vmId) ?? p.vmId;
    if (p.vm !== null && typeof p.vm === 'object' && typeof (p.vm as VM).id === 'string') out.vm = this.outward(p.vm as VM);
    return out;
  }
}

/**
 * The CLI's factory for `type: memory` entries: in-memory providers kept in `store`, sharing one
 * image store so that a migration between two of them finds its export.
 */
export class MemoryCloudFactory {
  private readonly images: MemoryImageStore = createMemoryImageStore();

  constructor(private readonly store: StateStore) {}

  /** Builds the provider of one `type: memory` entry. */
  create(entry: ProviderEntry): ProviderV1 {
    const events = new EventBus();
    const provider = createMemoryProvider({ ...memoryProviderOptions(entry), imageStore: this.images, events });
    return new StoredMemoryProvider({ provider, providerEvents: events, store: this.store });
  }
}
