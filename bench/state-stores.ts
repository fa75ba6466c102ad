/**
 * State-store figures: single-key compare-and-swap puts per second, and the time to `list`
 * 100,000 keys, for the memory, SQLite and PostgreSQL stores (PostgreSQL also with 8
 * concurrent clients). Medians of several runs. Creates and drops its own SQLite file and
 * PostgreSQL schema, and exits by itself.
 *
 *   node --import tsx bench/state-stores.ts
 *
 * PostgreSQL URL: NOVACRON_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createMemoryStore, type StateStore } from '../src/state/index.js';
import { createPostgresStore } from '../src/state/postgres/index.js';
import { createSqliteStore } from '../src/state/sqlite/index.js';

const POSTGRES_URL = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LIST_KEYS = 100_000;
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One writer doing `n` CAS puts on one key, each at the version the last returned. */
async function casLoop(store: StateStore, key: string, n: number): Promise<void> {
  let version = await store.put(key, { n: 0 });
  for (let i = 1; i <= n; i++) version = await store.put(key, { n: i }, { expectedVersion: version });
}

/** CAS puts per second with `writers` concurrent writers, each on its own key; median of RUNS. */
async function casPutsPerSecond(store: StateStore, label: string, perWriter: number, writers = 1): Promise<number> {
  await casLoop(store, `bench/${label.replaceAll(/[^a-z0-9]+/gi, "-")}/warmup`, Math.min(500, perWriter)); // prepare statements, fill caches
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await Promise.all(Array.from({ length: writers }, (_, w) => casLoop(store, `bench/${label.replaceAll(/[^a-z0-9]+/gi, "-")}/r${run}/w${w}`, perWriter)));
    rates.push((writers * perWriter) / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

/** Milliseconds to list every key under `prefix` (checking the count); median of RUNS. */
async function listMs(store: StateStore, prefix: string, expected: number): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    let count = 0;
    for await (const _ of store.list(prefix)) count++;
    times.push(performance.now() - start);
    if (count !== expected) throw new Error(`listed ${count} keys, expected ${expected}`);
  }
  return median(times);
}

const listKey = (i: number): string => `list/${String(i).padStart(6, '0')}`;

async function fillByTransactions(store: StateStore): Promise<void> {
  for (let i = 0; i < LIST_KEYS; i += 1000) {
    await store.transaction(Array.from({ length: 1000 }, (_, j) => ({ type: 'put' as const, key: listKey(i + j), value: { i: i + j, name: `vm-${i + j}` } })));
  }
}

const rows: string[][] = [];
function report(store: string, measure: string, value: string, goal: string): void {
  rows.push([store, measure, value, goal]);
  console.log(`${store.padEnd(10)} ${measure.padEnd(50)} ${value.padStart(14)}   ${goal}`);
}

async function benchMemory(): Promise<void> {
  const store = createMemoryStore();
  report('memory', 'CAS puts/s (1 writer, single key)', (await casPutsPerSecond(store, 'mem', 50_000)).toFixed(0), '');
  await fillByTransactions(store);
  report('memory', `list ${LIST_KEYS} keys (ms)`, (await listMs(store, 'list', LIST_KEYS)).toFixed(1), 'goal < 1000');
  await store.close();
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'novacron-bench-'));
  try {
    for (const synchronous of ['normal', 'full'] as const) {
      const store = await createSqliteStore({ path: join(dir, `bench-${synchronous}.db`), synchronous });
      const goal = synchronous === 'normal' ? 'goal >= 20000' : '(power-loss durable)';
      report('sqlite', `CAS puts/s (1 writer, synchronous=${synchronous})`, (await casPutsPerSecond(store, 'sqlite', synchronous === 'normal' ? 20_000 : 1_000)).toFixed(0), goal);
      if (synchronous === 'normal') {
        await fillByTransactions(store);
        report('sqlite', `list ${LIST_KEYS} keys (ms)`, (await listMs(store, 'list', LIST_KEYS)).toFixed(1), 'goal < 1000');
      }
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<void> {
  const schema = `novacron_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    // The durable default; asynchronous commit (PostgresStoreOptions.synchronousCommit); and
    // asynchronous commit with no watcher registered, so that writes send no NOTIFY.
    const configs = [
      { label: 'default', synchronousCommit: 'on', listen: true },
      { label: 'sync_commit=off', synchronousCommit: 'off', listen: true },
      { label: 'sync_commit=off, no listener', synchronousCommit: 'off', listen: false },
    ] as const;
    for (const c of configs) {
      const s = await createPostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 8, synchronousCommit: c.synchronousCommit, listen: c.listen });
      try {
        // Fewer operations where each commit waits for fsync, so the run stays short on slow disks.
        const scale = c.synchronousCommit === 'on' ? 1 : 3;
        report('postgres', `CAS puts/s, 1 writer (${c.label})`, (await casPutsPerSecond(s, `pg1${c.label}`, 1_000 * scale)).toFixed(0), 'goal >= 2000');
        report('postgres', `CAS puts/s, 8 clients (${c.label})`, (await casPutsPerSecond(s, `pg8${c.label}`, 300 * scale, 8)).toFixed(0), 'goal >= 6000');
      } finally {
        await s.close();
      }
    }
    const store = await createPostgresStore({ connectionString: POSTGRES_URL, schema });
    try {
      // Fill in one statement: the setup is not what is measured.
      await admin.query(
        `INSERT INTO "${schema}".novacron_kv (key, value, version)
         SELECT 'list/' || lpad(i::text, 6, '0'), json_build_object('i', i, 'name', 'vm-' || i), 1 FROM generate_series(0, $1 - 1) AS i`,
        [LIST_KEYS],
      );
      report('postgres', `list ${LIST_KEYS} keys (ms)`, (await listMs(store, 'list', LIST_KEYS)).toFixed(1), 'goal < 1000');
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

console.log(`novacron state-store benchmark: node ${process.version}, medians of ${RUNS} runs\n`);
await benchMemory();
await benchSqlite();
await benchPostgres();
