/**
 * The one interface every cloud adapter implements, version 1.
 *
 * Small on purpose: portable logic (instance-type selection, retries, waiting policy,
 * placement) lives above it, so a third party can write an adapter in an afternoon and prove
 * it with `describeProviderConformance` from `novacron/testing`.
 */
import type { EventBus } from './events.js';
import type { NetworkProviderV1 } from './network-provider-v1.js';
import type {
  CostEstimate,
  ImageArtifact,
  Offer,
  ProviderCapabilities,
  ProviderKind,
  Region,
  VM,
  VMSpec,
  VMSpecInput,
  VMState,
} from './types.js';

/** Options every I/O call accepts. */
export interface CallOptions {
  /** Cancels the call; it then rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal | undefined;
}

/** Options of `createVM`. */
export interface CreateVMOptions extends CallOptions {
  /**
   * Makes the create safe to repeat: the same key with the same spec returns the same VM and
   * creates nothing new, across process restarts; the same key with a different spec is a
   * `ConflictError`. Adapters map it to their cloud's own mechanism (EC2 ClientToken, GCE
   * requestId, deterministic Azure names, OpenStack metadata).
   */
  idempotencyKey?: string | undefined;
  /** Wait until the VM is `running` (default `true`); `false` returns it as soon as the cloud has accepted it. */
  wait?: boolean | undefined;
  /** Longest wait for `running`, in milliseconds; then `TimeoutError` naming the VM id. */
  waitTimeoutMs?: number | undefined;
  /**
   * Called once the cloud has assigned the VM's id and before any wait, so the caller can
   * record it (invariant: no VM is ever lost). A rejection aborts the wait, not the VM.
   */
  onProvisioned?: ((vm: VM) => void | Promise<void>) | undefined;
}

/** Options of `stopVM`. */
export interface StopVMOptions extends CallOptions {
  /** Release the hardware (and its billing) where the cloud distinguishes; default `false`. */
  deallocate?: boolean | undefined;
  /** Wait until stopped (default `true`). */
  wait?: boolean | undefined;
}

/** Options of calls that change a VM's power state. */
export interface PowerOptions extends CallOptions {
  /** Wait until the VM reaches its resting state (default `true`). */
  wait?: boolean | undefined;
}

/** Filters for `listVMs`; adapters push them down to the cloud's API where it can filter. */
export interface ListVMsFilter {
  /** Only VMs carrying all these labels with these values. */
  labels?: Readonly<Record<string, string>> | undefined;
  /** Only VMs in one of these states. */
  states?: readonly VMState[] | undefined;
  /** Only VMs in this region. */
  region?: string | undefined;
  /** Include terminated VMs (skipped by default). */
  includeTerminated?: boolean | undefined;
}

/** Options of `importVM`. */
export type ImportVMOptions = CreateVMOptions;

/** The Provider specification, version 1. */
export interface ProviderV1 {
  /** Version of this specification the adapter implements. */
  readonly specificationVersion: 'v1';
  /** Name of this provider instance (`aws-us-east`), unique within a federation. */
  readonly name: string;
  /** Kind of cloud. */
  readonly kind: ProviderKind;
  /** Optional features this adapter offers. */
  readonly capabilities: ProviderCapabilities;

  /** Creates a VM. Validates the spec first: a malformed spec throws `InvalidSpecError` and creates nothing. */
  createVM(spec: VMSpecInput | VMSpec, options?: CreateVMOptions): Promise<VM>;
  /** Reads one VM; `NotFoundError` when the id is unknown. */
  getVM(id: string, options?: CallOptions): Promise<VM>;
  /**
   * Finds the VM that a `createVM` (or `importVM`) with this idempotency key created, through
   * the cloud's own idempotency mechanism (EC2 ClientToken, ...). This is how a caller resolves
   * a create whose outcome it does not know (a lost response, a timeout, a 5xx): it asks the
   * same provider before it tries anywhere else.
   *
   * - Resolves to the VM when the key created one, whatever its state: a VM that was created
   *   and then failed or was deleted comes back `terminated`, so the caller sees that the create
   *   did happen. Once the cloud has forgotten a terminated VM, it resolves to `undefined`.
   * - Resolves to `undefined` only for a *confirmed absence*: the provider is sure that no VM
   *   exists for this key. An adapter must make that answer reliable: on a cloud whose reads are
   *   eventually consistent it looks several times across the consistency window (or uses a
   *   strongly consistent lookup) before it answers `undefined`. Callers fail over to another
   *   provider on `undefined` alone, so a premature `undefined` creates a VM twice.
   * - Rejects (with a novacron error, or the signal's reason on abort) when it cannot tell.
   *
   * Optional: a provider without it cannot have its uncertain creates resolved, so a caller
   * must not fail over past them.
   */
  findByIdempotencyKey?(idempotencyKey: string, options?: CallOptions): Promise<VM | undefined>;
  /**
   * Where the provider publishes its own events (`vm.created`, `vm.deleted`,
   * `vm.state-changed`, `operation.retried`, ...). A FederationManager forwards them to its
   * `events`, so a host subscribes once whoever built the providers. Optional: a provider
   * without one publishes nothing.
   */
  readonly events?: EventBus | undefined;
  /**
   * The provider's network companion (networks, VPN gateways and connections, peerings, routes),
   * when it has one; its `capabilities` say which of those it offers, and `capabilities.vpn` and
   * `capabilities.peering` here agree with them. Optional: see `networkOf`.
   */
  readonly networking?: NetworkProviderV1 | undefined;
  /** Streams VMs, paging through the cloud's API as needed. */
  listVMs(filter?: ListVMsFilter, options?: CallOptions): AsyncIterable<VM>;
  /** Deletes (terminates) a VM; deleting an already deleted VM succeeds. */
  deleteVM(id: string, options?: PowerOptions): Promise<void>;
  /** Starts a stopped VM. */
  startVM(id: string, options?: PowerOptions): Promise<VM>;
  /** Stops a running VM. */
  stopVM(id: string, options?: StopVMOptions): Promise<VM>;
  /** Reboots a running VM. */
  rebootVM(id: string, options?: PowerOptions): Promise<VM>;

  /** The regions this provider can place VMs in. */
  regions(options?: CallOptions): AsyncIterable<Region>;
  /**
   * The names of the regions `regions()` yields, when the provider knows them without a call
   * (from its own configuration). Optional: when every provider of a federation declares them,
   * `FederationManager.fromConfig` refuses a policy that names a region none of them serves.
   */
  readonly regionNames?: readonly string[] | undefined;
  /** Instance types with prices, in one region or all. */
  offers(region?: string, options?: CallOptions): AsyncIterable<Offer>;
  /** Prices a spec: compute, storage and egress, with source and date. */
  estimateCost(spec: VMSpecInput | VMSpec, options?: CallOptions): Promise<CostEstimate>;

  /** Produces a portable image of a VM's disk. `UnsupportedError` when `capabilities.exportFormats` is empty. */
  exportVM(id: string, options?: CallOptions): Promise<ImageArtifact>;
  /** Creates a VM from an image artifact. `UnsupportedError` when the format is not in `capabilities.importFormats`. */
  importVM(artifact: ImageArtifact, spec: VMSpecInput | VMSpec, options?: ImportVMOptions): Promise<VM>;
}
