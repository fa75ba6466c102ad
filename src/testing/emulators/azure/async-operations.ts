/**
 * ARM's asynchronous operations over the kit's {@link LongRunningOperations}: a PUT, POST or
 * DELETE that ARM runs in the background answers 201/202 with an `Azure-AsyncOperation` header
 * (and `Location` where the resource provider sends one); the client polls the operation URL,
 * which answers `{"status":"InProgress"}` until it ends `Succeeded` or `Failed` with
 * `{"error":{"code","message"}}`, and the `Location` URL, which answers 202 while running and
 * 200 with the result once done (learn.microsoft.com "Track asynchronous Azure operations" and
 * the ARM RPC async-operation contract, read 2026-12). URL shapes per resource provider, as the
 * RPs hand them out (seen in the azure-rest-api-specs examples, e.g. DiskRP 2024-03-02
 * `Disk_BeginGetAccess.json`: `.../providers/Microsoft.Compute/locations/{location}/operations/{id}?...&monitor=true&api-version=`):
 * - compute: `/subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/operations/{id}`;
 * - disks: `/subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/DiskOperations/{id}`,
 *   whose status carries the resource in `properties.output`;
 * - network: `/subscriptions/{s}/providers/Microsoft.Network/locations/{l}/operations/{id}`, and
 *   `.../operationResults/{id}` for `Location`.
 *
 * Effects run once, lazily, when an operation is seen done ({@link settleDue} is called before
 * every request is handled), so the emulator needs no timers and a test clock drives it.
 */
import { randomUUID } from 'node:crypto';
import type { LifecycleClock } from '../kit/lifecycle-clock.js';
import { LongRunningOperations, type OperationFailure, type OperationView } from '../kit/long-running-operations.js';

/** Which resource provider runs an operation (its URLs and status body differ). */
export type ArmOperationProvider = 'compute' | 'disk' | 'network';

/** What {@link ArmAsyncOperations.start} takes. */
export interface ArmOperationStart {
  /** Operation name (`virtualMachines.createOrUpdate`). */
  readonly kind: string;
  /** Resource provider. */
  readonly provider: ArmOperationProvider;
  /** Location in the operation URL. */
  readonly location: string;
  /** Resource the operation acts on. */
  readonly target?: string | undefined;
  /** Running time (default: the emulator's). */
  readonly runningMs?: number | undefined;
  /** The change, made when the operation succeeds; its value is the result `Location` answers with. */
  readonly effect?: (() => unknown) | undefined;
  /** End `Failed` with this error instead (the effect does not run). */
  readonly failure?: OperationFailure | undefined;
  /** Run once when the operation ends `Failed` (e.g. a VM goes to provisioning state Failed). */
  readonly onFailed?: (() => void) | undefined;
}

/** An operation as its status URL reports it. */
export interface ArmOperationStatus {
  /** Operation id. */
  readonly id: string;
  /** Operation name. */
  readonly kind: string;
  /** Resource provider. */
  readonly provider: ArmOperationProvider;
  /** Location. */
  readonly location: string;
  /** Resource. */
  readonly target: string | undefined;
  /** `InProgress`, `Succeeded`, `Failed`. */
  readonly status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Start (ISO 8601). */
  readonly startTime: string;
  /** End (ISO 8601), once done. */
  readonly endTime: string | undefined;
  /** The error, when failed. */
  readonly error: OperationFailure | undefined;
  /** The result, when succeeded. */
  readonly result: unknown;
}

/** The headers that hand an operation to the client. */
export interface OperationHeaders {
  /** `Azure-AsyncOperation`. */
  readonly asyncOperation: string;
  /** `Location`. */
  readonly location: string;
}

interface OperationMeta {
  readonly provider: ArmOperationProvider;
  readonly location: string;
  readonly onFailed: (() => void) | undefined;
  readonly token: string;
}

/** The asynchronous operations of one emulated subscription. */
export class ArmAsyncOperations {
  private readonly operations: LongRunningOperations<unknown>;
  private readonly meta = new Map<string, OperationMeta>();
  private readonly pending = new Set<string>();
  /** Public operation id (in URLs) → the kit's operation id. */
  private readonly aliases = new Map<string, string>();

  /** Operations on `clock`, `runningMs` long unless told otherwise, `extraMs(kind)` longer while slowed. */
  constructor(
    clock: LifecycleClock,
    private readonly runningMs: number,
    private readonly extraMs: (kind: string) => number,
    private readonly urls: { readonly endpoint: () => string; readonly subscriptionId: string },
  ) {
    this.operations = new LongRunningOperations<unknown>(clock, { pendingMs: 0, runningMs }, 'op');
  }

  /** Starts an operation; returns its id. */
  start(start: ArmOperationStart): string {
    const view = this.operations.start({
      kind: start.kind,
      target: start.target,
      runningMs: (start.runningMs ?? this.runningMs) + this.extraMs(start.kind),
      complete: start.effect,
      error: start.failure,
    });
    const id = randomUUID();
    this.meta.set(view.id, { provider: start.provider, location: start.location, onFailed: start.onFailed, token: id });
    this.aliases.set(id, view.id);
    this.pending.add(view.id);
    this.settleDue();
    return id;
  }

  /** The `Azure-AsyncOperation` and `Location` URLs of an operation, with `apiVersion`. */
  headers(id: string, apiVersion: string): OperationHeaders {
    const internal = this.aliases.get(id)!;
    const meta = this.meta.get(internal)!;
    const base = `${this.urls.endpoint()}/subscriptions/${this.urls.subscriptionId}/providers`;
    switch (meta.provider) {
      case 'compute':
        return {
          asyncOperation: `${base}/Microsoft.Compute/locations/${meta.location}/operations/${id}?p=${meta.token}&api-version=${apiVersion}`,
          location: `${base}/Microsoft.Compute/locations/${meta.location}/operations/${id}?p=${meta.token}&monitor=true&api-version=${apiVersion}`,
        };
      case 'disk':
        return {
          asyncOperation: `${base}/Microsoft.Compute/locations/${meta.location}/DiskOperations/${id}?p=${meta.token}&api-version=${apiVersion}`,
          location: `${base}/Microsoft.Compute/locations/${meta.location}/DiskOperations/${id}?p=${meta.token}&monitor=true&api-version=${apiVersion}`,
        };
      case 'network':
        return {
          asyncOperation: `${base}/Microsoft.Network/locations/${meta.location}/operations/${id}?api-version=${apiVersion}`,
          location: `${base}/Microsoft.Network/locations/${meta.location}/operationResults/${id}?api-version=${apiVersion}`,
        };
    }
  }

  /** Settles every operation that is due: runs effects and failure hooks once. */
  settleDue(): void {
    for (const internal of [...this.pending]) {
      const view = this.operations.get(internal);
      if (!view || view.status !== 'DONE') continue;
      this.pending.delete(internal);
      if (view.error) this.meta.get(internal)?.onFailed?.();
    }
  }

  /** An operation as its status URL reports it; `undefined` when unknown (or of another provider or location). */
  status(id: string, provider: ArmOperationProvider, location: string): ArmOperationStatus | undefined {
    const internal = this.aliases.get(id);
    if (internal === undefined) return undefined;
    const meta = this.meta.get(internal)!;
    if (meta.provider !== provider || meta.location.toLowerCase() !== location.toLowerCase()) return undefined;
    this.settleDue();
    const view = this.operations.get(internal)!;
    return this.toStatus(id, meta, view);
  }

  /** Every operation, oldest first. */
  list(): ArmOperationStatus[] {
    this.settleDue();
    return [...this.aliases].map(([id, internal]) => this.toStatus(id, this.meta.get(internal)!, this.operations.get(internal)!));
  }

  /** True while some operation on `target` is running (ARM refuses conflicting writes then). */
  busy(target: string): boolean {
    this.settleDue();
    const lower = target.toLowerCase();
    return [...this.pending].some((internal) => this.operations.get(internal)?.target?.toLowerCase() === lower);
  }

  private toStatus(id: string, meta: OperationMeta, view: OperationView<unknown>): ArmOperationStatus {
    const done = view.status === 'DONE';
    return {
      id,
      kind: view.kind,
      provider: meta.provider,
      location: meta.location,
      target: view.target,
      status: !done ? 'InProgress' : view.error ? 'Failed' : 'Succeeded',
      startTime: new Date(view.createdAt).toISOString(),
      endTime: done ? new Date(view.doneAt).toISOString() : undefined,
      error: done ? view.error : undefined,
      result: done ? view.result : undefined,
    };
  }
}
