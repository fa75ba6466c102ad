import { describe, expect, it } from 'vitest';
import { CapacityError, createMemoryProvider, NotFoundError, type ProviderV1 } from '../../src/index.js';
import { createFederationMetrics, instrumentProvider, noopMetricsSink, type MetricLabels, type MetricsSink } from '../../src/metrics/index.js';

/** A sink that keeps the last value of every gauge series, for assertions. */
function recordingSink(): { sink: MetricsSink; gauges: Map<string, number> } {
  const gauges = new Map<string, number>();
  const key = (name: string, labels: MetricLabels) => `${name}${JSON.stringify(labels)}`;
  const sink: MetricsSink = {
    counter: () => ({ inc: () => undefined }),
    histogram: () => ({ observe: () => undefined }),
    gauge: (d) => ({
      set: (labels, v) => gauges.set(key(d.name, labels), v),
      inc: (labels, v = 1) => gauges.set(key(d.name, labels), (gauges.get(key(d.name, labels)) ?? 0) + v),
      dec: (labels, v = 1) => gauges.set(key(d.name, labels), (gauges.get(key(d.name, labels)) ?? 0) - v),
    }),
  };
  return { sink, gauges };
}

const vmsKey = (provider: string, region: string) => `novacron_federation_vms_total${JSON.stringify({ provider, region })}`;
const spec = { name: 'vm', cpu: 1, memory: 2 } as const;

describe('instrumentProvider', () => {
  it('counts VMs that existed before wrapping once the host reads its inventory, and drops terminated ones', async () => {
    const raw = createMemoryProvider({ name: 'mem', regions: ['r1'], provisioningDelayMs: 0 });
    const before = await raw.createVM(spec);
    await raw.createVM({ ...spec, name: 'vm-2' });
    const { sink, gauges } = recordingSink();
    const provider = instrumentProvider(raw, { metrics: createFederationMetrics(sink) });
    expect(gauges.get(vmsKey('mem', 'r1'))).toBeUndefined();
    for await (const _ of provider.listVMs()) void _;
    expect(gauges.get(vmsKey('mem', 'r1'))).toBe(2);
    for await (const _ of provider.listVMs()) void _;
    expect(gauges.get(vmsKey('mem', 'r1'))).toBe(2);
    await raw.deleteVM(before.id); // behind the wrapper's back
    await provider.getVM(before.id);
    expect(gauges.get(vmsKey('mem', 'r1'))).toBe(1);
  });

  it('counts nothing when a create fails, and passes the error through unchanged', async () => {
    const raw = createMemoryProvider({ name: 'mem', regions: ['r1'], provisioningDelayMs: 0 });
    const { sink, gauges } = recordingSink();
    const provider = instrumentProvider(raw, { metrics: createFederationMetrics(sink) });
    raw.controls.faults.failNext('createVM', new CapacityError({ message: 'full', region: 'r1' }));
    await expect(provider.createVM(spec)).rejects.toSatisfy((e: unknown) => CapacityError.isInstance(e));
    await expect(provider.getVM('nope')).rejects.toSatisfy((e: unknown) => NotFoundError.isInstance(e));
    expect([...gauges.keys()].filter((k) => k.startsWith('novacron_federation_vms_total'))).toEqual([]);
  });

  it('keeps costs exact through many creates and deletes (set from totals, no drift)', async () => {
    const raw = createMemoryProvider({ name: 'mem', regions: ['r1'], provisioningDelayMs: 0 });
    const { sink, gauges } = recordingSink();
    const provider = instrumentProvider(raw, { metrics: createFederationMetrics(sink) });
    const vms = [];
    for (let i = 0; i < 30; i++) vms.push(await provider.createVM({ ...spec, name: `vm-${i}`, disk: 10 + i }));
    expect(gauges.get(`novacron_federation_provider_costs_dollars${JSON.stringify({ provider: 'mem', type: 'storage' })}`)).toBeGreaterThan(0);
    for (const vm of vms) await provider.deleteVM(vm.id);
    for (const type of ['compute', 'storage', 'network']) {
      expect(gauges.get(`novacron_federation_provider_costs_dollars${JSON.stringify({ provider: 'mem', type })}`), type).toBe(0);
    }
    expect(gauges.get(vmsKey('mem', 'r1'))).toBe(0);
  });

  it('keeps what the federation relies on: the idempotency-key lookup, the event bus and the region names', async () => {
    const raw = createMemoryProvider({ name: 'mem', regions: ['r1', 'r2'], provisioningDelayMs: 0 });
    const provider = instrumentProvider(raw, { metrics: createFederationMetrics(noopMetricsSink) });
    const vm = await provider.createVM(spec, { idempotencyKey: 'key-1' });
    expect((await provider.findByIdempotencyKey!('key-1'))?.id).toBe(vm.id);
    expect(await provider.findByIdempotencyKey!('key-2')).toBeUndefined();
    expect(provider.events).toBe(raw.events);
    expect(provider.regionNames).toEqual(raw.regionNames);
    const bare = instrumentProvider(Object.create(raw, { findByIdempotencyKey: { value: undefined }, events: { value: undefined } }) as ProviderV1, { metrics: createFederationMetrics(noopMetricsSink) });
    expect(bare.findByIdempotencyKey).toBeUndefined();
    expect(bare.events).toBeUndefined();
  });

  it('the no-op sink accepts every call and records nothing', () => {
    const metrics = createFederationMetrics(noopMetricsSink);
    metrics.vmsTotal.set({ provider: 'p', region: 'r' }, 1);
    metrics.migrationsTotal.inc({ source: 'a', destination: 'b', status: 'succeeded' });
    metrics.networkLatencyMs.observe({ source: 'a', destination: 'b' }, 3);
    expect(Object.isFrozen(noopMetricsSink)).toBe(true);
  });
});
