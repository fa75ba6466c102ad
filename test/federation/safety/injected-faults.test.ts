/**
 * The in-process half of the fault matrix: at every step boundary of a create, a fault is
 * injected — a failed store write at put k (before it is applied, or applied with its answer
 * lost), or a fault of the cloud call itself (lost response, 5xx, timeout, throttling) — then a
 * fresh manager retries the same key on the same store. After every cell exactly one VM lives
 * for the request across every provider, the operation record names it, the inventory records
 * it, and nothing else lives anywhere.
 *
 * The store writes of one successful create, in order (see crash-matrix.test.ts, which kills a
 * process at the same points): 1 operation created, 2 launch `started`, 3 launch annotated with
 * the VM id, 4 launch `succeeded`, 5 inventory record, 6 operation `succeeded`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMemoryProvider,
  createMemoryStore,
  NovacronError,
  ProviderUnavailableError,
  type MemoryProvider,
  type ProviderV1,
  type Region,
  type VM,
} from '../../../src/index.js';
import { FederationManager, type CreateVMResult, type FederationManagerOptions } from '../../../src/federation/index.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/index.js';
import { offer } from '../fixtures.js';
import { faultyStore, recordsLaunchSucceeded, recordsVmIdWhileStarted, type FaultyStore, type WriteFault } from './faulty-store.js';

const spec = { name: 'svc', cpu: 2, memory: 4 } as const;
const request = { strategy: 'cost-optimized', spot: 'forbid' } as const;
const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } };

const US_EAST_1: Region = { name: 'us-east-1', zones: ['us-east-1a'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } };

/** A memory cloud in us-east-1 with one 2 vCPU / 8 GiB type at `hourly`. */
function memoryCloud(name: string, hourly: number): MemoryProvider {
  return createMemoryProvider({ name, kind: 'gcp', regions: [US_EAST_1], offers: [offer('gcp', 'us-east-1', 'e2-standard-2', 2, 8, hourly, { zone: 'us-east-1a' })], provisioningDelayMs: 20 });
}

/**
 * The clouds of one cell. The emulator sells t3.medium (the cheapest fit) at $0.0416/h in
 * us-east-1; the memory cloud is priced below it (set M: memory first) or above it (set A: AWS first).
 */
class Clouds {
  private constructor(
    readonly emulator: Ec2Emulator,
    readonly memory: MemoryProvider,
    readonly primary: 'aws' | 'memory',
  ) {}

  static async start(primary: 'aws' | 'memory'): Promise<Clouds> {
    const emulator = await startEc2Emulator({ region: 'us-east-1' });
    return new Clouds(emulator, primary === 'memory' ? memoryCloud('mem-cheap', 0.02) : memoryCloud('mem-dear', 0.5), primary);
  }

  /** A fresh AWS adapter, as a new process would build it. */
  aws(): AwsProvider {
    return createAwsProvider({ ...this.emulator.providerOptions, name: 'aws', waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });
  }

  /** The providers of a manager, primary first. */
  providers(): ProviderV1[] {
    return this.primary === 'aws' ? [this.aws(), this.memory] : [this.memory, this.aws()];
  }

  get primaryName(): string {
    return this.primary === 'aws' ? 'aws' : this.memory.name;
  }

  /** Every VM not terminated, on every provider. */
  async liveVMs(): Promise<VM[]> {
    const out: VM[] = [];
    for (const p of [this.aws(), this.memory]) for await (const vm of p.listVMs()) if (vm.state !== 'terminated') out.push(vm);
    return out;
  }

  close(): Promise<void> {
    return this.emulator.close();
  }
}

/** Matches put k of a create (by what the write holds), for `faultyStore`. */
const PUT_K: readonly Omit<WriteFault, 'afterWrite'>[] = [
  { keyPrefix: 'operations/', when: (v) => (v as { steps: unknown[] }).steps.length === 0 },
  { keyPrefix: 'operations/', when: (v) => (v as { steps: { status: string; output?: unknown }[] }).steps.some((s) => s.status === 'started' && s.output === undefined) },
  { keyPrefix: 'operations/', when: recordsVmIdWhileStarted },
  { keyPrefix: 'operations/', when: recordsLaunchSucceeded },
  { keyPrefix: 'vms/' },
  { keyPrefix: 'operations/', when: (v) => (v as { status: string }).status === 'succeeded' },
];

/** What a cell does to the first call; `heal` undoes the fault before the retry. */
interface Fault {
  readonly name: string;
  readonly managerOptions?: Partial<FederationManagerOptions> | undefined;
  /** Runs after the first manager's catalog is loaded, so a fault of the cloud hits the create call itself. */
  inject(clouds: Clouds, store: FaultyStore): void;
  heal(clouds: Clouds): void;
}

function storeFault(k: number, afterWrite: boolean): Fault {
  return {
    name: `store error at put ${k}${afterWrite ? ' (applied, answer lost)' : ''}`,
    inject: (_clouds, store) => store.failNextPut({ ...PUT_K[k - 1]!, afterWrite }),
    heal: () => undefined,
  };
}

const MEMORY_CALL_FAULTS: readonly Fault[] = [
  { name: 'cloud: lost response', inject: (c) => c.memory.controls.faults.dropResponse('createVM'), heal: () => undefined },
  {
    name: 'cloud: 5xx (before the body)',
    inject: (c) => c.memory.controls.faults.failNext('createVM', new ProviderUnavailableError({ provider: c.memory.name, message: 'createVM: 503 Service Unavailable' })),
    heal: () => undefined,
  },
  {
    name: 'cloud: timeout (hang)',
    managerOptions: { timeouts: { createMs: 200, callMs: 200 } },
    inject: (c) => c.memory.controls.faults.hang('createVM'),
    heal: (c) => c.memory.controls.faults.hang('all', false),
  },
  { name: 'cloud: throttling', inject: (c) => c.memory.controls.faults.throttle(1), heal: (c) => c.memory.controls.faults.throttle(0) },
];

const EC2_CALL_FAULTS: readonly Fault[] = [
  { name: 'cloud: lost response', inject: (c) => c.emulator.faults.dropResponse('RunInstances'), heal: () => undefined },
  { name: 'cloud: 5xx InternalError', inject: (c) => c.emulator.faults.failNext('RunInstances', { kind: 'internal', code: 'InternalError', status: 500 }), heal: () => undefined },
  { name: 'cloud: throttling', inject: (c) => c.emulator.faults.throttle(1, { operations: ['RunInstances'] }), heal: (c) => c.emulator.faults.reset() },
];

const STORE_FAULTS: readonly Fault[] = [1, 2, 3, 4, 5, 6].flatMap((k) => [storeFault(k, false), storeFault(k, true)]);

const SETS = [
  { id: 'M', label: 'M: mem-cheap > aws', primary: 'memory', faults: [...STORE_FAULTS, ...MEMORY_CALL_FAULTS] },
  { id: 'A', label: 'A: aws > mem-dear', primary: 'aws', faults: [...STORE_FAULTS, ...EC2_CALL_FAULTS] },
] as const;

interface MatrixRow {
  cell: string;
  set: string;
  fault: string;
  first: string;
  retry: string;
  vmsAfter: string;
  result: string;
}
const matrix: MatrixRow[] = [];

function outcome(value: CreateVMResult | unknown): string {
  if (NovacronError.isInstance(value) || value instanceof Error) return `threw ${NovacronError.isInstance(value) ? value.code : (value as Error).message.slice(0, 40)}`;
  const r = value as CreateVMResult;
  return `${r.vm.provider}/${r.vm.id}${r.reused ? ' (reused)' : ''} [${r.attempts.map((a) => `${a.provider}:${a.outcome}`).join(' ')}]`;
}

function printMatrix(rows: readonly MatrixRow[]): void {
  const head: MatrixRow = { cell: 'cell', set: 'providers (primary > secondary)', fault: 'fault', first: 'first call', retry: 'retry (fresh manager, same key)', vmsAfter: 'live VMs after', result: 'result' };
  const cols = Object.keys(head) as (keyof MatrixRow)[];
  const width = (c: keyof MatrixRow): number => Math.max(...[head, ...rows].map((r) => r[c].length));
  const line = (r: MatrixRow): string => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  console.log(['injected-fault matrix (fault at a step boundary of createVM, then a retry with the same key)', line(head), `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

afterAll(() => printMatrix(matrix));

describe.each(SETS)('injected faults, $label: one VM per request after a fault at every boundary and a retry', (set) => {
  it.each(set.faults.map((fault, i) => ({ fault, id: `${set.id}${i + 1}` })))('$id: $fault.name', async ({ fault, id }) => {
    const row: MatrixRow = { cell: id, set: set.label, fault: fault.name, first: '-', retry: '-', vmsAfter: '-', result: 'FAIL' };
    matrix.push(row);
    const clouds = await Clouds.start(set.primary);
    const key = `injected-${id}`;
    try {
      const store = faultyStore(createMemoryStore());
      const first = new FederationManager({ providers: clouds.providers(), stateStore: store, failover: fast, ...fault.managerOptions });
      await first.ready();
      fault.inject(clouds, store);
      const firstOutcome = await first.createVM(spec, { idempotencyKey: key, request }).catch((e: unknown) => e);
      row.first = outcome(firstOutcome);
      fault.heal(clouds);

      const retried = await new FederationManager({ providers: clouds.providers(), stateStore: store, failover: fast })
        .createVM(spec, { idempotencyKey: key, request })
        .catch((e: unknown) => e);
      row.retry = outcome(retried);
      expect(retried instanceof Error || NovacronError.isInstance(retried), `the retry should succeed: ${String(retried)}`).toBe(false);
      const result = retried as CreateVMResult;

      const live = await clouds.liveVMs();
      row.vmsAfter = `${live.length} (${live.map((v) => `${v.provider}/${v.id}`).join(', ') || 'none'})`;
      expect(live.map((v) => `${v.provider}/${v.id}`), 'live VMs across all providers').toEqual([`${result.vm.provider}/${result.vm.id}`]);
      if (!(firstOutcome instanceof Error) && !NovacronError.isInstance(firstOutcome)) {
        expect((firstOutcome as CreateVMResult).vm.id, 'the first call and the retry name the same VM').toBe(result.vm.id);
      }

      const operations = [];
      for await (const r of store.list<{ status: string; result?: unknown }>('operations/')) operations.push(r.value);
      expect(operations, 'one operation record').toHaveLength(1);
      expect(operations[0]!.status).toBe('succeeded');
      expect(operations[0]!.result).toEqual({ provider: result.vm.provider, vmId: result.vm.id });
      const inventory = [];
      for await (const r of store.list('vms/')) inventory.push(r.key);
      expect(inventory, 'the inventory holds the VM and nothing else').toEqual([`vms/${result.vm.provider}/${result.vm.id}`]);
      row.result = result.vm.provider === clouds.primaryName ? 'PASS' : 'PASS (failed over)';
    } catch (error) {
      row.result = `FAIL: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160)}`;
      throw error;
    } finally {
      await clouds.close();
    }
  });
});

/**
 * Cell A5 of the matrix above, made deterministic. EC2 reads by id are eventually consistent
 * (a new instance can be missing from DescribeInstances by id for a while; the emulator's
 * default window is 60 ms, here 1 s). When the id write fails (put 3), the first call adopts the
 * instance through its ClientToken and returns at once, before that window has passed; a retry
 * from a fresh process then finds the operation succeeded and reads the VM by id through an
 * adapter that has never seen it.
 */
describe('a retry of a finished request from a fresh process, inside the read-after-create window of EC2', () => {
  it('returns the recorded VM (the read by id may miss at first), and no second VM exists', async () => {
    const emulator = await startEc2Emulator({ region: 'us-east-1', timings: { consistencyWindowMs: 1_000 } });
    const aws = () => createAwsProvider({ ...emulator.providerOptions, name: 'aws', waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });
    const backup = memoryCloud('mem-dear', 0.5);
    try {
      const store = faultyStore(createMemoryStore());
      store.failNextPut({ keyPrefix: 'operations/', when: recordsVmIdWhileStarted });
      const first = await new FederationManager({ providers: [aws(), backup], stateStore: store, failover: fast }).createVM(spec, { idempotencyKey: 'read-after-create', request });
      const retried = await new FederationManager({ providers: [aws(), backup], stateStore: store, failover: fast })
        .createVM(spec, { idempotencyKey: 'read-after-create', request })
        .catch((e: unknown) => e);
      expect(NovacronError.isInstance(retried) ? `${retried.name}: ${retried.message}` : undefined, 'the retry should return the recorded VM').toBeUndefined();
      expect((retried as CreateVMResult).vm.id).toBe(first.vm.id);
      expect(emulator.instances().filter((i) => i.state !== 'terminated')).toHaveLength(1);
      expect(backup.controls.vmCount).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});
