/**
 * `novacron/sqlite`: the embedded, single-file state store over better-sqlite3 (12.x on Node 20;
 * 13.x on Node 22 and later, where 12.x can abort the process when statements are collected).
 *
 * @module novacron/sqlite
 * @packageDocumentation
 */
export { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export type { SqliteDatabase, SqliteDatabaseConstructor, SqliteRunResult, SqliteStatement, SqliteTransaction } from './sqlite-driver.js';
