/**
 * The durable-operation core: one record in the state store per operation, guarded by a fenced
 * lease, written before and after every step that touches a cloud.
 *
 * Every write is a compare-and-swap on the record's version, fenced by the lease's token, so a
 * replica that lost its lease (paused, partitioned) can never overwrite the work of the one
 * that took over. While the operation runs, the lease is renewed in the background; a crash
 * stops the renewals and another replica takes over once the lease lapses, reading the steps to
 * learn where to resume. Creates use it first; migrations and network setups reuse it as it is.
 */
import { sleep } from '../../provider/abort.js';
import { ConflictError } from '../../provider/errors.js';
import { canonicalJson } from '../../provider/offer-selection.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { JsonValue, Lease, StateStore } from '../../state/state-store.js';
import { storedError, type OperationRecord, type StepRecord, type StepStatus } from './operation-record.js';

/** Where and how an operation is opened. */
export interface OpenOperationOptions extends CallOptions {
  /** The store holding operation records and leases. */
  readonly store: StateStore;
  /** Operation id (stable for one request: derived from its idempotency key). */
  readonly id: string;
  /** Kind of work. */
  readonly kind: string;
  /** Hash of what was asked. */
  readonly fingerprint: string;
  /** What was asked, secret-free, stored in a new record (see {@link OperationRecord.input}). */
  readonly input?: JsonValue | undefined;
  /** This replica, as the lease holder. */
  readonly holder: string;
  /** Lease lifetime in ms; renewed every third of it while the operation runs (default 30 s). */
  readonly leaseTtlMs?: number | undefined;
  /** Longest wait for another holder of the same operation, in ms. */
  readonly waitMs: number;
  /** Clock in epoch ms. */
  readonly now: () => number;
  /** Message of the conflict raised when the fingerprint differs. */
  readonly conflictMessage: string;
}

/** What opening found: the operation to work on, or the record another holder finished. */
export type OpenedOperation = { readonly operation: DurableOperation } | { readonly settled: OperationRecord };

const PREFIX = 'operations/';

/** An operation being worked on by this replica. Build it with {@link DurableOperation.open}. */
export class DurableOperation {
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private writes = 0;
  /** A write that failed without saying whether it landed. */
  private unanswered: OperationRecord | undefined;

  private constructor(
    private readonly store: StateStore,
    private lease: Lease,
    private version: number,
    private current: OperationRecord,
    private readonly now: () => number,
    private readonly signal: AbortSignal | undefined,
    leaseTtlMs: number,
  ) {
    // Keep the lease while the work lasts (a create may wait minutes for `running`).
    this.renewTimer = setInterval(() => void this.renew(leaseTtlMs), Math.max(10, Math.floor(leaseTtlMs / 3)));
    this.renewTimer.unref?.();
  }

  /**
   * Takes the operation's lease and reads (or creates) its record. While another holder works
   * on it, waits (polling) until it finishes — then returns its record as `settled` — or until
   * `waitMs` has passed (`ConflictError`). A record of a different request under the same id is
   * a `ConflictError`.
   */
  static async open(options: OpenOperationOptions): Promise<OpenedOperation> {
    const { store, id, signal } = options;
    const key = PREFIX + id;
    const ttl = options.leaseTtlMs ?? 30_000;
    const deadline = options.now() + options.waitMs;
    for (let round = 0; ; round++) {
      const lease = await store.acquireLease(`operation/${id}`, options.holder, ttl, { signal });
      const stored = await store.get<OperationRecord>(key, { signal });
      if (stored && stored.value.fingerprint !== options.fingerprint) {
        if (lease) await store.releaseLease(lease).catch(() => undefined);
        throw new ConflictError({ message: options.conflictMessage, operationId: id });
      }
      if (lease) {
        try {
          if (stored) return { operation: new DurableOperation(store, lease, stored.version, stored.value, options.now, signal, ttl) };
          const at = new Date(options.now()).toISOString();
          const record: OperationRecord = {
            id,
            kind: options.kind,
            fingerprint: options.fingerprint,
            status: 'running',
            ...(options.input !== undefined ? { input: options.input } : {}),
            steps: [],
            createdAt: at,
            updatedAt: at,
          };
          const version = await store.put(key, record, { expectedVersion: null, fencing: { lease: lease.name, token: lease.fencingToken }, signal });
          const op = new DurableOperation(store, lease, version, record, options.now, signal, ttl);
          op.writes = 1;
          return { operation: op };
        } catch (error) {
          await store.releaseLease(lease).catch(() => undefined);
          throw error;
        }
      }
      if (stored?.value.status === 'succeeded') return { settled: stored.value };
      if (options.now() > deadline) throw new ConflictError({ message: 'another replica is still working on this request', operationId: id });
      await sleep(Math.min(250, 10 * 2 ** Math.min(round, 5)), signal);
    }
  }

  /** The operation's id. */
  get id(): string {
    return this.current.id;
  }

  /** The record as last written. */
  get record(): OperationRecord {
    return this.current;
  }

  /** Store writes this replica made for the operation (for the overhead benchmark). */
  get writeCount(): number {
    return this.writes;
  }

  /** Appends a step as `started`, with the token it will send, before the call. Returns its index. */
  async startStep(step: { name: string; token?: string | undefined; input?: JsonValue | undefined }): Promise<number> {
    const started: StepRecord = { ...step, status: 'started', updatedAt: this.iso() };
    await this.save({ ...this.current, steps: [...this.current.steps, started] });
    return this.current.steps.length - 1;
  }

  /** Settles (or re-settles) step `index`. */
  async settleStep(index: number, status: Exclude<StepStatus, 'planned'>, detail: { output?: JsonValue | undefined; error?: unknown } = {}): Promise<void> {
    const step = this.current.steps[index]!;
    const next: StepRecord = {
      ...step,
      status,
      ...(detail.output !== undefined ? { output: detail.output } : {}),
      error: detail.error === undefined ? (status === 'succeeded' ? undefined : step.error) : storedError(detail.error),
      updatedAt: this.iso(),
    };
    await this.save({ ...this.current, steps: this.current.steps.map((s, i) => (i === index ? next : s)) });
  }

  /** Merges `output` into step `index` without changing its status (e.g. a resource id learned mid-call). */
  async annotateStep(index: number, output: JsonValue): Promise<void> {
    const step = this.current.steps[index]!;
    const merged = typeof step.output === 'object' && step.output !== null && !Array.isArray(step.output) && typeof output === 'object' && output !== null && !Array.isArray(output) ? { ...step.output, ...output } : output;
    await this.save({ ...this.current, steps: this.current.steps.map((s, i) => (i === index ? { ...s, output: merged, updatedAt: this.iso() } : s)) });
  }

  /** Marks the operation succeeded with its result. */
  succeed(result: JsonValue): Promise<void> {
    return this.save({ ...this.current, status: 'succeeded', result, error: undefined });
  }

  /** Marks the operation failed; a later run with the same key may try again, keeping the steps. */
  fail(error: unknown): Promise<void> {
    return this.save({ ...this.current, status: 'failed', error: storedError(error) });
  }

  /** Stops renewing and releases the lease. */
  async close(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    await this.store.releaseLease(this.lease).catch(() => undefined);
  }

  private async save(next: OperationRecord): Promise<void> {
    const key = PREFIX + this.current.id;
    if (this.unanswered) await this.settleUnanswered(key);
    const value = { ...next, updatedAt: this.iso() };
    try {
      this.version = await this.store.put(key, value, {
        expectedVersion: this.version,
        fencing: { lease: this.lease.name, token: this.lease.fencingToken },
        signal: this.signal,
      });
    } catch (error) {
      // Refused writes changed nothing; any other failure may have landed with its answer lost.
      if (!ConflictError.isInstance(error)) this.unanswered = value;
      throw error;
    }
    this.writes++;
    this.current = value;
  }

  /**
   * After a write whose answer was lost: when the record holds exactly that write, one version
   * on, it landed, and the run goes on from it; otherwise the record is as it was.
   */
  private async settleUnanswered(key: string): Promise<void> {
    const attempted = this.unanswered!;
    const stored = await this.store.get<OperationRecord>(key, { signal: this.signal });
    this.unanswered = undefined;
    if (stored && stored.version === this.version + 1 && canonicalJson(stored.value) === canonicalJson(attempted)) {
      this.version = stored.version;
      this.current = attempted;
    }
  }

  private async renew(ttlMs: number): Promise<void> {
    try {
      const renewed = await this.store.renewLease(this.lease, ttlMs);
      // A lost lease is not handled here: the next fenced write fails and ends the run.
      if (renewed) this.lease = renewed;
    } catch {
      // A failed renewal is retried on the next tick; the lease lasts three ticks.
    }
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

/** Every operation record, in id order, without taking leases. */
export async function* listOperations(store: StateStore, options: CallOptions = {}): AsyncIterable<OperationRecord> {
  for await (const rec of store.list<OperationRecord>(PREFIX.slice(0, -1), options)) yield rec.value;
}

/** Reads an operation's record without taking its lease. */
export async function readOperation(store: StateStore, id: string, options: CallOptions = {}): Promise<OperationRecord | undefined> {
  return (await store.get<OperationRecord>(PREFIX + id, options))?.value;
}
