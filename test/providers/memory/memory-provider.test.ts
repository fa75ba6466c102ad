import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  createEventBus,
  createMemoryProvider,
  type InvalidSpecError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  type VM,
  type VMStateChangedEvent,
} from '../../../src/index.js';
import { withRetry } from '../../../src/provider-utils/index.js';
import { collect } from '../../helpers.js';

const small = { cpu: 1, memory: 1 } as const;

describe('memory provider', () => {
  it('chooses the cheapest fitting instance type and prices the VM with its source', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const vm = await p.createVM({ name: 'a', cpu: 3, memory: '6Gi' });
    // 4 vCPU is the smallest size with ≥ 3 vCPUs; the compute family (2 GiB/vCPU) is cheapest with 8 GiB.
    expect(vm.instanceType).toBe('cpu.4x8');
    expect(vm.hourlyPrice).toMatchObject({ currency: 'USD', source: 'novacron-synthetic-rate-card' });
    const spot = await p.createVM({ name: 'b', cpu: 3, memory: '6Gi', spot: true });
    expect(spot.spot).toBe(true);
    expect(spot.hourlyPrice!.amount).toBeLessThan(vm.hourlyPrice!.amount);
  });

  it('goes pending → running with the clock, reporting each change once', async () => {
    let now = 1_000;
    const bus = createEventBus();
    const changes: VMStateChangedEvent[] = [];
    bus.on('vm.state-changed', (e) => changes.push(e));
    const p = createMemoryProvider({ clock: () => now, provisioningDelayMs: 500, events: bus });
    const vm = await p.createVM({ name: 'a', ...small }, { wait: false });
    expect(vm.state).toBe('pending');
    now += 499;
    expect((await p.getVM(vm.id)).state).toBe('pending');
    now += 1;
    expect((await p.getVM(vm.id)).state).toBe('running');
    expect((await p.getVM(vm.id)).state).toBe('running');
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['pending->running']);
  });

  it('raises CapacityError naming the zone when a zone is full, and places in another zone when none is asked', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, capacity: { 'local-1a': 1 } });
    await p.createVM({ name: 'a', ...small, zone: 'local-1a', region: 'local-1' });
    const error = await p.createVM({ name: 'b', ...small, zone: 'local-1a', region: 'local-1' }).catch((e: unknown) => e);
    expect(CapacityError.isInstance(error)).toBe(true);
    expect((error as CapacityError).zone).toBe('local-1a');
    expect((error as CapacityError).region).toBe('local-1');
    const elsewhere = await p.createVM({ name: 'c', ...small });
    expect(elsewhere.zone).toBe('local-1b');
  });

  it('caps capacity per instance type', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, regions: [{ name: 'r1', zones: ['r1a'] }] });
    p.controls.faults.capacity({ zone: 'r1a', type: 'cpu.1x2' }, 0);
    const error = await p.createVM({ name: 'a', cpu: 1, memory: 2 }).catch((e: unknown) => e);
    expect(CapacityError.isInstance(error)).toBe(true);
    expect((error as CapacityError).instanceType).toBe('cpu.1x2');
    // Another type still fits.
    expect((await p.createVM({ name: 'b', cpu: 1, memory: 4 })).instanceType).toBe('gp.1x4');
  });

  it('enforces vCPU and instance quotas per region with QuotaError', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, quotas: { vcpusPerRegion: 8, instancesPerRegion: 3 } });
    await p.createVM({ name: 'a', cpu: 4, memory: 8 });
    const error = await p.createVM({ name: 'b', cpu: 8, memory: 16 }).catch((e: unknown) => e);
    expect(QuotaError.isInstance(error)).toBe(true);
    expect((error as QuotaError).quotaName).toBe('vcpus');
    expect((error as QuotaError).region).toBe('local-1');
    await p.createVM({ name: 'c', ...small });
    await p.createVM({ name: 'd', ...small });
    const count = await p.createVM({ name: 'e', ...small }).catch((e: unknown) => e);
    expect((count as QuotaError).quotaName).toBe('instances');
  });

  it('throttles at the configured rate, retries like an SDK, and surfaces ThrottledError when retries run out', async () => {
    const always = createMemoryProvider({ provisioningDelayMs: 0, throttle: { rate: 1, retryAfterMs: 1 }, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const error = await always.createVM({ name: 'a', ...small }).catch((e: unknown) => e);
    expect(ThrottledError.isInstance(error)).toBe(true);
    expect((error as ThrottledError).retryAfterMs).toBe(1);
    expect(always.controls.calls.createVM).toBe(3);
    expect(always.controls.vmCount).toBe(0);
  });

  it('creates exactly 50 VMs under 30% throttling when the caller retries with one idempotency key per VM', async () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const p = createMemoryProvider({ provisioningDelayMs: 0, throttle: { rate: 0.3, retryAfterMs: 1, seed: 42 }, retry: { maxAttempts: 1 } });
    const vms = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withRetry(() => p.createVM({ name: `batch-${i}`, ...small, labels: { batch: 'b1' } }, { idempotencyKey: `batch-${i}` }), {
          operation: 'createVM',
          maxAttempts: 20,
          baseDelayMs: 1,
          maxDelayMs: 5,
          random,
        }),
      ),
    );
    expect(new Set(vms.map((v) => v.id)).size).toBe(50);
    p.controls.faults.throttle(0);
    expect((await collect(p.listVMs({ labels: { batch: 'b1' } }))).length).toBe(50);
    expect(p.controls.calls.createVM).toBeGreaterThan(50); // some calls really were throttled
  });

  it('lists in pages: one API call per page, never one per VM', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, pageSize: 10 });
    for (let i = 0; i < 95; i++) await p.createVM({ name: `v${i}`, ...small }, { wait: false });
    p.controls.resetCalls();
    const all = await collect(p.listVMs());
    expect(all.length).toBe(95);
    expect(p.controls.calls.listVMs).toBe(10);
    expect(p.controls.calls.getVM).toBe(0);
  });

  it('terminates interrupted spot VMs with a reason', async () => {
    const bus = createEventBus();
    const reasons: (string | undefined)[] = [];
    bus.on('vm.state-changed', (e) => reasons.push(e.reason));
    const p = createMemoryProvider({ provisioningDelayMs: 0, events: bus });
    const vm = await p.createVM({ name: 'a', ...small, spot: true });
    p.controls.interruptSpot(vm.id);
    const after = await p.getVM(vm.id);
    expect(after.state).toBe('terminated');
    expect(after.stateReason).toMatch(/spot-interruption/);
    expect(reasons.at(-1)).toMatch(/spot-interruption/);
  });

  it('keeps Azure-style deallocation apart from stopping', async () => {
    const azure = createMemoryProvider({ kind: 'azure', provisioningDelayMs: 0 });
    expect(azure.capabilities.deallocate).toBe(true);
    const vm = await azure.createVM({ name: 'a', cpu: 2, memory: 4 });
    expect((await azure.stopVM(vm.id)).state).toBe('stopped');
    expect((await azure.stopVM(vm.id, { deallocate: true })).state).toBe('deallocated');
    expect((await azure.startVM(vm.id)).state).toBe('running');
  });

  it('fails every call with AuthError or ProviderUnavailableError when told to', async () => {
    const p = createMemoryProvider();
    p.controls.faults.expireCredentials();
    expect(AuthError.isInstance(await p.createVM({ name: 'a', ...small }).catch((e: unknown) => e))).toBe(true);
    p.controls.faults.restoreCredentials();
    p.controls.setAvailable(false);
    expect(ProviderUnavailableError.isInstance(await collect(p.regions()).catch((e: unknown) => e))).toBe(true);
    expect(p.controls.vmCount).toBe(0);
  });

  it('injects a one-off fault into the next call of an operation', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.failNext('createVM', new CapacityError({ message: 'injected', provider: 'memory' }));
    expect(CapacityError.isInstance(await p.createVM({ name: 'a', ...small }).catch((e: unknown) => e))).toBe(true);
    expect((await p.createVM({ name: 'a', ...small })).state).toBe('running');
  });

  it('refuses an unknown region or a spec that no instance type fits, creating nothing', async () => {
    const p = createMemoryProvider();
    const region = await p.createVM({ name: 'a', ...small, region: 'mars-1' }).catch((e: unknown) => e);
    expect((region as InvalidSpecError).field).toBe('region');
    const huge = await p.createVM({ name: 'a', cpu: 500, memory: 100 }).catch((e: unknown) => e);
    expect((huge as InvalidSpecError).field).toBe('cpu');
    const gpu = await p.createVM({ name: 'a', cpu: 4, memory: 16, gpu: { count: 1, type: 'h100' } }).catch((e: unknown) => e);
    expect((gpu as InvalidSpecError).field).toBe('gpu');
    expect(p.controls.vmCount).toBe(0);
  });

  it('prices like the real cloud when standing in for AWS, from the bundled snapshot', async () => {
    const aws = createMemoryProvider({ kind: 'aws', provisioningDelayMs: 0 });
    const regions = (await collect(aws.regions())).map((r) => r.name);
    expect(regions).toContain('us-east-1');
    const vm = await aws.createVM({ name: 'a', cpu: 2, memory: '8Gi', region: 'us-east-1' });
    expect(vm.hourlyPrice?.source).not.toBe('novacron-synthetic-rate-card');
    expect(vm.hourlyPrice!.amount).toBeGreaterThan(0.05);
    expect(vm.hourlyPrice!.amount).toBeLessThan(0.2);
  });

  it('estimates cost: compute at the offer price, storage by disk type, egress per GB', async () => {
    const p = createMemoryProvider();
    const e = await p.estimateCost({ name: 'a', cpu: 2, memory: 8, disk: { size: 100, type: 'gp3' }, egressGBPerMonth: 100 });
    expect(e.instanceType).toBe('gp.2x8');
    expect(e.breakdown.compute).toBeCloseTo((2 * 0.031 + 8 * 0.0042) * 730, 2);
    expect(e.breakdown.storage).toBeCloseTo(8, 6); // 100 GiB × $0.08
    expect(e.breakdown.network).toBeCloseTo(9, 6); // 100 GB × $0.09
    expect(e.monthly).toBeCloseTo(e.breakdown.compute + 17, 6);
  });

  it('keeps a VM visible after a wait times out, naming it in the TimeoutError', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 60_000 });
    const ids: string[] = [];
    const error = await p
      .createVM({ name: 'slow', ...small }, { waitTimeoutMs: 30, onProvisioned: (vm: VM) => void ids.push(vm.id) })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('TIMEOUT');
    expect((error as { resourceId?: string }).resourceId).toBe(ids[0]);
    expect((await p.getVM(ids[0]!)).state).toBe('pending');
  });
});
