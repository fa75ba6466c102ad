/**
 * A transfer's progress as a durable operation (kind `transferArtifact`): its steps are
 * `prepare` (download and convert into the work directory; output: the spooled file's path,
 * size and hash), `upload` (input: what is uploaded and whether the key existed before; output:
 * the store's latest `UploadSession`, rewritten after every part the store confirms) and
 * `verify`. A transfer run again under the same operation id reads them to resume. Without a
 * state store the same record lives in memory for the one run.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DurableOperation } from '../federation/operations/durable-operation.js';
import type { StepRecord } from '../federation/operations/operation-record.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { createMemoryStore } from '../state/memory-store.js';
import type { JsonValue, StateStore } from '../state/state-store.js';

/** Where a transfer records its progress, so that a new process can resume it. */
export interface TransferOperation {
  /** The state store holding the record (SQLite or PostgreSQL to survive the process). */
  readonly store: StateStore;
  /** Operation id: the same id resumes the same transfer; another transfer under it is a `ConflictError`. */
  readonly id: string;
  /** This process, as the lease holder (default: host, pid and a random suffix). */
  readonly holder?: string | undefined;
  /** Lease lifetime in ms (default 30 s): how long a killed holder keeps others waiting. */
  readonly leaseTtlMs?: number | undefined;
  /** Longest wait for another live holder of the same transfer, in ms (default 10 min). */
  readonly waitMs?: number | undefined;
}

/** A step found in the record: its index and what it holds. */
export interface FoundStep {
  /** Index in the record's steps. */
  readonly index: number;
  /** The step. */
  readonly step: StepRecord;
}

/** What opening found: a journal to work with, or the result of a transfer that had finished. */
export type OpenedJournal = { readonly journal: TransferJournal } | { readonly settled: JsonValue };

/** A transfer's record, written through the durable-operation core. */
export class TransferJournal {
  private constructor(
    private readonly op: DurableOperation,
    /** Id of the durable operation. */
    readonly operationId: string,
    /** Whether the record outlives this process. */
    readonly durable: boolean,
  ) {}

  /** Opens (or creates) the record; a succeeded one comes back as `settled`. */
  static async open(options: CallOptions & { operation?: TransferOperation | undefined; fingerprint: string; input: JsonValue; now: () => number }): Promise<OpenedJournal> {
    const operation = options.operation;
    const id = operation?.id ?? `transfer-${randomUUID()}`;
    const opened = await DurableOperation.open({
      store: operation?.store ?? createMemoryStore(),
      id,
      kind: 'transferArtifact',
      fingerprint: options.fingerprint,
      input: options.input,
      holder: operation?.holder ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      leaseTtlMs: operation?.leaseTtlMs,
      waitMs: operation?.waitMs ?? 600_000,
      now: options.now,
      signal: options.signal,
      conflictMessage: `operation id "${id}" was already used for a different transfer`,
    });
    if ('settled' in opened) return { settled: opened.settled.result ?? null };
    const op = opened.operation;
    if (op.record.status === 'succeeded') {
      await op.close();
      return { settled: op.record.result ?? null };
    }
    return { journal: new TransferJournal(op, id, operation !== undefined) };
  }

  /** The last step named `name`, if any. */
  last(name: string): FoundStep | undefined {
    const steps = this.op.record.steps;
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.name === name) return { index: i, step: steps[i]! };
    return undefined;
  }

  /** Records a step as started. */
  start(name: string, input?: JsonValue): Promise<number> {
    return this.op.startStep({ name, input });
  }

  /** Merges `output` into a step (the upload session after each part). */
  annotate(index: number, output: JsonValue): Promise<void> {
    return this.op.annotateStep(index, output);
  }

  /** Settles a step. */
  settle(index: number, status: 'succeeded' | 'failed', detail: { output?: JsonValue; error?: unknown } = {}): Promise<void> {
    return this.op.settleStep(index, status, detail);
  }

  /** Marks the transfer done with its result. */
  succeed(result: JsonValue): Promise<void> {
    return this.op.succeed(result);
  }

  /** Marks the transfer failed (a later run under the same id may try again). */
  fail(error: unknown): Promise<void> {
    return this.op.fail(error);
  }

  /** Releases the lease. */
  close(): Promise<void> {
    return this.op.close();
  }
}
