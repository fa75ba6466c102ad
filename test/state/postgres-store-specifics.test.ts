import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError, ProviderUnavailableError } from '../../src/provider/errors.js';
import type { StateStore, WatchEvent } from '../../src/state/index.js';
import { createPostgresStore, POSTGRES_MIGRATIONS } from '../../src/state/postgres/index.js';
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

  it('registers listening connections so writers notify only while someone listens, and sweeps registrations of dead backends', async () => {
    const own = uniqueSchema('listeners');
    try {
      const quiet = await createPostgresStore({ connectionString: POSTGRES_URL, schema: own, listen: false });
      const count = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${own}".novacron_listeners`))[0]!.n;
      expect(await count()).toBe(0);
      await sql(`INSERT INTO "${own}".novacron_listeners (pid) VALUES (2147483000)`); // a crashed host's leftover
      const watcher = await createPostgresStore({ connectionString: POSTGRES_URL, schema: own });
      const pids = await sql<{ pid: number }>(`SELECT pid FROM "${own}".novacron_listeners`);
      expect(pids.map((p) => p.pid)).not.toContain(2147483000);
      expect(pids).toHaveLength(1);
      const iterator = watcher.watch('k')[Symbol.asyncIterator]();
      await quiet.put('k/1', 'from a store that does not listen');
      expect(await next(iterator)).toEqual({ type: 'put', key: 'k/1', version: 1, value: 'from a store that does not listen' });
      await watcher.close();
      expect(await count()).toBe(0);
      await quiet.close();
    } finally {
      await dropSchema(own);
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
