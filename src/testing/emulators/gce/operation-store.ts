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
  /** Zone of a zone operation; global when absent (and no region). */
  readonly zone?: string | undefined;
  /** Region of a region operation (subnetworks, VPN gateways and tunnels, routers); global when absent (and no zone). */
  readonly region?: string | undefined;
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
  /**
   * Work that decides the outcome (an image import reading its archive): the operation stays
   * RUNNING until it settles, then is DONE — no sooner than `runningMs` after it started — with
   * the failure it gives, or none. `failure` is not read when this is given.
   */
  readonly decidedBy?: Promise<GceOperationFailure | undefined> | undefined;
}

/** How long an operation decided by its work may run at most: a week. */
const HELD_MS = 7 * 24 * 3600 * 1000;

interface OperationMeta {
  readonly name: string;
  readonly id: string;
  readonly kitId: string;
  /** What it was started with (and, once its work is done, the failure that work gave). */
  start: GceOperationStart;
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
    const runningMs = start.runningMs ?? this.timings.runningMs;
    let decided = start;
    const view = this.kit.start({
      kind: start.type,
      target: start.targetLink,
      pendingMs: start.pendingMs ?? this.timings.pendingMs,
      runningMs: start.decidedBy ? HELD_MS : runningMs,
      complete: () => (decided.failure ? decided.onFailed?.() : decided.onDone?.()),
    });
    const name = `operation-${this.clock.now()}-${randomBytes(7).toString('hex').slice(0, 13)}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
    const id = String(4_000_000_000_000_000_000n + BigInt(++this.counter) * 7_919n);
    const meta: OperationMeta = { name, id, kitId: view.id, start: start.decidedBy ? { ...start, failure: undefined } : start };
    this.byName.set(name, meta);
    this.pending.add(name);
    if (start.decidedBy) {
      void start.decidedBy
        .catch((error: unknown): GceOperationFailure => ({ code: 'INTERNAL_ERROR', message: `Internal error. (${error instanceof Error ? error.message : String(error)})`, httpStatus: 500 }))
        .then((failure) => {
          decided = { ...start, failure, decidedBy: undefined };
          meta.start = decided;
          this.kit.finishAt(view.id, Math.max(this.clock.now(), view.startsAt + runningMs));
        });
    }
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

  /** True when the operation exists in this scope (a zone, a region, or global with both `undefined`). */
  has(name: string, project: string, zone: string | undefined, region?: string): boolean {
    const meta = this.byName.get(name);
    return meta !== undefined && meta.start.project === project && meta.start.zone === zone && meta.start.region === region;
  }

  /** An operation rendered, `undefined` when unknown in that scope. */
  get(name: string, project: string, zone: string | undefined, region?: string): GceOperation | undefined {
    if (!this.has(name, project, zone, region)) return undefined;
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
  list(project: string, zone: string | undefined, region?: string): GceOperation[] {
    this.settleDue();
    return [...this.byName.values()].filter((m) => m.start.project === project && m.start.zone === zone && m.start.region === region).map((m) => this.render(m, this.kit.get(m.kitId)!));
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
  async wait(name: string, project: string, zone: string | undefined, options: { readonly timeoutMs: number; readonly signal?: AbortSignal | undefined; readonly region?: string | undefined }): Promise<GceOperation | undefined> {
    const meta = this.byName.get(name);
    if (!meta || !this.has(name, project, zone, options.region)) return undefined;
    await this.kit.wait(meta.kitId, { timeoutMs: options.timeoutMs, pollMs: 5, signal: options.signal });
    return this.get(name, project, zone, options.region);
  }

  private render(meta: OperationMeta, view: OperationView<void>): GceOperation {
    const { start } = meta;
    const scope =
      start.zone !== undefined ? `projects/${start.project}/zones/${start.zone}` : start.region !== undefined ? `projects/${start.project}/regions/${start.region}` : `projects/${start.project}/global`;
    const done = view.status === 'DONE';
    const failure = done ? start.failure : undefined;
    return {
      kind: 'compute#operation',
      id: meta.id,
      name: meta.name,
      ...(start.zone === undefined ? {} : { zone: `${COMPUTE_BASE}/projects/${start.project}/zones/${start.zone}` }),
      ...(start.region === undefined ? {} : { region: `${COMPUTE_BASE}/projects/${start.project}/regions/${start.region}` }),
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
