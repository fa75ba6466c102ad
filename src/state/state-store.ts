/**
 * The StateStore specification: where the FederationManager keeps every VM, operation and
 * migration, so that a restarted process (or another replica) picks up where the last left off.
 *
 * Keys are `/`-separated paths (`vms/aws-east/i-123`), values are JSON documents and every
 * record carries a version that starts at 1 and grows by 1 on each write. Writes may be
 * conditional on that version (compare-and-swap) and on a lease's fencing token, so that two
 * replicas never both act on the same VM.
 */
import type { CallOptions } from '../provider/provider-v1.js';

/** A JSON document as stored: what `JSON.parse` returns. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A record read from the store. */
export interface StoredRecord<T = unknown> {
  /** The record's key. */
  readonly key: string;
  /** The record's value, a fresh copy (mutating it does not change the store). */
  readonly value: T;
  /** Version of the record: 1 when created, +1 on every write. */
  readonly version: number;
}

/** Guards a write with a lease: the write is refused unless `token` is still the lease's current token. */
export interface FencingGuard {
  /** Name of the lease. */
  readonly lease: string;
  /** The fencing token the writer received when it acquired the lease. */
  readonly token: number;
}

/** Options of `put`. */
export interface PutOptions extends CallOptions {
  /**
   * The write's condition: `null` creates the record only if the key does not exist, a number
   * writes only if the record is at exactly that version (compare-and-swap), `undefined`
   * writes unconditionally. A failed condition throws `ConflictError` and writes nothing.
   */
  expectedVersion?: number | null | undefined;
  /** Refuses the write with `FencedError` once a newer token exists for this lease. */
  fencing?: FencingGuard | undefined;
}

/** Options of `delete`. */
export interface DeleteOptions extends CallOptions {
  /** Deletes only if the record is at exactly this version; otherwise `ConflictError`. */
  expectedVersion?: number | undefined;
  /** Refuses the delete with `FencedError` once a newer token exists for this lease. */
  fencing?: FencingGuard | undefined;
}

/** Options of `list` and `watch`. */
export type ListOptions = CallOptions;

/** Options of `transaction`. */
export interface TransactionOptions extends CallOptions {
  /** Refuses the whole transaction with `FencedError` once a newer token exists for this lease. */
  fencing?: FencingGuard | undefined;
}

/** Writes `value` at `key` within a transaction. */
export interface TransactionPut {
  /** Operation kind. */
  readonly type: 'put';
  /** Key to write. */
  readonly key: string;
  /** JSON-serializable value. */
  readonly value: unknown;
  /** Same meaning as {@link PutOptions.expectedVersion}. */
  readonly expectedVersion?: number | null | undefined;
}

/** Deletes `key` within a transaction; deleting a missing key without `expectedVersion` is allowed. */
export interface TransactionDelete {
  /** Operation kind. */
  readonly type: 'delete';
  /** Key to delete. */
  readonly key: string;
  /** Same meaning as {@link DeleteOptions.expectedVersion}. */
  readonly expectedVersion?: number | undefined;
}

/**
 * Asserts, without writing, that `key` is at `expectedVersion` when the transaction commits,
 * so that a decision taken from several records is not based on a stale one.
 */
export interface TransactionCheck {
  /** Operation kind. */
  readonly type: 'check';
  /** Key to check. */
  readonly key: string;
  /** The version the record must have. */
  readonly expectedVersion: number;
}

/** One operation of an atomic {@link StateStore.transaction}. */
export type TransactionOp = TransactionPut | TransactionDelete | TransactionCheck;

/** Outcome of one transaction operation, in the order the operations were given. */
export interface TransactionOpResult {
  /** The operation's key. */
  readonly key: string;
  /** New version for a put, the checked version for a check, `null` for a delete. */
  readonly version: number | null;
}

/** Identifies one tenure of a lease: what renew and release need. */
export interface LeaseRef {
  /** Lease name, e.g. `leader` or `vm-lock/aws-east/i-123`. */
  readonly name: string;
  /** Who holds it (a replica id). */
  readonly holder: string;
  /** Token issued for this tenure; strictly greater than every token issued before for this name. */
  readonly fencingToken: number;
}

/** A held lease. */
export interface Lease extends LeaseRef {
  /** When the lease lapses unless renewed (by the store's clock; the server's for PostgreSQL). */
  readonly expiresAt: Date;
}

/** A record was created or overwritten. */
export interface WatchPutEvent {
  /** Event kind. */
  readonly type: 'put';
  /** The record's key. */
  readonly key: string;
  /** The version written. */
  readonly version: number;
  /**
   * The value written. `undefined` only in one PostgreSQL case: the value was too large for a
   * notification and had already been overwritten or deleted when the watcher fetched it (a
   * later event for the same key follows).
   */
  readonly value: unknown;
}

/** A record was deleted. */
export interface WatchDeleteEvent {
  /** Event kind. */
  readonly type: 'delete';
  /** The record's key. */
  readonly key: string;
  /** The version the record had when deleted. */
  readonly version: number;
}

/**
 * Changes may have been missed (the PostgreSQL listener reconnected, or the watcher fell too far
 * behind). A consumer that mirrors state should re-read with `list`.
 */
export interface WatchGapEvent {
  /** Event kind. */
  readonly type: 'gap';
  /** Why events may be missing. */
  readonly reason: string;
}

/** One change seen by {@link StateStore.watch}. */
export type WatchEvent = WatchPutEvent | WatchDeleteEvent | WatchGapEvent;

/**
 * The state store specification.
 *
 * Prefixes are paths: `list('vms/a')` and `list('vms/a/')` both return the keys under `vms/a/`
 * and never `vms/ab`; the empty prefix means every key. Keys are non-empty `/`-separated
 * segments (no empty segment, no leading or trailing `/`), at most 1024 characters, without NUL
 * and well-formed Unicode; values are JSON-serializable. Keys order by Unicode code point (the
 * same order as UTF-8 bytes), in every implementation.
 */
export interface StateStore {
  /** Reads one record, or `undefined` when the key does not exist. */
  get<T = unknown>(key: string, options?: CallOptions): Promise<StoredRecord<T> | undefined>;
  /** Writes one record and returns its new version; `ConflictError` when `expectedVersion` does not hold. */
  put(key: string, value: unknown, options?: PutOptions): Promise<number>;
  /**
   * Deletes one record. Returns `true` when a record was deleted, `false` when there was none
   * (only possible without `expectedVersion`; with it, a missing record is a `ConflictError`).
   */
  delete(key: string, options?: DeleteOptions): Promise<boolean>;
  /** Streams the records under `prefix` in key order, a page at a time. */
  list<T = unknown>(prefix: string, options?: ListOptions): AsyncIterable<StoredRecord<T>>;
  /**
   * Applies every operation or none: if any version condition (or the fencing guard) fails, it
   * throws `ConflictError` (`FencedError`) and nothing is written. A key may appear only once.
   * Operations are applied, and reported to watchers, in key order (so that concurrent
   * transactions over the same keys never deadlock); results come back in the given order.
   */
  transaction(ops: readonly TransactionOp[], options?: TransactionOptions): Promise<readonly TransactionOpResult[]>;

  /**
   * Takes the lease `name` for `holder` for `ttlMs`, or returns `null` when another holder has it
   * and it has not expired. A holder that already holds it extends it and keeps its token; a new
   * tenure (after expiry or release) gets a token greater than any issued before for this name.
   */
  acquireLease(name: string, holder: string, ttlMs: number, options?: CallOptions): Promise<Lease | null>;
  /** Extends a lease still held by this tenure; `null` when it has expired or changed hands. */
  renewLease(lease: LeaseRef, ttlMs: number, options?: CallOptions): Promise<Lease | null>;
  /** Gives a lease up (its token stays, so the next tenure's token is higher). Returns whether this tenure held it. */
  releaseLease(lease: LeaseRef, options?: CallOptions): Promise<boolean>;
  /** Reads a lease's current state (held or expired), or `undefined` when it never existed or was released. */
  getLease(name: string, options?: CallOptions): Promise<Lease | undefined>;

  /**
   * Streams changes under `prefix` made after this call returned, in commit order per key,
   * until the signal aborts or the store closes. See each implementation for what it sees:
   * the memory and SQLite stores see only writes made through the same store object.
   */
  watch(prefix: string, options?: ListOptions): AsyncIterable<WatchEvent>;

  /** Releases connections and ends every watch. Further calls reject. */
  close(): Promise<void>;
}
