import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, ProviderUnavailableError } from '../../src/provider/errors.js';
import type { StateStore, WatchEvent } from '../../src/state/index.js';
import { createPostgresStore } from '../../src/state/postgres/index.js';
import { POSTGRES_MIGRATIONS } from '../../src/state/postgres/postgres-schema.js';
import { dropSchema, POSTGRES_URL, sql, uniqueSchema } from './postgres-test-database.js';

const schema = uniqueSchema('specifics');
const stores: StateStore[] = [];
async function open(extra: { schema?: string } = {}): Promise<StateStore> {
  const store = await createPostgresStore({ connectionString: POSTGRES_URL, schema, ...extra });
  stores.push(store);
  return store;
}
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await dropSchema(schema);
});

async function next(iterator: AsyncIterator<WatchEvent>): Promise<WatchEvent> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no watch event arrived')), 15_000);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done === true) throw new Error('watch ended');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

describe('PostgreSQL store', () => {
  it('creates the schema with a version table, and reopening applies no migration twice', async () => {
    await open();
    await open();
    const versions = await sql<{ version: number }>(`SELECT version FROM "${schema}".novacron_schema_version ORDER BY version`);
    expect(versions.map((v) => v.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a schema from a newer release instead of running against it', async () => {
    const newer = uniqueSchema('newer');
    try {
      await (await createPostgresStore({ connectionString: POSTGRES_URL, schema: newer })).close();
      await sql(`INSERT INTO "${newer}".novacron_schema_version (version) VALUES ($1)`, [POSTGRES_MIGRATIONS.length + 1]);
      const error = await createPostgresStore({ connectionString: POSTGRES_URL, schema: newer }).catch((e: unknown) => e);
      expect(InvalidSpecError.isInstance(error)).toBe(true);
    } finally {
      await dropSchema(newer);
    }
  });

  it('refuses schema names that are not plain identifiers, before connecting', async () => {
    for (const bad of ['x"; DROP TABLE y; --', 'Upper', '1abc', '', 'a-b', 'a'.repeat(49)]) {
      const error = await createPostgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', schema: bad }).catch((e: unknown) => e);
      expect(InvalidSpecError.isInstance(error), bad).toBe(true);
    }
  });

  it('never puts the connection password in an error', async () => {
    const password = 'Sup3r-S3cret-Pw';
    const error = await createPostgresStore({ connectionString: `postgres://alice:${password}@127.0.0.1:1/test`, schema }).catch((e: unknown) => e);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    const everything = JSON.stringify({ error, cause: (error as Error).cause, message: (error as Error).message, stack: (error as Error).stack });
    expect(everything).not.toContain(password);
    expect((error as ProviderUnavailableError).retryable).toBe(true);
  });

  it('watch sees writes made by another client, including values too large for a notification', async () => {
    const watcher = await open();
    const writer = await open();
    const iterator = watcher.watch('cross')[Symbol.asyncIterator]();
    // Any call on the watching store waits until the watch is live for every replica's writes.
    expect(await watcher.get('cross/small')).toBeUndefined();
    const big = { blob: 'x'.repeat(20_000) };
    await writer.put('cross/small', { n: 1 });
    await writer.put('cross/big', big);
    await writer.delete('cross/small');
    expect(await next(iterator)).toEqual({ type: 'put', key: 'cross/small', version: 1, value: { n: 1 } });
    expect(await next(iterator)).toEqual({ type: 'put', key: 'cross/big', version: 1, value: big });
    expect(await next(iterator)).toEqual({ type: 'delete', key: 'cross/small', version: 1 });
    await iterator.return?.();
  });

  it('reconnects the listener after its connection is killed, reports a gap, and keeps delivering', async () => {
    const watcher = await open();
    const iterator = watcher.watch('reconnect')[Symbol.asyncIterator]();
    await watcher.put('reconnect/before', 1);
    expect(await next(iterator)).toMatchObject({ type: 'put', key: 'reconnect/before' });
    const killed = await sql<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM "${schema}".novacron_listeners WHERE pid <> pg_backend_pid()`,
    );
    expect(killed.length).toBeGreaterThan(0);
    expect(await next(iterator)).toMatchObject({ type: 'gap' });
    await watcher.put('reconnect/after', 2);
    expect(await next(iterator)).toEqual({ type: 'put', key: 'reconnect/after', version: 1, value: 2 });
    await iterator.return?.();
  });

  it('writers notify only while some store watches: the first watch registers, the last one ending unregisters', async () => {
    const own = uniqueSchema('listeners');
    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    try {
      const quiet = await createPostgresStore({ connectionString: POSTGRES_URL, schema: own, listen: false });
      const count = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${own}".novacron_listeners`))[0]!.n;
      // A plain LISTEN does not register, so it hears only what writers send for a store's watch.
      const heard: string[] = [];
      await raw.connect();
      raw.on('notification', (n) => heard.push((JSON.parse(n.payload!) as { k: string }).k));
      await raw.query(`LISTEN "novacron_${own}"`);
      const heardKey = async (key: string) => {
        for (let i = 0; i < 300 && !heard.includes(key); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      };
      const unregistered = async () => {
        for (let i = 0; i < 300 && (await count()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        return count();
      };

      const watcher = await createPostgresStore({ connectionString: POSTGRES_URL, schema: own });
      expect(await count()).toBe(0); // listening, but no watch yet
      await quiet.put('k/0', 'nobody watches');

      const first = watcher.watch('k')[Symbol.asyncIterator]();
      const second = new AbortController();
      const other = watcher.watch('k', { signal: second.signal })[Symbol.asyncIterator]();
      await watcher.get('k/0');
      expect(await count()).toBe(1);
      await quiet.put('k/1', 'watched');
      expect(await next(first)).toEqual({ type: 'put', key: 'k/1', version: 1, value: 'watched' });
      expect(await next(other)).toMatchObject({ key: 'k/1' });
      await first.return?.();
      await quiet.put('k/2', 'still watched by the other');
      expect(await next(other)).toMatchObject({ key: 'k/2' });
      second.abort();
      expect(await unregistered()).toBe(0);
      await quiet.put('k/3', 'nobody watches again');

      const third = watcher.watch('k')[Symbol.asyncIterator]();
      await watcher.get('k/3');
      await quiet.put('k/4', 'watched again');
      expect(await next(third)).toMatchObject({ key: 'k/4', version: 1 });
      await heardKey('k/4');
      // Notifications arrive in commit order: had k/0 or k/3 notified, they would be here.
      expect(heard).toEqual(['k/1', 'k/2', 'k/4']);
      await watcher.close();
      expect(await count()).toBe(0);
      await quiet.close();
    } finally {
      await raw.end();
      await dropSchema(own);
    }
  });

  it('sweeps the registrations of dead backends when a store opens', async () => {
    const own = uniqueSchema('sweep');
    try {
      await (await createPostgresStore({ connectionString: POSTGRES_URL, schema: own, listen: false })).close();
      await sql(`INSERT INTO "${own}".novacron_listeners (pid) VALUES (2147483000)`); // a crashed host's leftover
      await (await createPostgresStore({ connectionString: POSTGRES_URL, schema: own, listen: false })).close();
      expect(await sql(`SELECT pid FROM "${own}".novacron_listeners`)).toEqual([]);
    } finally {
      await dropSchema(own);
    }
  });

  it('a read made after watch returns sees a write that was in flight while the watch registered', async () => {
    const watcher = await open();
    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    await raw.connect();
    try {
      // This write's trigger runs before any watch exists, so it will never notify.
      await raw.query('BEGIN');
      await raw.query(`INSERT INTO "${schema}".novacron_kv (key, value, version) VALUES ('inflight/a', '1', 1)`);
      const iterator = watcher.watch('inflight')[Symbol.asyncIterator]();
      const read = watcher.get('inflight/a');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await raw.query('COMMIT');
      // The read waited for the in-flight write to end, so a watch-then-read consumer misses nothing.
      expect(await read).toMatchObject({ key: 'inflight/a', value: 1, version: 1 });
      await iterator.return?.();
    } finally {
      await raw.end();
    }
  });

  it('a watch starts with a gap when a write stays in flight too long to wait for', async () => {
    const watcher = await open();
    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    await raw.connect();
    try {
      await raw.query('BEGIN');
      await raw.query(`INSERT INTO "${schema}".novacron_kv (key, value, version) VALUES ('stuck/a', '1', 1)`);
      const iterator = watcher.watch('stuck')[Symbol.asyncIterator]();
      expect(await next(iterator)).toMatchObject({ type: 'gap' });
      await raw.query('ROLLBACK');
      await watcher.put('stuck/b', 2);
      expect(await next(iterator)).toEqual({ type: 'put', key: 'stuck/b', version: 1, value: 2 });
      await iterator.return?.();
    } finally {
      await raw.end();
    }
  });

  it('opposite-order transactions over the same keys never deadlock (rows are locked in key order)', async () => {
    // No retries: a deadlock would surface as an error instead of being hidden by a retry.
    const store = await createPostgresStore({ connectionString: POSTGRES_URL, schema, deadlockRetries: 0 });
    stores.push(store);
    const keys = ['deadlock/a', 'deadlock/b', 'deadlock/c'];
    const rounds = 25;
    for (let round = 0; round < rounds; round++) {
      await Promise.all([
        store.transaction(keys.map((key) => ({ type: 'put' as const, key, value: round }))),
        store.transaction([...keys].reverse().map((key) => ({ type: 'put' as const, key, value: -round }))),
      ]);
    }
    for (const key of keys) expect((await store.get(key))?.version).toBe(2 * rounds);
  });

  it('keeps lease expiry on the server clock', async () => {
    const store = await open();
    const [{ now }] = (await sql<{ now: Date }>('SELECT clock_timestamp() AS now')) as [{ now: Date }];
    const lease = (await store.acquireLease('clock/leader', 'a', 3_600_000))!;
    // An hour-long lease ends an hour after the server's now, whatever this process's clock says.
    const drift = lease.expiresAt.getTime() - now.getTime() - 3_600_000;
    expect(Math.abs(drift)).toBeLessThan(60_000);
  });
});
