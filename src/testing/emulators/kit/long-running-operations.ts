/**
 * Long-running operations as GCE, ARM and the EC2 image tasks have them: a call returns an
 * operation resource at once, which goes PENDING → RUNNING → DONE over the clock and is polled
 * by id (or waited on); once DONE it carries either a result or an error. The operation's
 * effect (`complete`) runs exactly once, when it first reaches DONE — whether a poll, a wait or
 * a listing observed it — so the resource appears when the operation says it is done, not
 * before. Each emulator renders the operation in its own shape.
 */
import { sleep } from '../../../provider/abort.js';
import type { LifecycleClock } from './lifecycle-clock.js';

/** Status of an operation (GCE's words; ARM's `InProgress`/`Succeeded`/`Failed` map onto them). */
export type OperationStatus = 'PENDING' | 'RUNNING' | 'DONE';

/** The error an operation ended with. */
export interface OperationFailure {
  /** The cloud's error code. */
  readonly code: string;
  /** Message. */
  readonly message: string;
}

/** A snapshot of one operation. */
export interface OperationView<R> {
  /** Operation id. */
  readonly id: string;
  /** What it does (`insert`, `CreateImage`, ...). */
  readonly kind: string;
  /** The resource it acts on, when there is one. */
  readonly target: string | undefined;
  /** Status now. */
  readonly status: OperationStatus;
  /** When it was created, started and finished (clock milliseconds). */
  readonly createdAt: number;
  /** When it starts running. */
  readonly startsAt: number;
  /** When it is done. */
  readonly doneAt: number;
  /** Progress in percent (0 pending, 100 done, linear while running). */
  readonly progress: number;
  /** Its result, once DONE without error. */
  readonly result: R | undefined;
  /** Its error, once DONE with one. */
  readonly error: OperationFailure | undefined;
}

/** What {@link LongRunningOperations.start} takes. */
export interface OperationStart<R> {
  /** What it does. */
  readonly kind: string;
  /** The resource it acts on. */
  readonly target?: string | undefined;
  /** PENDING time (default: the tracker's). */
  readonly pendingMs?: number | undefined;
  /** RUNNING time (default: the tracker's). */
  readonly runningMs?: number | undefined;
  /** Its effect, run once when it reaches DONE; its value is the result. */
  readonly complete?: (() => R) | undefined;
  /** End with this error instead of a result (the effect does not run). */
  readonly error?: OperationFailure | undefined;
}

interface OperationRecord<R> {
  readonly id: string;
  readonly kind: string;
  readonly target: string | undefined;
  readonly createdAt: number;
  readonly startsAt: number;
  doneAt: number;
  readonly complete: (() => R) | undefined;
  error: OperationFailure | undefined;
  settled: boolean;
  result: R | undefined;
}

/** Default timings of a {@link LongRunningOperations} tracker. */
export interface OperationTimings {
  /** PENDING time, ms. */
  readonly pendingMs: number;
  /** RUNNING time, ms. */
  readonly runningMs: number;
}

/** The operations of one emulator. */
export class LongRunningOperations<R = unknown> {
  private readonly records = new Map<string, OperationRecord<R>>();
  private counter = 0;

  /** A tracker on `clock`; ids are `prefix` and a counter (`operation-1`, ...). */
  constructor(
    private readonly clock: LifecycleClock,
    private readonly timings: OperationTimings = { pendingMs: 0, runningMs: 100 },
    private readonly prefix = 'operation',
  ) {}

  /** Starts an operation; returns it as it is now (PENDING, or later when the timings are 0). */
  start(options: OperationStart<R>): OperationView<R> {
    const createdAt = this.clock.now();
    const startsAt = createdAt + (options.pendingMs ?? this.timings.pendingMs);
    const record: OperationRecord<R> = {
      id: `${this.prefix}-${++this.counter}`,
      kind: options.kind,
      target: options.target,
      createdAt,
      startsAt,
      doneAt: startsAt + (options.runningMs ?? this.timings.runningMs),
      complete: options.complete,
      error: options.error,
      settled: false,
      result: undefined,
    };
    this.records.set(record.id, record);
    return this.view(record);
  }

  /**
   * Moves the end of an operation still running: work that takes as long as it takes is started
   * with a long `runningMs` and ended here, once it is done (never before it started). No effect
   * on an operation that is DONE or unknown.
   */
  finishAt(id: string, at: number): void {
    const record = this.records.get(id);
    if (!record || record.settled || this.clock.now() >= record.doneAt) return;
    record.doneAt = Math.max(record.startsAt, at);
  }

  /** The operation now, `undefined` for an unknown id. */
  get(id: string): OperationView<R> | undefined {
    const record = this.records.get(id);
    return record ? this.view(record) : undefined;
  }

  /** Every operation now, oldest first. */
  list(): OperationView<R>[] {
    return [...this.records.values()].map((r) => this.view(r));
  }

  /**
   * Waits until the operation is DONE, or `timeoutMs` (real time) has passed, and returns it as
   * it is then — like GCE's `operations.wait`, which may return an operation not yet done.
   * Polls, so a test clock that jumps ahead is seen within `pollMs`.
   */
  async wait(id: string, options: { readonly timeoutMs?: number | undefined; readonly pollMs?: number | undefined; readonly signal?: AbortSignal | undefined } = {}): Promise<OperationView<R> | undefined> {
    const deadline = performance.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const op = this.get(id);
      if (!op || op.status === 'DONE') return op;
      const left = deadline - performance.now();
      if (left <= 0) return op;
      await sleep(Math.min(left, options.pollMs ?? 10, Math.max(1, op.doneAt - this.clock.now())), options.signal);
    }
  }

  private view(record: OperationRecord<R>): OperationView<R> {
    const now = this.clock.now();
    const status: OperationStatus = now >= record.doneAt ? 'DONE' : now >= record.startsAt ? 'RUNNING' : 'PENDING';
    if (status === 'DONE' && !record.settled) this.settle(record);
    const span = record.doneAt - record.startsAt;
    const progress = status === 'DONE' ? 100 : status === 'PENDING' ? 0 : span <= 0 ? 100 : Math.floor(((now - record.startsAt) / span) * 100);
    return {
      id: record.id,
      kind: record.kind,
      target: record.target,
      status,
      createdAt: record.createdAt,
      startsAt: record.startsAt,
      doneAt: record.doneAt,
      progress,
      result: record.result,
      error: record.error,
    };
  }

  private settle(record: OperationRecord<R>): void {
    record.settled = true;
    if (record.error || !record.complete) return;
    try {
      record.result = record.complete();
    } catch (e) {
      record.error = { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
    }
  }
}
