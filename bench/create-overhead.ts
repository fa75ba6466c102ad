/**
 * What the durable-operation core costs per create, against the in-memory provider and store.
 *
 *   node --import tsx bench/create-overhead.ts
 *
 * Reports store writes (puts) and other store calls per create and µs per create (median of 5
 * rounds of 400 creates, each with its own idempotency key), and as the baseline in the same
 * run, the provider's createVM alone (no federation). Run the same file against an older build
 * to compare before and after.
 */
import { performance } from 'node:perf_hooks';
import { createMemoryProvider, createMemoryStore, FederationManager, type StateStore } from 'novacron';

function counting(store: StateStore): { store: StateStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const N = 400;
const spec = { name: 'bench', cpu: 2, memory: 4 };

async function federated(round: number): Promise<{ us: number; calls: Map<string, number> }> {
  const provider = createMemoryProvider({ name: 'm', kind: 'aws', regions: ['us-east-1'], provisioningDelayMs: 0 });
  const { store, calls } = counting(createMemoryStore());
  const manager = new FederationManager({ providers: [provider], stateStore: store });
  await manager.ready();
  await manager.createVM(spec, { idempotencyKey: `warm-${round}` });
  calls.clear();
  const t = performance.now();
  for (let i = 0; i < N; i++) await manager.createVM(spec, { idempotencyKey: `r${round}-${i}` });
  return { us: ((performance.now() - t) * 1000) / N, calls };
}

async function bare(): Promise<number> {
  const provider = createMemoryProvider({ name: 'm', kind: 'aws', regions: ['us-east-1'], provisioningDelayMs: 0 });
  await provider.createVM({ ...spec, region: 'us-east-1', instanceType: 't3.medium' });
  const t = performance.now();
  for (let i = 0; i < N; i++) await provider.createVM({ ...spec, region: 'us-east-1', instanceType: 't3.medium' }, { idempotencyKey: `b-${i}` });
  return ((performance.now() - t) * 1000) / N;
}

const fed: number[] = [];
const base: number[] = [];
let calls = new Map<string, number>();
for (let r = 0; r < 5; r++) {
  const f = await federated(r);
  fed.push(f.us);
  calls = f.calls;
  base.push(await bare());
}
const perCreate = [...calls].sort().map(([k, v]) => `${k} ${(v / N).toFixed(1)}`).join(', ');
console.log(`store calls per create: ${perCreate}`);
console.log(`federated createVM: median ${median(fed).toFixed(0)} µs per create (${N} creates × 5 rounds)`);
console.log(`provider createVM alone: median ${median(base).toFixed(0)} µs; federation overhead ${(median(fed) - median(base)).toFixed(0)} µs, ratio ${(median(fed) / median(base)).toFixed(1)}×`);
