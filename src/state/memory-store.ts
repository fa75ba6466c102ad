/**
 * The in-memory state store: the default, for tests, notebooks and single-process hosts that
 * do not need to survive a restart. Values are kept as JSON text, so a caller can never change
 * a stored record by mutating an object it put or got, exactly as with the durable stores.
 */
import { throwIfAborted } from '../provider/abort.js';
import type { CallOptions } from '../provider/provider-v1.js';
import { decodeValue, encodeValue } from './json-value.js';
import { assertValidKey, normalizePrefix, prefixUpperBound } from './key-path.js';
import { planAcquire, planRelease, planRenew, type LeaseRow } from './lease-rules.js';
import { SortedKeySet } from './sorted-key-set.js';
import type {
  DeleteOptions,
  FencingGuard,
  Lease,
  LeaseRef,
  ListOptions,
  PutOptions,
  StateStore,
  StoredRecord,
  TransactionOp,
  TransactionOpResult,
  TransactionOptions,
  WatchEvent,
} from './state-store.js';
import { WatchHub } from './watch-hub.js';
import {
  assertExpectedVersion,
  assertFencingGuard,
  assertTtl,
  assertValidHolder,
  assertValidLeaseName,
  assertValidOps,
  assertVersion,
  fencedWrite,
  keyOrder,
  versionConflict,
} from './write-conditions.js';
import { storeClosedError } from './store-closed.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Clock for lease expiry, in epoch milliseconds; defaults to `Date.now`. Inject one to test expiry. */
  clock?: (() => number) | undefined;
  /** Records per page that `list` takes from the index at a time (default 512). */
  pageSize?: number | undefined;
  /** Events a slow watcher may have queued before it gets a `gap` event instead (default 100,000). */
  maxQueuedWatchEvents?: number | undefined;
}

interface MemoryRecord {
  readonly text: string;
  readonly version: number;
}

/**
 * Creates an in-memory {@link StateStore}. Everything is lost when the process ends, and
 * `watch` sees the writes made through this store object. Leases work between callers that
 * share this object (several contenders in one process).
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const now = options.clock ?? Date.now;
  const pageSize = options.pageSize ?? 512;
  const records = new Map<string, MemoryRecord>();
  const index = new SortedKeySet();
  const leases = new Map<string, LeaseRow>();
  const hub = new WatchHub({ maxQueuedEvents: options.maxQueuedWatchEvents });
  let closed = false;

  function enter(signal: AbortSignal | undefined): void {
    if (closed) throw storeClosedError('memory');
    throwIfAborted(signal);
  }

  function checkFencing(guard: FencingGuard | undefined): void {
    if (guard === undefined) return;
    const row = leases.get(guard.lease);
    if (row?.fencingToken !== guard.token) throw fencedWrite(guard, row?.fencingToken);
  }

  function checkPut(key: string, expected: number | null | undefined): number {
    const current = records.get(key)?.version;
    if (expected === null && current !== undefined) throw versionConflict(key, null, current);
    if (typeof expected === 'number' && current !== expected) throw versionConflict(key, expected, current);
    return (current ?? 0) + 1;
  }

  function checkDelete(key: string, expected: number | undefined): number | undefined {
    const current = records.get(key)?.version;
    if (expected !== undefined && current !== expected) throw versionConflict(key, expected, current);
    return current;
  }

  function applyPut(key: string, text: string, version: number): void {
    records.set(key, { text, version });
    index.add(key);
    if (hub.size > 0) hub.publish({ type: 'put', key, version, value: decodeValue(text) });
  }

  function applyDelete(key: string, version: number): void {
    records.delete(key);
    index.delete(key);
    if (hub.size > 0) hub.publish({ type: 'delete', key, version });
  }

  function toLease(name: string, row: LeaseRow): Lease {
    return { name, holder: row.holder ?? '', fencingToken: row.fencingToken, expiresAt: new Date(row.expiresAtMs) };
  }

  return {
    async get<T>(key: string, opts: CallOptions = {}): Promise<StoredRecord<T> | undefined> {
      enter(opts.signal);
      assertValidKey(key);
      const record = records.get(key);
      return record === undefined ? undefined : { key, value: decodeValue<T>(record.text), version: record.version };
    },

    async put(key: string, value: unknown, opts: PutOptions = {}): Promise<number> {
      enter(opts.signal);
      assertValidKey(key);
      assertExpectedVersion(opts.expectedVersion);
      assertFencingGuard(opts.fencing);
      const text = encodeValue(value);
      checkFencing(opts.fencing);
      const version = checkPut(key, opts.expectedVersion);
      applyPut(key, text, version);
      return version;
    },

    async delete(key: string, opts: DeleteOptions = {}): Promise<boolean> {
      enter(opts.signal);
      assertValidKey(key);
      if (opts.expectedVersion !== undefined) assertVersion(opts.expectedVersion, 'expectedVersion');
      assertFencingGuard(opts.fencing);
      checkFencing(opts.fencing);
      const current = checkDelete(key, opts.expectedVersion);
      if (current === undefined) return false;
      applyDelete(key, current);
      return true;
    },

    async *list<T>(prefix: string, opts: ListOptions = {}): AsyncIterable<StoredRecord<T>> {
      const from = normalizePrefix(prefix);
      const upper = prefixUpperBound(from);
      let cursor = from;
      let after = false;
      for (;;) {
        enter(opts.signal);
        // Keyset paging: each page restarts from the last key seen, so writes made while the
        // caller iterates never make the listing skip or repeat a key that stayed put.
        const keys = index.page(cursor, after, upper, pageSize);
        const page: StoredRecord<T>[] = [];
        for (const key of keys) {
          const record = records.get(key);
          if (record !== undefined) page.push({ key, value: decodeValue<T>(record.text), version: record.version });
        }
        yield* page;
        if (keys.length < pageSize) return;
        cursor = keys[keys.length - 1]!;
        after = true;
      }
    },

    async transaction(ops: readonly TransactionOp[], opts: TransactionOptions = {}): Promise<readonly TransactionOpResult[]> {
      enter(opts.signal);
      assertValidOps(ops);
      assertFencingGuard(opts.fencing);
      const texts = ops.map((op, i) => (op.type === 'put' ? encodeValue(op.value, `ops[${i}].value`) : ''));
      checkFencing(opts.fencing);
      // Check every condition before applying anything: all or nothing.
      const versions = ops.map((op) => {
        if (op.type === 'put') return checkPut(op.key, op.expectedVersion);
        // A delete and a check have the same condition: the record is at the expected version.
        return checkDelete(op.key, op.expectedVersion);
      });
      for (const i of keyOrder(ops)) {
        const op = ops[i]!;
        const version = versions[i];
        if (op.type === 'put') applyPut(op.key, texts[i]!, version!);
        else if (op.type === 'delete' && version !== undefined) applyDelete(op.key, version);
      }
      return ops.map((op, i) => ({ key: op.key, version: op.type === 'delete' ? null : versions[i]! }));
    },

    async acquireLease(name: string, holder: string, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
      enter(opts.signal);
      assertValidLeaseName(name);
      assertValidHolder(holder);
      assertTtl(ttlMs);
      const next = planAcquire(leases.get(name), holder, now(), ttlMs);
      if (next === null) return null;
      leases.set(name, next);
      return toLease(name, next);
    },

    async renewLease(lease: LeaseRef, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
      enter(opts.signal);
      assertValidLeaseName(lease.name, 'lease.name');
      assertTtl(ttlMs);
      const next = planRenew(leases.get(lease.name), lease.holder, lease.fencingToken, now(), ttlMs);
      if (next === null) return null;
      leases.set(lease.name, next);
      return toLease(lease.name, next);
    },

    async releaseLease(lease: LeaseRef, opts: CallOptions = {}): Promise<boolean> {
      enter(opts.signal);
      assertValidLeaseName(lease.name, 'lease.name');
      const next = planRelease(leases.get(lease.name), lease.holder, lease.fencingToken, now());
      if (next === null) return false;
      leases.set(lease.name, next);
      return true;
    },

    async getLease(name: string, opts: CallOptions = {}): Promise<Lease | undefined> {
      enter(opts.signal);
      assertValidLeaseName(name);
      const row = leases.get(name);
      return row === undefined || row.holder === null ? undefined : toLease(name, row);
    },

    watch(prefix: string, opts: ListOptions = {}): AsyncIterable<WatchEvent> {
      if (closed) throw storeClosedError('memory');
      return hub.subscribe(normalizePrefix(prefix), opts.signal);
    },

    async close(): Promise<void> {
      closed = true;
      hub.close();
    },
  };
}
