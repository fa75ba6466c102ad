/**
 * The migration crash matrix: a child process migrating a VM between two memory providers is
 * SIGKILLed right after each step event of the migration's record (every step recorded `started`,
 * the import's VM id recorded, every step settled, the operation finished), in turn; a fresh child
 * then calls resumeMigrations(). After every kill point exactly one VM serves — the source when
 * the migration rolled back, the target when it went through — nothing of the target, no image
 * and no lock is left behind a rollback, and the record says what happened.
 *
 * Two scenarios: a migration that goes through (grace period 0, so the resume deletes the source),
 * and one whose target fails its health check, so that every kill point of the rollback is hit too.
 * The clouds (and their shared image store) live in this process behind the HTTP bridge of
 * remote-provider.ts, so their state survives the kill; the state store is a SQLite file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryImageStore, createMemoryProvider, type MemoryImageStore, type MemoryProvider } from '../../../src/index.js';
import { FederationManager } from '../../../src/federation/index.js';
import type { MigrationRecord } from '../../../src/federation/migration/migration-types.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { ProviderHost } from '../safety/remote-provider.js';
import { switchLines, trafficGoesTo } from './file-traffic-switcher.js';
import { ImageStoreView } from './image-store-view.js';
import type { MigrationChildConfig, MigrationChildResult } from './migration-crash-child.js';
import { keysUnder, liveVMs } from './migration-fixtures.js';
import { runTsxChild, type ChildRun } from '../safety/tsx-child.js';

const CHILD = fileURLToPath(new URL('./migration-crash-child.ts', import.meta.url));
const CHILD_TIMEOUT_MS = 60_000;
const PARALLEL_CELLS = 4;
/** Both children of a cell are one replica restarted, so the killed one's leases are taken over at once. */
const REPLICA = 'migration-crash-replica';

/** The step events of an uninterrupted run, in order: the kill points. */
const SCENARIOS = {
  through: {
    label: 'goes through',
    healthy: true,
    final: 'succeeded',
    events: [
      'operation:running',
      'lock:started',
      'lock:succeeded',
      'stop-source:started',
      'stop-source:succeeded',
      'export:started',
      'export:succeeded',
      'import:started',
      'import:provisioned',
      'import:succeeded',
      'verify:started',
      'verify:succeeded',
      'switch:started',
      'switch:succeeded',
      'grace:started',
      'grace:succeeded',
      'delete-source:started',
      'delete-source:succeeded',
      'release-lock:started',
      'release-lock:succeeded',
      'cleanup:started',
      'cleanup:succeeded',
      'operation:succeeded',
    ],
  },
  rollback: {
    label: 'health check fails',
    healthy: false,
    final: 'rolled-back',
    events: [
      'operation:running',
      'lock:started',
      'lock:succeeded',
      'stop-source:started',
      'stop-source:succeeded',
      'export:started',
      'export:succeeded',
      'import:started',
      'import:provisioned',
      'import:succeeded',
      'verify:started',
      'verify:failed',
      'rollback:started',
      'restart-source:started',
      'restart-source:succeeded',
      'delete-target:started',
      'delete-target:succeeded',
      'cleanup:started',
      'cleanup:succeeded',
      'release-lock:started',
      'release-lock:succeeded',
      'rollback:succeeded',
      'operation:failed',
    ],
  },
} as const;
type ScenarioName = keyof typeof SCENARIOS;

/** The clouds of one cell, in this process. */
class CellClouds {
  readonly images: MemoryImageStore = createMemoryImageStore();
  readonly a: MemoryProvider;
  readonly b: MemoryProvider;
  private host: ProviderHost | undefined;

  constructor() {
    const common = { provisioningDelayMs: 20, imageStore: this.images };
    this.a = createMemoryProvider({ name: 'mem-a', ...common });
    this.b = createMemoryProvider({ name: 'mem-b', ...common });
  }

  async start(): Promise<string> {
    const view = new ImageStoreView(this.images, ['mem-a', 'mem-b']);
    this.host = await ProviderHost.start([this.a, this.b], [{ store: view, claims: view.claims, strip: '' }]);
    return this.host.url;
  }

  async close(): Promise<void> {
    await this.host?.close();
  }
}

function runChild(config: MigrationChildConfig): Promise<ChildRun> {
  return runTsxChild(CHILD, config, { timeoutMs: CHILD_TIMEOUT_MS, describe: `migration-crash-child (kill ${config.kill ?? 'none'})` });
}

function eventsOf(run: ChildRun): string[] {
  return run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{"event":'))
    .map((l) => (JSON.parse(l) as { event: string }).event);
}

function resultOf(run: ChildRun): MigrationChildResult | undefined {
  const last = run.stdout.trim().split('\n').at(-1);
  return last ? (JSON.parse(last) as MigrationChildResult) : undefined;
}

function describeResult(r: MigrationChildResult | undefined, run: ChildRun): string {
  if (!r) return `exit ${run.code ?? run.signal}`;
  if (!r.ok) return `threw ${r.error.code ?? r.error.name}${r.error.status ? ` (${r.error.status})` : ''}`;
  if (r.mode === 'migrate') return r.status;
  return r.resumed.map((x) => `${x.outcome} ${x.status}`).join(', ') || 'nothing to resume';
}

/** At most `n` bodies at once. */
function limiter(n: number): <T>(body: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (body) => {
    if (running >= n) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await body();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

interface MatrixRow {
  cell: string;
  scenario: string;
  kill: string;
  first: string;
  resume: string;
  record: string;
  serving: string;
  left: string;
  seconds: string;
  result: string;
}
const matrix: MatrixRow[] = [];
const inTurn = limiter(PARALLEL_CELLS);
const started = Date.now();

function printMatrix(rows: readonly MatrixRow[]): void {
  const head: MatrixRow = {
    cell: 'cell',
    scenario: 'scenario',
    kill: 'SIGKILL right after',
    first: 'first child',
    resume: 'fresh child: resumeMigrations()',
    record: 'record',
    serving: 'serving (traffic → running VM)',
    left: 'left behind (VMs / images / locks)',
    seconds: 'children s',
    result: 'result',
  };
  const cols = Object.keys(head) as (keyof MatrixRow)[];
  const width = (c: keyof MatrixRow): number => Math.max(...[head, ...rows].map((r) => r[c].length));
  const line = (r: MatrixRow): string => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  const order = [...rows].sort((x, y) => x.cell.localeCompare(y.cell, 'en', { numeric: true }));
  console.log(
    [
      `migration crash matrix (SIGKILL after each step event of migrateVM mem-a → mem-b, then a fresh process calls resumeMigrations()), ${((Date.now() - started) / 1000).toFixed(1)} s`,
      line(head),
      `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`,
      ...order.map(line),
    ].join('\n'),
  );
}

afterAll(() => printMatrix(matrix));

/** Runs the migration in a cell, the first child killed at `kill` (none: the reference run). */
async function playCell(scenario: ScenarioName, kill: string | undefined, row: MatrixRow | undefined): Promise<{ events: string[]; record: MigrationRecord }> {
  const s = SCENARIOS[scenario];
  const dir = await mkdtemp(join(tmpdir(), 'novacron-migration-crash-'));
  const clouds = new CellClouds();
  try {
    const url = await clouds.start();
    const source = await clouds.a.createVM({ name: 'svc', cpu: 2, memory: 4 });
    const base: MigrationChildConfig = {
      dbPath: join(dir, 'state.db'),
      replicaId: REPLICA,
      hostUrl: url,
      providers: ['mem-a', 'mem-b'],
      imageStore: 'memory-images',
      switchLog: join(dir, 'traffic.jsonl'),
      healthy: s.healthy,
      mode: 'migrate',
      idempotencyKey: `crash-${scenario}-${kill ?? 'none'}`,
      source: { provider: 'mem-a', id: source.id },
      target: { provider: 'mem-b' },
    };

    // 1. The child that dies at the kill point.
    const first = await runChild({ ...base, kill });
    const events = eventsOf(first);
    if (row) row.first = first.signal ? `${first.signal} after ${events.length} events` : `${describeResult(resultOf(first), first)} (not killed)`;
    if (kill !== undefined) {
      expect(first.signal, `the first child should have been killed after ${kill}; stdout ${first.stdout}; stderr:\n${first.stderr}`).toBe('SIGKILL');
      // The harness is only as good as its kill points: the child died exactly there.
      expect(events, 'events up to the kill').toEqual(s.events.slice(0, s.events.indexOf(kill as never) + 1));
    } else {
      expect(first.code, first.stderr).toBe(0);
    }

    // 2. A fresh process resumes whatever is unfinished.
    const second = await runChild({ ...base, mode: 'resume' });
    if (row) {
      row.resume = describeResult(resultOf(second), second);
      row.seconds = `${(first.ms / 1000).toFixed(1)} + ${(second.ms / 1000).toFixed(1)}`;
    }
    expect(second.code, `the resume should run; stdout ${second.stdout}; stderr:\n${second.stderr}`).toBe(0);
    expect(resultOf(second)?.ok, second.stdout).toBe(true);

    // 3. The record says how it ended.
    const store = await createSqliteStore({ path: base.dbPath });
    let record: MigrationRecord;
    let locks: string[];
    try {
      const reader = new FederationManager({ providers: [clouds.a, clouds.b], stateStore: store });
      const all: MigrationRecord[] = [];
      for await (const m of reader.listMigrations()) all.push(m);
      expect(all, 'one migration record').toHaveLength(1);
      record = all[0]!;
      locks = await keysUnder(store, 'migration-locks');
    } finally {
      await store.close();
    }
    if (row) row.record = `${record.status}, ${record.steps.length} steps${record.leftovers.length ? `, ${record.leftovers.length} note` : ''}`;
    expect(record.status, JSON.stringify(record.steps)).toBe(s.final);

    // 4. Exactly one VM serves: the one traffic goes to, running; nothing else lives.
    const to = trafficGoesTo(base.switchLog) ?? { provider: 'mem-a', id: source.id };
    const live = await liveVMs([clouds.a, clouds.b]);
    if (row) {
      row.serving = `${to.provider}/${to.id} ${live.find((v) => v.id === to.id)?.state ?? 'absent'}`;
      row.left = `${live.length - 1} / ${clouds.images.size} / ${locks.length}`;
    }
    expect(live.map((v) => `${v.provider}/${v.id}`), 'the only live VM is the one traffic goes to').toEqual([`${to.provider}/${to.id}`]);
    expect(live[0]!.state).toBe('running');
    if (s.final === 'succeeded') {
      expect(to).toEqual(record.targetVm);
      expect((await clouds.a.getVM(source.id)).state).toBe('terminated');
    } else {
      expect(to).toEqual({ provider: 'mem-a', id: source.id });
      expect(switchLines(base.switchLog)).toEqual([]);
      expect(record.error?.code).toBe('HEALTH_CHECK_FAILED');
      if (record.targetVm) expect((await clouds.b.getVM(record.targetVm.id)).state).toBe('terminated');
    }
    expect(clouds.images.size, 'no image left').toBe(0);
    expect(locks, 'the lock is released').toEqual([]);
    // One import at most, whatever was killed: a resumed import finds the VM by its key.
    expect(clouds.b.controls.calls.importVM).toBe(1);
    // Every step the record holds has settled (nothing is left started or uncertain but the one verify that failed).
    expect(record.steps.filter((x) => x.status !== 'succeeded').map((x) => `${x.name}:${x.status}`)).toEqual(s.final === 'succeeded' ? [] : ['verify:failed']);
    return { events, record };
  } finally {
    await clouds.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('migration crash matrix: killed after every step event, resumed by a fresh process, exactly one VM serves', () => {
  it.concurrent.for(Object.keys(SCENARIOS) as ScenarioName[])('reference run (%s) records exactly the kill points', { timeout: 120_000 }, async (scenario) => {
    await inTurn(async () => {
      const { events } = await playCell(scenario, undefined, undefined);
      expect(events).toEqual(SCENARIOS[scenario].events);
    });
  });

  const cells = (Object.keys(SCENARIOS) as ScenarioName[]).flatMap((scenario, si) =>
    SCENARIOS[scenario].events.map((kill, i) => ({ scenario, kill, id: `${'AB'[si]}${i + 1}` })),
  );

  it.concurrent.for(cells)('$id: $scenario, SIGKILL after $kill', { timeout: 180_000 }, async ({ scenario, kill, id }) => {
    await inTurn(async () => {
      const row: MatrixRow = { cell: id, scenario: SCENARIOS[scenario].label, kill, first: '-', resume: '-', record: '-', serving: '-', left: '-', seconds: '-', result: 'FAIL' };
      matrix.push(row);
      try {
        await playCell(scenario, kill, row);
        row.result = 'PASS';
      } catch (error) {
        row.result = `FAIL: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160)}`;
        throw error;
      }
    });
  });
});
