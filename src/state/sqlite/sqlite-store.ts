/**
 * The SQLite state store: one file, embedded, the default durable store for a single host.
 *
 * Durability: the file runs in WAL mode and every write is one SQLite transaction (a single
 * statement, or `BEGIN IMMEDIATE ... COMMIT` when a write reads first), so a process killed in
 * the middle of a write leaves the previous committed state, never a torn record.
 *
 * better-sqlite3 is synchronous: each call blocks the event loop for the duration of one small
 * statement (microseconds), which is why `list` reads in pages rather than in one query.
 */
import type { SqliteDatabase, SqliteDatabaseConstructor, SqliteStatement, SqliteTransaction } from './sqlite-driver.js';
import { throwIfAborted } from '../../provider/abort.js';
import { ProviderUnavailableError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import { decodeValue, encodeValue } from '../json-value.js';
import { assertValidKey, normalizePrefix, prefixUpperBound } from '../key-path.js';
import { planAcquire, planRelease, planRenew, type LeaseRow } from '../lease-rules.js';
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
} from '../state-store.js';
import { storeClosedError } from '../store-closed.js';
import { WatchHub } from '../watch-hub.js';
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
} from '../write-conditions.js';


/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file (created if missing). Required unless `database` is given. */
  path?: string | undefined;
  /** A better-sqlite3 `Database` class to use instead of importing `better-sqlite3`. */
  driver?: SqliteDatabaseConstructor | undefined;
  /**
   * An already open database to use. The store switches it to WAL mode, sets `synchronous` and
   * the busy timeout, and creates its tables if missing; it does not close a database it was given.
   */
  database?: SqliteDatabase | undefined;
  /**
   * `'normal'` (default) syncs the WAL at checkpoints: a crash of the process loses nothing
   * committed, a power failure may lose the last transactions but never corrupts the file.
   * `'full'` syncs on every commit: survives power loss, at a fraction of the write rate.
   */
  synchronous?: 'normal' | 'full' | undefined;
  /** How long a write waits for another process's write lock before failing (default 5000 ms). */
  busyTimeoutMs?: number | undefined;
  /** Clock for lease expiry, in epoch milliseconds; defaults to `Date.now`. Processes sharing a file must share a clock (one host). */
  clock?: (() => number) | undefined;
  /** Rows per `list` page (default 1000). */
  pageSize?: number | undefined;
  /** Events a slow watcher may have queued before it gets a `gap` event instead (default 100,000). */
  maxQueuedWatchEvents?: number | undefined;
}

/** Schema changes in order; `PRAGMA user_version` records how many have been applied. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS novacron_kv (
     key TEXT PRIMARY KEY NOT NULL,
     value TEXT NOT NULL,
     version INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS novacron_leases (
     name TEXT PRIMARY KEY NOT NULL,
     holder TEXT,
     fencing_token INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

interface KvRow {
  key: string;
  value: string;
  version: number;
}
interface LeaseDbRow {
  holder: string | null;
  fencing_token: number;
  expires_at: number;
}

/** Applies pending migrations under one write lock, so that processes opening the file together migrate it once. */
function migrate(db: SqliteDatabase): void {
  inTransaction(db, () => {
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let i = applied; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!);
    if (applied < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

async function openDatabase(options: SqliteStoreOptions): Promise<{ db: SqliteDatabase; owned: boolean }> {
  if (options.database !== undefined) return { db: options.database, owned: false };
  if (options.path === undefined || options.path === '') throw new TypeError('[novacron] [sqlite] createSqliteStore needs a path or a database');
  const Driver = options.driver ?? ((await import('better-sqlite3')).default as unknown as SqliteDatabaseConstructor);
  return { db: new Driver(options.path, { timeout: options.busyTimeoutMs ?? 5000 }), owned: true };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

type Statements = ReturnType<typeof prepareStatements>;

/** `fn` as one transaction, keeping its argument and result types. */
function inTransaction<F extends (...args: never[]) => unknown>(db: SqliteDatabase, fn: F): SqliteTransaction<F> {
  return db.transaction(fn) as unknown as SqliteTransaction<F>;
}

/** A statement with its parameter and row types, as the SQL text defines them. */
function typed<P extends unknown[], R = unknown>(db: SqliteDatabase, source: string): SqliteStatement<P, R> {
  return db.prepare(source) as unknown as SqliteStatement<P, R>;
}

function prepareStatements(db: SqliteDatabase) {
  return {
    get: typed<[string], { value: string; version: number }>(db, 'SELECT value, version FROM novacron_kv WHERE key = ?'),
    version: typed<[string], { version: number }>(db, 'SELECT version FROM novacron_kv WHERE key = ?'),
    create: typed<[string, string]>(db, 'INSERT INTO novacron_kv (key, value, version) VALUES (?, ?, 1) ON CONFLICT (key) DO NOTHING'),
    swap: typed<[string, string, number]>(db, 'UPDATE novacron_kv SET value = ?, version = version + 1 WHERE key = ? AND version = ?'),
    upsert: typed<[string, string], { version: number }>(db, 
      'INSERT INTO novacron_kv (key, value, version) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = novacron_kv.version + 1 RETURNING version',
    ),
    remove: typed<[string], { version: number }>(db, 'DELETE FROM novacron_kv WHERE key = ? RETURNING version'),
    removeAt: typed<[string, number]>(db, 'DELETE FROM novacron_kv WHERE key = ? AND version = ?'),
    pageFirst: typed<[string, string, number], KvRow>(db, 'SELECT key, value, version FROM novacron_kv WHERE key >= ? AND key < ? ORDER BY key LIMIT ?'),
    pageNext: typed<[string, string, number], KvRow>(db, 'SELECT key, value, version FROM novacron_kv WHERE key > ? AND key < ? ORDER BY key LIMIT ?'),
    pageAllFirst: typed<[number], KvRow>(db, 'SELECT key, value, version FROM novacron_kv ORDER BY key LIMIT ?'),
    pageAllNext: typed<[string, number], KvRow>(db, 'SELECT key, value, version FROM novacron_kv WHERE key > ? ORDER BY key LIMIT ?'),
    lease: typed<[string], LeaseDbRow>(db, 'SELECT holder, fencing_token, expires_at FROM novacron_leases WHERE name = ?'),
    setLease: typed<[string, string | null, number, number]>(db, 
      'INSERT INTO novacron_leases (name, holder, fencing_token, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, fencing_token = excluded.fencing_token, expires_at = excluded.expires_at',
    ),
  };
}

// Runs a synchronous database step, turning lock timeouts into a retryable error.
function run<R>(step: () => R): R {
  try {
    return step();
  } catch (error) {
    if (isBusy(error)) {
      throw new ProviderUnavailableError({ message: '[state] [sqlite] the database stayed locked by another writer', cause: error });
    }
    throw error;
  }
}

function toLease(name: string, row: LeaseRow): Lease {
  return { name, holder: row.holder ?? '', fencingToken: row.fencingToken, expiresAt: new Date(row.expiresAtMs) };
}

/** A {@link StateStore} on one open SQLite database, configured and migrated by {@link createSqliteStore}. */
class SqliteStore implements StateStore {
  private readonly sql: Statements;
  private readonly now: () => number;
  private readonly pageSize: number;
  private readonly hub: WatchHub;
  private closed = false;

  // Multi-statement writes, each one SQLite transaction (run with `.immediate` to take the write lock first).
  private readonly fencedPut: SqliteTransaction<(guard: FencingGuard, key: string, text: string, expected: number | null | undefined) => number>;
  private readonly fencedDelete: SqliteTransaction<(guard: FencingGuard, key: string, expected: number | undefined) => number | undefined>;
  private readonly applyOps: SqliteTransaction<
    (ops: readonly TransactionOp[], texts: readonly string[], order: readonly number[], guard: FencingGuard | undefined) => (number | undefined)[]
  >;
  private readonly changeLease: SqliteTransaction<(name: string, plan: (row: LeaseRow | undefined) => LeaseRow | null) => LeaseRow | null>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly owned: boolean,
    options: SqliteStoreOptions,
  ) {
    this.sql = prepareStatements(db);
    this.now = options.clock ?? Date.now;
    this.pageSize = options.pageSize ?? 1000;
    this.hub = new WatchHub({ maxQueuedEvents: options.maxQueuedWatchEvents });
    this.fencedPut = inTransaction(db, (guard, key, text, expected) => {
      this.checkFencing(guard);
      return this.writeOne(key, text, expected);
    });
    this.fencedDelete = inTransaction(db, (guard, key, expected) => {
      this.checkFencing(guard);
      return this.deleteOne(key, expected);
    });
    this.applyOps = inTransaction(db, (ops, texts, order, guard) => {
      this.checkFencing(guard);
      // A throw inside rolls the whole SQLite transaction back: all or nothing.
      const versions: (number | undefined)[] = new Array(ops.length);
      for (const i of order) {
        const op = ops[i]!;
        if (op.type === 'put') versions[i] = this.writeOne(op.key, texts[i]!, op.expectedVersion);
        else if (op.type === 'delete') versions[i] = this.deleteOne(op.key, op.expectedVersion);
        else {
          const current = this.sql.version.get(op.key)?.version;
          if (current !== op.expectedVersion) throw versionConflict(op.key, op.expectedVersion, current);
          versions[i] = current;
        }
      }
      return versions;
    });
    this.changeLease = inTransaction(db, (name, plan) => {
      const next = plan(this.readLease(name));
      if (next !== null) this.sql.setLease.run(name, next.holder, next.fencingToken, next.expiresAtMs);
      return next;
    });
  }

  async get<T>(key: string, opts: CallOptions = {}): Promise<StoredRecord<T> | undefined> {
    this.enter(opts.signal);
    assertValidKey(key);
    const row = run(() => this.sql.get.get(key));
    return row === undefined ? undefined : { key, value: decodeValue<T>(row.value), version: row.version };
  }

  async put(key: string, value: unknown, opts: PutOptions = {}): Promise<number> {
    this.enter(opts.signal);
    assertValidKey(key);
    assertExpectedVersion(opts.expectedVersion);
    assertFencingGuard(opts.fencing);
    const text = encodeValue(value);
    const guard = opts.fencing;
    const version = run(() => (guard === undefined ? this.writeOne(key, text, opts.expectedVersion) : this.fencedPut.immediate(guard, key, text, opts.expectedVersion)));
    this.publishPut(key, version, text);
    return version;
  }

  async delete(key: string, opts: DeleteOptions = {}): Promise<boolean> {
    this.enter(opts.signal);
    assertValidKey(key);
    if (opts.expectedVersion !== undefined) assertVersion(opts.expectedVersion, 'expectedVersion');
    assertFencingGuard(opts.fencing);
    const guard = opts.fencing;
    const version = run(() => (guard === undefined ? this.deleteOne(key, opts.expectedVersion) : this.fencedDelete.immediate(guard, key, opts.expectedVersion)));
    this.publishDelete(key, version);
    return version !== undefined;
  }

  async *list<T>(prefix: string, opts: ListOptions = {}): AsyncIterable<StoredRecord<T>> {
    const from = normalizePrefix(prefix);
    const upper = prefixUpperBound(from);
    const { sql, pageSize } = this;
    let cursor: string | undefined;
    for (;;) {
      this.enter(opts.signal);
      const after = cursor;
      // Keyset pagination: each page is one short query, so no read transaction stays open
      // across the caller's awaits (which would hold back WAL checkpoints).
      const rows = run(() =>
        upper === undefined
          ? after === undefined
            ? sql.pageAllFirst.all(pageSize)
            : sql.pageAllNext.all(after, pageSize)
          : after === undefined
            ? sql.pageFirst.all(from, upper, pageSize)
            : sql.pageNext.all(after, upper, pageSize),
      );
      for (const row of rows) yield { key: row.key, value: decodeValue<T>(row.value), version: row.version };
      if (rows.length < pageSize) return;
      cursor = rows[rows.length - 1]!.key;
    }
  }

  async transaction(ops: readonly TransactionOp[], opts: TransactionOptions = {}): Promise<readonly TransactionOpResult[]> {
    this.enter(opts.signal);
    assertValidOps(ops);
    assertFencingGuard(opts.fencing);
    const texts = ops.map((op, i) => (op.type === 'put' ? encodeValue(op.value, `ops[${i}].value`) : ''));
    const order = keyOrder(ops);
    const versions = run(() => this.applyOps.immediate(ops, texts, order, opts.fencing));
    for (const i of order) {
      const op = ops[i]!;
      if (op.type === 'put') this.publishPut(op.key, versions[i]!, texts[i]!);
      else if (op.type === 'delete') this.publishDelete(op.key, versions[i]);
    }
    return ops.map((op, i) => ({ key: op.key, version: op.type === 'delete' ? null : versions[i]! }));
  }

  async acquireLease(name: string, holder: string, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
    this.enter(opts.signal);
    assertValidLeaseName(name);
    assertValidHolder(holder);
    assertTtl(ttlMs);
    const next = run(() => this.changeLease.immediate(name, (row) => planAcquire(row, holder, this.now(), ttlMs)));
    return next === null ? null : toLease(name, next);
  }

  async renewLease(lease: LeaseRef, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
    this.enter(opts.signal);
    assertValidLeaseName(lease.name, 'lease.name');
    assertTtl(ttlMs);
    const next = run(() => this.changeLease.immediate(lease.name, (row) => planRenew(row, lease.holder, lease.fencingToken, this.now(), ttlMs)));
    return next === null ? null : toLease(lease.name, next);
  }

  async releaseLease(lease: LeaseRef, opts: CallOptions = {}): Promise<boolean> {
    this.enter(opts.signal);
    assertValidLeaseName(lease.name, 'lease.name');
    return run(() => this.changeLease.immediate(lease.name, (row) => planRelease(row, lease.holder, lease.fencingToken, this.now()))) !== null;
  }

  async getLease(name: string, opts: CallOptions = {}): Promise<Lease | undefined> {
    this.enter(opts.signal);
    assertValidLeaseName(name);
    const row = run(() => this.readLease(name));
    return row === undefined || row.holder === null ? undefined : toLease(name, row);
  }

  watch(prefix: string, opts: ListOptions = {}): AsyncIterable<WatchEvent> {
    if (this.closed) throw storeClosedError('sqlite');
    return this.hub.subscribe(normalizePrefix(prefix), opts.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.close();
    if (this.owned) this.db.close();
  }

  private enter(signal: AbortSignal | undefined): void {
    if (this.closed) throw storeClosedError('sqlite');
    throwIfAborted(signal);
  }

  private readLease(name: string): LeaseRow | undefined {
    const row = this.sql.lease.get(name);
    return row === undefined ? undefined : { holder: row.holder, fencingToken: row.fencing_token, expiresAtMs: row.expires_at };
  }

  private checkFencing(guard: FencingGuard | undefined): void {
    if (guard === undefined) return;
    const token = this.sql.lease.get(guard.lease)?.fencing_token;
    if (token !== guard.token) throw fencedWrite(guard, token);
  }

  /** One put, inside or outside a transaction; throws on a failed condition. */
  private writeOne(key: string, text: string, expected: number | null | undefined): number {
    const { sql } = this;
    if (expected === undefined) return sql.upsert.get(key, text)!.version;
    if (expected === null) {
      if (sql.create.run(key, text).changes === 1) return 1;
      throw versionConflict(key, null, sql.version.get(key)?.version);
    }
    if (sql.swap.run(text, key, expected).changes === 1) return expected + 1;
    throw versionConflict(key, expected, sql.version.get(key)?.version);
  }

  /** One delete; returns the deleted version, or undefined when there was nothing to delete. */
  private deleteOne(key: string, expected: number | undefined): number | undefined {
    if (expected === undefined) return this.sql.remove.get(key)?.version;
    if (this.sql.removeAt.run(key, expected).changes === 1) return expected;
    throw versionConflict(key, expected, this.sql.version.get(key)?.version);
  }

  private publishPut(key: string, version: number, text: string): void {
    if (this.hub.size > 0) this.hub.publish({ type: 'put', key, version, value: decodeValue(text) });
  }

  private publishDelete(key: string, version: number | undefined): void {
    if (version !== undefined && this.hub.size > 0) this.hub.publish({ type: 'delete', key, version });
  }
}

/** Opens the database, sets WAL, `synchronous` and the busy timeout, and migrates it. */
async function openConfigured(options: SqliteStoreOptions): Promise<{ db: SqliteDatabase; owned: boolean }> {
  const opened = await openDatabase(options);
  const { db } = opened;
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  migrate(db);
  return opened;
}

/**
 * Opens (creating if needed) a SQLite {@link StateStore}. Loads `better-sqlite3` on first use
 * unless a `driver` or `database` is given.
 *
 * `watch` sees only the writes made through this store object: SQLite has no change
 * notification between processes, and between connections of one process only through
 * polling, which this store does not do.
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<StateStore> {
  const { db, owned } = await openConfigured(options);
  return new SqliteStore(db, owned, options);
}
