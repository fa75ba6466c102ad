/**
 * Compute Engine operations on the kit's long-running operations: each write returns an
 * operation (`compute#operation`) that goes PENDING → RUNNING → DONE on the emulator's clock.
 * Its effect runs once, when it first reaches DONE: the success effect, or — for failures that
 * happen after GCE accepted the call (no capacity in the zone, a quota spent) — the failure
 * effect, and the DONE operation then carries `error.errors[]` with GCE's code and message and
 * `httpErrorStatusCode` (Operation resource, Compute Engine REST reference, read 2026-12).
 * Names look like GCE's (`operation-<ms>-<hex>-<hex>-<hex>`).
 */
import { randomBytes } from 'node:crypto';
import type { LifecycleClock } from '../kit/lifecycle-clock.js';
import { LongRunningOperations, type OperationView } from '../kit/long-running-operations.js';
import type { GceOperation, GceOperationErrorItem } from './gce-shapes.js';
import { COMPUTE_BASE } from './machine-catalog.js';

/** A failure an operation ends with. */
export interface GceOperationFailure extends GceOperationErrorItem {
  /** HTTP status GCE reports with it (`httpErrorStatusCode`). */
  readonly httpStatus: number;
}

/** What {@link OperationStore.start} takes. */
export interface GceOperationStart {
  /** Project. */
  readonly project: string;
  /** Zone of a zone operation; global when absent. */
  readonly zone?: string | undefined;
  /** `insert`, `stop`, ... */
  readonly type: string;
  /** The operation name for faults and logs (`instances.insert`). */
  readonly operation: string;
  /** URL of the resource acted on. */
  readonly targetLink: string;
  /** Id of the resource acted on. */
  readonly targetId: string;
  /** PENDING time, ms (default the store's). */
  readonly pendingMs?: number | undefined;
  /** RUNNING time, ms (default the store's). */
  readonly runningMs?: number | undefined;
  /** End with this failure instead of succeeding. */
  readonly failure?: GceOperationFailure | undefined;
  /** Runs once at DONE without failure. */
  readonly onDone?: (() => void) | undefined;
  /** Runs once at DONE with a failure. */
  readonly onFailed?: (() => void) | undefined;
}

interface OperationMeta {
  readonly name: string;
  readonly id: string;
  readonly kitId: string;
  readonly start: GceOperationStart;
}

const HTTP_PHRASES: Readonly<Record<number, string>> = { 400: 'BAD REQUEST', 403: 'FORBIDDEN', 404: 'NOT FOUND', 409: 'CONFLICT', 412: 'PRECONDITION FAILED', 429: 'TOO MANY REQUESTS', 500: 'INTERNAL SERVER ERROR', 503: 'SERVICE UNAVAILABLE' };

/** The operations of one emulated project. */
export class OperationStore {
  private readonly kit: LongRunningOperations<void>;
  private readonly byName = new Map<string, OperationMeta>();
  private readonly pending = new Set<string>();
  private counter = 0;

  /** Operations on `clock` with default PENDING and RUNNING times. */
  constructor(
    private readonly clock: LifecycleClock,
    private readonly timings: { readonly pendingMs: number; readonly runningMs: number },
    private readonly user: string,
  ) {
    this.kit = new LongRunningOperations<void>(clock, timings, 'gce-op');
  }

  /** Starts an operation; returns its name. */
  start(start: GceOperationStart): string {
    const view = this.kit.start({
      kind: start.type,
      target: start.targetLink,
      pendingMs: start.pendingMs ?? this.timings.pendingMs,
      runningMs: start.runningMs ?? this.timings.runningMs,
      complete: () => (start.failure ? start.onFailed?.() : start.onDone?.()),
    });
    const name = `operation-${this.clock.now()}-${randomBytes(7).toString('hex').slice(0, 13)}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
    const id = String(4_000_000_000_000_000_000n + BigInt(++this.counter) * 7_919n);
    this.byName.set(name, { name, id, kitId: view.id, start });
    this.pending.add(name);
    this.settleDue();
    return name;
  }

  /** Runs the effects of every operation that is due. */
  settleDue(): void {
    for (const name of [...this.pending]) {
      const view = this.kit.get(this.byName.get(name)!.kitId);
      if (!view || view.status === 'DONE') this.pending.delete(name);
    }
  }

  /** True when the operation exists in this scope (a zone, or global with `undefined`). */
  has(name: string, project: string, zone: string | undefined): boolean {
    const meta = this.byName.get(name);
    return meta !== undefined && meta.start.project === project && meta.start.zone === zone;
  }

  /** An operation rendered, `undefined` when unknown in that scope. */
  get(name: string, project: string, zone: string | undefined): GceOperation | undefined {
    if (!this.has(name, project, zone)) return undefined;
    this.settleDue();
    const meta = this.byName.get(name)!;
    return this.render(meta, this.kit.get(meta.kitId)!);
  }

  /** The raw view (status and times) of an operation. */
  view(name: string): OperationView<void> | undefined {
    const meta = this.byName.get(name);
    return meta ? this.kit.get(meta.kitId) : undefined;
  }

  /** Operations of a scope, oldest first. */
  list(project: string, zone: string | undefined): GceOperation[] {
    this.settleDue();
    return [...this.byName.values()].filter((m) => m.start.project === project && m.start.zone === zone).map((m) => this.render(m, this.kit.get(m.kitId)!));
  }

  /** Every operation of every scope, oldest first. */
  all(): GceOperation[] {
    this.settleDue();
    return [...this.byName.values()].map((m) => this.render(m, this.kit.get(m.kitId)!));
  }

  /** Forgets an operation (`zoneOperations.delete`). */
  delete(name: string): void {
    this.byName.delete(name);
    this.pending.delete(name);
  }

  /** Waits (real time, at most `timeoutMs`) until DONE and returns it rendered as it is then. */
  async wait(name: string, project: string, zone: string | undefined, options: { readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<GceOperation | undefined> {
    const meta = this.byName.get(name);
    if (!meta || !this.has(name, project, zone)) return undefined;
    await this.kit.wait(meta.kitId, { timeoutMs: options.timeoutMs, pollMs: 5, signal: options.signal });
    return this.get(name, project, zone);
  }

  private render(meta: OperationMeta, view: OperationView<void>): GceOperation {
    const { start } = meta;
    const scope = start.zone === undefined ? `projects/${start.project}/global` : `projects/${start.project}/zones/${start.zone}`;
    const done = view.status === 'DONE';
    const failure = done ? start.failure : undefined;
    return {
      kind: 'compute#operation',
      id: meta.id,
      name: meta.name,
      ...(start.zone === undefined ? {} : { zone: `${COMPUTE_BASE}/projects/${start.project}/zones/${start.zone}` }),
      operationType: start.type,
      targetLink: start.targetLink,
      targetId: start.targetId,
      status: view.status,
      user: this.user,
      progress: view.progress,
      insertTime: new Date(view.createdAt).toISOString(),
      ...(view.status === 'PENDING' ? {} : { startTime: new Date(view.startsAt).toISOString() }),
      ...(done ? { endTime: new Date(view.doneAt).toISOString() } : {}),
      ...(failure
        ? {
            error: { errors: [{ code: failure.code, message: failure.message, ...(failure.errorDetails ? { errorDetails: failure.errorDetails } : {}) }] },
            httpErrorStatusCode: failure.httpStatus,
            httpErrorMessage: HTTP_PHRASES[failure.httpStatus] ?? 'ERROR',
          }
        : {}),
      selfLink: `${COMPUTE_BASE}/${scope}/operations/${meta.name}`,
    };
  }
}
