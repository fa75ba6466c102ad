/**
 * The stored shape of a durable operation: what was asked, which steps ran and how each ended.
 *
 * A step that touches a cloud is written `started` (with the idempotency token it sends)
 * before the call and settled after it, so a process that dies in between leaves a record
 * saying exactly which call may have happened. `uncertain` is an outcome of its own: the call
 * may or may not have acted, and only asking the cloud by the token can tell.
 */
import type { JsonValue } from '../../state/state-store.js';

/** Where a step stands: `planned → started → succeeded | failed | uncertain`. */
export type StepStatus = 'planned' | 'started' | 'succeeded' | 'failed' | 'uncertain';

/** Where a whole operation stands. */
export type OperationStatus = 'running' | 'succeeded' | 'failed';

/** A secret-free error summary, as stored. */
export interface StoredError {
  /** Error code (`CAPACITY`, `TIMEOUT`, ...). */
  readonly code: string;
  /** First line of the message. */
  readonly message: string;
}

/** One step of an operation, as stored. */
export interface StepRecord {
  /** What the step does (`launch`, `inventory`, ...). */
  readonly name: string;
  /** Where it stands. */
  readonly status: StepStatus;
  /** The idempotency token the step sends to the cloud, when it calls one. */
  readonly token?: string | undefined;
  /** What the step was asked to do (a candidate, a resource). */
  readonly input?: JsonValue | undefined;
  /** What it produced (a resource id). */
  readonly output?: JsonValue | undefined;
  /** Why it failed or is uncertain. */
  readonly error?: StoredError | undefined;
  /** Last change (ISO 8601). */
  readonly updatedAt: string;
}

/** A durable operation, as stored under `operations/<id>`. */
export interface OperationRecord {
  /** Operation id (derived from the caller's idempotency key). */
  readonly id: string;
  /** What kind of work (`createVM`, later `migrateVM`, `connectNetworks`). */
  readonly kind: string;
  /** Hash of what was asked; the same key with another request is a conflict. */
  readonly fingerprint: string;
  /** Where the whole operation stands. */
  readonly status: OperationStatus;
  /** What was asked, secret-free, so that a process other than the caller's (reconcile) can finish the work. */
  readonly input?: JsonValue | undefined;
  /** Steps in the order they were started. */
  readonly steps: readonly StepRecord[];
  /** The result of a succeeded operation. */
  readonly result?: JsonValue | undefined;
  /** Why a failed operation failed. */
  readonly error?: StoredError | undefined;
  /** When it was first recorded (ISO 8601). */
  readonly createdAt: string;
  /** Last change (ISO 8601). */
  readonly updatedAt: string;
}

/** True for steps that ended without knowing what the cloud did: a crash after `started`, or `uncertain`. */
export function isUnsettled(step: StepRecord): boolean {
  return step.status === 'started' || step.status === 'uncertain';
}

/** The stored summary of any thrown value: code and first line of the message. */
export function storedError(error: unknown): StoredError {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : 'UNKNOWN';
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0]! : String(error);
  return { code, message: message.slice(0, 500) };
}
