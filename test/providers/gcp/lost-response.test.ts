/** Idempotency over the wire: a dropped insert answer and a throttled batch never make an instance twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NovacronError } from '../../../src/provider/errors.js';
import { startEmulatedGcp, type EmulatedGcp } from './emulated-gcp.js';

let env: EmulatedGcp;
beforeAll(async () => {
  env = await startEmulatedGcp();
});
afterAll(() => env?.close());

const liveOnEmulator = (label: string): number => env.emu.state.instances().filter((i) => (i.labels as Record<string, string> | undefined)?.batch === label).length;

describe('a dropped insert answer', () => {
  it('retried from a fresh provider instance gives one instance', async () => {
    const first = env.provider({ maxAttempts: 1 });
    env.emu.faults.dropResponse('instances.insert');
    const spec = { name: 'lost', cpu: 2, memory: 4, labels: { batch: 'lost' } };
    const error = await first.createVM(spec, { idempotencyKey: 'lost-1' }).catch((e: unknown) => e);
    expect(NovacronError.isInstance(error)).toBe(true);
    env.emu.faults.reset();
    const fresh = env.provider();
    const vm = await fresh.createVM(spec, { idempotencyKey: 'lost-1' });
    expect(vm.state).toBe('running');
    expect(liveOnEmulator('lost')).toBe(1);
    expect(await fresh.findByIdempotencyKey('lost-1')).toMatchObject({ id: vm.id });
  });

  it('is retried by the adapter itself with the same requestId: one instance', async () => {
    env.emu.faults.dropResponse('instances.insert');
    const vm = await env.gcp.createVM({ name: 'lost2', cpu: 2, memory: 4, labels: { batch: 'lost2' } }, { idempotencyKey: 'lost-2' });
    env.emu.faults.reset();
    expect(vm.state).toBe('running');
    expect(liveOnEmulator('lost2')).toBe(1);
  });
});

describe('30% rate-limit errors', () => {
  it('30 creates give exactly 30 instances', async () => {
    env.emu.faults.throttle(0.3, { seed: 11, retryAfterMs: 1 });
    try {
      const vms = await Promise.all(Array.from({ length: 30 }, (_, i) => env.gcp.createVM({ name: `batch-${i}`, cpu: 1, memory: 1, labels: { batch: 'thirty' } }, { idempotencyKey: `thirty-${i}` })));
      expect(new Set(vms.map((v) => v.id)).size).toBe(30);
    } finally {
      env.emu.faults.reset();
    }
    expect(liveOnEmulator('thirty')).toBe(30);
    expect(env.emu.stats.throttled()).toBeGreaterThan(0);
  }, 20_000);
});
