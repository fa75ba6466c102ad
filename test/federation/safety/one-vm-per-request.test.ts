/**
 * The six ways one request used to give two VMs, each reproduced: after every one of them,
 * exactly one VM exists for the request across every provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  InvalidSpecError,
  isAbortError,
  NovacronError,
  TimeoutError,
  type ProviderV1,
  type VM,
} from '../../../src/index.js';
import { FederationManager, OutcomeUncertainError } from '../../../src/federation/index.js';
import { createAwsProvider, type AwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/index.js';
import type { Ec2EmulatorCallEvent } from '../../../src/testing/emulators/ec2/index.js';
import { cloud, EAST, offer, WEST } from '../fixtures.js';
import { faultyStore, recordsLaunchSucceeded, recordsVmIdWhileStarted } from './faulty-store.js';

const need = { name: 'app', cpu: 2, memory: 4 } as const;
const cheapest = { strategy: 'cost-optimized' as const };

async function liveVMs(providers: readonly ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) out.push(vm);
  return out;
}

/** A cheap memory cloud and a dearer one, so a wrong failover is visible. */
function twoClouds() {
  const cheap = cloud('cheap', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08, { zone: 'east-1a' }), offer('aws', 'east-1', 'm.large', 2, 8, 0.081, { zone: 'east-1b' })]);
  const dear = cloud('dear', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)]);
  return { cheap, dear, all: [cheap, dear] as const };
}

const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 } };

describe('1. resume after the attempt is recorded created, before the request is done', () => {
  it('a failed inventory write, then a retry with the same key: one VM', async () => {
    const { cheap, all } = twoClouds();
    const store = faultyStore(createMemoryStore());
    store.failNextPut({ keyPrefix: 'vms/' });
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    await expect(manager.createVM(need, { idempotencyKey: 'k1', request: cheapest })).rejects.toThrow(/injected store failure/);
    expect(await liveVMs(all)).toHaveLength(1);
    const again = await new FederationManager({ providers: [...all], stateStore: store, failover: fast }).createVM(need, { idempotencyKey: 'k1', request: cheapest });
    expect(again.vm.provider).toBe('cheap');
    expect(await liveVMs(all)).toHaveLength(1);
    expect(cheap.controls.calls.createVM).toBe(1);
  });

  it('a failed write of the "done" record, then a retry: one VM', async () => {
    const { all } = twoClouds();
    const store = faultyStore(createMemoryStore());
    store.failNextPut({ keyPrefix: 'operations/', when: (v) => (v as { status: string }).status === 'succeeded' });
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    await expect(manager.createVM(need, { idempotencyKey: 'k2', request: cheapest })).rejects.toThrow(/injected/);
    const again = await manager.createVM(need, { idempotencyKey: 'k2', request: cheapest });
    expect((await liveVMs(all)).map((v) => v.id)).toEqual([again.vm.id]);
  });

  it('a failed write after the launch is settled: one VM', async () => {
    const { all } = twoClouds();
    const store = faultyStore(createMemoryStore());
    store.failNextPut({ keyPrefix: 'operations/', when: recordsLaunchSucceeded, afterWrite: true });
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    await expect(manager.createVM(need, { idempotencyKey: 'k3', request: cheapest })).rejects.toThrow(/injected/);
    await manager.createVM(need, { idempotencyKey: 'k3', request: cheapest });
    expect(await liveVMs(all)).toHaveLength(1);
  });
});

describe('2. failover after an uncertain create (AWS adapter over the EC2 emulator, memory cloud beside it)', () => {
  let emu: Ec2Emulator;
  beforeAll(async () => {
    emu = await startEc2Emulator({ region: 'us-east-1' });
  });
  afterAll(async () => {
    await emu?.close();
  });

  function awsWith(extra: Parameters<typeof createAwsProvider>[0] extends infer O ? Partial<O> : never = {}): AwsProvider {
    return createAwsProvider({ ...emu.providerOptions, name: 'aws', maxAttempts: 2, retryBaseDelayMs: 1, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 }, ...extra });
  }
  /** A dearer memory cloud in the same region, so failover has somewhere to go. */
  function backup() {
    return createMemoryProvider2();
  }
  async function instancesFor(): Promise<number> {
    let n = 0;
    // Instances deleted by an earlier test may still be shutting down.
    for await (const vm of awsWith().listVMs()) if (vm.state !== 'terminated' && vm.state !== 'terminating') n++;
    return n;
  }
  async function cleanUp(aws: AwsProvider): Promise<void> {
    emu.faults.reset();
    for await (const vm of aws.listVMs()) await aws.deleteVM(vm.id, { wait: false });
  }
  const request = { strategy: 'cost-optimized' as const, spot: 'forbid' as const };
  const spec = { name: 'svc', cpu: 2, memory: 4 } as const;

  it('every RunInstances response lost: the instance is adopted, not launched again elsewhere', async () => {
    const aws = awsWith();
    const other = backup();
    emu.faults.dropResponse('RunInstances', { times: 50 });
    try {
      const manager = new FederationManager({ providers: [aws, other], failover: fast });
      const result = await manager.createVM(spec, { idempotencyKey: 'lost-all', request });
      expect(result.vm.provider).toBe('aws');
      expect(await instancesFor()).toBe(1);
      expect(await liveVMs([other])).toHaveLength(0);
    } finally {
      await cleanUp(aws);
    }
  });

  it('the state-store write of the new instance id fails once: one instance, no VM elsewhere', async () => {
    const aws = awsWith();
    const other = backup();
    const store = faultyStore(createMemoryStore());
    store.failNextPut({ keyPrefix: 'operations/', when: recordsVmIdWhileStarted });
    try {
      const manager = new FederationManager({ providers: [aws, other], stateStore: store, failover: fast });
      const first = await manager.createVM(spec, { idempotencyKey: 'id-write', request }).catch((e: unknown) => e);
      const result = NovacronError.isInstance(first) || first instanceof Error ? await manager.createVM(spec, { idempotencyKey: 'id-write', request }) : first;
      expect((result as { vm: VM }).vm.provider).toBe('aws');
      expect(await instancesFor()).toBe(1);
      expect(await liveVMs([other])).toHaveLength(0);
    } finally {
      await cleanUp(aws);
    }
  });

  it("the adapter's own instance record fails: the launched instance is adopted", async () => {
    const inner = createMemoryStore();
    let failOnce = true;
    const adapterStore = {
      put: async (key: string, value: unknown) => {
        if (failOnce) {
          failOnce = false;
          throw new Error('adapter store down');
        }
        return inner.put(key, value);
      },
    };
    const aws = awsWith({ stateStore: adapterStore as never });
    const other = backup();
    try {
      const manager = new FederationManager({ providers: [aws, other], failover: fast });
      const result = await manager.createVM(spec, { idempotencyKey: 'adapter-record', request });
      expect(result.vm.provider).toBe('aws');
      expect(await instancesFor()).toBe(1);
      expect(await liveVMs([other])).toHaveLength(0);
    } finally {
      await cleanUp(aws);
    }
  });

  it("a response lost and then the SDK's retries throttled: one instance", async () => {
    const aws = awsWith();
    const other = backup();
    // The launch is done and its answer lost; from then on every RunInstances is throttled.
    const throttleAfterDrop = (e: Ec2EmulatorCallEvent): void => {
      if (e.action === 'RunInstances' && e.status === 0) emu.faults.throttle(1, { operations: ['RunInstances'] });
    };
    emu.events.on('call', throttleAfterDrop);
    emu.faults.dropResponse('RunInstances');
    try {
      const manager = new FederationManager({ providers: [aws, other], failover: { ...fast, throttleRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } } });
      const result = await manager.createVM(spec, { idempotencyKey: 'lost-then-throttled', request });
      expect(result.vm.provider).toBe('aws');
      expect(result.attempts.map((a) => a.outcome)).toEqual(['created']);
      expect(await instancesFor()).toBe(1);
      expect(await liveVMs([other])).toHaveLength(0);
    } finally {
      emu.events.off('call', throttleAfterDrop);
      await cleanUp(aws);
    }
  });

  it('AWS alone: an answer lost and the caller gone, then a fresh manager retries: no second instance in another zone', async () => {
    const aws = awsWith();
    const store = createMemoryStore();
    emu.faults.dropResponse('RunInstances', { times: 50 });
    emu.faults.dropResponse('DescribeInstances', { times: 50 });
    try {
      const manager = new FederationManager({ providers: [aws], stateStore: store, failover: { ...fast, resolveAttempts: 2 } });
      const error = await manager.createVM(spec, { idempotencyKey: 'aws-only', request }).catch((e: unknown) => e);
      expect(OutcomeUncertainError.isInstance(error)).toBe(true);
      expect((error as OutcomeUncertainError).attempt.provider).toBe('aws');
      expect((error as OutcomeUncertainError).operationId).toMatch(/^create-/);
      emu.faults.reset();
      const restarted = new FederationManager({ providers: [awsWith()], stateStore: store, failover: fast });
      const result = await restarted.createVM(spec, { idempotencyKey: 'aws-only', request });
      expect(result.attempts.map((a) => a.outcome)).toEqual(['created']);
      expect(await instancesFor()).toBe(1);
    } finally {
      await cleanUp(aws);
    }
  });
});

describe('3. a misspelt strategy (or NaN weights) is refused before anything is created', () => {
  it.each([
    [{ strategy: 'cost-optimised' }, /request\.strategy.*did you mean "cost-optimized"/],
    [{ weights: { cost: Number.NaN } }, /request\.weights\.cost/],
  ])('%j', async (request, message) => {
    const { all } = twoClouds();
    const manager = new FederationManager({ providers: [...all], failover: fast });
    for (let i = 0; i < 3; i++) {
      const error = await manager.createVM(need, { idempotencyKey: 'typo', request: request as never }).catch((e: unknown) => e);
      expect(InvalidSpecError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(message);
    }
    expect(await liveVMs(all)).toHaveLength(0);
  });

  it('whatever fails after the VM exists, three retries make no second VM', async () => {
    const { all } = twoClouds();
    const store = faultyStore(createMemoryStore());
    for (let i = 0; i < 3; i++) store.failNextPut({ keyPrefix: 'vms/' });
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    for (let i = 0; i < 3; i++) await expect(manager.createVM(need, { idempotencyKey: 'after', request: cheapest })).rejects.toThrow();
    await manager.createVM(need, { idempotencyKey: 'after', request: cheapest });
    expect(await liveVMs(all)).toHaveLength(1);
  });
});

describe('4. a cloud that never answers stalls nothing', () => {
  it('a hung catalog: the create on the healthy cloud finishes, without a signal and with one; the decision names the hung one', async () => {
    const { cheap, dear, all } = twoClouds();
    cheap.controls.faults.hang('all');
    const manager = new FederationManager({ providers: [...all], failover: fast, timeouts: { catalogMs: 200, callMs: 200, createMs: 500 } });
    const plain = await manager.createVM(need, { request: cheapest });
    expect(plain.vm.provider).toBe('dear');
    expect(plain.decision!.rejected.some((r) => r.provider === 'cheap' && /catalog/.test(r.reason))).toBe(true);
    const signalled = await manager.createVM({ ...need, name: 'app-2' }, { request: cheapest, signal: AbortSignal.timeout(10_000) });
    expect(signalled.vm.provider).toBe('dear');
    expect(await liveVMs([dear])).toHaveLength(2);
  });

  it('a create that hangs after the catalog loaded times out as uncertain, and is never tried elsewhere', async () => {
    const { cheap, all } = twoClouds();
    const manager = new FederationManager({ providers: [...all], failover: { ...fast, resolveAttempts: 2 }, timeouts: { callMs: 100, createMs: 150 } });
    await manager.ready();
    cheap.controls.faults.hang('createVM');
    cheap.controls.faults.hang('findByIdempotencyKey');
    const error = await manager.createVM(need, { request: cheapest, idempotencyKey: 'hung-create' }).catch((e: unknown) => e);
    expect(OutcomeUncertainError.isInstance(error)).toBe(true);
    expect(TimeoutError.isInstance((error as Error).cause) || /did not finish/.test((error as Error).message)).toBe(true);
    expect(await liveVMs(all)).toHaveLength(0);
    cheap.controls.faults.hang('all', false);
    // Nothing was created by the hung call: a retry confirms the absence and creates exactly one.
    const result = await manager.createVM(need, { request: cheapest, idempotencyKey: 'hung-create' });
    expect(await liveVMs(all)).toHaveLength(1);
    expect(result.vm.provider).toBe('cheap');
  });

  it("the caller's AbortSignal.timeout gives a novacron AbortError that isAbortError recognizes", async () => {
    const { cheap, dear } = twoClouds();
    cheap.controls.faults.hang('all');
    dear.controls.faults.hang('all');
    const manager = new FederationManager({ providers: [cheap, dear], failover: fast });
    const error = await manager.createVM(need, { request: cheapest, signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(NovacronError.isInstance(error)).toBe(true);
    expect(isAbortError(error)).toBe(true);
    expect(isAbortError(new DOMException('x', 'TimeoutError'))).toBe(true);
  });
});

function createMemoryProvider2() {
  return cloud('backup', 'gcp', [{ name: 'us-east-1', zones: ['us-east-1a'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } }], [offer('gcp', 'us-east-1', 'e2-standard-2', 2, 8, 5)]);
}
