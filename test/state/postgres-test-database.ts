/** The PostgreSQL database the tests use: a unique schema per run, dropped afterwards. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** Connection string of the test database. */
export const POSTGRES_URL = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other run uses. */
export function uniqueSchema(label: string): string {
  return `novacron_test_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** Runs one SQL statement on a short-lived connection. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
