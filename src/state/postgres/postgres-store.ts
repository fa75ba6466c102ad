/**
 * The PostgreSQL state store: the store for several replicas of a control plane.
 *
 * - Compare-and-swap by row version, in single statements (`UPDATE ... WHERE version = $n`),
 *   so an unfenced write is one round trip.
 * - Leases are rows whose expiry is computed with the server's clock (`clock_timestamp()`), so
 *   replicas with skewed clocks still agree on who holds what.
 * - Fenced writes and transactions run in one database transaction that first locks the
 *   lease row `FOR SHARE`: a newer tenure cannot be granted between the token check and the
 *   commit.
 * - `watch` is LISTEN/NOTIFY on a dedicated connection, fed by a trigger, so it sees writes
 *   from every replica. The trigger notifies only while some store has a watch open: a
 *   notifying commit holds PostgreSQL's cluster-wide NOTIFY lock through its WAL flush, so
 *   notifying writers commit one at a time (8 clients write no faster than 1).
 */
import { createHash } from 'node:crypto';
import type { Client, ClientConfig, Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import { throwIfAborted, sleep } from '../../provider/abort.js';
import { InvalidSpecError, UnsupportedError, type ConflictError } from '../../provider/errors.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import { encodeValue } from '../json-value.js';
import { assertValidKey, normalizePrefix, prefixUpperBound } from '../key-path.js';
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
import { connectionSecrets, toStoreError } from './postgres-errors.js';
import { ChangeListener } from './postgres-listener.js';
import {
  channelName,
  drainWritersSql,
  migrateSchema,
  quoteSchema,
  registerListenerSql,
  sweepListenersSql,
  unregisterListenerSql,
} from './postgres-schema.js';

/** The parts of the `pg` module the store uses (inject your own copy as `driver`). */
export interface PostgresDriver {
  /** `pg.Pool`. */
  Pool: typeof Pool;
  /** `pg.Client`. */
  Client: typeof Client;
}

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/db`. Required unless `pool` is given. Never logged or put in errors. */
  connectionString?: string | undefined;
  /** Schema holding the store's tables (created if missing); default `novacron`. Lowercase letters, digits, `_`. */
  schema?: string | undefined;
  /**
   * An existing pool to use; the store does not end it. The listening connection is opened
   * with the pool's own settings.
   */
  pool?: Pool | undefined;
  /** The `pg` module to use instead of importing `pg`. */
  driver?: PostgresDriver | undefined;
  /** Size of the pool the store creates (default 10). */
  maxConnections?: number | undefined;
  /**
   * Open the connection that `watch` needs (default `true`); without it `watch` throws
   * `UnsupportedError`. It LISTENs only while the store has watches open: writes (from every
   * replica) send notifications only then, because notifying serializes their commits.
   */
  listen?: boolean | undefined;
  /** Rows per `list` page (default 1000). */
  pageSize?: number | undefined;
  /** Events a slow watcher may have queued before it gets a `gap` event instead (default 100,000). */
  maxQueuedWatchEvents?: number | undefined;
  /**
   * How many times a transaction PostgreSQL aborts as a deadlock victim (or a serialization
   * failure) is retried (default 5). Transactions lock keys in key order, so these only arise
   * from other writers of the same tables.
   */
  deadlockRetries?: number | undefined;
  /**
   * `'on'` (default): a write returns once PostgreSQL has flushed it to disk. `'off'`: data
   * writes return before the flush (PostgreSQL's `synchronous_commit = off`), several times
   * faster on disks with slow fsync, but a crash of the database server may lose the last
   * ~0.6 s of acknowledged writes (never corrupting anything). Lease changes are always
   * committed synchronously, so that a crash can never hand out one fencing token twice.
   * Applies to the pool the store creates; configure an injected pool yourself.
   */
  synchronousCommit?: 'on' | 'off' | undefined;
}

interface KvRow extends QueryResultRow {
  key: string;
  value: unknown;
  version: string;
}
interface LeaseRow extends QueryResultRow {
  holder: string;
  fencing_token: string;
  expires_at: Date;
}

/**
 * How long registering a watch waits for write transactions in flight to end before it gives
 * up and reports a gap; writers queue behind the wait, so it stays short.
 */
const DRAIN_TIMEOUT_MS = 1000;

// A failed condition inside a transaction: rolls back, then is thrown to the caller.
class ConditionFailed {
  constructor(readonly error: ConflictError) {}
}

type StatementConfig = (values: unknown[]) => QueryConfig;

/** The store's statements over the tables of `schema`, each a named (once-prepared) query. */
function preparedStatements(schema: string) {
  const s = quoteSchema(schema);
  const kv = `${s}.novacron_kv`;
  const leases = `${s}.novacron_leases`;
  // Named statements are prepared once per connection. The schema is part of the text, so a
  // digest of it is part of the name: kept short because PostgreSQL truncates names to 63 bytes,
  // which would make two long names collide.
  const schemaDigest = createHash('sha256').update(schema).digest('hex').slice(0, 12);
  const statement = (name: string, text: string): StatementConfig => {
    const fullName = `novacron_${schemaDigest}_${name}`;
    return (values) => ({ name: fullName, text, values });
  };
  return {
    get: statement('get', `SELECT value, version FROM ${kv} WHERE key = $1`),
    version: statement('version', `SELECT version FROM ${kv} WHERE key = $1`),
    lockVersion: statement('lock_version', `SELECT version FROM ${kv} WHERE key = $1 FOR SHARE`),
    create: statement('create', `INSERT INTO ${kv} (key, value, version) VALUES ($1, $2::json, 1) ON CONFLICT (key) DO NOTHING RETURNING version`),
    swap: statement('swap', `UPDATE ${kv} SET value = $2::json, version = version + 1 WHERE key = $1 AND version = $3 RETURNING version`),
    upsert: statement(
      'upsert',
      `INSERT INTO ${kv} AS r (key, value, version) VALUES ($1, $2::json, 1) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = r.version + 1 RETURNING version`,
    ),
    remove: statement('remove', `DELETE FROM ${kv} WHERE key = $1 RETURNING version`),
    removeAt: statement('remove_at', `DELETE FROM ${kv} WHERE key = $1 AND version = $2 RETURNING version`),
    pageFirst: statement('page_first', `SELECT key, value, version FROM ${kv} WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3`),
    pageNext: statement('page_next', `SELECT key, value, version FROM ${kv} WHERE key > $1 AND key < $2 ORDER BY key LIMIT $3`),
    pageAllFirst: statement('page_all_first', `SELECT key, value, version FROM ${kv} ORDER BY key LIMIT $1`),
    pageAllNext: statement('page_all_next', `SELECT key, value, version FROM ${kv} WHERE key > $1 ORDER BY key LIMIT $2`),
    fence: statement('fence', `SELECT fencing_token FROM ${leases} WHERE name = $1 FOR SHARE`),
    acquire: statement(
      'acquire',
      `INSERT INTO ${leases} AS l (name, holder, fencing_token, expires_at)
       VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET
         holder = excluded.holder,
         fencing_token = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp()
                              THEN l.fencing_token ELSE l.fencing_token + 1 END,
         expires_at = excluded.expires_at
       WHERE l.holder IS NULL OR l.expires_at <= clock_timestamp() OR l.holder = excluded.holder
       RETURNING holder, fencing_token, expires_at`,
    ),
    renew: statement(
      'renew',
      `UPDATE ${leases} SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND fencing_token = $3 AND expires_at > clock_timestamp()
       RETURNING holder, fencing_token, expires_at`,
    ),
    release: statement(
      'release',
      `UPDATE ${leases} SET holder = NULL, expires_at = LEAST(expires_at, clock_timestamp())
       WHERE name = $1 AND holder = $2 AND fencing_token = $3 RETURNING fencing_token`,
    ),
    lease: statement('lease', `SELECT holder, fencing_token, expires_at FROM ${leases} WHERE name = $1 AND holder IS NOT NULL`),
  };
}

type Statements = ReturnType<typeof preparedStatements>;

function toLease(name: string, row: LeaseRow): Lease {
  return { name, holder: row.holder, fencingToken: Number(row.fencing_token), expiresAt: row.expires_at };
}

function toRecord<T>(row: KvRow): StoredRecord<T> {
  return { key: row.key, value: row.value as T, version: Number(row.version) };
}

/** What a {@link PostgresStore} runs on, set up by {@link PostgresStore.open}. */
interface PostgresStoreContext {
  readonly pool: Pool;
  /** The store created the pool, and ends it on close. */
  readonly owned: boolean;
  readonly schema: string;
  /** Parts of the connection string that must never appear in an error. */
  readonly secrets: readonly string[];
  readonly options: PostgresStoreOptions;
}

/** A {@link StateStore} on a PostgreSQL schema; {@link createPostgresStore} opens one. */
class PostgresStore implements StateStore {
  private readonly pool: Pool;
  private readonly owned: boolean;
  private readonly schema: string;
  private readonly secrets: readonly string[];
  private readonly q: Statements;
  private readonly asyncCommit: boolean;
  private readonly pageSize: number;
  private readonly deadlockRetries: number;
  private readonly hub: WatchHub;
  private closed = false;
  private listener: ChangeListener | undefined;

  private constructor(context: PostgresStoreContext) {
    const { options } = context;
    this.pool = context.pool;
    this.owned = context.owned;
    this.schema = context.schema;
    this.secrets = context.secrets;
    this.q = preparedStatements(context.schema);
    this.asyncCommit = options.synchronousCommit === 'off';
    this.pageSize = options.pageSize ?? 1000;
    this.deadlockRetries = options.deadlockRetries ?? 5;
    this.hub = new WatchHub({ maxQueuedEvents: options.maxQueuedWatchEvents });
  }

  /**
   * Connects to PostgreSQL, creates or migrates the schema, starts listening for changes, and
   * returns the store. Loads `pg` on first use unless a `driver` or `pool` is given.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'novacron';
    const s = quoteSchema(schema);
    const secrets = connectionSecrets(options.connectionString);
    if (options.pool === undefined && (options.connectionString === undefined || options.connectionString === '')) {
      throw new InvalidSpecError({ issues: [{ field: 'connectionString', message: 'is required unless a pool is given' }] });
    }
    const driver = options.driver ?? ((await import('pg')).default as unknown as PostgresDriver);
    const owned = options.pool === undefined;
    const pool =
      options.pool ??
      new driver.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
        ...(options.synchronousCommit === 'off' ? { options: '-c synchronous_commit=off' } : {}),
      });
    // An idle pooled connection that dies emits 'error' on the pool; unhandled, it would crash the host.
    if (owned) pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrateSchema(client, schema);
        // A crashed watcher's registration would make every write notify until some watch starts.
        await client.query(sweepListenersSql(s));
      } finally {
        client.release();
      }
    } catch (error) {
      if (owned) await pool.end().catch(() => undefined);
      throw toStoreError(error, `could not open schema "${schema}"`, secrets);
    }
    const store = new PostgresStore({ pool, owned, schema, secrets, options });
    if (options.listen ?? true) await store.startListening(driver, options);
    return store;
  }

  async get<T>(key: string, opts: CallOptions = {}): Promise<StoredRecord<T> | undefined> {
    await this.enter(opts.signal);
    assertValidKey(key);
    const rows = await this.query<KvRow>(this.q.get([key]), 'read failed');
    return rows[0] === undefined ? undefined : { key, value: rows[0].value as T, version: Number(rows[0].version) };
  }

  async put(key: string, value: unknown, opts: PutOptions = {}): Promise<number> {
    await this.enter(opts.signal);
    assertValidKey(key);
    assertExpectedVersion(opts.expectedVersion);
    assertFencingGuard(opts.fencing);
    const text = encodeValue(value);
    if (opts.fencing !== undefined) {
      const [version] = await this.runTransaction([{ type: 'put', key, value, expectedVersion: opts.expectedVersion }], [text], opts.fencing, opts.signal);
      return version!;
    }
    try {
      return await this.writeOne(key, text, opts.expectedVersion, this.pool);
    } catch (error) {
      throw error instanceof ConditionFailed ? error.error : error;
    }
  }

  async delete(key: string, opts: DeleteOptions = {}): Promise<boolean> {
    await this.enter(opts.signal);
    assertValidKey(key);
    if (opts.expectedVersion !== undefined) assertVersion(opts.expectedVersion, 'expectedVersion');
    assertFencingGuard(opts.fencing);
    if (opts.fencing !== undefined) {
      const [version] = await this.runTransaction([{ type: 'delete', key, expectedVersion: opts.expectedVersion }], [''], opts.fencing, opts.signal);
      return version !== undefined;
    }
    try {
      return (await this.deleteOne(key, opts.expectedVersion, this.pool)) !== undefined;
    } catch (error) {
      throw error instanceof ConditionFailed ? error.error : error;
    }
  }

  async *list<T>(prefix: string, opts: ListOptions = {}): AsyncIterable<StoredRecord<T>> {
    const from = normalizePrefix(prefix);
    const upper = prefixUpperBound(from);
    const { q, pageSize } = this;
    let cursor: string | undefined;
    for (;;) {
      await this.enter(opts.signal);
      // Keyset pagination on the primary key: each page is one indexed range scan, and no
      // transaction or cursor stays open while the caller processes records.
      const config =
        upper === undefined
          ? cursor === undefined
            ? q.pageAllFirst([pageSize])
            : q.pageAllNext([cursor, pageSize])
          : cursor === undefined
            ? q.pageFirst([from, upper, pageSize])
            : q.pageNext([cursor, upper, pageSize]);
      const rows = await this.query<KvRow>(config, 'list failed');
      for (const row of rows) yield toRecord<T>(row);
      if (rows.length < pageSize) return;
      cursor = rows[rows.length - 1]!.key;
    }
  }

  async transaction(ops: readonly TransactionOp[], opts: TransactionOptions = {}): Promise<readonly TransactionOpResult[]> {
    await this.enter(opts.signal);
    assertValidOps(ops);
    assertFencingGuard(opts.fencing);
    const texts = ops.map((op, i) => (op.type === 'put' ? encodeValue(op.value, `ops[${i}].value`) : ''));
    const versions = await this.runTransaction(ops, texts, opts.fencing, opts.signal);
    return ops.map((op, i) => ({ key: op.key, version: op.type === 'delete' ? null : versions[i]! }));
  }

  async acquireLease(name: string, holder: string, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
    await this.enter(opts.signal);
    assertValidLeaseName(name);
    assertValidHolder(holder);
    assertTtl(ttlMs);
    const rows = await this.leaseQuery<LeaseRow>(this.q.acquire([name, holder, ttlMs]), 'lease acquisition failed');
    return rows[0] === undefined ? null : toLease(name, rows[0]);
  }

  async renewLease(lease: LeaseRef, ttlMs: number, opts: CallOptions = {}): Promise<Lease | null> {
    await this.enter(opts.signal);
    assertValidLeaseName(lease.name, 'lease.name');
    assertTtl(ttlMs);
    const rows = await this.leaseQuery<LeaseRow>(this.q.renew([lease.name, lease.holder, lease.fencingToken, ttlMs]), 'lease renewal failed');
    return rows[0] === undefined ? null : toLease(lease.name, rows[0]);
  }

  async releaseLease(lease: LeaseRef, opts: CallOptions = {}): Promise<boolean> {
    await this.enter(opts.signal);
    assertValidLeaseName(lease.name, 'lease.name');
    const rows = await this.leaseQuery(this.q.release([lease.name, lease.holder, lease.fencingToken]), 'lease release failed');
    return rows.length === 1;
  }

  async getLease(name: string, opts: CallOptions = {}): Promise<Lease | undefined> {
    await this.enter(opts.signal);
    assertValidLeaseName(name);
    const rows = await this.query<LeaseRow>(this.q.lease([name]), 'lease read failed');
    return rows[0] === undefined ? undefined : toLease(name, rows[0]);
  }

  watch(prefix: string, opts: ListOptions = {}): AsyncIterable<WatchEvent> {
    if (this.closed) throw storeClosedError('postgres');
    if (this.listener === undefined) throw new UnsupportedError({ message: '[state] [postgres] watch needs the store to be created with listen: true', capability: 'watch' });
    const watching = this.listener;
    const hub = this.hub;
    const events = onWatchEnd(hub.subscribe(normalizePrefix(prefix), opts.signal), opts.signal, () => watching.setWatched(hub.size > 0));
    watching.setWatched(true);
    return events;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.stop();
    this.hub.close();
    if (this.owned) await this.pool.end().catch(() => undefined);
  }

  /** Opens the LISTEN connection that `watch` needs, with the pool's settings. */
  private async startListening(driver: PostgresDriver, options: PostgresStoreOptions): Promise<void> {
    const s = quoteSchema(this.schema);
    const clientConfig: ClientConfig = options.connectionString !== undefined ? { connectionString: options.connectionString } : { ...this.pool.options };
    const listener = new ChangeListener({
      createClient: () => new driver.Client(clientConfig),
      channel: channelName(this.schema),
      registerSql: registerListenerSql(s),
      drainSql: drainWritersSql(s, DRAIN_TIMEOUT_MS),
      unregisterSql: unregisterListenerSql(s),
      fetch: async (key) => {
        const rows = await this.query<KvRow>(this.q.get([key]), 'read failed');
        return rows[0] === undefined ? undefined : { value: rows[0].value, version: Number(rows[0].version) };
      },
      onChange: (event) => this.hub.publish(event),
      onGap: (reason) => this.hub.gap(reason),
    });
    this.listener = listener;
    try {
      await listener.start();
    } catch (error) {
      if (this.owned) await this.pool.end().catch(() => undefined);
      throw this.fail(error, 'could not start listening for changes');
    }
  }

  private fail(error: unknown, what: string): Error {
    return toStoreError(error, what, this.secrets);
  }

  private async query<R extends QueryResultRow>(config: QueryConfig, what: string, on: Pool | PoolClient = this.pool): Promise<R[]> {
    try {
      return (await on.query<R>(config)).rows;
    } catch (error) {
      throw this.fail(error, what);
    }
  }

  /**
   * Runs a lease statement. With asynchronous commit on the pool, it runs in its own transaction
   * with `synchronous_commit` back on: a granted token must never be lost in a server crash, or
   * the next grant would hand the same token to a second holder.
   */
  private async leaseQuery<R extends QueryResultRow>(config: QueryConfig, what: string): Promise<R[]> {
    if (!this.asyncCommit) return this.query<R>(config, what);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.fail(error, 'could not get a connection');
    }
    let broken = false;
    try {
      await this.query({ text: 'BEGIN' }, what, client);
      await this.query({ text: 'SET LOCAL synchronous_commit = on' }, what, client);
      const rows = await this.query<R>(config, what, client);
      await this.query({ text: 'COMMIT' }, what, client);
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Checks that a call may run. While a watch's registration is pending, waits for it: a call
   * made after `watch` returned then comes after every replica's writes notify that watch.
   */
  private async enter(signal: AbortSignal | undefined): Promise<void> {
    if (this.closed) throw storeClosedError('postgres');
    throwIfAborted(signal);
    const registering = this.listener?.registering;
    if (registering !== undefined) {
      await registering;
      if (this.closed) throw storeClosedError('postgres');
      throwIfAborted(signal);
    }
  }

  private async currentVersion(key: string, on: Pool | PoolClient = this.pool): Promise<number | undefined> {
    const rows = await this.query<{ version: string }>(this.q.version([key]), 'read failed', on);
    return rows[0] === undefined ? undefined : Number(rows[0].version);
  }

  /** One put; throws ConditionFailed when its condition does not hold. */
  private async writeOne(key: string, text: string, expected: number | null | undefined, on: Pool | PoolClient): Promise<number> {
    const { q } = this;
    let rows: { version: string }[];
    if (expected === undefined) rows = await this.query(q.upsert([key, text]), 'write failed', on);
    else if (expected === null) rows = await this.query(q.create([key, text]), 'write failed', on);
    else rows = await this.query(q.swap([key, text, expected]), 'write failed', on);
    if (rows[0] !== undefined) return Number(rows[0].version);
    throw new ConditionFailed(versionConflict(key, expected ?? null, await this.currentVersion(key, on)));
  }

  /** One delete; returns the deleted version, or undefined when there was nothing to delete. */
  private async deleteOne(key: string, expected: number | undefined, on: Pool | PoolClient): Promise<number | undefined> {
    if (expected === undefined) {
      const rows = await this.query<{ version: string }>(this.q.remove([key]), 'delete failed', on);
      return rows[0] === undefined ? undefined : Number(rows[0].version);
    }
    const rows = await this.query<{ version: string }>(this.q.removeAt([key, expected]), 'delete failed', on);
    if (rows[0] !== undefined) return expected;
    throw new ConditionFailed(versionConflict(key, expected, await this.currentVersion(key, on)));
  }

  private async checkOne(key: string, expected: number, on: PoolClient): Promise<number> {
    const rows = await this.query<{ version: string }>(this.q.lockVersion([key]), 'read failed', on);
    const current = rows[0] === undefined ? undefined : Number(rows[0].version);
    if (current !== expected) throw new ConditionFailed(versionConflict(key, expected, current));
    return current;
  }

  /**
   * Runs `ops` in one database transaction, after checking the fencing guard under a share lock
   * on the lease row. Retries the whole transaction when PostgreSQL aborts it as a deadlock
   * victim, which is safe because nothing of it was committed.
   */
  private async runTransaction(
    ops: readonly TransactionOp[],
    texts: readonly string[],
    guard: FencingGuard | undefined,
    signal: AbortSignal | undefined,
  ): Promise<(number | undefined)[]> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw this.fail(error, 'could not get a connection');
      }
      let broken = false;
      try {
        await this.query({ text: 'BEGIN' }, 'transaction failed', client);
        if (guard !== undefined) {
          const rows = await this.query<{ fencing_token: string }>(this.q.fence([guard.lease]), 'fencing check failed', client);
          const token = rows[0] === undefined ? undefined : Number(rows[0].fencing_token);
          if (token !== guard.token) throw new ConditionFailed(fencedWrite(guard, token));
        }
        // Key order: two transactions over the same keys lock their rows in the same order.
        const versions: (number | undefined)[] = new Array(ops.length);
        for (const i of keyOrder(ops)) {
          const op = ops[i]!;
          if (op.type === 'put') versions[i] = await this.writeOne(op.key, texts[i]!, op.expectedVersion, client);
          else if (op.type === 'delete') versions[i] = await this.deleteOne(op.key, op.expectedVersion, client);
          else versions[i] = await this.checkOne(op.key, op.expectedVersion, client);
        }
        await this.query({ text: 'COMMIT' }, 'commit failed', client);
        return versions;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (error instanceof ConditionFailed) throw error.error;
        const code = (error as { cause?: { code?: unknown } }).cause?.code;
        if ((code === '40P01' || code === '40001') && attempt < this.deadlockRetries) {
          await sleep(5 * 2 ** attempt * Math.random(), signal);
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }
}

/**
 * Connects to PostgreSQL, creates or migrates the schema, starts listening for changes, and
 * returns a {@link StateStore}. Loads `pg` on first use unless a `driver` or `pool` is given.
 */
export function createPostgresStore(options: PostgresStoreOptions): Promise<StateStore> {
  return PostgresStore.open(options);
}

/** Wraps a watch's events so that `onEnd` runs once it ends: returned, finished, failed or aborted. */
function onWatchEnd(events: AsyncIterable<WatchEvent>, signal: AbortSignal | undefined, onEnd: () => void): AsyncIterable<WatchEvent> {
  const iterator = events[Symbol.asyncIterator]();
  const end = (): void => {
    signal?.removeEventListener('abort', end);
    onEnd();
  };
  // Added after the hub's own abort listener, so the hub has dropped the watcher when this runs.
  signal?.addEventListener('abort', end, { once: true });
  const wrapped: AsyncIterator<WatchEvent> = {
    async next() {
      try {
        const result = await iterator.next();
        if (result.done === true) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return() {
      const result = (await iterator.return?.()) ?? { value: undefined, done: true };
      end();
      return result;
    },
  };
  return { [Symbol.asyncIterator]: () => wrapped };
}
