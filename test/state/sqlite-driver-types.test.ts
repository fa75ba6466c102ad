/**
 * The SQLite store declares the better-sqlite3 shapes it uses itself (the package's types need
 * no @types/better-sqlite3); a real better-sqlite3 class and database fit them.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteDatabase, type SqliteDatabaseConstructor } from '../../src/state/sqlite/index.js';

describe('SQLite driver shapes', () => {
  it('accepts a real better-sqlite3 class and an open database', async () => {
    const driver: SqliteDatabaseConstructor = BetterSqlite3;
    const database: SqliteDatabase = new BetterSqlite3(':memory:');
    const store = await createSqliteStore({ database });
    await store.put('k', { v: 1 });
    expect((await store.get('k'))?.value).toEqual({ v: 1 });
    await store.close();
    database.close();
    expect(typeof driver).toBe('function');
  });
});
