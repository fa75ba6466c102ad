/**
 * The PostgreSQL store's schema and its migrations. Each migration runs once per schema, in
 * order, recorded in `novacron_schema_version`, under an advisory lock so that replicas starting
 * together migrate once; a future release appends to {@link POSTGRES_MIGRATIONS}, never edits it.
 */
import type { PoolClient } from 'pg';
import { InvalidSpecError } from '../../provider/errors.js';

/** Lowercase identifier rules; short enough that `novacron_<schema>` is a valid channel name (63 bytes). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Throws `InvalidSpecError` unless `schema` is a safe schema name, and returns it quoted for SQL. */
export function quoteSchema(schema: unknown): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new InvalidSpecError({
      issues: [{ field: 'schema', message: 'must be 1-48 characters of lowercase letters, digits and "_", not starting with a digit' }],
    });
  }
  // Validated above, so quoting is belt and braces: the name can hold no quote to escape.
  return `"${schema}"`;
}

/** The NOTIFY channel of a schema (the trigger builds the same name from TG_TABLE_SCHEMA). */
export function channelName(schema: string): string {
  return `novacron_${schema}`;
}

/** Largest NOTIFY payload we send with the value inline; PostgreSQL's limit is 8000 bytes. */
export const INLINE_PAYLOAD_LIMIT = 7900;

/** Schema migrations, in order; each receives the quoted schema name. */
export const POSTGRES_MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.novacron_kv (
      key text COLLATE "C" PRIMARY KEY,
      value json NOT NULL,
      version bigint NOT NULL
    );
    CREATE TABLE ${s}.novacron_leases (
      name text COLLATE "C" PRIMARY KEY,
      holder text,
      fencing_token bigint NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE FUNCTION ${s}.novacron_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      payload text;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        payload := json_build_object('o', 'd', 'k', OLD.key, 'v', OLD.version)::text;
      ELSE
        payload := json_build_object('o', 'p', 'k', NEW.key, 'v', NEW.version, 'd', NEW.value)::text;
        IF octet_length(payload) > ${INLINE_PAYLOAD_LIMIT} THEN
          -- Too large for NOTIFY: the listener fetches the value itself.
          payload := json_build_object('o', 'p', 'k', NEW.key, 'v', NEW.version)::text;
        END IF;
      END IF;
      PERFORM pg_notify('novacron_' || TG_TABLE_SCHEMA, payload);
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER novacron_kv_notify AFTER INSERT OR UPDATE OR DELETE ON ${s}.novacron_kv
      FOR EACH ROW EXECUTE FUNCTION ${s}.novacron_notify_change();
  `,
  // NOTIFY serializes committing transactions on a cluster-wide lock, which halves concurrent
  // write throughput. Listeners now register their backend pid, and writes notify only while
  // at least one is registered.
  (s) => `
    CREATE TABLE ${s}.novacron_listeners (
      pid integer PRIMARY KEY,
      registered_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE OR REPLACE FUNCTION ${s}.novacron_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      payload text;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM ${s}.novacron_listeners) THEN
        RETURN NULL;
      END IF;
      IF TG_OP = 'DELETE' THEN
        payload := json_build_object('o', 'd', 'k', OLD.key, 'v', OLD.version)::text;
      ELSE
        payload := json_build_object('o', 'p', 'k', NEW.key, 'v', NEW.version, 'd', NEW.value)::text;
        IF octet_length(payload) > ${INLINE_PAYLOAD_LIMIT} THEN
          payload := json_build_object('o', 'p', 'k', NEW.key, 'v', NEW.version)::text;
        END IF;
      END IF;
      PERFORM pg_notify('novacron_' || TG_TABLE_SCHEMA, payload);
      RETURN NULL;
    END
    $fn$;
  `,
];

/**
 * Deletes the registrations of backends that no longer exist (a crashed host never
 * unregisters), so that writers stop notifying for a listener that is gone.
 */
export function sweepListenersSql(quotedSchema: string): string {
  return `DELETE FROM ${quotedSchema}.novacron_listeners WHERE pid NOT IN (SELECT pid FROM pg_stat_activity)`;
}

/** Statements a listening connection runs after LISTEN: sweep dead registrations, then register itself. */
export function registerListenerSql(quotedSchema: string): string {
  return `${sweepListenersSql(quotedSchema)};
          INSERT INTO ${quotedSchema}.novacron_listeners (pid) VALUES (pg_backend_pid()) ON CONFLICT (pid) DO NOTHING`;
}

/**
 * Run after registering: waits until every write transaction in flight has ended. A writer
 * whose trigger ran before the registration committed sent no notification; once this returns,
 * each such write is committed, so a read made afterwards sees it. SHARE mode conflicts only
 * with writers (ROW EXCLUSIVE), and is released at once. Bounded by `lock_timeout`.
 */
export function drainWritersSql(quotedSchema: string, timeoutMs: number): string {
  return `BEGIN; SET LOCAL lock_timeout = ${Math.trunc(timeoutMs)}; LOCK TABLE ${quotedSchema}.novacron_kv IN SHARE MODE; COMMIT`;
}

/** Statement a listening connection runs when it stops listening. */
export function unregisterListenerSql(quotedSchema: string): string {
  return `DELETE FROM ${quotedSchema}.novacron_listeners WHERE pid = pg_backend_pid()`;
}

/**
 * Creates the schema if needed and applies pending migrations in one transaction. Throws when
 * the schema was migrated by a newer release than this one.
 */
export async function migrateSchema(client: PoolClient, schema: string): Promise<number> {
  const s = quoteSchema(schema);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`novacron.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.novacron_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ v: number }>(`SELECT coalesce(max(version), 0)::int AS v FROM ${s}.novacron_schema_version`);
    const applied = rows[0]!.v;
    if (applied > POSTGRES_MIGRATIONS.length) {
      throw new InvalidSpecError({
        issues: [{ field: 'schema', message: `schema "${schema}" is at version ${applied}, newer than this release knows (${POSTGRES_MIGRATIONS.length})` }],
      });
    }
    for (let i = applied; i < POSTGRES_MIGRATIONS.length; i++) {
      await client.query(POSTGRES_MIGRATIONS[i]!(s));
      await client.query(`INSERT INTO ${s}.novacron_schema_version (version) VALUES ($1)`, [i + 1]);
    }
    await client.query('COMMIT');
    return POSTGRES_MIGRATIONS.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
