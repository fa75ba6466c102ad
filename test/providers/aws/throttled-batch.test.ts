/**
 * Fifty creates while 30 % of all calls are throttled: exactly fifty instances, no duplicates.
 * The SDK retries throttled calls (same ClientToken on each attempt); when its attempts run
 * out the caller sees ThrottledError and retries with the same idempotency key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../src/provider/errors.js';
import { withRetry } from '../../../src/provider/retry.js';
import { clientTokenFor } from '../../../src/providers/aws/run-instances-mapping.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws({ emulator: { seed: 7 }, provider: { maxAttempts: 3 } });
});
afterAll(() => env.close());

describe('a batch of creates under throttling', () => {
  it('ends with exactly 50 instances and no duplicates at a 30 % throttle rate', async () => {
    env.emu.faults.throttle(0.3, { seed: 42 });
    let surfaced = 0;
    const vms = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        withRetry(
          async () => {
            try {
              return await env.aws.createVM({ name: `batch-${i}`, cpu: 1, memory: 1, labels: { suite: 'batch' } }, { idempotencyKey: `batch-${i}` });
            } catch (error) {
              if (ThrottledError.isInstance(error)) surfaced++;
              throw error;
            }
          },
          { operation: 'createVM', maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 200 },
        ),
      ),
    );
    env.emu.faults.reset();

    expect(env.emu.stats.throttled()).toBeGreaterThan(0);
    const launched = env.emu.instances().filter((i) => i.tags.suite === 'batch');
    expect(launched).toHaveLength(50);
    expect(new Set(launched.map((i) => i.clientToken)).size).toBe(50);
    expect(new Set(vms.map((v) => v.id)).size).toBe(50);
    expect(vms.every((v) => v.state === 'running')).toBe(true);
    for (let i = 0; i < 50; i++) {
      expect(launched.find((l) => l.instanceId === vms[i]!.id)?.clientToken).toBe(clientTokenFor(`batch-${i}`));
    }
    // Whether any create ran out of SDK attempts depends on how the 50 calls interleave, so it
    // is reported, not asserted; the next test makes that path certain.
    expect(surfaced).toBeGreaterThanOrEqual(0);
  });

  it('a create that runs out of SDK attempts surfaces ThrottledError, and retrying its key makes one instance', async () => {
    env.emu.faults.throttle(1, { operations: ['RunInstances'] });
    const spec = { name: 'throttled', cpu: 1, memory: 1, labels: { suite: 'surfaced' } };
    const error = await env.aws.createVM(spec, { idempotencyKey: 'surfaced-1' }).catch((e: unknown) => e);
    expect(ThrottledError.isInstance(error)).toBe(true);
    env.emu.faults.reset();
    const vm = await env.aws.createVM(spec, { idempotencyKey: 'surfaced-1' });
    const launched = env.emu.instances().filter((i) => i.tags.suite === 'surfaced');
    expect(launched.map((i) => i.instanceId)).toEqual([vm.id]);
  });
});
