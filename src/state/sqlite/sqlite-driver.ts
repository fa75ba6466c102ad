/**
 * The part of better-sqlite3 the SQLite store uses, declared here so that the package's types
 * need no `@types/better-sqlite3` (better-sqlite3 ships none): a host under strict TypeScript
 * imports `novacron/sqlite` without extra type packages, and a real better-sqlite3 `Database`
 * fits these shapes.
 */

/** What a write statement reports. */
export interface SqliteRunResult {
  /** Rows the statement changed. */
  readonly changes: number;
}

/** A prepared statement: `P` its bound parameters, `R` a result row. */
export interface SqliteStatement<P extends unknown[] = unknown[], R = unknown> {
  /** Runs a write; `changes` is the number of rows it changed. */
  run(...params: P): SqliteRunResult;
  /** The first row, `undefined` when there is none. */
  get(...params: P): R | undefined;
  /** Every row. */
  all(...params: P): R[];
}

/**
 * A function run in one transaction, as better-sqlite3's `db.transaction(fn)` returns it.
 * @typeParam F The wrapped function.
 */
export interface SqliteTransaction<F extends (...args: never[]) => unknown> {
  /** Runs `fn` in a `BEGIN` … `COMMIT` transaction. */
  (...args: Parameters<F>): ReturnType<F>;
  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction (takes the write lock at once). */
  immediate(...args: Parameters<F>): ReturnType<F>;
}

/** An open database (better-sqlite3's `Database`). */
export interface SqliteDatabase {
  /** Prepares a statement (the store types its parameters and rows itself). */
  prepare(source: string): SqliteStatement;
  /** Runs SQL text without results. */
  exec(source: string): unknown;
  /** Reads or sets a PRAGMA. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps `fn` in a transaction (the store types its arguments itself). */
  transaction(fn: (...args: never[]) => unknown): SqliteTransaction<(...args: never[]) => unknown>;
  /** Closes the database. */
  close(): unknown;
}

/** The better-sqlite3 `Database` class (the module's default export). */
export type SqliteDatabaseConstructor = new (path: string, options?: { timeout?: number }) => SqliteDatabase;
