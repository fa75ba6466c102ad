/**
 * `novacron/sqlite`: the embedded, single-file state store over better-sqlite3 12.x.
 *
 * @packageDocumentation
 */
export { createSqliteStore, type SqliteStoreOptions, type SqliteDatabase, type SqliteDatabaseConstructor } from './sqlite-store.js';
