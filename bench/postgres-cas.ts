/**
 * PostgreSQL compare-and-swap throughput with 1 and 8 concurrent clients, against a baseline of
 * bare autocommit `UPDATE t SET v = v + 1 WHERE id = $1` statements sent with `pg` directly to
 * the same database. Each client writes its own key (its own row), so nothing the clients share
 * in the data can serialize them: with fsync on one disk, group commit should still let 8
 * clients go well past 1, and a store that does not reach the bare ratio serializes somewhere.
 *
 *   node --import tsx bench/postgres-cas.ts [--seconds 3] [--runs 5] [--waits] [--synchronous-commit off] [--case watched]
 *
 * Cases: bare UPDATE; store CAS with one store per client and with one shared store (its pool);
 * the same two with fenced writes (each client holds its own lease); and one store per client
 * while another store watches, so that every write must notify. Each figure is the median of
 * `--runs` runs of `--seconds` each. `--waits` samples pg_stat_activity during the runs and
 * prints what the clients' backends wait on; `--synchronous-commit off` is a diagnosis (if the
 * ratio stays at 1 without fsync waits, the serialization is not the disk); `--case` runs only
 * the cases whose label contains the text (and the baseline).
 *
 * PostgreSQL URL: NOVACRON_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test.
 * Creates and drops its own schema, and exits by itself.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { StateStore } from '../src/state/index.js';
import { createPostgresStore, type PostgresStoreOptions } from '../src/state/postgres/index.js';

const POSTGRES_URL = process.env.NOVACRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const APPLICATION_NAME = 'novacron-bench-cas';
const CLIENT_COUNTS = [1, 8] as const;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '5' },
    waits: { type: 'boolean', default: false },
    'synchronous-commit': { type: 'string', default: 'on' },
    case: { type: 'string', multiple: true },
  },
});
const SECONDS = Number(args.seconds);
const RUNS = Number(args.runs);
const synchronousCommit = args['synchronous-commit'] === 'off' ? 'off' : 'on';

/** One client's write loop: `write` performs one operation. */
interface BenchClient {
  write(): Promise<void>;
}

/** A benchmark case: opens `n` clients, and closes what it opened. */
interface BenchCase {
  readonly label: string;
  open(n: number): Promise<{ clients: BenchClient[]; close: () => Promise<void> }>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Every client writes as fast as it can until the deadline; returns operations per second. */
async function opsPerSecond(clients: readonly BenchClient[], seconds: number): Promise<number> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let ops = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        await client.write();
        ops++;
      }
    }),
  );
  return ops / ((performance.now() - start) / 1000);
}

/** Counts what the bench's backends wait on, sampled every few milliseconds, per measured case. */
class WaitSampler {
  readonly #client = new pg.Client({ connectionString: POSTGRES_URL });
  readonly #counts = new Map<string, Map<string, number>>();
  #measuring: string | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  async start(): Promise<void> {
    await this.#client.connect();
    this.#running = this.#loop();
  }

  /** Attributes the following samples to `label`, or to nothing. */
  measuring(label: string | undefined): void {
    this.#measuring = label;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const label = this.#measuring;
      if (label !== undefined) {
        const { rows } = await this.#client.query<{ wait: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU / in flight') AS wait
             FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`,
          [APPLICATION_NAME],
        );
        const counts = this.#counts.get(label) ?? new Map<string, number>();
        this.#counts.set(label, counts);
        for (const { wait } of rows) counts.set(wait, (counts.get(wait) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
    await this.#client.end();
  }

  /** The most frequent waits of `label`, as shares of its sampled active backends. */
  summary(label: string): string {
    const counts = [...(this.#counts.get(label) ?? [])];
    const samples = counts.reduce((sum, [, n]) => sum + n, 0);
    const top = counts.sort((a, b) => b[1] - a[1]).slice(0, 4);
    return top.map(([wait, n]) => `${wait} ${((100 * n) / Math.max(1, samples)).toFixed(0)}%`).join(', ');
  }
}

function withApplicationName(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', APPLICATION_NAME);
  return parsed.toString();
}

const benchUrl = withApplicationName(POSTGRES_URL);
const schema = `novacron_bench_cas_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

function storeOptions(extra: Partial<PostgresStoreOptions> = {}): PostgresStoreOptions {
  return { connectionString: benchUrl, schema, synchronousCommit, ...extra };
}

/** A client doing CAS puts on its own key, each at the version the previous one returned. */
async function casClient(store: StateStore, key: string, fencing?: { lease: string; token: number }): Promise<BenchClient> {
  let version = await store.put(key, { n: 0 }, { fencing });
  let n = 0;
  return {
    async write() {
      version = await store.put(key, { n: ++n }, { expectedVersion: version, fencing });
    },
  };
}

/** A client holding its own lease, doing fenced CAS puts on its own key. */
async function fencedClient(store: StateStore, id: string): Promise<BenchClient> {
  const lease = await store.acquireLease(`bench/${id}`, id, 600_000);
  if (lease === null) throw new Error(`lease bench/${id} is held by someone else`);
  return casClient(store, `bench/${id}`, { lease: lease.name, token: lease.fencingToken });
}

let opened = 0;
const nextId = (): string => `c${opened++}`;

/** Store cases: `shared` puts every client on one store (and its pool), else each has its own. */
function storeCase(label: string, shared: boolean, makeClient: (store: StateStore, id: string) => Promise<BenchClient>, watched = false): BenchCase {
  return {
    label,
    async open(n) {
      const stores = await Promise.all(
        Array.from({ length: shared ? 1 : n }, () => createPostgresStore(storeOptions(shared ? { maxConnections: Math.max(10, n) } : {}))),
      );
      // A watcher on another store: writes must then reach it, so they notify.
      const watcher = watched ? await createPostgresStore(storeOptions()) : undefined;
      const abort = new AbortController();
      const watching = watcher === undefined ? undefined : drain(watcher.watch('bench', { signal: abort.signal }));
      await watcher?.get('bench/none'); // returns once the watch is registered, so every write below notifies
      const clients = await Promise.all(Array.from({ length: n }, (_, i) => makeClient(stores[shared ? 0 : i]!, nextId())));
      return {
        clients,
        async close() {
          abort.abort();
          await watching;
          await Promise.all([...stores, ...(watcher === undefined ? [] : [watcher])].map((s) => s.close()));
        },
      };
    },
  };
}

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  try {
    for await (const _ of events);
  } catch {
    // Aborted: the case is over.
  }
}

const bareCase: BenchCase = {
  label: 'bare UPDATE (pg, autocommit)',
  async open(n) {
    const clients = Array.from(
      { length: n },
      () => new pg.Client({ connectionString: benchUrl, ...(synchronousCommit === 'off' ? { options: '-c synchronous_commit=off' } : {}) }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    const ids = Array.from({ length: n }, () => opened++);
    await clients[0]!.query(`INSERT INTO "${schema}".bare_counter (id, v) SELECT unnest($1::int[]), 0`, [ids]);
    return {
      clients: clients.map((c, i) => ({
        async write() {
          await c.query({ name: 'bump', text: `UPDATE "${schema}".bare_counter SET v = v + 1 WHERE id = $1`, values: [ids[i]] });
        },
      })),
      close: async () => void (await Promise.all(clients.map((c) => c.end()))),
    };
  },
};

const allCases: BenchCase[] = [
  bareCase,
  storeCase('store CAS, one store per client', false, (s, id) => casClient(s, `bench/${id}`)),
  storeCase('store CAS, one shared store', true, (s, id) => casClient(s, `bench/${id}`)),
  storeCase('store fenced CAS, one store per client', false, fencedClient),
  storeCase('store fenced CAS, one shared store', true, fencedClient),
  storeCase('store CAS, one store per client, watched', false, (s, id) => casClient(s, `bench/${id}`), true),
];
// The baseline always runs: every ratio is taken against it.
const cases = allCases.filter((c, i) => i === 0 || args.case === undefined || args.case.some((wanted) => c.label.includes(wanted)));

interface Figures {
  label: string;
  rates: Map<number, number[]>;
}

const sampler = args.waits ? new WaitSampler() : undefined;
const sampleLabel = (label: string, n: number): string => `${label}, ${n} client(s)`;

/** One run of one case with `n` clients: opens them, warms up, measures, closes. */
async function measureOnce(c: BenchCase, n: number): Promise<number> {
  const { clients, close } = await c.open(n);
  try {
    await opsPerSecond(clients, Math.min(0.5, SECONDS)); // warm-up: connections, prepared statements
    sampler?.measuring(sampleLabel(c.label, n));
    const rate = await opsPerSecond(clients, SECONDS);
    sampler?.measuring(undefined);
    return rate;
  } finally {
    await close();
  }
}

/** Runs are interleaved across cases, so that the disk's drift over time hits every case alike. */
async function measureAll(): Promise<Figures[]> {
  const all: Figures[] = cases.map((c) => ({ label: c.label, rates: new Map(CLIENT_COUNTS.map((n) => [n, []])) }));
  for (let run = 0; run < RUNS; run++) {
    for (const [i, c] of cases.entries()) {
      for (const n of CLIENT_COUNTS) all[i]!.rates.get(n)!.push(await measureOnce(c, n));
    }
    console.log(`  run ${run + 1}/${RUNS} done`);
  }
  return all;
}

function printFigures(all: readonly Figures[]): void {
  const rate = (f: Figures, n: number): number => median(f.rates.get(n)!);
  const bare = all[0]!;
  console.log(`\n${'case'.padEnd(44)} ${'1 client'.padStart(9)} ${'8 clients'.padStart(10)} ${'8 vs 1'.padStart(7)} ${'vs bare (1)'.padStart(12)} ${'vs bare (8)'.padStart(12)}`);
  for (const f of all) {
    const one = rate(f, 1);
    const eight = rate(f, 8);
    console.log(
      `${f.label.padEnd(44)} ${one.toFixed(0).padStart(9)} ${eight.toFixed(0).padStart(10)} ${`${(eight / one).toFixed(2)}x`.padStart(7)} ` +
        `${(one / rate(bare, 1)).toFixed(2).padStart(12)} ${(eight / rate(bare, 8)).toFixed(2).padStart(12)}`,
    );
  }
  if (args.waits) {
    console.log('\nwaits of the active backends (share of samples):');
    for (const f of all) for (const n of CLIENT_COUNTS) console.log(`  ${sampleLabel(f.label, n)}: ${sampler?.summary(sampleLabel(f.label, n))}`);
  }
}

const admin = new pg.Client({ connectionString: POSTGRES_URL });
await admin.connect();
try {
  const settings = await admin.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'wal_sync_method', 'commit_delay')`,
  );
  console.log(
    `PostgreSQL CAS throughput: node ${process.version}, ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}, ` +
      `synchronous_commit=${synchronousCommit}; ops/s, medians of ${RUNS} runs of ${SECONDS} s`,
  );
  // The store's schema first (its migrations create it), then the baseline's table beside it.
  await (await createPostgresStore(storeOptions({ listen: false }))).close();
  await admin.query(`CREATE TABLE "${schema}".bare_counter (id integer PRIMARY KEY, v bigint NOT NULL)`);
  await sampler?.start();
  try {
    printFigures(await measureAll());
  } finally {
    await sampler?.stop();
  }
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
