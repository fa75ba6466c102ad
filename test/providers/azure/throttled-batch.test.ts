/**
 * Thirty creates while 30 % of all calls are throttled: exactly thirty VMs, thirty NICs, no
 * duplicates. The pipeline retries 429s honouring Retry-After; when its retries run out the caller
 * sees ThrottledError and retries with the same idempotency key, which lands on the same names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/provider/errors.js';
import { withRetry } from '../../../src/provider/retry.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure({ emulator: { seed: 7 }, provider: { maxRetries: 2 } });
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
});
afterAll(() => env.close());

describe('a batch of Azure creates under throttling', () => {
  it('ends with exactly 30 VMs at a 30 % throttle rate', async () => {
    env.emu.faults.throttle(0.3, { seed: 42, retryAfterMs: 10 });
    let surfaced = 0;
    const vms = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        withRetry(
          async () => {
            try {
              return await env.azure.createVM({ name: `batch-${i}`, cpu: 1, memory: 1, labels: { suite: 'batch' } }, { idempotencyKey: `batch-${i}` });
            } catch (error) {
              if (ThrottledError.isInstance(error)) surfaced++;
              throw error;
            }
          },
          { operation: 'createVM', maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 100 },
        ),
      ),
    );
    env.emu.faults.reset();

    expect(env.emu.stats.throttled()).toBeGreaterThan(0);
    const stored = env.emu.state.virtualMachines().filter((v) => v.tags?.suite === 'batch');
    expect(stored).toHaveLength(30);
    expect(new Set(vms.map((v) => v.id)).size).toBe(30);
    expect(vms.every((v) => v.state === 'running')).toBe(true);
    for (let i = 0; i < 30; i++) expect(vms[i]!.id.endsWith(`/${resourceNamesFor(`batch-${i}`).vm}`)).toBe(true);
    expect(env.emu.state.networkInterfaces().filter((n) => n.name.startsWith('nc-'))).toHaveLength(30);
    // Whether a create ran out of pipeline retries depends on how the calls interleave: reported, not asserted.
    expect(surfaced).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('a create whose retries all meet throttling surfaces ThrottledError, and retrying its key makes one VM', async () => {
    env.emu.faults.throttle(1, { operations: ['virtualMachines.createOrUpdate'], retryAfterMs: 1 });
    const spec = { name: 'throttled', cpu: 1, memory: 1, labels: { suite: 'surfaced' } };
    const error = await env.azure.createVM(spec, { idempotencyKey: 'surfaced-1' }).catch((e: unknown) => e);
    expect(ThrottledError.isInstance(error), String(error)).toBe(true);
    env.emu.faults.reset();
    const vm = await env.azure.createVM(spec, { idempotencyKey: 'surfaced-1' });
    expect(env.emu.state.virtualMachines().filter((v) => v.tags?.suite === 'surfaced').map((v) => v.id)).toEqual([vm.id]);
  });
});
