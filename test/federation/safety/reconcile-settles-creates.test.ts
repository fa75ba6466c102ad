/**
 * A create that ended without knowing what the cloud did is settled by `reconcile()` as well as
 * by a retry: the attempt is looked up by its token, a VM found completes the request (so the
 * retry returns it, and nothing is launched again), a confirmed absence leaves the request free
 * to try again. User data, which may hold secrets, never reaches the state store; an adopted
 * VM is waited for until it runs, like a created one.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore, ProviderUnavailableError, type ProviderV1, type StateStore, type VM } from '../../../src/index.js';
import { FederationManager, OutcomeUncertainError } from '../../../src/federation/index.js';
import { cloud, EAST, offer, WEST } from '../fixtures.js';

const need = { name: 'app', cpu: 2, memory: 4 } as const;
const cheapest = { strategy: 'cost-optimized' as const };
const fast = { throttleRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveRetry: { baseDelayMs: 1, maxDelayMs: 5 }, resolveAttempts: 2 };

function twoClouds(extra: Parameters<typeof cloud>[4] = {}) {
  const cheap = cloud('cheap', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08, { zone: 'east-1a' })], extra);
  const dear = cloud('dear', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)]);
  return { cheap, dear, all: [cheap, dear] as const };
}

async function liveVMs(providers: readonly ProviderV1[]): Promise<VM[]> {
  const out: VM[] = [];
  for (const p of providers) for await (const vm of p.listVMs()) if (vm.state !== 'terminated') out.push(vm);
  return out;
}

async function storeText(store: StateStore): Promise<string> {
  const parts: string[] = [];
  for (const prefix of ['operations', 'vms']) for await (const rec of store.list(prefix)) parts.push(JSON.stringify(rec.value));
  return parts.join('\n');
}

describe('reconcile settles creates left uncertain', () => {
  it('adopts the VM of an uncertain create, and the retry with the same key returns it', async () => {
    const { cheap, all } = twoClouds();
    const store = createMemoryStore();
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    // The create takes effect and its answer is lost; the lookups by token fail too.
    cheap.controls.faults.dropResponse('createVM');
    cheap.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'cheap', message: 'lookup failed' }));
    cheap.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'cheap', message: 'lookup failed' }));
    const error = await manager.createVM(need, { idempotencyKey: 'r1', request: cheapest }).catch((e: unknown) => e);
    expect(OutcomeUncertainError.isInstance(error), String(error)).toBe(true);
    const [vm] = await liveVMs(all);
    expect(vm?.provider).toBe('cheap');

    const report = await new FederationManager({ providers: [...all], stateStore: store, failover: fast }).reconcile();
    expect(report.creates).toEqual([{ operationId: (error as OutcomeUncertainError).operationId, outcome: 'adopted', provider: 'cheap', vmId: vm!.id }]);
    // Recorded as the request's VM, not as an anonymous adoption.
    expect(report.adopted).toEqual([]);
    const records = [];
    for await (const r of manager.inventory()) records.push(r);
    expect(records.map((r) => [r.vmId, r.status, r.requestId !== undefined])).toEqual([[vm!.id, 'active', true]]);

    const calls = cheap.controls.calls.createVM;
    const again = await manager.createVM(need, { idempotencyKey: 'r1', request: cheapest });
    expect([again.vm.id, again.reused]).toEqual([vm!.id, true]);
    expect(cheap.controls.calls.createVM).toBe(calls);
    expect(await liveVMs(all)).toHaveLength(1);
    // A second reconcile has nothing left to settle.
    expect((await manager.reconcile()).creates).toEqual([]);
  });

  it('a confirmed absence is reported, and the retry then creates exactly one VM', async () => {
    const { cheap, all } = twoClouds();
    const store = createMemoryStore();
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    // The create never reaches the cloud and the answer says nothing: uncertain, and lookups fail.
    cheap.controls.faults.failNext('createVM', new ProviderUnavailableError({ provider: 'cheap', message: 'connection reset' }));
    cheap.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'cheap', message: 'lookup failed' }));
    cheap.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'cheap', message: 'lookup failed' }));
    await expect(manager.createVM(need, { idempotencyKey: 'r2', request: cheapest })).rejects.toSatisfy(OutcomeUncertainError.isInstance);
    const report = await manager.reconcile();
    expect(report.creates.map((c) => c.outcome)).toEqual(['absent']);
    expect(await liveVMs(all)).toHaveLength(0);
    const result = await manager.createVM(need, { idempotencyKey: 'r2', request: cheapest });
    expect(result.vm.provider).toBe('cheap');
    expect(await liveVMs(all)).toHaveLength(1);
  });

  it('a provider that still cannot answer leaves the create unresolved, and nothing is launched', async () => {
    const { cheap, all } = twoClouds();
    const manager = new FederationManager({ providers: [...all], failover: fast });
    cheap.controls.faults.dropResponse('createVM');
    for (let i = 0; i < 4; i++) cheap.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ provider: 'cheap', message: 'lookup failed' }));
    await expect(manager.createVM(need, { idempotencyKey: 'r3', request: cheapest })).rejects.toSatisfy(OutcomeUncertainError.isInstance);
    const calls = cheap.controls.calls.createVM;
    const report = await manager.reconcile();
    expect(report.creates.map((c) => c.outcome)).toEqual(['unresolved']);
    expect(report.creates[0]!.message).toMatch(/could not say/);
    expect(cheap.controls.calls.createVM).toBe(calls);
    expect((await manager.reconcile()).creates.map((c) => c.outcome)).toEqual(['adopted']);
    expect(await liveVMs(all)).toHaveLength(1);
  });

  it('a create that another replica is still working on is left to it', async () => {
    const { cheap, all } = twoClouds();
    const store = createMemoryStore();
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    cheap.controls.faults.hang('createVM');
    const controller = new AbortController();
    const running = manager.createVM(need, { idempotencyKey: 'r4', request: cheapest, signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const report = await new FederationManager({ providers: [...all], stateStore: store, failover: fast }).reconcile();
    expect(report.creates.map((c) => c.outcome)).toEqual(['busy']);
    controller.abort();
    await running;
    cheap.controls.faults.hang('createVM', false);
  });
});

describe('user data never reaches the state store', () => {
  it('is stored as a digest in the operation and the inventory record', async () => {
    const { all } = twoClouds();
    const store = createMemoryStore();
    const manager = new FederationManager({ providers: [...all], stateStore: store, failover: fast });
    const secret = '#!/bin/sh\nexport JOIN_TOKEN=s3cr3t-join-token-4242\n';
    await manager.createVM({ ...need, userData: secret }, { idempotencyKey: 'u1', request: cheapest });
    const text = await storeText(store);
    expect(text).not.toContain('s3cr3t-join-token-4242');
    const [record] = await (async () => {
      const out = [];
      for await (const r of manager.inventory()) out.push(r);
      return out;
    })();
    expect(record!.spec?.userDataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record!.spec).not.toHaveProperty('userData');
  });
});

describe('an adopted VM is waited for until it runs', () => {
  it('returns the VM running, as a create that got its answer does', async () => {
    const { cheap, all } = twoClouds({ provisioningDelayMs: 150 });
    const manager = new FederationManager({ providers: [...all], failover: { ...fast, resolveAttempts: 3 } });
    cheap.controls.faults.dropResponse('createVM');
    const result = await manager.createVM(need, { idempotencyKey: 'w1', request: cheapest });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['created']);
    expect(result.vm.state).toBe('running');
  });
});
