/**
 * An AWS error code the adapter's table does not know is read by its HTTP status, through the
 * real SDK from the emulator: a 4xx refuses this request (it must not read as an outage that
 * blocks the whole provider in failover), a 5xx is an outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import { toNovacronError } from '../../../src/providers/aws/error-mapping.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

const CASES: [status: number, guard: (e: unknown) => boolean][] = [
  [404, NotFoundError.isInstance],
  [409, ConflictError.isInstance],
  [413, InvalidSpecError.isInstance],
  [422, InvalidSpecError.isInstance],
  [502, ProviderUnavailableError.isInstance],
];

describe('unknown AWS error codes', () => {
  let env: EmulatedAws;
  beforeAll(async () => {
    env = await startEmulatedAws({ provider: { maxAttempts: 1 } });
    await env.aws.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
  });
  afterAll(() => env.close());

  for (const [status, guard] of CASES) {
    it(`a new code with HTTP ${status}`, async () => {
      env.emu.faults.failNext('RunInstances', { kind: 'invalid', code: 'SomethingNewException', message: 'a code introduced after this adapter', status });
      const error = await rejectionOf(env.aws.createVM({ name: 'new-code', cpu: 1, memory: 1 }, { wait: false }));
      env.emu.faults.reset();
      expect(guard(error), String(error)).toBe(true);
    });
  }

  it('a code without any HTTP status stays an outage that is not retried', () => {
    const mapped = toNovacronError(Object.assign(new Error('?'), { name: 'Weird' }), { provider: 'p', operation: 'op' });
    expect(ProviderUnavailableError.isInstance(mapped) && !mapped.retryable).toBe(true);
  });
});
