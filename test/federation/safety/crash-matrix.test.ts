/**
 * The SIGKILL half of the fault matrix: a process creating one VM is killed at every step
 * boundary of the create operation, a fresh process retries the same idempotency key, and
 * exactly one VM exists for the request across every provider, named by the operation record
 * and recorded in the inventory.
 *
 * The clouds live in this (the parent) process, so their state survives the kill: the EC2
 * emulator behind the real AWS adapter, and memory providers behind the HTTP bridge of
 * remote-provider.ts. The state store is a SQLite file shared by the two children of a cell.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { createMemoryProvider, type MemoryProvider, type Region, type VM } from '../../../src/index.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { createSqliteStore } from '../../../src/state/sqlite/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/index.js';
import { offer } from '../fixtures.js';
import type { ChildConfig, ChildFailure, ChildProvider, ChildResult, KillPoint } from './crash-child.js';
import { ProviderHost } from './remote-provider.js';
import { runTsxChild, type ChildRun } from './tsx-child.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const CHILD_TIMEOUT_MS = 30_000;
/** Cells run two at a time: each child spends most of its life starting up. */
const PARALLEL_CELLS = 2;

const spec = { name: 'svc', cpu: 2, memory: 4 } as const;
const request = { strategy: 'cost-optimized', spot: 'forbid' } as const;
/**
 * Both children of a cell are the same replica restarted (a stable replica id, as a pod name
 * gives): the killed one's lease (30 s) is then taken over at once. Another replica id would
 * wait the lease out, which is correct but makes a cell 30 s long.
 */
const REPLICA = 'crash-matrix-replica';

const KILL_POINTS: readonly KillPoint[] = [
  { when: 'before', put: 1 },
  { when: 'before', put: 2 },
  { when: 'before', put: 3 },
  { when: 'before', put: 4 },
  { when: 'before', put: 5 },
  { when: 'before', put: 6 },
  { when: 'after', put: 6 },
];

/** The store writes of one successful create, in order: what put k of the killed child must look like. */
interface TracedPut {
  readonly put: number;
  readonly key: string;
  readonly status?: string;
  readonly steps?: readonly string[];
}
const PUT_SHAPES: readonly { readonly says: string; readonly holds: (p: TracedPut) => boolean }[] = [
  { says: 'operation created, no steps', holds: (p) => p.key.startsWith('operations/') && p.status === 'running' && p.steps?.length === 0 },
  { says: 'launch started, no vmId', holds: (p) => p.key.startsWith('operations/') && p.steps?.length === 1 && p.steps[0] === 'launch:started' },
  { says: 'launch started with vmId', holds: (p) => p.key.startsWith('operations/') && p.steps?.length === 1 && /^launch:started\(.+\)$/.test(p.steps[0]!) },
  { says: 'launch succeeded', holds: (p) => p.key.startsWith('operations/') && p.status === 'running' && /^launch:succeeded\(.+\)$/.test(p.steps?.[0] ?? '') },
  { says: 'inventory record', holds: (p) => p.key.startsWith('vms/') },
  { says: 'operation succeeded', holds: (p) => p.key.startsWith('operations/') && p.status === 'succeeded' },
];

const US_EAST_1: Region = { name: 'us-east-1', zones: ['us-east-1a'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } };

/** A memory cloud in us-east-1 with one 2 vCPU / 8 GiB type at `hourly`. */
function memoryCloud(name: string, kind: 'gcp' | 'azure', hourly: number): MemoryProvider {
  return createMemoryProvider({
    name,
    kind,
    regions: [US_EAST_1],
    offers: [offer(kind, 'us-east-1', kind === 'gcp' ? 'e2-standard-2' : 'Standard_D2s_v5', 2, 8, hourly, { zone: 'us-east-1a' })],
    provisioningDelayMs: 20,
  });
}

/**
 * The two provider sets. The emulator's seed catalog sells t3.medium (2 vCPU / 4 GiB, the
 * cheapest fit for the spec) at $0.0416/h on demand in us-east-1; the memory clouds are priced
 * on either side of it so that the primary is the cheapest and is chosen first.
 */
const SETS = [
  { id: 'A', label: 'A: aws(emu#1) > mem-dear', primary: 'aws', memory: () => memoryCloud('mem-dear', 'gcp', 0.5) },
  { id: 'B', label: 'B: mem-cheap > aws(emu#2)', primary: 'mem-cheap', memory: () => memoryCloud('mem-cheap', 'azure', 0.02) },
] as const;
type ProviderSet = (typeof SETS)[number];

/** The clouds of one cell, in this process. */
class CellClouds {
  private constructor(
    private readonly emulator: Ec2Emulator,
    private readonly aws: AwsProvider,
    private readonly memory: MemoryProvider,
    private readonly host: ProviderHost,
    readonly set: ProviderSet,
  ) {}

  static async start(set: ProviderSet): Promise<CellClouds> {
    const emulator = await startEc2Emulator({ region: 'us-east-1' });
    const memory = set.memory();
    const host = await ProviderHost.start([memory]);
    const aws = createAwsProvider({ ...emulator.providerOptions, name: 'aws' });
    return new CellClouds(emulator, aws, memory, host, set);
  }

  /** The providers as a child builds them, primary first. */
  childProviders(): ChildProvider[] {
    const aws: ChildProvider = { type: 'aws', name: 'aws', providerOptions: { ...this.emulator.providerOptions } };
    const remote: ChildProvider = { type: 'remote', name: this.memory.name, url: this.host.url };
    return this.set.primary === 'aws' ? [aws, remote] : [remote, aws];
  }

  /** Every VM not terminated, on every provider: EC2 through DescribeInstances (the adapter), memory directly. */
  async liveVMs(): Promise<VM[]> {
    const out: VM[] = [];
    for (const p of [this.aws, this.memory]) for await (const vm of p.listVMs()) if (vm.state !== 'terminated') out.push(vm);
    return out;
  }

  /** Instances the emulator itself holds that are not terminated (a cross-check of the listing). */
  emulatorInstances(): number {
    return this.emulator.instances().filter((i) => i.state !== 'terminated').length;
  }

  async close(): Promise<void> {
    await this.host.close();
    await this.emulator.close();
  }
}

function runChild(config: ChildConfig): Promise<ChildRun> {
  return runTsxChild(CHILD, config, { timeoutMs: CHILD_TIMEOUT_MS, describe: `crash-child (kill point ${JSON.stringify(config.kill)})` });
}

function tracedPuts(run: ChildRun): TracedPut[] {
  return run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{"put":'))
    .map((l) => JSON.parse(l) as TracedPut);
}

function resultLine(run: ChildRun): ChildResult | ChildFailure | undefined {
  const last = run.stdout.trim().split('\n').at(-1);
  return last ? (JSON.parse(last) as ChildResult | ChildFailure) : undefined;
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
  set: string;
  kill: string;
  firstChild: string;
  retry: string;
  vmsAfter: string;
  seconds: string;
  result: string;
}
const matrix: MatrixRow[] = [];
const inTurn = limiter(PARALLEL_CELLS);
const started = Date.now();

function printMatrix(rows: readonly MatrixRow[]): void {
  const head: MatrixRow = { cell: 'cell', set: 'providers (primary > secondary)', kill: 'kill point', firstChild: 'first child', retry: 'retry (fresh child)', vmsAfter: 'live VMs after', seconds: 'children s', result: 'result' };
  const cols = Object.keys(head) as (keyof MatrixRow)[];
  const width = (c: keyof MatrixRow): number => Math.max(...[head, ...rows].map((r) => r[c].length));
  const line = (r: MatrixRow): string => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  const order = [...rows].sort((a, b) => a.cell.localeCompare(b.cell, 'en', { numeric: true }));
  console.log(
    [`crash matrix (SIGKILL at each store write of createVM, then a fresh process retries the same key), ${((Date.now() - started) / 1000).toFixed(1)} s`, line(head), `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`, ...order.map(line)].join('\n'),
  );
}

afterAll(() => printMatrix(matrix));

describe('crash matrix: a create killed at every step boundary, retried by a fresh process, leaves exactly one VM', () => {
  const cells = SETS.flatMap((set) => KILL_POINTS.map((kill, i) => ({ set, kill, id: `${set.id}${i + 1}` })));

  it.concurrent.for(cells)('$id: $set.label, SIGKILL $kill.when put $kill.put', { timeout: 180_000 }, async ({ set, kill, id }, { expect }) => {
    await inTurn(async () => {
      const killLabel = `${kill.when} put ${kill.put}`;
      const row: MatrixRow = { cell: id, set: set.label, kill: killLabel, firstChild: '-', retry: '-', vmsAfter: '-', seconds: '-', result: 'FAIL' };
      matrix.push(row);
      const dir = await mkdtemp(join(tmpdir(), `novacron-crash-${id}-`));
      const clouds = await CellClouds.start(set);
      try {
        const base: ChildConfig = {
          dbPath: join(dir, 'state.db'),
          idempotencyKey: `crash-matrix-${id}`,
          spec,
          request,
          replicaId: REPLICA,
          providers: clouds.childProviders(),
        };

        // 1. The child that dies at the kill point.
        const first = await runChild({ ...base, kill });
        const puts = tracedPuts(first);
        row.firstChild = first.signal ? `${first.signal} after ${puts.length} put(s)` : `exit ${first.code} (not killed)`;
        expect(first.signal, `the first child should have been killed ${killLabel}; stdout ${first.stdout}; stderr:\n${first.stderr}`).toBe('SIGKILL');
        // The harness is only as good as its kill points: put k must be the write the brief names.
        expect(puts.length, `puts traced before the kill:\n${first.stderr}`).toBe(kill.put);
        for (const p of puts) expect(PUT_SHAPES[p.put - 1]!.holds(p), `put ${p.put} should be "${PUT_SHAPES[p.put - 1]!.says}", was ${JSON.stringify(p)}`).toBe(true);

        // 2. A fresh process retries the same key with the same spec.
        const second = await runChild(base);
        row.seconds = `${(first.ms / 1000).toFixed(1)} + ${(second.ms / 1000).toFixed(1)}`;
        const line = resultLine(second);
        row.retry = line?.ok ? `${line.vm.provider}/${line.vm.id}${line.reused ? ' (reused)' : ''}, ${line.puts} put(s)` : line ? `threw ${line.error.code ?? line.error.name}` : `exit ${second.code ?? second.signal}`;
        expect(second.code, `the retry should succeed; stdout ${second.stdout}; stderr:\n${second.stderr}`).toBe(0);
        const result = line as ChildResult;

        // 3. Exactly one live VM for the request, anywhere; the store names it and records it.
        const live = await clouds.liveVMs();
        row.vmsAfter = `${live.length} (${live.map((v) => `${v.provider}/${v.id}`).join(', ') || 'none'})`;
        expect(live.map((v) => `${v.provider}/${v.id}`), 'live VMs across all providers').toEqual([`${result.vm.provider}/${result.vm.id}`]);
        expect(clouds.emulatorInstances(), 'EC2 instances not terminated, by the emulator itself').toBe(live.filter((v) => v.provider === 'aws').length);
        expect(result.vm.provider, 'nothing failed, so the primary (cheapest) provider holds the VM').toBe(set.primary);

        const store = await createSqliteStore({ path: base.dbPath });
        try {
          const operations = [];
          for await (const r of store.list<{ status: string; result?: { provider: string; vmId: string } }>('operations/')) operations.push(r.value);
          expect(operations, 'one operation record').toHaveLength(1);
          expect(operations[0]!.status).toBe('succeeded');
          expect(operations[0]!.result).toEqual({ provider: result.vm.provider, vmId: result.vm.id });
          const inventory = [];
          for await (const r of store.list('vms/')) inventory.push(r.key);
          expect(inventory, 'the inventory holds the VM and nothing else').toEqual([`vms/${result.vm.provider}/${result.vm.id}`]);
        } finally {
          await store.close();
        }
        row.result = 'PASS';
      } catch (error) {
        row.result = `FAIL: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160)}`;
        throw error;
      } finally {
        await clouds.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
